/* The IRFA attention extractor (science.md 2.1-2.3): multi-head embedding M, positional encoding P
 * and transpose attention T with its attention tensor w (N, h, c, i, i).
 *
 * P is never materialised. The key and value convolutions are grouped 1x1 convs over P, and P is a
 * sum of a per-sample term (M) and per-position terms (Px along x for the first c/2 channels, Py along
 * y for the rest), so for each head j and output channel o
 *   K[n,j,o,y,x] = a[n,j,o] + X[j,o,x] + Y[j,o,y]
 *   a = (W1 + W2) M + b,  X = W1 Px,  Y = W2 Py   (W1, W2: the first and second half of the weight's
 * input channels). This is exact and replaces an (h c) x (h c) x i^2 conv by small products. The
 * scores, softmax and mix then run as one op on these parts (op_separable_attention_*), which never
 * holds K, V, S or w: training keeps nothing of size N h c i^2. */
#ifndef IRFA_MODEL_IRFA_ATTENTION_H
#define IRFA_MODEL_IRFA_ATTENTION_H

#include "model/layers.h"

#define IRFA_MAX_HEADS 64

/* One of the two grouped 1x1 convs (key or value) in separable form. */
typedef struct irfa_kv {
    param *w, *b;                        /* w [h*c, c], b [h*c] */
    tensor *w1, *w2, *wsum, *prod, *a, *a2, *x, *y;   /* a2 [N,h,c], x [h,c,i], y [h,c,i]: the op's parts */
    tensor *dx, *dy, *da2, *dprod, *dwsum, *dw1a, *dw2a, *dw1, *dw2, *dm, *dpx, *dpy;
} irfa_kv;

typedef struct irfa_attention {
    int batch, heads, c, grid, kernel;
    int electrodes[IRFA_MAX_HEADS];
    bool training_buffers;
    /* parameters */
    param *lin_w[IRFA_MAX_HEADS], *lin_b[IRFA_MAX_HEADS];
    bn_layer bn;                          /* BatchNorm1d over all heads' c/2 channels at once */
    param *px, *py;                       /* stored transposed: [i, c/2] */
    irfa_kv key, value;
    param *ws, *bs;                       /* score conv [c, c, k, k], [c]; bs cancels in the softmax (its
                                           * gradient is zero) but is kept for the checkpoints */
    float score_scale;                    /* 1/sqrt(c k k) */
    /* inputs: per-head responses, host-visible so a captured step can be replayed */
    tensor *input[IRFA_MAX_HEADS];        /* [N, n_j] */
    /* activations */
    tensor *e[IRFA_MAX_HEADS], *e_all, *e_bn, *m;
    tensor *t;                            /* [N, c, i, i] */
    tensor *w;                            /* [N, h, c, i, i] attention, only after irfa_attention_keep_w */
    /* gradients */
    tensor *dm, *de_bn, *de_all, *de[IRFA_MAX_HEADS];
} irfa_attention;

void irfa_attention_init(irfa_attention *a, param_set *ps, int batch, int heads, const int *electrodes, int c,
                         int grid, int kernel, bool training_buffers);
void irfa_attention_reset(irfa_attention *a, irfa_rng *rng);
/* Allocates a->w, so that forward passes with want_w fill it (N h c i^2 floats: for the IRF outputs,
 * never needed for training). */
void irfa_attention_keep_w(irfa_attention *a);
/* Uses a->input[]; fills a->t, and a->w when want_w (after irfa_attention_keep_w). */
void irfa_attention_forward(irfa_attention *a, bool training, bool want_w);
/* dt: gradient w.r.t. a->t. Writes every parameter gradient. */
void irfa_attention_backward(irfa_attention *a, const tensor *dt, bool training);
void irfa_attention_free(irfa_attention *a);

#endif
