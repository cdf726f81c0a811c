/* Runs one claimed job to its end: child process, heartbeats, progress, cancel, and the fenced
 * move of its output folder into place. */
#ifndef IRFA_JOB_RUNNER_H
#define IRFA_JOB_RUNNER_H

#include <signal.h>
#include <sqlite3.h>

#include "db/jobs.h"

typedef struct job_runner_config {
    const char *data_dir;
    const char *exe;          /* the irfa binary the children run */
    const char *owner;        /* lease owner name of this worker */
    const char *device;       /* IRFA_DEVICE for the children; NULL keeps the environment's */
    int lease_ms;
    int cancel_grace_ms;      /* SIGTERM -> SIGKILL */
    volatile sig_atomic_t *stop; /* set by the signal handler: release the job and return */
} job_runner_config;

typedef enum { JOB_RUN_SUCCEEDED, JOB_RUN_FAILED, JOB_RUN_CANCELLED, JOB_RUN_LOST_LEASE, JOB_RUN_RELEASED } job_run_outcome;

job_run_outcome job_run(const job_runner_config *cfg, sqlite3 *db, const job_claim *job);

#endif
