/* Conv2d: parameter/shape checks and backend dispatch. */
#include "compute/cpu/cpu_ops.h"
#include "compute/ops/op_check.h"
#include "compute/ops/shape_util.h"
#include "compute/vulkan/vk_ops.h"

static void check_params(const char *op, const conv2d_params *p)
{
    TENSOR_CHECK(p != NULL, "%s: params are NULL", op);
    TENSOR_CHECK(p->stride_h >= 1 && p->stride_w >= 1, "%s: stride %dx%d", op, p->stride_h, p->stride_w);
    TENSOR_CHECK(p->pad_top >= 0 && p->pad_bottom >= 0 && p->pad_left >= 0 && p->pad_right >= 0,
                 "%s: negative padding (top %d bottom %d left %d right %d)", op, p->pad_top,
                 p->pad_bottom, p->pad_left, p->pad_right);
    TENSOR_CHECK(p->groups >= 1, "%s: groups %d", op, p->groups);
}

/* x[N,Cin,H,W], w[Cout,Cin/g,kh,kw] -> y (or dy) [N,Cout,Ho,Wo]. */
static void check_conv2d(const char *op, const tensor *x, const tensor *w, const tensor *b,
                         const tensor *y, const char *yname, const conv2d_params *p)
{
    check_params(op, p);
    op_check_present(op, "x", x);
    op_check_present(op, "w", w);
    op_check_present(op, yname, y);
    op_check_ctx(op, "w", w, x->ctx);
    op_check_ctx(op, "b", b, x->ctx);
    op_check_ctx(op, yname, y, x->ctx);
    TENSOR_CHECK(x->ndim == 4 && w->ndim == 4, "%s: x is %s and w is %s (expected 4-d NCHW and OIHW)",
                 op, SHAPE(x), SHAPE(w));
    int g = p->groups, cin = x->shape[1], cout = w->shape[0];
    TENSOR_CHECK(cin % g == 0 && cout % g == 0 && w->shape[1] == cin / g,
                 "%s: x is %s, w is %s, groups %d (need Cin and Cout divisible by groups and "
                 "w[Cout, Cin/groups, kh, kw])", op, SHAPE(x), SHAPE(w), g);
    op_check_vector(op, "b", b, cout);
    int ho = conv2d_out_size(x->shape[2], w->shape[2], p->stride_h, p->pad_top, p->pad_bottom);
    int wo = conv2d_out_size(x->shape[3], w->shape[3], p->stride_w, p->pad_left, p->pad_right);
    TENSOR_CHECK(ho > 0 && wo > 0, "%s: kernel %dx%d does not fit input %s with padding", op,
                 w->shape[2], w->shape[3], SHAPE(x));
    TENSOR_CHECK(y->ndim == 4 && y->shape[0] == x->shape[0] && y->shape[1] == cout &&
                 y->shape[2] == ho && y->shape[3] == wo,
                 "%s: %s is %s, expected %dx%dx%dx%d", op, yname, SHAPE(y), x->shape[0], cout, ho, wo);
}

void op_conv2d_forward(const tensor *x, const tensor *w, const tensor *b, tensor *y,
                       const conv2d_params *p)
{
    check_conv2d("conv2d_forward", x, w, b, y, "y", p);
    if (x->ctx->backend == COMPUTE_CPU) cpu_conv2d_forward(x, w, b, y, p);
    else vk_conv2d_forward(x, w, b, y, p);
}

void op_conv2d_backward(const tensor *x, const tensor *w, const tensor *dy,
                        tensor *dx, tensor *dw, tensor *db, const conv2d_params *p)
{
    const char *op = "conv2d_backward";
    check_conv2d(op, x, w, NULL, dy, "dy", p);
    op_check_conv_grads(op, x, w, dx, dw, db, w->shape[0]);
    if (x->ctx->backend == COMPUTE_CPU) cpu_conv2d_backward(x, w, dy, dx, dw, db, p);
    else vk_conv2d_backward(x, w, dy, dx, dw, db, p);
}
