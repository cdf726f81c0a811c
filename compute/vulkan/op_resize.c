/* Bilinear resize (align_corners=false) on the Vulkan backend: the forward is one gather per output
 * (shaders/resize_bilinear_forward.comp), the backward one gather per input element over the range
 * of outputs that read it (shaders/resize_bilinear_backward.comp), so no atomics are needed. */
#include "compute/vulkan/vk_ops.h"
#include "compute/vulkan/vk_runtime.h"

#define RESIZE_WG 256

/* Matches the push blocks of both resize shaders. */
typedef struct resize_push {
    uint32_t n;
    int32_t in_h, in_w, out_h, out_w;
    float scale_h, scale_w;
} resize_push;

/* Reads src, writes dst; `in` and `out` are the tensors at the forward's input and output resolution. */
static void resize_dispatch(const char *shader, const tensor *src, tensor *dst, const tensor *in,
                            const tensor *out)
{
    compute_ctx *ctx = dst->ctx;
    TENSOR_CHECK(dst->numel <= UINT32_MAX, "resize_bilinear: tensor too large for 32-bit indexing");
    resize_push pc = {
        (uint32_t)dst->numel, in->shape[2], in->shape[3], out->shape[2], out->shape[3],
        /* PyTorch's scale when only the output size is given: input / output, in float. */
        (float)in->shape[2] / (float)out->shape[2], (float)in->shape[3] / (float)out->shape[3],
    };
    uint32_t spec[1] = {RESIZE_WG};
    const tensor *bufs[2] = {src, dst};
    uint32_t gx, gy;
    vk_grid_1d(ctx, vk_div_up(dst->numel, RESIZE_WG), &gx, &gy);
    vk_dispatch(ctx, shader, spec, 1, &pc, sizeof pc, bufs, 2, 1u << 1, gx, gy, 1);
}

void vk_resize_bilinear_forward(const tensor *x, tensor *y)
{
    resize_dispatch("resize_bilinear_forward", x, y, x, y);
}

void vk_resize_bilinear_backward(const tensor *dy, tensor *dx)
{
    resize_dispatch("resize_bilinear_backward", dy, dx, dx, dy);
}
