#include "formats/npz.h"

#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <zlib.h>

#include "formats/atomic_file.h"

#define NPZ_MAX_BYTES ((size_t)16 << 30)
/* A deflated member is inflated into memory whole; larger arrays belong in an np.savez archive. */
#define NPZ_MAX_MEMBER_BYTES ((uint64_t)4 << 30)
/* Deflate cannot expand data by more than about 1032:1 (258-byte matches coded in 2 bits); a member
 * that claims more is lying about its size, as zip bombs do. The slack covers tiny members. */
#define NPZ_MAX_DEFLATE_RATIO 1032u
#define NPZ_RATIO_SLACK 1024u
/* zlib counts in uInt: feed and drain it in pieces of at most this. */
#define NPZ_ZLIB_CHUNK ((uint64_t)1 << 30)

static uint32_t rd16(const uint8_t *p) { return (uint32_t)p[0] | (uint32_t)p[1] << 8; }
static uint32_t rd32(const uint8_t *p) { return rd16(p) | rd16(p + 2) << 16; }
static uint64_t rd64(const uint8_t *p) { return (uint64_t)rd32(p) | (uint64_t)rd32(p + 4) << 32; }

/* Where a member's bytes are and what its headers say about them. */
typedef struct npz_member {
    const uint8_t *data;
    uint64_t csize, usize;
    uint32_t method, crc, flags;
} npz_member;

/* Checks the local header against the central directory and locates the member's data. */
static int locate_data(const uint8_t *buf, size_t len, uint64_t loff, const char *want, npz_member *m,
                       char *err, size_t errlen)
{
    if (loff > len || len - loff < 30 || rd32(buf + loff) != 0x04034b50) {
        snprintf(err, errlen, "corrupt archive: bad local header for '%.200s.npy'", want);
        return -1;
    }
    const uint8_t *lh = buf + loff;
    if (rd16(lh + 8) != m->method) {
        snprintf(err, errlen, "corrupt archive: member '%.200s.npy' has compression method %u in its local "
                 "header but %u in the central directory", want, rd16(lh + 8), m->method);
        return -1;
    }
    /* Sizes are in the local header unless a data descriptor follows the data (flag bit 3) or
     * they moved to the ZIP64 extra field (0xFFFFFFFF); where present they must agree. */
    uint32_t lc = rd32(lh + 18), lu = rd32(lh + 22);
    if (!(rd16(lh + 6) & 8) && lc != 0xFFFFFFFFu && lu != 0xFFFFFFFFu &&
        (lc != m->csize || lu != m->usize || rd32(lh + 14) != m->crc)) {
        snprintf(err, errlen, "corrupt archive: member '%.200s.npy' declares %u/%u bytes (CRC %08x) in its local "
                 "header but %llu/%llu (CRC %08x) in the central directory", want, lc, lu, rd32(lh + 14),
                 (unsigned long long)m->csize, (unsigned long long)m->usize, m->crc);
        return -1;
    }
    uint64_t start = loff + 30 + rd16(lh + 26) + rd16(lh + 28);
    if (start > len || len - start < m->csize) {
        snprintf(err, errlen, "truncated archive: member '%.200s.npy' extends beyond the end of the file", want);
        return -1;
    }
    m->data = buf + start;
    return 0;
}

