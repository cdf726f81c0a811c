/* Separable transpose attention on the Vulkan backend (ops.h, op_separable_attention_*).
 *
 * Every intermediate lives in the context's workspace, at offsets laid out below and passed to the
 * shaders in the push block (shaders/sepattn.glsl):
 *   forward:  kernel sums -> score parts -> per-pixel softmax and mix (t, and w when asked)
 *   backward: kernel sums -> score parts -> per-pixel stats (max, 1/sum, t) -> per-row gradient sums
 *             -> their reductions (value gradients, score-part gradients) -> key-part and kernel-sum
 *             gradients -> kernel gradient; then the requested gradients are copied out.
 * Nothing of size N*h*C*H*W is ever stored (but w, when the caller asks for it). */
#include "compute/vulkan/vk_ops.h"
#include "compute/vulkan/vk_runtime.h"

#include <string.h>

#include "compute/ops/sepattn_geometry.h"
#include "compute/tensor.h"

#define SEPATTN_WG 256

/* Matches the push block of shaders/sepattn.glsl. */
typedef struct sepattn_push {
    uint32_t n, heads, c, H, W, k, before, after;
    float scale;
    uint32_t off[16];
} sepattn_push;

/* Workspace regions, in floats. */
enum {
    R_WA, R_WY, R_WX, R_SA, R_SX, R_SY,                       /* forward and backward */
    R_STATS, R_P1, R_PG, R_QX, R_QS, R_GSA, R_GSX, R_GSY,     /* backward only */
    R_DVA, R_DVX, R_DVY, R_DKA, R_DKX, R_DKY, R_DWA, R_DWY, R_DWX, R_DWS,
    R_COUNT
};

typedef struct sepattn_plan {
    sepattn_geometry g;
    size_t size[R_COUNT], off[R_COUNT];
    tensor *work;
    sepattn_push push;
} sepattn_plan;

static void plan_init(sepattn_plan *pl, compute_ctx *ctx, const sepattn_tensors *in, float scale, bool backward)
{
    memset(pl, 0, sizeof *pl);
    sepattn_geometry g = sepattn_geometry_of(in);
    pl->g = g;
    size_t N = (size_t)g.n, h = (size_t)g.heads, C = (size_t)g.c, R = (size_t)g.classes, k = (size_t)g.k;
    size_t H = (size_t)g.H, W = (size_t)g.W, nh = N * h;
    size_t *s = pl->size;
    s[R_WA] = C * C * R * R;
    s[R_WY] = s[R_WX] = C * C * R * k;
    s[R_SA] = nh * C * R * R;
    s[R_SX] = h * C * R * W;
    s[R_SY] = h * C * R * H;
    if (backward) {
        s[R_STATS] = 3 * N * C * H * W;
        s[R_P1] = nh * C * H * R;
        s[R_PG] = nh * C * H;
        s[R_QX] = s[R_QS] = h * C * H * W;
        s[R_GSA] = s[R_SA];
        s[R_GSX] = s[R_SX];
        s[R_GSY] = s[R_SY];
        s[R_DVA] = s[R_DKA] = nh * C;
        s[R_DVX] = s[R_DKX] = h * C * W;
        s[R_DVY] = s[R_DKY] = h * C * H;
        s[R_DWA] = s[R_WA];
        s[R_DWY] = s[R_DWX] = s[R_WY];
        s[R_DWS] = C * C * k * k;
    }
    size_t total = 0;
    for (int r = 0; r < R_COUNT; r++) {
        pl->off[r] = total;
        total += (s[r] + 63) & ~(size_t)63;
    }
    TENSOR_CHECK(total <= UINT32_MAX && N * C * H * W * 3 <= UINT32_MAX,
                 "separable attention: %zu floats of workspace is too large for 32-bit indexing", total);
    pl->work = vk_workspace(ctx, total);
    pl->push = (sepattn_push){(uint32_t)g.n, (uint32_t)g.heads, (uint32_t)g.c, (uint32_t)g.H, (uint32_t)g.W,
                              (uint32_t)g.k, (uint32_t)g.before, (uint32_t)g.after, scale, {0}};
}

/* One dispatch of `count` invocations (1-D) with the push block's offsets set to `regions`. */
static void dispatch_flat(sepattn_plan *pl, const char *shader, const int *regions, int nregions,
                          const tensor *const *bufs, int nbufs, uint32_t write_mask, size_t count)
{
    compute_ctx *ctx = pl->work->ctx;
    sepattn_push pc = pl->push;
    for (int i = 0; i < nregions; i++) pc.off[i] = (uint32_t)pl->off[regions[i]];
    uint32_t spec[1] = {SEPATTN_WG}, gx, gy;
    vk_grid_1d(ctx, vk_div_up(count, SEPATTN_WG), &gx, &gy);
    vk_dispatch(ctx, shader, spec, 1, &pc, sizeof pc, bufs, nbufs, write_mask, gx, gy, 1);
}

