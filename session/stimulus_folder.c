#include "session/stimulus_folder.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "formats/png_io.h"
#include "session/fs_util.h"
#include "session/session.h"

int stimuli_load_files(const char *const *paths, int n, int size, float *out, char *err, size_t errlen)
{
    int w0 = 0, h0 = 0;
    for (int i = 0; i < n; i++) {
        rgb_image img;
        if (png_read_rgb(paths[i], &img, err, errlen)) return -1;
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
    static const char *const suffixes[] = {".png", NULL};
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
