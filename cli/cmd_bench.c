/* `irfa bench ops`: throughput of the ops at the shapes the IRFA model runs, on one device, next to
 * a plain OpenBLAS SGEMM on this machine for scale. */
#include <cblas.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cli/commands.h"
#include "cli/options.h"
#include "compute/ops.h"
#include "model/irfa_model.h"
#include <sys/resource.h>

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

typedef struct bench_case {
    const char *name;
    double flops;       /* per run; 0 for memory-bound ops */
    double bytes;       /* per run, for GB/s when flops is 0 */
    void (*run)(void *state);
    void *state;
} bench_case;

/* Runs c until at least min_s seconds have passed (at least 2 runs after one warm-up). */
static double time_case(compute_ctx *ctx, const bench_case *c, double min_s)
{
    c->run(c->state);
    compute_sync(ctx);
    int reps = 0;
    double t0 = now_s(), t;
    do {
        c->run(c->state);
        compute_sync(ctx);
        reps++;
        t = now_s() - t0;
    } while (t < min_s || reps < 2);
    return t / reps;
}

typedef struct conv_state {
    tensor *x, *w, *b, *y, *dy, *dx, *dw, *db;
    conv2d_params p;
    bool transpose;
} conv_state;

static void conv_fwd(void *s_)
{
    conv_state *s = s_;
    if (s->transpose) op_conv_transpose2d_forward(s->x, s->w, s->b, s->y, &s->p);
    else op_conv2d_forward(s->x, s->w, s->b, s->y, &s->p);
}

static void conv_bwd(void *s_)
{
    conv_state *s = s_;
    if (s->transpose) op_conv_transpose2d_backward(s->x, s->w, s->dy, s->dx, s->dw, s->db, &s->p);
    else op_conv2d_backward(s->x, s->w, s->dy, s->dx, s->dw, s->db, &s->p);
}

static void random_fill(tensor *t, irfa_rng *r)
{
    init_normal(t, r, 0.0f, 1.0f);
}

static conv_state *conv_make(compute_ctx *ctx, irfa_rng *r, int n, int cin, int h, int cout, int k,
                             conv2d_params p, bool transpose, bool bias)
{
    conv_state *s = calloc(1, sizeof *s);
    s->p = p;
    s->transpose = transpose;
    int ho, wo;
    if (transpose) {
        ho = conv_transpose2d_out_size(h, k, p.stride_h, p.pad_top, p.pad_bottom, p.output_pad_h);
        wo = conv_transpose2d_out_size(h, k, p.stride_w, p.pad_left, p.pad_right, p.output_pad_w);
        s->w = tensor_newv(ctx, 4, cin, cout / p.groups, k, k);
    } else {
        ho = conv2d_out_size(h, k, p.stride_h, p.pad_top, p.pad_bottom);
        wo = conv2d_out_size(h, k, p.stride_w, p.pad_left, p.pad_right);
        s->w = tensor_newv(ctx, 4, cout, cin / p.groups, k, k);
    }
    s->x = tensor_newv(ctx, 4, n, cin, h, h);
    s->y = tensor_newv(ctx, 4, n, cout, ho, wo);
    s->dy = tensor_newv(ctx, 4, n, cout, ho, wo);
    s->dx = tensor_new_like(s->x);
    s->dw = tensor_new_like(s->w);
    if (bias) { s->b = tensor_newv(ctx, 1, cout); s->db = tensor_newv(ctx, 1, cout); }
    random_fill(s->x, r);
    random_fill(s->w, r);
    random_fill(s->dy, r);
    return s;
}

static void conv_free(conv_state *s)
{
    tensor *ts[] = {s->x, s->w, s->b, s->y, s->dy, s->dx, s->dw, s->db};
    for (size_t i = 0; i < sizeof ts / sizeof ts[0]; i++) tensor_free(ts[i]);
    free(s);
}

typedef struct unary_state { tensor *x, *y, *dy, *dx; int axis; } unary_state;
static void softmax_fwd(void *s_) { unary_state *s = s_; op_softmax_forward(s->x, s->y, s->axis); }
static void softmax_bwd(void *s_) { unary_state *s = s_; op_softmax_backward(s->y, s->dy, s->dx, s->axis); }
static void lrelu_fwd(void *s_) { unary_state *s = s_; op_leaky_relu_forward(s->x, s->y, 0.2f); }

