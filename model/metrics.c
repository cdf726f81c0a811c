/* Reconstruction quality metrics: pixel Pearson r, SSIM, 2-way identification, colourfulness.
 * Conventions (and the reference they are tested against) are in docs/metrics.md. */
#include "model/metrics.h"

#include <math.h>
#include <omp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define SSIM_C1 (METRICS_SSIM_K1 * METRICS_SSIM_K1) /* data range 1 */
#define SSIM_C2 (METRICS_SSIM_K2 * METRICS_SSIM_K2)
#define WIN METRICS_SSIM_WINDOW

/* Below this many images the identification matrices are not worth a thread team. */
#define METRICS_PARALLEL_MIN_N 8

/* ---- Pearson r ---------------------------------------------------------------------------- */

/* Writes v - mean(v), scaled to unit norm (all zeros for a constant v), in double. */
static void centred_unit(const float *v, size_t n, double *out)
{
    double mean = 0, ss = 0;
    for (size_t i = 0; i < n; i++) mean += v[i];
    mean /= (double)n;
    for (size_t i = 0; i < n; i++) {
        out[i] = v[i] - mean;
        ss += out[i] * out[i];
    }
    double inv = ss > 0 ? 1.0 / sqrt(ss) : 0.0;
    for (size_t i = 0; i < n; i++) out[i] *= inv;
}

static double dot(const double *a, const double *b, size_t n)
{
    double s = 0;
    for (size_t i = 0; i < n; i++) s += a[i] * b[i];
    return s;
}

double metrics_pixel_pearson(const float *a, const float *b, size_t n)
{
    metrics_pearson_acc acc = {0};
    metrics_pearson_add(&acc, a, b, n);
    return metrics_pearson_value(&acc);
}

void metrics_pearson_add(metrics_pearson_acc *acc, const float *a, const float *b, size_t n)
{
    if (n == 0) return;
    double ma = 0, mb = 0;
    for (size_t i = 0; i < n; i++) {
        ma += a[i];
        mb += b[i];
    }
    ma /= (double)n;
    mb /= (double)n;
    double saa = 0, sbb = 0, sab = 0;
    for (size_t i = 0; i < n; i++) {
        double da = a[i] - ma, db = b[i] - mb;
        saa += da * da;
        sbb += db * db;
        sab += da * db;
    }
    double n0 = acc->n, n1 = (double)n, total = n0 + n1;
    double dma = ma - acc->mean_a, dmb = mb - acc->mean_b, w = n0 * n1 / total;
    acc->saa += saa + dma * dma * w;
    acc->sbb += sbb + dmb * dmb * w;
    acc->sab += sab + dma * dmb * w;
    acc->mean_a += dma * n1 / total;
    acc->mean_b += dmb * n1 / total;
    acc->n = total;
}

double metrics_pearson_value(const metrics_pearson_acc *acc)
{
    if (isnan(acc->saa) || isnan(acc->sbb) || isnan(acc->sab)) return NAN;
    if (acc->saa <= 0 || acc->sbb <= 0) return 0;
    return acc->sab / sqrt(acc->saa * acc->sbb);
}

int metrics_pearson_matrix(const float *recon, const float *stim, int n, int S, double *sim)
{
    size_t len = (size_t)3 * S * S;
    double *ur = malloc((size_t)n * len * sizeof *ur), *us = malloc((size_t)n * len * sizeof *us);
    if (!ur || !us) { free(ur); free(us); return -1; }
    for (int i = 0; i < n; i++) {
        centred_unit(recon + (size_t)i * len, len, ur + (size_t)i * len);
        centred_unit(stim + (size_t)i * len, len, us + (size_t)i * len);
    }
#pragma omp parallel for schedule(static) if (n >= METRICS_PARALLEL_MIN_N)
    for (int i = 0; i < n; i++)
        for (int j = 0; j < n; j++) sim[(size_t)i * n + j] = dot(ur + (size_t)i * len, us + (size_t)j * len, len);
    free(ur);
    free(us);
    return 0;
}

/* ---- SSIM --------------------------------------------------------------------------------- */

static void gaussian_taps(double g[WIN], float gf[WIN])
{
    double sum = 0;
    for (int k = 0; k < WIN; k++) {
        double d = k - (WIN - 1) / 2;
        g[k] = exp(-d * d / (2 * METRICS_SSIM_SIGMA * METRICS_SSIM_SIGMA));
        sum += g[k];
    }
    for (int k = 0; k < WIN; k++) {
        g[k] /= sum;
        gf[k] = (float)g[k];
    }
}

