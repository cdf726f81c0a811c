/* Replies and request helpers shared by the route handlers. */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "server/server_internal.h"

enum MHD_Result reply_queue(request *r, unsigned status, struct MHD_Response *resp)
{
    if (!resp) return MHD_NO;
    MHD_add_response_header(resp, "X-Content-Type-Options", "nosniff");
    enum MHD_Result res = MHD_queue_response(r->conn, status, resp);
    MHD_destroy_response(resp);
    r->replied = 1;
    r->status = (int)status;
    return res;
}

enum MHD_Result reply_bytes(request *r, unsigned status, const char *content_type, void *data, size_t len, int free_data)
{
    struct MHD_Response *resp = MHD_create_response_from_buffer(len, data, free_data ? MHD_RESPMEM_MUST_FREE
                                                                                     : MHD_RESPMEM_MUST_COPY);
    if (!resp) { if (free_data) free(data); return MHD_NO; }
    MHD_add_response_header(resp, "Content-Type", content_type);
    return reply_queue(r, status, resp);
}

enum MHD_Result reply_json(request *r, unsigned status, cJSON *body)
{
    char *text = cJSON_PrintUnformatted(body);
    cJSON_Delete(body);
    if (!text) return MHD_NO;
    struct MHD_Response *resp = MHD_create_response_from_buffer(strlen(text), text, MHD_RESPMEM_MUST_FREE);
    if (!resp) { free(text); return MHD_NO; }
    MHD_add_response_header(resp, "Content-Type", "application/json");
    MHD_add_response_header(resp, "Cache-Control", "no-store");
    return reply_queue(r, status, resp);
}

enum MHD_Result reply_error(request *r, unsigned status, const char *code, const char *fmt, ...)
{
    char msg[1024];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    cJSON *body = cJSON_CreateObject(), *e = cJSON_AddObjectToObject(body, "error");
    cJSON_AddStringToObject(e, "code", code);
    cJSON_AddStringToObject(e, "message", msg);
    return reply_json(r, status, body);
}

const char *content_type_for(const char *name)
{
    static const struct { const char *ext, *type; } types[] = {
        {".html", "text/html; charset=utf-8"}, {".htm", "text/html; charset=utf-8"},
        {".js", "text/javascript; charset=utf-8"}, {".mjs", "text/javascript; charset=utf-8"},
        {".css", "text/css; charset=utf-8"}, {".json", "application/json"}, {".jsonl", "application/x-ndjson"},
        {".png", "image/png"}, {".jpg", "image/jpeg"}, {".jpeg", "image/jpeg"}, {".gif", "image/gif"},
        {".svg", "image/svg+xml"}, {".ico", "image/x-icon"}, {".webp", "image/webp"}, {".wasm", "application/wasm"},
        {".txt", "text/plain; charset=utf-8"}, {".log", "text/plain; charset=utf-8"}, {".md", "text/markdown; charset=utf-8"},
        {".map", "application/json"}, {".woff2", "font/woff2"}, {".woff", "font/woff"},
    };
    const char *dot = strrchr(name, '.');
    if (dot)
        for (size_t i = 0; i < sizeof types / sizeof types[0]; i++)
            if (!strcasecmp(dot, types[i].ext)) return types[i].type;
    return "application/octet-stream";
}

enum MHD_Result reply_file(request *r, int dir_fd, const char *name, const char *content_type, const char *download_name)
{
    int fd = openat(dir_fd, name, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
    struct stat sb;
    if (fd < 0 || fstat(fd, &sb) || !S_ISREG(sb.st_mode)) {
        if (fd >= 0) close(fd);
        return reply_error(r, 404, "not_found", "no file '%s'", name);
    }
    /* The ETag changes whenever the file is replaced (new inode) or rewritten (size, mtime). */
    char etag[96];
    snprintf(etag, sizeof etag, "\"%lx-%llx-%llx\"", (unsigned long)sb.st_ino, (unsigned long long)sb.st_size,
             (unsigned long long)sb.st_mtim.tv_sec * 1000000000ULL + (unsigned long long)sb.st_mtim.tv_nsec);
    const char *inm = MHD_lookup_connection_value(r->conn, MHD_HEADER_KIND, "If-None-Match");
    if (inm && (strstr(inm, etag) || !strcmp(inm, "*"))) {
        close(fd);
        struct MHD_Response *resp = MHD_create_response_from_buffer(0, "", MHD_RESPMEM_PERSISTENT);
        MHD_add_response_header(resp, "ETag", etag);
        return reply_queue(r, 304, resp);
    }
    struct MHD_Response *resp = MHD_create_response_from_fd64((uint64_t)sb.st_size, fd);
    if (!resp) { close(fd); return MHD_NO; }
    MHD_add_response_header(resp, "Content-Type", content_type ? content_type : content_type_for(name));
    MHD_add_response_header(resp, "ETag", etag);
    MHD_add_response_header(resp, "Cache-Control", "no-cache");
    if (download_name) {
        char cd[300];
        snprintf(cd, sizeof cd, "attachment; filename=\"%s\"", download_name);
        MHD_add_response_header(resp, "Content-Disposition", cd);
    }
    return reply_queue(r, 200, resp);
}

const char *req_query(request *r, const char *name)
{
    return MHD_lookup_connection_value(r->conn, MHD_GET_ARGUMENT_KIND, name);
}

int req_query_int(request *r, const char *name, long lo, long hi, long def, long *out, enum MHD_Result *res)
{
    const char *v = req_query(r, name);
    if (!v) { *out = def; return 0; }
    char *end;
    errno = 0;
    long x = strtol(v, &end, 10);
    if (errno || end == v || *end || x < lo || x > hi) {
        *res = reply_error(r, 400, "bad_parameter", "query parameter '%s' must be an integer in [%ld, %ld]", name, lo, hi);
        return -1;
    }
    *out = x;
    return 0;
}

cJSON *req_json_object(request *r, enum MHD_Result *res)
{
    if (!r->body || r->body_len == 0) {
        *res = reply_error(r, 400, "bad_json", "the request needs a JSON object body");
        return NULL;
    }
    const char *end = NULL;
    cJSON *o = cJSON_ParseWithLengthOpts(r->body, r->body_len, &end, 0);
    if (!o) {
        *res = reply_error(r, 400, "bad_json", "the body is not valid JSON (near byte %ld)",
                           end ? (long)(end - r->body) : 0L);
        return NULL;
    }
    while (end && end < r->body + r->body_len && strchr(" \t\r\n", *end)) end++;
    if (end && end != r->body + r->body_len) {
        cJSON_Delete(o);
        *res = reply_error(r, 400, "bad_json", "unexpected text after the JSON value (byte %ld)", (long)(end - r->body));
        return NULL;
    }
    if (!cJSON_IsObject(o)) {
        cJSON_Delete(o);
        *res = reply_error(r, 400, "bad_json", "the body must be a JSON object");
        return NULL;
    }
    return o;
}

int upload_checksum_mismatch(request *r)
{
    const char *want = MHD_lookup_connection_value(r->conn, MHD_HEADER_KIND, "X-Checksum-SHA256");
    return want && strcasecmp(want, r->upload_sha256) != 0;
}