typedef struct bn_state { tensor *x, *g, *b, *rm, *rv, *sm, *si, *y, *dy, *dx, *dg, *db; } bn_state;
static void bn_fwd(void *s_)
{
    bn_state *s = s_;
    batchnorm_params p = batchnorm_params_default(true);
    op_batchnorm_forward(s->x, s->g, s->b, s->rm, s->rv, s->sm, s->si, s->y, &p);
}
static void bn_bwd(void *s_)
{
    bn_state *s = s_;
    batchnorm_params p = batchnorm_params_default(true);
    op_batchnorm_backward(s->x, s->g, s->sm, s->si, s->dy, s->dx, s->dg, s->db, &p);
}

static void sgemm_reference(int n, double *gflops)
{
    float *a = malloc(sizeof(float) * (size_t)n * n), *b = malloc(sizeof(float) * (size_t)n * n),
          *c = malloc(sizeof(float) * (size_t)n * n);
    for (size_t i = 0; i < (size_t)n * n; i++) { a[i] = (float)(i % 7) * 0.1f; b[i] = (float)(i % 5) * 0.1f; }
    cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, n, n, n, 1.0f, a, n, b, n, 0.0f, c, n);
    int reps = 0;
    double t0 = now_s(), t;
    do {
        cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, n, n, n, 1.0f, a, n, b, n, 0.0f, c, n);
        reps++;
        t = now_s() - t0;
    } while (t < 0.5 || reps < 3);
    *gflops = 2.0 * n * n * (double)n * reps / t * 1e-9;
    free(a); free(b); free(c);
}

/* One line (or JSON object) per case: milliseconds, and GFLOPS when flops > 0, else GB/s when
 * bytes > 0 (ops with neither, like the fused attention, get the time alone). */
static void report(bool json, bool *first, const char *name, double seconds, double flops, double bytes)
{
    double rate = flops > 0 ? flops / seconds * 1e-9 : bytes / seconds * 1e-9;
    const char *unit = flops > 0 ? "GFLOPS" : "GB/s";
    if (json) {
        printf("%s\n    {\"op\": \"%s\", \"ms\": %.3f", *first ? "" : ",", name, seconds * 1e3);
        if (flops > 0 || bytes > 0) printf(", \"%s\": %.2f", flops > 0 ? "gflops" : "gbps", rate);
        printf("}");
        *first = false;
    } else if (flops > 0 || bytes > 0) {
        printf("  %-52s %10.3f ms %10.2f %s\n", name, seconds * 1e3, rate, unit);
    } else {
        printf("  %-52s %10.3f ms\n", name, seconds * 1e3);
    }
    fflush(stdout);
}

/* The separable transpose attention at the reference shape. */
typedef struct attention_state {
    sepattn_tensors in, grad;
    tensor *t, *dt, *w;
    float scale;
} attention_state;
static void attention_fwd(void *s_) { attention_state *s = s_; op_separable_attention_forward(&s->in, s->scale, s->t, NULL); }
static void attention_fwd_w(void *s_) { attention_state *s = s_; op_separable_attention_forward(&s->in, s->scale, s->t, s->w); }
static void attention_bwd(void *s_) { attention_state *s = s_; op_separable_attention_backward(&s->in, s->scale, s->dt, &s->grad); }