/* Separable Gaussian filter, valid positions only: S x S -> V x V with V = S - WIN + 1; tmp holds
 * S x V. The 11 taps are written out (pairing the symmetric ones) so that the x loops vectorise at
 * -O2. Defined once for double (per-image statistics) and once for float (the per-pair covariance,
 * the hot loop). */
#if WIN != 11
#error "GAUSS11 below is written for an 11-tap window"
#endif
#define GAUSS11(p, s)                                                                              \
    (g[5] * (p)[5 * (s)] + g[0] * ((p)[0] + (p)[10 * (s)]) + g[1] * ((p)[(s)] + (p)[9 * (s)]) +   \
     g[2] * ((p)[2 * (s)] + (p)[8 * (s)]) + g[3] * ((p)[3 * (s)] + (p)[7 * (s)]) +                 \
     g[4] * ((p)[4 * (s)] + (p)[6 * (s)]))
/* On x86-64 the functions that run the filters (inlined into them) also get an AVX2 clone, picked
 * at load time: twice the lanes of the SSE2 baseline the project is compiled for. */
#if defined(__x86_64__) && defined(__GNUC__) && !defined(__clang__)
#define SIMD_CLONES __attribute__((target_clones("avx2", "default")))
#else
#define SIMD_CLONES
#endif
#define DEFINE_FILTER_VALID(name, T, attr)                                                              \
    attr static void name(const T *restrict src, int S, const T g[WIN], T *restrict tmp, T *restrict dst)    \
    {                                                                                                   \
        int V = S - WIN + 1;                                                                            \
        for (int y = 0; y < S; y++) {                                                                   \
            const T *row = src + (size_t)y * S;                                                         \
            T *t = tmp + (size_t)y * V;                                                                 \
            _Pragma("omp simd") for (int x = 0; x < V; x++) t[x] = GAUSS11(row + x, 1);                 \
        }                                                                                               \
        for (int y = 0; y < V; y++) {                                                                   \
            const T *t = tmp + (size_t)y * V;                                                           \
            T *d = dst + (size_t)y * V;                                                                 \
            _Pragma("omp simd") for (int x = 0; x < V; x++) d[x] = GAUSS11(t + x, (size_t)V);           \
        }                                                                                               \
    }
DEFINE_FILTER_VALID(filter_valid, double, __attribute__((always_inline)) inline)
DEFINE_FILTER_VALID(filter_valid_f, float, __attribute__((always_inline)) inline)

/* What SSIM needs of one image, per channel: the image minus its channel mean (covariances are
 * shift-invariant; centring keeps the E[xy] - mu_x mu_y cancellation small), the local means and
 * the local variances (both V x V). */
typedef struct ssim_stats {
    int S, V;
    double mean[3];
    float *centred;  /* 3 x S x S; float for the per-pair hot loop (values in [-1, 1]) */
    double *mu;      /* 3 x V x V, local mean of the original values */
    double *var;     /* 3 x V x V */
} ssim_stats;

static void ssim_stats_free(ssim_stats *st)
{
    free(st->centred);
    free(st->mu);
    free(st->var);
    memset(st, 0, sizeof *st);
}

/* Scratch of one SSIM computation, in doubles (the float pair loop uses the same bytes). */
static size_t ssim_scratch_len(int S) { return (size_t)S * S * 2u + 2u * (size_t)S * (S - WIN + 1); }

/* scratch: ssim_scratch_len(S) doubles. */
SIMD_CLONES static int ssim_stats_init(ssim_stats *st, const float *img, int S, const double g[WIN], double *scratch)
{
    int V = S - WIN + 1;
    size_t plane = (size_t)S * S, vplane = (size_t)V * V;
    st->S = S;
    st->V = V;
    st->centred = malloc(3 * plane * sizeof(float));
    st->mu = malloc(3 * vplane * sizeof(double));
    st->var = malloc(3 * vplane * sizeof(double));
    if (!st->centred || !st->mu || !st->var) { ssim_stats_free(st); return -1; }
    double *xc = scratch, *sq = scratch + plane, *tmp = scratch + 2 * plane;
    for (int c = 0; c < 3; c++) {
        const float *p = img + c * plane;
        double *mu = st->mu + c * vplane, *var = st->var + c * vplane;
        double m = 0;
        for (size_t i = 0; i < plane; i++) m += p[i];
        m /= (double)plane;
        st->mean[c] = m;
        for (size_t i = 0; i < plane; i++) {
            xc[i] = p[i] - m;
            sq[i] = xc[i] * xc[i];
            st->centred[c * plane + i] = (float)xc[i];
        }
        filter_valid(xc, S, g, tmp, mu);   /* local mean of the centred image */
        filter_valid(sq, S, g, tmp, var);  /* local E[(x - m)^2] */
        for (size_t q = 0; q < vplane; q++) {
            var[q] -= mu[q] * mu[q];
            mu[q] += m;
        }
    }
    return 0;
}

