/* `irfa serve`: the service a lab runs. HTTP API + web UI in this process, jobs in worker child
 * processes that it starts and restarts. */
#include <errno.h>
#include <libgen.h>
#include <limits.h>
#include <signal.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "cli/commands.h"
#include "cli/options.h"
#include "db/data_dir.h"
#include "db/db.h"
#include "db/jobs.h"
#include "db/sessions.h"
#include "server/server.h"
#include "server/worker_supervisor.h"

static void serve_usage(FILE *f)
{
    fprintf(f,
        "usage: irfa serve [--data DIR] [--port P] [--bind ADDR] [--web DIR] [--token-file FILE]\n"
        "                  [--workers N] [--device SPEC] [--threads N] [--lease-seconds S]\n"
        "                  [--max-upload-mb MB] [--max-json-kb KB] [--connection-limit N] [--per-ip-limit N]\n"
        "                  [--connection-timeout S] [--demo]\n"
        "  --data DIR          data directory (database, sessions, results); default ./irfa-data\n"
        "  --port P            TCP port, default 8080 (0: any free port, printed at start)\n"
        "  --bind ADDR         listen address, default 0.0.0.0\n"
        "  --web DIR           static web UI; default: the installed share/irfa/web or ../web next to the binary\n"
        "  --token-file FILE   require bearer tokens: lines `write TOKEN` / `read TOKEN`\n"
        "  --workers N         worker processes; default one per usable GPU (one CPU worker when none)\n"
        "  --device SPEC       device for every worker's jobs (auto, cpu, vulkan:N)\n"
        "  --demo              on an empty database, queue a simulated session and a short training job\n"
        "Docs: docs/api.md (HTTP API), docs/jobs.md (job queue and the child-process contract).\n");
}

static volatile sig_atomic_t got_signal;

/* The default web folder: installed layout first, then the source tree next to a build folder. */
static const char *default_web_dir(const char *exe, char *buf, size_t len)
{
    char copy[PATH_MAX];
    snprintf(copy, sizeof copy, "%s", exe);
    const char *dir = dirname(copy);
    const char *candidates[] = {"%s/../share/irfa/web", "%s/../web", NULL};
    for (int i = 0; candidates[i]; i++) {
        snprintf(buf, len, candidates[i], dir);
        struct stat sb;
        if (!stat(buf, &sb) && S_ISDIR(sb.st_mode)) return buf;
    }
    return "web";
}

/* --demo: a simulated session and a short training job that waits for it, queued once. The training
 * job asks for its per-pixel IRFs, so the explorer fills in without a click (db/jobs.c). */
static int queue_demo(const char *data_dir, long epochs)
{
    char path[DATA_PATH_MAX], err[512], sid[20], sim[20], train[20];
    data_path(path, sizeof path, data_dir, "irfa.db");
    sqlite3 *db = db_open(path, err, sizeof err);
    if (!db) { fprintf(stderr, "irfa serve: %s\n", err); return -1; }
    long counts[JOB_STATES], total = 0;
    jobs_count_by_state(db, counts, err, sizeof err);
    for (int i = 0; i < JOB_STATES; i++) total += counts[i];
    int rc = 0;
    if (total == 0) {
        char train_params[160];
        snprintf(train_params, sizeof train_params, "{\"name\":\"demo model\",\"per_pixel_irfs\":true,\"options\":{\"epochs\":%ld,\"features\":16}}", epochs);
        /* Small enough to train on a CPU in a few minutes, big enough to show a loss curve. */
        job_new s = {.kind = "simulate", .params_json = "{\"name\":\"demo\",\"options\":{\"train\":96,\"test\":8}}",
                     .max_attempts = 3, .idempotency_key = "demo-simulate"};
        job_new t = {.kind = "train", .params_json = train_params, .max_attempts = 3,
                     .idempotency_key = "demo-train"};
        if (db_begin_write(db) || sessions_insert(db, "demo", "simulate", "pending", sid, err, sizeof err)) rc = -1;
        s.session_id = sid;
        if (!rc && jobs_insert(db, &s, sim, err, sizeof err) != 0) rc = -1;
        t.session_id = sid;
        t.depends_on = sim;
        if (!rc && jobs_insert(db, &t, train, err, sizeof err) != 0) rc = -1;
        if (rc || db_commit(db)) { db_rollback(db); fprintf(stderr, "irfa serve: cannot queue the demo: %s\n", err); rc = -1; }
        else printf("irfa serve: demo queued: session %s, simulate job %s, train job %s (%ld epochs)\n", sid, sim, train, epochs);
    }
    db_close(db);
    return rc;
}

typedef struct serve_options {
    const char *data, *bind, *web, *token_file, *device;
    long port, workers, threads, lease_s, max_upload_mb, max_json_kb, conn_limit, per_ip, conn_timeout, demo_epochs;
    int demo;
} serve_options;

