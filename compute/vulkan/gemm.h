/* GEMM-family dispatch for the Vulkan backend: tile choice per device and shape, grids split to fit the
 * device limits, split-K with a deterministic second pass, and the implicit-GEMM convolutions that
 * Conv2d and ConvTranspose2d share (shaders/gemm*.comp, shaders/conv*.comp, shaders/gemm_tile.glsl). */
#ifndef IRFA_VK_GEMM_H
#define IRFA_VK_GEMM_H

#include <stdbool.h>
#include <stdint.h>

#include "compute/ops.h"
#include "compute/tensor.h"

/* Workgroup tile: BM x BN outputs, K walked BK at a time, TM x TN outputs per invocation. */
typedef struct vk_gemm_tile { uint32_t bm, bn, bk, tm, tn; } vk_gemm_tile;

/* A tile for `products` independent M x N products, sized for this device (small on CPU
 * implementations such as lavapipe, up to 128x128 with 8x8 micro-tiles on GPUs). */
vk_gemm_tile vk_gemm_pick_tile(const compute_ctx *ctx, uint64_t m, uint64_t n, uint64_t products);
/* Invocations per workgroup of a tile. */
uint32_t vk_gemm_tile_threads(const vk_gemm_tile *t);
/* Writes specialization constants 0..5 (workgroup size, BM, BN, BK, TM, TN); returns 6. */
int vk_gemm_tile_spec(const vk_gemm_tile *t, uint32_t *spec);
/* How many K splits keep the device busy when only `workgroups` tiles exist (1 = no split), given at
 * most max_splits. */
uint32_t vk_gemm_pick_splits(const compute_ctx *ctx, uint64_t workgroups, uint64_t k, uint64_t max_splits);

/* Records a tiled dispatch of tiles_n x tiles_m x z workgroups, split into several dispatches when the
 * device's grid limits require. The push block must begin with uint32 tile_n_base, tile_m_base, z_base
 * (overwritten per dispatch). */
void vk_gemm_dispatch_tiles(compute_ctx *ctx, const char *shader, const uint32_t *spec, int nspec,
                            const void *push, uint32_t push_size, const tensor *const *bufs, int nbufs,
                            uint32_t write_mask, uint64_t tiles_n, uint64_t tiles_m, uint64_t z);

/* dst[i] = sum_{s < splits} src[s*len + i] for i < len. */
void vk_gemm_reduce_splits(compute_ctx *ctx, const tensor *src, uint32_t splits, uint32_t len, tensor *dst);
/* db[c] = sum_{o, i} dy[(o*channels + c)*inner + i]. */
void vk_bias_grad(compute_ctx *ctx, const tensor *dy, uint32_t outer, uint32_t channels, uint32_t inner,
                  tensor *db);

/* Strided batched GEMM: C[z](m, n) = sum_k A[z](m, k) * B[z](k, n) (+ bias[n] or bias[m]). Element
 * (m, k) of A is at z*a_sz + m*a_sm + k*a_sk, likewise B; C(m, n) at z*c_sz + m*c_sm + n. */
typedef struct vk_gemm_desc {
    uint32_t m, n, k, batches;
    uint32_t a_sm, a_sk, a_sz;
    uint32_t b_sk, b_sn, b_sz;
    uint32_t c_sm, c_sz;
    int bias_mode;              /* 0 none, 1 per column n, 2 per row m */
} vk_gemm_desc;
void vk_gemm(const vk_gemm_desc *d, const tensor *a, const tensor *b, const tensor *bias, tensor *c);

/* ---- Convolutions as implicit GEMMs ------------------------------------------------------------ */

/* Geometry of a Conv2d x[batch, cin, h, w] * w[cout, cin/groups, kh, kw] -> y[batch, cout, ho, wo].
 * ConvTranspose2d maps onto it with its input/output exchanged (see op_conv_transpose2d.c). */
typedef struct vk_conv_geom {
    int batch, cin, h, w;
    int cout, ho, wo;
    int kh, kw;
    conv2d_params p;
} vk_conv_geom;

/* y = conv(x, w) + b (b may be NULL). */
void vk_conv_gemm_forward(const vk_conv_geom *g, const tensor *x, const tensor *w, const tensor *b, tensor *y);
/* dx = the gradient of conv's input from dy (+ b per input channel, b may be NULL). */
void vk_conv_gemm_backward_data(const vk_conv_geom *g, const tensor *dy, const tensor *w, const tensor *b,
                                tensor *dx);
/* dw = the gradient of conv's weight from x and dy. */
void vk_conv_gemm_backward_weight(const vk_conv_geom *g, const tensor *x, const tensor *dy, tensor *dw);

#endif
