#include "formats/safetensors.h"

#include <cjson/cJSON.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "formats/atomic_file.h"

#define ST_MAX_FILE_BYTES ((size_t)8 << 30)
#define ST_MAX_HEADER_BYTES ((size_t)100 << 20)

static const struct { const char *name; st_dtype t; size_t size; } dtypes[] = {
    {"F32", ST_F32, 4}, {"F64", ST_F64, 8}, {"F16", ST_F16, 2}, {"BF16", ST_BF16, 2}, {"I64", ST_I64, 8},
    {"I32", ST_I32, 4}, {"I16", ST_I16, 2}, {"I8", ST_I8, 1}, {"U8", ST_U8, 1}, {"BOOL", ST_BOOL, 1},
};

const char *st_dtype_name(st_dtype t) { return dtypes[t].name; }
size_t st_dtype_size(st_dtype t) { return dtypes[t].size; }

static int dtype_from_name(const char *s, st_dtype *t)
{
    for (size_t i = 0; i < sizeof dtypes / sizeof dtypes[0]; i++)
        if (!strcmp(s, dtypes[i].name)) { *t = dtypes[i].t; return 0; }
    return -1;
}

static int cmp_begin(const void *a, const void *b)
{
    const st_tensor *x = *(const st_tensor *const *)a, *y = *(const st_tensor *const *)b;
    return x->data < y->data ? -1 : x->data > y->data;
}

int st_parse(uint8_t *buf, size_t len, st_file *out, char *err, size_t errlen)
{
    memset(out, 0, sizeof *out);
    out->buf = buf;
    out->len = len;
    /* st_parse owns buf from here on: every failure frees it through st_free. */
    if (len < 8) {
        snprintf(err, errlen, "not a safetensors file (shorter than 8 bytes)");
        st_free(out);
        return -1;
    }
    uint64_t hlen = 0;
    for (int i = 7; i >= 0; i--) hlen = hlen << 8 | buf[i];
    if (hlen > len - 8 || hlen > ST_MAX_HEADER_BYTES) {
        snprintf(err, errlen, "not a safetensors file (its 8-byte header length, %llu, does not fit the %zu-byte file)",
                 (unsigned long long)hlen, len);
        st_free(out);
        return -1;
    }
    cJSON *root = cJSON_ParseWithLength((const char *)buf + 8, (size_t)hlen);
    if (!root || !cJSON_IsObject(root)) {
        snprintf(err, errlen, "not a safetensors file (the header is not a JSON object)");
        cJSON_Delete(root);
        st_free(out);
        return -1;
    }
    const uint8_t *data = buf + 8 + hlen;
    size_t dlen = len - 8 - (size_t)hlen;
    int n = cJSON_GetArraySize(root);
    out->tensors = calloc((size_t)n + 1, sizeof *out->tensors);
    out->meta = NULL;
    int rc = -1;
    for (cJSON *it = root->child; it; it = it->next) {
        if (!strcmp(it->string, "__metadata__")) {
            if (!cJSON_IsObject(it)) { snprintf(err, errlen, "__metadata__ is not an object"); goto done; }
            int nm = cJSON_GetArraySize(it);
            out->meta = calloc((size_t)nm + 1, sizeof *out->meta);
            for (cJSON *m = it->child; m; m = m->next) {
                if (!cJSON_IsString(m)) { snprintf(err, errlen, "metadata value '%s' is not a string", m->string); goto done; }
                out->meta[out->nmeta].key = strdup(m->string);
                out->meta[out->nmeta].value = strdup(m->valuestring);
                out->nmeta++;
            }
            continue;
        }
        st_tensor *t = &out->tensors[out->ntensors];
        cJSON *dt = cJSON_GetObjectItemCaseSensitive(it, "dtype");
        cJSON *sh = cJSON_GetObjectItemCaseSensitive(it, "shape");
        cJSON *off = cJSON_GetObjectItemCaseSensitive(it, "data_offsets");
        if (!cJSON_IsString(dt) || !cJSON_IsArray(sh) || !cJSON_IsArray(off) || cJSON_GetArraySize(off) != 2) {
            snprintf(err, errlen, "tensor '%s' lacks dtype, shape or data_offsets", it->string);
            goto done;
        }
        if (dtype_from_name(dt->valuestring, &t->dtype)) {
            snprintf(err, errlen, "tensor '%s' has unsupported dtype '%s'", it->string, dt->valuestring);
            goto done;
        }
        t->ndim = cJSON_GetArraySize(sh);
        if (t->ndim > ST_MAX_DIMS) { snprintf(err, errlen, "tensor '%s' has %d dimensions", it->string, t->ndim); goto done; }
        t->numel = 1;
        int d = 0;
        for (cJSON *s = sh->child; s; s = s->next, d++) {
            if (!cJSON_IsNumber(s) || s->valuedouble < 0 || s->valuedouble > 1e12 || floor(s->valuedouble) != s->valuedouble) {
                snprintf(err, errlen, "tensor '%s' has a bad shape", it->string);
                goto done;
            }
            t->shape[d] = (int64_t)s->valuedouble;
            t->numel *= (size_t)t->shape[d];
        }
        double b = cJSON_GetArrayItem(off, 0)->valuedouble, e = cJSON_GetArrayItem(off, 1)->valuedouble;
        if (!cJSON_IsNumber(cJSON_GetArrayItem(off, 0)) || !cJSON_IsNumber(cJSON_GetArrayItem(off, 1)) ||
            b < 0 || e < b || e > (double)dlen) {
            snprintf(err, errlen, "tensor '%s' has data_offsets outside the data (%zu bytes)", it->string, dlen);
            goto done;
        }
        t->nbytes = (size_t)e - (size_t)b;
        if (t->nbytes != t->numel * st_dtype_size(t->dtype)) {
            snprintf(err, errlen, "tensor '%s': %zu bytes of data for %zu elements of %s", it->string, t->nbytes,
                     t->numel, dt->valuestring);
            goto done;
        }
        t->data = data + (size_t)b;
        t->name = strdup(it->string);
        out->ntensors++;
    }
    /* Tensors must not overlap (the format requires a dense, non-overlapping layout). */
    {
        st_tensor **order = malloc(sizeof *order * (size_t)(out->ntensors + 1));
        for (int i = 0; i < out->ntensors; i++) order[i] = &out->tensors[i];
        qsort(order, (size_t)out->ntensors, sizeof *order, cmp_begin);
        for (int i = 1; i < out->ntensors; i++)
            if (order[i - 1]->data + order[i - 1]->nbytes > order[i]->data) {
                snprintf(err, errlen, "tensors '%s' and '%s' overlap", order[i - 1]->name, order[i]->name);
                free(order);
                goto done;
            }
        free(order);
    }
    rc = 0;
done:
    cJSON_Delete(root);
    if (rc) { st_free(out); }
    return rc;
}

