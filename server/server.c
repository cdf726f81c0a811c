#include "server/server.h"

#include <arpa/inet.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "db/data_dir.h"
#include "db/db.h"
#include "server/npy_view.h"
#include "server/server_internal.h"

/* Splits the URL path into segments and matches it against a route pattern. */
static int match_pattern(const char *pattern, const char *url, request *r)
{
    r->nparams = 0;
    const char *p = pattern, *u = url;
    while (*p && *u) {
        if (*p != '/' || *u != '/') return 0;
        p++; u++;
        const char *pe = strchr(p, '/'), *ue = strchr(u, '/');
        size_t pl = pe ? (size_t)(pe - p) : strlen(p), ul = ue ? (size_t)(ue - u) : strlen(u);
        if (pl == 2 && !strncmp(p, "{}", 2)) {
            if (ul == 0 || ul >= sizeof r->params[0] || r->nparams >= ROUTE_MAX_PARAMS) return 0;
            memcpy(r->params[r->nparams], u, ul);
            r->params[r->nparams++][ul] = 0;
        } else if (pl != ul || strncmp(p, u, pl)) {
            return 0;
        }
        p += pl; u += ul;
    }
    return !*p && !*u;
}

/* Returns the route index, or -1 (and *path_known when the path exists for another method). */
static int find_route(request *r, int *path_known)
{
    *path_known = 0;
    const char *m = !strcmp(r->method, "HEAD") ? "GET" : r->method;
    for (int i = 0; i < server_route_count; i++) {
        if (!match_pattern(server_routes[i].pattern, r->url, r)) continue;
        if (!strcmp(server_routes[i].method, m)) return i;
        *path_known = 1;
    }
    return -1;
}

static int status_class(int status) { return status >= 100 && status < 600 ? status / 100 - 1 : 4; }

static void on_completed(void *cls, struct MHD_Connection *c, void **con_cls, enum MHD_RequestTerminationCode toe)
{
    (void)c; (void)toe;
    server *s = cls;
    request *r = *con_cls;
    if (!r) return;
    int cls_idx = status_class(r->replied ? r->status : 500);
    if (r->route_index >= 0) atomic_fetch_add(&s->route_counts[r->route_index * 5 + cls_idx], 1);
    else atomic_fetch_add(&s->unrouted_counts[cls_idx], 1);
    if (r->upload_fd >= 0) close(r->upload_fd);
    if (r->upload_path[0]) unlink(r->upload_path); /* an upload that was not moved into place */
    free(r->body);
    free(r);
    *con_cls = NULL;
}

static long long content_length(request *r)
{
    const char *cl = MHD_lookup_connection_value(r->conn, MHD_HEADER_KIND, MHD_HTTP_HEADER_CONTENT_LENGTH);
    if (!cl) return -1;
    char *end;
    errno = 0;
    long long v = strtoll(cl, &end, 10);
    return errno || end == cl || *end || v < 0 ? LLONG_MAX : v;
}

