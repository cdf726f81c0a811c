/* Tests of model/metrics.h.
 *   metrics_test known            values with a known answer (no reference needed)
 *   metrics_test reference DIR    every case folder under DIR written by metrics_reference.py
 *   metrics_test speed            100 images of 64x64: the 2 x 9900-pair matrices within a time limit */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "formats/npy.h"
#include "model/metrics.h"

static int failures;

#define CHECK(cond, ...)                                   \
    do {                                                   \
        if (!(cond)) {                                     \
            fprintf(stderr, "FAIL %s:%d: ", __FILE__, __LINE__); \
            fprintf(stderr, __VA_ARGS__);                  \
            fputc('\n', stderr);                           \
            failures++;                                    \
        }                                                  \
    } while (0)

#define CHECK_NEAR(got, want, tol, what) \
    CHECK(fabs((double)(got) - (double)(want)) <= (tol), "%s: got %.9g, want %.9g (tol %g)", what, (double)(got), (double)(want), (double)(tol))

/* Deterministic uniform [0,1) numbers (xorshift64*), so the known-answer cases need no files. */
static uint64_t rng_state = 88172645463325252ull;
static float uniform01(void)
{
    rng_state ^= rng_state >> 12;
    rng_state ^= rng_state << 25;
    rng_state ^= rng_state >> 27;
    return (float)((rng_state * 2685821657736338717ull) >> 40) / (float)(1u << 24);
}

static float *noise_images(int n, int S)
{
    size_t len = (size_t)n * 3 * S * S;
    float *v = malloc(len * sizeof *v);
    for (size_t i = 0; v && i < len; i++) v[i] = uniform01();
    return v;
}

