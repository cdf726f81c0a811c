/* The HTTP server of `irfa serve` (libmicrohttpd, internal thread pool on epoll): the JSON API
 * under /api/v1, /healthz, /metrics and the static web UI. */
#ifndef IRFA_SERVER_H
#define IRFA_SERVER_H

#include <stddef.h>
#include <stdint.h>

typedef struct server_config {
    const char *data_dir;
    const char *bind;            /* IPv4/IPv6 address to listen on; NULL: 0.0.0.0 */
    int port;                    /* 0: any free port (see server_port) */
    const char *web_dir;         /* static files; NULL or missing: no UI */
    const char *token_file;      /* NULL: no authentication */
    int threads;                 /* HTTP thread pool size */
    int connection_limit;
    int per_ip_limit;
    int connection_timeout_s;
    int64_t max_upload_bytes;    /* session files and checkpoints */
    size_t max_json_bytes;       /* JSON request bodies */
    int workers_expected;        /* for /healthz and /metrics */
} server_config;

typedef struct server server;

server *server_start(const server_config *cfg, char *err, size_t errlen);
int server_port(const server *s);
/* Number of worker processes alive, set by the supervisor, shown by /healthz and /metrics. */
void server_set_workers_alive(server *s, int n);
void server_stop(server *s);

#endif