/* Mean SSIM of two prepared images; scratch: ssim_scratch_len(S) doubles. The local covariance of
 * the two centred images is filtered in float (the one part done per pair; centring keeps its
 * rounding error near 1e-8), everything else in double. */
SIMD_CLONES static double ssim_pair(const ssim_stats *a, const ssim_stats *b, const float g[WIN], double *scratch)
{
    int S = a->S, V = a->V;
    size_t plane = (size_t)S * S, vplane = (size_t)V * V;
    float *prod = (float *)scratch, *tmp = prod + plane, *cov = tmp + (size_t)S * V;
    double total = 0;
    for (int c = 0; c < 3; c++) {
        const float *xa = a->centred + c * plane, *xb = b->centred + c * plane;
#pragma omp simd
        for (size_t i = 0; i < plane; i++) prod[i] = xa[i] * xb[i];
        filter_valid_f(prod, S, g, tmp, cov);
        const double *mua = a->mu + c * vplane, *mub = b->mu + c * vplane;
        const double *va = a->var + c * vplane, *vb = b->var + c * vplane;
        double ma = a->mean[c], mb = b->mean[c], sum = 0;
#pragma omp simd reduction(+ : sum)
        for (size_t q = 0; q < vplane; q++) {
            double mx = mua[q], my = mub[q];
            double sxy = (double)cov[q] - (mx - ma) * (my - mb);
            sum += ((2 * mx * my + SSIM_C1) * (2 * sxy + SSIM_C2)) /
                   ((mx * mx + my * my + SSIM_C1) * (va[q] + vb[q] + SSIM_C2));
        }
        total += sum / (double)vplane;
    }
    return total / 3;
}

double metrics_ssim(const float *a, const float *b, int S)
{
    if (S < WIN) return NAN;
    double g[WIN];
    float gf[WIN];
    gaussian_taps(g, gf);
    double *scratch = malloc(ssim_scratch_len(S) * sizeof *scratch);
    ssim_stats sa = {0}, sb = {0};
    double r = NAN;
    if (scratch && !ssim_stats_init(&sa, a, S, g, scratch) && !ssim_stats_init(&sb, b, S, g, scratch))
        r = ssim_pair(&sa, &sb, gf, scratch);
    ssim_stats_free(&sa);
    ssim_stats_free(&sb);
    free(scratch);
    return r;
}

int metrics_ssim_matrix(const float *recon, const float *stim, int n, int S, double *sim)
{
    if (S < WIN) return -1;
    double g[WIN];
    float gf[WIN];
    gaussian_taps(g, gf);
    size_t len = (size_t)3 * S * S, slen = ssim_scratch_len(S);
    int nthreads = n >= METRICS_PARALLEL_MIN_N ? omp_get_max_threads() : 1;
    ssim_stats *sr = calloc((size_t)n, sizeof *sr), *ss = calloc((size_t)n, sizeof *ss);
    double *scratch = malloc((size_t)nthreads * slen * sizeof *scratch);
    int rc = -1;
    if (!sr || !ss || !scratch) goto done;
    /* The per-image statistics are shared by every pair: compute them once. */
    for (int i = 0; i < n; i++)
        if (ssim_stats_init(&sr[i], recon + (size_t)i * len, S, g, scratch) ||
            ssim_stats_init(&ss[i], stim + (size_t)i * len, S, g, scratch))
            goto done;
#pragma omp parallel num_threads(nthreads)
    {
        double *mine = scratch + (size_t)omp_get_thread_num() * slen;
#pragma omp for schedule(dynamic, 1)
        for (int i = 0; i < n; i++)
            for (int j = 0; j < n; j++) sim[(size_t)i * n + j] = ssim_pair(&sr[i], &ss[j], gf, mine);
    }
    rc = 0;
done:
    for (int i = 0; sr && ss && i < n; i++) {
        ssim_stats_free(&sr[i]);
        ssim_stats_free(&ss[i]);
    }
    free(sr);
    free(ss);
    free(scratch);
    return rc;
}

/* ---- identification ----------------------------------------------------------------------- */

double metrics_identification(const double *sim, int n, double *per_image)
{
    if (n < 2) return NAN;
    long wins = 0;
    for (int i = 0; i < n; i++) {
        const double *row = sim + (size_t)i * n;
        int w = 0;
        for (int j = 0; j < n; j++) w += j != i && row[i] > row[j];
        wins += w;
        if (per_image) per_image[i] = (double)w / (n - 1);
    }
    return (double)wins / ((double)n * (n - 1));
}

