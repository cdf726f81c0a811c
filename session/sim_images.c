#include "session/sim_images.h"

#include <math.h>
#include <stddef.h>

#include "session/sim_rng.h"

#define RNG_PURPOSE_IMAGES 1

typedef struct leaf {
    double cx, cy, r, aspect, angle;
    int rect;
    double rgb[3];
    int texture;              /* 0 flat, 1 grating, 2 checker */
    double tex_freq, tex_angle, tex_contrast;
} leaf;

static void random_leaf(sim_rng *g, int size, leaf *l)
{
    /* inverse CDF of p(r) ~ r^-3 on [rmin, rmax] */
    double rmin = 1.0 * size / 64.0 + 0.5, rmax = 0.45 * size;
    double a = 1.0 / (rmin * rmin), b = 1.0 / (rmax * rmax);
    l->r = 1.0 / sqrt(a - sim_rng_uniform(g) * (a - b));
    l->cx = sim_rng_range(g, -0.1, 1.1) * size;
    l->cy = sim_rng_range(g, -0.1, 1.1) * size;
    l->aspect = sim_rng_range(g, 0.35, 1.0);
    l->angle = sim_rng_range(g, 0, M_PI);
    l->rect = sim_rng_uniform(g) < 0.4;
    /* colour: a random hue with random saturation and value (HSV -> RGB) */
    double h = sim_rng_uniform(g) * 6.0, s = pow(sim_rng_uniform(g), 0.7), v = sim_rng_range(g, 0.15, 1.0);
    int i = (int)h;
    double f = h - i, p = v * (1 - s), q = v * (1 - s * f), t = v * (1 - s * (1 - f));
    double rgb[6][3] = {{v, t, p}, {q, v, p}, {p, v, t}, {p, q, v}, {t, p, v}, {v, p, q}};
    for (int c = 0; c < 3; c++) l->rgb[c] = rgb[i % 6][c];
    double u = sim_rng_uniform(g);
    l->texture = u < 0.5 ? 0 : u < 0.8 ? 1 : 2;
    l->tex_freq = sim_rng_range(g, 0.06, 0.3);           /* cycles per pixel */
    l->tex_angle = sim_rng_range(g, 0, M_PI);
    l->tex_contrast = sim_rng_range(g, 0.15, 0.45);
}

static void paint_leaf(const leaf *l, int size, float *out)
{
    double ext = l->r * 1.5;
    int x0 = (int)floor(l->cx - ext), x1 = (int)ceil(l->cx + ext);
    int y0 = (int)floor(l->cy - ext), y1 = (int)ceil(l->cy + ext);
    if (x0 < 0) x0 = 0;
    if (y0 < 0) y0 = 0;
    if (x1 > size - 1) x1 = size - 1;
    if (y1 > size - 1) y1 = size - 1;
    double ca = cos(l->angle), sa = sin(l->angle), ct = cos(l->tex_angle), st = sin(l->tex_angle);
    size_t plane = (size_t)size * size;
    for (int y = y0; y <= y1; y++)
        for (int x = x0; x <= x1; x++) {
            double dx = x + 0.5 - l->cx, dy = y + 0.5 - l->cy;
            double u = (dx * ca + dy * sa) / l->r, v = (-dx * sa + dy * ca) / (l->r * l->aspect);
            int inside = l->rect ? fabs(u) <= 1 && fabs(v) <= 1 : u * u + v * v <= 1;
            if (!inside) continue;
            double m = 1.0;
            if (l->texture) {
                double phase = 2 * M_PI * l->tex_freq * (x * ct + y * st);
                double w = l->texture == 1 ? sin(phase)
                                           : (sin(phase) * sin(2 * M_PI * l->tex_freq * (-x * st + y * ct)) > 0 ? 1 : -1);
                m = 1.0 + l->tex_contrast * w;
            }
            for (int c = 0; c < 3; c++) {
                double val = l->rgb[c] * m;
                out[c * plane + (size_t)y * size + x] = (float)(val < 0 ? 0 : val > 1 ? 1 : val);
            }
        }
}

void sim_dead_leaves(uint64_t seed, int index, int size, float *out)
{
    sim_rng g;
    sim_rng_seed(&g, seed, RNG_PURPOSE_IMAGES, (uint64_t)index);
    size_t plane = (size_t)size * size;
    /* background: a soft vertical gradient, covered almost everywhere by leaves */
    double top[3], bottom[3];
    for (int c = 0; c < 3; c++) { top[c] = sim_rng_range(&g, 0.2, 0.8); bottom[c] = sim_rng_range(&g, 0.1, 0.6); }
    for (int y = 0; y < size; y++)
        for (int x = 0; x < size; x++)
            for (int c = 0; c < 3; c++)
                out[c * plane + (size_t)y * size + x] = (float)(top[c] + (bottom[c] - top[c]) * y / (size - 1));
    /* painting in order means later leaves occlude earlier ones, which is the dead-leaves model
     * viewed from the front */
    int n = 150 + (int)(sim_rng_uniform(&g) * 100); /* rmin scales with size, so coverage does not depend on it */
    for (int i = 0; i < n; i++) {
        leaf l;
        random_leaf(&g, size, &l);
        paint_leaf(&l, size, out);
    }
}
