/* ReLU, LeakyReLU and Sigmoid on the CPU: flat loops over numel (in-place safe). */
#include <math.h>

#include "compute/cpu/cpu_internal.h"
#include "compute/cpu/cpu_math.h"
#include "compute/cpu/cpu_ops.h"

void cpu_relu_forward(const tensor *x, tensor *y)
{
    const float *src = x->data;
    float *dst = y->data;
    const size_t n = x->numel;
#pragma omp parallel for simd num_threads(cpu_threads_for(n)) schedule(static)
    for (size_t i = 0; i < n; i++) dst[i] = src[i] > 0.0f ? src[i] : 0.0f;
}

void cpu_relu_backward(const tensor *x, const tensor *dy, tensor *dx)
{
    const float *xs = x->data, *d = dy->data;
    float *o = dx->data;
    const size_t n = x->numel;
#pragma omp parallel for simd num_threads(cpu_threads_for(n)) schedule(static)
    for (size_t i = 0; i < n; i++) {
        /* both candidates computed up front so the select vectorises */
        const float g = d[i], zero = 0.0f;
        o[i] = xs[i] > 0.0f ? g : zero;
    }
}

void cpu_leaky_relu_forward(const tensor *x, tensor *y, float slope)
{
    const float *src = x->data;
    float *dst = y->data;
    const size_t n = x->numel;
#pragma omp parallel for simd num_threads(cpu_threads_for(n)) schedule(static)
    for (size_t i = 0; i < n; i++) {
        /* two zero-or-value selects and an add: the form GCC's if-conversion vectorises */
        const float v = src[i], pos = v > 0.0f ? v : 0.0f, neg = v > 0.0f ? 0.0f : v;
        dst[i] = pos + slope * neg;
    }
}

void cpu_leaky_relu_backward(const tensor *x, const tensor *dy, tensor *dx, float slope)
{
    const float *xs = x->data, *d = dy->data;
    float *o = dx->data;
    const size_t n = x->numel;
#pragma omp parallel for simd num_threads(cpu_threads_for(n)) schedule(static)
    for (size_t i = 0; i < n; i++) {
        const float g = d[i], pos = xs[i] > 0.0f ? g : 0.0f, neg = xs[i] > 0.0f ? 0.0f : g;
        o[i] = pos + slope * neg;
    }
}

void cpu_sigmoid_forward(const tensor *x, tensor *y)
{
    const float *src = x->data;
    float *dst = y->data;
    const size_t n = x->numel;
#pragma omp parallel for simd num_threads(cpu_threads_for(n * 4)) schedule(static)
    for (size_t i = 0; i < n; i++) {
        /* exp of -|v| only, so it never overflows: 1/(1+e) for v >= 0, e/(1+e) below */
        const float v = src[i], e = cpu_expf(-fabsf(v)), pos = 1.0f / (1.0f + e), neg = e * pos;
        dst[i] = cpu_select(v >= 0.0f, pos, neg);
    }
}

void cpu_sigmoid_backward(const tensor *y, const tensor *dy, tensor *dx)
{
    const float *ys = y->data, *d = dy->data;
    float *o = dx->data;
    const size_t n = y->numel;
#pragma omp parallel for simd num_threads(cpu_threads_for(n)) schedule(static)
    for (size_t i = 0; i < n; i++) o[i] = d[i] * ys[i] * (1.0f - ys[i]);
}