/* ---- colourfulness ------------------------------------------------------------------------ */

double metrics_colourfulness(const float *img, int S)
{
    size_t plane = (size_t)S * S;
    const float *R = img, *G = img + plane, *B = img + 2 * plane;
    double m_rg = 0, m_yb = 0;
    for (size_t p = 0; p < plane; p++) {
        m_rg += 255.0 * ((double)R[p] - G[p]);
        m_yb += 255.0 * (0.5 * ((double)R[p] + G[p]) - B[p]);
    }
    m_rg /= (double)plane;
    m_yb /= (double)plane;
    double v_rg = 0, v_yb = 0; /* population variances (numpy std with ddof 0) */
    for (size_t p = 0; p < plane; p++) {
        double rg = 255.0 * ((double)R[p] - G[p]) - m_rg;
        double yb = 255.0 * (0.5 * ((double)R[p] + G[p]) - B[p]) - m_yb;
        v_rg += rg * rg;
        v_yb += yb * yb;
    }
    v_rg /= (double)plane;
    v_yb /= (double)plane;
    return sqrt(v_rg + v_yb) + 0.3 * sqrt(m_rg * m_rg + m_yb * m_yb);
}

/* ---- summary ------------------------------------------------------------------------------ */

void metrics_summary_free(metrics_summary *m)
{
    free(m->pixel_r);
    free(m->ssim);
    free(m->ident_ssim_per_image);
    free(m->ident_pixel_r_per_image);
    free(m->colour_recon);
    free(m->colour_stim);
    memset(m, 0, sizeof *m);
}

static double mean_of(const double *v, int n)
{
    double s = 0;
    for (int i = 0; i < n; i++) s += v[i];
    return s / n;
}

int metrics_compute(const float *recon, const float *stim, int n, int S, metrics_summary *out, char *err,
                    size_t errlen)
{
    memset(out, 0, sizeof *out);
    if (n < 2) {
        snprintf(err, errlen, "need at least 2 images for 2-way identification, got %d", n);
        return -1;
    }
    if (S < WIN) {
        snprintf(err, errlen, "images are %dx%d; SSIM needs at least %dx%d (its Gaussian window)", S, S, WIN, WIN);
        return -1;
    }
    size_t nn = (size_t)n * n, len = (size_t)3 * S * S;
    double *sim_ssim = malloc(nn * sizeof(double)), *sim_r = malloc(nn * sizeof(double));
    out->n = n;
    out->image_size = S;
    out->pixel_r = malloc((size_t)n * sizeof(double));
    out->ssim = malloc((size_t)n * sizeof(double));
    out->ident_ssim_per_image = malloc((size_t)n * sizeof(double));
    out->ident_pixel_r_per_image = malloc((size_t)n * sizeof(double));
    out->colour_recon = malloc((size_t)n * sizeof(double));
    out->colour_stim = malloc((size_t)n * sizeof(double));
    int ok = sim_ssim && sim_r && out->pixel_r && out->ssim && out->ident_ssim_per_image &&
             out->ident_pixel_r_per_image && out->colour_recon && out->colour_stim &&
             !metrics_ssim_matrix(recon, stim, n, S, sim_ssim) && !metrics_pearson_matrix(recon, stim, n, S, sim_r);
    if (ok) {
        for (int i = 0; i < n; i++) {
            out->ssim[i] = sim_ssim[(size_t)i * n + i];
            out->pixel_r[i] = sim_r[(size_t)i * n + i];
            out->colour_recon[i] = metrics_colourfulness(recon + (size_t)i * len, S);
            out->colour_stim[i] = metrics_colourfulness(stim + (size_t)i * len, S);
        }
        out->ident_ssim = metrics_identification(sim_ssim, n, out->ident_ssim_per_image);
        out->ident_pixel_r = metrics_identification(sim_r, n, out->ident_pixel_r_per_image);
        out->ssim_mean = mean_of(out->ssim, n);
        out->pixel_r_mean = mean_of(out->pixel_r, n);
        out->colour_recon_mean = mean_of(out->colour_recon, n);
        out->colour_stim_mean = mean_of(out->colour_stim, n);
    }
    free(sim_ssim);
    free(sim_r);
    if (!ok) {
        metrics_summary_free(out);
        snprintf(err, errlen, "out of memory computing metrics for %d images of %dx%d", n, S, S);
        return -1;
    }
    return 0;
}
