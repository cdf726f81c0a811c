/* ReLU, LeakyReLU and Sigmoid on the CPU: flat loops over numel (in-place safe). */
#include <math.h>

#include "compute/cpu/cpu_internal.h"
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
    for (size_t i = 0; i < n; i++) o[i] = xs[i] > 0.0f ? d[i] : 0.0f;
}

void cpu_leaky_relu_forward(const tensor *x, tensor *y, float slope)
{
    const float *src = x->data;
    float *dst = y->data;
    const size_t n = x->numel;
#pragma omp parallel for simd num_threads(cpu_threads_for(n)) schedule(static)
    for (size_t i = 0; i < n; i++) dst[i] = src[i] > 0.0f ? src[i] : src[i] * slope;
}

void cpu_leaky_relu_backward(const tensor *x, const tensor *dy, tensor *dx, float slope)
{
    const float *xs = x->data, *d = dy->data;
    float *o = dx->data;
    const size_t n = x->numel;
#pragma omp parallel for simd num_threads(cpu_threads_for(n)) schedule(static)
    for (size_t i = 0; i < n; i++) o[i] = xs[i] > 0.0f ? d[i] : d[i] * slope;
}

void cpu_sigmoid_forward(const tensor *x, tensor *y)
{
    const float *src = x->data;
    float *dst = y->data;
    const size_t n = x->numel;
#pragma omp parallel for simd num_threads(cpu_threads_for(n * 8)) schedule(static)
    for (size_t i = 0; i < n; i++) {
        /* exp of a non-positive argument only, so neither branch overflows */
        float v = src[i];
        if (v >= 0.0f) {
            dst[i] = 1.0f / (1.0f + expf(-v));
        } else {
            float e = expf(v);
            dst[i] = e / (1.0f + e);
        }
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
