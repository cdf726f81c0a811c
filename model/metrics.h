/* Reconstruction quality metrics (science.md section 6; conventions in docs/metrics.md).
 *
 * Images are float32, 3 x S x S (RGB planes, C order) with values in [0, 1]; a set of N images is
 * N such blocks back to back. Plain C on the CPU: the only parallel part is the N x N similarity
 * matrix of the identification test (OpenMP). */
#ifndef IRFA_MODEL_METRICS_H
#define IRFA_MODEL_METRICS_H

#include <stddef.h>

/* Pearson r over a long pair of sequences fed in pieces (the AlexNet layer correlations): each
 * metrics_pearson_add computes the piece's means and centred sums in double precision and merges
 * them into the running ones (Chan, Golub & LeVeque's pairwise update), so no piece needs the others
 * and no large cancellation occurs. Zero-initialise (= {0}) before the first add. */
typedef struct metrics_pearson_acc {
    double n;              /* values so far */
    double mean_a, mean_b;
    double saa, sbb, sab;  /* sums of centred squares and products */
} metrics_pearson_acc;
void metrics_pearson_add(metrics_pearson_acc *acc, const float *a, const float *b, size_t n);
/* r of everything added so far; 0 when either sequence is constant (as metrics_pixel_pearson), NaN
 * when a non-finite value was added. */
double metrics_pearson_value(const metrics_pearson_acc *acc);

/* SSIM window (Wang et al. 2004): 11 x 11 Gaussian, sigma 1.5; images smaller than this are refused. */
#define METRICS_SSIM_WINDOW 11
#define METRICS_SSIM_SIGMA 1.5
#define METRICS_SSIM_K1 0.01
#define METRICS_SSIM_K2 0.03

/* Pearson r over all n values. 0 when either input is constant (r is undefined there, and 0 keeps a
 * flat grey reconstruction at chance instead of poisoning means with NaN). */
double metrics_pixel_pearson(const float *a, const float *b, size_t n);

/* Mean SSIM of two 3 x S x S images: per channel, the mean over the valid (unpadded) positions of
 * the Gaussian-windowed SSIM map, then the mean over the 3 channels. Data range 1. NaN if S < 11. */
double metrics_ssim(const float *a, const float *b, int S);

/* Hasler & Suesstrunk (2003) colourfulness of one 3 x S x S image, computed on 0..255 values. */
double metrics_colourfulness(const float *img, int S);

/* Everything `irfa evaluate` reports for N reconstructions against their N stimuli. The per-image
 * arrays have n entries each. Identification per image is the fraction of the n - 1 other stimuli
 * the reconstruction beat (own-stimulus similarity strictly greater). */
typedef struct metrics_summary {
    int n, image_size;
    double pixel_r_mean, ssim_mean;
    double ident_ssim, ident_pixel_r;   /* wins / (n (n - 1)); chance is 0.5 */
    double colour_recon_mean, colour_stim_mean;
    double *pixel_r, *ssim;
    double *ident_ssim_per_image, *ident_pixel_r_per_image;
    double *colour_recon, *colour_stim;
} metrics_summary;

/* Computes all summary metrics. Needs n >= 2 (identification compares with other stimuli) and
 * S >= METRICS_SSIM_WINDOW. Returns 0, or -1 with err filled (out is then empty). */
int metrics_compute(const float *recon, const float *stim, int n, int S, metrics_summary *out,
                    char *err, size_t errlen);
void metrics_summary_free(metrics_summary *m);

/* Similarity matrices used by the identification test, exposed for tests: sim[i * n + j] is the
 * similarity of reconstruction i to stimulus j. Return 0 or -1 (out of memory / S too small). */
int metrics_ssim_matrix(const float *recon, const float *stim, int n, int S, double *sim);
int metrics_pearson_matrix(const float *recon, const float *stim, int n, int S, double *sim);

/* 2-way identification from a similarity matrix: total accuracy, and per reconstruction the
 * fraction of other stimuli beaten (per_image may be NULL). */
double metrics_identification(const double *sim, int n, double *per_image);

#endif
