#include "server/png_encode.h"

#include <png.h>
#include <stdlib.h>
#include <string.h>

typedef struct mem_sink { uint8_t *p; size_t len, cap; int failed; } mem_sink;

static void sink_write(png_structp png, png_bytep data, png_size_t n)
{
    mem_sink *s = png_get_io_ptr(png);
    if (s->failed) return;
    if (s->len + n > s->cap) {
        size_t cap = (s->len + n) * 2;
        uint8_t *np = realloc(s->p, cap);
        if (!np) { s->failed = 1; return; }
        s->p = np;
        s->cap = cap;
    }
    memcpy(s->p + s->len, data, n);
    s->len += n;
}

static void sink_flush(png_structp png) { (void)png; }

int png_encode_rgb_planes(const float *planes, int h, int w, uint8_t **out, size_t *outlen)
{
    uint8_t *rgb = malloc((size_t)h * (size_t)w * 3);
    png_bytep *rows = malloc(sizeof(png_bytep) * (size_t)h);
    mem_sink sink = {0};
    png_structp png = png_create_write_struct(PNG_LIBPNG_VER_STRING, NULL, NULL, NULL);
    png_infop info = png ? png_create_info_struct(png) : NULL;
    if (!rgb || !rows || !info) goto fail;
    size_t plane = (size_t)h * (size_t)w;
    for (size_t i = 0; i < plane; i++)
        for (int c = 0; c < 3; c++) {
            float v = planes[(size_t)c * plane + i];
            v = v != v ? 0.f : v < 0.f ? 0.f : v > 1.f ? 1.f : v;
            rgb[i * 3 + (size_t)c] = (uint8_t)(v * 255.f + 0.5f);
        }
    for (int y = 0; y < h; y++) rows[y] = rgb + (size_t)y * (size_t)w * 3;
    if (setjmp(png_jmpbuf(png))) goto fail;
    png_set_write_fn(png, &sink, sink_write, sink_flush);
    png_set_IHDR(png, info, (png_uint_32)w, (png_uint_32)h, 8, PNG_COLOR_TYPE_RGB, PNG_INTERLACE_NONE,
                 PNG_COMPRESSION_TYPE_DEFAULT, PNG_FILTER_TYPE_DEFAULT);
    png_set_rows(png, info, rows);
    png_write_png(png, info, PNG_TRANSFORM_IDENTITY, NULL);
    if (sink.failed) goto fail;
    png_destroy_write_struct(&png, &info);
    free(rgb);
    free(rows);
    *out = sink.p;
    *outlen = sink.len;
    return 0;
fail:
    if (png) png_destroy_write_struct(&png, info ? &info : NULL);
    free(rgb);
    free(rows);
    free(sink.p);
    return -1;
}