/* Returns 0, 1 after --help, or 2 on a bad option. */
static int parse_serve_options(int argc, char **argv, serve_options *o)
{
    static const struct { const char *name; size_t off; long lo, hi; } ints[] = {
        {"--port", offsetof(serve_options, port), 0, 65535},
        {"--workers", offsetof(serve_options, workers), 0, SUPERVISOR_MAX_WORKERS},
        {"--threads", offsetof(serve_options, threads), 1, 256},
        {"--lease-seconds", offsetof(serve_options, lease_s), 2, 3600},
        {"--max-upload-mb", offsetof(serve_options, max_upload_mb), 1, 1 << 22},
        {"--max-json-kb", offsetof(serve_options, max_json_kb), 1, 65536},
        {"--connection-limit", offsetof(serve_options, conn_limit), 4, 100000},
        {"--per-ip-limit", offsetof(serve_options, per_ip), 1, 100000},
        {"--connection-timeout", offsetof(serve_options, conn_timeout), 1, 3600},
        {"--demo-epochs", offsetof(serve_options, demo_epochs), 1, 100000},
    };
    for (int i = 1; i < argc; i++) {
        const char *v = NULL;
        bool missing = false, matched = false;
        if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h")) { serve_usage(stdout); return 1; }
        if (!strcmp(argv[i], "--demo")) { o->demo = 1; continue; }
        for (size_t k = 0; k < sizeof ints / sizeof ints[0] && !matched; k++) {
            if (!opt_value(argc, argv, &i, ints[k].name, &v, &missing)) continue;
            matched = true;
            long *dst = (long *)((char *)o + ints[k].off);
            if (!missing && !opt_parse_int(v, ints[k].lo, ints[k].hi, dst)) {
                fprintf(stderr, "irfa serve: %s must be an integer in [%ld, %ld]\n", ints[k].name, ints[k].lo, ints[k].hi);
                return 2;
            }
        }
        if (!matched) {
            if (opt_value(argc, argv, &i, "--data", &v, &missing)) o->data = v;
            else if (opt_value(argc, argv, &i, "--bind", &v, &missing)) o->bind = v;
            else if (opt_value(argc, argv, &i, "--web", &v, &missing)) o->web = v;
            else if (opt_value(argc, argv, &i, "--token-file", &v, &missing)) o->token_file = v;
            else if (opt_value(argc, argv, &i, "--device", &v, &missing)) o->device = v;
            else {
                fprintf(stderr, "irfa serve: unknown option '%s'\n\n", argv[i]);
                serve_usage(stderr);
                return 2;
            }
        }
        if (missing) { fprintf(stderr, "irfa serve: %s needs a value\n", argv[i]); return 2; }
    }
    return 0;
}

int cmd_serve(int argc, char **argv)
{
    serve_options o = {.data = "irfa-data", .bind = "0.0.0.0", .port = 8080, .workers = -1, .threads = 8, .lease_s = 30,
                       .max_upload_mb = 8192, .max_json_kb = 256, .conn_limit = 512, .per_ip = 128, .conn_timeout = 60,
                       .demo_epochs = 3};
    int prc = parse_serve_options(argc, argv, &o);
    if (prc) return prc == 1 ? 0 : 2;

    char err[1024], data_abs[PATH_MAX], exe[PATH_MAX], web_buf[PATH_MAX];
    if (data_dir_prepare(o.data, err, sizeof err) || !realpath(o.data, data_abs)) {
        fprintf(stderr, "irfa serve: %s\n", err[0] ? err : "cannot resolve the data directory");
        return 1;
    }
    ssize_t n = readlink("/proc/self/exe", exe, sizeof exe - 1);
    if (n <= 0) { fprintf(stderr, "irfa serve: cannot find its own executable\n"); return 1; }
    exe[n] = 0;
    const char *web = o.web ? o.web : default_web_dir(exe, web_buf, sizeof web_buf);
    if (o.demo && queue_demo(data_abs, o.demo_epochs)) return 1;

    char devices[SUPERVISOR_MAX_WORKERS][64];
    int nworkers;
    if (o.workers >= 0 || o.device) {
        nworkers = o.workers >= 0 ? (int)o.workers : 1;
        for (int i = 0; i < nworkers; i++) snprintf(devices[i], sizeof devices[i], "%s", o.device ? o.device : "");
    } else {
        nworkers = supervisor_discover_devices(exe, devices, SUPERVISOR_MAX_WORKERS);
    }

    /* Signals are taken synchronously by this thread; the HTTP threads inherit the blocked mask. */
    sigset_t stop_set;
    sigemptyset(&stop_set);
    sigaddset(&stop_set, SIGTERM);
    sigaddset(&stop_set, SIGINT);
    sigprocmask(SIG_BLOCK, &stop_set, NULL);
    signal(SIGPIPE, SIG_IGN);

    server_config cfg = {.data_dir = data_abs, .bind = o.bind, .port = (int)o.port, .web_dir = web,
                         .token_file = o.token_file, .threads = (int)o.threads, .connection_limit = (int)o.conn_limit,
                         .per_ip_limit = (int)o.per_ip, .connection_timeout_s = (int)o.conn_timeout,
                         .max_upload_bytes = (int64_t)o.max_upload_mb << 20, .max_json_bytes = (size_t)o.max_json_kb << 10,
                         .workers_expected = nworkers};
    server *srv = server_start(&cfg, err, sizeof err);
    if (!srv) { fprintf(stderr, "irfa serve: %s\n", err); return 1; }
    worker_supervisor sup;
    supervisor_init(&sup, exe, data_abs, (int)o.lease_s * 1000, devices, nworkers);
    server_set_workers_alive(srv, supervisor_tick(&sup));
    printf("irfa serve: listening on http://%s:%d (data %s, %d worker%s, web %s)\n", o.bind, server_port(srv), data_abs,
           nworkers, nworkers == 1 ? "" : "s", web);
    fflush(stdout);
    struct timespec tick = {0, 250 * 1000000L};
    while (!got_signal) {
        server_set_workers_alive(srv, supervisor_tick(&sup));
        int sig = sigtimedwait(&stop_set, NULL, &tick);
        if (sig == SIGTERM || sig == SIGINT) got_signal = sig;
    }
    fprintf(stderr, "irfa serve: stopping (signal %d): workers put their jobs back in the queue\n", (int)got_signal);
    supervisor_stop(&sup, 10000);
    server_stop(srv);
    return 0;
}
