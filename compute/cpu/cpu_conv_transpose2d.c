/* ConvTranspose2d on the CPU: the transpose of a conv2d whose input is this op's output, so
 * forward = col2im(W^T * x); backward data = W * im2col(dy); backward weight = x * im2col(dy)^T.
 * PyTorch's weight layout [Cin, Cout/g, kh, kw] is exactly that conv2d's [out, in/g, kh, kw]. */
#include "compute/cpu/cpu_internal.h"
#include "compute/cpu/cpu_ops.h"

void cpu_conv_transpose2d_forward(const tensor *x, const tensor *w, const tensor *b, tensor *y,
                                  const conv2d_params *p)
{
    conv_geometry g = conv_transpose2d_geometry(x, w, y, p);
    conv_image_from_grid(&g, x->data, w->data, y->data);
    if (b) cpu_add_channel_bias(y->data, b->data, g.n, g.img_c, (size_t)g.img_h * g.img_w);
}

void cpu_conv_transpose2d_backward(const tensor *x, const tensor *w, const tensor *dy,
                                   tensor *dx, tensor *dw, tensor *db, const conv2d_params *p)
{
    conv_geometry g = conv_transpose2d_geometry(x, w, dy, p);
    if (dx) conv_grid_from_image(&g, dy->data, w->data, dx->data);
    if (dw) conv_weight_grad(&g, x->data, dy->data, dw->data);
    if (db) cpu_channel_sums(dy->data, db->data, g.n, g.img_c, (size_t)g.img_h * g.img_w);
}
