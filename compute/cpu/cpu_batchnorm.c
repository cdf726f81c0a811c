/* BatchNorm on the CPU, PyTorch semantics; per-channel statistics accumulate in double. */
#include <math.h>

#include "compute/cpu/cpu_internal.h"
#include "compute/cpu/cpu_ops.h"

/* x viewed as [n, c, s]: channel ch of image i starts at (i*c + ch)*s. */
typedef struct bn_view { int n, c; size_t s; } bn_view;

static bn_view view_of(const tensor *x)
{
    bn_view v = { x->shape[0], x->shape[1], 1 };
    for (int i = 2; i < x->ndim; i++) v.s *= (size_t)x->shape[i];
    return v;
}

/* Batch mean and biased variance of one channel. */
static void channel_stats(const float *x, bn_view v, int ch, double *mean, double *var)
{
    const double count = (double)v.n * (double)v.s;
    double sum = 0.0;
    for (int i = 0; i < v.n; i++) sum += cpu_sum(x + ((size_t)i * v.c + ch) * v.s, v.s);
    double m = sum / count;
    /* Two-pass variance around the float-rounded mean, corrected for the rounding. */
    float center = (float)m;
    double sq = 0.0;
    for (int i = 0; i < v.n; i++) sq += cpu_sum_sq_centered(x + ((size_t)i * v.c + ch) * v.s, v.s, center);
    double shift = m - (double)center;
    double var_b = sq / count - shift * shift;
    *mean = m;
    *var = var_b > 0.0 ? var_b : 0.0;
}

void cpu_batchnorm_forward(const tensor *x, const tensor *gamma, const tensor *beta,
                           tensor *running_mean, tensor *running_var,
                           tensor *save_mean, tensor *save_invstd, tensor *y,
                           const batchnorm_params *p)
{
    const bn_view v = view_of(x);
    const double count = (double)v.n * (double)v.s;
    const double mom = p->momentum;
    int threads = cpu_threads_for(x->numel);
#pragma omp parallel for num_threads(threads) schedule(dynamic, 1)
    for (int ch = 0; ch < v.c; ch++) {
        double mean, invstd;
        if (p->training) {
            double var;
            channel_stats(x->data, v, ch, &mean, &var);
            invstd = 1.0 / sqrt(var + p->eps);
            double unbiased = var * count / (count - 1.0);
            running_mean->data[ch] = (float)((1.0 - mom) * running_mean->data[ch] + mom * mean);
            running_var->data[ch] = (float)((1.0 - mom) * running_var->data[ch] + mom * unbiased);
        } else {
            mean = running_mean->data[ch];
            invstd = 1.0 / sqrt((double)running_var->data[ch] + p->eps);
        }
        save_mean->data[ch] = (float)mean;
        save_invstd->data[ch] = (float)invstd;
        /* y = (x - mean) * invstd * gamma + beta as one multiply-add per element */
        const float scale = (float)(gamma->data[ch] * invstd);
        const float shift = (float)(beta->data[ch] - mean * gamma->data[ch] * invstd);
        for (int i = 0; i < v.n; i++) {
            size_t off = ((size_t)i * v.c + ch) * v.s;
            const float *src = x->data + off;
            float *dst = y->data + off;
            #pragma omp simd
            for (size_t j = 0; j < v.s; j++) dst[j] = src[j] * scale + shift;
        }
    }
}

void cpu_batchnorm_backward(const tensor *x, const tensor *gamma, const tensor *save_mean,
                            const tensor *save_invstd, const tensor *dy,
                            tensor *dx, tensor *dgamma, tensor *dbeta, const batchnorm_params *p)
{
    const bn_view v = view_of(x);
    const double count = (double)v.n * (double)v.s;
    int threads = cpu_threads_for(x->numel);
#pragma omp parallel for num_threads(threads) schedule(dynamic, 1)
    for (int ch = 0; ch < v.c; ch++) {
        const float mean = save_mean->data[ch];
        const double invstd = save_invstd->data[ch];
        double sum_dy = 0.0, sum_dy_xc = 0.0;   /* sum dy, sum dy*(x - mean) */
        for (int i = 0; i < v.n; i++) {
            size_t off = ((size_t)i * v.c + ch) * v.s;
            sum_dy += cpu_sum(dy->data + off, v.s);
            sum_dy_xc += cpu_dot_centered(dy->data + off, x->data + off, v.s, mean);
        }
        if (dgamma) dgamma->data[ch] = (float)(sum_dy_xc * invstd);
        if (dbeta) dbeta->data[ch] = (float)sum_dy;
        if (!dx) continue;
        const double g = gamma->data[ch];
        /* training: dx = g*invstd*(dy - mean(dy) - xhat*mean(dy*xhat)), written as
         * dx = a*dy + b*(x - mean) + c (centred so a large mean costs no precision);
         * eval: the fixed affine map dx = g*invstd*dy */
        double a = g * invstd, b = 0.0, c = 0.0;
        if (p->training) {
            b = -a * sum_dy_xc * invstd * invstd / count;
            c = -a * sum_dy / count;
        }
        const float af = (float)a, bf = (float)b, cf = (float)c;
        for (int i = 0; i < v.n; i++) {
            size_t off = ((size_t)i * v.c + ch) * v.s;
            const float *d = dy->data + off, *xs = x->data + off;
            float *o = dx->data + off;
            #pragma omp simd
            for (size_t j = 0; j < v.s; j++) o[j] = af * d[j] + bf * (xs[j] - mean) + cf;
        }
    }
}