int st_load(const char *path, st_file *out, char *err, size_t errlen)
{
    unsigned char *buf;
    size_t len;
    char e[512];
    memset(out, 0, sizeof *out);
    if (read_whole_file(path, ST_MAX_FILE_BYTES, &buf, &len, e, sizeof e)) {
        snprintf(err, errlen, "%s", e);
        return -1;
    }
    if (st_parse(buf, len, out, e, sizeof e)) {
        snprintf(err, errlen, "%s: %s", path, e);
        return -1;
    }
    return 0;
}

void st_free(st_file *f)
{
    for (int i = 0; i < f->ntensors; i++) free(f->tensors[i].name);
    for (int i = 0; i < f->nmeta; i++) { free(f->meta[i].key); free(f->meta[i].value); }
    free(f->tensors);
    free(f->meta);
    free(f->buf);
    memset(f, 0, sizeof *f);
}

const st_tensor *st_find(const st_file *f, const char *name)
{
    for (int i = 0; i < f->ntensors; i++)
        if (!strcmp(f->tensors[i].name, name)) return &f->tensors[i];
    return NULL;
}

const char *st_meta_get(const st_file *f, const char *key)
{
    for (int i = 0; i < f->nmeta; i++)
        if (!strcmp(f->meta[i].key, key)) return f->meta[i].value;
    return NULL;
}

static float half_to_float(uint16_t h)
{
    uint32_t sign = (uint32_t)(h >> 15) << 31, exp = (h >> 10) & 0x1f, mant = h & 0x3ff, bits;
    if (exp == 0) {
        if (mant == 0) bits = sign;
        else { /* subnormal */
            float v = ldexpf((float)mant, -24);
            return sign ? -v : v;
        }
    } else if (exp == 31) {
        bits = sign | 0x7f800000u | (mant << 13);
    } else {
        bits = sign | ((exp + 112) << 23) | (mant << 13);
    }
    float f;
    memcpy(&f, &bits, sizeof f);
    return f;
}

