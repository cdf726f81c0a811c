/* safetensors files: an 8-byte little-endian header length, a JSON header
 * {"name": {"dtype": "F32", "shape": [..], "data_offsets": [begin, end]}, "__metadata__": {"k": "v"}},
 * then the raw little-endian data. The reader treats the file as untrusted: offsets must lie inside
 * the data, must not overlap, and must agree with dtype and shape. */
#ifndef IRFA_SAFETENSORS_H
#define IRFA_SAFETENSORS_H

#include <stddef.h>
#include <stdint.h>

typedef enum { ST_F32, ST_F64, ST_F16, ST_BF16, ST_I64, ST_I32, ST_I16, ST_I8, ST_U8, ST_BOOL } st_dtype;

#define ST_MAX_DIMS 8

typedef struct st_tensor {
    char *name;
    st_dtype dtype;
    int ndim;
    int64_t shape[ST_MAX_DIMS];
    size_t numel;
    const uint8_t *data;     /* points into the file buffer */
    size_t nbytes;
} st_tensor;

typedef struct st_meta { char *key, *value; } st_meta;

typedef struct st_file {
    uint8_t *buf;            /* whole file */
    size_t len;
    st_tensor *tensors;
    int ntensors;
    st_meta *meta;
    int nmeta;
} st_file;

int st_parse(uint8_t *buf, size_t len, st_file *out, char *err, size_t errlen);   /* takes buf */
int st_load(const char *path, st_file *out, char *err, size_t errlen);
void st_free(st_file *f);
const st_tensor *st_find(const st_file *f, const char *name);
const char *st_meta_get(const st_file *f, const char *key);
/* Copies a tensor into float32 (from F32, F64, F16, BF16). Returns 0 or -1 for other dtypes. */
int st_read_f32(const st_tensor *t, float *dst);
const char *st_dtype_name(st_dtype t);
size_t st_dtype_size(st_dtype t);

/* Writer: add tensors (data copied) and metadata, then save atomically. */
typedef struct st_writer st_writer;
st_writer *st_writer_new(void);
void st_writer_add(st_writer *w, const char *name, st_dtype dtype, int ndim, const int64_t *shape,
                   const void *data);
void st_writer_meta(st_writer *w, const char *key, const char *value);
int st_writer_save(st_writer *w, const char *path, char *err, size_t errlen);
void st_writer_free(st_writer *w);

#endif
