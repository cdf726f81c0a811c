/* ConvTranspose2d on the Vulkan backend, by exchanging input and output of a Conv2d: the transpose's
 * weight [Cin, Cout/groups, kh, kw] is a Conv2d weight from its output channels (Cout) to its input
 * channels (Cin). So its forward is that Conv2d's backward-data gather, its backward-data that Conv2d's
 * forward, and its backward-weight that Conv2d's backward-weight with x and dy exchanged. */
#include "compute/vulkan/gemm.h"
#include "compute/vulkan/vk_ops.h"
#include "compute/vulkan/vk_runtime.h"

/* The Conv2d whose input is the transpose's output y[N, Cout, Ho, Wo] and whose output is the
 * transpose's input x[N, Cin, H, W]. */
static vk_conv_geom mirrored_conv_geom(const tensor *x, const tensor *w, const tensor *y, const conv2d_params *p)
{
    vk_conv_geom g = {
        .batch = x->shape[0], .cin = y->shape[1], .h = y->shape[2], .w = y->shape[3],
        .cout = x->shape[1], .ho = x->shape[2], .wo = x->shape[3],
        .kh = w->shape[2], .kw = w->shape[3], .p = *p,
    };
    return g;
}

void vk_conv_transpose2d_forward(const tensor *x, const tensor *w, const tensor *b, tensor *y,
                                 const conv2d_params *p)
{
    vk_conv_geom g = mirrored_conv_geom(x, w, y, p);
    vk_conv_gemm_backward_data(&g, x, w, b, y);
}

void vk_conv_transpose2d_backward(const tensor *x, const tensor *w, const tensor *dy,
                                  tensor *dx, tensor *dw, tensor *db, const conv2d_params *p)
{
    vk_conv_geom g = mirrored_conv_geom(x, w, dy, p);
    if (dx) vk_conv_gemm_forward(&g, dy, w, NULL, dx);
    if (dw) vk_conv_gemm_backward_weight(&g, dy, x, dw);
    if (db) vk_bias_grad(db->ctx, dy, (uint32_t)g.batch, (uint32_t)g.cin, (uint32_t)(g.h * g.w), db);
}
