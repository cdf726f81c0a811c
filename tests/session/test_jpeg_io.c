/* formats/jpeg_io: every colour model decodes to the pixels it was encoded from (within JPEG's
 * loss), and damaged or hostile files (every truncation, garbage after the marker, oversized
 * dimensions, corrupt scan data) end with a message naming the file instead of a crash or exit. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "formats/jpeg_io.h"
#include "jpeg_test_encoder.h"

static int failures;
#define CHECK(cond, ...)                                                        \
    do {                                                                        \
        if (!(cond)) {                                                          \
            failures++;                                                         \
            fprintf(stderr, "FAIL %s:%d: ", __FILE__, __LINE__);                \
            fprintf(stderr, __VA_ARGS__);                                       \
            fprintf(stderr, "\n");                                              \
        }                                                                       \
    } while (0)

enum { W = 40, H = 24 };

/* Smooth colour ramps: JPEG keeps them within a few levels at quality 100. */
static void make_ramps(unsigned char *rgb)
{
    for (int y = 0; y < H; y++)
        for (int x = 0; x < W; x++) {
            unsigned char *p = rgb + 3 * (y * W + x);
            p[0] = (unsigned char)(40 + 4 * x);
            p[1] = (unsigned char)(200 - 6 * y);
            p[2] = (unsigned char)(60 + 2 * x + 3 * y);
        }
}

static unsigned char *encode(const unsigned char *rgb, jpeg_test_mode mode, unsigned long *len)
{
    unsigned char *jpg;
    if (jpeg_test_encode(rgb, W, H, mode, 100, &jpg, len)) { fprintf(stderr, "encoder failed\n"); exit(1); }
    return jpg;
}

/* Largest channel difference between the decode and the expected RGB. */
static int max_error(const rgb_image *img, const unsigned char *want)
{
    int worst = 0;
    for (size_t i = 0; i < (size_t)W * H * 3; i++) {
        int d = abs((int)img->pixels[i] - (int)want[i]);
        if (d > worst) worst = d;
    }
    return worst;
}

static void test_colour_models(const unsigned char *rgb)
{
    static const struct { jpeg_test_mode mode; const char *name; } cases[] = {
        {JPEG_TEST_BASELINE, "baseline"}, {JPEG_TEST_PROGRESSIVE, "progressive"},
        {JPEG_TEST_CMYK, "cmyk"}, {JPEG_TEST_YCCK, "ycck"}, {JPEG_TEST_GREY, "grey"},
    };
    unsigned char grey[W * H * 3];
    for (int i = 0; i < W * H; i++) {
        const unsigned char *p = rgb + 3 * i;
        grey[3 * i] = grey[3 * i + 1] = grey[3 * i + 2] = (unsigned char)((299 * p[0] + 587 * p[1] + 114 * p[2] + 500) / 1000);
    }
    for (size_t k = 0; k < sizeof cases / sizeof cases[0]; k++) {
        unsigned long len;
        unsigned char *jpg = encode(rgb, cases[k].mode, &len);
        rgb_image img;
        char err[512] = "";
        int rc = jpeg_decode_rgb(jpg, len, cases[k].name, &img, err, sizeof err);
        CHECK(rc == 0, "%s: %s", cases[k].name, err);
        if (rc == 0) {
            CHECK(img.width == W && img.height == H, "%s: decoded %dx%d", cases[k].name, img.width, img.height);
            int e = max_error(&img, cases[k].mode == JPEG_TEST_GREY ? grey : rgb);
            printf("%-11s %5lu bytes, max channel error %d/255\n", cases[k].name, len, e);
            CHECK(e <= 6, "%s: max channel error %d", cases[k].name, e);
            rgb_image_free(&img);
        }
        free(jpg);
    }
}

