#include "jpeg_test_encoder.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jpeglib.h>

int jpeg_test_mode_by_name(const char *name)
{
    static const char *const names[] = {"baseline", "progressive", "grey", "cmyk", "ycck"};
    for (int i = 0; i < 5; i++)
        if (!strcmp(name, names[i])) return i;
    return -1;
}

/* One row in the encoder's input colour space. CMYK is written the way Photoshop does (inverted
 * inks with an Adobe marker): with K = 255 - max(R,G,B) the decode gives back R, G, B. */
static void convert_row(const unsigned char *rgb, int width, jpeg_test_mode mode, unsigned char *row)
{
    for (int x = 0; x < width; x++) {
        const unsigned char *p = rgb + 3 * x;
        if (mode == JPEG_TEST_GREY) {
            row[x] = (unsigned char)((299 * p[0] + 587 * p[1] + 114 * p[2] + 500) / 1000);
        } else if (mode == JPEG_TEST_CMYK || mode == JPEG_TEST_YCCK) {
            unsigned m = p[0] > p[1] ? p[0] : p[1];
            m = m > p[2] ? m : p[2];
            for (int c = 0; c < 3; c++) {
                unsigned ink = m ? ((m - p[c]) * 255 + m / 2) / m : 0;
                row[4 * x + c] = (unsigned char)(255 - ink);
            }
            row[4 * x + 3] = (unsigned char)m;
        } else {
            memcpy(row + 3 * x, p, 3);
        }
    }
}

int jpeg_test_encode(const unsigned char *rgb, int width, int height, jpeg_test_mode mode, int quality,
                     unsigned char **out, unsigned long *len)
{
    struct jpeg_compress_struct c;
    struct jpeg_error_mgr jerr;
    c.err = jpeg_std_error(&jerr);
    jpeg_create_compress(&c);
    *out = NULL;
    *len = 0;
    jpeg_mem_dest(&c, out, len);
    int channels = mode == JPEG_TEST_GREY ? 1 : (mode == JPEG_TEST_CMYK || mode == JPEG_TEST_YCCK) ? 4 : 3;
    c.image_width = (JDIMENSION)width;
    c.image_height = (JDIMENSION)height;
    c.input_components = channels;
    c.in_color_space = channels == 1 ? JCS_GRAYSCALE : channels == 4 ? JCS_CMYK : JCS_RGB;
    jpeg_set_defaults(&c);
    if (mode == JPEG_TEST_YCCK) jpeg_set_colorspace(&c, JCS_YCCK);
    jpeg_set_quality(&c, quality, TRUE);
    for (int i = 0; i < c.num_components; i++) c.comp_info[i].h_samp_factor = c.comp_info[i].v_samp_factor = 1;
    if (mode == JPEG_TEST_PROGRESSIVE) jpeg_simple_progression(&c);
    unsigned char *row = malloc((size_t)width * (size_t)channels);
    if (!row) { jpeg_destroy_compress(&c); return -1; }
    jpeg_start_compress(&c, TRUE);
    while (c.next_scanline < c.image_height) {
        convert_row(rgb + (size_t)c.next_scanline * width * 3, width, mode, row);
        JSAMPROW r = row;
        jpeg_write_scanlines(&c, &r, 1);
    }
    jpeg_finish_compress(&c);
    jpeg_destroy_compress(&c);
    free(row);
    return 0;
}
