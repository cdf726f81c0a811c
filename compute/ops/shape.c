/* Concat and slice along one axis: shape checks and backend dispatch. */
#include "compute/cpu/cpu_ops.h"
#include "compute/ops/op_check.h"
#include "compute/ops/shape_util.h"
#include "compute/vulkan/vk_ops.h"

/* Every dim of t except `axis` must equal ref's. */
static void check_all_but_axis(const char *op, const char *name, const tensor *t, const tensor *ref,
                               int axis)
{
    bool ok = t->ndim == ref->ndim;
    for (int i = 0; ok && i < t->ndim; i++) ok = i == axis || t->shape[i] == ref->shape[i];
    TENSOR_CHECK(ok, "%s: %s is %s but the result is %s (only dim %d may differ)", op, name, SHAPE(t),
                 SHAPE(ref), axis);
}

static int check_concat(const char *op, const tensor *const *xs, int n, const tensor *y, int axis)
{
    TENSOR_CHECK(n >= 1 && n <= 1024 && xs != NULL, "%s: %d pieces (1..1024)", op, n);
    op_check_present(op, "y", y);
    int a = shape_normalize_axis(axis, y->ndim);
    for (int i = 0; i < n; i++) {
        if (!xs[i]) continue;
        op_check_ctx(op, "a piece", xs[i], y->ctx);
        check_all_but_axis(op, "a piece", xs[i], y, a);
    }
    return a;
}

void op_concat_forward(const tensor *const *xs, int n, tensor *y, int axis)
{
    const char *op = "concat_forward";
    int a = check_concat(op, xs, n, y, axis);
    int offsets[n];
    for (int i = 0; i < n; i++) TENSOR_CHECK(xs[i] != NULL, "%s: piece %d is NULL", op, i);
    shape_concat_offsets(op, xs, n, a, y->shape[a], offsets);
    if (y->ctx->backend == COMPUTE_CPU) cpu_concat_forward(xs, n, y, axis);
    else vk_concat_forward(xs, n, y, axis);
}

void op_concat_backward(const tensor *dy, tensor *const *dxs, int n, int axis)
{
    const char *op = "concat_backward";
    int a = check_concat(op, (const tensor *const *)dxs, n, dy, axis);
    int offsets[n];
    shape_concat_offsets(op, (const tensor *const *)dxs, n, a, dy->shape[a], offsets);
    if (dy->ctx->backend == COMPUTE_CPU) cpu_concat_backward(dy, dxs, n, axis);
    else vk_concat_backward(dy, dxs, n, axis);
}

/* small = big[..., start:start+small.shape[axis], ...] */
static void check_slice(const char *op, const tensor *big, const char *bigname, const tensor *small,
                        const char *smallname, int axis, int start)
{
    op_check_present(op, bigname, big);
    op_check_present(op, smallname, small);
    op_check_ctx(op, smallname, small, big->ctx);
    int a = shape_normalize_axis(axis, big->ndim);
    check_all_but_axis(op, smallname, small, big, a);
    TENSOR_CHECK(start >= 0 && start + small->shape[a] <= big->shape[a],
                 "%s: range %d..%d of dim %d is outside %s %s", op, start, start + small->shape[a], a,
                 bigname, SHAPE(big));
}

void op_slice_forward(const tensor *x, tensor *y, int axis, int start)
{
    check_slice("slice_forward", x, "x", y, "y", axis, start);
    if (x->ctx->backend == COMPUTE_CPU) cpu_slice_forward(x, y, axis, start);
    else vk_slice_forward(x, y, axis, start);
}

void op_slice_backward(const tensor *dy, tensor *dx, int axis, int start)
{
    check_slice("slice_backward", dx, "dx", dy, "dy", axis, start);
    if (dx->ctx->backend == COMPUTE_CPU) cpu_slice_backward(dy, dx, axis, start);
    else vk_slice_backward(dy, dx, axis, start);
}