static void test_known(void)
{
    const int S = 16, n = 6;
    size_t len = (size_t)3 * S * S;
    float *stim = noise_images(n, S), *rec = malloc(n * len * sizeof *rec);
    if (!stim || !rec) { fprintf(stderr, "out of memory\n"); exit(1); }

    /* Identical images: r = 1, SSIM = 1. Inverted: r = -1, SSIM well below 0 on noise. */
    CHECK_NEAR(metrics_pixel_pearson(stim, stim, len), 1.0, 1e-12, "r(identical)");
    /* The per-pair covariance is accumulated in float: 1 within 1e-6, not bit-exact. */
    CHECK_NEAR(metrics_ssim(stim, stim, S), 1.0, 1e-6, "SSIM(identical)");
    for (size_t p = 0; p < len; p++) rec[p] = 1.0f - stim[p];
    CHECK_NEAR(metrics_pixel_pearson(rec, stim, len), -1.0, 1e-6, "r(inverted)");
    double s_inv = metrics_ssim(rec, stim, S);
    CHECK(s_inv < -0.5, "SSIM(inverted noise) = %g, expected strongly negative", s_inv);
    CHECK_NEAR(metrics_ssim(rec, stim, S), metrics_ssim(stim, rec, S), 1e-6, "SSIM symmetry");
    /* Affine changes of one image leave r unchanged but lower SSIM. */
    for (size_t p = 0; p < len; p++) rec[p] = 0.5f * stim[p] + 0.25f;
    CHECK_NEAR(metrics_pixel_pearson(rec, stim, len), 1.0, 1e-6, "r(affine)");
    double s_aff = metrics_ssim(rec, stim, S);
    CHECK(s_aff > 0.5 && s_aff < 0.99, "SSIM(half contrast) = %g, expected in (0.5, 0.99)", s_aff);

    /* Constant image: r is defined as 0; colourfulness of any grey image is 0. */
    for (size_t p = 0; p < len; p++) rec[p] = 0.37f;
    CHECK(metrics_pixel_pearson(rec, stim, len) == 0.0, "r(constant) should be 0");
    CHECK(metrics_colourfulness(rec, S) == 0.0, "colourfulness(grey) = %g", metrics_colourfulness(rec, S));
    for (int c = 0; c < 3; c++)
        for (int p = 0; p < S * S; p++) rec[c * S * S + p] = (float)p / (S * S); /* grey ramp: R = G = B */
    CHECK_NEAR(metrics_colourfulness(rec, S), 0.0, 1e-9, "colourfulness(grey ramp)");
    /* Pure red: rg = 255, yb = 127.5 everywhere, no spread -> 0.3 * sqrt(255^2 + 127.5^2). */
    for (size_t p = 0; p < len; p++) rec[p] = p < (size_t)S * S ? 1.0f : 0.0f;
    CHECK_NEAR(metrics_colourfulness(rec, S), 0.3 * sqrt(255.0 * 255.0 + 127.5 * 127.5), 1e-9, "colourfulness(red)");

    /* SSIM needs the 11 x 11 window. */
    CHECK(isnan(metrics_ssim(stim, stim, 10)), "SSIM of 10x10 images should be NaN");

    /* Identification with a known answer: reconstructions 0..2 are their stimuli (win every
     * comparison), 3..5 are their stimuli inverted (lose every one). Accuracy exactly 0.5. */
    for (int i = 0; i < n; i++)
        for (size_t p = 0; p < len; p++) {
            float s = stim[(size_t)i * len + p];
            rec[(size_t)i * len + p] = i < n / 2 ? s : 1.0f - s;
        }
    metrics_summary m;
    char err[256];
    CHECK(metrics_compute(rec, stim, n, S, &m, err, sizeof err) == 0, "metrics_compute: %s", err);
    CHECK(m.ident_ssim == 0.5 && m.ident_pixel_r == 0.5, "identification %g / %g, want 0.5 / 0.5", m.ident_ssim, m.ident_pixel_r);
    for (int i = 0; i < n; i++) {
        double want = i < n / 2 ? 1.0 : 0.0;
        CHECK(m.ident_ssim_per_image[i] == want && m.ident_pixel_r_per_image[i] == want,
              "image %d identification %g / %g, want %g", i, m.ident_ssim_per_image[i], m.ident_pixel_r_per_image[i], want);
        CHECK_NEAR(m.pixel_r[i], i < n / 2 ? 1.0 : -1.0, 1e-6, "summary r");
    }
    CHECK_NEAR(m.pixel_r_mean, 0.0, 1e-6, "mean r");
    metrics_summary_free(&m);

    /* Ties lose: row 0 ties with column 1. Wins: 1 + 1 + 2 = 4 of 6. */
    const double sim[9] = {1, 1, 0, 0.2, 0.5, 0.7, 0, 0, 0.1};
    double per[3];
    CHECK(metrics_identification(sim, 3, per) == 4.0 / 6.0, "identification of the 3x3 matrix");
    CHECK(per[0] == 0.5 && per[1] == 0.5 && per[2] == 1.0, "per-image %g %g %g", per[0], per[1], per[2]);

    /* The streaming Pearson r (AlexNet layers): fed in pieces of any size it equals the one-shot r,
     * also with a large common offset (where naive sums of squares would cancel); constant -> 0. */
    {
        size_t total = n * len;
        float *a = malloc(total * sizeof *a), *b = malloc(total * sizeof *b);
        if (!a || !b) { fprintf(stderr, "out of memory\n"); exit(1); }
        for (size_t p = 0; p < total; p++) {
            a[p] = 1000.0f + stim[p];
            b[p] = 1000.0f + 0.5f * stim[p] + 0.5f * rec[p];
        }
        double want = metrics_pixel_pearson(a, b, total);
        const size_t pieces[] = {1, 7, len, total};
        for (size_t k = 0; k < sizeof pieces / sizeof pieces[0]; k++) {
            metrics_pearson_acc acc = {0};
            for (size_t p = 0; p < total; p += pieces[k])
                metrics_pearson_add(&acc, a + p, b + p, total - p < pieces[k] ? total - p : pieces[k]);
            CHECK_NEAR(metrics_pearson_value(&acc), want, 1e-9, "streaming r");
            CHECK(acc.n == (double)total, "streaming r counted %g values", acc.n);
        }
        CHECK(want > 0.1 && want < 0.9, "streaming r test data: r = %g", want);
        for (size_t p = 0; p < total; p++) a[p] = 0.25f;
        metrics_pearson_acc acc = {0};
        metrics_pearson_add(&acc, a, b, total / 2);
        metrics_pearson_add(&acc, a + total / 2, b + total / 2, total - total / 2);
        CHECK(metrics_pearson_value(&acc) == 0.0, "streaming r of a constant: %g", metrics_pearson_value(&acc));
        metrics_pearson_acc none = {0};
        CHECK(metrics_pearson_value(&none) == 0.0, "streaming r of nothing");
        free(a);
        free(b);
    }

    /* Inputs the summary refuses. */
    CHECK(metrics_compute(rec, stim, 1, S, &m, err, sizeof err) == -1 && strstr(err, "at least 2"), "n = 1 accepted");
    CHECK(metrics_compute(rec, stim, 2, 10, &m, err, sizeof err) == -1 && strstr(err, "SSIM"), "S = 10 accepted");
    free(stim);
    free(rec);
}

