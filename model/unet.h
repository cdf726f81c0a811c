/* The pix2pix U-Net generator of the public IRFA code (science.md 2.4): Conv(c->64, s2) + LeakyReLU,
 * nested Skip blocks 64 -> 128 -> 256 -> 512 -> 512 with an identity at the bottom, then
 * ConvTranspose(128->3, s2) + Sigmoid. Each Skip returns ReLU(cat(x, BN(ConvT(inner(LReLU(BN(Conv(x)))))))). */
#ifndef IRFA_MODEL_UNET_H
#define IRFA_MODEL_UNET_H

#include "model/layers.h"

#define UNET_LEVELS 4

typedef struct unet_level {
    conv_layer down, up;
    bn_layer bn_down, bn_up;
    int depth, inner_depth, inner_count;
    /* activations */
    tensor *c1, *b1, *a1, *t, *b2, *cat, *out;
    /* gradients */
    tensor *dout, *dcat, *dx_skip, *db2, *dt, *da1, *db1, *dc1, *dx_conv, *dx;
} unet_level;

typedef struct unet {
    int batch, in_channels, size;
    conv_layer first, last;
    unet_level levels[UNET_LEVELS];
    tensor *h0, *h1, *o, *y;            /* y: the reconstruction in [0,1] */
    tensor *dh0, *do_, *dx;             /* dx: gradient w.r.t. the input */
} unet;

void unet_init(unet *g, param_set *ps, int batch, int in_channels, int size);
void unet_reset(unet *g, irfa_rng *rng);
void unet_forward(unet *g, const tensor *x, bool training);
/* dy: gradient w.r.t. g->y. Writes all parameter gradients and g->dx. */
void unet_backward(unet *g, const tensor *x, const tensor *dy, bool training);
void unet_free(unet *g);

#endif
