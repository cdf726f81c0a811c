#include "model/unet.h"

#include <stdio.h>
#include <string.h>

static const int level_depth[UNET_LEVELS] = {64, 128, 256, 512};

void unet_init(unet *g, param_set *ps, int batch, int in_channels, int size)
{
    compute_ctx *ctx = ps->ctx;
    memset(g, 0, sizeof *g);
    g->batch = batch;
    g->in_channels = in_channels;
    g->size = size;
    TENSOR_CHECK(size % 32 == 0 && size >= 32, "the U-Net needs a grid divisible by 32, got %d", size);
    conv2d_params s2 = conv2d_params_make(2, 1, 1);
    conv_layer_init(&g->first, ps, "generator.layers.0", in_channels, 64, 4, s2, true, false);

    /* Channel bookkeeping from the innermost level out (Skip.count = count + depth). */
    int inner_count = 512;     /* Identity(512, 512) */
    for (int l = UNET_LEVELS - 1; l >= 0; l--) {
        unet_level *lv = &g->levels[l];
        lv->depth = level_depth[l];
        lv->inner_depth = l + 1 < UNET_LEVELS ? level_depth[l + 1] : 512;
        lv->inner_count = inner_count;
        inner_count = 2 * lv->depth;
    }
    char prefix[160] = "generator.layers.2";
    for (int l = 0; l < UNET_LEVELS; l++) {
        unet_level *lv = &g->levels[l];
        char name[200];
        snprintf(name, sizeof name, "%s.block.0", prefix);
        conv_layer_init(&lv->down, ps, name, lv->depth, lv->inner_depth, 4, s2, false, false);
        snprintf(name, sizeof name, "%s.block.1", prefix);
        bn_layer_init(&lv->bn_down, ps, name, lv->inner_depth);
        snprintf(name, sizeof name, "%s.block.4", prefix);
        conv_layer_init(&lv->up, ps, name, lv->inner_count, lv->depth, 4, s2, false, true);
        snprintf(name, sizeof name, "%s.block.5", prefix);
        bn_layer_init(&lv->bn_up, ps, name, lv->depth);
        strncat(prefix, ".block.3", sizeof prefix - strlen(prefix) - 1);

        int s = size >> (l + 1), si = s / 2;   /* level l works at s x s, its inner part at si x si */
        lv->c1 = tensor_newv(ctx, 4, batch, lv->inner_depth, si, si);
        lv->a1 = tensor_new_like(lv->c1);
        lv->t = tensor_newv(ctx, 4, batch, lv->depth, s, s);
        lv->b2 = tensor_new_like(lv->t);
        lv->out = tensor_newv(ctx, 4, batch, 2 * lv->depth, s, s);
        lv->dout = tensor_new_like(lv->out);
        lv->dx_skip = tensor_new_like(lv->t);
        lv->db2 = tensor_new_like(lv->t);
        lv->dt = tensor_new_like(lv->t);
        /* at the bottom the identity's output gradient lands here; above, the next level's dx is used */
        if (l + 1 == UNET_LEVELS) lv->da1 = tensor_new_like(lv->c1);
        lv->dc1 = tensor_new_like(lv->c1);
        lv->dx_conv = tensor_new_like(lv->t);
        lv->dx = tensor_new_like(lv->t);
    }
    conv_layer_init(&g->last, ps, "generator.layers.3", 128, 3, 4, s2, true, true);
    g->h0 = tensor_newv(ctx, 4, batch, 64, size / 2, size / 2);
    g->o = tensor_newv(ctx, 4, batch, 3, size, size);
    g->y = tensor_new_like(g->o);
    g->do_ = tensor_new_like(g->o);
    g->dx = tensor_newv(ctx, 4, batch, in_channels, size, size);
}

void unet_reset(unet *g, irfa_rng *rng)
{
    /* The public code applies init_weights to the whole U-Net. */
    conv_layer_reset(&g->first, rng, INIT_KAIMING_FAN_OUT);
    for (int l = 0; l < UNET_LEVELS; l++) {
        conv_layer_reset(&g->levels[l].down, rng, INIT_KAIMING_FAN_OUT);
        bn_layer_reset(&g->levels[l].bn_down, rng, INIT_KAIMING_FAN_OUT);
        conv_layer_reset(&g->levels[l].up, rng, INIT_KAIMING_FAN_OUT);
        bn_layer_reset(&g->levels[l].bn_up, rng, INIT_KAIMING_FAN_OUT);
    }
    conv_layer_reset(&g->last, rng, INIT_KAIMING_FAN_OUT);
}

