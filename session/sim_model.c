/* Building the virtual macaque's electrodes (positions, RF sizes, tuning) from the seed. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "session/sim_model.h"
#include "session/sim_rng.h"

#define RNG_PURPOSE_ARRAYS 2
#define RNG_PURPOSE_UNITS 3

session_area sim_array_area(char monkey, int array)
{
    if (array <= 8) return AREA_V1;
    if (monkey == 'F') return array <= 13 ? AREA_IT : AREA_V4; /* F: V1 1-512, IT 513-832, V4 833-1024 */
    return array <= 12 ? AREA_V4 : AREA_IT;                    /* N: V1 1-512, V4 513-768, IT 769-1024 */
}

/* RF size (Gaussian sigma, fraction of the image) grows with eccentricity and along V1 < V4 < IT. */
static double rf_size_at(session_area a, double ecc)
{
    switch (a) {
    case AREA_V1: return 0.012 + 0.07 * ecc;
    case AREA_V4: return 0.035 + 0.2 * ecc;
    default: return 0.10 + 0.3 * ecc;
    }
}

static double clamp(double v, double lo, double hi) { return v < lo ? lo : v > hi ? hi : v; }

static int make_kernels(sim_unit *u)
{
    const int R = SIM_RETINA;
    double sigma = u->rf_size * R;
    u->k_cx = (int)floor(u->rf_x * R);
    u->k_cy = (int)floor(u->rf_y * R);
    if (u->area == AREA_IT) {
        u->kernel = malloc(sizeof(float) * SIM_COARSE * SIM_COARSE);
        if (!u->kernel) return -1;
        double cs = sigma * SIM_COARSE / R, cx = u->rf_x * SIM_COARSE, cy = u->rf_y * SIM_COARSE;
        for (int y = 0; y < SIM_COARSE; y++)
            for (int x = 0; x < SIM_COARSE; x++) {
                double dx = x + 0.5 - cx, dy = y + 0.5 - cy;
                u->kernel[y * SIM_COARSE + x] = (float)exp(-(dx * dx + dy * dy) / (2 * cs * cs));
            }
        return 0;
    }
    int r = (int)ceil(3 * sigma);
    if (r < 2) r = 2;
    int w = 2 * r + 1, planes = u->area == AREA_V1 ? 4 : 1;
    u->k_radius = r;
    u->kernel = calloc((size_t)planes * w * w, sizeof(float));
    if (!u->kernel) return -1;
    double cx = u->rf_x * R - (u->k_cx + 0.5), cy = u->rf_y * R - (u->k_cy + 0.5); /* subpixel centre */
    for (int s = 0; s < (u->area == AREA_V1 ? 2 : 1); s++) {
        double sg = s == 0 ? sigma : sigma * 0.6, lam = s == 0 ? u->wavelength : u->wavelength * 0.5;
        double ct = cos(u->orientation), st = sin(u->orientation), env_sum = 0, even_sum = 0;
        float *ke = u->kernel + (size_t)(2 * s) * w * w, *ko = ke + (size_t)w * w;
        for (int y = -r; y <= r; y++)
            for (int x = -r; x <= r; x++) {
                double dx = x - cx, dy = y - cy, env = exp(-(dx * dx + dy * dy) / (2 * sg * sg));
                size_t i = (size_t)(y + r) * w + (x + r);
                if (u->area == AREA_V1) {
                    double ph = 2 * M_PI * (dx * ct + dy * st) / lam;
                    ke[i] = (float)(env * cos(ph));
                    ko[i] = (float)(env * sin(ph));
                    even_sum += env * cos(ph);
                } else {
                    ke[i] = (float)env;
                }
                env_sum += env;
            }
        /* V1: remove the even filter's DC response so that uniform patches do not drive it;
         * V4: normalise the pooling weights to sum 1 */
        for (int y = -r; y <= r; y++)
            for (int x = -r; x <= r; x++) {
                size_t i = (size_t)(y + r) * w + (x + r);
                double dx = x - cx, dy = y - cy, env = exp(-(dx * dx + dy * dy) / (2 * sg * sg));
                if (u->area == AREA_V1) ke[i] -= (float)(even_sum / env_sum * env);
                else ke[i] /= (float)env_sum;
            }
    }
    return 0;
}

