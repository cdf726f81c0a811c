/* Feature maps of a stimulus and the noise-free drive of every simulated unit. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "session/sim_model.h"

#define R SIM_RETINA
#define ORIENT_RADIUS 4

/* Orientation energy on luminance with Gabor pairs of wavelength 4 px, sigma 1.6 px. */
static void orientation_energy(const float *lum, float out[SIM_ORIENTATIONS][R * R])
{
    static float ke[SIM_ORIENTATIONS][9 * 9], ko[SIM_ORIENTATIONS][9 * 9];
    static int ready;
    if (!ready) {
        for (int o = 0; o < SIM_ORIENTATIONS; o++) {
            double th = o * M_PI / SIM_ORIENTATIONS, sum_e = 0, sum_env = 0;
            for (int y = -ORIENT_RADIUS; y <= ORIENT_RADIUS; y++)
                for (int x = -ORIENT_RADIUS; x <= ORIENT_RADIUS; x++) {
                    double env = exp(-(x * x + y * y) / (2 * 1.6 * 1.6)), ph = 2 * M_PI * (x * cos(th) + y * sin(th)) / 4.0;
                    int i = (y + ORIENT_RADIUS) * 9 + x + ORIENT_RADIUS;
                    ke[o][i] = (float)(env * cos(ph));
                    ko[o][i] = (float)(env * sin(ph));
                    sum_e += env * cos(ph);
                    sum_env += env;
                }
            for (int y = -ORIENT_RADIUS; y <= ORIENT_RADIUS; y++)
                for (int x = -ORIENT_RADIUS; x <= ORIENT_RADIUS; x++)
                    ke[o][(y + ORIENT_RADIUS) * 9 + x + ORIENT_RADIUS] -=
                        (float)(sum_e / sum_env * exp(-(x * x + y * y) / (2 * 1.6 * 1.6)));
        }
        ready = 1;
    }
    for (int o = 0; o < SIM_ORIENTATIONS; o++)
        for (int y = 0; y < R; y++)
            for (int x = 0; x < R; x++) {
                float e = 0, d = 0;
                for (int ky = -ORIENT_RADIUS; ky <= ORIENT_RADIUS; ky++) {
                    int yy = y + ky < 0 ? 0 : y + ky >= R ? R - 1 : y + ky; /* clamp at the border */
                    for (int kx = -ORIENT_RADIUS; kx <= ORIENT_RADIUS; kx++) {
                        int xx = x + kx < 0 ? 0 : x + kx >= R ? R - 1 : x + kx;
                        int i = (ky + ORIENT_RADIUS) * 9 + kx + ORIENT_RADIUS;
                        e += lum[yy * R + xx] * ke[o][i];
                        d += lum[yy * R + xx] * ko[o][i];
                    }
                }
                out[o][y * R + x] = sqrtf(e * e + d * d);
            }
}

void sim_features_compute(const float *img, int size, sim_features *f)
{
    float *retina = NULL;
    const float *src = img;
    if (size != R) {
        retina = malloc(sizeof(float) * 3 * R * R);
        if (!retina) abort();
        session_resize_image(img, size, size, retina, R, R, SESSION_RESIZE_AREA);
        src = retina;
    }
    for (int p = 0; p < R * R; p++) {
        float r = src[p], g = src[R * R + p], b = src[2 * R * R + p];
        f->lum[p] = (r + g + b) / 3.0f;
        f->rg[p] = r - g;
        f->by[p] = b - 0.5f * (r + g);
    }
    orientation_energy(f->lum, f->orient);
    const float *maps[SIM_COARSE_FEATURES] = {f->lum, f->rg, f->by, f->orient[0], f->orient[1], f->orient[2], f->orient[3]};
    int block = R / SIM_COARSE;
    for (int k = 0; k < SIM_COARSE_FEATURES; k++)
        for (int cy = 0; cy < SIM_COARSE; cy++)
            for (int cx = 0; cx < SIM_COARSE; cx++) {
                float s = 0;
                for (int y = 0; y < block; y++)
                    for (int x = 0; x < block; x++) s += maps[k][(cy * block + y) * R + cx * block + x];
                f->coarse[k][cy * SIM_COARSE + cx] = s / (float)(block * block) - (k == 0 ? 0.5f : 0.0f);
            }
    free(retina);
}

