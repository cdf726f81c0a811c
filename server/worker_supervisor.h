/* `irfa serve` keeps its worker processes (`irfa worker`) running: one per device, restarted with
 * a growing delay when one dies, so a crash in a compute driver costs a job attempt, never the
 * HTTP server. */
#ifndef IRFA_WORKER_SUPERVISOR_H
#define IRFA_WORKER_SUPERVISOR_H

#include <stddef.h>
#include <sys/types.h>

#define SUPERVISOR_MAX_WORKERS 32

typedef struct supervised_worker {
    char name[16];
    char device[64];             /* IRFA_DEVICE for this worker, "" for the default */
    pid_t pid;                   /* 0 while waiting to restart */
    long long started_ms, restart_at_ms;
    int restarts, backoff_ms;
} supervised_worker;

typedef struct worker_supervisor {
    const char *exe, *data_dir;
    int lease_ms;
    int n;
    supervised_worker w[SUPERVISOR_MAX_WORKERS];
} worker_supervisor;

/* devices: one entry per worker ("" = default device). */
void supervisor_init(worker_supervisor *s, const char *exe, const char *data_dir, int lease_ms,
                     char devices[][64], int n);
/* Starts missing workers whose restart time came, reaps dead ones. Returns how many are alive. */
int supervisor_tick(worker_supervisor *s);
/* SIGTERM to every worker (they put their job back in the queue), SIGKILL after grace_ms. */
void supervisor_stop(worker_supervisor *s, int grace_ms);

/* Devices for "one worker per device": runs `exe devices` and takes every usable Vulkan GPU that
 * is not a CPU implementation; none -> a single default entry. Returns the count. */
int supervisor_discover_devices(const char *exe, char devices[][64], int max);

#endif
