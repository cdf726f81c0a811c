#include "model/irfa_attention.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

static void kv_init(irfa_kv *kv, param_set *ps, const char *name, int batch, int heads, int c, int grid,
                    bool training)
{
    compute_ctx *ctx = ps->ctx;
    int hc = heads * c, half = c / 2;
    memset(kv, 0, sizeof *kv);
    int wshape[2] = {hc, c};
    kv->w = param_add(ps, 2, wshape);
    kv->b = param_add(ps, 1, &hc);
    char full[96];
    int64_t pw[4] = {hc, c, 1, 1}, pb[1] = {hc};
    snprintf(full, sizeof full, "irfa.t.%s.weight", name);
    ckpt_add(ps, full, 4, pw, kv->w->value, 0, CKPT_COPY);
    snprintf(full, sizeof full, "irfa.t.%s.bias", name);
    ckpt_add(ps, full, 1, pb, kv->b->value, 0, CKPT_COPY);

    kv->w1 = tensor_newv(ctx, 2, hc, half);
    kv->w2 = tensor_newv(ctx, 2, hc, half);
    kv->wsum = tensor_newv(ctx, 4, 1, heads, c, half);
    kv->prod = tensor_newv(ctx, 4, batch, heads, c, half);
    kv->a = tensor_newv(ctx, 3, batch, heads, c);
    kv->a2 = tensor_newv(ctx, 3, batch, heads, c);
    kv->x = tensor_newv(ctx, 3, heads, c, grid);
    kv->y = tensor_newv(ctx, 3, heads, c, grid);
    if (!training) return;
    kv->dx = tensor_new_like(kv->x);
    kv->dy = tensor_new_like(kv->y);
    kv->da2 = tensor_new_like(kv->a2);
    kv->dprod = tensor_new_like(kv->prod);
    kv->dwsum = tensor_new_like(kv->wsum);
    kv->dw1a = tensor_new_like(kv->w1);
    kv->dw2a = tensor_new_like(kv->w1);
    kv->dw1 = tensor_new_like(kv->w1);
    kv->dw2 = tensor_new_like(kv->w1);
    kv->dm = tensor_newv(ctx, 4, batch, heads, 1, half);
    kv->dpx = tensor_newv(ctx, 2, grid, half);
    kv->dpy = tensor_newv(ctx, 2, grid, half);
}

static void kv_free(irfa_kv *kv)
{
    tensor *ts[] = {kv->w1, kv->w2, kv->wsum, kv->prod, kv->a, kv->a2, kv->x, kv->y, kv->dx,
                    kv->dy, kv->da2, kv->dprod, kv->dwsum, kv->dw1a, kv->dw2a, kv->dw1, kv->dw2, kv->dm, kv->dpx,
                    kv->dpy};
    for (size_t i = 0; i < sizeof ts / sizeof ts[0]; i++) tensor_free(ts[i]);
}

/* The parts a2 = a + b, X, Y of K (or V) = a2 + X + Y, see the header. m4: M viewed [N, h, 1, c/2]. */
static void kv_forward(irfa_kv *kv, const tensor *m4, const tensor *pxt, const tensor *pyt, int heads, int c)
{
    int half = c / 2;
    op_slice_forward(kv->w->value, kv->w1, 1, 0);
    op_slice_forward(kv->w->value, kv->w2, 1, half);
    tensor *wsum2 = tensor_viewv(kv->wsum, 2, heads * c, half);
    op_add_forward(kv->w1, kv->w2, wsum2);
    op_mul_forward(m4, kv->wsum, kv->prod);
    op_sum_forward(kv->prod, kv->a, 3);
    tensor *b3 = tensor_viewv(kv->b->value, 3, 1, heads, c);
    op_add_forward(kv->a, b3, kv->a2);
    tensor *x2 = tensor_viewv(kv->x, 2, heads * c, pxt->shape[0]);
    tensor *y2 = tensor_viewv(kv->y, 2, heads * c, pyt->shape[0]);
    op_linear_forward(kv->w1, pxt, NULL, x2);
    op_linear_forward(kv->w2, pyt, NULL, y2);
    tensor_free(wsum2); tensor_free(b3); tensor_free(x2); tensor_free(y2);
}

/* From the gradients of the parts (kv->da2, kv->dx, kv->dy, written by the attention op) to the
 * weight/bias gradients and kv->dm, kv->dpx, kv->dpy (this branch's share of the gradients of M, Px, Py). */
