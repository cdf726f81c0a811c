/* The table of op runners: how each op of compute/ops.h is run from named host arrays, which of
 * its inputs have gradients, and how to draw inputs that are safe for finite differences. */
#ifndef IRFA_TESTS_OP_REGISTRY_H
#define IRFA_TESTS_OP_REGISTRY_H

#include "tests/ops/op_test.h"

/* grads: bit i set = compute the i-th gradient of the op's `grads` list; 0 = forward only. */
#define OT_ALL_GRADS 0xffu
typedef void (*ot_run_fn)(compute_ctx *ctx, const cJSON *params, const ot_set *in, ot_set *out,
                          unsigned grads);

typedef struct ot_grad_pair {
    const char *input;   /* differentiated input, e.g. "x" */
    const char *grad;    /* its gradient output, e.g. "dx" */
} ot_grad_pair;

#define OT_MAX_GRADS 8
typedef struct ot_op {
    const char *op;          /* "op" in the golden index.json */
    const char *family;      /* ctest family: ops_<family>_<backend> */
    ot_run_fn run;
    const char *fd_output;   /* output differentiated through L = sum(out * r); NULL: no backward */
    const char *upstream;    /* the input that carries r into the backward (dy or dloss) */
    ot_grad_pair grads[OT_MAX_GRADS];   /* in bit order; an input absent from a case is skipped */
    /* Moves inputs away from kinks (relu at 0, maxpool ties, |pred - target| = 0) so that central
     * differences with step eps see one smooth piece. NULL: the op is smooth. */
    void (*make_fd_safe)(ot_set *in, ot_rng *r, float eps);
    /* concat: a piece's offset along the axis is only known from the sizes of the non-NULL pieces
     * around it, so a middle piece is not requested alone (its neighbours both NULL). */
    bool alone_only_at_ends;
    /* Fresh random inputs for the CPU-vs-Vulkan comparison. NULL: N(0,1) for every input. */
    void (*randomize)(ot_set *in, ot_rng *r);
} ot_op;

const ot_op *ot_find_op(const char *op);
/* All registered ops, NULL-terminated. */
const ot_op *const *ot_all_ops(void);

/* Per-family runner tables (runners_*.c). */
extern const ot_op ot_op_linear, ot_op_conv2d, ot_op_conv_transpose2d, ot_op_batchnorm;
extern const ot_op ot_op_relu, ot_op_leaky_relu, ot_op_sigmoid, ot_op_softmax;
extern const ot_op ot_op_add, ot_op_mul, ot_op_scale, ot_op_sum, ot_op_mean;
extern const ot_op ot_op_concat, ot_op_slice, ot_op_resize_bilinear, ot_op_maxpool2x2;
extern const ot_op ot_op_l1_loss, ot_op_bce_logits, ot_op_adam, ot_op_separable_attention;

#endif
