#include "worker/worker.h"

#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "db/data_dir.h"
#include "db/db.h"
#include "db/jobs.h"
#include "worker/job_runner.h"

static void sleep_ms(int ms)
{
    struct timespec ts = {ms / 1000, (long)(ms % 1000) * 1000000L};
    nanosleep(&ts, NULL);
}

int worker_run(const worker_config *cfg)
{
    char err[1024], db_path[DATA_PATH_MAX];
    if (data_dir_prepare(cfg->data_dir, err, sizeof err) ||
        data_path(db_path, sizeof db_path, cfg->data_dir, "irfa.db")) {
        fprintf(stderr, "irfa worker: %s\n", err);
        return 1;
    }
    sqlite3 *db = db_open(db_path, err, sizeof err);
    if (!db) { fprintf(stderr, "irfa worker: %s\n", err); return 1; }
    /* The owner name is unique per process start, so a restarted worker never passes the fence of
     * the job its previous incarnation held. */
    char owner[96], rnd[20];
    db_new_id('w', rnd);
    snprintf(owner, sizeof owner, "%s-pid%ld-%s", cfg->name, (long)getpid(), rnd + 2);
    job_runner_config rc = {.data_dir = cfg->data_dir, .exe = cfg->exe, .owner = owner, .device = cfg->device,
                            .lease_ms = cfg->lease_ms, .cancel_grace_ms = cfg->cancel_grace_ms, .stop = cfg->stop};
    fprintf(stderr, "irfa worker %s: polling %s\n", owner, db_path);
    int jobs = 0;
    while (!*cfg->stop) {
        job_claim job;
        int got = jobs_claim(db, owner, cfg->lease_ms, &job, err, sizeof err);
        if (got < 0) { fprintf(stderr, "irfa worker %s: claim: %s\n", owner, err); sleep_ms(1000); continue; }
        if (got == 0) { sleep_ms(cfg->poll_ms); continue; }
        job_run_outcome o = job_run(&rc, db, &job);
        static const char *const names[] = {"succeeded", "failed", "cancelled", "lost its lease", "released"};
        fprintf(stderr, "irfa worker %s: job %s (%s) attempt %d %s\n", owner, job.id, job.kind, job.attempt, names[o]);
        job_claim_free(&job);
        if (cfg->max_jobs > 0 && ++jobs >= cfg->max_jobs) break;
    }
    db_close(db);
    return 0;
}
