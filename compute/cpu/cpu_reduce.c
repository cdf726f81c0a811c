/* Sum over one axis and mean of everything on the CPU (double accumulation). */
#include "compute/cpu/cpu_internal.h"
#include "compute/cpu/cpu_ops.h"

/* Inner positions summed together when the axis is not the last one. */
#define SUM_CHUNK 512

void cpu_sum_forward(const tensor *x, tensor *y, int axis)
{
    const axis_split s = shape_axis_split(x, axis);
    const size_t inner = s.inner;
    if (inner == 1) {   /* contiguous rows */
#pragma omp parallel for num_threads(cpu_threads_for(x->numel)) schedule(static)
        for (size_t o = 0; o < s.outer; o++) y->data[o] = (float)cpu_sum(x->data + o * s.n, (size_t)s.n);
        return;
    }
    const size_t chunks = (inner + SUM_CHUNK - 1) / SUM_CHUNK, tasks = s.outer * chunks;
#pragma omp parallel for num_threads(cpu_threads_for(x->numel)) schedule(static)
    for (size_t t = 0; t < tasks; t++) {
        const size_t o = t / chunks, i0 = (t % chunks) * SUM_CHUNK;
        const size_t len = inner - i0 < SUM_CHUNK ? inner - i0 : SUM_CHUNK;
        const float *src = x->data + o * s.n * inner + i0;
        double acc[SUM_CHUNK];
        for (size_t i = 0; i < len; i++) acc[i] = 0.0;
        for (int k = 0; k < s.n; k++)
            #pragma omp simd
            for (size_t i = 0; i < len; i++) acc[i] += src[k * inner + i];
        float *dst = y->data + o * inner + i0;
        for (size_t i = 0; i < len; i++) dst[i] = (float)acc[i];
    }
}

void cpu_sum_backward(const tensor *dy, tensor *dx, int axis)
{
    const axis_split s = shape_axis_split(dx, axis);
    const size_t inner = s.inner, rows = s.outer * (size_t)s.n;
#pragma omp parallel for num_threads(cpu_threads_for(dx->numel)) schedule(static)
    for (size_t r = 0; r < rows; r++) {
        const float *src = dy->data + (r / (size_t)s.n) * inner;
        float *dst = dx->data + r * inner;
        #pragma omp simd
        for (size_t i = 0; i < inner; i++) dst[i] = src[i];
    }
}

/* Sum of all n floats, split over threads in fixed chunks (reproducible for a thread count). */
double cpu_parallel_sum(const float *p, size_t n)
{
    const size_t chunk = 65536, chunks = (n + chunk - 1) / chunk;
    double total = 0.0;
#pragma omp parallel for num_threads(cpu_threads_for(n)) schedule(static) reduction(+ : total)
    for (size_t c = 0; c < chunks; c++) {
        size_t lo = c * chunk, len = n - lo < chunk ? n - lo : chunk;
        total += cpu_sum(p + lo, len);
    }
    return total;
}

void cpu_mean_forward(const tensor *x, tensor *out)
{
    out->data[0] = (float)(cpu_parallel_sum(x->data, x->numel) / (double)x->numel);
}

void cpu_mean_backward(const tensor *dloss, tensor *dx)
{
    const float g = (float)((double)dloss->data[0] / (double)dx->numel);
    float *dst = dx->data;
    const size_t n = dx->numel;
#pragma omp parallel for simd num_threads(cpu_threads_for(n)) schedule(static)
    for (size_t i = 0; i < n; i++) dst[i] = g;
}
