/* PNG encoding of an RGB image held as float32 planes (3, H, W) in [0, 1], for reconstructions
 * whose job wrote the array but no PNG. */
#ifndef IRFA_PNG_ENCODE_H
#define IRFA_PNG_ENCODE_H

#include <stddef.h>
#include <stdint.h>

/* planes: 3 planes of h*w floats (values clamped to [0, 1]). Returns 0 with *out (malloc'd). */
int png_encode_rgb_planes(const float *planes, int h, int w, uint8_t **out, size_t *outlen);

#endif
