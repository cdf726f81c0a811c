/* Capture and replay. A small forward+backward chain is captured once and replayed with new
 * host-visible inputs; every replay must match the same chain run eagerly (on the same context and
 * on the CPU). Adam is captured once and replayed with the step count (and later the learning rate)
 * changed in its hyper tensor between replays; it must follow PyTorch and the eager CPU steps. */
#include <stdio.h>
#include <string.h>

#include "tests/ops/op_suites.h"

/* ---- the chain: conv2d (s2) -> leaky relu -> + positional term -> mean, and back ----------------- */
enum { CH_N = 2, CH_CIN = 3, CH_H = 7, CH_W = 9, CH_COUT = 4, CH_K = 3, CH_HO = 4, CH_WO = 5 };

typedef struct chain {
    tensor *x, *pe, *dloss;            /* host-visible inputs, rewritten between replays */
    tensor *w, *b;                     /* written once */
    tensor *y, *z, *s, *loss, *ds, *dz, *dpe, *dyy, *dx, *dw, *db;
} chain;

static chain chain_new(compute_ctx *ctx)
{
    chain c;
    c.x = tensor_new_flags(ctx, 4, (int[]){ CH_N, CH_CIN, CH_H, CH_W }, TENSOR_HOST_VISIBLE);
    c.pe = tensor_new_flags(ctx, 4, (int[]){ 1, CH_COUT, 1, CH_WO }, TENSOR_HOST_VISIBLE);
    c.dloss = tensor_new_flags(ctx, 1, (int[]){ 1 }, TENSOR_HOST_VISIBLE);
    c.w = tensor_newv(ctx, 4, CH_COUT, CH_CIN, CH_K, CH_K);
    c.b = tensor_newv(ctx, 1, CH_COUT);
    c.y = tensor_newv(ctx, 4, CH_N, CH_COUT, CH_HO, CH_WO);
    c.z = tensor_new_like(c.y);
    c.s = tensor_new_like(c.y);
    c.loss = tensor_newv(ctx, 1, 1);
    c.ds = tensor_new_like(c.y);
    c.dz = tensor_new_like(c.y);
    c.dpe = tensor_new_like(c.pe);
    c.dyy = tensor_new_like(c.y);
    c.dx = tensor_new_like(c.x);
    c.dw = tensor_new_like(c.w);
    c.db = tensor_new_like(c.b);
    return c;
}

static void chain_free(chain *c)
{
    ot_free_tensors((tensor *[]){ c->x, c->pe, c->dloss, c->w, c->b, c->y, c->z, c->s, c->loss, c->ds,
                                  c->dz, c->dpe, c->dyy, c->dx, c->dw, c->db },
                    16);
}

static void chain_issue(chain *c)
{
    conv2d_params p = conv2d_params_make(2, 1, 1);
    op_conv2d_forward(c->x, c->w, c->b, c->y, &p);
    op_leaky_relu_forward(c->y, c->z, 0.2f);
    op_add_forward(c->z, c->pe, c->s);
    op_mean_forward(c->s, c->loss);
    op_mean_backward(c->dloss, c->ds);
    op_add_backward(c->ds, c->dz, c->dpe);
    op_leaky_relu_backward(c->y, c->dz, c->dyy, 0.2f);
    op_conv2d_backward(c->x, c->w, c->dyy, c->dx, c->dw, c->db, &p);
}

static void chain_outputs(const chain *c, ot_set *out)
{
    ot_download(c->z, out, "z");
    ot_download(c->s, out, "s");
    ot_download(c->loss, out, "loss");
    ot_download(c->dpe, out, "dpe");
    ot_download(c->dx, out, "dx");
    ot_download(c->dw, out, "dw");
    ot_download(c->db, out, "db");
}

typedef struct chain_inputs { ot_set s; } chain_inputs;

