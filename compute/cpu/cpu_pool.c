/* 2x2 stride-2 max-pool on the CPU. Window order (0,0),(0,1),(1,0),(1,1); a later element wins
 * when strictly larger (ties go to the first) or when it is NaN (PyTorch's rule: NaN propagates
 * and the gradient goes to the last NaN). */
#include <math.h>
#include <string.h>

#include "compute/cpu/cpu_internal.h"
#include "compute/cpu/cpu_ops.h"

/* Offset (0..3 as dy*2+dx) of the winning element of the window at r0[2*ox], r1[2*ox]. */
static inline int window_argmax(const float *r0, const float *r1, int ox)
{
    const float v[4] = { r0[2 * ox], r0[2 * ox + 1], r1[2 * ox], r1[2 * ox + 1] };
    int best = 0;
    for (int k = 1; k < 4; k++)
        if (v[k] > v[best] || isnan(v[k])) best = k;
    return best;
}

void cpu_maxpool2x2_forward(const tensor *x, tensor *y)
{
    const int h = x->shape[2], w = x->shape[3], oh = y->shape[2], ow = y->shape[3];
    const int planes = x->shape[0] * x->shape[1];
#pragma omp parallel for num_threads(cpu_threads_for(x->numel)) schedule(static)
    for (int pl = 0; pl < planes; pl++) {
        const float *src = x->data + (size_t)pl * h * w;
        float *dst = y->data + (size_t)pl * oh * ow;
        for (int oy = 0; oy < oh; oy++) {
            const float *r0 = src + (size_t)(2 * oy) * w, *r1 = r0 + w;
            for (int ox = 0; ox < ow; ox++) {
                int k = window_argmax(r0, r1, ox);
                dst[(size_t)oy * ow + ox] = (k < 2 ? r0 : r1)[2 * ox + (k & 1)];
            }
        }
    }
}

void cpu_maxpool2x2_backward(const tensor *x, const tensor *dy, tensor *dx)
{
    const int h = x->shape[2], w = x->shape[3], oh = dy->shape[2], ow = dy->shape[3];
    const int planes = x->shape[0] * x->shape[1];
#pragma omp parallel for num_threads(cpu_threads_for(x->numel)) schedule(static)
    for (int pl = 0; pl < planes; pl++) {
        const float *src = x->data + (size_t)pl * h * w;
        const float *g = dy->data + (size_t)pl * oh * ow;
        float *dst = dx->data + (size_t)pl * h * w;
        memset(dst, 0, (size_t)h * w * sizeof(float));   /* also zeroes an odd last row/column */
        for (int oy = 0; oy < oh; oy++) {
            const float *r0 = src + (size_t)(2 * oy) * w, *r1 = r0 + w;
            float *d0 = dst + (size_t)(2 * oy) * w, *d1 = d0 + w;
            for (int ox = 0; ox < ow; ox++) {
                int k = window_argmax(r0, r1, ox);
                (k < 2 ? d0 : d1)[2 * ox + (k & 1)] = g[(size_t)oy * ow + ox];
            }
        }
    }
}
