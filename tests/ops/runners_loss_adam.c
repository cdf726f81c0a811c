/* Runners for the losses (L1, BCE on logits) and the Adam step. */
#include <math.h>
#include <stdio.h>

#include "tests/ops/op_registry.h"

static void run_loss(bool is_bce, compute_ctx *ctx, const ot_set *in, ot_set *out, unsigned grads)
{
    const char *xname = is_bce ? "logits" : "pred";
    tensor *x = ot_upload(ctx, ot_set_get(in, xname));
    tensor *target = ot_upload(ctx, ot_set_get(in, "target"));
    tensor *loss = ot_output(ctx, 1, (int[]){ 1 });
    if (is_bce) op_bce_logits_forward(x, target, loss);
    else op_l1_loss_forward(x, target, loss);
    ot_download(loss, out, "out");
    if (grads) {
        tensor *dloss = ot_upload(ctx, ot_set_get(in, "dloss"));
        tensor *dx = ot_output_like(x);
        if (is_bce) op_bce_logits_backward(x, target, dloss, dx);
        else op_l1_loss_backward(x, target, dloss, dx);
        ot_download(dx, out, is_bce ? "dlogits" : "dpred");
        ot_free_tensors((tensor *[]){ dloss, dx }, 2);
    }
    ot_free_tensors((tensor *[]){ x, target, loss }, 3);
}

static void run_l1_loss(compute_ctx *ctx, const cJSON *params, const ot_set *in, ot_set *out, unsigned grads)
{
    (void)params;
    run_loss(false, ctx, in, out, grads);
}

static void run_bce_logits(compute_ctx *ctx, const cJSON *params, const ot_set *in, ot_set *out,
                           unsigned grads)
{
    (void)params;
    run_loss(true, ctx, in, out, grads);
}

/* |pred - target| >= 5 eps, away from the kink of |.|. */
static void separate_pred_target(ot_set *in, ot_rng *r, float eps)
{
    (void)r;
    ot_array *pred = ot_set_get(in, "pred"), *target = ot_set_get(in, "target");
    for (size_t i = 0; i < pred->numel; i++) {
        float d = pred->data[i] - target->data[i];
        pred->data[i] = target->data[i] + copysignf(fabsf(d) + 5.0f * eps, d);
    }
}

static void randomize_bce(ot_set *in, ot_rng *r)
{
    ot_fill_normal(ot_set_get(in, "logits"), r, 4.0f);
    ot_fill_uniform(ot_set_get(in, "target"), r, 0.0f, 1.0f);
    ot_fill_normal(ot_set_get(in, "dloss"), r, 1.0f);
}

/* Runs `steps` Adam steps from m = v = 0 with grads grad1..gradN; outputs param1..paramN, m, v. */
static void run_adam(compute_ctx *ctx, const cJSON *params, const ot_set *in, ot_set *out, unsigned grads)
{
    (void)grads;
    int steps = ot_param_int(params, "steps", 1);
    float hyper_host[ADAM_NHYPER];
    hyper_host[ADAM_LR] = (float)ot_param_double(params, "lr", 1e-3);
    hyper_host[ADAM_BETA1] = (float)ot_param_double(params, "beta1", 0.9);
    hyper_host[ADAM_BETA2] = (float)ot_param_double(params, "beta2", 0.999);
    hyper_host[ADAM_EPS] = (float)ot_param_double(params, "eps", 1e-8);
    hyper_host[ADAM_WEIGHT_DECAY] = (float)ot_param_double(params, "weight_decay", 0.0);
    tensor *param = ot_upload(ctx, ot_set_get(in, "param"));
    tensor *m = tensor_new_like(param), *v = tensor_new_like(param);
    tensor_fill(m, 0.0f);
    tensor_fill(v, 0.0f);
    tensor *hyper = tensor_new_flags(ctx, 1, (int[]){ ADAM_NHYPER }, TENSOR_HOST_VISIBLE);
    char name[32];
    for (int t = 1; t <= steps; t++) {
        snprintf(name, sizeof name, "grad%d", t);
        tensor *g = ot_upload(ctx, ot_set_get(in, name));
        hyper_host[ADAM_STEP] = (float)t;
        tensor_write(hyper, hyper_host);
        op_adam_step(param, g, m, v, hyper);
        snprintf(name, sizeof name, "param%d", t);
        ot_download(param, out, name);
        tensor_free(g);
    }
    ot_download(m, out, "m");
    ot_download(v, out, "v");
    ot_free_tensors((tensor *[]){ param, m, v, hyper }, 4);
}

const ot_op ot_op_l1_loss = {
    .op = "l1_loss", .family = "loss", .run = run_l1_loss, .fd_output = "out", .upstream = "dloss",
    .grads = { { "pred", "dpred" } }, .make_fd_safe = separate_pred_target,
};

const ot_op ot_op_bce_logits = {
    .op = "bce_logits", .family = "loss", .run = run_bce_logits, .fd_output = "out", .upstream = "dloss",
    .grads = { { "logits", "dlogits" } }, .randomize = randomize_bce,
};

const ot_op ot_op_adam = {
    .op = "adam", .family = "adam", .run = run_adam,
};
