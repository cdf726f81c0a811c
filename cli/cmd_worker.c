/* `irfa worker`: runs jobs from the queue of a data directory. Normally started (and restarted)
 * by `irfa serve`; can also run by itself next to a server on the same data directory. */
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli/commands.h"
#include "cli/options.h"
#include "db/data_dir.h"
#include "worker/worker.h"

static volatile sig_atomic_t stop_requested;

static void on_stop_signal(int sig)
{
    (void)sig;
    stop_requested = 1;
}

static void worker_usage(FILE *f)
{
    fprintf(f, "usage: irfa worker [--data DIR] [--name NAME] [--device SPEC] [--lease-ms MS] [--poll-ms MS]\n"
               "                   [--max-jobs N]\n"
               "Claims jobs from DIR/irfa.db (default ./irfa-data) and runs each as a child `irfa <kind>` process.\n"
               "SIGTERM: the running job is stopped and goes back to the queue without using up an attempt.\n");
}

int cmd_worker(int argc, char **argv)
{
    const char *data = "irfa-data", *name = "w", *device = NULL;
    long lease_ms = 30000, poll_ms = 500, max_jobs = 0;
    for (int i = 1; i < argc; i++) {
        const char *v = NULL;
        bool missing = false;
        if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h")) { worker_usage(stdout); return 0; }
        if (opt_value(argc, argv, &i, "--data", &v, &missing)) data = v;
        else if (opt_value(argc, argv, &i, "--name", &v, &missing)) name = v;
        else if (opt_value(argc, argv, &i, "--device", &v, &missing)) device = v;
        else if (opt_value(argc, argv, &i, "--lease-ms", &v, &missing)) {
            if (!missing && !opt_parse_int(v, 1500, 3600000, &lease_ms)) { fprintf(stderr, "irfa worker: --lease-ms must be 1500..3600000\n"); return 2; }
        } else if (opt_value(argc, argv, &i, "--poll-ms", &v, &missing)) {
            if (!missing && !opt_parse_int(v, 10, 60000, &poll_ms)) { fprintf(stderr, "irfa worker: --poll-ms must be 10..60000\n"); return 2; }
        } else if (opt_value(argc, argv, &i, "--max-jobs", &v, &missing)) {
            if (!missing && !opt_parse_int(v, 0, 1000000, &max_jobs)) { fprintf(stderr, "irfa worker: --max-jobs must be >= 0\n"); return 2; }
        } else {
            fprintf(stderr, "irfa worker: unknown option '%s'\n", argv[i]);
            worker_usage(stderr);
            return 2;
        }
        if (missing) { fprintf(stderr, "irfa worker: %s needs a value\n", argv[i]); return 2; }
    }
    char err[512], data_abs[PATH_MAX], exe[PATH_MAX];
    /* Children run inside their output folder, so every path handed to them must be absolute. */
    if (data_dir_prepare(data, err, sizeof err)) { fprintf(stderr, "irfa worker: %s\n", err); return 1; }
    if (!realpath(data, data_abs)) { fprintf(stderr, "irfa worker: %s: cannot resolve\n", data); return 1; }
    ssize_t n = readlink("/proc/self/exe", exe, sizeof exe - 1);
    if (n <= 0) { fprintf(stderr, "irfa worker: cannot find its own executable\n"); return 1; }
    exe[n] = 0;
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_stop_signal; /* no SA_RESTART: sleeps end at once */
    sigaction(SIGTERM, &sa, NULL);
    sigaction(SIGINT, &sa, NULL);
    signal(SIGPIPE, SIG_IGN);
    sigset_t unblock;
    sigemptyset(&unblock);
    sigaddset(&unblock, SIGTERM);
    sigaddset(&unblock, SIGINT);
    sigprocmask(SIG_UNBLOCK, &unblock, NULL);
    worker_config cfg = {.data_dir = data_abs, .exe = exe, .name = name, .device = device, .lease_ms = (int)lease_ms,
                         .poll_ms = (int)poll_ms, .cancel_grace_ms = 3000, .max_jobs = (int)max_jobs,
                         .stop = &stop_requested};
    return worker_run(&cfg);
}
