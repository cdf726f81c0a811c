/* Bilinear resize with align_corners=false on the CPU, as PyTorch computes it: source coordinate
 * (dst + 0.5) * (in/out) - 0.5 in float, clamped at 0; the upper neighbour is clamped at in-1. */
#include "compute/cpu/cpu_internal.h"
#include "compute/cpu/cpu_ops.h"

/* Per output coordinate along one axis: the two source indices and their weights. */
typedef struct lerp_tap { int i0, i1; float w0, w1; } lerp_tap;

static void make_taps(int in, int out, lerp_tap *taps)
{
    const float scale = (float)in / (float)out;
    for (int o = 0; o < out; o++) {
        float src = scale * ((float)o + 0.5f) - 0.5f;
        if (src < 0.0f) src = 0.0f;
        int i0 = (int)src;
        if (i0 > in - 1) i0 = in - 1;
        float l1 = src - (float)i0;
        if (l1 > 1.0f) l1 = 1.0f;
        taps[o].i0 = i0;
        taps[o].i1 = i0 < in - 1 ? i0 + 1 : i0;
        taps[o].w1 = l1;
        taps[o].w0 = 1.0f - l1;
    }
}

/* Taps for both axes in the calling thread's scratch (read-only inside the parallel loops). */
static lerp_tap *taps_for(int ih, int iw, int oh, int ow)
{
    lerp_tap *taps = cpu_scratch_bytes(CPU_SCRATCH_PARTIAL, (size_t)(oh + ow) * sizeof(lerp_tap));
    make_taps(ih, oh, taps);
    make_taps(iw, ow, taps + oh);
    return taps;
}

void cpu_resize_bilinear_forward(const tensor *x, tensor *y)
{
    const int ih = x->shape[2], iw = x->shape[3], oh = y->shape[2], ow = y->shape[3];
    const int planes = x->shape[0] * x->shape[1];
    const lerp_tap *ty = taps_for(ih, iw, oh, ow), *tx = ty + oh;
#pragma omp parallel for num_threads(cpu_threads_for(y->numel * 4)) schedule(static)
    for (int pl = 0; pl < planes; pl++) {
        const float *src = x->data + (size_t)pl * ih * iw;
        float *dst = y->data + (size_t)pl * oh * ow;
        for (int oy = 0; oy < oh; oy++) {
            const float *r0 = src + (size_t)ty[oy].i0 * iw, *r1 = src + (size_t)ty[oy].i1 * iw;
            const float a0 = ty[oy].w0, a1 = ty[oy].w1;
            float *d = dst + (size_t)oy * ow;
            for (int ox = 0; ox < ow; ox++) {
                const lerp_tap t = tx[ox];
                d[ox] = a0 * (t.w0 * r0[t.i0] + t.w1 * r0[t.i1]) + a1 * (t.w0 * r1[t.i0] + t.w1 * r1[t.i1]);
            }
        }
    }
}

void cpu_resize_bilinear_backward(const tensor *dy, tensor *dx)
{
    const int ih = dx->shape[2], iw = dx->shape[3], oh = dy->shape[2], ow = dy->shape[3];
    const int planes = dx->shape[0] * dx->shape[1];
    const lerp_tap *ty = taps_for(ih, iw, oh, ow), *tx = ty + oh;
    /* Scatter each output gradient to its four sources; planes are independent. */
#pragma omp parallel for num_threads(cpu_threads_for(dy->numel * 4)) schedule(static)
    for (int pl = 0; pl < planes; pl++) {
        const float *src = dy->data + (size_t)pl * oh * ow;
        float *dst = dx->data + (size_t)pl * ih * iw;
        for (size_t i = 0; i < (size_t)ih * iw; i++) dst[i] = 0.0f;
        for (int oy = 0; oy < oh; oy++) {
            float *r0 = dst + (size_t)ty[oy].i0 * iw, *r1 = dst + (size_t)ty[oy].i1 * iw;
            const float a0 = ty[oy].w0, a1 = ty[oy].w1;
            const float *g = src + (size_t)oy * ow;
            for (int ox = 0; ox < ow; ox++) {
                const lerp_tap t = tx[ox];
                r0[t.i0] += a0 * t.w0 * g[ox];
                r0[t.i1] += a0 * t.w1 * g[ox];
                r1[t.i0] += a1 * t.w0 * g[ox];
                r1[t.i1] += a1 * t.w1 * g[ox];
            }
        }
    }
}
