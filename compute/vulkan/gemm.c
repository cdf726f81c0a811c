/* GEMM-family dispatch helpers: tile choice per device and shape, grids split over the device limits,
 * the split-K second pass, the bias-gradient reduction and the strided GEMM used by Linear. */
#include "compute/vulkan/gemm.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "compute/vulkan/vk_runtime.h"

/* ---- tiles ------------------------------------------------------------------------------------- */

/* CPU implementations run one workgroup per core thread: small tiles keep the working set in cache
 * and still give every thread work. IRFA_VK_GEMM_PROFILE=gpu|cpu overrides the guess, so the GPU tile
 * shapes can be tested on lavapipe. */
static bool device_is_cpu(const compute_ctx *ctx)
{
    const char *profile = getenv("IRFA_VK_GEMM_PROFILE");
    if (profile && !strcmp(profile, "gpu")) return false;
    if (profile && !strcmp(profile, "cpu")) return true;
    return strstr(ctx->name, "llvmpipe") || strstr(ctx->name, "lavapipe") || strstr(ctx->name, "SwiftShader") ||
           vk_get_limits(ctx)->subgroup_size < 16;
}

uint32_t vk_gemm_tile_threads(const vk_gemm_tile *t) { return (t->bm / t->tm) * (t->bn / t->tn); }

static bool tile_fits(const compute_ctx *ctx, const vk_gemm_tile *t)
{
    const vk_limits *lim = vk_get_limits(ctx);
    uint32_t nt = vk_gemm_tile_threads(t);
    uint32_t shared = t->bk * ((t->bm / 4 + 1) + (t->bn / 4 + 1)) * 16;
    return nt <= lim->max_workgroup_invocations && nt <= lim->max_workgroup_size[0] &&
           shared <= lim->max_shared_memory;
}

/* The loaders in gemm_tile.glsl need: TM, TN multiples of 4; NT dividing both tile loads; NT a multiple
 * of BK, BM and BN (each invocation keeps one k, m or n across its loads). */
static void tile_check(const vk_gemm_tile *t)
{
    uint32_t nt = vk_gemm_tile_threads(t);
    TENSOR_CHECK(t->tm % 4 == 0 && t->tn % 4 == 0 && t->bm % t->tm == 0 && t->bn % t->tn == 0 &&
                     (t->bm * t->bk) % nt == 0 && (t->bk * t->bn) % nt == 0 && nt % t->bk == 0 &&
                     nt % t->bm == 0 && nt % t->bn == 0,
                 "invalid GEMM tile %ux%ux%u/%ux%u", t->bm, t->bn, t->bk, t->tm, t->tn);
}

static uint32_t size_class(uint64_t extent)
{
    return extent <= 32 ? 32 : extent <= 64 ? 64 : 128;
}

static uint64_t tile_count(uint64_t m, uint64_t n, uint64_t products, uint32_t bm, uint32_t bn)
{
    return ((m + bm - 1) / bm) * ((n + bn - 1) / bn) * products;
}

vk_gemm_tile vk_gemm_pick_tile(const compute_ctx *ctx, uint64_t m, uint64_t n, uint64_t products)
{
    vk_gemm_tile t;
    if (device_is_cpu(ctx)) {
        /* 64 invocations (8 rows of lavapipe's 8 SIMD lanes). Measured on llvmpipe: 64x64 tiles with 8x8
         * micro-tiles are fastest when both extents fill them, 32x32x8 with 4x4 when M is small. */
        t = (m > 32 && n > 32) ? (vk_gemm_tile){64, 64, 16, 8, 8} : (vk_gemm_tile){32, 32, 8, 4, 4};
    } else {
        uint32_t bm = size_class(m), bn = size_class(n);
        /* Big square tiles need enough of them to fill the device; otherwise halve them. */
        if (bm == 128 && bn == 128 && tile_count(m, n, products, 128, 128) < 512) bm = bn = 64;
        if (bm == 128 && bn == 64 && tile_count(m, n, products, 128, 64) < 512) bm = 64;
        if (bm == 64 && bn == 128 && tile_count(m, n, products, 64, 128) < 512) bn = 64;
        uint32_t tm = bm == 128 ? 8 : 4, tn = bn == 128 ? 8 : 4;
        if (bm == 64 && bn == 128) tm = 8;      /* 128 invocations, 8x8 each */
        if (bm == 128 && bn == 64) tn = 8;
        t = (vk_gemm_tile){bm, bn, 16, tm, tn};
    }
    /* Testing hook: IRFA_VK_GEMM_TILE=BM,BN,BK,TM,TN forces one tile everywhere (checked below). */
    const char *forced = getenv("IRFA_VK_GEMM_TILE");
    if (forced && *forced) {
        unsigned v[5];
        TENSOR_CHECK(sscanf(forced, "%u,%u,%u,%u,%u", &v[0], &v[1], &v[2], &v[3], &v[4]) == 5,
                     "IRFA_VK_GEMM_TILE='%s' (expected BM,BN,BK,TM,TN)", forced);
        t = (vk_gemm_tile){v[0], v[1], v[2], v[3], v[4]};
        TENSOR_CHECK(t.bm && t.bn && t.bk && t.tm && t.tn && tile_fits(ctx, &t),
                     "IRFA_VK_GEMM_TILE='%s' does not fit this device", forced);
    }
    if (!tile_fits(ctx, &t)) t = (vk_gemm_tile){32, 32, 8, 4, 4};
    tile_check(&t);
    return t;
}

