/* The durable job queue (db/jobs.c) on a real SQLite file: claim order, leases and their expiry,
 * fencing by owner + attempt, retries up to max_attempts, idempotency keys, cancel, dependencies,
 * progress reports, the follow-ups of a train job that asks for its per-pixel IRFs, and schema
 * migration. Time is real: leases of 300 ms expire by sleeping. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "db/db.h"
#include "db/jobs.h"
#include "db/sessions.h"

static int failures;
#define CHECK(cond) do { if (!(cond)) { fprintf(stderr, "%s:%d: check failed: %s\n", __FILE__, __LINE__, #cond); failures++; } } while (0)

static void sleep_ms(int ms)
{
    struct timespec ts = {ms / 1000, (long)(ms % 1000) * 1000000L};
    nanosleep(&ts, NULL);
}

static void state_of(sqlite3 *db, const char *id, char *state, size_t n)
{
    int found;
    char err[256];
    cJSON *j = jobs_get_json(db, id, 1, &found, err, sizeof err);
    snprintf(state, n, "%s", j ? cJSON_GetObjectItem(j, "state")->valuestring : "?");
    cJSON_Delete(j);
}

static void add_job_with(sqlite3 *db, const char *kind, const char *params, const char *session, const char *depends,
                         int max_attempts, const char *key, const char *hash, char id[20], int expect)
{
    char err[256];
    job_new n = {.kind = kind, .params_json = params, .session_id = session,
                 .depends_on = depends, .max_attempts = max_attempts, .idempotency_key = key, .request_hash = hash};
    CHECK(db_begin_write(db) == 0);
    int rc = jobs_insert(db, &n, id, err, sizeof err);
    CHECK(rc == expect);
    CHECK(db_commit(db) == 0);
}

static void add_job(sqlite3 *db, const char *kind, const char *session, const char *depends, int max_attempts,
                    const char *key, const char *hash, char id[20], int expect)
{
    add_job_with(db, kind, "{\"options\":{\"epochs\":1}}", session, depends, max_attempts, key, hash, id, expect);
}

/* Number of jobs of a kind, and the id of the newest one. */
static int jobs_of_kind(sqlite3 *db, const char *kind, char newest[20])
{
    char err[256];
    cJSON *list = jobs_list_json(db, NULL, kind, NULL, 100, 0, err, sizeof err);
    int n = cJSON_GetArraySize(list);
    if (newest) snprintf(newest, 20, "%s", n ? cJSON_GetObjectItem(cJSON_GetArrayItem(list, 0), "id")->valuestring : "");
    cJSON_Delete(list);
    return n;
}

static const char *field_of(cJSON *job, const char *name)
{
    cJSON *v = cJSON_GetObjectItem(job, name);
    return cJSON_IsString(v) ? v->valuestring : "";
}

/* A train job with "per_pixel_irfs": true gets a reconstruct job of its model and an evaluate job of
 * that reconstruction queued by its completion, once; a train job without it gets none. */
