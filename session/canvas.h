/* A tiny RGB raster for the simulator's figures (RF maps, tuning curves), saved as PNG. */
#ifndef IRFA_CANVAS_H
#define IRFA_CANVAS_H
#include <stddef.h>

typedef struct canvas { int w, h; unsigned char *px; } canvas;
typedef struct colour { unsigned char r, g, b; } colour;

int canvas_init(canvas *c, int w, int h, colour bg);
void canvas_free(canvas *c);
void canvas_fill_rect(canvas *c, int x0, int y0, int w, int h, colour col);
void canvas_disk(canvas *c, double cx, double cy, double r, colour col);
void canvas_circle(canvas *c, double cx, double cy, double r, double thickness, colour col);
void canvas_line(canvas *c, double x0, double y0, double x1, double y1, double thickness, colour col);
/* Draws a 3 x s x s float image (values in [0,1]) scaled to `side` pixels at (x0, y0). */
void canvas_image(canvas *c, const float *img, int s, int x0, int y0, int side);
int canvas_save(const canvas *c, const char *path, char *err, size_t errlen);

#endif
