/* BatchNorm1d/2d: shape checks and backend dispatch. */
#include "compute/cpu/cpu_ops.h"
#include "compute/ops/op_check.h"
#include "compute/vulkan/vk_ops.h"

batchnorm_params batchnorm_params_default(bool training)
{
    batchnorm_params p = { .training = training, .momentum = 0.1f, .eps = 1e-5f };
    return p;
}

/* x is [N,C], [N,C,L] or [N,C,H,W]; statistics are per channel over everything but dim 1. */
static int check_input(const char *op, const tensor *x, const batchnorm_params *p)
{
    TENSOR_CHECK(p != NULL, "%s: params are NULL", op);
    op_check_present(op, "x", x);
    TENSOR_CHECK(x->ndim >= 2 && x->ndim <= 4, "%s: x is %s (expected [N,C] or [N,C,H,W])", op, SHAPE(x));
    TENSOR_CHECK(p->eps > 0.0f, "%s: eps %g must be positive", op, (double)p->eps);
    int c = x->shape[1];
    /* PyTorch refuses batch statistics from a single value per channel (the variance is undefined). */
    TENSOR_CHECK(!p->training || x->numel / (size_t)c > 1,
                 "%s: training needs more than one value per channel, x is %s", op, SHAPE(x));
    return c;
}

static void check_vec(const char *op, const char *name, const tensor *t, const tensor *x, int c)
{
    op_check_present(op, name, t);
    op_check_ctx(op, name, t, x->ctx);
    op_check_vector(op, name, t, c);
}

void op_batchnorm_forward(const tensor *x, const tensor *gamma, const tensor *beta,
                          tensor *running_mean, tensor *running_var,
                          tensor *save_mean, tensor *save_invstd, tensor *y,
                          const batchnorm_params *p)
{
    const char *op = "batchnorm_forward";
    int c = check_input(op, x, p);
    check_vec(op, "gamma", gamma, x, c);
    check_vec(op, "beta", beta, x, c);
    check_vec(op, "running_mean", running_mean, x, c);
    check_vec(op, "running_var", running_var, x, c);
    check_vec(op, "save_mean", save_mean, x, c);
    check_vec(op, "save_invstd", save_invstd, x, c);
    op_check_present(op, "y", y);
    op_check_ctx(op, "y", y, x->ctx);
    op_check_same_shape(op, "y", y, "x", x);
    if (x->ctx->backend == COMPUTE_CPU)
        cpu_batchnorm_forward(x, gamma, beta, running_mean, running_var, save_mean, save_invstd, y, p);
    else
        vk_batchnorm_forward(x, gamma, beta, running_mean, running_var, save_mean, save_invstd, y, p);
}

void op_batchnorm_backward(const tensor *x, const tensor *gamma, const tensor *save_mean,
                           const tensor *save_invstd, const tensor *dy,
                           tensor *dx, tensor *dgamma, tensor *dbeta, const batchnorm_params *p)
{
    const char *op = "batchnorm_backward";
    int c = check_input(op, x, p);
    check_vec(op, "gamma", gamma, x, c);
    check_vec(op, "save_mean", save_mean, x, c);
    check_vec(op, "save_invstd", save_invstd, x, c);
    op_check_present(op, "dy", dy);
    op_check_ctx(op, "dy", dy, x->ctx);
    op_check_same_shape(op, "dy", dy, "x", x);
    op_check_ctx(op, "dx", dx, x->ctx);
    op_check_same_shape(op, "dx", dx, "x", x);
    op_check_ctx(op, "dgamma", dgamma, x->ctx);
    op_check_vector(op, "dgamma", dgamma, c);
    op_check_ctx(op, "dbeta", dbeta, x->ctx);
    op_check_vector(op, "dbeta", dbeta, c);
    if (x->ctx->backend == COMPUTE_CPU)
        cpu_batchnorm_backward(x, gamma, save_mean, save_invstd, dy, dx, dgamma, dbeta, p);
    else
        vk_batchnorm_backward(x, gamma, save_mean, save_invstd, dy, dx, dgamma, dbeta, p);
}
