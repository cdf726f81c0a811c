/* The VGG19 perceptual loss of the IRFA generator (science.md 2.6): the mean over five cut points of
 * torchvision's VGG19 `features` of the L1 between the features of y_hat and y, with the gradient
 * w.r.t. y_hat. The network is frozen: no weight gradients, and y gets no gradient. Every activation
 * is allocated by vgg19_loss_new, so a captured Vulkan step can include vgg19_loss_forward_backward. */
#ifndef IRFA_MODEL_VGG19_H
#define IRFA_MODEL_VGG19_H

#include <stddef.h>

#include "compute/tensor.h"

typedef struct vgg19_loss vgg19_loss;

/* Loads torchvision VGG19 `features.N.weight` / `features.N.bias` (N = conv indices up to 34) from a
 * safetensors file; other tensors in the file (classifier.*) are ignored. Returns NULL with err naming the
 * file and the first missing or misshapen tensor. batch: images per call; image_size: the input side (the
 * model grid, e.g. 64); resize: the side images are bilinearly resized to before the network (224 in the
 * paper; settable since 224 costs about 20 GFLOP per image). */
vgg19_loss *vgg19_loss_new(compute_ctx *ctx, const char *path, int batch, int image_size, int resize,
                           char *err, size_t errlen);

/* loss_out[1] = mean over the cut points features[:8], [:15], [:22], [:29], [:35] (outputs of conv2_2,
 * conv3_3, conv4_2, conv5_1, conv5_4 before their ReLU) of L1(features(y_hat), features(y)), after resize
 * (align_corners=false) and ImageNet normalisation (mean .485 .456 .406, std .229 .224 .225).
 * dy_hat (same shape as y_hat, [N,3,S,S]) is OVERWRITTEN with dloss[0] * d(loss)/d(y_hat); no gradient
 * flows to y or to the VGG weights (frozen). dloss: a 1-element device tensor (the loss weight). */
void vgg19_loss_forward_backward(vgg19_loss *v, const tensor *y_hat, const tensor *y, const tensor *dloss,
                                 tensor *loss_out, tensor *dy_hat);

/* Bytes of device memory held by v's tensors (weights and activations), for reports. */
size_t vgg19_loss_device_bytes(const vgg19_loss *v);

void vgg19_loss_free(vgg19_loss *v);

#endif
