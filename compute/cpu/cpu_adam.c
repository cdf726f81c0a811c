/* Adam step on the CPU, torch.optim.Adam's formula (L2 weight decay added to the gradient):
 * denom = sqrt(v)/sqrt(1-b2^t) + eps;  p -= lr/(1-b1^t) * m/denom. */
#include <math.h>

#include "compute/cpu/cpu_internal.h"
#include "compute/cpu/cpu_math.h"
#include "compute/cpu/cpu_ops.h"

typedef struct adam_coeffs {
    float b1, b2, eps, wd;
    float step_size;   /* lr / (1 - b1^t) */
    float sqrt_bc2;    /* sqrt(1 - b2^t) */
} adam_coeffs;

/* Elements are processed in chunks of this size by separate tasks, and within a chunk in blocks
 * that stay in L1 between the three passes. */
#define ADAM_CHUNK ((size_t)16384)
#define ADAM_BLOCK 512

static void adam_chunk(float *p, const float *g, float *m, float *v, size_t n, const adam_coeffs *c)
{
    const float b1 = c->b1, b2 = c->b2, eps = c->eps, wd = c->wd;
    const float step_size = c->step_size, sqrt_bc2 = c->sqrt_bc2;
    float root[ADAM_BLOCK];
    for (size_t lo = 0; lo < n; lo += ADAM_BLOCK) {
        const size_t len = n - lo < ADAM_BLOCK ? n - lo : ADAM_BLOCK;
        float *pb = p + lo, *mb = m + lo, *vb = v + lo;
        const float *gb = g + lo;
#pragma omp simd
        for (size_t i = 0; i < len; i++) {
            const float gi = gb[i] + wd * pb[i];
            mb[i] = b1 * mb[i] + (1.0f - b1) * gi;
            vb[i] = b2 * vb[i] + (1.0f - b2) * gi * gi;
        }
        cpu_sqrt_array(root, vb, len);
#pragma omp simd
        for (size_t i = 0; i < len; i++) pb[i] -= step_size * mb[i] / (root[i] / sqrt_bc2 + eps);
    }
}

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
    const adam_coeffs c = { b1, b2, eps, wd, (float)(lr / bc1), (float)sqrt(bc2) };
    const size_t n = param->numel, chunks = (n + ADAM_CHUNK - 1) / ADAM_CHUNK;
#pragma omp parallel for num_threads(cpu_threads_for(n * 4)) schedule(static)
    for (size_t k = 0; k < chunks; k++) {
        const size_t lo = k * ADAM_CHUNK, len = n - lo < ADAM_CHUNK ? n - lo : ADAM_CHUNK;
        adam_chunk(param->data + lo, grad->data + lo, m->data + lo, v->data + lo, len, &c);
    }
}
