#include "session/sim_plot.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "session/canvas.h"

static const colour WHITE = {255, 255, 255}, FRAME = {235, 235, 235}, DARK = {60, 60, 60}, GREY = {150, 150, 150};

static colour area_colour(session_area a, int unusable)
{
    if (unusable) return GREY;
    if (a == AREA_V1) return (colour){40, 90, 200};
    if (a == AREA_V4) return (colour){30, 150, 60};
    return (colour){200, 50, 40};
}

static void draw_frame(canvas *c, int x0, int y0, int side)
{
    canvas_fill_rect(c, x0, y0, side, side, FRAME);
    /* fixation cross at the image centre */
    canvas_line(c, x0 + side / 2.0 - 5, y0 + side / 2.0, x0 + side / 2.0 + 5, y0 + side / 2.0, 1, DARK);
    canvas_line(c, x0 + side / 2.0, y0 + side / 2.0 - 5, x0 + side / 2.0, y0 + side / 2.0 + 5, 1, DARK);
}

int sim_plot_rfs(const sim_model *m, const char *path, char *err, size_t errlen)
{
    const int P = 150, G = 10, big = 4 * P + 3 * G;
    canvas c;
    if (canvas_init(&c, 4 * (P + G) + G + big + G, big + 2 * G, WHITE)) { snprintf(err, errlen, "out of memory"); return -1; }
    int bx = 4 * (P + G) + G;
    draw_frame(&c, bx, G, big);
    for (int a = 1; a <= m->n_arrays; a++) {
        int x0 = G + ((a - 1) % 4) * (P + G), y0 = G + ((a - 1) / 4) * (P + G);
        draw_frame(&c, x0, y0, P);
        for (int u = 0; u < m->n_units; u++) {
            const sim_unit *un = &m->units[u];
            if (un->array != a) continue;
            colour col = area_colour(un->area, a == m->unusable_array);
            canvas_circle(&c, x0 + un->rf_x * P, y0 + un->rf_y * P, un->rf_size * P, 1, col);
            canvas_disk(&c, x0 + un->rf_x * P, y0 + un->rf_y * P, 1.2, col);
            canvas_disk(&c, bx + un->rf_x * big, G + un->rf_y * big, 2.0, col);
        }
    }
    /* in the overview, one circle per array: mean RF centre and mean RF size */
    for (int a = 1; a <= m->n_arrays; a++) {
        double sx = 0, sy = 0, ss = 0;
        int n = 0;
        session_area area = AREA_V1;
        for (int u = 0; u < m->n_units; u++)
            if (m->units[u].array == a) { sx += m->units[u].rf_x; sy += m->units[u].rf_y; ss += m->units[u].rf_size; n++; area = m->units[u].area; }
        if (n) canvas_circle(&c, bx + sx / n * big, G + sy / n * big, ss / n * big, 2, area_colour(area, a == m->unusable_array));
    }
    int rc = canvas_save(&c, path, err, errlen);
    canvas_free(&c);
    return rc;
}

/* Picks an example unit of `area` in the k-th array of that area: a mapped, reliable one. */
static int example_unit(const sim_model *m, session_area area, int k)
{
    int seen = 0;
    for (int a = 1; a <= m->n_arrays; a++) {
        if (sim_array_area(m->monkey, a) != area || a == m->unusable_array) continue;
        if (seen++ != k) continue;
        int best = -1;
        for (int u = 0; u < m->n_units; u++)
            if (m->units[u].array == a && (best < 0 || m->units[u].target_reliability > m->units[best].target_reliability))
                best = u;
        return best;
    }
    return -1;
}

static void draw_curve(canvas *c, int x0, int y0, int P, const double *v, int n, colour col)
{
    double mx = 1e-9;
    for (int i = 0; i < n; i++) if (v[i] > mx) mx = v[i];
    canvas_fill_rect(c, x0, y0, P, P, FRAME);
    canvas_line(c, x0 + 8, y0 + P - 8, x0 + P - 4, y0 + P - 8, 1, DARK);
    canvas_line(c, x0 + 8, y0 + 4, x0 + 8, y0 + P - 8, 1, DARK);
    for (int i = 0; i + 1 < n; i++) {
        double xa = x0 + 8 + (P - 14) * (double)i / (n - 1), xb = x0 + 8 + (P - 14) * (double)(i + 1) / (n - 1);
        double ya = y0 + P - 8 - (P - 16) * v[i] / mx, yb = y0 + P - 8 - (P - 16) * v[i + 1] / mx;
        canvas_line(c, xa, ya, xb, yb, 2, col);
    }
}

#define N_TUNE 16

/* Rate of unit u for a 64 x 64 retina image. */
static double unit_rate(const sim_model *m, int u, const float *img, sim_features *f, float *drive)
{
    sim_features_compute(img, SIM_RETINA, f);
    sim_drive(m, f, drive);
    const sim_unit *un = &m->units[u];
    return sim_rate((drive[u] - un->drive_mean) / un->drive_sd);
}

