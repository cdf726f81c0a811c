/* What the route handlers share: the request being served, the server state, and replies. */
#ifndef IRFA_SERVER_INTERNAL_H
#define IRFA_SERVER_INTERNAL_H

#include <cjson/cJSON.h>
#include <microhttpd.h>
#include <sqlite3.h>
#include <stdatomic.h>
#include <stdint.h>

#include "server/auth.h"
#include "server/db_pool.h"
#include "server/server.h"
#include "server/sha256.h"

#define ROUTE_MAX_PARAMS 4

typedef struct request request;
typedef enum MHD_Result (*route_handler)(request *r);

typedef enum { BODY_NONE, BODY_JSON, BODY_UPLOAD } body_kind;

typedef struct route {
    const char *method;          /* GET routes also answer HEAD */
    const char *pattern;         /* "/api/v1/jobs/{}/cancel": {} matches one path segment */
    body_kind body;
    int needs_write;             /* needs a write token when auth is on */
    route_handler handler;
    /* Uploads: called before the body is read, so a doomed upload is refused at once (may reply). */
    route_handler precheck;
} route;

struct server {
    server_config cfg;
    struct MHD_Daemon *daemon;
    db_pool *pool;
    auth_tokens *tokens;
    char web_real[4096];         /* realpath of the web folder, "" when none */
    atomic_int workers_alive;
    int64_t started_ms;
    atomic_long *route_counts;   /* [route index * 5 + status class 1..5 - 1] */
    atomic_long unrouted_counts[5];
};

struct request {
    server *srv;
    struct MHD_Connection *conn;
    const char *method;
    const char *url;
    const route *route;
    int route_index;
    char params[ROUTE_MAX_PARAMS][160]; /* path segments matched by {} */
    int nparams;
    /* JSON bodies */
    char *body;
    size_t body_len;
    int too_large;
    /* uploads: streamed into a temporary file below DATA/tmp */
    int upload_fd;
    char upload_path[4200];
    int64_t upload_size;
    sha256_ctx upload_hash;
    char upload_sha256[65];
    int replied;                 /* a response was queued */
    int status;                  /* status of the queued response, for the counters */
    sqlite3 *db;                 /* borrowed from the pool while the handler runs */
};

/* Replies. Each queues the response and returns MHD's result. */
enum MHD_Result reply_json(request *r, unsigned status, cJSON *body); /* takes ownership of body */
enum MHD_Result reply_error(request *r, unsigned status, const char *code, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
enum MHD_Result reply_bytes(request *r, unsigned status, const char *content_type, void *data, size_t len,
                            int free_data);
/* Streams a file (sendfile) with an ETag; answers 304 to a matching If-None-Match. dir_fd/name:
 * opened with openat(O_NOFOLLOW). Replies 404 when it does not exist. */
enum MHD_Result reply_file(request *r, int dir_fd, const char *name, const char *content_type, const char *download_name);
enum MHD_Result reply_queue(request *r, unsigned status, struct MHD_Response *resp);

/* Request helpers */
/* True when the client sent X-Checksum-SHA256 and it differs from the body received. */
int upload_checksum_mismatch(request *r);
const char *req_query(request *r, const char *name);
/* Query parameter as an integer in [lo, hi]; def when absent. Returns 0, or -1 after replying 400. */
int req_query_int(request *r, const char *name, long lo, long hi, long def, long *out, enum MHD_Result *res);
/* Parses the JSON body as an object; replies 400 and returns NULL when it is not one. */
cJSON *req_json_object(request *r, enum MHD_Result *res);
const char *content_type_for(const char *name);

/* Route table (server/routes.c) and handlers (server/routes_*.c). */
extern const route server_routes[];
extern const int server_route_count;

enum MHD_Result route_openapi(request *r);
enum MHD_Result route_healthz(request *r);
enum MHD_Result route_metrics(request *r);
enum MHD_Result route_sessions_list(request *r);
enum MHD_Result route_sessions_create(request *r);
enum MHD_Result route_sessions_simulate(request *r);
enum MHD_Result route_sessions_get(request *r);
enum MHD_Result route_sessions_delete(request *r);
enum MHD_Result route_sessions_upload_check(request *r);
enum MHD_Result route_sessions_file(request *r);
enum MHD_Result route_sessions_upload(request *r);
enum MHD_Result route_sessions_import(request *r);
enum MHD_Result route_jobs_list(request *r);
enum MHD_Result route_jobs_create(request *r);
enum MHD_Result route_jobs_get(request *r);
enum MHD_Result route_jobs_cancel(request *r);
enum MHD_Result route_jobs_log(request *r);
enum MHD_Result route_results_list(request *r);
enum MHD_Result route_results_file(request *r);
enum MHD_Result route_results_png(request *r);
enum MHD_Result route_irf_spatial(request *r);
enum MHD_Result route_irf_feature(request *r);
enum MHD_Result route_irf_pixel(request *r);
enum MHD_Result route_models_list(request *r);
enum MHD_Result route_models_upload_check(request *r);
enum MHD_Result route_models_upload(request *r);
enum MHD_Result route_models_get(request *r);
enum MHD_Result route_models_checkpoint(request *r);

/* Creates a job from a JSON description (shared by POST /jobs and the session shortcuts). */
enum MHD_Result jobs_create_from(request *r, cJSON *body, const char *forced_kind, const char *forced_session);

/* Static web UI */
enum MHD_Result static_serve(request *r);

#endif
