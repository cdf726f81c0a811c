/* Conv2d on the Vulkan backend, and the three implicit-GEMM convolution dispatches that
 * ConvTranspose2d reuses: forward (shaders/conv2d_forward.comp), backward-data as a stride-phase gather
 * (conv2d_backward_data.comp) and backward-weight with split-K (conv2d_backward_weight.comp). */
#include "compute/vulkan/gemm.h"
#include "compute/vulkan/vk_ops.h"
#include "compute/vulkan/vk_runtime.h"

void vk_conv_gemm_forward(const vk_conv_geom *g, const tensor *x, const tensor *w, const tensor *b, tensor *y)
{
    compute_ctx *ctx = y->ctx;
    const conv2d_params *p = &g->p;
    uint32_t cin_g = (uint32_t)(g->cin / p->groups), cout_g = (uint32_t)(g->cout / p->groups);
    uint64_t n = (uint64_t)g->batch * g->ho * g->wo;
    if (n == 0 || cout_g == 0) return;
    vk_gemm_tile t = vk_gemm_pick_tile(ctx, cout_g, n, (uint64_t)p->groups);
    uint32_t spec[8];
    int nspec = vk_gemm_tile_spec(&t, spec);
    spec[nspec++] = (uint32_t)g->kh;
    spec[nspec++] = (uint32_t)g->kw;
    struct {
        uint32_t tile_n_base, tile_m_base, z_base;
        uint32_t batch, cin, h, w, cout, ho, wo;
        uint32_t cin_g, cout_g;
        uint32_t stride_h, stride_w;
        int32_t pad_t, pad_l;
        uint32_t has_bias;
    } pc = {0, 0, 0, (uint32_t)g->batch, (uint32_t)g->cin, (uint32_t)g->h, (uint32_t)g->w, (uint32_t)g->cout,
            (uint32_t)g->ho, (uint32_t)g->wo, cin_g, cout_g, (uint32_t)p->stride_h, (uint32_t)p->stride_w,
            p->pad_top, p->pad_left, b != NULL};
    /* Without a bias the binding still needs a buffer: the (read-only) weight stands in, never read. */
    const tensor *bufs[4] = {x, w, b ? b : w, y};
    vk_gemm_dispatch_tiles(ctx, "conv2d_forward", spec, nspec, &pc, sizeof pc, bufs, 4, 1u << 3,
                           vk_div_up(n, t.bn), vk_div_up(cout_g, t.bm), (uint64_t)p->groups);
}

void vk_conv_gemm_backward_data(const vk_conv_geom *g, const tensor *dy, const tensor *w, const tensor *b,
                                tensor *dx)
{
    compute_ctx *ctx = dx->ctx;
    const conv2d_params *p = &g->p;
    uint32_t cin_g = (uint32_t)(g->cin / p->groups), cout_g = (uint32_t)(g->cout / p->groups);
    uint32_t sh = (uint32_t)p->stride_h, sw = (uint32_t)p->stride_w;
    uint32_t hq = vk_div_up((uint64_t)g->h, sh), wq = vk_div_up((uint64_t)g->w, sw);
    uint64_t n = (uint64_t)g->batch * hq * wq;
    if (n == 0 || cin_g == 0) return;
    vk_gemm_tile t = vk_gemm_pick_tile(ctx, cin_g, n, (uint64_t)p->groups * sh * sw);
    uint32_t spec[10];
    int nspec = vk_gemm_tile_spec(&t, spec);
    spec[nspec++] = (uint32_t)g->kh;
    spec[nspec++] = (uint32_t)g->kw;
    spec[nspec++] = sh;
    spec[nspec++] = sw;
    struct {
        uint32_t tile_n_base, tile_m_base, z_base;
        uint32_t batch, cin, h, w, cout, ho, wo;
        uint32_t cin_g, cout_g;
        int32_t pad_t, pad_l;
        uint32_t hq, wq;
        uint32_t has_bias;
    } pc = {0, 0, 0, (uint32_t)g->batch, (uint32_t)g->cin, (uint32_t)g->h, (uint32_t)g->w, (uint32_t)g->cout,
            (uint32_t)g->ho, (uint32_t)g->wo, cin_g, cout_g, p->pad_top, p->pad_left, hq, wq, b != NULL};
    const tensor *bufs[4] = {dy, w, b ? b : w, dx};
    vk_gemm_dispatch_tiles(ctx, "conv2d_backward_data", spec, nspec, &pc, sizeof pc, bufs, 4, 1u << 3,
                           vk_div_up(n, t.bn), vk_div_up(cin_g, t.bm), (uint64_t)p->groups * sh * sw);
}

