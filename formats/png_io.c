#include "formats/png_io.h"

#include <png.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "formats/atomic_file.h"

/* PNG files of stimuli are small; anything bigger is refused before decoding. */
#define PNG_IO_MAX_FILE_BYTES ((size_t)256 << 20)

int png_read_rgb(const char *path, rgb_image *out, char *err, size_t errlen)
{
    memset(out, 0, sizeof *out);
    unsigned char *buf;
    size_t len;
    char e[512];
    if (read_whole_file(path, PNG_IO_MAX_FILE_BYTES, &buf, &len, e, sizeof e)) {
        snprintf(err, errlen, "%s", e);
        return -1;
    }
    png_image img;
    memset(&img, 0, sizeof img);
    img.version = PNG_IMAGE_VERSION;
    if (!png_image_begin_read_from_memory(&img, buf, len)) {
        snprintf(err, errlen, "%s: unreadable image: %s", path, img.message);
        free(buf);
        return -1;
    }
    if (img.width == 0 || img.height == 0 || img.width > PNG_IO_MAX_SIDE || img.height > PNG_IO_MAX_SIDE) {
        snprintf(err, errlen, "%s: image is %ux%u, outside 1..%d pixels per side", path, img.width,
                 img.height, PNG_IO_MAX_SIDE);
        png_image_free(&img);
        free(buf);
        return -1;
    }
    img.format = PNG_FORMAT_RGB;
    size_t n = PNG_IMAGE_SIZE(img);
    unsigned char *px = malloc(n);
    if (!px) {
        snprintf(err, errlen, "%s: out of memory", path);
        png_image_free(&img);
        free(buf);
        return -1;
    }
    /* A white background for transparent pixels, as an image viewer would show them. */
    png_color background = {255, 255, 255};
    if (!png_image_finish_read(&img, &background, px, 0, NULL)) {
        snprintf(err, errlen, "%s: unreadable image: %s", path, img.message);
        free(px);
        free(buf);
        return -1;
    }
    free(buf);
    out->width = (int)img.width;
    out->height = (int)img.height;
    out->pixels = px;
    return 0;
}

int png_write_rgb(const char *path, const unsigned char *rgb, int width, int height,
                  char *err, size_t errlen)
{
    if (width <= 0 || height <= 0 || width > PNG_IO_MAX_SIDE || height > PNG_IO_MAX_SIDE) {
        snprintf(err, errlen, "%s: cannot write a %dx%d image", path, width, height);
        return -1;
    }
    png_image img;
    memset(&img, 0, sizeof img);
    img.version = PNG_IMAGE_VERSION;
    img.width = (png_uint_32)width;
    img.height = (png_uint_32)height;
    img.format = PNG_FORMAT_RGB;
    png_alloc_size_t size = 0;
    if (!png_image_write_get_memory_size(img, size, 0, rgb, 0, NULL)) {
        snprintf(err, errlen, "%s: PNG encoding failed: %s", path, img.message);
        return -1;
    }
    void *mem = malloc(size);
    if (!mem) { snprintf(err, errlen, "%s: out of memory", path); return -1; }
    if (!png_image_write_to_memory(&img, mem, &size, 0, rgb, 0, NULL)) {
        snprintf(err, errlen, "%s: PNG encoding failed: %s", path, img.message);
        free(mem);
        return -1;
    }
    int rc = atomic_write_file(path, mem, size, err, errlen);
    free(mem);
    return rc;
}

int png_encode_rgb(const unsigned char *rgb, int width, int height, unsigned char **out, size_t *len)
{
    png_image img;
    memset(&img, 0, sizeof img);
    img.version = PNG_IMAGE_VERSION;
    img.width = (png_uint_32)width;
    img.height = (png_uint_32)height;
    img.format = PNG_FORMAT_RGB;
    png_alloc_size_t size = 0;
    if (width <= 0 || height <= 0 || !png_image_write_get_memory_size(img, size, 0, rgb, 0, NULL)) return -1;
    unsigned char *mem = malloc(size);
    if (!mem) return -1;
    if (!png_image_write_to_memory(&img, mem, &size, 0, rgb, 0, NULL)) { free(mem); return -1; }
    *out = mem;
    *len = size;
    return 0;
}

void rgb_image_free(rgb_image *img)
{
    free(img->pixels);
    img->pixels = NULL;
}