static void bench_attention(compute_ctx *ctx, irfa_rng *rng, bool json, bool *first, double min_s, int n, int h,
                            int c, int grid, int k)
{
    attention_state s = {.scale = 1.0f / sqrtf((float)(c * k * k))};
    tensor **parts[7] = {&s.in.ka, &s.in.kx, &s.in.ky, &s.in.va, &s.in.vx, &s.in.vy, &s.in.ws};
    tensor **grads[7] = {&s.grad.ka, &s.grad.kx, &s.grad.ky, &s.grad.va, &s.grad.vx, &s.grad.vy, &s.grad.ws};
    for (int i = 0; i < 7; i++) {
        bool per_sample = i == 0 || i == 3;
        *parts[i] = i == 6 ? tensor_newv(ctx, 4, c, c, k, k)
                  : per_sample ? tensor_newv(ctx, 3, n, h, c) : tensor_newv(ctx, 3, h, c, grid);
        init_normal(*parts[i], rng, 0.0f, 1.0f);
        *grads[i] = tensor_new_like(*parts[i]);
    }
    s.t = tensor_newv(ctx, 4, n, c, grid, grid);
    s.dt = tensor_new_like(s.t);
    s.w = tensor_newv(ctx, 5, n, h, c, grid, grid);
    init_normal(s.dt, rng, 0.0f, 1.0f);
    char name[128];
    snprintf(name, sizeof name, "separable attention (%d,%d,%d,%d,%d) k%d", n, h, c, grid, grid, k);
    bench_case f = {name, 0, 0, attention_fwd, &s};
    report(json, first, name, time_case(ctx, &f, min_s), 0, 0);
    snprintf(name, sizeof name, "separable attention, writing w");
    bench_case fw = {name, 0, 0, attention_fwd_w, &s};
    report(json, first, name, time_case(ctx, &fw, min_s), 0, 0);
    snprintf(name, sizeof name, "separable attention (backward)");
    bench_case b = {name, 0, 0, attention_bwd, &s};
    report(json, first, name, time_case(ctx, &b, min_s), 0, 0);
    for (int i = 0; i < 7; i++) { tensor_free(*parts[i]); tensor_free(*grads[i]); }
    tensor_free(s.t); tensor_free(s.dt); tensor_free(s.w);
}

