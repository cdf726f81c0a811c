/* The durable job queue. Jobs move queued -> running -> succeeded | failed | cancelled.
 * A worker claims a job with a lease (owner + expiry) and renews it by heartbeat; a job whose lease
 * expired is claimed again by another worker (attempt + 1) until max_attempts is used up. Every
 * write a worker makes about a job is fenced by (job id, lease owner, attempt): a worker that lost
 * its lease can no longer change the job. All writes run in BEGIN IMMEDIATE transactions. */
#ifndef IRFA_DB_JOBS_H
#define IRFA_DB_JOBS_H

#include <stddef.h>
#include <sqlite3.h>
#include <cjson/cJSON.h>

#define JOB_STATES 5
extern const char *const job_state_names[JOB_STATES]; /* queued running succeeded failed cancelled */

typedef struct job_new {
    const char *kind;            /* simulate | import | train | reconstruct | evaluate */
    const char *params_json;     /* the job's options, already validated */
    const char *session_id;      /* NULL when none */
    const char *model_id;
    const char *input_job_id;    /* evaluate: the reconstruct job whose outputs it reads */
    const char *depends_on;      /* not claimable until this job succeeded; fails if it does not */
    int max_attempts;
    const char *idempotency_key; /* NULL when none */
    const char *request_hash;    /* identifies the request body behind an idempotency key */
} job_new;

/* Inserts a job; the caller holds a write transaction. With an idempotency key that exists already:
 * returns 1 and the existing id when request_hash matches, -2 when it does not. Else 0 and a new id. */
int jobs_insert(sqlite3 *db, const job_new *j, char id_out[20], char *err, size_t errlen);

typedef struct job_claim {
    char id[20];
    char kind[16];
    int attempt, max_attempts;
    char session_id[20], model_id[20], input_job_id[20];
    char *params;                /* JSON text; free() it */
} job_claim;

typedef struct job_fence {
    const char *id;
    const char *owner;
    int attempt;
} job_fence;

/* Claims the oldest runnable job for owner with a lease of lease_ms. Returns 1 with *out filled,
 * 0 when nothing is runnable, -1 on error. Also settles jobs whose lease expired for good
 * (attempts used up -> failed; cancel requested -> cancelled). */
int jobs_claim(sqlite3 *db, const char *owner, int lease_ms, job_claim *out, char *err, size_t errlen);
void job_claim_free(job_claim *c);

/* Renews the lease. Returns 1 while the job is still ours (*cancel set when a cancel was
 * requested), 0 when the lease was lost, -1 on error. */
int jobs_heartbeat(sqlite3 *db, const job_fence *f, int lease_ms, int *cancel, char *err, size_t errlen);

/* Records what a running job reported since the last call: metric lines (JSON objects; those with
 * an "epoch" go into the loss history, the others are merged into the job's final metrics) and,
 * when fraction >= 0, its progress. Returns 1, 0 when fenced out, -1 on error. */
int jobs_report(sqlite3 *db, const job_fence *f, char *const *metric_lines, int nlines,
                double fraction, const char *message, char *err, size_t errlen);

/* Completes a job. commit_files (may be NULL) runs inside the write transaction after the fence
 * check, so only the current lease holder moves its outputs into place; its failure rolls back.
 * In the same transaction a simulate/import job's session becomes ready, a train job's checkpoint
 * becomes a model, and a train job whose params hold "per_pixel_irfs": true gets its follow-ups
 * queued: a reconstruct job of that model and an evaluate job depending on it (params
 * "follow_up_of" names the train job).
 * result_dir: folder of the outputs relative to the data directory (NULL when none).
 * Returns 1 done, 0 fenced out, -1 on error. */
int jobs_complete(sqlite3 *db, const job_fence *f, const char *result_dir,
                  int (*commit_files)(void *user, char *err, size_t errlen), void *user,
                  char *err, size_t errlen);

/* A failed attempt: re-queued when retryable and attempts remain, else failed for good (jobs that
 * depend on it fail too). Returns 1, 0 when fenced out, -1 on error. */
int jobs_fail(sqlite3 *db, const job_fence *f, const char *error, int retryable, char *err, size_t errlen);

/* The worker is shutting down: the job goes back to the queue and this attempt is not counted.
 * Returns 1, 0 fenced out, -1 error. */
int jobs_release(sqlite3 *db, const job_fence *f, char *err, size_t errlen);

/* The worker stopped the job after a cancel request. Returns 1, 0 fenced out, -1 error. */
int jobs_mark_cancelled(sqlite3 *db, const job_fence *f, char *err, size_t errlen);

typedef enum { CANCEL_DONE, CANCEL_REQUESTED, CANCEL_NOT_FOUND, CANCEL_ALREADY_FINISHED, CANCEL_ERROR } cancel_result;
/* Cancel from the API: a queued job is cancelled at once, a running one is asked to stop. */
cancel_result jobs_cancel(sqlite3 *db, const char *id, char *err, size_t errlen);

/* Reads. jobs_get_json: NULL when not found (*found = 0) or on error. */
cJSON *jobs_get_json(sqlite3 *db, const char *id, int with_history, int *found, char *err, size_t errlen);
/* Filters may be NULL. Newest first. */
cJSON *jobs_list_json(sqlite3 *db, const char *state, const char *kind, const char *session_id,
                      int limit, int offset, char *err, size_t errlen);
/* counts[i] = number of jobs in job_state_names[i]. */
int jobs_count_by_state(sqlite3 *db, long counts[JOB_STATES], char *err, size_t errlen);
/* Number of jobs queued or running that use this session / model. */
int jobs_active_for(sqlite3 *db, const char *column, const char *id, long *count);

#endif