static void kv_backward(irfa_kv *kv, const tensor *m4, const tensor *pxt, const tensor *pyt, int heads, int c)
{
    int half = c / 2;
    tensor *db3 = tensor_viewv(kv->b->grad, 3, 1, heads, c);
    op_add_backward(kv->da2, NULL, db3);
    op_sum_backward(kv->da2, kv->dprod, 3);
    op_mul_backward(m4, kv->wsum, kv->dprod, kv->dm, kv->dwsum);
    tensor *dx2 = tensor_viewv(kv->dx, 2, heads * c, pxt->shape[0]);
    tensor *dy2 = tensor_viewv(kv->dy, 2, heads * c, pyt->shape[0]);
    op_linear_backward(kv->w1, pxt, dx2, kv->dw1a, kv->dpx, NULL);
    op_linear_backward(kv->w2, pyt, dy2, kv->dw2a, kv->dpy, NULL);
    tensor *dwsum2 = tensor_viewv(kv->dwsum, 2, heads * c, half);
    op_add_forward(dwsum2, kv->dw1a, kv->dw1);
    op_add_forward(dwsum2, kv->dw2a, kv->dw2);
    const tensor *halves[2] = {kv->dw1, kv->dw2};
    op_concat_forward(halves, 2, kv->w->grad, 1);
    tensor_free(db3); tensor_free(dx2); tensor_free(dy2); tensor_free(dwsum2);
}

void irfa_attention_init(irfa_attention *a, param_set *ps, int batch, int heads, const int *electrodes, int c,
                         int grid, int kernel, bool training)
{
    compute_ctx *ctx = ps->ctx;
    memset(a, 0, sizeof *a);
    TENSOR_CHECK(heads >= 1 && heads <= IRFA_MAX_HEADS, "%d arrays (1..%d supported)", heads, IRFA_MAX_HEADS);
    TENSOR_CHECK(c >= 2 && c % 2 == 0, "features c must be even, got %d", c);
    a->batch = batch;
    a->heads = heads;
    a->c = c;
    a->grid = grid;
    a->kernel = kernel;
    a->training_buffers = training;
    int half = c / 2, hh = heads * half;
    char name[96];
    for (int j = 0; j < heads; j++) {
        a->electrodes[j] = electrodes[j];
        int ws[2] = {half, electrodes[j]};
        a->lin_w[j] = param_add(ps, 2, ws);
        a->lin_b[j] = param_add(ps, 1, &half);
        int64_t pw[2] = {half, electrodes[j]}, pb[1] = {half};
        snprintf(name, sizeof name, "irfa.m.M.%d.0.weight", j);
        ckpt_add(ps, name, 2, pw, a->lin_w[j]->value, 0, CKPT_COPY);
        snprintf(name, sizeof name, "irfa.m.M.%d.0.bias", j);
        ckpt_add(ps, name, 1, pb, a->lin_b[j]->value, 0, CKPT_COPY);
        int is[2] = {batch, electrodes[j]};
        a->input[j] = tensor_new_flags(ctx, 2, is, TENSOR_HOST_VISIBLE);
        a->e[j] = tensor_newv(ctx, 2, batch, half);
        if (training) a->de[j] = tensor_newv(ctx, 2, batch, half);
    }
    /* One BatchNorm1d over h*c/2 channels is the same as h BatchNorm1d(c/2): channels are independent. */
    bn_layer_init(&a->bn, ps, "irfa.m.M.0.1", hh);
    /* bn_layer_init registered head 0's names over the whole tensor: replace them by per-head slices. */
    ps->nentries -= 5;
    for (int j = 0; j < heads; j++) {
        int64_t s[1] = {half};
        static const char *suffix[4] = {"weight", "bias", "running_mean", "running_var"};
        tensor *src[4] = {a->bn.gamma->value, a->bn.beta->value, a->bn.running_mean, a->bn.running_var};
        for (int q = 0; q < 4; q++) {
            snprintf(name, sizeof name, "irfa.m.M.%d.1.%s", j, suffix[q]);
            ckpt_add(ps, name, 1, s, src[q], (size_t)j * half, CKPT_COPY);
        }
        snprintf(name, sizeof name, "irfa.m.M.%d.1.num_batches_tracked", j);
        ckpt_add_counter(ps, name, &a->bn.num_batches_tracked);
    }
    int ps_shape[2] = {grid, half};
    a->px = param_add(ps, 2, ps_shape);
    a->py = param_add(ps, 2, ps_shape);
    int64_t ppx[5] = {1, 1, half, 1, grid}, ppy[5] = {1, 1, half, grid, 1};
    ckpt_add(ps, "irfa.p.P.x", 5, ppx, a->px->value, 0, CKPT_TRANSPOSE);
    ckpt_add(ps, "irfa.p.P.y", 5, ppy, a->py->value, 0, CKPT_TRANSPOSE);
    kv_init(&a->key, ps, "k", batch, heads, c, grid, training);
    kv_init(&a->value, ps, "v", batch, heads, c, grid, training);
    int wss[4] = {c, c, kernel, kernel};
    a->ws = param_add(ps, 4, wss);
    a->bs = param_add(ps, 1, &c);
    int64_t pws[4] = {c, c, kernel, kernel}, pbs[1] = {c};
    ckpt_add(ps, "irfa.t.s.0.weight", 4, pws, a->ws->value, 0, CKPT_COPY);
    ckpt_add(ps, "irfa.t.s.0.bias", 1, pbs, a->bs->value, 0, CKPT_COPY);
    a->score_scale = 1.0f / sqrtf((float)(c * kernel * kernel));

    a->e_all = tensor_newv(ctx, 2, batch, hh);
    a->e_bn = tensor_new_like(a->e_all);
    a->m = tensor_new_like(a->e_all);
    a->t = tensor_newv(ctx, 4, batch, c, grid, grid);
    if (!training) return;
    a->dm = tensor_newv(ctx, 4, batch, heads, 1, half);
    a->de_bn = tensor_new_like(a->e_all);
    a->de_all = tensor_new_like(a->e_all);
    tensor_fill(a->bs->grad, 0.0f);   /* the score bias cancels in the softmax over heads */
}

