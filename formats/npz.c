#include "formats/npz.h"

#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "formats/atomic_file.h"

#define NPZ_MAX_BYTES ((size_t)16 << 30)

static uint32_t rd16(const uint8_t *p) { return (uint32_t)p[0] | (uint32_t)p[1] << 8; }
static uint32_t rd32(const uint8_t *p) { return rd16(p) | rd16(p + 2) << 16; }
static uint64_t rd64(const uint8_t *p) { return (uint64_t)rd32(p) | (uint64_t)rd32(p + 4) << 32; }

/* Finds the member's data in the archive. Returns 0, 1 when absent, -1 on a malformed archive. */
static int find_member(const uint8_t *buf, size_t len, const char *want, const uint8_t **data,
                       size_t *size, char *err, size_t errlen)
{
    if (len < 22) { snprintf(err, errlen, "not a ZIP/NPZ archive (too short)"); return -1; }
    size_t eocd = SIZE_MAX;
    size_t lo = len > 22 + 65535 ? len - 22 - 65535 : 0;
    for (size_t i = len - 22 + 1; i-- > lo;)
        if (rd32(buf + i) == 0x06054b50) { eocd = i; break; }
    if (eocd == SIZE_MAX) { snprintf(err, errlen, "not a ZIP/NPZ archive (no end of central directory)"); return -1; }
    size_t count = rd16(buf + eocd + 10);
    size_t cd = rd32(buf + eocd + 16);
    if (cd > len) { snprintf(err, errlen, "corrupt archive: central directory beyond end of file"); return -1; }
    size_t p = cd;
    size_t wl = strlen(want);
    for (size_t k = 0; k < count; k++) {
        if (p + 46 > len || rd32(buf + p) != 0x02014b50) {
            snprintf(err, errlen, "corrupt archive: bad central directory entry %zu", k);
            return -1;
        }
        uint32_t method = rd16(buf + p + 10);
        uint64_t csize = rd32(buf + p + 20), usize = rd32(buf + p + 24);
        size_t nlen = rd16(buf + p + 28), xlen = rd16(buf + p + 30), clen = rd16(buf + p + 32);
        uint64_t loff = rd32(buf + p + 42);
        if (p + 46 + nlen + xlen + clen > len) { snprintf(err, errlen, "corrupt archive: truncated entry"); return -1; }
        const char *name = (const char *)buf + p + 46;
        /* ZIP64 extra field: the 0xFFFFFFFF sizes/offset follow in this order. */
        const uint8_t *x = buf + p + 46 + nlen, *xend = x + xlen;
        while (x + 4 <= xend) {
            uint32_t id = rd16(x), sz = rd16(x + 2);
            if (x + 4 + sz > xend) break;
            if (id == 1) {
                const uint8_t *q = x + 4, *qe = q + sz;
                if (usize == 0xFFFFFFFFu && q + 8 <= qe) { usize = rd64(q); q += 8; }
                if (csize == 0xFFFFFFFFu && q + 8 <= qe) { csize = rd64(q); q += 8; }
                if (loff == 0xFFFFFFFFu && q + 8 <= qe) { loff = rd64(q); q += 8; }
            }
            x += 4 + sz;
        }
        if (nlen == wl + 4 && !strncmp(name, want, wl) && !strncmp(name + wl, ".npy", 4)) {
            if (method != 0) {
                snprintf(err, errlen, "member '%.200s.npy' is compressed (np.savez_compressed); save with np.savez", want);
                return -1;
            }
            if (csize != usize) { snprintf(err, errlen, "corrupt archive: member '%.200s.npy' sizes disagree", want); return -1; }
            if (loff > len || len - loff < 30 || rd32(buf + loff) != 0x04034b50) {
                snprintf(err, errlen, "corrupt archive: bad local header for '%.200s.npy'", want);
                return -1;
            }
            uint64_t start = loff + 30 + rd16(buf + loff + 26) + rd16(buf + loff + 28);
            if (start > len || len - start < csize) {
                snprintf(err, errlen, "truncated archive: member '%.200s.npy' extends beyond the end of the file", want);
                return -1;
            }
            *data = buf + start;
            *size = (size_t)csize;
            return 0;
        }
        p += 46 + nlen + xlen + clen;
    }
    return 1;
}

int npz_load(const char *path, const char *name, npy_array *out, char *err, size_t errlen)
{
    memset(out, 0, sizeof *out);
    unsigned char *buf;
    size_t len;
    char e[512];
    if (read_whole_file(path, NPZ_MAX_BYTES, &buf, &len, e, sizeof e)) {
        snprintf(err, errlen, "%s", e);
        return -1;
    }
    const uint8_t *data;
    size_t size;
    int rc = find_member(buf, len, name, &data, &size, e, sizeof e);
    if (rc == 0) rc = npy_parse(data, size, out, e, sizeof e) ? -1 : 0;
    free(buf);
    if (rc < 0) snprintf(err, errlen, "%s[%s]: %s", path, name, e);
    if (rc > 0) snprintf(err, errlen, "%s: no array named '%s'", path, name);
    return rc;
}

int npz_load_f32(const char *path, const char *name, npy_array *out, char *err, size_t errlen)
{
    int rc = npz_load(path, name, out, err, errlen);
    if (rc) return rc;
    float *f = malloc(out->numel * sizeof(float) + 1);
    if (!f) { npy_free(out); snprintf(err, errlen, "%s: out of memory", path); return -1; }
    for (size_t i = 0; i < out->numel; i++) {
        double v;
        switch (out->dtype) {
        case NPY_F32: v = ((float *)out->data)[i]; break;
        case NPY_F64: v = ((double *)out->data)[i]; break;
        case NPY_I32: v = ((int32_t *)out->data)[i]; break;
        case NPY_I64: v = (double)((int64_t *)out->data)[i]; break;
        case NPY_I16: v = ((int16_t *)out->data)[i]; break;
        case NPY_U16: v = ((uint16_t *)out->data)[i]; break;
        default: v = ((uint8_t *)out->data)[i]; break;
        }
        if (!isfinite(v)) {
            snprintf(err, errlen, "%s[%s]: element %zu is %s", path, name, i, isnan(v) ? "NaN" : "infinite");
            free(f);
            npy_free(out);
            return -1;
        }
        f[i] = (float)v;
    }
    free(out->data);
    out->data = f;
    out->dtype = NPY_F32;
    return 0;
}