/* ---- against metrics_reference.py ---------------------------------------------------------- */

static int load(const char *dir, const char *name, npy_dtype dtype, npy_array *a)
{
    char path[4096], err[512];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    if (npy_load(path, a, err, sizeof err)) { fprintf(stderr, "FAIL %s\n", err); failures++; return -1; }
    if (a->dtype != dtype) { fprintf(stderr, "FAIL %s: dtype %s\n", path, npy_dtype_name(a->dtype)); failures++; npy_free(a); return -1; }
    return 0;
}

static void compare(const char *what, const char *dir, const double *got, const double *want, size_t n, double tol)
{
    double worst = 0;
    size_t at = 0;
    for (size_t i = 0; i < n; i++) {
        double d = fabs(got[i] - want[i]);
        if (!(d <= worst)) { worst = d; at = i; }
    }
    printf("  %-22s max |C - numpy| = %.3g\n", what, worst);
    CHECK(worst <= tol, "%s/%s[%zu]: got %.9g, numpy %.9g", dir, what, at, got[at], want[at]);
}

static void test_reference_case(const char *dir)
{
    npy_array rec, stim, ssim_m, r_m, col_r, col_s, ident;
    if (load(dir, "recon.npy", NPY_F32, &rec)) return;
    if (load(dir, "stim.npy", NPY_F32, &stim)) { npy_free(&rec); return; }
    int n = (int)rec.shape[0], S = (int)rec.shape[3];
    printf("%s: %d images of %dx%d\n", dir, n, S, S);
    if (!load(dir, "ssim_matrix.npy", NPY_F64, &ssim_m)) {
        double *got = malloc((size_t)n * n * sizeof *got);
        CHECK(metrics_ssim_matrix(rec.data, stim.data, n, S, got) == 0, "ssim matrix");
        compare("ssim_matrix", dir, got, ssim_m.data, (size_t)n * n, 1e-5);
        /* The single-pair entry point must agree with the matrix. */
        double one = metrics_ssim(rec.data, stim.data, S);
        CHECK_NEAR(one, ((double *)ssim_m.data)[0], 1e-5, "metrics_ssim vs numpy");
        free(got);
        npy_free(&ssim_m);
    }
    if (!load(dir, "pearson_matrix.npy", NPY_F64, &r_m)) {
        double *got = malloc((size_t)n * n * sizeof *got);
        CHECK(metrics_pearson_matrix(rec.data, stim.data, n, S, got) == 0, "pearson matrix");
        compare("pearson_matrix", dir, got, r_m.data, (size_t)n * n, 1e-6);
        free(got);
        npy_free(&r_m);
    }
    metrics_summary m;
    char err[256];
    if (metrics_compute(rec.data, stim.data, n, S, &m, err, sizeof err)) {
        CHECK(0, "%s: metrics_compute: %s", dir, err);
    } else {
        if (!load(dir, "colour_recon.npy", NPY_F64, &col_r)) {
            compare("colour_recon", dir, m.colour_recon, col_r.data, (size_t)n, 1e-6);
            npy_free(&col_r);
        }
        if (!load(dir, "colour_stim.npy", NPY_F64, &col_s)) {
            compare("colour_stim", dir, m.colour_stim, col_s.data, (size_t)n, 1e-6);
            npy_free(&col_s);
        }
        if (!load(dir, "identification.npy", NPY_F64, &ident)) {
            const double *w = ident.data; /* [ssim, pixel r] */
            double got[2] = {m.ident_ssim, m.ident_pixel_r};
            compare("identification", dir, got, w, 2, 1e-12);
            printf("  identification ssim %.4f  pixel r %.4f\n", m.ident_ssim, m.ident_pixel_r);
            npy_free(&ident);
        }
        metrics_summary_free(&m);
    }
    npy_free(&rec);
    npy_free(&stim);
}