void vk_conv_gemm_backward_weight(const vk_conv_geom *g, const tensor *x, const tensor *dy, tensor *dw)
{
    compute_ctx *ctx = dw->ctx;
    const conv2d_params *p = &g->p;
    uint32_t cin_g = (uint32_t)(g->cin / p->groups), cout_g = (uint32_t)(g->cout / p->groups);
    uint64_t n = (uint64_t)cin_g * g->kh * g->kw;
    uint64_t k = (uint64_t)g->batch * g->ho * g->wo;
    if (dw->numel == 0) return;
    if (k == 0) { tensor_fill(dw, 0.0f); return; }
    vk_gemm_tile t = vk_gemm_pick_tile(ctx, cout_g, n, (uint64_t)p->groups);
    uint64_t tiles_m = vk_div_up(cout_g, t.bm), tiles_n = vk_div_up(n, t.bn);
    uint32_t splits = vk_gemm_pick_splits(ctx, tiles_m * tiles_n * (uint64_t)p->groups, k,
                                          vk_workspace_max_floats(ctx) / dw->numel);
    uint32_t k_per_split = (uint32_t)k;
    if (splits > 1) {
        k_per_split = vk_div_up(vk_div_up(k, splits), t.bk) * t.bk;
        splits = vk_div_up(k, k_per_split);
    }
    uint32_t spec[8];
    int nspec = vk_gemm_tile_spec(&t, spec);
    spec[nspec++] = (uint32_t)g->kh;
    spec[nspec++] = (uint32_t)g->kw;
    struct {
        uint32_t tile_n_base, tile_m_base, z_base;
        uint32_t batch, cin, h, w, cout, ho, wo;
        uint32_t cin_g, cout_g;
        uint32_t stride_h, stride_w;
        int32_t pad_t, pad_l;
        uint32_t groups, k_per_split, out_split_stride;
    } pc = {0, 0, 0, (uint32_t)g->batch, (uint32_t)g->cin, (uint32_t)g->h, (uint32_t)g->w, (uint32_t)g->cout,
            (uint32_t)g->ho, (uint32_t)g->wo, cin_g, cout_g, (uint32_t)p->stride_h, (uint32_t)p->stride_w,
            p->pad_top, p->pad_left, (uint32_t)p->groups, k_per_split, (uint32_t)dw->numel};
    tensor *out = splits > 1 ? vk_workspace(ctx, (size_t)splits * dw->numel) : dw;
    const tensor *bufs[3] = {x, dy, out};
    vk_gemm_dispatch_tiles(ctx, "conv2d_backward_weight", spec, nspec, &pc, sizeof pc, bufs, 3, 1u << 2, tiles_n,
                           tiles_m, (uint64_t)splits * p->groups);
    if (splits > 1) vk_gemm_reduce_splits(ctx, out, splits, (uint32_t)dw->numel, dw);
}

static vk_conv_geom conv2d_geom(const tensor *x, const tensor *w, const tensor *y, const conv2d_params *p)
{
    vk_conv_geom g = {
        .batch = x->shape[0], .cin = x->shape[1], .h = x->shape[2], .w = x->shape[3],
        .cout = y->shape[1], .ho = y->shape[2], .wo = y->shape[3],
        .kh = w->shape[2], .kw = w->shape[3], .p = *p,
    };
    return g;
}

void vk_conv2d_forward(const tensor *x, const tensor *w, const tensor *b, tensor *y, const conv2d_params *p)
{
    vk_conv_geom g = conv2d_geom(x, w, y, p);
    vk_conv_gemm_forward(&g, x, w, b, y);
}

void vk_conv2d_backward(const tensor *x, const tensor *w, const tensor *dy,
                        tensor *dx, tensor *dw, tensor *db, const conv2d_params *p)
{
    vk_conv_geom g = conv2d_geom(x, w, dy, p);
    if (dx) vk_conv_gemm_backward_data(&g, dy, w, NULL, dx);
    if (dw) vk_conv_gemm_backward_weight(&g, x, dy, dw);
    if (db) vk_bias_grad(db->ctx, dy, (uint32_t)g.batch, (uint32_t)g.cout, (uint32_t)(g.ho * g.wo), db);
}