static void chain_inputs_random(chain_inputs *in, ot_rng *r)
{
    memset(in, 0, sizeof *in);
    ot_fill_normal(ot_set_add(&in->s, "x", 4, (int[]){ CH_N, CH_CIN, CH_H, CH_W }), r, 1.0f);
    ot_fill_normal(ot_set_add(&in->s, "pe", 4, (int[]){ 1, CH_COUT, 1, CH_WO }), r, 1.0f);
    /* A loss weight far from 1 so a backward that ignores dloss is caught. */
    ot_fill_uniform(ot_set_add(&in->s, "dloss", 1, (int[]){ 1 }), r, 2.0f, 5.0f);
    ot_fill_normal(ot_set_add(&in->s, "w", 4, (int[]){ CH_COUT, CH_CIN, CH_K, CH_K }), r, 0.5f);
    ot_fill_normal(ot_set_add(&in->s, "b", 1, (int[]){ CH_COUT }), r, 1.0f);
}

static void chain_write_host_inputs(chain *c, const chain_inputs *in)
{
    tensor_write(c->x, ot_set_get(&in->s, "x")->data);
    tensor_write(c->pe, ot_set_get(&in->s, "pe")->data);
    tensor_write(c->dloss, ot_set_get(&in->s, "dloss")->data);
}

/* The chain run eagerly on ctx with inputs `in`. */
static void chain_eager(compute_ctx *ctx, const chain_inputs *in, ot_set *out)
{
    chain c = chain_new(ctx);
    tensor_write(c.w, ot_set_get(&in->s, "w")->data);
    tensor_write(c.b, ot_set_get(&in->s, "b")->data);
    chain_write_host_inputs(&c, in);
    chain_issue(&c);
    chain_outputs(&c, out);
    chain_free(&c);
}

static void compare_sets(const char *label, const ot_set *got, const ot_set *want, ot_tol tol)
{
    char what[160];
    for (int i = 0; i < want->n; i++) {
        snprintf(what, sizeof what, "%s: %s", label, want->a[i].name);
        const ot_array *g = ot_set_find(got, want->a[i].name);
        if (ot_check(g != NULL, "%s missing", what)) ot_compare(what, g, &want->a[i], tol);
    }
}

static void chain_replay_test(compute_ctx *ctx, compute_ctx *cpu)
{
    ot_rng rng;
    ot_rng_seed(&rng, 7);
    chain_inputs first;
    chain_inputs_random(&first, &rng);
    chain c = chain_new(ctx);
    tensor_write(c.w, ot_set_get(&first.s, "w")->data);
    tensor_write(c.b, ot_set_get(&first.s, "b")->data);
    compute_graph *g = compute_capture_begin(ctx);
    if (!ot_check(g != NULL, "capture: compute_capture_begin returned NULL on vulkan")) {
        chain_free(&c);
        ot_set_free(&first.s);
        return;
    }
    chain_issue(&c);
    compute_capture_end(ctx, g);

    float prev_loss = 0;
    for (int rep = 0; rep < 3; rep++) {
        chain_inputs in;
        chain_inputs_random(&in, &rng);
        /* Keep the weights the graph was built with; only the host-visible inputs change. */
        memcpy(ot_set_get(&in.s, "w")->data, ot_set_get(&first.s, "w")->data, sizeof(float) * CH_COUT * CH_CIN * CH_K * CH_K);
        memcpy(ot_set_get(&in.s, "b")->data, ot_set_get(&first.s, "b")->data, sizeof(float) * CH_COUT);
        chain_write_host_inputs(&c, &in);
        compute_graph_run(g);
        ot_set got = { 0 }, eager_same = { 0 }, eager_cpu = { 0 };
        chain_outputs(&c, &got);
        chain_eager(ctx, &in, &eager_same);
        chain_eager(cpu, &in, &eager_cpu);
        char label[96];
        snprintf(label, sizeof label, "capture replay %d vs eager on the same device", rep + 1);
        compare_sets(label, &got, &eager_same, OT_TOL_VULKAN);
        snprintf(label, sizeof label, "capture replay %d vs eager cpu", rep + 1);
        compare_sets(label, &got, &eager_cpu, OT_TOL_VULKAN);
        float loss = ot_set_get(&got, "loss")->data[0];
        ot_check(rep == 0 || loss != prev_loss, "capture replay %d: loss %g unchanged with new inputs", rep + 1,
                 (double)loss);
        prev_loss = loss;
        ot_set_free(&got);
        ot_set_free(&eager_same);
        ot_set_free(&eager_cpu);
        ot_set_free(&in.s);
    }
    compute_graph_free(g);
    chain_free(&c);
    ot_set_free(&first.s);
}

