/* Test helper: converts a PNG stimulus into a JPEG.
 * usage: make_jpeg MODE QUALITY IN.png OUT.jpg   (MODE: baseline, progressive, grey, cmyk, ycck) */
#include <stdio.h>
#include <stdlib.h>

#include "formats/png_io.h"
#include "jpeg_test_encoder.h"

int main(int argc, char **argv)
{
    int mode = argc == 5 ? jpeg_test_mode_by_name(argv[1]) : -1;
    int quality = argc == 5 ? atoi(argv[2]) : 0;
    if (mode < 0 || quality < 1 || quality > 100) {
        fprintf(stderr, "usage: make_jpeg baseline|progressive|grey|cmyk|ycck QUALITY IN.png OUT.jpg\n");
        return 2;
    }
    char err[1024];
    rgb_image img;
    if (png_read_rgb(argv[3], &img, err, sizeof err)) { fprintf(stderr, "make_jpeg: %s\n", err); return 1; }
    unsigned char *jpg;
    unsigned long len;
    int rc = jpeg_test_encode(img.pixels, img.width, img.height, (jpeg_test_mode)mode, quality, &jpg, &len);
    rgb_image_free(&img);
    if (rc) { fprintf(stderr, "make_jpeg: out of memory\n"); return 1; }
    FILE *f = fopen(argv[4], "wb");
    int bad = !f;
    if (f) {
        bad = fwrite(jpg, 1, len, f) != len;
        bad |= fclose(f) != 0;
    }
    free(jpg);
    if (bad) { fprintf(stderr, "make_jpeg: cannot write %s\n", argv[4]); return 1; }
    return 0;
}