int sim_plot_tuning(const sim_model *m, const float *rates, const session_data *d, const char *path,
                    char *err, size_t errlen)
{
    const int P = 150, G = 10, S = SIM_RETINA;
    canvas c;
    float *img = malloc(sizeof(float) * 3 * S * S), *drive = malloc(sizeof(float) * (size_t)m->n_units);
    sim_features *f = malloc(sizeof *f);
    if (!img || !drive || !f || canvas_init(&c, 4 * (P + G) + G, 3 * (P + G) + G, WHITE)) {
        free(img); free(drive); free(f);
        snprintf(err, errlen, "out of memory");
        return -1;
    }
    double curve[N_TUNE];
    for (int k = 0; k < 4; k++) {
        int u = example_unit(m, AREA_V1, 2 * k);
        if (u < 0) continue;
        const sim_unit *un = &m->units[u];
        for (int i = 0; i < N_TUNE; i++) {
            /* full-field grating at the unit's wavelength, averaged over 4 phases */
            double th = M_PI * i / N_TUNE, acc = 0;
            for (int ph = 0; ph < 4; ph++) {
                for (int y = 0; y < S; y++)
                    for (int x = 0; x < S; x++) {
                        float v = (float)(0.5 + 0.4 * cos(2 * M_PI * ((x + 0.5) * cos(th) + (y + 0.5) * sin(th)) / un->wavelength + ph * M_PI / 2));
                        for (int ch = 0; ch < 3; ch++) img[ch * S * S + y * S + x] = v;
                    }
                acc += unit_rate(m, u, img, f, drive);
            }
            curve[i] = acc / 4;
        }
        draw_curve(&c, G + k * (P + G), G, P, curve, N_TUNE, area_colour(AREA_V1, 0));
    }
    for (int k = 0; k < 4; k++) {
        int u = example_unit(m, AREA_V4, k);
        if (u < 0) continue;
        const sim_unit *un = &m->units[u];
        for (int i = 0; i < N_TUNE; i++) {
            /* a disk of hue i over the RF (radius 2 sigma) on grey */
            double h = 2 * M_PI * i / N_TUNE, rg = 0.35 * cos(h), by = 0.35 * sin(h);
            double r = 0.5 + rg / 2 - by / 3, g = 0.5 - rg / 2 - by / 3, b = 0.5 + 2 * by / 3;
            double cx = un->rf_x * S, cy = un->rf_y * S, rad = 2 * un->rf_size * S;
            for (int y = 0; y < S; y++)
                for (int x = 0; x < S; x++) {
                    int in = hypot(x + 0.5 - cx, y + 0.5 - cy) <= rad;
                    img[y * S + x] = (float)(in ? r : 0.5);
                    img[S * S + y * S + x] = (float)(in ? g : 0.5);
                    img[2 * S * S + y * S + x] = (float)(in ? b : 0.5);
                }
            curve[i] = unit_rate(m, u, img, f, drive);
        }
        int x0 = G + k * (P + G), y0 = G + P + G;
        draw_curve(&c, x0, y0, P, curve, N_TUNE, area_colour(AREA_V4, 0));
        /* hue legend along the x axis */
        for (int i = 0; i < N_TUNE; i++) {
            double h = 2 * M_PI * i / N_TUNE, rg = 0.35 * cos(h), by = 0.35 * sin(h);
            colour col = {(unsigned char)(255 * (0.5 + rg / 2 - by / 3)), (unsigned char)(255 * (0.5 - rg / 2 - by / 3)),
                          (unsigned char)(255 * (0.5 + 2 * by / 3))};
            canvas_disk(&c, x0 + 8 + (P - 14) * (double)i / (N_TUNE - 1), y0 + P - 4, 3, col);
        }
    }
    size_t im = (size_t)3 * d->image_size * d->image_size;
    for (int k = 0; k < 4; k++) {
        int u = example_unit(m, AREA_IT, k);
        if (u < 0) continue;
        int top[4] = {-1, -1, -1, -1};
        for (int i = 0; i < d->n_train; i++) {
            double r = rates[(size_t)i * m->n_units + u];
            for (int j = 0; j < 4; j++)
                if (top[j] < 0 || r > rates[(size_t)top[j] * m->n_units + u]) {
                    memmove(top + j + 1, top + j, sizeof(int) * (size_t)(3 - j));
                    top[j] = i;
                    break;
                }
        }
        int x0 = G + k * (P + G), y0 = G + 2 * (P + G), half = P / 2;
        for (int j = 0; j < 4 && top[j] >= 0; j++) {
            int tx = x0 + (j % 2) * half, ty = y0 + (j / 2) * half;
            canvas_image(&c, d->stim_train + (size_t)top[j] * im, d->image_size, tx, ty, half - 2);
            const sim_unit *un = &m->units[u];
            canvas_circle(&c, tx + un->rf_x * (half - 2), ty + un->rf_y * (half - 2), un->rf_size * (half - 2), 1,
                          (colour){255, 255, 255});
        }
    }
    int rc = canvas_save(&c, path, err, errlen);
    canvas_free(&c);
    free(img);
    free(drive);
    free(f);
    return rc;
}

int sim_plot_stimuli(const session_data *d, const char *path, char *err, size_t errlen)
{
    const int P = 128, G = 6;
    canvas c;
    if (canvas_init(&c, 4 * (P + G) + G, 4 * (P + G) + G, WHITE)) { snprintf(err, errlen, "out of memory"); return -1; }
    size_t im = (size_t)3 * d->image_size * d->image_size;
    for (int i = 0; i < 16 && i < d->n_train; i++)
        canvas_image(&c, d->stim_train + (size_t)i * im, d->image_size, G + (i % 4) * (P + G), G + (i / 4) * (P + G), P);
    int rc = canvas_save(&c, path, err, errlen);
    canvas_free(&c);
    return rc;
}
