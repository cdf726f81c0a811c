/* Adam step on the CPU, torch.optim.Adam's formula (L2 weight decay added to the gradient):
 * denom = sqrt(v)/sqrt(1-b2^t) + eps;  p -= lr/(1-b1^t) * m/denom. */
#include <math.h>

#include "compute/cpu/cpu_internal.h"
#include "compute/cpu/cpu_ops.h"

void cpu_adam_step(tensor *param, const tensor *grad, tensor *m, tensor *v, const tensor *hyper)
{
    const float *h = hyper->data;
    const float lr = h[ADAM_LR], b1 = h[ADAM_BETA1], b2 = h[ADAM_BETA2], eps = h[ADAM_EPS];
    const float wd = h[ADAM_WEIGHT_DECAY], step = h[ADAM_STEP];
    TENSOR_CHECK(lr >= 0.0f && b1 >= 0.0f && b1 < 1.0f && b2 >= 0.0f && b2 < 1.0f && eps >= 0.0f &&
                 wd >= 0.0f && step >= 1.0f,
                 "adam_step: bad hyperparameters lr %g beta1 %g beta2 %g eps %g step %g weight_decay %g",
                 (double)lr, (double)b1, (double)b2, (double)eps, (double)step, (double)wd);
    const double bc1 = 1.0 - pow(b1, step), bc2 = 1.0 - pow(b2, step);
    const float step_size = (float)(lr / bc1), sqrt_bc2 = (float)sqrt(bc2);
    float *p = param->data, *ms = m->data, *vs = v->data;
    const float *g = grad->data;
    const size_t n = param->numel;
#pragma omp parallel for simd num_threads(cpu_threads_for(n * 4)) schedule(static)
    for (size_t i = 0; i < n; i++) {
        float gi = g[i] + wd * p[i];
        float mi = b1 * ms[i] + (1.0f - b1) * gi;
        float vi = b2 * vs[i] + (1.0f - b2) * gi * gi;
        ms[i] = mi;
        vs[i] = vi;
        p[i] -= step_size * mi / (sqrtf(vi) / sqrt_bc2 + eps);
    }
}
