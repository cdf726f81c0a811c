/* PNG stimuli: reading any PNG (palette, grey, 16-bit, alpha) as 8-bit RGB, and writing 8-bit RGB
 * atomically. Files are untrusted: dimensions are bounded and every failure names the file. */
#ifndef IRFA_PNG_IO_H
#define IRFA_PNG_IO_H
#include <stddef.h>

#define PNG_IO_MAX_SIDE 8192

typedef struct rgb_image {
    int width, height;
    unsigned char *pixels; /* height x width x 3, row-major */
} rgb_image;

int png_read_rgb(const char *path, rgb_image *out, char *err, size_t errlen);
/* Temporary file, fsync, rename (formats/atomic_file.h). */
int png_write_rgb(const char *path, const unsigned char *rgb, int width, int height,
                  char *err, size_t errlen);
/* Encodes to memory (caller frees *out); for writers that sync a whole folder at once. */
int png_encode_rgb(const unsigned char *rgb, int width, int height, unsigned char **out, size_t *len);
void rgb_image_free(rgb_image *img);

#endif
