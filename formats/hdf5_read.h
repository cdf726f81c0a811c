/* Reading numeric and string datasets from HDF5 files (also MAT v7.3 and NWB, which are HDF5).
 * Meant to run inside formats/sandbox.h. Dimensions are reported as HDF5 stores them: for MAT v7.3
 * files they are MATLAB's dimensions reversed (MATLAB [1024, 22248] reads as (22248, 1024)). */
#ifndef IRFA_HDF5_READ_H
#define IRFA_HDF5_READ_H
#include <stddef.h>
#include <stdint.h>

#define H5R_MAX_DIMS 8

typedef struct h5_f32 {
    int ndim;
    int64_t dims[H5R_MAX_DIMS];
    size_t numel;
    float *data;
} h5_f32;

/* Opens read-only with the HDF5 error stack silenced. Returns an hid_t (>= 0) or -1 with err. */
int64_t h5r_open(const char *path, char *err, size_t errlen);
void h5r_close(int64_t file);
/* Whether the object at `name` (an absolute path like /acquisition/mua/data) exists. */
int h5r_exists(int64_t file, const char *name);
/* Reads a numeric dataset as float32. Rejects non-numeric types, more than max_elems elements and,
 * unless allow_nonfinite, NaN/Inf. Errors read "<file>: dataset '<name>' ...". */
int h5r_read_f32(int64_t file, const char *file_label, const char *name, size_t max_elems,
                 int allow_nonfinite, h5_f32 *out, char *err, size_t errlen);
/* Reads a 1-D string dataset (fixed or variable length). Caller frees with h5r_free_strings. */
int h5r_read_strings(int64_t file, const char *file_label, const char *name, char ***out, size_t *n,
                     char *err, size_t errlen);
void h5r_free_strings(char **s, size_t n);
/* Reads a numeric scalar attribute of an object; returns 0, or -1 when absent/not numeric. */
int h5r_attr_f64(int64_t file, const char *object, const char *attr, double *out);
/* Names of the members of a group (caller frees). */
int h5r_group_members(int64_t file, const char *group, char ***out, size_t *n);
void h5_f32_free(h5_f32 *a);

#endif
