/* Read-only, memory-mapped views of float32 .npy result files (attention.npy can be hundreds of
 * MB: a per-pixel request reads h*c floats at computed offsets, never the whole file). Views are
 * cached by path and file identity, shared between HTTP threads and reference counted. */
#ifndef IRFA_NPY_VIEW_H
#define IRFA_NPY_VIEW_H

#include <stddef.h>
#include <stdint.h>

#include "formats/npy.h"

typedef struct npy_view {
    int ndim;
    int64_t shape[NPY_MAX_DIMS];
    size_t numel;
    const float *data;           /* little-endian float32, C order */
} npy_view;

/* Parses a .npy header (v1-v3) of a little-endian float32 C-order array. Returns the offset of the
 * data, or 0 with err. file_size: the whole file's size, checked against the shape. */
size_t npy_view_parse_header(const uint8_t *buf, size_t len, size_t file_size, npy_view *out, char *err, size_t errlen);

/* Opens (or reuses) the view of path. Returns NULL with err (*missing set when no such file). */
const npy_view *npy_view_open(const char *path, int *missing, char *err, size_t errlen);
void npy_view_release(const npy_view *v);
/* Unmaps every view nobody uses (at shutdown). */
void npy_view_cache_clear(void);

#endif
