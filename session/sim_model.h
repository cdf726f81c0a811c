/* The virtual macaque's electrodes: where their receptive fields are, what they are tuned to, and
 * how their responses unfold in time. Units work on a 64 x 64 "retina" copy of each stimulus, so
 * the cost does not depend on the stimulus size; RF positions and sizes are fractions of the image.
 *
 * V1: phase-invariant energy of a Gabor pair at the preferred orientation and wavelength, plus some
 *     energy at half the wavelength (band-pass at two scales). Small RFs.
 * V4: a preferred colour direction in the (R-G, B-(R+G)/2) plane, and a conjunction of two
 *     orientation channels (corners and curvature), pooled over a medium RF.
 * IT: large RF; the product of two rectified random combinations of colour, luminance and
 *     orientation features in the four quadrants of the RF (an object-like conjunction). */
#ifndef IRFA_SIM_MODEL_H
#define IRFA_SIM_MODEL_H
#include <stdint.h>

#include "session/session.h"

#define SIM_RETINA 64        /* side of the image the units see */
#define SIM_ORIENTATIONS 4   /* orientation channels of the feature maps (0, 45, 90, 135 degrees) */
#define SIM_COARSE 16        /* side of the coarse feature grid used by IT */
#define SIM_COARSE_FEATURES 7
#define SIM_IT_WEIGHTS (SIM_COARSE_FEATURES * 4)
#define SIM_SAMPLES 300      /* time course: 1 ms samples, -100..199 ms */
#define SIM_ONSET 100

typedef struct sim_unit {
    int array;                  /* 1-based */
    session_area area;
    double rf_x, rf_y, rf_size; /* centre and Gaussian sigma, fractions of the image width */
    int rf_mapped;              /* 0: reported without an RF in electrodes.csv, as unmapped TVSD channels */
    double orientation;         /* V1: radians, direction of the carrier's wave vector */
    double wavelength;          /* V1: retina pixels */
    double second_scale;        /* V1: weight of the energy at half the wavelength */
    double hue;                 /* V4: preferred direction in the colour-opponent plane, radians */
    double colour_weight, texture_weight;
    int orient_a, orient_b;     /* V4: the conjunction of orientation channels it prefers */
    float it_w1[SIM_IT_WEIGHTS], it_w2[SIM_IT_WEIGHTS];
    double latency_ms;
    double target_reliability;  /* sets the trial noise relative to the image-driven variance */
    double drive_mean, drive_sd;/* calibration over stimuli: drive is standardised with these */
    double signal_sd;           /* std over stimuli of the noise-free rate */
    double noise_sd;
    /* precomputed weights on the retina: V1 4 Gabor planes (even/odd at two scales), V4 one
     * Gaussian, both (2r+1)^2 around pixel (k_cx, k_cy); IT a Gaussian over the coarse grid */
    float *kernel;
    int k_radius, k_cx, k_cy;
} sim_unit;

typedef struct sim_model {
    uint64_t seed;
    int n_units, n_arrays, per_array, unusable_array;
    char monkey;                /* 'N' or 'F': area of each array as in TVSD */
    sim_unit *units;
} sim_model;

/* 16 arrays x 64 electrodes like TVSD with array `unusable_array` (1-based, 0 = none) made of
 * noise-dominated electrodes. */
int sim_model_build(sim_model *m, uint64_t seed, char monkey, int per_array, int unusable_array);
void sim_model_free(sim_model *m);
session_area sim_array_area(char monkey, int array);

/* Per-image feature maps the units read. */
typedef struct sim_features {
    float lum[SIM_RETINA * SIM_RETINA], rg[SIM_RETINA * SIM_RETINA], by[SIM_RETINA * SIM_RETINA];
    float orient[SIM_ORIENTATIONS][SIM_RETINA * SIM_RETINA];
    float coarse[SIM_COARSE_FEATURES][SIM_COARSE * SIM_COARSE];
} sim_features;

/* img: 3 x size x size in [0,1]. */
void sim_features_compute(const float *img, int size, sim_features *f);
/* Noise-free drive of each unit (before standardisation). */
void sim_drive(const sim_model *m, const sim_features *f, float *drive);
/* Firing rate from a standardised drive: a soft rectification. */
double sim_rate(double z);

/* Time course kernel (peak 1) at tau ms after the unit's latency; and its mean over [a, b) ms
 * after stimulus onset. */
double sim_kernel(double tau);
double sim_kernel_window_mean(double latency_ms, int a_ms, int b_ms);

#endif
