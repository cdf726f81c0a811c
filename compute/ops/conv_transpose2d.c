/* ConvTranspose2d: parameter/shape checks and backend dispatch. */
#include "compute/cpu/cpu_ops.h"
#include "compute/ops/op_check.h"
#include "compute/vulkan/vk_ops.h"

/* x[N,Cin,H,W], w[Cin,Cout/g,kh,kw] -> y (or dy) [N,Cout,Ho,Wo]. */
static void check_conv_transpose2d(const char *op, const tensor *x, const tensor *w, const tensor *b,
                                   const tensor *y, const char *yname, const conv2d_params *p)
{
    TENSOR_CHECK(p != NULL, "%s: params are NULL", op);
    TENSOR_CHECK(p->stride_h >= 1 && p->stride_w >= 1, "%s: stride %dx%d", op, p->stride_h, p->stride_w);
    TENSOR_CHECK(p->pad_top >= 0 && p->pad_bottom >= 0 && p->pad_left >= 0 && p->pad_right >= 0,
                 "%s: negative padding", op);
    TENSOR_CHECK(p->groups >= 1, "%s: groups %d", op, p->groups);
    /* PyTorch: output_padding must be smaller than the stride (dilation is 1 here). */
    TENSOR_CHECK(p->output_pad_h >= 0 && p->output_pad_w >= 0 && p->output_pad_h < p->stride_h &&
                 p->output_pad_w < p->stride_w, "%s: output_padding %dx%d with stride %dx%d", op,
                 p->output_pad_h, p->output_pad_w, p->stride_h, p->stride_w);
    op_check_present(op, "x", x);
    op_check_present(op, "w", w);
    op_check_present(op, yname, y);
    op_check_ctx(op, "w", w, x->ctx);
    op_check_ctx(op, "b", b, x->ctx);
    op_check_ctx(op, yname, y, x->ctx);
    TENSOR_CHECK(x->ndim == 4 && w->ndim == 4, "%s: x is %s and w is %s (expected 4-d)", op, SHAPE(x),
                 SHAPE(w));
    int g = p->groups, cin = x->shape[1];
    TENSOR_CHECK(cin % g == 0 && w->shape[0] == cin, "%s: x is %s, w is %s, groups %d (need "
                 "w[Cin, Cout/groups, kh, kw] with Cin divisible by groups)", op, SHAPE(x), SHAPE(w), g);
    int cout = w->shape[1] * g;
    op_check_vector(op, "b", b, cout);
    int ho = conv_transpose2d_out_size(x->shape[2], w->shape[2], p->stride_h, p->pad_top,
                                       p->pad_bottom, p->output_pad_h);
    int wo = conv_transpose2d_out_size(x->shape[3], w->shape[3], p->stride_w, p->pad_left,
                                       p->pad_right, p->output_pad_w);
    TENSOR_CHECK(ho > 0 && wo > 0, "%s: padding leaves no output for x %s and w %s", op, SHAPE(x),
                 SHAPE(w));
    TENSOR_CHECK(y->ndim == 4 && y->shape[0] == x->shape[0] && y->shape[1] == cout &&
                 y->shape[2] == ho && y->shape[3] == wo,
                 "%s: %s is %s, expected %dx%dx%dx%d", op, yname, SHAPE(y), x->shape[0], cout, ho, wo);
}

void op_conv_transpose2d_forward(const tensor *x, const tensor *w, const tensor *b, tensor *y,
                                 const conv2d_params *p)
{
    check_conv_transpose2d("conv_transpose2d_forward", x, w, b, y, "y", p);
    if (x->ctx->backend == COMPUTE_CPU) cpu_conv_transpose2d_forward(x, w, b, y, p);
    else vk_conv_transpose2d_forward(x, w, b, y, p);
}

void op_conv_transpose2d_backward(const tensor *x, const tensor *w, const tensor *dy,
                                  tensor *dx, tensor *dw, tensor *db, const conv2d_params *p)
{
    const char *op = "conv_transpose2d_backward";
    check_conv_transpose2d(op, x, w, NULL, dy, "dy", p);
    op_check_conv_grads(op, x, w, dx, dw, db, dy->shape[1]);
    if (x->ctx->backend == COMPUTE_CPU) cpu_conv_transpose2d_backward(x, w, dy, dx, dw, db, p);
    else vk_conv_transpose2d_backward(x, w, dy, dx, dw, db, p);
}
