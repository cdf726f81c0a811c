/* `irfa worker`: claims jobs from the queue in the data directory and runs each as a child
 * `irfa <kind>` process until told to stop. */
#ifndef IRFA_WORKER_H
#define IRFA_WORKER_H

#include <signal.h>

typedef struct worker_config {
    const char *data_dir;
    const char *exe;          /* irfa binary for the job children */
    const char *name;         /* shown in lease owners, e.g. "w0" */
    const char *device;       /* IRFA_DEVICE for the children, or NULL */
    int lease_ms;
    int poll_ms;              /* idle wait between claims */
    int cancel_grace_ms;
    int max_jobs;             /* stop after this many jobs (0: no limit) */
    volatile sig_atomic_t *stop;
} worker_config;

/* Returns the process exit status (0 after a requested stop). */
int worker_run(const worker_config *cfg);

#endif
