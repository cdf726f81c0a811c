/* 2x2 stride-2 max-pool on the Vulkan backend. The backward is a gather: every input element rescans
 * its window to see whether it won (shaders/maxpool2x2_backward.comp), so it needs no saved indices
 * and no atomics, and elements outside every window (odd sizes) get 0 in the same pass. */
#include "compute/vulkan/vk_ops.h"
#include "compute/vulkan/vk_runtime.h"

#define POOL_WG 256

typedef struct pool_push { uint32_t n, in_h, in_w, out_h, out_w; } pool_push;

static pool_push pool_geometry(const tensor *x, const tensor *y, size_t n)
{
    TENSOR_CHECK(x->numel <= UINT32_MAX, "maxpool2x2: tensor too large for 32-bit indexing");
    return (pool_push){(uint32_t)n, (uint32_t)x->shape[2], (uint32_t)x->shape[3], (uint32_t)y->shape[2],
                       (uint32_t)y->shape[3]};
}

void vk_maxpool2x2_forward(const tensor *x, tensor *y)
{
    compute_ctx *ctx = y->ctx;
    pool_push pc = pool_geometry(x, y, y->numel);
    uint32_t spec[1] = {POOL_WG};
    const tensor *bufs[2] = {x, y};
    uint32_t gx, gy;
    vk_grid_1d(ctx, vk_div_up(y->numel, POOL_WG), &gx, &gy);
    vk_dispatch(ctx, "maxpool2x2_forward", spec, 1, &pc, sizeof pc, bufs, 2, 1u << 1, gx, gy, 1);
}

void vk_maxpool2x2_backward(const tensor *x, const tensor *dy, tensor *dx)
{
    compute_ctx *ctx = dx->ctx;
    pool_push pc = pool_geometry(x, dy, dx->numel);
    uint32_t spec[1] = {POOL_WG};
    const tensor *bufs[3] = {x, dy, dx};
    uint32_t gx, gy;
    vk_grid_1d(ctx, vk_div_up(dx->numel, POOL_WG), &gx, &gy);
    vk_dispatch(ctx, "maxpool2x2_backward", spec, 1, &pc, sizeof pc, bufs, 3, 1u << 2, gx, gy, 1);
}
