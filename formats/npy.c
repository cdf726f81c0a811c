#include "formats/npy.h"

#include <ctype.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "formats/atomic_file.h"

#define NPY_MAX_FILE_BYTES ((size_t)16 << 30)

size_t npy_dtype_size(npy_dtype t)
{
    switch (t) {
    case NPY_F64: case NPY_I64: return 8;
    case NPY_F32: case NPY_I32: return 4;
    case NPY_I16: case NPY_U16: return 2;
    case NPY_U8: case NPY_BOOL: return 1;
    }
    return 0;
}

const char *npy_dtype_name(npy_dtype t)
{
    static const char *names[] = {"float32", "float64", "int32", "int64", "uint8", "int16", "uint16", "bool"};
    return names[t];
}

static const char *skip_ws(const char *p, const char *end)
{
    while (p < end && (*p == ' ' || *p == '\t' || *p == '\n')) p++;
    return p;
}

/* Finds the value that follows 'key': in the header dict. */
static const char *find_key(const char *h, const char *end, const char *key)
{
    size_t kl = strlen(key);
    for (const char *p = h; p + kl + 2 < end; p++) {
        if ((*p == '\'' || *p == '"') && !strncmp(p + 1, key, kl) && p[kl + 1] == *p) {
            const char *q = skip_ws(p + kl + 2, end);
            if (q < end && *q == ':') return skip_ws(q + 1, end);
            return NULL;
        }
    }
    return NULL;
}

static int parse_descr(const char *v, const char *end, npy_dtype *dt, int *swap, char *err, size_t errlen)
{
    if (v >= end || (*v != '\'' && *v != '"')) {
        snprintf(err, errlen, "descr is not a simple dtype string (structured or object dtypes are not supported)");
        return -1;
    }
    char q = *v++;
    char d[16];
    size_t n = 0;
    while (v < end && *v != q && n < sizeof d - 1) d[n++] = *v++;
    d[n] = '\0';
    if (v >= end || *v != q) { snprintf(err, errlen, "unterminated descr"); return -1; }
    if (n < 2) { snprintf(err, errlen, "dtype '%s' is not supported", d); return -1; }
    char order = d[0];
    const char *code = d + 1;
    if (order != '<' && order != '>' && order != '|' && order != '=') {
        snprintf(err, errlen, "dtype '%s' has an unknown byte order", d);
        return -1;
    }
    static const struct { const char *code; npy_dtype t; } map[] = {
        {"f4", NPY_F32}, {"f8", NPY_F64}, {"i4", NPY_I32}, {"i8", NPY_I64}, {"u1", NPY_U8},
        {"i2", NPY_I16}, {"u2", NPY_U16}, {"b1", NPY_BOOL},
    };
    for (size_t i = 0; i < sizeof map / sizeof map[0]; i++) {
        if (!strcmp(code, map[i].code)) {
            *dt = map[i].t;
            *swap = order == '>' && npy_dtype_size(map[i].t) > 1;
            return 0;
        }
    }
    if (code[0] == 'O') snprintf(err, errlen, "object arrays (dtype '%s') are not supported", d);
    else snprintf(err, errlen, "dtype '%s' is not supported (use float32, float64, int or bool)", d);
    return -1;
}

static int parse_shape(const char *v, const char *end, npy_array *a, char *err, size_t errlen)
{
    if (v >= end || *v != '(') { snprintf(err, errlen, "shape is not a tuple"); return -1; }
    v++;
    a->ndim = 0;
    a->numel = 1;
    for (;;) {
        v = skip_ws(v, end);
        if (v < end && *v == ')') break;
        if (v >= end || !isdigit((unsigned char)*v)) { snprintf(err, errlen, "malformed shape"); return -1; }
        int64_t dim = 0;
        while (v < end && isdigit((unsigned char)*v)) {
            dim = dim * 10 + (*v - '0');
            if (dim > ((int64_t)1 << 40)) { snprintf(err, errlen, "shape dimension too large"); return -1; }
            v++;
        }
        if (a->ndim >= NPY_MAX_DIMS) { snprintf(err, errlen, "more than %d dimensions", NPY_MAX_DIMS); return -1; }
        a->shape[a->ndim++] = dim;
        if (dim != 0 && a->numel > SIZE_MAX / (size_t)dim) { snprintf(err, errlen, "shape overflows"); return -1; }
        a->numel *= (size_t)dim;
        v = skip_ws(v, end);
        if (v < end && *v == ',') { v++; continue; }
        if (v < end && *v == ')') break;
        snprintf(err, errlen, "malformed shape");
        return -1;
    }
    return 0;
}

