#include "model/alexnet.h"

#include <math.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "compute/ops.h"
#include "model/frozen_weights.h"
#include "model/metrics.h"

#define ALEXNET_CONVS 5
#define ALEXNET_FCS 3
#define ALEXNET_POOLS 3
#define ALEXNET_TENSORS (2 * (ALEXNET_CONVS + ALEXNET_FCS))
/* The feature map the classifier sees: 256 x 6 x 6 (what features yields at 224, so the adaptive
 * 6x6 average pool in between is the identity). */
#define ALEXNET_POOL_SIDE 6
#define ALEXNET_FLAT (256 * ALEXNET_POOL_SIDE * ALEXNET_POOL_SIDE)
/* Fully connected weights are split by output rows into blocks of at most this many floats (64 MiB),
 * since fc6's 9216 x 4096 (144 MiB) exceeds some devices' storage-buffer range (lavapipe: 128 MiB); the
 * input images of one pass are held to the same size. */
#define FC_BLOCK_FLOATS ((size_t)1 << 24)
#define FC_MAX_BLOCKS 4

typedef struct conv_spec { const char *name; int cout, cin, k, stride, pad, pool_after; } conv_spec;
typedef struct fc_spec { const char *name; int out, in; } fc_spec;

static const conv_spec convs[ALEXNET_CONVS] = {
    {"features.0", 64, 3, 11, 4, 2, 0},   {"features.3", 192, 64, 5, 1, 2, 1}, {"features.6", 384, 192, 3, 1, 1, -1},
    {"features.8", 256, 384, 3, 1, 1, -1}, {"features.10", 256, 256, 3, 1, 1, 2},
};
static const fc_spec fcs[ALEXNET_FCS] = {
    {"classifier.1", 4096, ALEXNET_FLAT}, {"classifier.4", 4096, 4096}, {"classifier.6", 1000, 4096},
};

const char *const alexnet_layer_names[ALEXNET_LAYERS] = {"conv1", "conv2", "conv3", "conv4",
                                                         "conv5", "fc6",   "fc7",   "fc8"};
const char *const alexnet_layer_modules[ALEXNET_LAYERS] = {"features.1",   "features.4",   "features.7",
                                                           "features.9",   "features.11",  "classifier.2",
                                                           "classifier.5", "classifier.6"};

/* At 224: 55x55 (conv1), 27x27 (conv2), 13x13 (conv3..5). */
static const int layer_side[ALEXNET_CONVS] = {55, 27, 13, 13, 13};

size_t alexnet_layer_size(int layer)
{
    TENSOR_CHECK(layer >= 0 && layer < ALEXNET_LAYERS, "alexnet layer %d", layer);
    if (layer < ALEXNET_CONVS) return (size_t)convs[layer].cout * layer_side[layer] * layer_side[layer];
    return (size_t)fcs[layer - ALEXNET_CONVS].out;
}

static const float imagenet_mean[3] = {0.485f, 0.456f, 0.406f};
static const float imagenet_std[3] = {0.229f, 0.224f, 0.225f};

/* Max-pool 3x3 stride 2 from the ops there are: the 3x3 window at (2i, 2j) is the union of the 2x2
 * windows at (2i+dr, 2j+dc), dr, dc in {0, 1}, so the pool is the elementwise max of four 2x2 pools
 * of the input cropped at those offsets to 2o x 2o. The max of the four is itself a 2x2 pool: the four
 * results, viewed as [1, M, 1, 1] and concatenated along the last axis, read as [1, M, 2, 2]. */
typedef struct pool3 {
    int o;              /* output side, floor((H - 3) / 2) + 1 */
    tensor *rows;       /* [B,C,2o,H]: rows dr .. dr+2o-1 */
    tensor *crop;       /* [B,C,2o,2o] */
    tensor *q[4];       /* [B,C,o,o] */
    tensor *qv[4];      /* views [1,M,1,1], M = B*C*o*o */
    tensor *quad;       /* [1,M,1,4] */
    tensor *quadv;      /* view [1,M,2,2] */
    tensor *out;        /* [B,C,o,o] */
    tensor *outv;       /* view [1,M,1,1] */
} pool3;

typedef struct fc_layer {
    int nblocks;
    tensor *w[FC_MAX_BLOCKS], *b[FC_MAX_BLOCKS];
    tensor *y[FC_MAX_BLOCKS];   /* block outputs [B, rows]; NULL with one block (it writes pre) */
    tensor *pre;                /* [B, out] */
} fc_layer;

