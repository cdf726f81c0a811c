/* Loading the user's stimulus images (PNG or JPEG, told apart by content) into the session's square
 * float grid. Every image must have the same dimensions as the first; non-square images are
 * centre-cropped to a square. */
#ifndef IRFA_STIMULUS_FOLDER_H
#define IRFA_STIMULUS_FOLDER_H
#include <stddef.h>

#include "formats/png_io.h"

/* One stimulus image, PNG or JPEG by its first bytes (not its name), as 8-bit RGB. */
int stimulus_read_rgb(const char *path, rgb_image *img, char *err, size_t errlen);

/* paths[i] -> out + i * 3 * size * size. Errors name the file. */
int stimuli_load_files(const char *const *paths, int n, int size, float *out, char *err, size_t errlen);
/* The sorted *.png, *.jpg, *.jpeg and *.jpe files of a folder, any case (caller frees with
 * fs_free_names; names are full paths). */
int stimuli_list_folder(const char *dir, char ***paths, size_t *n, char *err, size_t errlen);

#endif