int vk_gemm_tile_spec(const vk_gemm_tile *t, uint32_t *spec)
{
    spec[0] = vk_gemm_tile_threads(t);
    spec[1] = t->bm;
    spec[2] = t->bn;
    spec[3] = t->bk;
    spec[4] = t->tm;
    spec[5] = t->tn;
    return 6;
}

uint32_t vk_gemm_pick_splits(const compute_ctx *ctx, uint64_t workgroups, uint64_t k, uint64_t max_splits)
{
    /* Enough workgroups for every core of a CPU device, or a few waves on a GPU; each split keeps at
     * least a few hundred k so the partial sums are worth their traffic. */
    uint64_t target = device_is_cpu(ctx) ? 16 : 1024;
    uint64_t min_k = device_is_cpu(ctx) ? 1024 : 256;
    if (workgroups >= target || k < 2 * min_k) return 1;
    uint64_t splits = (target + workgroups - 1) / workgroups;
    if (splits > k / min_k) splits = k / min_k;
    if (splits > max_splits) splits = max_splits;
    return splits < 1 ? 1 : (uint32_t)splits;
}

/* ---- dispatch over device limits ----------------------------------------------------------------- */

void vk_gemm_dispatch_tiles(compute_ctx *ctx, const char *shader, const uint32_t *spec, int nspec,
                            const void *push, uint32_t push_size, const tensor *const *bufs, int nbufs,
                            uint32_t write_mask, uint64_t tiles_n, uint64_t tiles_m, uint64_t z)
{
    TENSOR_CHECK(push_size >= 3 * sizeof(uint32_t) && push_size <= VK_MAX_PUSH_BYTES, "%s: push block of %u bytes",
                 shader, push_size);
    if (tiles_n == 0 || tiles_m == 0 || z == 0) return;
    const vk_limits *lim = vk_get_limits(ctx);
    uint8_t pc[VK_MAX_PUSH_BYTES];
    memcpy(pc, push, push_size);
    for (uint64_t z0 = 0; z0 < z; z0 += lim->max_workgroup_count[2]) {
        uint64_t gz = z - z0 < lim->max_workgroup_count[2] ? z - z0 : lim->max_workgroup_count[2];
        for (uint64_t m0 = 0; m0 < tiles_m; m0 += lim->max_workgroup_count[1]) {
            uint64_t gy = tiles_m - m0 < lim->max_workgroup_count[1] ? tiles_m - m0 : lim->max_workgroup_count[1];
            for (uint64_t n0 = 0; n0 < tiles_n; n0 += lim->max_workgroup_count[0]) {
                uint64_t gx = tiles_n - n0 < lim->max_workgroup_count[0] ? tiles_n - n0 : lim->max_workgroup_count[0];
                uint32_t base[3] = {(uint32_t)n0, (uint32_t)m0, (uint32_t)z0};
                memcpy(pc, base, sizeof base);
                vk_dispatch(ctx, shader, spec, nspec, pc, push_size, bufs, nbufs, write_mask, (uint32_t)gx,
                            (uint32_t)gy, (uint32_t)gz);
            }
        }
    }
}

/* ---- split-K reductions ------------------------------------------------------------ */

void vk_gemm_reduce_splits(compute_ctx *ctx, const tensor *src, uint32_t splits, uint32_t len, tensor *dst)
{
    struct { uint32_t len, splits; } pc = {len, splits};
    uint32_t spec[1] = {256};
    uint32_t gx, gy;
    vk_grid_1d(ctx, vk_div_up(len, 256), &gx, &gy);
    const tensor *bufs[2] = {src, dst};
    vk_dispatch(ctx, "gemm_splitk_reduce", spec, 1, &pc, sizeof pc, bufs, 2, 1u << 1, gx, gy, 1);
}

