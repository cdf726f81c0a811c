/* Softmax over one axis on the CPU: x viewed as [outer, n, inner]; max subtracted before exp. */
#include <math.h>

#include "compute/cpu/cpu_internal.h"
#include "compute/cpu/cpu_math.h"
#include "compute/cpu/cpu_ops.h"

/* Inner positions handled together when inner > 1 (stack-sized accumulators). */
#define SOFTMAX_CHUNK 256

/* Softmax of one contiguous row of n values (the common last-axis case). */
static void softmax_row(const float *src, float *dst, int n)
{
    /* A NaN is skipped by the max but still turns its exp, the sum and so the row into NaN. */
    float mx = src[0];
    for (int k = 1; k < n; k++) mx = src[k] > mx ? src[k] : mx;
    double sum = 0.0;
#pragma omp simd reduction(+ : sum)
    for (int k = 0; k < n; k++) {
        float e = cpu_expf(src[k] - mx);
        dst[k] = e;
        sum += e;
    }
    const float inv = (float)(1.0 / sum);
#pragma omp simd
    for (int k = 0; k < n; k++) dst[k] *= inv;
}

void cpu_softmax_forward(const tensor *x, tensor *y, int axis)
{
    const axis_split s = shape_axis_split(x, axis);
    if (s.inner == 1) {
#pragma omp parallel for num_threads(cpu_threads_for(x->numel * 8)) schedule(static)
        for (size_t o = 0; o < s.outer; o++)
            softmax_row(x->data + o * (size_t)s.n, y->data + o * (size_t)s.n, s.n);
        return;
    }
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
            for (size_t i = 0; i < len; i++) mx[i] = src[k * inner + i] > mx[i] ? src[k * inner + i] : mx[i];
        for (int k = 0; k < s.n; k++)
#pragma omp simd
            for (size_t i = 0; i < len; i++) {
                float e = cpu_expf(src[k * inner + i] - mx[i]);
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
    if (s.inner == 1) {
#pragma omp parallel for num_threads(cpu_threads_for(y->numel * 4)) schedule(static)
        for (size_t o = 0; o < s.outer; o++) {
            const size_t base = o * (size_t)s.n;
            /* dy - dot cancels when y is nearly one-hot: keep it in double */
            const double dot = cpu_dot(y->data + base, dy->data + base, (size_t)s.n);
            const float *ys = y->data + base, *d = dy->data + base;
            float *out = dx->data + base;
#pragma omp simd
            for (int k = 0; k < s.n; k++) out[k] = (float)(ys[k] * ((double)d[k] - dot));
        }
        return;
    }
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
        for (size_t i = 0; i < len; i++) dotd[i] = 0.0;
        for (int k = 0; k < s.n; k++)
            #pragma omp simd
            for (size_t i = 0; i < len; i++) dotd[i] += (double)ys[k * inner + i] * d[k * inner + i];
        for (int k = 0; k < s.n; k++)
            for (size_t i = 0; i < len; i++)
                out[k * inner + i] = (float)(ys[k * inner + i] * ((double)d[k * inner + i] - dotd[i]));
    }
}