/* Finds the member in the archive. Returns 0, 1 when absent, -1 on a malformed archive. */
static int find_member(const uint8_t *buf, size_t len, const char *want, npz_member *m, char *err, size_t errlen)
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
        if (p > len || len - p < 46 || rd32(buf + p) != 0x02014b50) {
            snprintf(err, errlen, "corrupt archive: bad central directory entry %zu", k);
            return -1;
        }
        memset(m, 0, sizeof *m);
        m->flags = rd16(buf + p + 8);
        m->method = rd16(buf + p + 10);
        m->crc = rd32(buf + p + 16);
        m->csize = rd32(buf + p + 20);
        m->usize = rd32(buf + p + 24);
        size_t nlen = rd16(buf + p + 28), xlen = rd16(buf + p + 30), clen = rd16(buf + p + 32);
        uint64_t loff = rd32(buf + p + 42);
        if (len - p - 46 < nlen + xlen + clen) { snprintf(err, errlen, "corrupt archive: truncated entry"); return -1; }
        const char *name = (const char *)buf + p + 46;
        /* ZIP64 extra field: the 0xFFFFFFFF sizes/offset follow in this order. */
        const uint8_t *x = buf + p + 46 + nlen, *xend = x + xlen;
        while (xend - x >= 4) {
            uint32_t id = rd16(x), sz = rd16(x + 2);
            if ((size_t)(xend - x - 4) < sz) break;
            if (id == 1) {
                const uint8_t *q = x + 4, *qe = q + sz;
                if (m->usize == 0xFFFFFFFFu && qe - q >= 8) { m->usize = rd64(q); q += 8; }
                if (m->csize == 0xFFFFFFFFu && qe - q >= 8) { m->csize = rd64(q); q += 8; }
                if (loff == 0xFFFFFFFFu && qe - q >= 8) { loff = rd64(q); q += 8; }
            }
            x += 4 + sz;
        }
        if (nlen == wl + 4 && !strncmp(name, want, wl) && !strncmp(name + wl, ".npy", 4)) {
            if (m->flags & 1) {
                snprintf(err, errlen, "member '%.200s.npy' is encrypted", want);
                return -1;
            }
            if (m->method != 0 && m->method != 8) {
                snprintf(err, errlen, "member '%.200s.npy' uses ZIP compression method %u; only stored (np.savez) "
                         "and deflate (np.savez_compressed) are supported", want, m->method);
                return -1;
            }
            if (m->method == 0 && m->csize != m->usize) {
                snprintf(err, errlen, "corrupt archive: member '%.200s.npy' sizes disagree", want);
                return -1;
            }
            return locate_data(buf, len, loff, want, m, err, errlen);
        }
        p += 46 + nlen + xlen + clen;
    }
    return 1;
}

/* Inflates exactly m->usize bytes into dst; more, fewer, or a stream that does not end where the
 * compressed size says is an error, so a lying header cannot make it write past dst. */
static int inflate_member(const npz_member *m, uint8_t *dst, const char *want, char *err, size_t errlen)
{
    z_stream zs;
    memset(&zs, 0, sizeof zs);
    if (inflateInit2(&zs, -15) != Z_OK) { snprintf(err, errlen, "zlib initialisation failed"); return -1; }
    const uint8_t *in = m->data;
    uint64_t in_left = m->csize, out_left = m->usize;
    uint8_t *out = dst;
    uint8_t probe; /* one byte past the declared size, to catch a stream that goes on */
    int probing = 0, rc = -1;
    for (;;) {
        if (zs.avail_in == 0 && in_left) {
            uint64_t c = in_left < NPZ_ZLIB_CHUNK ? in_left : NPZ_ZLIB_CHUNK;
            zs.next_in = (Bytef *)in;
            zs.avail_in = (uInt)c;
            in += c;
            in_left -= c;
        }
        if (zs.avail_out == 0) {
            if (out_left) {
                uint64_t c = out_left < NPZ_ZLIB_CHUNK ? out_left : NPZ_ZLIB_CHUNK;
                zs.next_out = out;
                zs.avail_out = (uInt)c;
                out += c;
                out_left -= c;
            } else {
                zs.next_out = &probe;
                zs.avail_out = 1;
                probing = 1;
            }
        }
        int z = inflate(&zs, Z_NO_FLUSH);
        if (probing && zs.avail_out == 0) {
            snprintf(err, errlen, "member '%.200s.npy' inflates to more than the %llu bytes its header declares",
                     want, (unsigned long long)m->usize);
            goto done;
        }
        if (z == Z_STREAM_END) break;
        if (z == Z_BUF_ERROR && zs.avail_in == 0 && in_left == 0) {
            snprintf(err, errlen, "member '%.200s.npy': compressed data ends early (truncated or corrupt)", want);
            goto done;
        }
        if (z != Z_OK && z != Z_BUF_ERROR) {
            snprintf(err, errlen, "member '%.200s.npy': corrupt compressed data (%s)", want, zs.msg ? zs.msg : "zlib error");
            goto done;
        }
    }
    if ((uint64_t)zs.total_out != m->usize) {
        snprintf(err, errlen, "member '%.200s.npy' inflates to %llu bytes, but its header declares %llu", want,
                 (unsigned long long)zs.total_out, (unsigned long long)m->usize);
        goto done;
    }
    if ((uint64_t)zs.total_in != m->csize) {
        snprintf(err, errlen, "member '%.200s.npy': the compressed stream ends after %llu of its declared %llu bytes",
                 want, (unsigned long long)zs.total_in, (unsigned long long)m->csize);
        goto done;
    }
    rc = 0;
done:
    inflateEnd(&zs);
    return rc;
}

