#include "db/jobs.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "db/db.h"
#include "db/db_stmt.h"

const char *const job_state_names[JOB_STATES] = {"queued", "running", "succeeded", "failed", "cancelled"};

#define FENCE_SQL "id = ?1 AND lease_owner = ?2 AND attempt = ?3 AND state = 'running'"

static void bind_fence(sqlite3_stmt *st, int first, const job_fence *f)
{
    sqlite3_bind_text(st, first, f->id, -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(st, first + 1, f->owner, -1, SQLITE_TRANSIENT);
    sqlite3_bind_int(st, first + 2, f->attempt);
}

int jobs_insert(sqlite3 *db, const job_new *j, char id_out[20], char *err, size_t errlen)
{
    if (j->idempotency_key && *j->idempotency_key) {
        sqlite3_stmt *st = db_prepare(db, "SELECT id, request_hash FROM jobs WHERE idempotency_key = ?", err, errlen);
        if (!st) return -1;
        db_bind_text(st, 1, j->idempotency_key);
        int rc = sqlite3_step(st);
        if (rc == SQLITE_ROW) {
            char hash[80];
            db_column_copy(st, 0, id_out, 20);
            db_column_copy(st, 1, hash, sizeof hash);
            sqlite3_finalize(st);
            return !strcmp(hash, j->request_hash ? j->request_hash : "") ? 1 : -2;
        }
        sqlite3_finalize(st);
        if (rc != SQLITE_DONE) { snprintf(err, errlen, "sql: %s", sqlite3_errmsg(db)); return -1; }
    }
    db_new_id('j', id_out);
    sqlite3_stmt *st = db_prepare(db,
        "INSERT INTO jobs(id, kind, state, params, session_id, model_id, input_job_id, depends_on, "
        "idempotency_key, request_hash, max_attempts, created_at, updated_at) "
        "VALUES(?, ?, 'queued', ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", err, errlen);
    if (!st) return -1;
    int64_t now = db_now_ms();
    db_bind_text(st, 1, id_out);
    db_bind_text(st, 2, j->kind);
    db_bind_text(st, 3, j->params_json ? j->params_json : "{}");
    db_bind_text(st, 4, j->session_id);
    db_bind_text(st, 5, j->model_id);
    db_bind_text(st, 6, j->input_job_id);
    db_bind_text(st, 7, j->depends_on);
    db_bind_text(st, 8, j->idempotency_key);
    db_bind_text(st, 9, j->request_hash);
    sqlite3_bind_int(st, 10, j->max_attempts > 0 ? j->max_attempts : 3);
    sqlite3_bind_int64(st, 11, now);
    sqlite3_bind_int64(st, 12, now);
    return db_step_done(db, st, err, errlen) < 0 ? -1 : 0;
}

/* A job that ended without succeeding takes down the queued jobs that wait for it, and a session
 * that a simulate/import job was filling is marked failed. Runs inside the caller's transaction. */
static int settle_failure(sqlite3 *db, const char *id, int64_t now, char *err, size_t errlen)
{
    sqlite3_stmt *st = db_prepare(db,
        "WITH RECURSIVE dead(id) AS (SELECT ?1 UNION SELECT j.id FROM jobs j JOIN dead ON j.depends_on = dead.id) "
        "UPDATE jobs SET state = 'failed', finished_at = ?2, updated_at = ?2, "
        "  last_error = 'a job it depends on (' || depends_on || ') did not succeed' "
        "WHERE id IN (SELECT id FROM dead) AND id != ?1 AND state = 'queued'", err, errlen);
    if (!st) return -1;
    sqlite3_bind_text(st, 1, id, -1, SQLITE_TRANSIENT);
    sqlite3_bind_int64(st, 2, now);
    if (db_step_done(db, st, err, errlen) < 0) return -1;
    st = db_prepare(db,
        "UPDATE sessions SET state = 'failed', updated_at = ?2, "
        "  error = (SELECT coalesce(last_error, state) FROM jobs WHERE id = ?1) "
        "WHERE id IN (SELECT session_id FROM jobs WHERE kind IN ('simulate', 'import') AND "
        "  (id = ?1 OR (depends_on IS NOT NULL AND state = 'failed' AND finished_at = ?2))) "
        "AND state IN ('pending', 'importing')", err, errlen);
    if (!st) return -1;
    sqlite3_bind_text(st, 1, id, -1, SQLITE_TRANSIENT);
    sqlite3_bind_int64(st, 2, now);
    return db_step_done(db, st, err, errlen) < 0 ? -1 : 0;
}

/* Jobs whose lease ran out and that must not run again. */
static int settle_expired(sqlite3 *db, int64_t now, char *err, size_t errlen)
{
    sqlite3_stmt *st = db_prepare(db,
        "SELECT id, cancel_requested FROM jobs WHERE state = 'running' AND lease_expires_at < ? "
        "AND (cancel_requested = 1 OR attempt >= max_attempts)", err, errlen);
    if (!st) return -1;
    sqlite3_bind_int64(st, 1, now);
    char ids[16][20];
    int cancels[16], n = 0;
    while (n < 16 && sqlite3_step(st) == SQLITE_ROW) {
        db_column_copy(st, 0, ids[n], sizeof ids[n]);
        cancels[n++] = sqlite3_column_int(st, 1);
    }
    sqlite3_finalize(st);
    for (int i = 0; i < n; i++) {
        st = db_prepare(db,
            "UPDATE jobs SET state = ?2, finished_at = ?3, updated_at = ?3, lease_owner = NULL, "
            "  last_error = CASE WHEN ?2 = 'failed' THEN 'attempt ' || attempt || ' of ' || max_attempts || "
            "    ' lost its worker (lease of ' || coalesce(lease_owner, '?') || ' expired)' ELSE last_error END "
            "WHERE id = ?1", err, errlen);
        if (!st) return -1;
        sqlite3_bind_text(st, 1, ids[i], -1, SQLITE_TRANSIENT);
        sqlite3_bind_text(st, 2, cancels[i] ? "cancelled" : "failed", -1, SQLITE_STATIC);
        sqlite3_bind_int64(st, 3, now);
        if (db_step_done(db, st, err, errlen) < 0 || settle_failure(db, ids[i], now, err, errlen)) return -1;
    }
    return 0;
}

int jobs_claim(sqlite3 *db, const char *owner, int lease_ms, job_claim *out, char *err, size_t errlen)
{
    memset(out, 0, sizeof *out);
    if (db_begin_write(db)) { snprintf(err, errlen, "cannot lock database: %s", sqlite3_errmsg(db)); return -1; }
    int64_t now = db_now_ms();
    if (settle_expired(db, now, err, errlen)) goto fail;
    sqlite3_stmt *st = db_prepare(db,
        "SELECT id, kind, attempt, max_attempts, session_id, model_id, input_job_id, params, state FROM jobs "
        "WHERE (state = 'queued' AND (depends_on IS NULL OR "
        "        EXISTS (SELECT 1 FROM jobs d WHERE d.id = jobs.depends_on AND d.state = 'succeeded'))) "
        "   OR (state = 'running' AND lease_expires_at < ?) "
        "ORDER BY created_at, rowid LIMIT 1", err, errlen);
    if (!st) goto fail;
    sqlite3_bind_int64(st, 1, now);
    int rc = sqlite3_step(st);
    if (rc == SQLITE_DONE) {
        sqlite3_finalize(st);
        if (db_commit(db)) { snprintf(err, errlen, "commit: %s", sqlite3_errmsg(db)); goto fail; }
        return 0;
    }
    if (rc != SQLITE_ROW) { sqlite3_finalize(st); snprintf(err, errlen, "sql: %s", sqlite3_errmsg(db)); goto fail; }
    db_column_copy(st, 0, out->id, sizeof out->id);
    db_column_copy(st, 1, out->kind, sizeof out->kind);
    out->attempt = sqlite3_column_int(st, 2) + 1;
    out->max_attempts = sqlite3_column_int(st, 3);
    db_column_copy(st, 4, out->session_id, sizeof out->session_id);
    db_column_copy(st, 5, out->model_id, sizeof out->model_id);
    db_column_copy(st, 6, out->input_job_id, sizeof out->input_job_id);
    const char *p = (const char *)sqlite3_column_text(st, 7);
    out->params = strdup(p ? p : "{}");
    sqlite3_finalize(st);
    if (!out->params) { snprintf(err, errlen, "out of memory"); goto fail; }

    st = db_prepare(db,
        "UPDATE jobs SET "
        "  last_error = CASE WHEN state = 'running' THEN 'attempt ' || attempt || ' lost its worker (lease of ' "
        "    || coalesce(lease_owner, '?') || ' expired)' ELSE last_error END, "
        "  state = 'running', attempt = ?2, lease_owner = ?3, lease_expires_at = ?4, "
        "  started_at = coalesce(started_at, ?5), progress = 0, epoch = NULL, metrics = NULL, "
        "  message = 'claimed by ' || ?3, updated_at = ?5 WHERE id = ?1", err, errlen);
    if (!st) goto fail;
    sqlite3_bind_text(st, 1, out->id, -1, SQLITE_TRANSIENT);
    sqlite3_bind_int(st, 2, out->attempt);
    sqlite3_bind_text(st, 3, owner, -1, SQLITE_TRANSIENT);
    sqlite3_bind_int64(st, 4, now + lease_ms);
    sqlite3_bind_int64(st, 5, now);
    if (db_step_done(db, st, err, errlen) != 1) goto fail;
    /* The loss history shows the current attempt only. */
    st = db_prepare(db, "DELETE FROM job_metrics WHERE job_id = ?", err, errlen);
    if (!st) goto fail;
    sqlite3_bind_text(st, 1, out->id, -1, SQLITE_TRANSIENT);
    if (db_step_done(db, st, err, errlen) < 0) goto fail;
    if (db_commit(db)) { snprintf(err, errlen, "commit: %s", sqlite3_errmsg(db)); goto fail; }
    return 1;
fail:
    db_rollback(db);
    job_claim_free(out);
    return -1;
}

void job_claim_free(job_claim *c)
{
    free(c->params);
    c->params = NULL;
}

int jobs_heartbeat(sqlite3 *db, const job_fence *f, int lease_ms, int *cancel, char *err, size_t errlen)
{
    *cancel = 0;
    if (db_begin_write(db)) { snprintf(err, errlen, "cannot lock database: %s", sqlite3_errmsg(db)); return -1; }
    int64_t now = db_now_ms();
    sqlite3_stmt *st = db_prepare(db, "UPDATE jobs SET lease_expires_at = ?4, updated_at = ?5 WHERE " FENCE_SQL
                                      " RETURNING cancel_requested", err, errlen);
    if (!st) { db_rollback(db); return -1; }
    bind_fence(st, 1, f);
    sqlite3_bind_int64(st, 4, now + lease_ms);
    sqlite3_bind_int64(st, 5, now);
    int rc = sqlite3_step(st), owned = 0;
    if (rc == SQLITE_ROW) { owned = 1; *cancel = sqlite3_column_int(st, 0); rc = sqlite3_step(st); }
    sqlite3_finalize(st);
    if (rc != SQLITE_DONE || db_commit(db)) {
        snprintf(err, errlen, "heartbeat: %s", sqlite3_errmsg(db));
        db_rollback(db);
        return -1;
    }
    return owned;
}

static int fence_holds(sqlite3 *db, const job_fence *f, char *err, size_t errlen)
{
    sqlite3_stmt *st = db_prepare(db, "SELECT 1 FROM jobs WHERE " FENCE_SQL, err, errlen);
    if (!st) return -1;
    bind_fence(st, 1, f);
    int rc = sqlite3_step(st);
    sqlite3_finalize(st);
    if (rc == SQLITE_ROW) return 1;
    if (rc == SQLITE_DONE) return 0;
    snprintf(err, errlen, "sql: %s", sqlite3_errmsg(db));
    return -1;
}

/* Merges the keys of a final-metrics line into the job's metrics object. */
static int merge_metrics(sqlite3 *db, const job_fence *f, const cJSON *line, int64_t now, char *err, size_t errlen)
{
    sqlite3_stmt *st = db_prepare(db, "SELECT metrics FROM jobs WHERE id = ?", err, errlen);
    if (!st) return -1;
    sqlite3_bind_text(st, 1, f->id, -1, SQLITE_TRANSIENT);
    cJSON *m = NULL;
    if (sqlite3_step(st) == SQLITE_ROW && sqlite3_column_text(st, 0))
        m = cJSON_Parse((const char *)sqlite3_column_text(st, 0));
    sqlite3_finalize(st);
    if (!cJSON_IsObject(m)) { cJSON_Delete(m); m = cJSON_CreateObject(); }
    for (const cJSON *it = line->child; it; it = it->next) {
        cJSON_DeleteItemFromObjectCaseSensitive(m, it->string);
        cJSON_AddItemToObject(m, it->string, cJSON_Duplicate(it, 1));
    }
    char *text = cJSON_PrintUnformatted(m);
    cJSON_Delete(m);
    if (!text) { snprintf(err, errlen, "out of memory"); return -1; }
    st = db_prepare(db, "UPDATE jobs SET metrics = ?4, updated_at = ?5 WHERE " FENCE_SQL, err, errlen);
    if (!st) { free(text); return -1; }
    bind_fence(st, 1, f);
    sqlite3_bind_text(st, 4, text, -1, SQLITE_TRANSIENT);
    sqlite3_bind_int64(st, 5, now);
    free(text);
    return db_step_done(db, st, err, errlen) < 0 ? -1 : 0;
}

static int add_history(sqlite3 *db, const job_fence *f, const char *text, long epoch, int64_t now, char *err, size_t errlen)
{
    sqlite3_stmt *st = db_prepare(db,
        "INSERT INTO job_metrics(job_id, seq, epoch, data) "
        "VALUES(?1, (SELECT coalesce(max(seq), 0) + 1 FROM job_metrics WHERE job_id = ?1), ?2, ?3)", err, errlen);
    if (!st) return -1;
    sqlite3_bind_text(st, 1, f->id, -1, SQLITE_TRANSIENT);
    sqlite3_bind_int64(st, 2, epoch);
    sqlite3_bind_text(st, 3, text, -1, SQLITE_TRANSIENT);
    if (db_step_done(db, st, err, errlen) < 0) return -1;
    st = db_prepare(db, "UPDATE jobs SET epoch = ?4, updated_at = ?5 WHERE " FENCE_SQL, err, errlen);
    if (!st) return -1;
    bind_fence(st, 1, f);
    sqlite3_bind_int64(st, 4, epoch);
    sqlite3_bind_int64(st, 5, now);
    return db_step_done(db, st, err, errlen) < 0 ? -1 : 0;
}

int jobs_report(sqlite3 *db, const job_fence *f, char *const *metric_lines, int nlines,
                double fraction, const char *message, char *err, size_t errlen)
{
    if (db_begin_write(db)) { snprintf(err, errlen, "cannot lock database: %s", sqlite3_errmsg(db)); return -1; }
    int64_t now = db_now_ms();
    int held = fence_holds(db, f, err, errlen);
    if (held <= 0) { db_rollback(db); return held; }
    for (int i = 0; i < nlines; i++) {
        cJSON *line = cJSON_Parse(metric_lines[i]);
        if (!cJSON_IsObject(line)) { cJSON_Delete(line); continue; } /* a child's garbage line is skipped */
        const cJSON *epoch = cJSON_GetObjectItemCaseSensitive(line, "epoch");
        char *compact = cJSON_PrintUnformatted(line);
        int rc = !compact ? -1
               : cJSON_IsNumber(epoch) ? add_history(db, f, compact, (long)epoch->valuedouble, now, err, errlen)
               : merge_metrics(db, f, line, now, err, errlen);
        /* An epoch line may carry its test metrics ("test": {...}): the newest become the job's. */
        const cJSON *test = cJSON_GetObjectItemCaseSensitive(line, "test");
        if (!rc && cJSON_IsNumber(epoch) && cJSON_IsObject(test)) {
            cJSON *wrap = cJSON_CreateObject();
            cJSON_AddItemToObject(wrap, "test", cJSON_Duplicate(test, 1));
            rc = merge_metrics(db, f, wrap, now, err, errlen);
            cJSON_Delete(wrap);
        }
        free(compact);
        cJSON_Delete(line);
        if (rc) { db_rollback(db); return -1; }
    }
    if (fraction >= 0) {
        sqlite3_stmt *st = db_prepare(db, "UPDATE jobs SET progress = ?4, message = coalesce(?5, message), "
                                          "updated_at = ?6 WHERE " FENCE_SQL, err, errlen);
        if (!st) { db_rollback(db); return -1; }
        bind_fence(st, 1, f);
        sqlite3_bind_double(st, 4, fraction > 1 ? 1 : fraction);
        db_bind_text(st, 5, message);
        sqlite3_bind_int64(st, 6, now);
        if (db_step_done(db, st, err, errlen) < 0) { db_rollback(db); return -1; }
    }
    if (db_commit(db)) { snprintf(err, errlen, "commit: %s", sqlite3_errmsg(db)); db_rollback(db); return -1; }
    return 1;
}

/* Params of a follow-up job: {"name": "<what> <of>", "follow_up_of": "<train job>"}. */
static char *follow_up_params(const char *what, const char *of, const char *train_id)
{
    char name[64];
    snprintf(name, sizeof name, "%s %s", what, of);
    cJSON *p = cJSON_CreateObject();
    cJSON_AddStringToObject(p, "name", name);
    cJSON_AddStringToObject(p, "follow_up_of", train_id);
    char *text = cJSON_PrintUnformatted(p);
    cJSON_Delete(p);
    return text;
}

/* A train job submitted with per_pixel_irfs: queue a reconstruct job of the model it just
 * registered (the worker runs it with --attention: attention.npy, the per-pixel IRFs) and an
 * evaluate job of that reconstruction (the per-image metrics). Runs in the completion's
 * transaction, so the follow-ups exist exactly when the job is succeeded, and exactly once. */
static int queue_follow_ups(sqlite3 *db, const char *train_id, const char *model_id, char *err, size_t errlen)
{
    sqlite3_stmt *st = db_prepare(db,
        "SELECT session_id, max_attempts FROM jobs WHERE id = ? AND kind = 'train' "
        "AND json_extract(params, '$.per_pixel_irfs') IS 1", err, errlen);
    if (!st) return -1;
    sqlite3_bind_text(st, 1, train_id, -1, SQLITE_TRANSIENT);
    int rc = sqlite3_step(st);
    char session_id[20] = "";
    int max_attempts = 3;
    if (rc == SQLITE_ROW) {
        db_column_copy(st, 0, session_id, sizeof session_id);
        max_attempts = sqlite3_column_int(st, 1);
    }
    sqlite3_finalize(st);
    if (rc == SQLITE_DONE) return 0;
    if (rc != SQLITE_ROW) { snprintf(err, errlen, "sql: %s", sqlite3_errmsg(db)); return -1; }

    char recon_id[20], eval_id[20];
    char *recon_params = follow_up_params("per-pixel IRFs of", train_id, train_id);
    if (!recon_params) { snprintf(err, errlen, "out of memory"); return -1; }
    job_new recon = {.kind = "reconstruct", .params_json = recon_params, .session_id = session_id,
                     .model_id = model_id, .max_attempts = max_attempts};
    rc = jobs_insert(db, &recon, recon_id, err, errlen);
    free(recon_params);
    if (rc) return -1;
    char *eval_params = follow_up_params("metrics of", recon_id, train_id);
    if (!eval_params) { snprintf(err, errlen, "out of memory"); return -1; }
    job_new evaluation = {.kind = "evaluate", .params_json = eval_params, .session_id = session_id,
                          .input_job_id = recon_id, .depends_on = recon_id, .max_attempts = max_attempts};
    rc = jobs_insert(db, &evaluation, eval_id, err, errlen);
    free(eval_params);
    return rc ? -1 : 0;
}

/* What a successful job adds besides its own row: a session becomes ready; training registers
 * its checkpoint as a model (and, when asked, queues the jobs that compute its per-pixel IRFs). */
static int complete_side_effects(sqlite3 *db, const char *id, const char *result_dir, int64_t now, char *err, size_t errlen)
{
    sqlite3_stmt *st = db_prepare(db,
        "UPDATE sessions SET state = 'ready', error = NULL, updated_at = ?2 "
        "WHERE id = (SELECT session_id FROM jobs WHERE id = ?1 AND kind IN ('simulate', 'import'))", err, errlen);
    if (!st) return -1;
    sqlite3_bind_text(st, 1, id, -1, SQLITE_TRANSIENT);
    sqlite3_bind_int64(st, 2, now);
    if (db_step_done(db, st, err, errlen) < 0) return -1;
    char mid[20], path[256];
    db_new_id('m', mid);
    snprintf(path, sizeof path, "%s/checkpoint.safetensors", result_dir ? result_dir : "");
    st = db_prepare(db,
        "INSERT INTO models(id, name, source, job_id, session_id, path, created_at) "
        "SELECT ?2, coalesce(json_extract(params, '$.name'), 'trained by ' || id), 'trained', id, session_id, ?3, ?4 "
        "FROM jobs WHERE id = ?1 AND kind = 'train'", err, errlen);
    if (!st) return -1;
    sqlite3_bind_text(st, 1, id, -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(st, 2, mid, -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(st, 3, path, -1, SQLITE_TRANSIENT);
    sqlite3_bind_int64(st, 4, now);
    int registered = db_step_done(db, st, err, errlen);
    if (registered < 0) return -1;
    return registered == 1 ? queue_follow_ups(db, id, mid, err, errlen) : 0;
}

int jobs_complete(sqlite3 *db, const job_fence *f, const char *result_dir,
                  int (*commit_files)(void *user, char *err, size_t errlen), void *user,
                  char *err, size_t errlen)
{
    err[0] = 0;
    if (db_begin_write(db)) { snprintf(err, errlen, "cannot lock database: %s", sqlite3_errmsg(db)); return -1; }
    int64_t now = db_now_ms();
    int held = fence_holds(db, f, err, errlen);
    if (held <= 0) { db_rollback(db); return held; }
    if (commit_files && commit_files(user, err, errlen)) { db_rollback(db); return -1; }
    sqlite3_stmt *st = db_prepare(db,
        "UPDATE jobs SET state = 'succeeded', progress = 1, result_dir = ?4, finished_at = ?5, updated_at = ?5, "
        "  lease_owner = NULL, message = 'done' WHERE " FENCE_SQL, err, errlen);
    if (!st) { db_rollback(db); return -1; }
    bind_fence(st, 1, f);
    db_bind_text(st, 4, result_dir);
    sqlite3_bind_int64(st, 5, now);
    if (db_step_done(db, st, err, errlen) != 1 || complete_side_effects(db, f->id, result_dir, now, err, errlen) ||
        db_commit(db)) {
        if (!*err) snprintf(err, errlen, "complete: %s", sqlite3_errmsg(db));
        db_rollback(db);
        return -1;
    }
    return 1;
}

int jobs_fail(sqlite3 *db, const job_fence *f, const char *error, int retryable, char *err, size_t errlen)
{
    err[0] = 0;
    if (db_begin_write(db)) { snprintf(err, errlen, "cannot lock database: %s", sqlite3_errmsg(db)); return -1; }
    int64_t now = db_now_ms();
    sqlite3_stmt *st = db_prepare(db,
        "UPDATE jobs SET last_error = ?4, lease_owner = NULL, lease_expires_at = NULL, updated_at = ?5, "
        "  state = CASE WHEN ?6 AND attempt < max_attempts AND cancel_requested = 0 THEN 'queued' ELSE 'failed' END, "
        "  finished_at = CASE WHEN ?6 AND attempt < max_attempts AND cancel_requested = 0 THEN NULL ELSE ?5 END "
        "WHERE " FENCE_SQL " RETURNING state", err, errlen);
    if (!st) { db_rollback(db); return -1; }
    bind_fence(st, 1, f);
    sqlite3_bind_text(st, 4, error ? error : "failed", -1, SQLITE_TRANSIENT);
    sqlite3_bind_int64(st, 5, now);
    sqlite3_bind_int(st, 6, retryable ? 1 : 0);
    int rc = sqlite3_step(st), owned = 0, final = 0;
    if (rc == SQLITE_ROW) {
        owned = 1;
        final = !strcmp((const char *)sqlite3_column_text(st, 0), "failed");
        rc = sqlite3_step(st);
    }
    sqlite3_finalize(st);
    if (rc != SQLITE_DONE) { snprintf(err, errlen, "sql: %s", sqlite3_errmsg(db)); db_rollback(db); return -1; }
    if ((final && settle_failure(db, f->id, now, err, errlen)) || db_commit(db)) {
        if (!*err) snprintf(err, errlen, "commit: %s", sqlite3_errmsg(db));
        db_rollback(db);
        return -1;
    }
    return owned;
}

int jobs_release(sqlite3 *db, const job_fence *f, char *err, size_t errlen)
{
    if (db_begin_write(db)) { snprintf(err, errlen, "cannot lock database: %s", sqlite3_errmsg(db)); return -1; }
    sqlite3_stmt *st = db_prepare(db, "UPDATE jobs SET state = 'queued', attempt = attempt - 1, lease_owner = NULL, "
                                      "lease_expires_at = NULL, message = 'requeued: its worker stopped', "
                                      "updated_at = ?4 WHERE " FENCE_SQL, err, errlen);
    if (!st) { db_rollback(db); return -1; }
    bind_fence(st, 1, f);
    sqlite3_bind_int64(st, 4, db_now_ms());
    int n = db_step_done(db, st, err, errlen);
    if (n < 0 || db_commit(db)) { db_rollback(db); return -1; }
    return n;
}

int jobs_mark_cancelled(sqlite3 *db, const job_fence *f, char *err, size_t errlen)
{
    err[0] = 0;
    if (db_begin_write(db)) { snprintf(err, errlen, "cannot lock database: %s", sqlite3_errmsg(db)); return -1; }
    int64_t now = db_now_ms();
    sqlite3_stmt *st = db_prepare(db, "UPDATE jobs SET state = 'cancelled', lease_owner = NULL, finished_at = ?4, "
                                      "updated_at = ?4, message = 'cancelled' WHERE " FENCE_SQL, err, errlen);
    if (!st) { db_rollback(db); return -1; }
    bind_fence(st, 1, f);
    sqlite3_bind_int64(st, 4, now);
    int n = db_step_done(db, st, err, errlen);
    if (n < 0 || (n == 1 && settle_failure(db, f->id, now, err, errlen)) || db_commit(db)) {
        if (!*err) snprintf(err, errlen, "commit: %s", sqlite3_errmsg(db));
        db_rollback(db);
        return -1;
    }
    return n;
}

cancel_result jobs_cancel(sqlite3 *db, const char *id, char *err, size_t errlen)
{
    if (db_begin_write(db)) { snprintf(err, errlen, "cannot lock database: %s", sqlite3_errmsg(db)); return CANCEL_ERROR; }
    int64_t now = db_now_ms();
    sqlite3_stmt *st = db_prepare(db, "SELECT state FROM jobs WHERE id = ?", err, errlen);
    if (!st) { db_rollback(db); return CANCEL_ERROR; }
    sqlite3_bind_text(st, 1, id, -1, SQLITE_TRANSIENT);
    char state[16] = "";
    int rc = sqlite3_step(st);
    if (rc == SQLITE_ROW) db_column_copy(st, 0, state, sizeof state);
    sqlite3_finalize(st);
    if (rc != SQLITE_ROW) { db_rollback(db); return rc == SQLITE_DONE ? CANCEL_NOT_FOUND : CANCEL_ERROR; }
    cancel_result result;
    if (!strcmp(state, "queued")) {
        st = db_prepare(db, "UPDATE jobs SET state = 'cancelled', cancel_requested = 1, finished_at = ?2, "
                            "updated_at = ?2, message = 'cancelled before it started' WHERE id = ?1", err, errlen);
        result = CANCEL_DONE;
    } else if (!strcmp(state, "running")) {
        st = db_prepare(db, "UPDATE jobs SET cancel_requested = 1, updated_at = ?2, message = 'cancel requested' "
                            "WHERE id = ?1", err, errlen);
        result = CANCEL_REQUESTED;
    } else {
        db_rollback(db);
        return CANCEL_ALREADY_FINISHED;
    }
    if (!st) { db_rollback(db); return CANCEL_ERROR; }
    sqlite3_bind_text(st, 1, id, -1, SQLITE_TRANSIENT);
    sqlite3_bind_int64(st, 2, now);
    if (db_step_done(db, st, err, errlen) < 0 || (result == CANCEL_DONE && settle_failure(db, id, now, err, errlen)) ||
        db_commit(db)) {
        db_rollback(db);
        return CANCEL_ERROR;
    }
    return result;
}

#define JOB_COLUMNS "id, kind, state, session_id, model_id, input_job_id, depends_on, attempt, max_attempts, " \
                    "lease_owner, lease_expires_at, cancel_requested, progress, message, epoch, last_error, " \
                    "result_dir, created_at, started_at, finished_at, updated_at, params, metrics"

static cJSON *job_row_json(sqlite3_stmt *st)
{
    static const char *const names[] = {"id", "kind", "state", "session_id", "model_id", "input_job_id", "depends_on",
                                        "attempt", "max_attempts", "lease_owner", "lease_expires_at",
                                        "cancel_requested", "progress", "message", "epoch", "last_error",
                                        "result_dir", "created_at", "started_at", "finished_at", "updated_at"};
    cJSON *o = cJSON_CreateObject();
    int ncols = (int)(sizeof names / sizeof names[0]);
    for (int i = 0; i < ncols; i++) {
        if (!strcmp(names[i], "cancel_requested")) cJSON_AddBoolToObject(o, names[i], sqlite3_column_int(st, i));
        else db_column_to_json(o, names[i], st, i);
    }
    for (int i = ncols; i < ncols + 2; i++) {
        const char *t = (const char *)sqlite3_column_text(st, i);
        cJSON *v = t ? cJSON_Parse(t) : NULL;
        cJSON_AddItemToObject(o, i == ncols ? "params" : "metrics", v ? v : cJSON_CreateObject());
    }
    return o;
}

cJSON *jobs_get_json(sqlite3 *db, const char *id, int with_history, int *found, char *err, size_t errlen)
{
    *found = 0;
    sqlite3_stmt *st = db_prepare(db, "SELECT " JOB_COLUMNS " FROM jobs WHERE id = ?", err, errlen);
    if (!st) return NULL;
    sqlite3_bind_text(st, 1, id, -1, SQLITE_TRANSIENT);
    int rc = sqlite3_step(st);
    if (rc != SQLITE_ROW) {
        if (rc != SQLITE_DONE) snprintf(err, errlen, "sql: %s", sqlite3_errmsg(db));
        sqlite3_finalize(st);
        return NULL;
    }
    *found = 1;
    cJSON *o = job_row_json(st);
    sqlite3_finalize(st);
    if (!with_history) return o;
    cJSON *hist = cJSON_AddArrayToObject(o, "loss_history");
    st = db_prepare(db, "SELECT data FROM job_metrics WHERE job_id = ? ORDER BY seq", err, errlen);
    if (!st) { cJSON_Delete(o); return NULL; }
    sqlite3_bind_text(st, 1, id, -1, SQLITE_TRANSIENT);
    while (sqlite3_step(st) == SQLITE_ROW) {
        cJSON *v = cJSON_Parse((const char *)sqlite3_column_text(st, 0));
        if (v) cJSON_AddItemToArray(hist, v);
    }
    sqlite3_finalize(st);
    return o;
}

cJSON *jobs_list_json(sqlite3 *db, const char *state, const char *kind, const char *session_id,
                      int limit, int offset, char *err, size_t errlen)
{
    sqlite3_stmt *st = db_prepare(db,
        "SELECT " JOB_COLUMNS " FROM jobs WHERE (?1 IS NULL OR state = ?1) AND (?2 IS NULL OR kind = ?2) "
        "AND (?3 IS NULL OR session_id = ?3) ORDER BY created_at DESC, rowid DESC LIMIT ?4 OFFSET ?5", err, errlen);
    if (!st) return NULL;
    db_bind_text(st, 1, state);
    db_bind_text(st, 2, kind);
    db_bind_text(st, 3, session_id);
    sqlite3_bind_int(st, 4, limit);
    sqlite3_bind_int(st, 5, offset);
    cJSON *arr = cJSON_CreateArray();
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) cJSON_AddItemToArray(arr, job_row_json(st));
    sqlite3_finalize(st);
    if (rc != SQLITE_DONE) { snprintf(err, errlen, "sql: %s", sqlite3_errmsg(db)); cJSON_Delete(arr); return NULL; }
    return arr;
}

int jobs_count_by_state(sqlite3 *db, long counts[JOB_STATES], char *err, size_t errlen)
{
    for (int i = 0; i < JOB_STATES; i++) counts[i] = 0;
    sqlite3_stmt *st = db_prepare(db, "SELECT state, count(*) FROM jobs GROUP BY state", err, errlen);
    if (!st) return -1;
    while (sqlite3_step(st) == SQLITE_ROW) {
        const char *s = (const char *)sqlite3_column_text(st, 0);
        for (int i = 0; i < JOB_STATES; i++)
            if (s && !strcmp(s, job_state_names[i])) counts[i] = sqlite3_column_int64(st, 1);
    }
    sqlite3_finalize(st);
    return 0;
}

int jobs_active_for(sqlite3 *db, const char *column, const char *id, long *count)
{
    char sql[200], err[64];
    /* column is one of a fixed set chosen by the caller, never request text. */
    if (strcmp(column, "session_id") && strcmp(column, "model_id") && strcmp(column, "input_job_id")) return -1;
    snprintf(sql, sizeof sql, "SELECT count(*) FROM jobs WHERE %s = ? AND state IN ('queued', 'running')", column);
    sqlite3_stmt *st = db_prepare(db, sql, err, sizeof err);
    if (!st) return -1;
    sqlite3_bind_text(st, 1, id, -1, SQLITE_TRANSIENT);
    *count = sqlite3_step(st) == SQLITE_ROW ? sqlite3_column_int64(st, 0) : 0;
    sqlite3_finalize(st);
    return 0;
}
