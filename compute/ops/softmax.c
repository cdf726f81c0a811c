/* Softmax over one axis: shape checks and backend dispatch. */
#include "compute/cpu/cpu_ops.h"
#include "compute/ops/op_check.h"
#include "compute/ops/shape_util.h"
#include "compute/vulkan/vk_ops.h"

static void check_same(const char *op, const tensor *ref, const char *name, const tensor *t)
{
    op_check_present(op, name, t);
    op_check_ctx(op, name, t, ref->ctx);
    op_check_same_shape(op, name, t, "the input", ref);
}

void op_softmax_forward(const tensor *x, tensor *y, int axis)
{
    const char *op = "softmax_forward";
    op_check_present(op, "x", x);
    check_same(op, x, "y", y);
    shape_normalize_axis(axis, x->ndim);
    if (x->ctx->backend == COMPUTE_CPU) cpu_softmax_forward(x, y, axis);
    else vk_softmax_forward(x, y, axis);
}

void op_softmax_backward(const tensor *y, const tensor *dy, tensor *dx, int axis)
{
    const char *op = "softmax_backward";
    op_check_present(op, "y", y);
    check_same(op, y, "dy", dy);
    check_same(op, y, "dx", dx);
    shape_normalize_axis(axis, y->ndim);
    if (y->ctx->backend == COMPUTE_CPU) cpu_softmax_backward(y, dy, dx, axis);
    else vk_softmax_backward(y, dy, dx, axis);
}