int st_read_f32(const st_tensor *t, float *dst)
{
    for (size_t i = 0; i < t->numel; i++) {
        const uint8_t *p = t->data + i * st_dtype_size(t->dtype);
        switch (t->dtype) {
        case ST_F32: memcpy(&dst[i], p, 4); break;
        case ST_F64: { double d; memcpy(&d, p, 8); dst[i] = (float)d; break; }
        case ST_F16: { uint16_t h; memcpy(&h, p, 2); dst[i] = half_to_float(h); break; }
        case ST_BF16: { uint32_t b = (uint32_t)(p[0] | p[1] << 8) << 16; memcpy(&dst[i], &b, 4); break; }
        default: return -1;
        }
    }
    return 0;
}

/* ---- writer ------------------------------------------------------------------------------------ */

typedef struct st_entry { char *name; st_dtype dtype; int ndim; int64_t shape[ST_MAX_DIMS]; void *data; size_t nbytes; } st_entry;

struct st_writer {
    st_entry *entries;
    int n, cap;
    cJSON *meta;
};

st_writer *st_writer_new(void)
{
    st_writer *w = calloc(1, sizeof *w);
    w->meta = cJSON_CreateObject();
    return w;
}

void st_writer_add(st_writer *w, const char *name, st_dtype dtype, int ndim, const int64_t *shape, const void *data)
{
    if (w->n == w->cap) {
        w->cap = w->cap ? 2 * w->cap : 64;
        w->entries = realloc(w->entries, sizeof *w->entries * (size_t)w->cap);
    }
    st_entry *e = &w->entries[w->n++];
    memset(e, 0, sizeof *e);
    e->name = strdup(name);
    e->dtype = dtype;
    e->ndim = ndim;
    size_t numel = 1;
    for (int i = 0; i < ndim; i++) { e->shape[i] = shape[i]; numel *= (size_t)shape[i]; }
    e->nbytes = numel * st_dtype_size(dtype);
    e->data = malloc(e->nbytes ? e->nbytes : 1);
    memcpy(e->data, data, e->nbytes);
}

void st_writer_meta(st_writer *w, const char *key, const char *value)
{
    cJSON_DeleteItemFromObjectCaseSensitive(w->meta, key);
    cJSON_AddStringToObject(w->meta, key, value);
}

int st_writer_save(st_writer *w, const char *path, char *err, size_t errlen)
{
    cJSON *root = cJSON_CreateObject();
    if (cJSON_GetArraySize(w->meta) > 0) cJSON_AddItemReferenceToObject(root, "__metadata__", w->meta);
    size_t off = 0;
    for (int i = 0; i < w->n; i++) {
        st_entry *e = &w->entries[i];
        cJSON *t = cJSON_CreateObject();
        cJSON_AddStringToObject(t, "dtype", st_dtype_name(e->dtype));
        cJSON *sh = cJSON_AddArrayToObject(t, "shape");
        for (int d = 0; d < e->ndim; d++) cJSON_AddItemToArray(sh, cJSON_CreateNumber((double)e->shape[d]));
        cJSON *o = cJSON_AddArrayToObject(t, "data_offsets");
        cJSON_AddItemToArray(o, cJSON_CreateNumber((double)off));
        cJSON_AddItemToArray(o, cJSON_CreateNumber((double)(off + e->nbytes)));
        cJSON_AddItemToObject(root, e->name, t);
        off += e->nbytes;
    }
    char *json = cJSON_PrintUnformatted(root);
    cJSON_Delete(root);
    size_t hlen = strlen(json), pad = (8 - hlen % 8) % 8;   /* data 8-byte aligned, padded with spaces */
    size_t total = 8 + hlen + pad + off;
    uint8_t *buf = malloc(total);
    if (!buf) { free(json); snprintf(err, errlen, "%s: out of memory", path); return -1; }
    uint64_t h = hlen + pad;
    for (int i = 0; i < 8; i++) buf[i] = (uint8_t)(h >> (8 * i));
    memcpy(buf + 8, json, hlen);
    memset(buf + 8 + hlen, ' ', pad);
    free(json);
    size_t pos = 8 + hlen + pad;
    for (int i = 0; i < w->n; i++) { memcpy(buf + pos, w->entries[i].data, w->entries[i].nbytes); pos += w->entries[i].nbytes; }
    int rc = atomic_write_file(path, buf, total, err, errlen);
    free(buf);
    return rc;
}

void st_writer_free(st_writer *w)
{
    if (!w) return;
    for (int i = 0; i < w->n; i++) { free(w->entries[i].name); free(w->entries[i].data); }
    free(w->entries);
    cJSON_Delete(w->meta);
    free(w);
}