struct alexnet {
    compute_ctx *ctx;
    int batch, image_size;
    conv2d_params cparams[ALEXNET_CONVS];
    tensor *cw[ALEXNET_CONVS], *cb[ALEXNET_CONVS];
    tensor *cpre[ALEXNET_CONVS], *cact[ALEXNET_CONVS];
    pool3 pool[ALEXNET_POOLS];
    tensor *flat;                        /* view of pool[2].out as [B, 9216] */
    fc_layer fc[ALEXNET_FCS];
    tensor *fact[ALEXNET_FCS - 1];       /* ReLU outputs of fc6, fc7 */
    tensor *inv_std, *shift;             /* [3,1,1]: x * inv_std + shift = (x - mean) / std */
    tensor *scaled, *normalised;         /* [B,3,S,S] */
    tensor *resized;                     /* [B,3,224,224]; NULL when S == 224 */
    tensor *input;                       /* [B,3,S,S], the images of alexnet_correlations */
};

/* ---- Loading -------------------------------------------------------------------------------------- */

/* Tensor k of the 16 in file order: conv weight/bias pairs, then fc weight/bias pairs. */
static void tensor_spec(int k, char *name, size_t namelen, int *ndim, int64_t shape[4])
{
    int layer = k / 2;
    bool weight = k % 2 == 0;
    if (layer < ALEXNET_CONVS) {
        const conv_spec *c = &convs[layer];
        snprintf(name, namelen, "%s.%s", c->name, weight ? "weight" : "bias");
        *ndim = weight ? 4 : 1;
        shape[0] = c->cout;
        shape[1] = c->cin;
        shape[2] = shape[3] = c->k;
    } else {
        const fc_spec *f = &fcs[layer - ALEXNET_CONVS];
        snprintf(name, namelen, "%s.%s", f->name, weight ? "weight" : "bias");
        *ndim = weight ? 2 : 1;
        shape[0] = f->out;
        shape[1] = f->in;
    }
}

/* All 16 tensors into host float arrays, every one checked; the file buffer is gone on return. */
static int load_weights(const char *path, float *host[ALEXNET_TENSORS], char *err, size_t errlen)
{
    st_file f;
    if (st_load(path, &f, err, errlen)) return -1;
    int rc = 0;
    for (int k = 0; k < ALEXNET_TENSORS && rc == 0; k++) {
        char name[64];
        int ndim;
        int64_t shape[4];
        tensor_spec(k, name, sizeof name, &ndim, shape);
        rc = frozen_read_tensor(&f, path, "AlexNet", name, ndim, shape, &host[k], err, errlen);
    }
    st_free(&f);
    return rc;
}

/* ---- Construction --------------------------------------------------------------------------------- */

static tensor *image_tensor(compute_ctx *ctx, int n, int c, int side) { return tensor_newv(ctx, 4, n, c, side, side); }

static void pool3_init(pool3 *p, compute_ctx *ctx, int batch, int channels, int side)
{
    p->o = (side - 3) / 2 + 1;
    int m = 2 * p->o, count = batch * channels * p->o * p->o;
    p->rows = tensor_newv(ctx, 4, batch, channels, m, side);
    p->crop = image_tensor(ctx, batch, channels, m);
    for (int k = 0; k < 4; k++) {
        p->q[k] = image_tensor(ctx, batch, channels, p->o);
        p->qv[k] = tensor_viewv(p->q[k], 4, 1, count, 1, 1);
    }
    p->quad = tensor_newv(ctx, 4, 1, count, 1, 4);
    p->quadv = tensor_viewv(p->quad, 4, 1, count, 2, 2);
    p->out = image_tensor(ctx, batch, channels, p->o);
    p->outv = tensor_viewv(p->out, 4, 1, count, 1, 1);
}