/* Sum of kernel plane * map over the unit's window, skipping pixels outside the retina. */
static double window_dot(const sim_unit *u, const float *plane, const float *map)
{
    int r = u->k_radius, w = 2 * r + 1;
    double s = 0;
    for (int ky = -r; ky <= r; ky++) {
        int y = u->k_cy + ky;
        if (y < 0 || y >= R) continue;
        for (int kx = -r; kx <= r; kx++) {
            int x = u->k_cx + kx;
            if (x < 0 || x >= R) continue;
            s += plane[(ky + r) * w + kx + r] * map[y * R + x];
        }
    }
    return s;
}

static double v1_drive(const sim_unit *u, const sim_features *f)
{
    size_t p = (size_t)(2 * u->k_radius + 1) * (2 * u->k_radius + 1);
    double e1 = window_dot(u, u->kernel, f->lum), o1 = window_dot(u, u->kernel + p, f->lum);
    double e2 = window_dot(u, u->kernel + 2 * p, f->lum), o2 = window_dot(u, u->kernel + 3 * p, f->lum);
    return sqrt(e1 * e1 + o1 * o1) + u->second_scale * sqrt(e2 * e2 + o2 * o2);
}

static double v4_drive(const sim_unit *u, const sim_features *f)
{
    int r = u->k_radius, w = 2 * r + 1;
    double ch = cos(u->hue), sh = sin(u->hue), colour = 0, texture = 0;
    const float *oa = f->orient[u->orient_a], *ob = f->orient[u->orient_b];
    for (int ky = -r; ky <= r; ky++) {
        int y = u->k_cy + ky;
        if (y < 0 || y >= R) continue;
        for (int kx = -r; kx <= r; kx++) {
            int x = u->k_cx + kx;
            if (x < 0 || x >= R) continue;
            double g = u->kernel[(ky + r) * w + kx + r];
            int p = y * R + x;
            colour += g * (ch * f->rg[p] + sh * f->by[p]);
            texture += g * sqrt(oa[p] * ob[p]); /* both orientations at once: a corner or a curve */
        }
    }
    return u->colour_weight * colour + u->texture_weight * 2.0 * texture;
}

static double softplus(double x) { return x > 20 ? x : log1p(exp(x)); }

static double it_drive(const sim_unit *u, const sim_features *f)
{
    double pooled[SIM_IT_WEIGHTS] = {0}, wsum[4] = {0};
    double cx = u->rf_x * SIM_COARSE, cy = u->rf_y * SIM_COARSE;
    for (int y = 0; y < SIM_COARSE; y++)
        for (int x = 0; x < SIM_COARSE; x++) {
            int q = (x + 0.5 >= cx) + 2 * (y + 0.5 >= cy); /* quadrant of the RF */
            double g = u->kernel[y * SIM_COARSE + x];
            wsum[q] += g;
            for (int k = 0; k < SIM_COARSE_FEATURES; k++) pooled[q * SIM_COARSE_FEATURES + k] += g * f->coarse[k][y * SIM_COARSE + x];
        }
    double a1 = 0, a2 = 0;
    for (int q = 0; q < 4; q++)
        for (int k = 0; k < SIM_COARSE_FEATURES; k++) {
            int i = q * SIM_COARSE_FEATURES + k;
            double v = wsum[q] > 1e-9 ? pooled[i] / wsum[q] : 0;
            a1 += u->it_w1[i] * v;
            a2 += u->it_w2[i] * v;
        }
    return softplus(6 * a1) * softplus(6 * a2);
}

void sim_drive(const sim_model *m, const sim_features *f, float *drive)
{
    for (int i = 0; i < m->n_units; i++) {
        const sim_unit *u = &m->units[i];
        drive[i] = (float)(u->area == AREA_V1 ? v1_drive(u, f) : u->area == AREA_V4 ? v4_drive(u, f) : it_drive(u, f));
    }
}

double sim_rate(double z) { return softplus(1.5 * z - 0.5); }

/* A transient peaking 12 ms after the latency, on top of a sustained component. */
double sim_kernel(double tau)
{
    if (tau <= 0) return 0;
    return (tau / 12.0) * exp(1 - tau / 12.0) + 0.35 * (1 - exp(-tau / 15.0));
}

double sim_kernel_window_mean(double latency_ms, int a_ms, int b_ms)
{
    double s = 0;
    for (int t = a_ms; t < b_ms; t++) s += sim_kernel(t - latency_ms);
    return s / (b_ms - a_ms);
}