void vk_bias_grad(compute_ctx *ctx, const tensor *dy, uint32_t outer, uint32_t channels, uint32_t inner,
                  tensor *db)
{
    const uint32_t threads = 256;
    uint64_t per_channel = (uint64_t)outer * inner;
    /* One workgroup per channel unless that leaves the device idle: then chunks of >= 16K elements. */
    uint64_t want_groups = device_is_cpu(ctx) ? 8 : 512;
    uint64_t chunks = 1;
    if (channels < want_groups) chunks = (want_groups + channels - 1) / channels;
    uint64_t max_chunks = (per_channel + 16383) / 16384;
    if (chunks > max_chunks) chunks = max_chunks;
    if (chunks > vk_get_limits(ctx)->max_workgroup_count[1]) chunks = vk_get_limits(ctx)->max_workgroup_count[1];
    if (chunks < 1) chunks = 1;
    uint32_t per_chunk = (uint32_t)((per_channel + chunks - 1) / chunks);
    struct { uint32_t channels, outer, inner, per_chunk; } pc = {channels, outer, inner, per_chunk};
    uint32_t spec[1] = {threads};
    tensor *out = chunks > 1 ? vk_workspace(ctx, (size_t)chunks * channels) : db;
    const tensor *bufs[2] = {dy, out};
    TENSOR_CHECK(channels <= vk_get_limits(ctx)->max_workgroup_count[0], "bias gradient over %u channels", channels);
    vk_dispatch(ctx, "conv_bias_grad", spec, 1, &pc, sizeof pc, bufs, 2, 1u << 1, channels, (uint32_t)chunks, 1);
    if (chunks > 1) vk_gemm_reduce_splits(ctx, out, (uint32_t)chunks, channels, db);
}

/* ---- strided GEMM --------------------------------------------------------------------------------- */

void vk_gemm(const vk_gemm_desc *d, const tensor *a, const tensor *b, const tensor *bias, tensor *c)
{
    compute_ctx *ctx = c->ctx;
    if (d->m == 0 || d->n == 0 || d->batches == 0) return;
    vk_gemm_tile t = vk_gemm_pick_tile(ctx, d->m, d->n, d->batches);
    uint64_t tiles_m = vk_div_up(d->m, t.bm), tiles_n = vk_div_up(d->n, t.bn);
    /* Split K only for bias-free products stored densely (C = [batches][m][n]), so slices add up. */
    bool dense_c = d->c_sm == d->n && (d->batches == 1 || d->c_sz == d->m * d->n);
    uint64_t len = (uint64_t)d->batches * d->m * d->n;
    uint32_t splits = 1;
    if (d->bias_mode == 0 && dense_c)
        splits = vk_gemm_pick_splits(ctx, tiles_m * tiles_n * d->batches, d->k,
                                     vk_workspace_max_floats(ctx) / (len ? len : 1));
    uint32_t k_per_split = d->k;
    if (splits > 1) {
        k_per_split = vk_div_up(vk_div_up(d->k, splits), t.bk) * t.bk;
        splits = vk_div_up(d->k, k_per_split);
    }
    struct {
        uint32_t tile_n_base, tile_m_base, z_base;
        uint32_t m, n, k;
        uint32_t a_sm, a_sk, b_sk, b_sn, c_sm;
        uint32_t batches;
        uint32_t a_sz, b_sz, c_sz;
        uint32_t k_per_split, c_split_stride, bias_mode;
    } pc = {0, 0, 0, d->m, d->n, d->k, d->a_sm, d->a_sk, d->b_sk, d->b_sn, d->c_sm, d->batches,
            d->a_sz, d->b_sz, d->c_sz, k_per_split, (uint32_t)len, (uint32_t)d->bias_mode};
    uint32_t spec[8];
    int nspec = vk_gemm_tile_spec(&t, spec);
    /* Load along whichever index is contiguous in memory. */
    spec[nspec++] = d->a_sk == 1;
    spec[nspec++] = d->b_sk == 1 && d->b_sn != 1;
    tensor *out = splits > 1 ? vk_workspace(ctx, (size_t)splits * len) : c;
    const tensor *bufs[4] = {a, b, bias ? bias : a, out};
    vk_gemm_dispatch_tiles(ctx, "gemm", spec, nspec, &pc, sizeof pc, bufs, 4, 1u << 3, tiles_n, tiles_m,
                           (uint64_t)splits * d->batches);
    if (splits > 1) vk_gemm_reduce_splits(ctx, out, splits, (uint32_t)len, c);
}
