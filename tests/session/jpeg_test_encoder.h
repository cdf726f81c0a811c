/* Writing JPEG test stimuli with libjpeg's compressor (the tests need JPEGs and PIL is not a
 * dependency): baseline or progressive YCbCr, greyscale, and Adobe-style CMYK / YCCK. */
#ifndef IRFA_JPEG_TEST_ENCODER_H
#define IRFA_JPEG_TEST_ENCODER_H

typedef enum { JPEG_TEST_BASELINE, JPEG_TEST_PROGRESSIVE, JPEG_TEST_GREY, JPEG_TEST_CMYK, JPEG_TEST_YCCK } jpeg_test_mode;

/* rgb: height x width x 3. Chroma is not subsampled (4:4:4) so pixels survive closely. Returns 0,
 * or -1 (out of memory); *out is malloc'ed by libjpeg's memory destination, free() it. */
int jpeg_test_encode(const unsigned char *rgb, int width, int height, jpeg_test_mode mode, int quality,
                     unsigned char **out, unsigned long *len);
/* The mode named by a word (baseline, progressive, grey, cmyk, ycck), or -1. */
int jpeg_test_mode_by_name(const char *name);

#endif
