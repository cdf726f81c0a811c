/* Conv2d on the CPU: forward = W * im2col(x); backward data = col2im(W^T * dy);
 * backward weight = dy * im2col(x)^T (all through cpu_conv_engine.c). */
#include "compute/cpu/cpu_internal.h"
#include "compute/cpu/cpu_ops.h"

void cpu_conv2d_forward(const tensor *x, const tensor *w, const tensor *b, tensor *y,
                        const conv2d_params *p)
{
    conv_geometry g = conv2d_geometry(x, w, p);
    conv_grid_from_image(&g, x->data, w->data, y->data);
    if (b) cpu_add_channel_bias(y->data, b->data, g.n, g.grid_c, (size_t)g.grid_h * g.grid_w);
}

void cpu_conv2d_backward(const tensor *x, const tensor *w, const tensor *dy,
                         tensor *dx, tensor *dw, tensor *db, const conv2d_params *p)
{
    conv_geometry g = conv2d_geometry(x, w, p);
    if (dx) conv_image_from_grid(&g, dy->data, w->data, dx->data);
    if (dw) conv_weight_grad(&g, dy->data, x->data, dw->data);
    if (db) cpu_channel_sums(dy->data, db->data, g.n, g.grid_c, (size_t)g.grid_h * g.grid_w);
}
