/* Linear: shape checks and backend dispatch. */
#include "compute/cpu/cpu_ops.h"
#include "compute/ops/op_check.h"
#include "compute/vulkan/vk_ops.h"

/* x[N,in], w[out,in], b[out] or NULL, y[N,out]. */
static void check_linear(const char *op, const tensor *x, const tensor *w, const tensor *b,
                         const tensor *y, const char *yname)
{
    op_check_present(op, "x", x);
    op_check_present(op, "w", w);
    op_check_ctx(op, "w", w, x->ctx);
    op_check_ctx(op, "b", b, x->ctx);
    op_check_ctx(op, yname, y, x->ctx);
    TENSOR_CHECK(x->ndim == 2 && w->ndim == 2 && x->shape[1] == w->shape[1],
                 "%s: x is %s and w is %s (expected x[N,in] and w[out,in])", op, SHAPE(x), SHAPE(w));
    op_check_vector(op, "b", b, w->shape[0]);
    if (y)
        TENSOR_CHECK(y->ndim == 2 && y->shape[0] == x->shape[0] && y->shape[1] == w->shape[0],
                     "%s: %s is %s, expected %dx%d", op, yname, SHAPE(y), x->shape[0], w->shape[0]);
}

void op_linear_forward(const tensor *x, const tensor *w, const tensor *b, tensor *y)
{
    const char *op = "linear_forward";
    op_check_present(op, "y", y);
    check_linear(op, x, w, b, y, "y");
    if (x->ctx->backend == COMPUTE_CPU) cpu_linear_forward(x, w, b, y);
    else vk_linear_forward(x, w, b, y);
}

void op_linear_backward(const tensor *x, const tensor *w, const tensor *dy,
                        tensor *dx, tensor *dw, tensor *db)
{
    const char *op = "linear_backward";
    op_check_present(op, "dy", dy);
    check_linear(op, x, w, NULL, dy, "dy");
    op_check_ctx(op, "dx", dx, x->ctx);
    op_check_ctx(op, "dw", dw, x->ctx);
    op_check_ctx(op, "db", db, x->ctx);
    op_check_same_shape(op, "dx", dx, "x", x);
    op_check_same_shape(op, "dw", dw, "w", w);
    op_check_vector(op, "db", db, w->shape[0]);
    if (x->ctx->backend == COMPUTE_CPU) cpu_linear_backward(x, w, dy, dx, dw, db);
    else vk_linear_backward(x, w, dy, dx, dw, db);
}
