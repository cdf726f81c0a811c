/* Loading the user's stimulus images (PNG) into the session's square float grid. Every image must
 * have the same dimensions as the first; non-square images are centre-cropped to a square. */
#ifndef IRFA_STIMULUS_FOLDER_H
#define IRFA_STIMULUS_FOLDER_H
#include <stddef.h>

/* paths[i] -> out + i * 3 * size * size. Errors name the file. */
int stimuli_load_files(const char *const *paths, int n, int size, float *out, char *err, size_t errlen);
/* The sorted *.png files of a folder (caller frees with fs_free_names; names are full paths). */
int stimuli_list_folder(const char *dir, char ***paths, size_t *n, char *err, size_t errlen);

#endif
