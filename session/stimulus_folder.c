#include "session/stimulus_folder.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "formats/jpeg_io.h"
#include "formats/png_io.h"
#include "session/fs_util.h"
#include "session/session.h"

typedef enum { STIM_UNKNOWN, STIM_PNG, STIM_JPEG } stimulus_kind;

static stimulus_kind kind_by_content(const unsigned char *head, size_t n)
{
    static const unsigned char png_sig[8] = {0x89, 'P', 'N', 'G', '\r', '\n', 0x1A, '\n'};
    if (n >= 8 && !memcmp(head, png_sig, 8)) return STIM_PNG;
    if (jpeg_has_signature(head, n)) return STIM_JPEG;
    return STIM_UNKNOWN;
}

static stimulus_kind kind_by_name(const char *path)
{
    const char *dot = strrchr(path, '.');
    if (!dot || strchr(dot, '/')) return STIM_UNKNOWN;
    if (!strcasecmp(dot, ".png")) return STIM_PNG;
    if (!strcasecmp(dot, ".jpg") || !strcasecmp(dot, ".jpeg") || !strcasecmp(dot, ".jpe")) return STIM_JPEG;
    return STIM_UNKNOWN;
}

int stimulus_read_rgb(const char *path, rgb_image *img, char *err, size_t errlen)
{
    memset(img, 0, sizeof *img);
    FILE *f = fopen(path, "rb");
    if (!f) { snprintf(err, errlen, "%s: cannot open: %s", path, strerror(errno)); return -1; }
    unsigned char head[8];
    size_t n = fread(head, 1, sizeof head, f);
    int read_failed = ferror(f);
    int saved = errno;
    fclose(f);
    if (read_failed) { snprintf(err, errlen, "%s: cannot read: %s", path, strerror(saved)); return -1; }
    /* The content decides, so a PNG saved as .jpg still reads; the name only explains failures. */
    stimulus_kind kind = kind_by_content(head, n), named = kind_by_name(path);
    if (kind == STIM_UNKNOWN) {
        char start[32] = "an empty file";
        if (n) {
            int used = snprintf(start, sizeof start, "starts");
            for (size_t i = 0; i < n && i < 4; i++) used += snprintf(start + used, sizeof start - (size_t)used, " %02x", head[i]);
        }
        snprintf(err, errlen, "%s: unreadable image: neither PNG nor JPEG data (%s)%s", path, start,
                 named == STIM_JPEG ? ", although the name says JPEG" : named == STIM_PNG ? ", although the name says PNG" : "");
        return -1;
    }
    int rc = kind == STIM_PNG ? png_read_rgb(path, img, err, errlen) : jpeg_read_rgb(path, img, err, errlen);
    if (rc && named != STIM_UNKNOWN && named != kind) {
        size_t used = strlen(err);
        if (used < errlen)
            snprintf(err + used, errlen - used, " (the file holds %s data under a %s name)",
                     kind == STIM_PNG ? "PNG" : "JPEG", named == STIM_PNG ? "PNG" : "JPEG");
    }
    return rc;
}

int stimuli_load_files(const char *const *paths, int n, int size, float *out, char *err, size_t errlen)
{
    int w0 = 0, h0 = 0;
    for (int i = 0; i < n; i++) {
        rgb_image img;
        if (stimulus_read_rgb(paths[i], &img, err, errlen)) return -1;
        if (i == 0) { w0 = img.width; h0 = img.height; }
        if (img.width != w0 || img.height != h0) {
            snprintf(err, errlen, "%s: wrong image size %dx%d (the first stimulus, %s, is %dx%d)", paths[i], img.width,
                     img.height, paths[0], w0, h0);
            rgb_image_free(&img);
            return -1;
        }
        if (img.width < 8 || img.height < 8) {
            snprintf(err, errlen, "%s: image is %dx%d, smaller than 8x8", paths[i], img.width, img.height);
            rgb_image_free(&img);
            return -1;
        }
        int side = img.width < img.height ? img.width : img.height;
        int ox = (img.width - side) / 2, oy = (img.height - side) / 2;
        size_t plane = (size_t)side * side;
        float *crop = malloc(3 * plane * sizeof *crop);
        if (!crop) { rgb_image_free(&img); snprintf(err, errlen, "out of memory"); return -1; }
        for (int y = 0; y < side; y++)
            for (int x = 0; x < side; x++)
                for (int c = 0; c < 3; c++)
                    crop[c * plane + (size_t)y * side + x] = img.pixels[((size_t)(y + oy) * img.width + x + ox) * 3 + c] / 255.0f;
        rgb_image_free(&img);
        session_resize_image(crop, side, side, out + (size_t)i * 3 * size * size, size, size, SESSION_RESIZE_AREA);
        free(crop);
    }
    return 0;
}

int stimuli_list_folder(const char *dir, char ***paths, size_t *n, char *err, size_t errlen)
{
    static const char *const suffixes[] = {".png", ".jpg", ".jpeg", ".jpe", NULL};
    char **names;
    if (fs_list_files(dir, suffixes, &names, n, err, errlen)) return -1;
    for (size_t i = 0; i < *n; i++) {
        size_t len = strlen(dir) + strlen(names[i]) + 2;
        char *p = malloc(len);
        if (!p) { fs_free_names(names, *n); snprintf(err, errlen, "out of memory"); return -1; }
        snprintf(p, len, "%s/%s", dir, names[i]);
        free(names[i]);
        names[i] = p;
    }
    *paths = names;
    return 0;
}