int sim_model_build(sim_model *m, uint64_t seed, char monkey, int per_array, int unusable_array)
{
    memset(m, 0, sizeof *m);
    m->seed = seed;
    m->monkey = monkey;
    m->n_arrays = 16;
    m->per_array = per_array;
    m->unusable_array = unusable_array;
    m->n_units = m->n_arrays * per_array;
    m->units = calloc((size_t)m->n_units, sizeof *m->units);
    if (!m->units) return -1;
    sim_rng ga;
    sim_rng_seed(&ga, seed, RNG_PURPOSE_ARRAYS, 0);
    int side = (int)ceil(sqrt((double)per_array));
    for (int a = 1; a <= m->n_arrays; a++) {
        session_area area = sim_array_area(monkey, a);
        /* Array centres: V1 and V4 in the lower-left visual field (as the TVSD implants), IT near
         * the fovea. Angles in image coordinates (y down): 90 deg = straight below fixation. */
        int k = area == AREA_V1 ? a - 1 : (a - 1) % 4;
        double ang, ecc, spread;
        if (area == AREA_V1) { ang = (100 + 10 * k) * M_PI / 180; ecc = k % 2 ? 0.24 : 0.12; spread = 0.035; }
        else if (area == AREA_V4) { ang = (105 + 18 * k) * M_PI / 180; ecc = 0.2 + 0.04 * (k % 2); spread = 0.06; }
        else { ang = sim_rng_range(&ga, 0, 2 * M_PI); ecc = sim_rng_range(&ga, 0.03, 0.12); spread = 0.09; }
        double acx = 0.5 + ecc * cos(ang), acy = 0.5 + ecc * sin(ang), rot = sim_rng_range(&ga, 0, 2 * M_PI);
        for (int j = 0; j < per_array; j++) {
            sim_unit *u = &m->units[(a - 1) * per_array + j];
            sim_rng g;
            sim_rng_seed(&g, seed, RNG_PURPOSE_UNITS, (uint64_t)((a - 1) * per_array + j));
            u->array = a;
            u->area = area;
            /* retinotopy inside the array: the electrode grid maps smoothly onto the visual field */
            double gx = (j % side - (side - 1) / 2.0) / (side / 2.0), gy = (j / side - (side - 1) / 2.0) / (side / 2.0);
            double ox = spread * (gx * cos(rot) - gy * sin(rot)) + 0.3 * spread * sim_rng_normal(&g);
            double oy = spread * (gx * sin(rot) + gy * cos(rot)) + 0.3 * spread * sim_rng_normal(&g);
            u->rf_x = clamp(acx + ox, 0.04, 0.96);
            u->rf_y = clamp(acy + oy, 0.04, 0.96);
            double e = hypot(u->rf_x - 0.5, u->rf_y - 0.5);
            u->rf_size = rf_size_at(area, e) * sim_rng_range(&g, 0.85, 1.15);
            u->rf_mapped = sim_rng_uniform(&g) > 0.05;
            u->orientation = sim_rng_range(&g, 0, M_PI);
            u->wavelength = fmax(2.5, 2.0 * u->rf_size * SIM_RETINA * sim_rng_range(&g, 0.8, 1.3));
            u->second_scale = sim_rng_range(&g, 0.0, 0.6);
            u->hue = sim_rng_range(&g, 0, 2 * M_PI);
            u->colour_weight = sim_rng_range(&g, 0.2, 1.0);
            u->texture_weight = sim_rng_range(&g, 0.2, 1.0);
            u->orient_a = (int)(sim_rng_uniform(&g) * SIM_ORIENTATIONS);
            u->orient_b = (u->orient_a + 1 + (int)(sim_rng_uniform(&g) * (SIM_ORIENTATIONS - 1))) % SIM_ORIENTATIONS;
            for (int i = 0; i < SIM_IT_WEIGHTS; i++) {
                u->it_w1[i] = sim_rng_uniform(&g) < 0.5 ? (float)sim_rng_normal(&g) : 0.0f;
                u->it_w2[i] = sim_rng_uniform(&g) < 0.5 ? (float)sim_rng_normal(&g) : 0.0f;
            }
            double lat_mean = area == AREA_V1 ? 40 : area == AREA_V4 ? 65 : 90;
            u->latency_ms = lat_mean + (area == AREA_V1 ? 4 : 7) * sim_rng_normal(&g);
            /* about 70 % of usable electrodes pass the 0.4 reliability threshold */
            u->target_reliability = a == unusable_array ? sim_rng_range(&g, 0.0, 0.05)
                                                         : 0.1 + 0.85 * pow(sim_rng_uniform(&g), 0.8);
            if (make_kernels(u)) return -1;
        }
    }
    return 0;
}

void sim_model_free(sim_model *m)
{
    for (int i = 0; i < m->n_units; i++) free(m->units[i].kernel);
    free(m->units);
    memset(m, 0, sizeof *m);
}
