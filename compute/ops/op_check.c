#include "compute/ops/op_check.h"

shape_text shape_text_of(const tensor *t)
{
    shape_text r;
    if (!t) { r.s[0] = '\0'; return r; }
    tensor_shape_str(t, r.s, sizeof r.s);
    return r;
}

void op_check_present(const char *op, const char *name, const tensor *t)
{
    TENSOR_CHECK(t != NULL, "%s: %s is NULL", op, name);
}

void op_check_ctx(const char *op, const char *name, const tensor *t, const compute_ctx *ctx)
{
    if (!t) return;
    TENSOR_CHECK(t->ctx == ctx, "%s: %s lives on another compute context", op, name);
}

void op_check_same_shape(const char *op, const char *name, const tensor *t,
                         const char *ref_name, const tensor *ref)
{
    if (!t) return;
    TENSOR_CHECK(tensor_same_shape(t, ref), "%s: %s is %s but %s is %s", op, name, SHAPE(t),
                 ref_name, SHAPE(ref));
}

void op_check_vector(const char *op, const char *name, const tensor *t, int n)
{
    if (!t) return;
    TENSOR_CHECK(t->ndim == 1 && t->shape[0] == n, "%s: %s is %s, expected %d", op, name, SHAPE(t), n);
}

void op_check_numel(const char *op, const char *name, const tensor *t, size_t n)
{
    if (!t) return;
    TENSOR_CHECK(t->numel == n, "%s: %s is %s (%zu elements), expected %zu elements", op, name,
                 SHAPE(t), t->numel, n);
}

void op_check_conv_grads(const char *op, const tensor *x, const tensor *w, const tensor *dx, const tensor *dw,
                         const tensor *db, int n_bias)
{
    op_check_ctx(op, "dx", dx, x->ctx);
    op_check_ctx(op, "dw", dw, x->ctx);
    op_check_ctx(op, "db", db, x->ctx);
    op_check_same_shape(op, "dx", dx, "x", x);
    op_check_same_shape(op, "dw", dw, "w", w);
    op_check_vector(op, "db", db, n_bias);
}