/* ---- Adam replayed over several steps ------------------------------------------------------------ */
#define ADAM_REPLAY_STEPS 6

typedef struct adam_state {
    tensor *param, *grad, *m, *v, *hyper;
} adam_state;

static adam_state adam_state_new(compute_ctx *ctx, const ot_array *param0)
{
    adam_state s;
    s.param = ot_upload(ctx, param0);
    s.grad = tensor_new_flags(ctx, param0->ndim, param0->shape, TENSOR_HOST_VISIBLE);
    s.m = tensor_new_like(s.param);
    s.v = tensor_new_like(s.param);
    tensor_fill(s.m, 0.0f);
    tensor_fill(s.v, 0.0f);
    s.hyper = tensor_new_flags(ctx, 1, (int[]){ ADAM_NHYPER }, TENSOR_HOST_VISIBLE);
    return s;
}

static void adam_state_free(adam_state *s)
{
    ot_free_tensors((tensor *[]){ s->param, s->grad, s->m, s->v, s->hyper }, 5);
}

/* Hyperparameters of step t (1-based): the golden case's for steps 1-3, then the learning rate is
 * quartered and weight decay switched on, as a schedule would between captured steps. */
static void adam_hyper_for_step(const cJSON *params, int t, float *h)
{
    h[ADAM_LR] = (float)ot_param_double(params, "lr", 1e-3);
    h[ADAM_BETA1] = (float)ot_param_double(params, "beta1", 0.9);
    h[ADAM_BETA2] = (float)ot_param_double(params, "beta2", 0.999);
    h[ADAM_EPS] = (float)ot_param_double(params, "eps", 1e-8);
    h[ADAM_WEIGHT_DECAY] = (float)ot_param_double(params, "weight_decay", 0.0);
    h[ADAM_STEP] = (float)t;
    if (t > 3) {
        h[ADAM_LR] *= 0.25f;
        h[ADAM_WEIGHT_DECAY] = 0.05f;
    }
}

/* Runs ADAM_REPLAY_STEPS steps; with a graph when capture is true (and available), else eagerly.
 * params_after[t-1] receives the parameters after step t; m/v the final moments. */
static void adam_run(compute_ctx *ctx, bool capture, const cJSON *params, const ot_set *golden,
                     ot_set *after, ot_rng *rng_grads)
{
    adam_state s = adam_state_new(ctx, ot_set_get(golden, "param"));
    /* On the CPU capture returns NULL and ops run at once, so the step is only issued into a real
     * graph; without one it is issued eagerly every step, as model code does. */
    compute_graph *g = capture ? compute_capture_begin(ctx) : NULL;
    if (g) op_adam_step(s.param, s.grad, s.m, s.v, s.hyper);
    if (capture) compute_capture_end(ctx, g);
    ot_check(!capture || (g != NULL) == (ctx->backend == COMPUTE_VULKAN),
             "adam capture: compute_capture_begin returned %s on %s", g ? "a graph" : "NULL",
             ctx->backend == COMPUTE_VULKAN ? "vulkan" : "cpu");
    ot_rng rng = *rng_grads;   /* same extra gradients for every run */
    const ot_array *p0 = ot_set_get(golden, "param");
    ot_array *grad = ot_set_add(after, "grad_scratch", p0->ndim, p0->shape);
    char name[32];
    for (int t = 1; t <= ADAM_REPLAY_STEPS; t++) {
        snprintf(name, sizeof name, "grad%d", t);
        const ot_array *gg = ot_set_find(golden, name);
        if (gg) memcpy(grad->data, gg->data, grad->numel * sizeof(float));
        else ot_fill_normal(grad, &rng, 1.0f);
        float h[ADAM_NHYPER];
        adam_hyper_for_step(params, t, h);
        tensor_write(s.grad, grad->data);
        tensor_write(s.hyper, h);
        if (g) compute_graph_run(g);
        else op_adam_step(s.param, s.grad, s.m, s.v, s.hyper);
        snprintf(name, sizeof name, "param%d", t);
        ot_download(s.param, after, name);
    }
    ot_download(s.m, after, "m");
    ot_download(s.v, after, "v");
    compute_graph_free(g);
    adam_state_free(&s);
}