void irfa_attention_keep_w(irfa_attention *a)
{
    if (!a->w) a->w = tensor_newv(a->t->ctx, 5, a->batch, a->heads, a->c, a->grid, a->grid);
}

/* The op's view of the key and value parts (grads: their gradient buffers). */
static sepattn_tensors op_parts(irfa_attention *a, bool grads)
{
    irfa_kv *k = &a->key, *v = &a->value;
    if (grads) return (sepattn_tensors){k->da2, k->dx, k->dy, v->da2, v->dx, v->dy, a->ws->grad};
    return (sepattn_tensors){k->a2, k->x, k->y, v->a2, v->x, v->y, a->ws->value};
}

void irfa_attention_reset(irfa_attention *a, irfa_rng *rng)
{
    /* PyTorch defaults, as in the public code (init_weights is applied to the U-Net only). */
    for (int j = 0; j < a->heads; j++) init_pytorch_default(a->lin_w[j]->value, a->lin_b[j]->value, a->electrodes[j], rng);
    bn_layer_reset(&a->bn, rng, INIT_PYTORCH_DEFAULT);
    float std = 1.0f / sqrtf((float)a->c);
    init_normal(a->px->value, rng, 0.0f, std);
    init_normal(a->py->value, rng, 0.0f, std);
    init_pytorch_default(a->key.w->value, a->key.b->value, a->c, rng);
    init_pytorch_default(a->value.w->value, a->value.b->value, a->c, rng);
    init_pytorch_default(a->ws->value, a->bs->value, a->c * a->kernel * a->kernel, rng);
}

void irfa_attention_forward(irfa_attention *a, bool training, bool want_w)
{
    TENSOR_CHECK(!want_w || a->w, "attention w asked for without irfa_attention_keep_w");
    int n = a->batch, h = a->heads, c = a->c;
    for (int j = 0; j < h; j++) op_linear_forward(a->input[j], a->lin_w[j]->value, a->lin_b[j]->value, a->e[j]);
    op_concat_forward((const tensor *const *)a->e, h, a->e_all, 1);
    bn_layer_forward(&a->bn, a->e_all, a->e_bn, training);
    op_relu_forward(a->e_bn, a->m);
    tensor *m4 = tensor_viewv(a->m, 4, n, h, 1, c / 2);
    kv_forward(&a->key, m4, a->px->value, a->py->value, h, c);
    kv_forward(&a->value, m4, a->px->value, a->py->value, h, c);
    tensor_free(m4);
    sepattn_tensors parts = op_parts(a, false);
    op_separable_attention_forward(&parts, a->score_scale, a->t, want_w ? a->w : NULL);
}

void irfa_attention_backward(irfa_attention *a, const tensor *dt, bool training)
{
    TENSOR_CHECK(a->training_buffers, "backward through an attention module built for inference");
    int n = a->batch, h = a->heads, c = a->c;
    sepattn_tensors parts = op_parts(a, false), grads = op_parts(a, true);
    op_separable_attention_backward(&parts, a->score_scale, dt, &grads);
    tensor *m4 = tensor_viewv(a->m, 4, n, h, 1, c / 2);
    kv_backward(&a->value, m4, a->px->value, a->py->value, h, c);
    kv_backward(&a->key, m4, a->px->value, a->py->value, h, c);
    tensor_free(m4);

    op_add_forward(a->key.dpx, a->value.dpx, a->px->grad);
    op_add_forward(a->key.dpy, a->value.dpy, a->py->grad);
    op_add_forward(a->key.dm, a->value.dm, a->dm);
    tensor *dm2 = tensor_viewv(a->dm, 2, n, h * (c / 2));
    op_relu_backward(a->e_bn, dm2, a->de_bn);
    tensor_free(dm2);
    bn_layer_backward(&a->bn, a->e_all, a->de_bn, a->de_all, training);
    op_concat_backward(a->de_all, a->de, h, 1);
    for (int j = 0; j < h; j++)
        op_linear_backward(a->input[j], a->lin_w[j]->value, a->de[j], NULL, a->lin_w[j]->grad, a->lin_b[j]->grad);
}

void irfa_attention_free(irfa_attention *a)
{
    for (int j = 0; j < a->heads; j++) {
        tensor_free(a->input[j]);
        tensor_free(a->e[j]);
        tensor_free(a->de[j]);
    }
    bn_layer_free(&a->bn);
    kv_free(&a->key);
    kv_free(&a->value);
    tensor *ts[] = {a->e_all, a->e_bn, a->m, a->t, a->w, a->dm, a->de_bn, a->de_all};
    for (size_t i = 0; i < sizeof ts / sizeof ts[0]; i++) tensor_free(ts[i]);
}
