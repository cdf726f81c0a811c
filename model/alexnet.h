/* torchvision's AlexNet, frozen, forward only: the network behind the AlexNet feature correlations of
 * `irfa evaluate --alexnet` (science.md section 6; the layer choice is in docs/metrics.md).
 *
 * Layout (torchvision.models.alexnet; names of the safetensors tensors in brackets):
 *   features: conv 11x11 stride 4 pad 2 -> 64 [features.0], ReLU, max-pool 3 stride 2,
 *             conv 5x5 pad 2 -> 192 [features.3], ReLU, pool, conv 3x3 pad 1 -> 384 [features.6], ReLU,
 *             conv -> 256 [features.8], ReLU, conv -> 256 [features.10], ReLU, pool
 *   avgpool:  adaptive average pool to 6x6 (the identity here: the input is always 224 x 224)
 *   classifier: dropout (off), fc 9216 -> 4096 [classifier.1], ReLU, dropout (off),
 *             fc 4096 -> 4096 [classifier.4], ReLU, fc 4096 -> 1000 [classifier.6]
 * Images are bilinearly resized to 224 x 224 (align_corners = false, no antialiasing, as
 * torch.nn.functional.interpolate) and ImageNet-normalised before the network. Built from the ops of
 * compute/ops.h only, so it runs on every backend. */
#ifndef IRFA_MODEL_ALEXNET_H
#define IRFA_MODEL_ALEXNET_H

#include <stddef.h>

#include "compute/tensor.h"

#define ALEXNET_LAYERS 8          /* conv1..conv5, fc6..fc8 */
#define ALEXNET_INPUT_SIZE 224
#define ALEXNET_MAX_BATCH 64      /* images per pass; keeps every activation under 64 MiB */

/* "conv1" .. "fc8" */
extern const char *const alexnet_layer_names[ALEXNET_LAYERS];
/* The torchvision module whose output each layer's activation is: "features.1" (conv1's ReLU), ...,
 * "classifier.6" (fc8, the logits). */
extern const char *const alexnet_layer_modules[ALEXNET_LAYERS];
/* Elements of one image's activation of each layer (193600 for conv1, ..., 1000 for fc8). */
size_t alexnet_layer_size(int layer);

typedef struct alexnet alexnet;

/* Loads torchvision AlexNet weights (features.{0,3,6,8,10}.weight/bias, classifier.{1,4,6}.weight/bias;
 * F32, F64, F16 or BF16; other tensors are ignored) from a safetensors file. The whole file is checked
 * before anything is allocated on the device: returns NULL with err naming the file and the first
 * missing, misshapen, non-float or non-finite tensor. batch: images per forward pass,
 * 1..alexnet_max_batch(image_size); image_size: the side S of the input images. */
alexnet *alexnet_new(compute_ctx *ctx, const char *path, int batch, int image_size, char *err, size_t errlen);

/* Runs the network on images [batch,3,S,S] (RGB in [0,1]) on a's context. Afterwards
 * alexnet_activation(a, l) holds layer l's activation, [batch, ...] (alexnet_layer_size(l) per image). */
void alexnet_forward(alexnet *a, const tensor *images);
const tensor *alexnet_activation(const alexnet *a, int layer);

/* Per layer, the Pearson r over the flattened activations of all n stimuli against those of all n
 * reconstructions (3 x S x S host images each, in the same order), accumulated pass by pass in double
 * precision (metrics_pearson_acc), so memory stays bounded by the batch. Each pass runs batch/2
 * stimuli and their reconstructions (batch must be at least 2). r is 0 for a layer whose activations
 * are constant over all stimuli or all reconstructions. Returns 0, or -1 with err filled (out of
 * memory; non-finite activations). */
int alexnet_correlations(alexnet *a, const float *recon, const float *stim, int n, double r[ALEXNET_LAYERS],
                         char *err, size_t errlen);

/* Bytes of device memory held by a's tensors (weights and activations). */
size_t alexnet_device_bytes(const alexnet *a);
/* The largest batch for inputs of side S: ALEXNET_MAX_BATCH, or fewer where batch x 3 x S x S would
 * exceed 64 MiB of floats (0 when even one image would). */
int alexnet_max_batch(int image_size);

void alexnet_free(alexnet *a);

#endif