static int test_reference(const char *root)
{
    char list[4096];
    snprintf(list, sizeof list, "%s/cases.txt", root);
    FILE *f = fopen(list, "r");
    if (!f) { fprintf(stderr, "FAIL: %s missing (run metrics_reference.py first)\n", list); return 1; }
    char name[256], dir[4400];
    int cases = 0;
    while (fscanf(f, "%255s", name) == 1) {
        snprintf(dir, sizeof dir, "%s/%s", root, name);
        test_reference_case(dir);
        cases++;
    }
    fclose(f);
    CHECK(cases >= 3, "only %d reference cases", cases);
    return 0;
}

/* ---- speed -------------------------------------------------------------------------------- */

static double now_s(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return t.tv_sec + t.tv_nsec * 1e-9;
}

static void test_speed(void)
{
    const int n = 100, S = 64;
    float *stim = noise_images(n, S), *rec = noise_images(n, S);
    metrics_summary m;
    char err[256];
    double t0 = now_s();
    int rc = metrics_compute(rec, stim, n, S, &m, err, sizeof err);
    double dt = now_s() - t0;
    printf("metrics_compute, %d images of %dx%d (%d SSIM + %d r pairs): %.3f s\n", n, S, S, n * n, n * n, dt);
    CHECK(rc == 0, "metrics_compute: %s", err);
    /* Generous bound: the machine running the tests may be shared; the target is well under 1 s.
     * Sanitizer builds are about 10x slower and only check the values. */
#ifndef __SANITIZE_ADDRESS__
    CHECK(dt < 3.0, "took %.2f s", dt);
#endif
    if (!rc) {
        /* Unrelated noise: identification near chance, SSIM near 0. */
        CHECK(m.ident_ssim > 0.4 && m.ident_ssim < 0.6, "ident ssim on noise %g", m.ident_ssim);
        CHECK(fabs(m.ssim_mean) < 0.05, "mean SSIM of unrelated noise %g", m.ssim_mean);
        metrics_summary_free(&m);
    }
    free(stim);
    free(rec);
}

int main(int argc, char **argv)
{
    if (argc >= 2 && !strcmp(argv[1], "known")) test_known();
    else if (argc >= 3 && !strcmp(argv[1], "reference")) { if (test_reference(argv[2])) return 1; }
    else if (argc >= 2 && !strcmp(argv[1], "speed")) test_speed();
    else {
        fprintf(stderr, "usage: metrics_test known | reference DIR | speed\n");
        return 2;
    }
    if (failures) fprintf(stderr, "%d check(s) failed\n", failures);
    else printf("ok\n");
    return failures ? 1 : 0;
}
