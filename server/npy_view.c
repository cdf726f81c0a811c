#include "server/npy_view.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

static const char *skip_spaces(const char *p, const char *end)
{
    while (p < end && (*p == ' ' || *p == '\t')) p++;
    return p;
}

/* Value text right after 'key': in the header dict, or NULL. */
static const char *dict_value(const char *h, const char *end, const char *key)
{
    char quoted[32];
    snprintf(quoted, sizeof quoted, "'%s'", key);
    size_t n = strlen(quoted);
    for (const char *p = h; p + n <= end; p++) {
        if (memcmp(p, quoted, n)) continue;
        p = skip_spaces(p + n, end);
        if (p >= end || *p != ':') return NULL;
        return skip_spaces(p + 1, end);
    }
    return NULL;
}

size_t npy_view_parse_header(const uint8_t *buf, size_t len, size_t file_size, npy_view *out, char *err, size_t errlen)
{
    memset(out, 0, sizeof *out);
    if (len < 10 || memcmp(buf, "\x93NUMPY", 6)) { snprintf(err, errlen, "not an NPY file"); return 0; }
    size_t hlen, hstart;
    if (buf[6] == 1) { hlen = buf[8] | (size_t)buf[9] << 8; hstart = 10; }
    else if ((buf[6] == 2 || buf[6] == 3) && len >= 12) {
        hlen = buf[8] | (size_t)buf[9] << 8 | (size_t)buf[10] << 16 | (size_t)buf[11] << 24;
        hstart = 12;
    } else { snprintf(err, errlen, "unsupported NPY version"); return 0; }
    if (hlen > len - hstart) { snprintf(err, errlen, "NPY header longer than the file"); return 0; }
    const char *h = (const char *)buf + hstart, *end = h + hlen, *v;
    if (!(v = dict_value(h, end, "descr")) || end - v < 5 || (strncmp(v, "'<f4'", 5) && strncmp(v, "'|f4'", 5))) {
        snprintf(err, errlen, "expected a little-endian float32 array ('<f4')");
        return 0;
    }
    if (!(v = dict_value(h, end, "fortran_order")) || end - v < 5 || strncmp(v, "False", 5)) {
        snprintf(err, errlen, "expected a C-order array");
        return 0;
    }
    if (!(v = dict_value(h, end, "shape")) || *v != '(') { snprintf(err, errlen, "NPY header has no shape"); return 0; }
    v++;
    size_t numel = 1;
    for (;;) {
        v = skip_spaces(v, end);
        if (v < end && *v == ')') break;
        if (v >= end || *v < '0' || *v > '9' || out->ndim >= NPY_MAX_DIMS) { snprintf(err, errlen, "bad NPY shape"); return 0; }
        int64_t d = 0;
        while (v < end && *v >= '0' && *v <= '9') {
            d = d * 10 + (*v++ - '0');
            if (d > ((int64_t)1 << 40)) { snprintf(err, errlen, "NPY dimension too large"); return 0; }
        }
        if (d && numel > SIZE_MAX / 4 / (size_t)d) { snprintf(err, errlen, "NPY array too large"); return 0; }
        numel *= (size_t)d;
        out->shape[out->ndim++] = d;
        v = skip_spaces(v, end);
        if (v < end && *v == ',') v++;
    }
    out->numel = numel;
    size_t data_off = hstart + hlen;
    if (data_off % 4) { snprintf(err, errlen, "NPY data is not 4-byte aligned"); return 0; }
    if (file_size < data_off || file_size - data_off != numel * 4) {
        snprintf(err, errlen, "NPY data size does not match its shape");
        return 0;
    }
    return data_off;
}

#define CACHE_SLOTS 16

typedef struct view_slot {
    npy_view view;
    char path[4096];
    dev_t dev;
    ino_t ino;
    struct timespec mtime;
    void *map;
    size_t map_len;
    int refs;
    unsigned long last_use;
} view_slot;

static pthread_mutex_t cache_lock = PTHREAD_MUTEX_INITIALIZER;
static view_slot cache[CACHE_SLOTS];
static unsigned long use_clock;

static void unmap_slot(view_slot *s)
{
    if (s->map) munmap(s->map, s->map_len);
    memset(s, 0, sizeof *s);
}

const npy_view *npy_view_open(const char *path, int *missing, char *err, size_t errlen)
{
    *missing = 0;
    struct stat sb;
    if (stat(path, &sb)) {
        *missing = errno == ENOENT;
        snprintf(err, errlen, "%s", strerror(errno));
        return NULL;
    }
    pthread_mutex_lock(&cache_lock);
    view_slot *hit = NULL, *victim = NULL;
    for (int i = 0; i < CACHE_SLOTS; i++) {
        view_slot *s = &cache[i];
        if (s->map && !strcmp(s->path, path)) {
            if (s->dev == sb.st_dev && s->ino == sb.st_ino && s->mtime.tv_sec == sb.st_mtim.tv_sec &&
                s->mtime.tv_nsec == sb.st_mtim.tv_nsec) { hit = s; break; }
            if (s->refs == 0) unmap_slot(s); /* the file was replaced */
        }
    }
    if (hit) {
        hit->refs++;
        hit->last_use = ++use_clock;
        pthread_mutex_unlock(&cache_lock);
        return &hit->view;
    }
    for (int i = 0; i < CACHE_SLOTS; i++) {
        view_slot *s = &cache[i];
        if (!s->map) { victim = s; break; }
        if (s->refs == 0 && (!victim || s->last_use < victim->last_use)) victim = s;
    }
    if (!victim) { pthread_mutex_unlock(&cache_lock); snprintf(err, errlen, "too many arrays in use"); return NULL; }
    if (victim->map) unmap_slot(victim);
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    const npy_view *result = NULL;
    if (fd < 0 || fstat(fd, &sb) || sb.st_size < 16) {
        snprintf(err, errlen, "cannot open the array");
    } else {
        void *map = mmap(NULL, (size_t)sb.st_size, PROT_READ, MAP_SHARED, fd, 0);
        if (map == MAP_FAILED) snprintf(err, errlen, "cannot map the array: %s", strerror(errno));
        else {
            npy_view v;
            size_t off = npy_view_parse_header(map, (size_t)sb.st_size, (size_t)sb.st_size, &v, err, errlen);
            if (!off) munmap(map, (size_t)sb.st_size);
            else {
                v.data = (const float *)((const uint8_t *)map + off);
                victim->view = v;
                snprintf(victim->path, sizeof victim->path, "%s", path);
                victim->dev = sb.st_dev;
                victim->ino = sb.st_ino;
                victim->mtime = sb.st_mtim;
                victim->map = map;
                victim->map_len = (size_t)sb.st_size;
                victim->refs = 1;
                victim->last_use = ++use_clock;
                result = &victim->view;
            }
        }
    }
    if (fd >= 0) close(fd);
    pthread_mutex_unlock(&cache_lock);
    return result;
}

void npy_view_release(const npy_view *v)
{
    if (!v) return;
    pthread_mutex_lock(&cache_lock);
    for (int i = 0; i < CACHE_SLOTS; i++)
        if (&cache[i].view == v && cache[i].refs > 0) cache[i].refs--;
    pthread_mutex_unlock(&cache_lock);
}

void npy_view_cache_clear(void)
{
    pthread_mutex_lock(&cache_lock);
    for (int i = 0; i < CACHE_SLOTS; i++)
        if (cache[i].map && cache[i].refs == 0) unmap_slot(&cache[i]);
    pthread_mutex_unlock(&cache_lock);
}