static void adam_replay_test(compute_ctx *ctx, compute_ctx *cpu, const char *golden_dir)
{
    cJSON *index = ot_load_index(golden_dir);
    if (!index) return;
    const cJSON *entry, *found = NULL;
    cJSON_ArrayForEach(entry, cJSON_GetObjectItemCaseSensitive(index, "cases")) {
        const cJSON *op = cJSON_GetObjectItemCaseSensitive(entry, "op");
        if (cJSON_IsString(op) && !strcmp(op->valuestring, "adam") &&
            ot_param_int(cJSON_GetObjectItemCaseSensitive(entry, "params"), "steps", 0) == 3) {
            found = entry;
            break;
        }
    }
    ot_set golden = { 0 };
    if (!ot_check(found != NULL, "capture: no 3-step adam case in the golden index") ||
        ot_load_case(golden_dir, found, &golden) != 0) {
        cJSON_Delete(index);
        return;
    }
    const cJSON *params = cJSON_GetObjectItemCaseSensitive(found, "params");
    ot_rng rng;
    ot_rng_seed(&rng, 99);
    ot_set replay = { 0 }, eager = { 0 };
    bool is_cpu = ctx->backend == COMPUTE_CPU;
    ot_tol tol = is_cpu ? OT_TOL_CPU_GOLDEN : OT_TOL_VULKAN;
    adam_run(ctx, true, params, &golden, &replay, &rng);
    adam_run(cpu, false, params, &golden, &eager, &rng);
    char what[128], name[32];
    for (int t = 1; t <= ADAM_REPLAY_STEPS; t++) {
        snprintf(name, sizeof name, "param%d", t);
        const ot_array *want = ot_set_find(&golden, name);
        if (want) {
            snprintf(what, sizeof what, "adam %s step %d: replay vs pytorch", is_cpu ? "eager" : "replayed", t);
            ot_compare(what, ot_set_get(&replay, name), want, tol);
        }
        snprintf(what, sizeof what, "adam %s step %d (lr %s): vs eager cpu", is_cpu ? "eager" : "replayed", t,
                 t > 3 ? "quartered, weight decay on" : "as golden");
        ot_compare(what, ot_set_get(&replay, name), ot_set_get(&eager, name), tol);
    }
    ot_compare("adam after replays: m vs eager cpu", ot_set_get(&replay, "m"), ot_set_get(&eager, "m"), tol);
    ot_compare("adam after replays: v vs eager cpu", ot_set_get(&replay, "v"), ot_set_get(&eager, "v"), tol);
    ot_set_free(&replay);
    ot_set_free(&eager);
    ot_set_free(&golden);
    cJSON_Delete(index);
}

/* CPU: capture returns NULL, ops issued between begin and end still run at once, and the graph
 * calls accept NULL (so model code can use one code path). */
static void cpu_capture_is_eager(compute_ctx *cpu)
{
    float xs[5] = { -2, -0.5f, 0, 1, 3 }, ys[5];
    tensor *x = tensor_newv(cpu, 1, 5), *y = tensor_newv(cpu, 1, 5);
    tensor_write(x, xs);
    compute_graph *g = compute_capture_begin(cpu);
    ot_check(g == NULL, "capture on cpu: compute_capture_begin returned a graph, expected NULL");
    op_scale_forward(x, y, 2.0f, 1.0f);
    tensor_read(y, ys);
    for (int i = 0; i < 5; i++)
        ot_check(ys[i] == 2 * xs[i] + 1, "capture on cpu: op inside capture did not run eagerly: y[%d] = %g, "
                 "expected %g", i, (double)ys[i], (double)(2 * xs[i] + 1));
    compute_capture_end(cpu, g);
    compute_graph_run(g);
    compute_graph_free(g);
    tensor_free(x);
    tensor_free(y);
}

void ot_capture_suite(compute_ctx *ctx, compute_ctx *cpu, const char *golden_dir)
{
    if (ctx->backend == COMPUTE_CPU) {
        cpu_capture_is_eager(ctx);
    } else {
        chain_replay_test(ctx, cpu);
    }
    adam_replay_test(ctx, cpu, golden_dir);
}