static void byteswap(uint8_t *p, size_t n, size_t w)
{
    for (size_t i = 0; i < n; i++, p += w)
        for (size_t j = 0; j < w / 2; j++) { uint8_t t = p[j]; p[j] = p[w - 1 - j]; p[w - 1 - j] = t; }
}

/* Fortran order -> C order by index permutation. */
static void *fortran_to_c(const uint8_t *src, const npy_array *a, size_t w)
{
    size_t bytes = a->numel * w;
    uint8_t *dst = malloc(bytes ? bytes : 1);
    if (!dst) return NULL;
    size_t idx[NPY_MAX_DIMS] = {0};
    for (size_t c = 0; c < a->numel; c++) {
        size_t f = 0, stride = 1;
        for (int d = 0; d < a->ndim; d++) { f += idx[d] * stride; stride *= (size_t)a->shape[d]; }
        memcpy(dst + c * w, src + f * w, w);
        for (int d = a->ndim - 1; d >= 0; d--) {
            if (++idx[d] < (size_t)a->shape[d]) break;
            idx[d] = 0;
        }
    }
    return dst;
}

int npy_parse(const uint8_t *buf, size_t len, npy_array *out, char *err, size_t errlen)
{
    memset(out, 0, sizeof *out);
    if (len < 10 || memcmp(buf, "\x93NUMPY", 6) != 0) { snprintf(err, errlen, "not an NPY file (bad magic)"); return -1; }
    int major = buf[6];
    size_t hlen, hstart;
    if (major == 1) { hlen = buf[8] | (size_t)buf[9] << 8; hstart = 10; }
    else if (major == 2 || major == 3) {
        if (len < 12) { snprintf(err, errlen, "truncated NPY header"); return -1; }
        hlen = buf[8] | (size_t)buf[9] << 8 | (size_t)buf[10] << 16 | (size_t)buf[11] << 24;
        hstart = 12;
    } else { snprintf(err, errlen, "unsupported NPY version %d", major); return -1; }
    if (hlen > len - hstart) { snprintf(err, errlen, "truncated NPY header (%zu bytes announced)", hlen); return -1; }
    const char *h = (const char *)buf + hstart, *hend = h + hlen;
    const char *v;
    int swap = 0, fortran = 0;
    if (!(v = find_key(h, hend, "descr"))) { snprintf(err, errlen, "NPY header has no descr"); return -1; }
    if (parse_descr(v, hend, &out->dtype, &swap, err, errlen)) return -1;
    if (!(v = find_key(h, hend, "fortran_order"))) { snprintf(err, errlen, "NPY header has no fortran_order"); return -1; }
    if (hend - v >= 4 && !strncmp(v, "True", 4)) fortran = 1;
    else if (!(hend - v >= 5 && !strncmp(v, "False", 5))) { snprintf(err, errlen, "bad fortran_order"); return -1; }
    if (!(v = find_key(h, hend, "shape"))) { snprintf(err, errlen, "NPY header has no shape"); return -1; }
    if (parse_shape(v, hend, out, err, errlen)) return -1;
    size_t w = npy_dtype_size(out->dtype);
    size_t data_off = hstart + hlen;
    if (out->numel > (SIZE_MAX - data_off) / w) { snprintf(err, errlen, "array too large"); return -1; }
    size_t need = out->numel * w;
    if (len - data_off < need) {
        snprintf(err, errlen, "truncated NPY data: header announces %zu bytes, file has %zu", need, len - data_off);
        return -1;
    }
    if (len - data_off > need) {
        snprintf(err, errlen, "NPY file has %zu bytes after the announced data", len - data_off - need);
        return -1;
    }
    const uint8_t *src = buf + data_off;
    out->data = fortran && out->ndim > 1 ? fortran_to_c(src, out, w) : malloc(need ? need : 1);
    if (!out->data) { snprintf(err, errlen, "out of memory"); return -1; }
    if (!(fortran && out->ndim > 1)) memcpy(out->data, src, need);
    if (swap) byteswap(out->data, out->numel, w);
    return 0;
}

