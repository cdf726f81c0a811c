/* L1 and BCE-with-logits losses (mean reduction) on the CPU; sums accumulate in double. */
#include <math.h>

#include "compute/cpu/cpu_internal.h"
#include "compute/cpu/cpu_math.h"
#include "compute/cpu/cpu_ops.h"

void cpu_l1_loss_forward(const tensor *pred, const tensor *target, tensor *out)
{
    const float *p = pred->data, *t = target->data;
    const size_t n = pred->numel;
    double total = 0.0;
#pragma omp parallel for simd num_threads(cpu_threads_for(n)) schedule(static) reduction(+ : total)
    for (size_t i = 0; i < n; i++) total += fabsf(p[i] - t[i]);
    out->data[0] = (float)(total / (double)n);
}

void cpu_l1_loss_backward(const tensor *pred, const tensor *target, const tensor *dloss, tensor *dpred)
{
    const float *p = pred->data, *t = target->data;
    float *d = dpred->data;
    const size_t n = pred->numel;
    const float g = (float)((double)dloss->data[0] / (double)n);
    /* d|p-t|/dp = sign(p-t), 0 at p == t (PyTorch's sign) */
#pragma omp parallel for simd num_threads(cpu_threads_for(n)) schedule(static)
    for (size_t i = 0; i < n; i++) {
        float diff = p[i] - t[i];
        d[i] = diff > 0.0f ? g : diff < 0.0f ? -g : 0.0f;
    }
}

void cpu_bce_logits_forward(const tensor *logits, const tensor *target, tensor *out)
{
    const float *x = logits->data, *t = target->data;
    const size_t n = logits->numel;
    double total = 0.0;
    /* max(x,0) - x*t + log(1 + exp(-|x|)): no overflow for any x */
#pragma omp parallel for num_threads(cpu_threads_for(n * 8)) schedule(static) reduction(+ : total)
    for (size_t i = 0; i < n; i++)
        total += (double)(fmaxf(x[i], 0.0f) - x[i] * t[i]) + (double)log1pf(expf(-fabsf(x[i])));
    out->data[0] = (float)(total / (double)n);
}

void cpu_bce_logits_backward(const tensor *logits, const tensor *target, const tensor *dloss,
                             tensor *dlogits)
{
    const float *x = logits->data, *t = target->data;
    float *d = dlogits->data;
    const size_t n = logits->numel;
    const float g = (float)((double)dloss->data[0] / (double)n);
#pragma omp parallel for simd num_threads(cpu_threads_for(n * 4)) schedule(static)
    for (size_t i = 0; i < n; i++) {
        /* sigmoid(x) - t, with exp of -|x| only */
        const float v = x[i], e = cpu_expf(-fabsf(v)), pos = 1.0f / (1.0f + e), neg = e * pos;
        d[i] = (cpu_select(v >= 0.0f, pos, neg) - t[i]) * g;
    }
}
