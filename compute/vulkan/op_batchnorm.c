/* BatchNorm1d/2d on the Vulkan backend, PyTorch semantics (see compute/ops.h).
 * Training forward and every backward run one workgroup per channel in a single dispatch: the
 * channel's statistics (or gradient sums) are reduced in shared memory and the same workgroup then
 * writes the channel's output, so no scratch buffer and no second pass are needed
 * (shaders/batchnorm_train_forward.comp, shaders/batchnorm_backward.comp). The eval forward is an
 * elementwise dispatch (shaders/batchnorm_eval_forward.comp). */
#include "compute/vulkan/vk_ops.h"
#include "compute/vulkan/vk_runtime.h"

#define BN_ELEMENTWISE_WG 256

typedef struct bn_geometry { uint32_t channels, spatial, count; } bn_geometry;

/* x is [N, C, ...]: statistics per channel over N and the trailing dims. */
static bn_geometry bn_geometry_of(const tensor *x)
{
    TENSOR_CHECK(x->numel <= UINT32_MAX, "batchnorm: tensor too large for 32-bit indexing");
    bn_geometry g;
    g.channels = (uint32_t)x->shape[1];
    g.spatial = 1;
    for (int i = 2; i < x->ndim; i++) g.spatial *= (uint32_t)x->shape[i];
    g.count = (uint32_t)x->shape[0] * g.spatial;
    return g;
}

/* Workgroup size for one channel of `count` elements: a power of two in [32, 256] within limits. */
static uint32_t channel_workgroup(const compute_ctx *ctx, uint32_t count)
{
    const vk_limits *lim = vk_get_limits(ctx);
    uint32_t wg = 32;
    while (wg < 256 && wg < count) wg <<= 1;
    while (wg > lim->max_workgroup_invocations || wg > lim->max_workgroup_size[0] ||
           wg * 8u > lim->max_shared_memory)
        wg >>= 1;
    return wg;
}

void vk_batchnorm_forward(const tensor *x, const tensor *gamma, const tensor *beta,
                          tensor *running_mean, tensor *running_var,
                          tensor *save_mean, tensor *save_invstd, tensor *y,
                          const batchnorm_params *p)
{
    compute_ctx *ctx = y->ctx;
    bn_geometry g = bn_geometry_of(x);
    uint32_t gx, gy;
    if (p->training) {
        struct { uint32_t channels, spatial, count; float momentum, eps; } pc = {
            g.channels, g.spatial, g.count, p->momentum, p->eps};
        uint32_t spec[1] = {channel_workgroup(ctx, g.count)};
        const tensor *bufs[8] = {x, gamma, beta, running_mean, running_var, save_mean, save_invstd, y};
        vk_grid_1d(ctx, g.channels, &gx, &gy);
        vk_dispatch(ctx, "batchnorm_train_forward", spec, 1, &pc, sizeof pc, bufs, 8,
                    (1u << 3) | (1u << 4) | (1u << 5) | (1u << 6) | (1u << 7), gx, gy, 1);
    } else {
        struct { uint32_t n, channels, spatial; float eps; } pc = {(uint32_t)x->numel, g.channels, g.spatial,
                                                                   p->eps};
        uint32_t spec[1] = {BN_ELEMENTWISE_WG};
        const tensor *bufs[8] = {x, gamma, beta, running_mean, running_var, y, save_mean, save_invstd};
        vk_grid_1d(ctx, vk_div_up(x->numel, BN_ELEMENTWISE_WG), &gx, &gy);
        vk_dispatch(ctx, "batchnorm_eval_forward", spec, 1, &pc, sizeof pc, bufs, 8,
                    (1u << 5) | (1u << 6) | (1u << 7), gx, gy, 1);
    }
}

void vk_batchnorm_backward(const tensor *x, const tensor *gamma, const tensor *save_mean,
                           const tensor *save_invstd, const tensor *dy,
                           tensor *dx, tensor *dgamma, tensor *dbeta, const batchnorm_params *p)
{
    /* Absent outputs are bound to a present one (marked written, never written by the shader). */
    tensor *present = dx ? dx : dgamma ? dgamma : dbeta;
    if (!present) return;
    compute_ctx *ctx = present->ctx;
    bn_geometry g = bn_geometry_of(x);
    struct { uint32_t channels, spatial, count; } pc = {g.channels, g.spatial, g.count};
    uint32_t spec[5] = {channel_workgroup(ctx, g.count), p->training ? 1u : 0u, dx ? 1u : 0u,
                        dgamma ? 1u : 0u, dbeta ? 1u : 0u};
    const tensor *bufs[8] = {x, gamma, save_mean, save_invstd, dy,
                             dx ? dx : present, dgamma ? dgamma : present, dbeta ? dbeta : present};
    uint32_t gx, gy;
    vk_grid_1d(ctx, g.channels, &gx, &gy);
    vk_dispatch(ctx, "batchnorm_backward", spec, 5, &pc, sizeof pc, bufs, 8, (1u << 5) | (1u << 6) | (1u << 7),
                gx, gy, 1);
}