int npy_load(const char *path, npy_array *out, char *err, size_t errlen)
{
    unsigned char *buf;
    size_t len;
    char e[256];
    if (read_whole_file(path, NPY_MAX_FILE_BYTES, &buf, &len, e, sizeof e)) {
        snprintf(err, errlen, "%s", e);
        return -1;
    }
    int rc = npy_parse(buf, len, out, e, sizeof e);
    free(buf);
    if (rc) snprintf(err, errlen, "%s: %s", path, e);
    return rc;
}

int npy_convert_f32(npy_array *a, int allow_nonfinite, const char *label, char *err, size_t errlen)
{
    float *f = malloc(a->numel * sizeof(float) + 1);
    if (!f) { npy_free(a); snprintf(err, errlen, "%s: out of memory", label); return -1; }
    for (size_t i = 0; i < a->numel; i++) {
        double v;
        switch (a->dtype) {
        case NPY_F32: v = ((float *)a->data)[i]; break;
        case NPY_F64: v = ((double *)a->data)[i]; break;
        case NPY_I32: v = ((int32_t *)a->data)[i]; break;
        case NPY_I64: v = (double)((int64_t *)a->data)[i]; break;
        case NPY_I16: v = ((int16_t *)a->data)[i]; break;
        case NPY_U16: v = ((uint16_t *)a->data)[i]; break;
        case NPY_U8: case NPY_BOOL: v = ((uint8_t *)a->data)[i]; break;
        default: v = 0;
        }
        if (!allow_nonfinite && !isfinite(v)) {
            snprintf(err, errlen, "%s: element %zu is %s", label, i, isnan(v) ? "NaN" : "infinite");
            free(f);
            npy_free(a);
            return -1;
        }
        f[i] = (float)v;
    }
    free(a->data);
    a->data = f;
    a->dtype = NPY_F32;
    return 0;
}

int npy_load_f32(const char *path, npy_array *out, int allow_nonfinite, char *err, size_t errlen)
{
    if (npy_load(path, out, err, errlen)) return -1;
    return npy_convert_f32(out, allow_nonfinite, path, err, errlen);
}

void npy_free(npy_array *a)
{
    free(a->data);
    a->data = NULL;
}

int npy_serialize(npy_dtype dtype, const void *data, int ndim, const int64_t *shape,
                  uint8_t **out, size_t *outlen)
{
    static const char *descr[] = {"<f4", "<f8", "<i4", "<i8", "|u1", "<i2", "<u2", "|b1"};
    char header[512];
    int n = snprintf(header, sizeof header, "{'descr': '%s', 'fortran_order': False, 'shape': (", descr[dtype]);
    size_t numel = 1;
    for (int i = 0; i < ndim; i++) {
        n += snprintf(header + n, sizeof header - (size_t)n, "%lld,%s", (long long)shape[i],
                      i + 1 < ndim ? " " : "");
        numel *= (size_t)shape[i];
    }
    if (ndim > 1) n--; /* (2, 3) rather than (2, 3,) */
    n += snprintf(header + n, sizeof header - (size_t)n, "), }");
    /* pad so that data starts at a multiple of 64 bytes; header ends with '\n' */
    size_t total = 10 + (size_t)n + 1;
    size_t pad = (64 - total % 64) % 64;
    size_t hlen = (size_t)n + pad + 1;
    size_t bytes = numel * npy_dtype_size(dtype);
    uint8_t *buf = malloc(10 + hlen + bytes);
    if (!buf) return -1;
    memcpy(buf, "\x93NUMPY\x01\x00", 8);
    buf[8] = (uint8_t)(hlen & 0xff);
    buf[9] = (uint8_t)(hlen >> 8);
    memcpy(buf + 10, header, (size_t)n);
    memset(buf + 10 + n, ' ', pad);
    buf[10 + hlen - 1] = '\n';
    memcpy(buf + 10 + hlen, data, bytes);
    *out = buf;
    *outlen = 10 + hlen + bytes;
    return 0;
}

int npy_save_f32(const char *path, const float *data, int ndim, const int64_t *shape,
                 char *err, size_t errlen)
{
    uint8_t *buf;
    size_t len;
    if (npy_serialize(NPY_F32, data, ndim, shape, &buf, &len)) {
        snprintf(err, errlen, "%s: out of memory", path);
        return -1;
    }
    int rc = atomic_write_file(path, buf, len, err, errlen);
    free(buf);
    return rc;
}