/* The inner part's output of level l: the next level's output, or a1 itself at the bottom (Identity). */
static const tensor *inner_output(const unet *g, int l)
{
    return l + 1 < UNET_LEVELS ? g->levels[l + 1].out : g->levels[l].a1;
}

static void level_forward(unet *g, int l, const tensor *x, bool training)
{
    unet_level *lv = &g->levels[l];
    conv_layer_forward(&lv->down, x, lv->c1);
    bn_layer_forward(&lv->bn_down, lv->c1, lv->a1, training);
    op_leaky_relu_forward(lv->a1, lv->a1, 0.2f);
    if (l + 1 < UNET_LEVELS) level_forward(g, l + 1, lv->a1, training);
    conv_layer_forward(&lv->up, inner_output(g, l), lv->t);
    bn_layer_forward(&lv->bn_up, lv->t, lv->b2, training);
    const tensor *parts[2] = {x, lv->b2};
    op_concat_forward(parts, 2, lv->out, 1);
    op_relu_forward(lv->out, lv->out);
}

/* Back-propagates lv->dout (the gradient w.r.t. level l's output); leaves the gradient w.r.t. its
 * input x in lv->dx and writes the level's parameter gradients. */
static void level_backward(unet *g, int l, const tensor *x, bool training)
{
    unet_level *lv = &g->levels[l];
    bool bottom = l + 1 == UNET_LEVELS;
    op_relu_backward(lv->out, lv->dout, lv->dout);
    tensor *parts[2] = {lv->dx_skip, lv->db2};
    op_concat_backward(lv->dout, parts, 2, 1);
    bn_layer_backward(&lv->bn_up, lv->t, lv->db2, lv->dt, training);
    /* At the bottom the inner part is the identity, so its output gradient is d(a1) itself. */
    tensor *dinner = bottom ? lv->da1 : g->levels[l + 1].dout;
    conv_layer_backward(&lv->up, inner_output(g, l), lv->dt, dinner);
    if (!bottom) level_backward(g, l + 1, lv->a1, training);
    tensor *da1 = bottom ? lv->da1 : g->levels[l + 1].dx;
    op_leaky_relu_backward(lv->a1, da1, da1, 0.2f);
    bn_layer_backward(&lv->bn_down, lv->c1, da1, lv->dc1, training);
    conv_layer_backward(&lv->down, x, lv->dc1, lv->dx_conv);
    op_add_forward(lv->dx_skip, lv->dx_conv, lv->dx);
}

void unet_forward(unet *g, const tensor *x, bool training)
{
    conv_layer_forward(&g->first, x, g->h0);
    op_leaky_relu_forward(g->h0, g->h0, 0.2f);
    level_forward(g, 0, g->h0, training);
    conv_layer_forward(&g->last, g->levels[0].out, g->o);
    op_sigmoid_forward(g->o, g->y);
}

void unet_backward(unet *g, const tensor *x, const tensor *dy, bool training)
{
    op_sigmoid_backward(g->y, dy, g->do_);
    conv_layer_backward(&g->last, g->levels[0].out, g->do_, g->levels[0].dout);
    level_backward(g, 0, g->h0, training);
    op_leaky_relu_backward(g->h0, g->levels[0].dx, g->levels[0].dx, 0.2f);
    conv_layer_backward(&g->first, x, g->levels[0].dx, g->dx);
}

void unet_free(unet *g)
{
    for (int l = 0; l < UNET_LEVELS; l++) {
        unet_level *lv = &g->levels[l];
        bn_layer_free(&lv->bn_down);
        bn_layer_free(&lv->bn_up);
        tensor *ts[] = {lv->c1, lv->a1, lv->t, lv->b2, lv->out, lv->dout, lv->dx_skip, lv->db2, lv->dt, lv->da1,
                        lv->dc1, lv->dx_conv, lv->dx};
        for (size_t i = 0; i < sizeof ts / sizeof ts[0]; i++) tensor_free(ts[i]);
    }
    tensor *ts[] = {g->h0, g->o, g->y, g->do_, g->dx};
    for (size_t i = 0; i < sizeof ts / sizeof ts[0]; i++) tensor_free(ts[i]);
}