static int bench_ops(const char *device, bool json, double min_s, int batch)
{
    char err[512];
    compute_ctx *ctx = compute_open(device, err, sizeof err);
    if (!ctx) { fprintf(stderr, "irfa bench: %s\n", err); return 1; }
    irfa_rng rng;
    rng_seed(&rng, 1);
    double sgemm;
    sgemm_reference(1024, &sgemm);
    bool first = true;
    if (json) printf("{\n  \"device\": \"%s\",\n  \"openblas_sgemm_1024_gflops\": %.2f,\n  \"ops\": [", ctx->name, sgemm);
    else printf("device: %s\nOpenBLAS SGEMM 1024^3 on this machine's CPU: %.1f GFLOPS\nbatch %d, IRFA reference shapes (15 heads, c=32, grid 64, k=4):\n",
                ctx->name, sgemm, batch);

    const int heads = 15, c = 32, grid = 64, k = 4;
    bench_attention(ctx, &rng, json, &first, min_s, batch, heads, c, grid, k);
    struct { const char *name; int n, cin, h, cout, k; conv2d_params p; bool transpose, bias; } convs[] = {
        {"U-Net conv 32->64 k4 s2, 64x64", batch, c, 64, 64, 4, conv2d_params_make(2, 1, 1), false, true},
        {"U-Net conv 64->128 k4 s2, 32x32", batch, 64, 32, 128, 4, conv2d_params_make(2, 1, 1), false, false},
        {"U-Net conv 128->256 k4 s2, 16x16", batch, 128, 16, 256, 4, conv2d_params_make(2, 1, 1), false, false},
        {"U-Net conv 256->512 k4 s2, 8x8", batch, 256, 8, 512, 4, conv2d_params_make(2, 1, 1), false, false},
        {"U-Net convT 1024->256 k4 s2, 4x4", batch, 1024, 4, 256, 4, conv2d_params_make(2, 1, 1), true, false},
        {"U-Net convT 256->64 k4 s2, 16x16", batch, 256, 16, 64, 4, conv2d_params_make(2, 1, 1), true, false},
        {"U-Net convT 128->3 k4 s2, 32x32", batch, 128, 32, 3, 4, conv2d_params_make(2, 1, 1), true, true},
        {"PatchGAN conv 35->64 k4 s2, 64x64", batch, c + 3, 64, 64, 4, conv2d_params_make(2, 1, 1), false, true},
    };
    for (size_t i = 0; i < sizeof convs / sizeof convs[0]; i++) {
        conv_state *s = conv_make(ctx, &rng, convs[i].n, convs[i].cin, convs[i].h, convs[i].cout, convs[i].k,
                                  convs[i].p, convs[i].transpose, convs[i].bias);
        /* FLOPs of the direct conv: 2 * (output or input pixels) * Cout * Cin/groups * k^2 */
        double pix = convs[i].transpose ? (double)s->x->numel / convs[i].cin : (double)s->y->numel / convs[i].cout;
        double flops = 2.0 * pix * convs[i].cout * (convs[i].cin / convs[i].p.groups) * convs[i].k * convs[i].k;
        char name[128];
        bench_case fc = {convs[i].name, flops, 0, conv_fwd, s};
        report(json, &first, convs[i].name, time_case(ctx, &fc, min_s), flops, 0);
        snprintf(name, sizeof name, "%s (backward)", convs[i].name);
        bench_case bc = {name, 2 * flops, 0, conv_bwd, s};
        report(json, &first, name, time_case(ctx, &bc, min_s), 2 * flops, 0);
        conv_free(s);
    }

    /* Memory-bound ops at the U-Net's largest activation (N, 128, i/2, i/2). */
    unary_state u = {0};
    u.x = tensor_newv(ctx, 4, batch, 128, grid / 2, grid / 2);
    u.y = tensor_new_like(u.x);
    u.dy = tensor_new_like(u.x);
    u.dx = tensor_new_like(u.x);
    u.axis = 1;
    random_fill(u.x, &rng);
    random_fill(u.dy, &rng);
    double nbytes = (double)u.x->numel * sizeof(float);
    bench_case sf = {"softmax over channels (8,128,32,32)", 0, 2 * nbytes, softmax_fwd, &u};
    report(json, &first, sf.name, time_case(ctx, &sf, min_s), 0, 2 * nbytes);
    bench_case sb = {"softmax over channels (backward)", 0, 3 * nbytes, softmax_bwd, &u};
    report(json, &first, sb.name, time_case(ctx, &sb, min_s), 0, 3 * nbytes);
    bench_case lr = {"leaky relu (8,128,32,32)", 0, 2 * nbytes, lrelu_fwd, &u};
    report(json, &first, lr.name, time_case(ctx, &lr, min_s), 0, 2 * nbytes);
    tensor_free(u.x); tensor_free(u.y); tensor_free(u.dy); tensor_free(u.dx);

    bn_state b = {0};
    b.x = tensor_newv(ctx, 4, batch, 64, 32, 32);
    b.y = tensor_new_like(b.x); b.dy = tensor_new_like(b.x); b.dx = tensor_new_like(b.x);
    b.g = tensor_newv(ctx, 1, 64); b.b = tensor_new_like(b.g); b.rm = tensor_new_like(b.g);
    b.rv = tensor_new_like(b.g); b.sm = tensor_new_like(b.g); b.si = tensor_new_like(b.g);
    b.dg = tensor_new_like(b.g); b.db = tensor_new_like(b.g);
    random_fill(b.x, &rng); random_fill(b.dy, &rng); tensor_fill(b.g, 1.0f); tensor_fill(b.rv, 1.0f);
    double bnbytes = (double)b.x->numel * sizeof(float);
    bench_case bf = {"batchnorm2d train (8,64,32,32)", 0, 3 * bnbytes, bn_fwd, &b};
    report(json, &first, bf.name, time_case(ctx, &bf, min_s), 0, 3 * bnbytes);
    bench_case bb = {"batchnorm2d train (backward)", 0, 5 * bnbytes, bn_bwd, &b};
    report(json, &first, bb.name, time_case(ctx, &bb, min_s), 0, 5 * bnbytes);
    tensor *bts[] = {b.x, b.g, b.b, b.rm, b.rv, b.sm, b.si, b.y, b.dy, b.dx, b.dg, b.db};
    for (size_t i = 0; i < sizeof bts / sizeof bts[0]; i++) tensor_free(bts[i]);

    if (json) printf("\n  ]\n}\n");
    int vmsg = compute_validation_messages(ctx);
    compute_close(ctx);
    if (vmsg) { fprintf(stderr, "irfa bench: %d Vulkan validation messages\n", vmsg); return 1; }
    return 0;
}

static double peak_rss_mb(void)
{
    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    return (double)ru.ru_maxrss / 1024.0;
}

/* Eval-mode forward passes for at least min_s seconds (after two warm-up passes): samples/s. */
static double time_inference(irfa_model *m, compute_ctx *ctx, bool want_attention, double min_s, int *runs)
{
    for (int w = 0; w < 2; w++) irfa_model_infer(m, want_attention);
    compute_sync(ctx);
    double t0 = now_s(), t;
    *runs = 0;
    do {
        irfa_model_infer(m, want_attention);
        compute_sync(ctx);
        (*runs)++;
        t = now_s() - t0;
    } while (t < min_s || *runs < 3);
    return *runs * m->cfg.batch / t;
}