static void fc_init(fc_layer *f, compute_ctx *ctx, int batch, const fc_spec *s, const float *w, const float *b)
{
    size_t rows_max = FC_BLOCK_FLOATS / (size_t)s->in;
    int nblocks = (int)(((size_t)s->out + rows_max - 1) / rows_max);
    TENSOR_CHECK(nblocks >= 1 && nblocks <= FC_MAX_BLOCKS, "%s: %d blocks", s->name, nblocks);
    int rows = (s->out + nblocks - 1) / nblocks;
    f->nblocks = nblocks;
    f->pre = tensor_newv(ctx, 2, batch, s->out);
    for (int k = 0, r0 = 0; k < nblocks; k++, r0 += rows) {
        int n = s->out - r0 < rows ? s->out - r0 : rows;
        f->w[k] = tensor_newv(ctx, 2, n, s->in);
        f->b[k] = tensor_newv(ctx, 1, n);
        tensor_write(f->w[k], w + (size_t)r0 * (size_t)s->in);
        tensor_write(f->b[k], b + r0);
        if (nblocks > 1) f->y[k] = tensor_newv(ctx, 2, batch, n);
    }
}

int alexnet_max_batch(int image_size)
{
    if (image_size < 1 || image_size > 4096) return 0;
    size_t per = (size_t)3 * (size_t)image_size * (size_t)image_size, most = FC_BLOCK_FLOATS / per;
    return most < ALEXNET_MAX_BATCH ? (int)most : ALEXNET_MAX_BATCH;
}

alexnet *alexnet_new(compute_ctx *ctx, const char *path, int batch, int image_size, char *err, size_t errlen)
{
    int most = alexnet_max_batch(image_size);
    if (batch < 1 || batch > most) {
        snprintf(err, errlen, "AlexNet: batch %d for images of %dx%d (need 1..%d%s)", batch, image_size, image_size,
                 most, most ? "" : ": images of that size are not supported");
        return NULL;
    }
    float *host[ALEXNET_TENSORS] = {0};
    alexnet *a = NULL;
    if (load_weights(path, host, err, errlen) == 0) {
        a = calloc(1, sizeof *a);
        TENSOR_CHECK(a != NULL, "out of memory");
        a->ctx = ctx;
        a->batch = batch;
        a->image_size = image_size;
        int side = ALEXNET_INPUT_SIZE;
        for (int i = 0; i < ALEXNET_CONVS; i++) {
            const conv_spec *c = &convs[i];
            a->cparams[i] = conv2d_params_make(c->stride, c->pad, 1);
            side = conv2d_out_size(side, c->k, c->stride, c->pad, c->pad);
            TENSOR_CHECK(side == layer_side[i], "AlexNet conv%d: side %d", i + 1, side);
            a->cw[i] = tensor_newv(ctx, 4, c->cout, c->cin, c->k, c->k);
            a->cb[i] = tensor_newv(ctx, 1, c->cout);
            tensor_write(a->cw[i], host[2 * i]);
            tensor_write(a->cb[i], host[2 * i + 1]);
            free(host[2 * i]);
            free(host[2 * i + 1]);
            host[2 * i] = host[2 * i + 1] = NULL;
            a->cpre[i] = image_tensor(ctx, batch, c->cout, side);
            a->cact[i] = image_tensor(ctx, batch, c->cout, side);
            if (c->pool_after >= 0) {
                pool3 *p = &a->pool[c->pool_after];
                pool3_init(p, ctx, batch, c->cout, side);
                side = p->o;
            }
        }
        TENSOR_CHECK(side == ALEXNET_POOL_SIDE, "AlexNet features end at %dx%d", side, side);
        a->flat = tensor_viewv(a->pool[ALEXNET_POOLS - 1].out, 2, batch, ALEXNET_FLAT);
        for (int j = 0; j < ALEXNET_FCS; j++) {
            int k = 2 * (ALEXNET_CONVS + j);
            fc_init(&a->fc[j], ctx, batch, &fcs[j], host[k], host[k + 1]);
            free(host[k]);
            free(host[k + 1]);
            host[k] = host[k + 1] = NULL;
            if (j + 1 < ALEXNET_FCS) a->fact[j] = tensor_new_like(a->fc[j].pre);
        }
        float inv_std[3], shift[3];
        for (int c = 0; c < 3; c++) {
            inv_std[c] = 1.0f / imagenet_std[c];
            shift[c] = -imagenet_mean[c] / imagenet_std[c];
        }
        a->inv_std = tensor_newv(ctx, 3, 3, 1, 1);
        a->shift = tensor_newv(ctx, 3, 3, 1, 1);
        tensor_write(a->inv_std, inv_std);
        tensor_write(a->shift, shift);
        a->scaled = image_tensor(ctx, batch, 3, image_size);
        a->normalised = image_tensor(ctx, batch, 3, image_size);
        a->input = image_tensor(ctx, batch, 3, image_size);
        if (image_size != ALEXNET_INPUT_SIZE) a->resized = image_tensor(ctx, batch, 3, ALEXNET_INPUT_SIZE);
    }
    for (int k = 0; k < ALEXNET_TENSORS; k++) free(host[k]);
    return a;
}