/* Every proper prefix of the file is refused (libjpeg alone would pad it with grey). */
static void test_truncations(const unsigned char *rgb)
{
    unsigned long len;
    unsigned char *jpg = encode(rgb, JPEG_TEST_PROGRESSIVE, &len);
    int refused = 0, named = 0, said_truncated = 0;
    for (unsigned long n = 0; n < len - 2; n++) { /* the last two bytes are the end marker */
        rgb_image img;
        char err[512] = "";
        if (jpeg_decode_rgb(jpg, n, "cut.jpg", &img, err, sizeof err) == 0) {
            rgb_image_free(&img);
            continue;
        }
        refused++;
        named += !strncmp(err, "cut.jpg: ", 9);
        said_truncated += strstr(err, "truncated JPEG") != NULL;
    }
    printf("truncations: %d of %lu prefixes refused, %d say 'truncated JPEG'\n", refused, len - 2, said_truncated);
    CHECK(refused == (int)(len - 2), "%lu of %lu truncated files decoded", len - 2 - refused, len - 2);
    CHECK(named == refused, "only %d of %d messages name the file", named, refused);
    CHECK(said_truncated >= refused * 9 / 10, "only %d of %d messages say truncated", said_truncated, refused);
    free(jpg);
}

static void expect_refused(const unsigned char *buf, unsigned long len, const char *what, const char *message)
{
    rgb_image img;
    char err[512] = "";
    int rc = jpeg_decode_rgb(buf, len, "bad.jpg", &img, err, sizeof err);
    CHECK(rc != 0, "%s decoded", what);
    if (rc == 0) { rgb_image_free(&img); return; }
    CHECK(strstr(err, "bad.jpg") && strstr(err, message), "%s: message '%s' lacks '%s'", what, err, message);
    printf("%-22s -> %s\n", what, err);
}

static void test_hostile(const unsigned char *rgb)
{
    unsigned long len;
    unsigned char *jpg = encode(rgb, JPEG_TEST_BASELINE, &len);
    unsigned char *bad = malloc(len);
    /* dimensions beyond the bound, patched into the SOF0 marker */
    memcpy(bad, jpg, len);
    for (unsigned long i = 2; i + 9 < len; i++)
        if (bad[i] == 0xFF && bad[i + 1] == 0xC0) {
            bad[i + 5] = 9000 >> 8; bad[i + 6] = 9000 & 0xFF;
            break;
        }
    expect_refused(bad, len, "9000-pixel-high image", "outside 1..8192");
    /* entropy-coded data with a restart marker in the middle: libjpeg warns and resyncs */
    memcpy(bad, jpg, len);
    bad[len / 2] = 0xFF;
    bad[len / 2 + 1] = 0xD3;
    expect_refused(bad, len, "marker inside the scan", "corrupt JPEG");
    static const unsigned char garbage[] = {0xFF, 0xD8, 0xFF, 'g', 'a', 'r', 'b', 'a', 'g', 'e', 0, 0, 0, 0};
    expect_refused(garbage, sizeof garbage, "garbage after SOI", "JPEG");
    static const unsigned char png_sig[] = {0x89, 'P', 'N', 'G', '\r', '\n', 0x1A, '\n', 0, 0};
    expect_refused(png_sig, sizeof png_sig, "PNG bytes", "not a JPEG image");
    expect_refused(jpg, 0, "empty file", "not a JPEG image");
    free(bad);
    free(jpg);
}

static void test_file_errors(void)
{
    rgb_image img;
    char err[512] = "";
    CHECK(jpeg_read_rgb("/nonexistent/stimulus.jpg", &img, err, sizeof err) != 0, "missing file read");
    CHECK(strstr(err, "/nonexistent/stimulus.jpg") != NULL, "message '%s' does not name the file", err);
}

int main(void)
{
    unsigned char rgb[W * H * 3];
    make_ramps(rgb);
    test_colour_models(rgb);
    test_truncations(rgb);
    test_hostile(rgb);
    test_file_errors();
    if (failures) { fprintf(stderr, "%d failure(s)\n", failures); return 1; }
    printf("jpeg_io ok\n");
    return 0;
}
