/* 2x2/stride-2 max-pool: shape checks and backend dispatch. */
#include "compute/cpu/cpu_ops.h"
#include "compute/ops/op_check.h"
#include "compute/vulkan/vk_ops.h"

/* y is [N,C,H/2,W/2] (floor, as PyTorch: an odd last row/column is dropped). */
static void check_pool(const char *op, const tensor *x, const tensor *y, const char *yname)
{
    op_check_present(op, "x", x);
    op_check_present(op, yname, y);
    op_check_ctx(op, yname, y, x->ctx);
    TENSOR_CHECK(x->ndim == 4 && x->shape[2] >= 2 && x->shape[3] >= 2,
                 "%s: x is %s (expected [N,C,H,W] with H,W >= 2)", op, SHAPE(x));
    TENSOR_CHECK(y->ndim == 4 && y->shape[0] == x->shape[0] && y->shape[1] == x->shape[1] &&
                 y->shape[2] == x->shape[2] / 2 && y->shape[3] == x->shape[3] / 2,
                 "%s: %s is %s, expected %dx%dx%dx%d", op, yname, SHAPE(y), x->shape[0], x->shape[1],
                 x->shape[2] / 2, x->shape[3] / 2);
}

void op_maxpool2x2_forward(const tensor *x, tensor *y)
{
    check_pool("maxpool2x2_forward", x, y, "y");
    if (x->ctx->backend == COMPUTE_CPU) cpu_maxpool2x2_forward(x, y);
    else vk_maxpool2x2_forward(x, y);
}

void op_maxpool2x2_backward(const tensor *x, const tensor *dy, tensor *dx)
{
    const char *op = "maxpool2x2_backward";
    check_pool(op, x, dy, "dy");
    op_check_present(op, "dx", dx);
    op_check_ctx(op, "dx", dx, x->ctx);
    op_check_same_shape(op, "dx", dx, "x", x);
    if (x->ctx->backend == COMPUTE_CPU) cpu_maxpool2x2_backward(x, dy, dx);
    else vk_maxpool2x2_backward(x, dy, dx);
}
