/* Bilinear resize (align_corners=false): shape checks and backend dispatch. */
#include "compute/cpu/cpu_ops.h"
#include "compute/ops/op_check.h"
#include "compute/vulkan/vk_ops.h"

/* small/large roles do not matter: both are [N,C,*,*] with equal N and C. */
static void check_resize(const char *op, const char *xname, const tensor *x, const char *yname,
                         const tensor *y)
{
    op_check_present(op, xname, x);
    op_check_present(op, yname, y);
    op_check_ctx(op, yname, y, x->ctx);
    TENSOR_CHECK(x->ndim == 4 && y->ndim == 4 && x->shape[0] == y->shape[0] && x->shape[1] == y->shape[1],
                 "%s: %s is %s and %s is %s (expected [N,C,H,W] with equal N and C)", op, xname,
                 SHAPE(x), yname, SHAPE(y));
}

void op_resize_bilinear_forward(const tensor *x, tensor *y)
{
    check_resize("resize_bilinear_forward", "x", x, "y", y);
    if (x->ctx->backend == COMPUTE_CPU) cpu_resize_bilinear_forward(x, y);
    else vk_resize_bilinear_forward(x, y);
}

void op_resize_bilinear_backward(const tensor *dy, tensor *dx)
{
    check_resize("resize_bilinear_backward", "dx", dx, "dy", dy);
    if (dy->ctx->backend == COMPUTE_CPU) cpu_resize_bilinear_backward(dy, dx);
    else vk_resize_bilinear_backward(dy, dx);
}
