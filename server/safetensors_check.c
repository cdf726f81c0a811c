#include "server/safetensors_check.h"

#include <cjson/cJSON.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define HEADER_MAX (100u * 1024 * 1024) /* the limit the safetensors format itself sets */

static int dtype_size(const char *t)
{
    static const struct { const char *name; int size; } types[] = {
        {"F64", 8}, {"F32", 4}, {"F16", 2}, {"BF16", 2}, {"I64", 8}, {"I32", 4}, {"I16", 2}, {"I8", 1},
        {"U64", 8}, {"U32", 4}, {"U16", 2}, {"U8", 1}, {"BOOL", 1}, {"F8_E4M3", 1}, {"F8_E5M2", 1}};
    for (size_t i = 0; i < sizeof types / sizeof types[0]; i++)
        if (!strcmp(t, types[i].name)) return types[i].size;
    return 0;
}

static int check_tensor(const cJSON *t, uint64_t data_len, char *err, size_t errlen)
{
    const cJSON *dtype = cJSON_GetObjectItemCaseSensitive(t, "dtype");
    const cJSON *shape = cJSON_GetObjectItemCaseSensitive(t, "shape");
    const cJSON *offs = cJSON_GetObjectItemCaseSensitive(t, "data_offsets");
    int es = cJSON_IsString(dtype) ? dtype_size(dtype->valuestring) : 0;
    if (!es || !cJSON_IsArray(shape) || !cJSON_IsArray(offs) || cJSON_GetArraySize(offs) != 2) {
        snprintf(err, errlen, "tensor '%.60s' needs dtype, shape and data_offsets", t->string);
        return -1;
    }
    uint64_t numel = 1;
    for (const cJSON *d = shape->child; d; d = d->next) {
        if (!cJSON_IsNumber(d) || d->valuedouble < 0 || d->valuedouble > 1e12 || d->valuedouble != (double)(uint64_t)d->valuedouble) {
            snprintf(err, errlen, "tensor '%.60s' has a bad shape", t->string);
            return -1;
        }
        uint64_t n = (uint64_t)d->valuedouble;
        if (n && numel > UINT64_MAX / n) { snprintf(err, errlen, "tensor '%.60s' is too large", t->string); return -1; }
        numel *= n;
    }
    const cJSON *b = offs->child, *e = b->next;
    if (!cJSON_IsNumber(b) || !cJSON_IsNumber(e) || b->valuedouble < 0 || e->valuedouble < b->valuedouble ||
        e->valuedouble > (double)data_len || (uint64_t)(e->valuedouble - b->valuedouble) != numel * (uint64_t)es) {
        snprintf(err, errlen, "tensor '%.60s': data_offsets do not match its dtype and shape or the file", t->string);
        return -1;
    }
    return 0;
}

int safetensors_check_file(const char *path, char *err, size_t errlen)
{
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    struct stat sb;
    uint8_t lenbuf[8];
    if (fd < 0 || fstat(fd, &sb) || sb.st_size < 8 || pread(fd, lenbuf, 8, 0) != 8) {
        if (fd >= 0) close(fd);
        snprintf(err, errlen, "not a safetensors file (shorter than 8 bytes)");
        return -1;
    }
    uint64_t hlen = 0;
    for (int i = 7; i >= 0; i--) hlen = hlen << 8 | lenbuf[i];
    if (hlen == 0 || hlen > HEADER_MAX || hlen > (uint64_t)sb.st_size - 8) {
        close(fd);
        snprintf(err, errlen, "not a safetensors file (header length %llu does not fit)", (unsigned long long)hlen);
        return -1;
    }
    char *h = malloc(hlen + 1);
    if (!h || pread(fd, h, hlen, 8) != (ssize_t)hlen) {
        free(h);
        close(fd);
        snprintf(err, errlen, "cannot read the safetensors header");
        return -1;
    }
    close(fd);
    h[hlen] = 0;
    cJSON *root = cJSON_ParseWithLength(h, hlen);
    free(h);
    if (!cJSON_IsObject(root)) {
        cJSON_Delete(root);
        snprintf(err, errlen, "the safetensors header is not a JSON object");
        return -1;
    }
    uint64_t data_len = (uint64_t)sb.st_size - 8 - hlen;
    int n = 0;
    for (const cJSON *t = root->child; t; t = t->next) {
        if (!strcmp(t->string, "__metadata__")) continue;
        if (!cJSON_IsObject(t) || check_tensor(t, data_len, err, errlen)) {
            if (!cJSON_IsObject(t)) snprintf(err, errlen, "tensor '%.60s' is not an object", t->string);
            cJSON_Delete(root);
            return -1;
        }
        n++;
    }
    cJSON_Delete(root);
    if (n == 0) { snprintf(err, errlen, "the checkpoint holds no tensors"); return -1; }
    return n;
}