/* ---- Forward -------------------------------------------------------------------------------------- */

static void pool3_forward(pool3 *p, const tensor *x)
{
    for (int dr = 0; dr < 2; dr++) {
        op_slice_forward(x, p->rows, 2, dr);
        for (int dc = 0; dc < 2; dc++) {
            op_slice_forward(p->rows, p->crop, 3, dc);
            op_maxpool2x2_forward(p->crop, p->q[2 * dr + dc]);
        }
    }
    op_concat_forward((const tensor *const *)p->qv, 4, p->quad, 3);
    op_maxpool2x2_forward(p->quadv, p->outv);
}

static void fc_forward(fc_layer *f, const tensor *x)
{
    if (f->nblocks == 1) {
        op_linear_forward(x, f->w[0], f->b[0], f->pre);
        return;
    }
    for (int k = 0; k < f->nblocks; k++) op_linear_forward(x, f->w[k], f->b[k], f->y[k]);
    op_concat_forward((const tensor *const *)f->y, f->nblocks, f->pre, 1);
}

void alexnet_forward(alexnet *a, const tensor *images)
{
    TENSOR_CHECK(images && tensor_same_shape(images, a->scaled), "alexnet_forward: images are not [%d,3,%d,%d]",
                 a->batch, a->image_size, a->image_size);
    /* (x - mean) / std, then the resize: the normalisation is per channel and affine and bilinear
     * weights sum to one, so this order equals PyTorch's resize-then-normalise (up to rounding). */
    op_mul_forward(images, a->inv_std, a->scaled);
    op_add_forward(a->scaled, a->shift, a->normalised);
    const tensor *x = a->normalised;
    if (a->resized) {
        op_resize_bilinear_forward(a->normalised, a->resized);
        x = a->resized;
    }
    for (int i = 0; i < ALEXNET_CONVS; i++) {
        op_conv2d_forward(x, a->cw[i], a->cb[i], a->cpre[i], &a->cparams[i]);
        op_relu_forward(a->cpre[i], a->cact[i]);
        x = a->cact[i];
        if (convs[i].pool_after >= 0) {
            pool3 *p = &a->pool[convs[i].pool_after];
            pool3_forward(p, x);
            x = p->out;
        }
    }
    /* avgpool: adaptive 6x6 of a 6x6 map is the identity; dropout is off in eval mode. */
    x = a->flat;
    for (int j = 0; j < ALEXNET_FCS; j++) {
        fc_forward(&a->fc[j], x);
        if (j + 1 < ALEXNET_FCS) {
            op_relu_forward(a->fc[j].pre, a->fact[j]);
            x = a->fact[j];
        }
    }
}

const tensor *alexnet_activation(const alexnet *a, int layer)
{
    TENSOR_CHECK(layer >= 0 && layer < ALEXNET_LAYERS, "alexnet layer %d", layer);
    if (layer < ALEXNET_CONVS) return a->cact[layer];
    if (layer < ALEXNET_LAYERS - 1) return a->fact[layer - ALEXNET_CONVS];
    return a->fc[ALEXNET_FCS - 1].pre;   /* fc8: the logits */
}

/* ---- Correlations --------------------------------------------------------------------------------- */

