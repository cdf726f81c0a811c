/* /healthz, /metrics (Prometheus text format) and the OpenAPI document. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "db/db.h"
#include "db/jobs.h"
#include "server/openapi_embedded.h"
#include "server/server_internal.h"

enum MHD_Result route_openapi(request *r)
{
    return reply_bytes(r, 200, "application/json", (void *)irfa_openapi_json, irfa_openapi_json_len, 0);
}

enum MHD_Result route_healthz(request *r)
{
    server *s = r->srv;
    char err[256];
    long counts[JOB_STATES];
    int db_ok = jobs_count_by_state(r->db, counts, err, sizeof err) == 0;
    int alive = atomic_load(&s->workers_alive);
    int ok = db_ok && alive >= 1;
    cJSON *o = cJSON_CreateObject();
    cJSON_AddStringToObject(o, "status", ok ? "ok" : "degraded");
    cJSON_AddBoolToObject(o, "database", db_ok);
    cJSON_AddNumberToObject(o, "schema_version", db_schema_version());
    cJSON_AddNumberToObject(o, "workers_alive", alive);
    cJSON_AddNumberToObject(o, "workers_expected", s->cfg.workers_expected);
    cJSON_AddNumberToObject(o, "uptime_s", (double)(db_now_ms() - s->started_ms) / 1000.0);
    if (!db_ok) cJSON_AddStringToObject(o, "error", err);
    return reply_json(r, ok ? 200 : 503, o);
}

typedef struct text_buf { char *p; size_t len, cap; } text_buf;

static void tb_printf(text_buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void tb_printf(text_buf *b, const char *fmt, ...)
{
    for (;;) {
        va_list ap;
        va_start(ap, fmt);
        int n = vsnprintf(b->p ? b->p + b->len : NULL, b->p ? b->cap - b->len : 0, fmt, ap);
        va_end(ap);
        if (n < 0) return;
        if (b->p && (size_t)n < b->cap - b->len) { b->len += (size_t)n; return; }
        size_t cap = (b->cap + (size_t)n + 1) * 2;
        char *np = realloc(b->p, cap);
        if (!np) return;
        b->p = np;
        b->cap = cap;
    }
}

enum MHD_Result route_metrics(request *r)
{
    server *s = r->srv;
    char err[256];
    long counts[JOB_STATES];
    if (jobs_count_by_state(r->db, counts, err, sizeof err))
        return reply_error(r, 503, "database", "%s", err);
    text_buf b = {0};
    tb_printf(&b, "# HELP irfa_queue_depth Jobs waiting to run.\n# TYPE irfa_queue_depth gauge\n");
    tb_printf(&b, "irfa_queue_depth %ld\n", counts[0]);
    tb_printf(&b, "# HELP irfa_jobs Jobs by state.\n# TYPE irfa_jobs gauge\n");
    for (int i = 0; i < JOB_STATES; i++) tb_printf(&b, "irfa_jobs{state=\"%s\"} %ld\n", job_state_names[i], counts[i]);
    tb_printf(&b, "# HELP irfa_workers_alive Worker processes running.\n# TYPE irfa_workers_alive gauge\n");
    tb_printf(&b, "irfa_workers_alive %d\n", atomic_load(&s->workers_alive));
    tb_printf(&b, "# HELP irfa_uptime_seconds Seconds since the server started.\n# TYPE irfa_uptime_seconds gauge\n");
    tb_printf(&b, "irfa_uptime_seconds %.3f\n", (double)(db_now_ms() - s->started_ms) / 1000.0);
    tb_printf(&b, "# HELP irfa_http_requests_total HTTP requests by route and status class.\n"
                  "# TYPE irfa_http_requests_total counter\n");
    static const char *const classes[] = {"1xx", "2xx", "3xx", "4xx", "5xx"};
    for (int i = 0; i < server_route_count; i++)
        for (int c = 0; c < 5; c++) {
            long n = atomic_load(&s->route_counts[i * 5 + c]);
            if (n) tb_printf(&b, "irfa_http_requests_total{method=\"%s\",route=\"%s\",code=\"%s\"} %ld\n",
                             server_routes[i].method, server_routes[i].pattern, classes[c], n);
        }
    for (int c = 0; c < 5; c++) {
        long n = atomic_load(&s->unrouted_counts[c]);
        if (n) tb_printf(&b, "irfa_http_requests_total{method=\"\",route=\"other\",code=\"%s\"} %ld\n", classes[c], n);
    }
    if (!b.p) return reply_error(r, 500, "internal", "out of memory");
    return reply_bytes(r, 200, "text/plain; version=0.0.4; charset=utf-8", b.p, b.len, 1);
}