/* Kernel sums and score parts (steps 1 and 2 of both passes). */
static void score_parts(sepattn_plan *pl, const sepattn_tensors *in)
{
    const int r1[3] = {R_WA, R_WY, R_WX};
    const tensor *b1[2] = {in->ws, pl->work};
    dispatch_flat(pl, "sepattn_kernel_sums", r1, 3, b1, 2, 1u << 1, pl->size[R_WA] + 2 * pl->size[R_WY]);
    const int r2[6] = {R_WA, R_WY, R_WX, R_SA, R_SX, R_SY};
    const tensor *b2[4] = {in->ka, in->kx, in->ky, pl->work};
    dispatch_flat(pl, "sepattn_parts", r2, 6, b2, 4, 1u << 3, pl->size[R_SA] + pl->size[R_SX] + pl->size[R_SY]);
}

void vk_separable_attention_forward(const sepattn_tensors *in, float scale, tensor *t, tensor *w)
{
    sepattn_plan pl;
    plan_init(&pl, in->ka->ctx, in, scale, false);
    score_parts(&pl, in);
    const int r[3] = {R_SA, R_SX, R_SY};
    const tensor *bufs[6] = {pl.work, in->va, in->vx, in->vy, t, w};
    if (w) dispatch_flat(&pl, "sepattn_forward_w", r, 3, bufs, 6, (1u << 4) | (1u << 5), t->numel);
    else dispatch_flat(&pl, "sepattn_forward", r, 3, bufs, 5, 1u << 4, t->numel);
}

static void copy_out(const sepattn_plan *pl, tensor *dst, int region)
{
    if (dst) tensor_copy_range(dst, 0, pl->work, pl->off[region], dst->numel);
}

void vk_separable_attention_backward(const sepattn_tensors *in, float scale, const tensor *dt,
                                     const sepattn_tensors *grad)
{
    compute_ctx *ctx = in->ka->ctx;
    sepattn_plan pl;
    plan_init(&pl, ctx, in, scale, true);
    const sepattn_geometry *g = &pl.g;
    /* Step 2 of the backward gives each row a workgroup whose invocations take up to 4 columns each. */
    uint32_t wg = 64;
    while (wg * 4 < (uint32_t)g->W) wg <<= 1;
    const vk_limits *lim = vk_get_limits(ctx);
    TENSOR_CHECK(wg <= lim->max_workgroup_invocations && wg <= lim->max_workgroup_size[0] &&
                 wg * 4 * sizeof(float) <= lim->max_shared_memory,
                 "separable attention backward: a grid %d wide needs workgroups of %u on this device", g->W, wg);
    score_parts(&pl, in);
    const tensor *bv[5] = {pl.work, in->va, in->vx, in->vy, dt};
    const int rs[4] = {R_SA, R_SX, R_SY, R_STATS};
    dispatch_flat(&pl, "sepattn_stats", rs, 4, bv, 4, 1u, dt->numel);

    sepattn_push pc = pl.push;
    const int rr[8] = {R_SA, R_SX, R_SY, R_STATS, R_P1, R_PG, R_QX, R_QS};
    for (int i = 0; i < 8; i++) pc.off[i] = (uint32_t)pl.off[rr[i]];
    uint32_t spec[1] = {wg}, gx, gy;
    vk_grid_1d(ctx, (uint64_t)g->heads * g->c * g->H, &gx, &gy);
    vk_dispatch(ctx, "sepattn_backward_rows", spec, 1, &pc, sizeof pc, bv, 5, 1u, gx, gy, 1);

    const int rd[10] = {R_P1, R_PG, R_QX, R_QS, R_GSA, R_GSX, R_GSY, R_DVA, R_DVX, R_DVY};
    const tensor *bw[4] = {pl.work, in->ka, in->kx, in->ky};
    size_t nred = pl.size[R_DVA] + pl.size[R_GSA] + pl.size[R_DVY] + pl.size[R_GSY] + pl.size[R_DVX] + pl.size[R_GSX];
    dispatch_flat(&pl, "sepattn_backward_reduce", rd, 10, bw, 1, 1u, nred);

    const int rp[12] = {R_WA, R_WY, R_WX, R_GSA, R_GSX, R_GSY, R_DKA, R_DKX, R_DKY, R_DWA, R_DWY, R_DWX};
    size_t npart = pl.size[R_DKA] + pl.size[R_DKX] + pl.size[R_DKY] + pl.size[R_DWA] + 2 * pl.size[R_DWY];
    dispatch_flat(&pl, "sepattn_parts_backward", rp, 12, bw, 4, 1u, npart);

    const int rk[4] = {R_DWA, R_DWY, R_DWX, R_DWS};
    dispatch_flat(&pl, "sepattn_kernel_sums_backward", rk, 4, bw, 1, 1u, pl.size[R_DWS]);

    copy_out(&pl, grad->ka, R_DKA);
    copy_out(&pl, grad->kx, R_DKX);
    copy_out(&pl, grad->ky, R_DKY);
    copy_out(&pl, grad->va, R_DVA);
    copy_out(&pl, grad->vx, R_DVX);
    copy_out(&pl, grad->vy, R_DVY);
    copy_out(&pl, grad->ws, R_DWS);
}
