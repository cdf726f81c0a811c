/* Sum over an axis and mean of everything: shape checks and backend dispatch. */
#include "compute/cpu/cpu_ops.h"
#include "compute/ops/op_check.h"
#include "compute/ops/shape_util.h"
#include "compute/vulkan/vk_ops.h"

/* The reduced side has x's elements without `axis` (only numel is checked, per ops.h). */
static void check_sum(const char *op, const tensor *x, const char *xname, const tensor *y,
                      const char *yname, int axis)
{
    op_check_present(op, xname, x);
    op_check_present(op, yname, y);
    op_check_ctx(op, yname, y, x->ctx);
    axis_split s = shape_axis_split(x, axis);
    op_check_numel(op, yname, y, s.outer * s.inner);
}

void op_sum_forward(const tensor *x, tensor *y, int axis)
{
    check_sum("sum_forward", x, "x", y, "y", axis);
    if (x->ctx->backend == COMPUTE_CPU) cpu_sum_forward(x, y, axis);
    else vk_sum_forward(x, y, axis);
}

void op_sum_backward(const tensor *dy, tensor *dx, int axis)
{
    check_sum("sum_backward", dx, "dx", dy, "dy", axis);
    if (dx->ctx->backend == COMPUTE_CPU) cpu_sum_backward(dy, dx, axis);
    else vk_sum_backward(dy, dx, axis);
}

void op_mean_forward(const tensor *x, tensor *out)
{
    const char *op = "mean_forward";
    op_check_present(op, "x", x);
    op_check_present(op, "out", out);
    op_check_ctx(op, "out", out, x->ctx);
    op_check_numel(op, "out", out, 1);
    if (x->ctx->backend == COMPUTE_CPU) cpu_mean_forward(x, out);
    else vk_mean_forward(x, out);
}

void op_mean_backward(const tensor *dloss, tensor *dx)
{
    const char *op = "mean_backward";
    op_check_present(op, "dloss", dloss);
    op_check_present(op, "dx", dx);
    op_check_ctx(op, "dx", dx, dloss->ctx);
    op_check_numel(op, "dloss", dloss, 1);
    if (dx->ctx->backend == COMPUTE_CPU) cpu_mean_backward(dloss, dx);
    else vk_mean_backward(dloss, dx);
}
