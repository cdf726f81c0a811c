/* Concat and slice along one axis on the CPU: row copies of [outer, n*inner] views. */
#include <string.h>

#include "compute/cpu/cpu_internal.h"
#include "compute/cpu/cpu_ops.h"

/* Copies `outer` blocks of `len` floats between arrays whose blocks are `src_pitch` and
 * `dst_pitch` floats apart. */
static void copy_blocks(float *dst, size_t dst_pitch, const float *src, size_t src_pitch,
                        size_t outer, size_t len)
{
#pragma omp parallel for num_threads(cpu_threads_for(outer * len / 4)) schedule(static)
    for (size_t o = 0; o < outer; o++) memcpy(dst + o * dst_pitch, src + o * src_pitch, len * sizeof(float));
}

void cpu_concat_forward(const tensor *const *xs, int n, tensor *y, int axis)
{
    const axis_split s = shape_axis_split(y, axis);
    const int a = shape_normalize_axis(axis, y->ndim);
    int offsets[n];
    shape_concat_offsets("concat_forward", xs, n, a, y->shape[a], offsets);
    for (int i = 0; i < n; i++) {
        size_t len = (size_t)xs[i]->shape[a] * s.inner;
        copy_blocks(y->data + (size_t)offsets[i] * s.inner, (size_t)s.n * s.inner, xs[i]->data, len,
                    s.outer, len);
    }
}

void cpu_concat_backward(const tensor *dy, tensor *const *dxs, int n, int axis)
{
    const axis_split s = shape_axis_split(dy, axis);
    const int a = shape_normalize_axis(axis, dy->ndim);
    int offsets[n];
    shape_concat_offsets("concat_backward", (const tensor *const *)dxs, n, a, dy->shape[a], offsets);
    for (int i = 0; i < n; i++) {
        if (!dxs[i]) continue;
        size_t len = (size_t)dxs[i]->shape[a] * s.inner;
        copy_blocks(dxs[i]->data, len, dy->data + (size_t)offsets[i] * s.inner, (size_t)s.n * s.inner,
                    s.outer, len);
    }
}

void cpu_slice_forward(const tensor *x, tensor *y, int axis, int start)
{
    const axis_split s = shape_axis_split(x, axis);
    const int a = shape_normalize_axis(axis, x->ndim);
    size_t len = (size_t)y->shape[a] * s.inner;
    copy_blocks(y->data, len, x->data + (size_t)start * s.inner, (size_t)s.n * s.inner, s.outer, len);
}

void cpu_slice_backward(const tensor *dy, tensor *dx, int axis, int start)
{
    const axis_split s = shape_axis_split(dx, axis);
    const int a = shape_normalize_axis(axis, dx->ndim);
    const size_t len = (size_t)dy->shape[a] * s.inner, pitch = (size_t)s.n * s.inner;
    const size_t before = (size_t)start * s.inner, after = pitch - before - len;
#pragma omp parallel for num_threads(cpu_threads_for(dx->numel / 4)) schedule(static)
    for (size_t o = 0; o < s.outer; o++) {
        float *row = dx->data + o * pitch;
        memset(row, 0, before * sizeof(float));
        memcpy(row + before, dy->data + o * len, len * sizeof(float));
        memset(row + before + len, 0, after * sizeof(float));
    }
}