static void check_follow_ups(sqlite3 *db, sqlite3 *db2)
{
    char err[512], sid[20], plain[20], asked[20], recon[20], eval[20], state[32];
    CHECK(db_begin_write(db) == 0);
    CHECK(sessions_insert(db, "f", "simulate", "ready", sid, err, sizeof err) == 0);
    CHECK(db_commit(db) == 0);
    int recon0 = jobs_of_kind(db, "reconstruct", NULL), eval0 = jobs_of_kind(db, "evaluate", NULL);

    job_claim c;
    add_job_with(db, "train", "{\"options\":{\"epochs\":1}}", sid, NULL, 2, NULL, NULL, plain, 0);
    CHECK(jobs_claim(db, "w1", 5000, &c, err, sizeof err) == 1 && !strcmp(c.id, plain));
    job_fence fp = {plain, "w1", 1};
    CHECK(jobs_complete(db, &fp, "jobs/plain", NULL, NULL, err, sizeof err) == 1);
    job_claim_free(&c);
    CHECK(jobs_of_kind(db, "reconstruct", NULL) == recon0 && jobs_of_kind(db, "evaluate", NULL) == eval0);

    add_job_with(db, "train", "{\"name\":\"t\",\"per_pixel_irfs\":true,\"options\":{\"epochs\":1}}", sid, NULL, 4,
                 NULL, NULL, asked, 0);
    CHECK(jobs_claim(db, "w1", 5000, &c, err, sizeof err) == 1 && !strcmp(c.id, asked));
    job_fence fa = {asked, "w1", 1};
    CHECK(jobs_complete(db, &fa, "jobs/asked", NULL, NULL, err, sizeof err) == 1);
    CHECK(jobs_complete(db2, &fa, "jobs/asked", NULL, NULL, err, sizeof err) == 0);   /* fenced: nothing more */
    job_claim_free(&c);
    CHECK(jobs_of_kind(db, "reconstruct", recon) == recon0 + 1 && jobs_of_kind(db, "evaluate", eval) == eval0 + 1);

    /* the reconstruct job reads the model the completion registered, on the train job's session */
    sqlite3_stmt *st;
    char model[20] = "";
    sqlite3_prepare_v2(db, "SELECT id FROM models WHERE job_id = ?", -1, &st, NULL);
    sqlite3_bind_text(st, 1, asked, -1, SQLITE_STATIC);
    if (sqlite3_step(st) == SQLITE_ROW) snprintf(model, sizeof model, "%s", (const char *)sqlite3_column_text(st, 0));
    sqlite3_finalize(st);
    int found;
    cJSON *r = jobs_get_json(db, recon, 0, &found, err, sizeof err), *e = jobs_get_json(db, eval, 0, &found, err, sizeof err);
    CHECK(r && e && model[0]);
    if (r && e) {
        CHECK(!strcmp(field_of(r, "state"), "queued") && !strcmp(field_of(r, "model_id"), model));
        CHECK(!strcmp(field_of(r, "session_id"), sid) && cJSON_GetObjectItem(r, "max_attempts")->valueint == 4);
        CHECK(!strcmp(field_of(cJSON_GetObjectItem(r, "params"), "follow_up_of"), asked));
        CHECK(!strcmp(field_of(e, "input_job_id"), recon) && !strcmp(field_of(e, "depends_on"), recon));
        CHECK(!strcmp(field_of(e, "session_id"), sid));
        CHECK(!strcmp(field_of(cJSON_GetObjectItem(e, "params"), "follow_up_of"), asked));
    }
    cJSON_Delete(r);
    cJSON_Delete(e);

    /* the evaluation waits for the reconstruction, and fails with it */
    CHECK(jobs_claim(db, "w1", 5000, &c, err, sizeof err) == 1 && !strcmp(c.id, recon));
    job_claim d;
    CHECK(jobs_claim(db2, "w2", 5000, &d, err, sizeof err) == 0);
    job_fence fr = {recon, "w1", 1};
    CHECK(jobs_fail(db, &fr, "no attention", 0, err, sizeof err) == 1);
    state_of(db, eval, state, sizeof state);
    CHECK(!strcmp(state, "failed"));
    job_claim_free(&c);
}

