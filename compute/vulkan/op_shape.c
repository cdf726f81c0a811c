/* Concat and slice along one axis on the Vulkan backend. Tensors are viewed as [outer, len, inner]
 * around the axis. Concat forward gathers two pieces per dispatch (shaders/concat_pair.comp); slice
 * forward/backward and concat backward are one gather per destination (shaders/slice_copy.comp),
 * the backward of slice writing the zeros outside the range in the same pass. */
#include "compute/vulkan/vk_ops.h"
#include "compute/vulkan/vk_runtime.h"

#include <stdlib.h>

#include "compute/ops/shape_util.h"

#define SHAPE_WG 256

static void grid_for(compute_ctx *ctx, size_t n, uint32_t *gx, uint32_t *gy)
{
    TENSOR_CHECK(n <= UINT32_MAX, "concat/slice: tensor too large for 32-bit indexing");
    vk_grid_1d(ctx, vk_div_up(n, SHAPE_WG), gx, gy);
}

/* dst[o, j, i] = src[o, j + offset, i] where that is inside src, else 0. */
static void slice_copy(const tensor *src, tensor *dst, int axis, int offset)
{
    compute_ctx *ctx = dst->ctx;
    axis_split d = shape_axis_split(dst, axis);
    axis_split s = shape_axis_split(src, axis);
    struct { uint32_t n, inner, dst_len, src_len; int32_t offset; } pc = {
        (uint32_t)dst->numel, (uint32_t)d.inner, (uint32_t)d.n, (uint32_t)s.n, offset};
    uint32_t spec[1] = {SHAPE_WG};
    const tensor *bufs[2] = {src, dst};
    uint32_t gx, gy;
    grid_for(ctx, dst->numel, &gx, &gy);
    vk_dispatch(ctx, "slice_copy", spec, 1, &pc, sizeof pc, bufs, 2, 1u << 1, gx, gy, 1);
}

void vk_concat_forward(const tensor *const *xs, int n, tensor *y, int axis)
{
    compute_ctx *ctx = y->ctx;
    int a = shape_normalize_axis(axis, y->ndim);
    axis_split ys = shape_axis_split(y, a);
    int off = 0;
    for (int i = 0; i < n; i += 2) {
        const tensor *x0 = xs[i];
        const tensor *x1 = i + 1 < n ? xs[i + 1] : xs[i];   /* odd count: bound twice, len1 = 0 */
        uint32_t len0 = (uint32_t)x0->shape[a];
        uint32_t len1 = i + 1 < n ? (uint32_t)x1->shape[a] : 0;
        size_t count = ys.outer * (len0 + len1) * ys.inner;
        struct { uint32_t n, inner, y_len, off, len0, len1; } pc = {
            (uint32_t)count, (uint32_t)ys.inner, (uint32_t)ys.n, (uint32_t)off, len0, len1};
        off += (int)(len0 + len1);
        if (count == 0) continue;
        uint32_t spec[1] = {SHAPE_WG};
        const tensor *bufs[3] = {x0, x1, y};
        uint32_t gx, gy;
        grid_for(ctx, count, &gx, &gy);
        vk_dispatch(ctx, "concat_pair", spec, 1, &pc, sizeof pc, bufs, 3, 1u << 2, gx, gy, 1);
    }
}

void vk_concat_backward(const tensor *dy, tensor *const *dxs, int n, int axis)
{
    int a = shape_normalize_axis(axis, dy->ndim);
    int *offsets = malloc((size_t)n * sizeof *offsets);
    TENSOR_CHECK(offsets != NULL, "concat_backward: out of memory");
    shape_concat_offsets("concat_backward", (const tensor *const *)dxs, n, a, dy->shape[a], offsets);
    for (int i = 0; i < n; i++)
        if (dxs[i] && dxs[i]->numel > 0) slice_copy(dy, dxs[i], a, offsets[i]);
    free(offsets);
}

void vk_slice_forward(const tensor *x, tensor *y, int axis, int start)
{
    if (y->numel == 0) return;
    slice_copy(x, y, shape_normalize_axis(axis, x->ndim), start);
}

void vk_slice_backward(const tensor *dy, tensor *dx, int axis, int start)
{
    if (dx->numel == 0) return;
    slice_copy(dy, dx, shape_normalize_axis(axis, dx->ndim), -start);
}
