/* Runner for batchnorm (1d [N,C] and 2d [N,C,H,W]), training and eval mode. The running statistics
 * are uploaded fresh on every run, so repeated forwards (finite differences) start from the same state. */
#include "tests/ops/op_registry.h"

static void run_batchnorm(compute_ctx *ctx, const cJSON *params, const ot_set *in, ot_set *out,
                          unsigned grads)
{
    batchnorm_params p = {
        .training = ot_param_bool(params, "training", true),
        .momentum = (float)ot_param_double(params, "momentum", 0.1),
        .eps = (float)ot_param_double(params, "eps", 1e-5),
    };
    tensor *x = ot_upload(ctx, ot_set_get(in, "x"));
    tensor *gamma = ot_upload(ctx, ot_set_get(in, "gamma"));
    tensor *beta = ot_upload(ctx, ot_set_get(in, "beta"));
    tensor *rmean = ot_upload(ctx, ot_set_get(in, "running_mean"));
    tensor *rvar = ot_upload(ctx, ot_set_get(in, "running_var"));
    tensor *save_mean = ot_output_like(gamma), *save_invstd = ot_output_like(gamma);
    tensor *y = ot_output_like(x);
    op_batchnorm_forward(x, gamma, beta, rmean, rvar, save_mean, save_invstd, y, &p);
    ot_download(y, out, "y");
    ot_download(rmean, out, "running_mean_out");
    ot_download(rvar, out, "running_var_out");
    ot_download(save_mean, out, "save_mean");
    ot_download(save_invstd, out, "save_invstd");
    if (grads) {
        tensor *dy = ot_upload(ctx, ot_set_get(in, "dy"));
        tensor *dx = ot_grad_output(x, grads, 0), *dgamma = ot_grad_output(gamma, grads, 1);
        tensor *dbeta = ot_grad_output(beta, grads, 2);
        op_batchnorm_backward(x, gamma, save_mean, save_invstd, dy, dx, dgamma, dbeta, &p);
        ot_download(dx, out, "dx");
        ot_download(dgamma, out, "dgamma");
        ot_download(dbeta, out, "dbeta");
        ot_free_tensors((tensor *[]){ dy, dx, dgamma, dbeta }, 4);
    }
    ot_free_tensors((tensor *[]){ x, gamma, beta, rmean, rvar, save_mean, save_invstd, y }, 8);
}

/* Running variance must stay positive; the rest is N(0,1) with an offset mean, like activations. */
static void randomize_batchnorm(ot_set *in, ot_rng *r)
{
    for (int i = 0; i < in->n; i++) ot_fill_normal(&in->a[i], r, 1.0f);
    ot_array *x = ot_set_get(in, "x");
    for (size_t i = 0; i < x->numel; i++) x->data[i] = 1.5f * x->data[i] + 0.7f;
    ot_fill_uniform(ot_set_get(in, "running_var"), r, 0.5f, 1.5f);
}

const ot_op ot_op_batchnorm = {
    .op = "batchnorm", .family = "batchnorm", .run = run_batchnorm, .fd_output = "y", .upstream = "dy",
    .grads = { { "x", "dx" }, { "gamma", "dgamma" }, { "beta", "dbeta" } },
    .randomize = randomize_batchnorm,
};