int main(void)
{
    char dir[] = "/tmp/irfa-queue-test-XXXXXX", path[256], err[512], state[32];
    if (!mkdtemp(dir)) return 1;
    snprintf(path, sizeof path, "%s/irfa.db", dir);
    sqlite3 *db = db_open(path, err, sizeof err), *db2 = db_open(path, err, sizeof err);
    CHECK(db && db2);
    if (!db || !db2) return 1;

    /* migrations ran once; reopening keeps the version */
    sqlite3_stmt *st;
    sqlite3_prepare_v2(db, "PRAGMA user_version", -1, &st, NULL);
    sqlite3_step(st);
    CHECK(sqlite3_column_int(st, 0) == db_schema_version());
    sqlite3_finalize(st);
    sqlite3_prepare_v2(db, "PRAGMA journal_mode", -1, &st, NULL);
    sqlite3_step(st);
    CHECK(!strcmp((const char *)sqlite3_column_text(st, 0), "wal"));
    sqlite3_finalize(st);

    char sid[20], a[20], b[20], c[20], again[20];
    CHECK(db_begin_write(db) == 0);
    CHECK(sessions_insert(db, "s", "simulate", "pending", sid, err, sizeof err) == 0);
    CHECK(db_commit(db) == 0);

    /* idempotency: same key + hash -> same job; other hash -> conflict */
    add_job(db, "simulate", sid, NULL, 2, "key-1", "hash-1", a, 0);
    add_job(db, "simulate", sid, NULL, 2, "key-1", "hash-1", again, 1);
    CHECK(!strcmp(a, again));
    add_job(db, "simulate", sid, NULL, 2, "key-1", "hash-2", again, -2);
    add_job(db, "train", sid, a, 3, NULL, NULL, b, 0);   /* waits for a */

    /* claim order and dependency: b is not claimable before a succeeded */
    job_claim j1, j2;
    CHECK(jobs_claim(db, "w1", 300, &j1, err, sizeof err) == 1);
    CHECK(!strcmp(j1.id, a) && j1.attempt == 1);
    CHECK(jobs_claim(db2, "w2", 300, &j2, err, sizeof err) == 0);

    /* heartbeat keeps the lease; the wrong owner or attempt is fenced out */
    int cancel;
    job_fence f1 = {a, "w1", 1}, wrong_owner = {a, "w2", 1}, wrong_attempt = {a, "w1", 2};
    CHECK(jobs_heartbeat(db, &f1, 300, &cancel, err, sizeof err) == 1 && cancel == 0);
    CHECK(jobs_heartbeat(db, &wrong_owner, 300, &cancel, err, sizeof err) == 0);
    CHECK(jobs_complete(db, &wrong_attempt, "x", NULL, NULL, err, sizeof err) == 0);

    /* progress reports: epoch lines become history, others final metrics; garbage is skipped */
    char *lines[] = {"{\"epoch\":1,\"loss_g\":0.5,\"test\":{\"l1\":0.2}}", "not json", "{\"epoch\":2,\"loss_g\":0.25}",
                     "{\"ssim\":0.4}"};
    CHECK(jobs_report(db, &f1, lines, 4, 0.5, "half", err, sizeof err) == 1);
    int found;
    cJSON *job = jobs_get_json(db, a, 1, &found, err, sizeof err);
    CHECK(job && cJSON_GetArraySize(cJSON_GetObjectItem(job, "loss_history")) == 2);
    CHECK(job && cJSON_GetObjectItem(job, "epoch")->valuedouble == 2);
    CHECK(job && cJSON_GetObjectItem(job, "progress")->valuedouble == 0.5);
    cJSON *metrics = job ? cJSON_GetObjectItem(job, "metrics") : NULL;
    CHECK(metrics && cJSON_GetObjectItem(metrics, "ssim") && cJSON_GetObjectItem(metrics, "test"));
    cJSON_Delete(job);

    /* the lease expires: another worker claims attempt 2; the old owner is fenced out */
    sleep_ms(400);
    CHECK(jobs_claim(db2, "w2", 300, &j2, err, sizeof err) == 1);
    CHECK(!strcmp(j2.id, a) && j2.attempt == 2);
    CHECK(jobs_heartbeat(db, &f1, 300, &cancel, err, sizeof err) == 0);
    CHECK(jobs_complete(db, &f1, "x", NULL, NULL, err, sizeof err) == 0);
    job = jobs_get_json(db, a, 1, &found, err, sizeof err);
    CHECK(job && cJSON_GetArraySize(cJSON_GetObjectItem(job, "loss_history")) == 0); /* history is per attempt */
    CHECK(job && strstr(cJSON_GetObjectItem(job, "last_error")->valuestring, "lease"));
    cJSON_Delete(job);

    /* the second attempt expires too: max_attempts (2) is used up -> failed, and b fails with it */
    sleep_ms(400);
    job_claim j3;
    CHECK(jobs_claim(db, "w3", 300, &j3, err, sizeof err) == 0);
    state_of(db, a, state, sizeof state);
    CHECK(!strcmp(state, "failed"));
    state_of(db, b, state, sizeof state);
    CHECK(!strcmp(state, "failed"));
    char sstate[16];
    CHECK(sessions_state(db, sid, sstate, err, sizeof err) == 1 && !strcmp(sstate, "failed"));
    job_claim_free(&j1);
    job_claim_free(&j2);

    /* retryable failure re-queues, a permanent one fails; completion runs the commit callback */
    add_job(db, "simulate", NULL, NULL, 3, NULL, NULL, c, 0);
    CHECK(jobs_claim(db, "w1", 5000, &j1, err, sizeof err) == 1 && !strcmp(j1.id, c));
    job_fence fc = {c, "w1", 1};
    CHECK(jobs_fail(db, &fc, "boom", 1, err, sizeof err) == 1);
    state_of(db, c, state, sizeof state);
    CHECK(!strcmp(state, "queued"));
    CHECK(jobs_claim(db, "w1", 5000, &j2, err, sizeof err) == 1 && j2.attempt == 2);
    job_fence fc2 = {c, "w1", 2};
    CHECK(jobs_complete(db, &fc2, "jobs/x", NULL, NULL, err, sizeof err) == 1);
    state_of(db, c, state, sizeof state);
    CHECK(!strcmp(state, "succeeded"));
    CHECK(jobs_complete(db, &fc2, "jobs/x", NULL, NULL, err, sizeof err) == 0); /* exactly once */
    job_claim_free(&j1);
    job_claim_free(&j2);

    /* cancel: queued -> cancelled at once; running -> requested, seen by the heartbeat */
    char q[20], r[20];
    add_job(db, "simulate", NULL, NULL, 3, NULL, NULL, q, 0);
    CHECK(jobs_cancel(db, q, err, sizeof err) == CANCEL_DONE);
    CHECK(jobs_cancel(db, q, err, sizeof err) == CANCEL_ALREADY_FINISHED);
    CHECK(jobs_cancel(db, "j_0000000000000000", err, sizeof err) == CANCEL_NOT_FOUND);
    add_job(db, "simulate", NULL, NULL, 3, NULL, NULL, r, 0);
    CHECK(jobs_claim(db, "w1", 5000, &j1, err, sizeof err) == 1 && !strcmp(j1.id, r));
    CHECK(jobs_cancel(db2, r, err, sizeof err) == CANCEL_REQUESTED);
    job_fence fr = {r, "w1", 1};
    CHECK(jobs_heartbeat(db, &fr, 5000, &cancel, err, sizeof err) == 1 && cancel == 1);
    CHECK(jobs_mark_cancelled(db, &fr, err, sizeof err) == 1);
    state_of(db, r, state, sizeof state);
    CHECK(!strcmp(state, "cancelled"));
    job_claim_free(&j1);

    /* release (worker shutdown) gives the attempt back */
    char s2[20];
    add_job(db, "simulate", NULL, NULL, 1, NULL, NULL, s2, 0);
    CHECK(jobs_claim(db, "w1", 5000, &j1, err, sizeof err) == 1);
    job_fence fs = {s2, "w1", 1};
    CHECK(jobs_release(db, &fs, err, sizeof err) == 1);
    CHECK(jobs_claim(db, "w2", 5000, &j2, err, sizeof err) == 1 && j2.attempt == 1);
    job_claim_free(&j1);
    job_claim_free(&j2);

    long counts[JOB_STATES];
    CHECK(jobs_count_by_state(db, counts, err, sizeof err) == 0);
    CHECK(counts[1] == 1 && counts[2] == 1 && counts[3] == 2 && counts[4] == 2);
    check_follow_ups(db, db2);
    CHECK(db_integrity_ok(db, err, sizeof err) == 0);
    CHECK(db_valid_id(a, 'j') && !db_valid_id("j_../../etc", 'j') && !db_valid_id(sid, 'j'));

    db_close(db);
    db_close(db2);
    char cmd[300];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    if (system(cmd)) fprintf(stderr, "could not remove %s\n", dir);
    if (failures) { fprintf(stderr, "%d checks failed\n", failures); return 1; }
    printf("job queue: all checks passed\n");
    return 0;
}
