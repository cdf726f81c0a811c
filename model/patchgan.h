/* The conditional PatchGAN discriminator (science.md 2.5) on cat(T, image): it returns logits
 * (the public code's sigmoid before BCE-with-logits is a bug we do not copy). */
#ifndef IRFA_MODEL_PATCHGAN_H
#define IRFA_MODEL_PATCHGAN_H

#include "model/layers.h"

#define PATCHGAN_LAYERS 5

typedef struct patchgan {
    int batch, in_channels, size;
    conv_layer conv[PATCHGAN_LAYERS];
    bn_layer bn[PATCHGAN_LAYERS];        /* layers 1..3 */
    tensor *pre[PATCHGAN_LAYERS];        /* conv outputs */
    tensor *norm[PATCHGAN_LAYERS];       /* BN outputs (layers 1..3) */
    /* LeakyReLU outputs (layers 0..3), computed in place: act[i] is norm[i] (or pre[0]), not a buffer of
     * its own (LeakyReLU's backward needs only the sign, which the output keeps) */
    tensor *act[PATCHGAN_LAYERS];
    /* gradients w.r.t. act[i]; LeakyReLU's backward runs in place on them, so for layers 1..3 they then
     * hold the gradient w.r.t. norm[i], and for layer 0 the one w.r.t. pre[0] (dpre[0] is dact[0]) */
    tensor *dact[PATCHGAN_LAYERS], *dpre[PATCHGAN_LAYERS];
    tensor *logits;                      /* = pre[4] */
    tensor *dx;                          /* gradient w.r.t. the input */
} patchgan;

void patchgan_init(patchgan *d, param_set *ps, int batch, int in_channels, int size);
void patchgan_reset(patchgan *d, irfa_rng *rng);
/* Always in training mode, as the public code leaves it (batch statistics, running stats updated). */
void patchgan_forward(patchgan *d, const tensor *x);
/* dlogits -> d->dx; with param_grads also every parameter's gradient. */
void patchgan_backward(patchgan *d, const tensor *x, const tensor *dlogits, bool param_grads);
void patchgan_free(patchgan *d);

#endif