/* Per-phase milliseconds per step (or batch) of `runs` profiled training steps or inference passes.
 * The CPU backend runs ops eagerly, so the phases are exact; on Vulkan a step is one command buffer. */
static void profile_model(irfa_model *m, bool training, int runs, double *ms)
{
    irfa_model_profile(m, true);
    for (int r = 0; r < runs; r++) {
        if (training) irfa_model_train_step(m);
        else irfa_model_infer(m, false);
    }
    compute_sync(m->ctx);
    for (int p = 0; p < IRFA_PHASES; p++) ms[p] = m->phase_seconds[p] * 1e3 / runs;
    irfa_model_profile(m, false);
}

static void print_profile(bool json, const char *key, const char *title, const double *ms)
{
    double total = 0;
    for (int p = 0; p < IRFA_PHASES; p++) total += ms[p];
    if (json) {
        printf(", \"%s\": {", key);
        bool first = true;
        for (int p = 0; p < IRFA_PHASES; p++) {
            if (ms[p] <= 0) continue;
            printf("%s\"%s\": %.3f", first ? "" : ", ", irfa_phase_names[p], ms[p]);
            first = false;
        }
        printf("}");
        return;
    }
    printf("  %s (ms per batch):\n", title);
    for (int p = 0; p < IRFA_PHASES; p++)
        if (ms[p] > 0) printf("    %-40s %9.2f  %5.1f%%\n", irfa_phase_names[p], ms[p], 100.0 * ms[p] / total);
}

/* Training and inference throughput of the IRFA model at the reference configuration
 * (15 arrays x 64 electrodes, c=32, grid 64, k=4, batch 8, no VGG), after warm-up. */
static int bench_model(const char *device, bool json, double min_s, int batch, bool profile)
{
    char err[512];
    compute_ctx *ctx = compute_open(device, err, sizeof err);
    if (!ctx) { fprintf(stderr, "irfa bench: %s\n", err); return 1; }
    irfa_config cfg;
    irfa_config_default(&cfg);
    cfg.heads = 15;
    for (int j = 0; j < cfg.heads; j++) cfg.electrodes[j] = 64;
    cfg.batch = batch;
    cfg.d_every = 0;   /* generator steps; the discriminator's step runs once per 100 batches */
    int e = irfa_config_inputs(&cfg);
    size_t img = (size_t)3 * cfg.grid * cfg.grid;
    float *x = malloc(sizeof(float) * (size_t)batch * e), *y = malloc(sizeof(float) * (size_t)batch * img);
    irfa_rng rng;
    rng_seed(&rng, 7);
    for (size_t i = 0; i < (size_t)batch * e; i++) x[i] = rng_normal(&rng);
    for (size_t i = 0; i < (size_t)batch * img; i++) y[i] = rng_uniform(&rng);

    irfa_model *m = irfa_model_new(ctx, &cfg, true);
    irfa_model_reset(m);
    irfa_model_set_batch(m, x, y, batch);
    for (int w = 0; w < 2; w++) irfa_model_train_step(m);
    int steps = 0;
    double t0 = now_s(), t;
    do {
        irfa_model_train_step(m);
        steps++;
        t = now_s() - t0;
    } while (t < min_s || steps < 3);
    double train_sps = steps * batch / t, train_peak = peak_rss_mb();
    double tensor_mb = (double)tensor_bytes_peak() / (1024.0 * 1024.0);

    int runs = 0;
    double infer_sps = time_inference(m, ctx, false, min_s, &runs);
    /* With the attention w written too, as `irfa reconstruct` does for the IRF maps. */
    irfa_attention_keep_w(&m->att);
    int runs_w = 0;
    double infer_w_sps = time_inference(m, ctx, true, min_s, &runs_w);
    double prof_train[IRFA_PHASES], prof_infer[IRFA_PHASES];
    if (profile) {
        profile_model(m, true, steps, prof_train);
        profile_model(m, false, runs, prof_infer);
    }
    irfa_model_free(m);
    free(x);
    free(y);
    if (json) {
        printf("{\"device\": \"%s\", \"blas_kernels\": \"%s\", \"batch\": %d, \"train_samples_per_s\": %.3f, "
               "\"infer_samples_per_s\": %.3f, \"infer_with_attention_samples_per_s\": %.3f, \"peak_rss_mb\": %.1f, "
               "\"peak_tensor_mb\": %.1f, \"train_steps\": %d, \"infer_batches\": %d",
               ctx->name, compute_blas_core(), batch, train_sps, infer_sps, infer_w_sps, train_peak, tensor_mb, steps, runs);
        if (profile) {
            print_profile(true, "profile_train_ms", NULL, prof_train);
            print_profile(true, "profile_infer_ms", NULL, prof_infer);
        }
        printf("}\n");
    } else {
        printf("device: %s\nIRFA reference configuration (15 arrays x 64 electrodes, c=32, grid 64, k=4, batch %d, no VGG)\n"
               "  training:  %8.2f samples/s (%d steps)\n  inference: %8.2f samples/s (%d batches)\n"
               "  inference writing the attention w (IRF maps): %.2f samples/s (%d batches)\n"
               "  peak resident memory during training: %.0f MB (tensors: %.0f MB)\n",
               ctx->name, batch, train_sps, steps, infer_sps, runs, infer_w_sps, runs_w, train_peak, tensor_mb);
        if (profile) {
            print_profile(false, NULL, "training step profile", prof_train);
            print_profile(false, NULL, "inference profile", prof_infer);
        }
    }
    int vmsg = compute_validation_messages(ctx);
    compute_close(ctx);
    if (vmsg) { fprintf(stderr, "irfa bench: %d Vulkan validation messages\n", vmsg); return 1; }
    return 0;
}