/* zlib's crc32 takes uInt lengths. */
static uint32_t crc32_of(const uint8_t *p, uint64_t n)
{
    uLong crc = crc32(0L, Z_NULL, 0);
    while (n) {
        uint64_t c = n < NPZ_ZLIB_CHUNK ? n : NPZ_ZLIB_CHUNK;
        crc = crc32(crc, p, (uInt)c);
        p += c;
        n -= c;
    }
    return (uint32_t)crc;
}

/* The member's uncompressed bytes: a view into the archive when stored, else a new buffer in *owned. */
static int member_bytes(const npz_member *m, const char *want, const uint8_t **bytes, uint8_t **owned,
                        char *err, size_t errlen)
{
    *owned = NULL;
    if (m->method == 0) {
        *bytes = m->data;
    } else {
        if (m->usize > NPZ_MAX_MEMBER_BYTES) {
            snprintf(err, errlen, "member '%.200s.npy' declares %llu uncompressed bytes, more than the %llu allowed "
                     "for a compressed member (save large arrays with np.savez)", want,
                     (unsigned long long)m->usize, (unsigned long long)NPZ_MAX_MEMBER_BYTES);
            return -1;
        }
        if (m->usize > m->csize * NPZ_MAX_DEFLATE_RATIO + NPZ_RATIO_SLACK) {
            snprintf(err, errlen, "member '%.200s.npy' declares %llu uncompressed bytes from %llu compressed, a ratio "
                     "deflate cannot reach (zip bomb or corrupt header)", want,
                     (unsigned long long)m->usize, (unsigned long long)m->csize);
            return -1;
        }
        *owned = malloc((size_t)m->usize + 1);
        if (!*owned) { snprintf(err, errlen, "out of memory for member '%.200s.npy'", want); return -1; }
        if (inflate_member(m, *owned, want, err, errlen)) { free(*owned); *owned = NULL; return -1; }
        *bytes = *owned;
    }
    uint32_t crc = crc32_of(*bytes, m->usize);
    if (crc != m->crc) {
        snprintf(err, errlen, "member '%.200s.npy' fails its CRC-32 check (%08x, the archive says %08x): corrupt data",
                 want, crc, m->crc);
        free(*owned);
        *owned = NULL;
        return -1;
    }
    return 0;
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
    npz_member m;
    const uint8_t *bytes;
    uint8_t *owned = NULL;
    int rc = find_member(buf, len, name, &m, e, sizeof e);
    if (rc == 0) rc = member_bytes(&m, name, &bytes, &owned, e, sizeof e);
    if (rc == 0) rc = npy_parse(bytes, (size_t)m.usize, out, e, sizeof e) ? -1 : 0;
    free(owned);
    free(buf);
    if (rc < 0) snprintf(err, errlen, "%s[%s]: %s", path, name, e);
    if (rc > 0) snprintf(err, errlen, "%s: no array named '%s'", path, name);
    return rc;
}

int npz_load_f32(const char *path, const char *name, npy_array *out, char *err, size_t errlen)
{
    int rc = npz_load(path, name, out, err, errlen);
    if (rc) return rc;
    char label[1024];
    snprintf(label, sizeof label, "%.900s[%.100s]", path, name);
    return npy_convert_f32(out, 0, label, err, errlen);
}
