/* Trainable parameters (value, gradient, Adam moments) and the checkpoint entries that map PyTorch
 * state_dict names onto our tensors (which may store a parameter transposed, or several PyTorch
 * tensors as slices of one). */
#ifndef IRFA_MODEL_PARAMS_H
#define IRFA_MODEL_PARAMS_H

#include <stdint.h>

#include "compute/ops.h"

typedef struct param {
    tensor *value, *grad, *adam_m, *adam_v;
} param;

typedef enum { CKPT_COPY, CKPT_TRANSPOSE, CKPT_COUNTER } ckpt_layout;

typedef struct ckpt_entry {
    char name[128];
    int ndim;
    int64_t shape[6];        /* shape in the checkpoint (PyTorch) */
    ckpt_layout layout;
    tensor *t;               /* CKPT_COPY: numel(shape) floats at offset; CKPT_TRANSPOSE: t is [cols, rows]
                                of the checkpoint's 2-D [rows, cols] (leading 1-dims ignored) */
    size_t offset;
    int64_t *counter;        /* CKPT_COUNTER: int64 scalar (BatchNorm num_batches_tracked) */
} ckpt_entry;

typedef struct param_set {
    compute_ctx *ctx;
    param **params;          /* each allocated separately: callers keep the pointers */
    int nparams, capparams;
    ckpt_entry *entries;
    int nentries, capentries;
} param_set;

void param_set_init(param_set *ps, compute_ctx *ctx);
void param_set_free(param_set *ps);
/* A trainable tensor with gradient and Adam state. */
param *param_add(param_set *ps, int ndim, const int *shape);
/* Checkpoint entries. shape: the PyTorch shape (ndim 0 = scalar). */
void ckpt_add(param_set *ps, const char *name, int ndim, const int64_t *shape, tensor *t, size_t offset,
              ckpt_layout layout);
void ckpt_add_counter(param_set *ps, const char *name, int64_t *counter);
/* Zero all Adam moments. */
void param_set_reset_adam(param_set *ps);
/* One Adam step on every parameter (hyper: see op_adam_step). */
void param_set_adam_step(param_set *ps, const tensor *hyper);

/* Adam hyperparameters held in a host-visible tensor. */
typedef struct adam_state {
    tensor *hyper;
    float lr, beta1, beta2, eps, weight_decay;
    int64_t step;
} adam_state;
void adam_state_init(adam_state *a, compute_ctx *ctx, float lr, float beta1, float beta2);
/* Advance the step counter and upload the hyperparameters (call before each optimiser step). */
void adam_state_advance(adam_state *a);
void adam_state_free(adam_state *a);

#endif
