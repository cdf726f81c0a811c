/* Broadcasting add/mul and affine scale: shape checks and backend dispatch. */
#include "compute/cpu/cpu_ops.h"
#include "compute/ops/op_check.h"
#include "compute/ops/shape_util.h"
#include "compute/vulkan/vk_ops.h"

/* out must have exactly the broadcast shape of a and b. */
static void check_broadcast(const char *op, const tensor *a, const tensor *b, const tensor *out,
                            const char *outname)
{
    int ndim, shape[TENSOR_MAX_DIMS];
    TENSOR_CHECK(shape_broadcast(a->ndim, a->shape, b->ndim, b->shape, &ndim, shape),
                 "%s: shapes %s and %s do not broadcast", op, SHAPE(a), SHAPE(b));
    bool same = out->ndim == ndim;
    for (int i = 0; same && i < ndim; i++) same = out->shape[i] == shape[i];
    TENSOR_CHECK(same, "%s: %s is %s but %s and %s broadcast to another shape", op, outname,
                 SHAPE(out), SHAPE(a), SHAPE(b));
}

static void check_binary(const char *op, const tensor *a, const tensor *b, const tensor *y)
{
    op_check_present(op, "a", a);
    op_check_present(op, "b", b);
    op_check_present(op, "y", y);
    op_check_ctx(op, "b", b, a->ctx);
    op_check_ctx(op, "y", y, a->ctx);
    check_broadcast(op, a, b, y, "y");
}

void op_add_forward(const tensor *a, const tensor *b, tensor *y)
{
    check_binary("add_forward", a, b, y);
    if (a->ctx->backend == COMPUTE_CPU) cpu_add_forward(a, b, y);
    else vk_add_forward(a, b, y);
}

void op_add_backward(const tensor *dy, tensor *da, tensor *db)
{
    const char *op = "add_backward";
    op_check_present(op, "dy", dy);
    op_check_ctx(op, "da", da, dy->ctx);
    op_check_ctx(op, "db", db, dy->ctx);
    if (da) TENSOR_CHECK(shape_broadcasts_to(da, dy), "%s: da %s does not broadcast to dy %s", op,
                         SHAPE(da), SHAPE(dy));
    if (db) TENSOR_CHECK(shape_broadcasts_to(db, dy), "%s: db %s does not broadcast to dy %s", op,
                         SHAPE(db), SHAPE(dy));
    if (da && db) check_broadcast(op, da, db, dy, "dy");
    if (!da && !db) return;
    if (dy->ctx->backend == COMPUTE_CPU) cpu_add_backward(dy, da, db);
    else vk_add_backward(dy, da, db);
}

void op_mul_forward(const tensor *a, const tensor *b, tensor *y)
{
    check_binary("mul_forward", a, b, y);
    if (a->ctx->backend == COMPUTE_CPU) cpu_mul_forward(a, b, y);
    else vk_mul_forward(a, b, y);
}

void op_mul_backward(const tensor *a, const tensor *b, const tensor *dy, tensor *da, tensor *db)
{
    const char *op = "mul_backward";
    check_binary(op, a, b, dy);
    op_check_ctx(op, "da", da, a->ctx);
    op_check_ctx(op, "db", db, a->ctx);
    op_check_same_shape(op, "da", da, "a", a);
    op_check_same_shape(op, "db", db, "b", b);
    if (!da && !db) return;
    if (a->ctx->backend == COMPUTE_CPU) cpu_mul_backward(a, b, dy, da, db);
    else vk_mul_backward(a, b, dy, da, db);
}

void op_scale_forward(const tensor *x, tensor *y, float alpha, float beta)
{
    const char *op = "scale_forward";
    op_check_present(op, "x", x);
    op_check_present(op, "y", y);
    op_check_ctx(op, "y", y, x->ctx);
    op_check_same_shape(op, "y", y, "x", x);
    if (x->ctx->backend == COMPUTE_CPU) cpu_scale_forward(x, y, alpha, beta);
    else vk_scale_forward(x, y, alpha, beta);
}

void op_scale_backward(const tensor *dy, tensor *dx, float alpha)
{
    const char *op = "scale_backward";
    op_check_present(op, "dy", dy);
    op_check_present(op, "dx", dx);
    op_check_ctx(op, "dx", dx, dy->ctx);
    op_check_same_shape(op, "dx", dx, "dy", dy);
    if (dy->ctx->backend == COMPUTE_CPU) cpu_scale_backward(dy, dx, alpha);
    else vk_scale_backward(dy, dx, alpha);
}
