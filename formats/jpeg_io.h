/* JPEG stimuli: reading baseline, progressive, greyscale and CMYK/YCCK JPEG as 8-bit RGB (the same
 * rgb_image as formats/png_io.h). Files are untrusted: libjpeg's errors and warnings (a truncated or
 * corrupt stream is only a warning to libjpeg) end the decode with a message naming the file instead
 * of exiting the process, dimensions are bounded by PNG_IO_MAX_SIDE and memory and scan counts are
 * capped. EXIF orientation is not applied: pixels are returned as stored. */
#ifndef IRFA_JPEG_IO_H
#define IRFA_JPEG_IO_H
#include <stddef.h>

#include "formats/png_io.h"

/* Whether the first bytes (at least 3) are a JPEG start-of-image marker followed by a marker. */
int jpeg_has_signature(const unsigned char *head, size_t n);

int jpeg_read_rgb(const char *path, rgb_image *out, char *err, size_t errlen);
/* Decodes an in-memory JPEG; `name` is used in messages. */
int jpeg_decode_rgb(const unsigned char *buf, size_t len, const char *name, rgb_image *out,
                    char *err, size_t errlen);

#endif