static enum MHD_Result start_upload(request *r)
{
    char id[20];
    db_new_id('u', id);
    if (data_path(r->upload_path, sizeof r->upload_path, r->srv->cfg.data_dir, "tmp/upload-%s.part", id))
        return reply_error(r, 500, "internal", "data directory path too long");
    r->upload_fd = open(r->upload_path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
    if (r->upload_fd < 0) {
        r->upload_path[0] = 0;
        return reply_error(r, 507, "storage", "cannot create a temporary file: %s", strerror(errno));
    }
    sha256_init(&r->upload_hash);
    return MHD_YES;
}

/* The first call of a request: routing, authentication and early size checks, before any body. */
static enum MHD_Result begin_request(request *r)
{
    server *s = r->srv;
    int path_known;
    r->route_index = find_route(r, &path_known);
    if (r->route_index < 0) {
        if (strncmp(r->url, "/api/", 5) && (!strcmp(r->method, "GET") || !strcmp(r->method, "HEAD")))
            return static_serve(r);
        if (path_known) return reply_error(r, 405, "method_not_allowed", "%s is not allowed on %s", r->method, r->url);
        return reply_error(r, 404, "not_found", "no such endpoint: %s %s", r->method, r->url);
    }
    r->route = &server_routes[r->route_index];
    if (s->tokens && strncmp(r->route->pattern, "/api/v1/", 8) == 0 && strcmp(r->route->pattern, "/api/v1/openapi.json")) {
        auth_level lv = auth_check(s->tokens, MHD_lookup_connection_value(r->conn, MHD_HEADER_KIND, "Authorization"));
        if (lv == AUTH_NONE)
            return reply_error(r, 401, "unauthorized", "this server needs a bearer token (Authorization: Bearer TOKEN)");
        if (r->route->needs_write && lv < AUTH_WRITE)
            return reply_error(r, 403, "forbidden", "this token may only read");
    }
    long long cl = content_length(r);
    if (r->route->body == BODY_NONE && cl > 0)
        return reply_error(r, 413, "body_not_allowed", "this endpoint takes no request body");
    if (r->route->body == BODY_JSON && cl > (long long)s->cfg.max_json_bytes)
        return reply_error(r, 413, "too_large", "JSON bodies are limited to %zu bytes", s->cfg.max_json_bytes);
    if (r->route->body == BODY_UPLOAD) {
        if (cl > s->cfg.max_upload_bytes)
            return reply_error(r, 413, "too_large", "uploads are limited to %lld bytes", (long long)s->cfg.max_upload_bytes);
        if (r->route->precheck) {
            r->db = db_pool_acquire(s->pool);
            enum MHD_Result res = r->route->precheck(r);
            db_pool_release(s->pool, r->db);
            r->db = NULL;
            if (r->replied) return res;
        }
        return start_upload(r);
    }
    return MHD_YES;
}

static int take_body(request *r, const char *data, size_t size)
{
    server *s = r->srv;
    if (r->route->body == BODY_JSON) {
        if (r->too_large || r->body_len + size > s->cfg.max_json_bytes) { r->too_large = 1; return 0; }
        char *nb = realloc(r->body, r->body_len + size + 1);
        if (!nb) return -1;
        memcpy(nb + r->body_len, data, size);
        r->body = nb;
        r->body_len += size;
        r->body[r->body_len] = 0;
        return 0;
    }
    if (r->route->body == BODY_UPLOAD) {
        /* Without Content-Length the cap is enforced while streaming: the connection is closed. */
        if (r->upload_size + (int64_t)size > s->cfg.max_upload_bytes) return -1;
        for (size_t off = 0; off < size;) {
            ssize_t w = write(r->upload_fd, data + off, size - off);
            if (w < 0) { if (errno == EINTR) continue; return -1; }
            off += (size_t)w;
        }
        sha256_update(&r->upload_hash, data, size);
        r->upload_size += (int64_t)size;
        return 0;
    }
    r->too_large = 1; /* a body on an endpoint without one (chunked): refused at the end */
    return 0;
}

static enum MHD_Result finish_request(request *r)
{
    if (r->too_large) {
        if (r->route->body == BODY_NONE) return reply_error(r, 413, "body_not_allowed", "this endpoint takes no request body");
        return reply_error(r, 413, "too_large", "JSON bodies are limited to %zu bytes", r->srv->cfg.max_json_bytes);
    }
    if (r->route->body == BODY_UPLOAD) {
        if (fsync(r->upload_fd)) return reply_error(r, 507, "storage", "cannot write the upload: %s", strerror(errno));
        close(r->upload_fd);
        r->upload_fd = -1;
        sha256_final_hex(&r->upload_hash, r->upload_sha256);
    }
    r->db = db_pool_acquire(r->srv->pool);
    enum MHD_Result res = r->route->handler(r);
    db_pool_release(r->srv->pool, r->db);
    r->db = NULL;
    if (!r->replied) res = reply_error(r, 500, "internal", "the handler gave no answer");
    return res;
}

static enum MHD_Result on_request(void *cls, struct MHD_Connection *conn, const char *url, const char *method,
                                  const char *version, const char *upload_data, size_t *upload_data_size, void **con_cls)
{
    (void)version;
    request *r = *con_cls;
    if (!r) {
        r = calloc(1, sizeof *r);
        if (!r) return MHD_NO;
        r->srv = cls;
        r->conn = conn;
        r->url = url;
        r->method = method;
        r->upload_fd = -1;
        r->route_index = -1;
        *con_cls = r;
        return begin_request(r);
    }
    if (r->replied) { *upload_data_size = 0; return MHD_YES; }
    if (*upload_data_size) {
        if (take_body(r, upload_data, *upload_data_size)) return MHD_NO;
        *upload_data_size = 0;
        return MHD_YES;
    }
    return finish_request(r);
}

/* Uploads interrupted by a crash of the previous server: only this process writes them. */
static void remove_partial_uploads(const char *data_dir)
{
    char tmp[DATA_PATH_MAX];
    if (data_path(tmp, sizeof tmp, data_dir, "tmp")) return;
    DIR *d = opendir(tmp);
    if (!d) return;
    struct dirent *e;
    while ((e = readdir(d)))
        if (!strncmp(e->d_name, "upload-", 7)) unlinkat(dirfd(d), e->d_name, 0);
    closedir(d);
}

server *server_start(const server_config *cfg, char *err, size_t errlen)
{
    server *s = calloc(1, sizeof *s);
    if (!s) { snprintf(err, errlen, "out of memory"); return NULL; }
    s->cfg = *cfg;
    s->started_ms = db_now_ms();
    s->route_counts = calloc((size_t)server_route_count * 5, sizeof *s->route_counts);
    char db_path[DATA_PATH_MAX];
    if (data_dir_prepare(cfg->data_dir, err, errlen)) goto fail;
    data_empty_trash(cfg->data_dir);
    remove_partial_uploads(cfg->data_dir);
    data_path(db_path, sizeof db_path, cfg->data_dir, "irfa.db");
    if (cfg->token_file && !(s->tokens = auth_load(cfg->token_file, err, errlen))) goto fail;
    if (!(s->pool = db_pool_open(db_path, cfg->threads + 2, err, errlen))) goto fail;
    if (cfg->web_dir && !realpath(cfg->web_dir, s->web_real)) s->web_real[0] = 0;

    struct sockaddr_storage addr;
    memset(&addr, 0, sizeof addr);
    unsigned flags = MHD_USE_EPOLL_INTERNAL_THREAD | MHD_USE_ERROR_LOG;
    const char *bind = cfg->bind && *cfg->bind ? cfg->bind : "0.0.0.0";
    struct sockaddr_in *a4 = (struct sockaddr_in *)&addr;
    struct sockaddr_in6 *a6 = (struct sockaddr_in6 *)&addr;
    if (inet_pton(AF_INET, bind, &a4->sin_addr) == 1) {
        a4->sin_family = AF_INET;
        a4->sin_port = htons((uint16_t)cfg->port);
    } else if (inet_pton(AF_INET6, bind, &a6->sin6_addr) == 1) {
        a6->sin6_family = AF_INET6;
        a6->sin6_port = htons((uint16_t)cfg->port);
        flags |= MHD_USE_IPv6;
    } else {
        snprintf(err, errlen, "--bind: '%s' is not an IPv4 or IPv6 address", bind);
        goto fail;
    }
    s->daemon = MHD_start_daemon(flags, (uint16_t)cfg->port, NULL, NULL, on_request, s,
                                 MHD_OPTION_SOCK_ADDR, (struct sockaddr *)&addr,
                                 MHD_OPTION_THREAD_POOL_SIZE, (unsigned)cfg->threads,
                                 MHD_OPTION_CONNECTION_LIMIT, (unsigned)cfg->connection_limit,
                                 MHD_OPTION_PER_IP_CONNECTION_LIMIT, (unsigned)cfg->per_ip_limit,
                                 MHD_OPTION_CONNECTION_TIMEOUT, (unsigned)cfg->connection_timeout_s,
                                 MHD_OPTION_CONNECTION_MEMORY_LIMIT, (size_t)(128 * 1024),
                                 MHD_OPTION_NOTIFY_COMPLETED, on_completed, s,
                                 MHD_OPTION_END);
    if (!s->daemon) {
        snprintf(err, errlen, "cannot listen on %s port %d (in use, or not allowed)", bind, cfg->port);
        goto fail;
    }
    return s;
fail:
    server_stop(s);
    return NULL;
}

int server_port(const server *s)
{
    const union MHD_DaemonInfo *info = MHD_get_daemon_info(s->daemon, MHD_DAEMON_INFO_BIND_PORT);
    return info ? info->port : s->cfg.port;
}

void server_set_workers_alive(server *s, int n) { atomic_store(&s->workers_alive, n); }

void server_stop(server *s)
{
    if (!s) return;
    if (s->daemon) MHD_stop_daemon(s->daemon);
    db_pool_close(s->pool);
    auth_free(s->tokens);
    free(s->route_counts);
    npy_view_cache_clear();
    free(s);
}