int cmd_bench(int argc, char **argv)
{
    const char *device = NULL, *what = NULL;
    bool json = false, profile = false;
    double min_s = 0.5;
    long batch = 8;
    for (int i = 1; i < argc; i++) {
        const char *v;
        bool missing;
        if (!strcmp(argv[i], "--help")) {
            printf("usage: irfa bench [ops] [--device D] [--json] [--min-seconds S] [--batch B] [--profile]\n"
                   "irfa bench: training and inference samples/s and peak memory of the IRFA model at the\n"
                   "reference configuration (15 arrays x 64 electrodes, c=32, grid 64, k=4, batch 8, no VGG).\n"
                   "  --profile: then time each phase of a step (CPU backend; on Vulkan a step is one submission)\n"
                   "irfa bench ops: times each op (forward and backward) at the IRFA shapes and prints GFLOPS or\n"
                   "GB/s, next to OpenBLAS SGEMM on this machine's CPU.\n");
            return 0;
        }
        if (opt_value(argc, argv, &i, "--device", &v, &missing)) {
            if (missing) { fprintf(stderr, "irfa bench: --device needs a value\n"); return 2; }
            device = v;
        } else if (opt_value(argc, argv, &i, "--min-seconds", &v, &missing)) {
            if (missing || !opt_parse_float(v, &min_s) || min_s < 0) { fprintf(stderr, "irfa bench: bad --min-seconds\n"); return 2; }
        } else if (opt_value(argc, argv, &i, "--batch", &v, &missing)) {
            if (missing || !opt_parse_int(v, 2, 256, &batch)) { fprintf(stderr, "irfa bench: --batch must be 2..256\n"); return 2; }
        } else if (!strcmp(argv[i], "--json")) {
            json = true;
        } else if (!strcmp(argv[i], "--profile")) {
            profile = true;
        } else if (argv[i][0] != '-' && !what) {
            what = argv[i];
        } else {
            fprintf(stderr, "irfa bench: unknown option '%s'\n", argv[i]);
            return 2;
        }
    }
    if (what && !strcmp(what, "ops")) return bench_ops(device, json, min_s, (int)batch);
    if (what) { fprintf(stderr, "irfa bench: unknown benchmark '%s' (use `irfa bench` or `irfa bench ops`)\n", what); return 2; }
    if (profile && what) { fprintf(stderr, "irfa bench: --profile is for the model benchmark\n"); return 2; }
    return bench_model(device, json, min_s, (int)batch, profile);
}
