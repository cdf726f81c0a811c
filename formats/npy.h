/* NPY (NumPy .npy v1/v2/v3) reading and writing. The reader treats its input as untrusted: the
 * header is parsed strictly, sizes are checked against the data actually present, and every
 * failure leaves a message in err. */
#ifndef IRFA_NPY_H
#define IRFA_NPY_H

#include <stddef.h>
#include <stdint.h>

#define NPY_MAX_DIMS 8

typedef enum { NPY_F32, NPY_F64, NPY_I32, NPY_I64, NPY_U8, NPY_I16, NPY_U16, NPY_BOOL } npy_dtype;

typedef struct npy_array {
    npy_dtype dtype;
    int ndim;
    int64_t shape[NPY_MAX_DIMS];
    size_t numel;
    void *data;          /* numel elements of dtype, native (little-endian) byte order, C order */
} npy_array;

/* Parse an in-memory .npy file. Returns 0 or -1 with err filled. Big-endian and Fortran-order arrays
 * are converted; object dtypes, structured dtypes and truncated data are rejected. */
int npy_parse(const uint8_t *buf, size_t len, npy_array *out, char *err, size_t errlen);
int npy_load(const char *path, npy_array *out, char *err, size_t errlen);
/* Load and convert to float32 (from f32, f64, integer or bool dtypes). Rejects NaN/Inf unless
 * allow_nonfinite. */
int npy_load_f32(const char *path, npy_array *out, int allow_nonfinite, char *err, size_t errlen);
/* Converts a loaded array to float32 in place; on failure frees it and names `label` (file or member)
 * in err. Rejects NaN/Inf unless allow_nonfinite. */
int npy_convert_f32(npy_array *a, int allow_nonfinite, const char *label, char *err, size_t errlen);
void npy_free(npy_array *a);

/* Write a float32 array atomically (temporary file, fsync, rename). Returns 0 or -1 with err. */
int npy_save_f32(const char *path, const float *data, int ndim, const int64_t *shape,
                 char *err, size_t errlen);
/* Serialise to memory (caller frees *out). */
int npy_serialize(npy_dtype dtype, const void *data, int ndim, const int64_t *shape,
                  uint8_t **out, size_t *outlen);

size_t npy_dtype_size(npy_dtype t);
const char *npy_dtype_name(npy_dtype t);

#endif
