#include "session/canvas.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "formats/png_io.h"

int canvas_init(canvas *c, int w, int h, colour bg)
{
    c->w = w;
    c->h = h;
    c->px = malloc((size_t)w * h * 3);
    if (!c->px) return -1;
    canvas_fill_rect(c, 0, 0, w, h, bg);
    return 0;
}

void canvas_free(canvas *c) { free(c->px); c->px = NULL; }

static void put(canvas *c, int x, int y, colour col)
{
    if (x < 0 || y < 0 || x >= c->w || y >= c->h) return;
    unsigned char *p = c->px + ((size_t)y * c->w + x) * 3;
    p[0] = col.r; p[1] = col.g; p[2] = col.b;
}

void canvas_fill_rect(canvas *c, int x0, int y0, int w, int h, colour col)
{
    for (int y = y0; y < y0 + h; y++)
        for (int x = x0; x < x0 + w; x++) put(c, x, y, col);
}

void canvas_disk(canvas *c, double cx, double cy, double r, colour col)
{
    for (int y = (int)floor(cy - r); y <= (int)ceil(cy + r); y++)
        for (int x = (int)floor(cx - r); x <= (int)ceil(cx + r); x++)
            if ((x + 0.5 - cx) * (x + 0.5 - cx) + (y + 0.5 - cy) * (y + 0.5 - cy) <= r * r) put(c, x, y, col);
}

void canvas_circle(canvas *c, double cx, double cy, double r, double thickness, colour col)
{
    double ro = r + thickness / 2, ri = r - thickness / 2;
    for (int y = (int)floor(cy - ro); y <= (int)ceil(cy + ro); y++)
        for (int x = (int)floor(cx - ro); x <= (int)ceil(cx + ro); x++) {
            double d2 = (x + 0.5 - cx) * (x + 0.5 - cx) + (y + 0.5 - cy) * (y + 0.5 - cy);
            if (d2 <= ro * ro && d2 >= ri * ri) put(c, x, y, col);
        }
}

void canvas_line(canvas *c, double x0, double y0, double x1, double y1, double thickness, colour col)
{
    double len = hypot(x1 - x0, y1 - y0);
    int steps = (int)ceil(len * 2) + 1;
    for (int i = 0; i <= steps; i++) {
        double t = (double)i / steps;
        canvas_disk(c, x0 + t * (x1 - x0), y0 + t * (y1 - y0), thickness / 2, col);
    }
}

void canvas_image(canvas *c, const float *img, int s, int x0, int y0, int side)
{
    size_t plane = (size_t)s * s;
    for (int y = 0; y < side; y++)
        for (int x = 0; x < side; x++) {
            int sx = x * s / side, sy = y * s / side;
            float v[3];
            for (int k = 0; k < 3; k++) {
                v[k] = img[k * plane + (size_t)sy * s + sx];
                v[k] = v[k] < 0 ? 0 : v[k] > 1 ? 1 : v[k];
            }
            colour col = {(unsigned char)lrintf(v[0] * 255), (unsigned char)lrintf(v[1] * 255), (unsigned char)lrintf(v[2] * 255)};
            put(c, x0 + x, y0 + y, col);
        }
}

int canvas_save(const canvas *c, const char *path, char *err, size_t errlen)
{
    return png_write_rgb(path, c->px, c->w, c->h, err, errlen);
}