int alexnet_correlations(alexnet *a, const float *recon, const float *stim, int n, double r[ALEXNET_LAYERS],
                         char *err, size_t errlen)
{
    if (a->batch < 2 || n < 1) {
        snprintf(err, errlen, "AlexNet correlations: batch %d, %d images (need a batch of at least 2)", a->batch, n);
        return -1;
    }
    int pairs = a->batch / 2;
    size_t img = (size_t)3 * a->image_size * a->image_size, most = 0;
    for (int l = 0; l < ALEXNET_LAYERS; l++)
        if (alexnet_layer_size(l) > most) most = alexnet_layer_size(l);
    float *in = calloc((size_t)a->batch * img, sizeof *in);
    float *feat = malloc((size_t)a->batch * most * sizeof *feat);
    if (!in || !feat) {
        free(in);
        free(feat);
        snprintf(err, errlen, "AlexNet correlations: out of memory");
        return -1;
    }
    metrics_pearson_acc acc[ALEXNET_LAYERS];
    memset(acc, 0, sizeof acc);
    int rc = 0;
    /* Each pass: stimuli start..start+k-1 in rows 0..k-1, their reconstructions in rows pairs..pairs+k-1;
     * the rows of a short last pass that hold nothing are zero and ignored. */
    for (int start = 0; start < n && rc == 0; start += pairs) {
        int k = n - start < pairs ? n - start : pairs;
        if (k < pairs) memset(in, 0, (size_t)a->batch * img * sizeof *in);
        memcpy(in, stim + (size_t)start * img, (size_t)k * img * sizeof *in);
        memcpy(in + (size_t)pairs * img, recon + (size_t)start * img, (size_t)k * img * sizeof *in);
        tensor_write(a->input, in);
        alexnet_forward(a, a->input);
        for (int l = 0; l < ALEXNET_LAYERS; l++) {
            size_t per = alexnet_layer_size(l), used = (size_t)k * per;
            tensor_read(alexnet_activation(a, l), feat);
            const float *fs = feat, *fr = feat + (size_t)pairs * per;
            for (size_t i = 0; i < used; i++)
                if (!isfinite(fs[i]) || !isfinite(fr[i])) {
                    snprintf(err, errlen, "AlexNet layer %s: non-finite activation for test image %zu",
                             alexnet_layer_names[l], (size_t)start + i / per);
                    rc = -1;
                    break;
                }
            if (rc) break;
            metrics_pearson_add(&acc[l], fs, fr, used);
        }
    }
    for (int l = 0; l < ALEXNET_LAYERS; l++) r[l] = rc ? NAN : metrics_pearson_value(&acc[l]);
    free(in);
    free(feat);
    return rc;
}

/* ---- Bookkeeping ---------------------------------------------------------------------------------- */

#define ALEXNET_MAX_OWNED (4 * ALEXNET_CONVS + ALEXNET_POOLS * 8 + ALEXNET_FCS * (3 * FC_MAX_BLOCKS + 1) + 16)

/* Tensors with their own storage (views excluded). */
static int owned_tensors(const alexnet *a, tensor **list)
{
    int n = 0;
    for (int i = 0; i < ALEXNET_CONVS; i++) {
        list[n++] = a->cw[i];
        list[n++] = a->cb[i];
        list[n++] = a->cpre[i];
        list[n++] = a->cact[i];
    }
    for (int k = 0; k < ALEXNET_POOLS; k++) {
        const pool3 *p = &a->pool[k];
        list[n++] = p->rows;
        list[n++] = p->crop;
        for (int q = 0; q < 4; q++) list[n++] = p->q[q];
        list[n++] = p->quad;
        list[n++] = p->out;
    }
    for (int j = 0; j < ALEXNET_FCS; j++) {
        const fc_layer *f = &a->fc[j];
        for (int k = 0; k < f->nblocks; k++) {
            list[n++] = f->w[k];
            list[n++] = f->b[k];
            list[n++] = f->y[k];
        }
        list[n++] = f->pre;
    }
    tensor *rest[] = {a->fact[0], a->fact[1], a->inv_std, a->shift, a->scaled, a->normalised, a->resized, a->input};
    for (size_t k = 0; k < sizeof rest / sizeof rest[0]; k++) list[n++] = rest[k];
    return n;
}

size_t alexnet_device_bytes(const alexnet *a)
{
    tensor *list[ALEXNET_MAX_OWNED];
    int n = owned_tensors(a, list);
    size_t bytes = 0;
    for (int k = 0; k < n; k++)
        if (list[k]) bytes += list[k]->numel * sizeof(float);
    return bytes;
}

void alexnet_free(alexnet *a)
{
    if (!a) return;
    /* Views first: they must go before the tensors they look at. */
    for (int k = 0; k < ALEXNET_POOLS; k++) {
        pool3 *p = &a->pool[k];
        for (int q = 0; q < 4; q++)
            if (p->qv[q]) tensor_free(p->qv[q]);
        if (p->quadv) tensor_free(p->quadv);
        if (p->outv) tensor_free(p->outv);
    }
    if (a->flat) tensor_free(a->flat);
    tensor *list[ALEXNET_MAX_OWNED];
    int n = owned_tensors(a, list);
    for (int k = 0; k < n; k++)
        if (list[k]) tensor_free(list[k]);
    free(a);
}
