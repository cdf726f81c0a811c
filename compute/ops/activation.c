/* ReLU, LeakyReLU, Sigmoid: shape checks and backend dispatch (any shape, in-place allowed). */
#include "compute/cpu/cpu_ops.h"
#include "compute/ops/op_check.h"
#include "compute/vulkan/vk_ops.h"

static void check_pair(const char *op, const char *aname, const tensor *a, const char *bname,
                       const tensor *b)
{
    op_check_present(op, aname, a);
    op_check_present(op, bname, b);
    op_check_ctx(op, bname, b, a->ctx);
    op_check_same_shape(op, bname, b, aname, a);
}

static void check_triple(const char *op, const char *aname, const tensor *a, const tensor *dy,
                         const tensor *dx)
{
    check_pair(op, aname, a, "dy", dy);
    check_pair(op, aname, a, "dx", dx);
}

void op_relu_forward(const tensor *x, tensor *y)
{
    check_pair("relu_forward", "x", x, "y", y);
    if (x->ctx->backend == COMPUTE_CPU) cpu_relu_forward(x, y);
    else vk_relu_forward(x, y);
}

void op_relu_backward(const tensor *x, const tensor *dy, tensor *dx)
{
    check_triple("relu_backward", "x", x, dy, dx);
    if (x->ctx->backend == COMPUTE_CPU) cpu_relu_backward(x, dy, dx);
    else vk_relu_backward(x, dy, dx);
}

void op_leaky_relu_forward(const tensor *x, tensor *y, float slope)
{
    check_pair("leaky_relu_forward", "x", x, "y", y);
    if (x->ctx->backend == COMPUTE_CPU) cpu_leaky_relu_forward(x, y, slope);
    else vk_leaky_relu_forward(x, y, slope);
}

void op_leaky_relu_backward(const tensor *x, const tensor *dy, tensor *dx, float slope)
{
    check_triple("leaky_relu_backward", "x", x, dy, dx);
    if (x->ctx->backend == COMPUTE_CPU) cpu_leaky_relu_backward(x, dy, dx, slope);
    else vk_leaky_relu_backward(x, dy, dx, slope);
}

void op_sigmoid_forward(const tensor *x, tensor *y)
{
    check_pair("sigmoid_forward", "x", x, "y", y);
    if (x->ctx->backend == COMPUTE_CPU) cpu_sigmoid_forward(x, y);
    else vk_sigmoid_forward(x, y);
}

void op_sigmoid_backward(const tensor *y, const tensor *dy, tensor *dx)
{
    check_triple("sigmoid_backward", "y", y, dy, dx);
    if (y->ctx->backend == COMPUTE_CPU) cpu_sigmoid_backward(y, dy, dx);
    else vk_sigmoid_backward(y, dy, dx);
}
