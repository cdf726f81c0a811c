/* Softmax over one axis on the CPU: x viewed as [outer, n, inner]; max subtracted before exp. */
#include <math.h>

#include "compute/cpu/cpu_internal.h"
#include "compute/cpu/cpu_ops.h"

/* Inner positions handled together when inner > 1 (stack-sized accumulators). */
#define SOFTMAX_CHUNK 256

void cpu_softmax_forward(const tensor *x, tensor *y, int axis)
{
    const axis_split s = shape_axis_split(x, axis);
    const size_t inner = s.inner, chunks = (inner + SOFTMAX_CHUNK - 1) / SOFTMAX_CHUNK;
    const size_t tasks = s.outer * chunks;
#pragma omp parallel for num_threads(cpu_threads_for(x->numel * 8)) schedule(static)
    for (size_t t = 0; t < tasks; t++) {
        const size_t o = t / chunks, i0 = (t % chunks) * SOFTMAX_CHUNK;
        const size_t len = inner - i0 < SOFTMAX_CHUNK ? inner - i0 : SOFTMAX_CHUNK;
        const float *src = x->data + o * s.n * inner + i0;
        float *dst = y->data + o * s.n * inner + i0;
        float mx[SOFTMAX_CHUNK];
        double sum[SOFTMAX_CHUNK];
        for (size_t i = 0; i < len; i++) { mx[i] = src[i]; sum[i] = 0.0; }
        for (int k = 1; k < s.n; k++)
            #pragma omp simd
            for (size_t i = 0; i < len; i++) mx[i] = fmaxf(mx[i], src[k * inner + i]);
        for (int k = 0; k < s.n; k++)
            for (size_t i = 0; i < len; i++) {
                float e = expf(src[k * inner + i] - mx[i]);
                dst[k * inner + i] = e;
                sum[i] += e;
            }
        for (size_t i = 0; i < len; i++) mx[i] = (float)(1.0 / sum[i]);   /* reuse as 1/sum */
        for (int k = 0; k < s.n; k++)
            #pragma omp simd
            for (size_t i = 0; i < len; i++) dst[k * inner + i] *= mx[i];
    }
}

void cpu_softmax_backward(const tensor *y, const tensor *dy, tensor *dx, int axis)
{
    /* dx = y * (dy - sum_k y*dy) */
    const axis_split s = shape_axis_split(y, axis);
    const size_t inner = s.inner, chunks = (inner + SOFTMAX_CHUNK - 1) / SOFTMAX_CHUNK;
    const size_t tasks = s.outer * chunks;
#pragma omp parallel for num_threads(cpu_threads_for(y->numel * 4)) schedule(static)
    for (size_t t = 0; t < tasks; t++) {
        const size_t o = t / chunks, i0 = (t % chunks) * SOFTMAX_CHUNK;
        const size_t len = inner - i0 < SOFTMAX_CHUNK ? inner - i0 : SOFTMAX_CHUNK;
        const size_t base = o * s.n * inner + i0;
        const float *ys = y->data + base, *d = dy->data + base;
        float *out = dx->data + base;
        double dotd[SOFTMAX_CHUNK];
        float dotf[SOFTMAX_CHUNK];
        for (size_t i = 0; i < len; i++) dotd[i] = 0.0;
        for (int k = 0; k < s.n; k++)
            #pragma omp simd
            for (size_t i = 0; i < len; i++) dotd[i] += (double)ys[k * inner + i] * d[k * inner + i];
        for (size_t i = 0; i < len; i++) dotf[i] = (float)dotd[i];
        for (int k = 0; k < s.n; k++)
            for (size_t i = 0; i < len; i++)
                out[k * inner + i] = ys[k * inner + i] * (d[k * inner + i] - dotf[i]);
    }
}
