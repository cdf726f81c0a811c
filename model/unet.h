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
    /* activations; the activation functions run in place (their backward reads the sign of the output,
     * which is the sign of the input), so a1 holds BN(c1) then LeakyReLU of it, out the concat then ReLU */
    tensor *c1, *a1, *t, *b2, *out;
    /* gradients; dout becomes the concat's gradient and da1 BN's output gradient in place */
    tensor *dout, *dx_skip, *db2, *dt, *da1, *dc1, *dx_conv, *dx;
} unet_level;

typedef struct unet {
    int batch, in_channels, size;
    conv_layer first, last;
    unet_level levels[UNET_LEVELS];
    tensor *h0, *o, *y;                 /* h0: first conv, then LeakyReLU in place; y: the reconstruction */
    tensor *do_, *dx;                   /* dx: gradient w.r.t. the input */
} unet;

void unet_init(unet *g, param_set *ps, int batch, int in_channels, int size);
void unet_reset(unet *g, irfa_rng *rng);
void unet_forward(unet *g, const tensor *x, bool training);
/* dy: gradient w.r.t. g->y. Writes all parameter gradients and g->dx. */
void unet_backward(unet *g, const tensor *x, const tensor *dy, bool training);
void unet_free(unet *g);

#endif
