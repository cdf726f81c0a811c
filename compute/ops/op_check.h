/* Argument checks shared by the op dispatch files: each failure aborts through TENSOR_CHECK with
 * the op's name and the offending shapes, because a wrong shape is a programming error. */
#ifndef IRFA_OPS_OP_CHECK_H
#define IRFA_OPS_OP_CHECK_H

#include "compute/tensor.h"

/* A printable shape that lives until the end of the full expression: SHAPE(t) in a format arg. */
typedef struct shape_text { char s[96]; } shape_text;
shape_text shape_text_of(const tensor *t);
#define SHAPE(t) (shape_text_of(t).s)

/* t must be non-NULL (named `name` in the message). */
void op_check_present(const char *op, const char *name, const tensor *t);
/* t (when non-NULL) must live on ctx. */
void op_check_ctx(const char *op, const char *name, const tensor *t, const compute_ctx *ctx);
/* t (when non-NULL) must have exactly ref's shape. */
void op_check_same_shape(const char *op, const char *name, const tensor *t,
                         const char *ref_name, const tensor *ref);
/* t (when non-NULL) must be 1-d of length n. */
void op_check_vector(const char *op, const char *name, const tensor *t, int n);
/* The gradient outputs of a convolution backward (each may be NULL): dx like x, dw like w, db of
 * n_bias elements, all on x's context. */
void op_check_conv_grads(const char *op, const tensor *x, const tensor *w, const tensor *dx, const tensor *dw,
                         const tensor *db, int n_bias);
/* t (when non-NULL) must hold exactly n elements. */
void op_check_numel(const char *op, const char *name, const tensor *t, size_t n);

#endif
