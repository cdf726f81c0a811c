/* Convolution and BatchNorm layers: parameters registered in a param_set under their PyTorch names,
 * forward/backward over caller-owned activation tensors. */
#ifndef IRFA_MODEL_LAYERS_H
#define IRFA_MODEL_LAYERS_H

#include <stdbool.h>

#include "model/params.h"

typedef enum { INIT_PYTORCH_DEFAULT, INIT_KAIMING_FAN_OUT } layer_init;

typedef struct conv_layer {
    param *w, *b;            /* b NULL without bias */
    conv2d_params p;
    bool transpose;
    int cin, cout, k;
} conv_layer;

/* name: state_dict prefix such as "generator.layers.0" (".weight"/".bias" are appended). */
void conv_layer_init(conv_layer *l, param_set *ps, const char *name, int cin, int cout, int k, conv2d_params p,
                     bool bias, bool transpose);
void conv_layer_reset(conv_layer *l, irfa_rng *rng, layer_init how);
void conv_layer_forward(const conv_layer *l, const tensor *x, tensor *y);
/* Writes the weight (and bias) gradients; dx may be NULL. */
void conv_layer_backward(const conv_layer *l, const tensor *x, const tensor *dy, tensor *dx);
/* Only the input gradient (the parameters are not being trained in this pass). */
void conv_layer_backward_input(const conv_layer *l, const tensor *x, const tensor *dy, tensor *dx);
int conv_layer_out_size(const conv_layer *l, int in);

typedef struct bn_layer {
    param *gamma, *beta;
    tensor *running_mean, *running_var;
    tensor *save_mean, *save_invstd;
    int64_t num_batches_tracked;
    int channels;
} bn_layer;

void bn_layer_init(bn_layer *l, param_set *ps, const char *name, int channels);
void bn_layer_reset(bn_layer *l, irfa_rng *rng, layer_init how);
void bn_layer_forward(bn_layer *l, const tensor *x, tensor *y, bool training);
void bn_layer_backward(bn_layer *l, const tensor *x, const tensor *dy, tensor *dx, bool training);
void bn_layer_backward_input(bn_layer *l, const tensor *x, const tensor *dy, tensor *dx, bool training);
void bn_layer_free(bn_layer *l);

/* PyTorch's default init of Linear/Conv weights and biases: U(-1/sqrt(fan_in), 1/sqrt(fan_in)). */
void init_pytorch_default(tensor *w, tensor *b, int fan_in, irfa_rng *rng);

#endif
