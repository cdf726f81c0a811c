/* Jobs: create (train / reconstruct / evaluate / simulate / import), list, get, cancel. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "db/db.h"
#include "db/job_options.h"
#include "db/jobs.h"
#include "db/sessions.h"
#include "server/server_internal.h"

static const char *const job_kinds[] = {"simulate", "import", "train", "reconstruct", "evaluate"};

static int kind_ok(const char *k)
{
    for (size_t i = 0; i < sizeof job_kinds / sizeof job_kinds[0]; i++)
        if (!strcmp(k, job_kinds[i])) return 1;
    return 0;
}

static const char *string_field(const cJSON *o, const char *name)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, name);
    return cJSON_IsString(v) ? v->valuestring : NULL;
}

typedef struct job_request {
    const char *kind;
    char session_id[20], model_id[20], input_job_id[20], depends_on[20];
    int max_attempts;
    cJSON *params;               /* what the worker needs: options, files, name */
} job_request;

/* Reads an optional id field; replies 400 on a malformed one. */
static int id_field(request *r, const cJSON *body, const char *name, char prefix, char out[20], enum MHD_Result *res)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(body, name);
    out[0] = 0;
    if (!v || cJSON_IsNull(v)) return 0;
    if (!cJSON_IsString(v) || !db_valid_id(v->valuestring, prefix)) {
        *res = reply_error(r, 400, "bad_field", "'%s' must be an id like %c_0123456789abcdef", name, prefix);
        return -1;
    }
    snprintf(out, 20, "%s", v->valuestring);
    return 0;
}

static int row_exists(sqlite3 *db, const char *sql, const char *id, char *text_out, size_t text_len)
{
    sqlite3_stmt *st;
    if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK) return -1;
    sqlite3_bind_text(st, 1, id, -1, SQLITE_TRANSIENT);
    int rc = sqlite3_step(st);
    if (rc == SQLITE_ROW && text_out) {
        const unsigned char *t = sqlite3_column_text(st, 0);
        snprintf(text_out, text_len, "%s", t ? (const char *)t : "");
    }
    sqlite3_finalize(st);
    return rc == SQLITE_ROW ? 1 : rc == SQLITE_DONE ? 0 : -1;
}

/* Checks the references of a job against the database; runs inside the write transaction so
 * what it checked still holds when the job is inserted. */
static int check_references(request *r, job_request *j, enum MHD_Result *res)
{
    char state[32];
    if (j->depends_on[0] && row_exists(r->db, "SELECT state FROM jobs WHERE id = ?", j->depends_on, state, sizeof state) != 1) {
        *res = reply_error(r, 404, "not_found", "depends_on: no job %s", j->depends_on);
        return -1;
    }
    if (!strcmp(j->kind, "evaluate")) {
        char kind[32];
        if (row_exists(r->db, "SELECT kind FROM jobs WHERE id = ?", j->input_job_id, kind, sizeof kind) != 1) {
            *res = reply_error(r, 404, "not_found", "no job %s", j->input_job_id);
            return -1;
        }
        if (strcmp(kind, "reconstruct")) {
            *res = reply_error(r, 400, "bad_field", "input_job_id must be a reconstruct job (%s is %s)", j->input_job_id, kind);
            return -1;
        }
        if (!j->session_id[0]) {
            char sid[32];
            row_exists(r->db, "SELECT session_id FROM jobs WHERE id = ?", j->input_job_id, sid, sizeof sid);
            snprintf(j->session_id, sizeof j->session_id, "%.19s", sid);
        }
    }
    if (!strcmp(j->kind, "reconstruct") && row_exists(r->db, "SELECT id FROM models WHERE id = ?", j->model_id, NULL, 0) != 1) {
        *res = reply_error(r, 404, "not_found", "no model %s", j->model_id);
        return -1;
    }
    if (strcmp(j->kind, "simulate")) {
        char err[128];
        int found = sessions_state(r->db, j->session_id, state, err, sizeof err);
        if (found != 1) {
            *res = reply_error(r, 404, "not_found", "no session %s", j->session_id);
            return -1;
        }
        if (!strcmp(j->kind, "import")) {
            if (strcmp(state, "uploading") && strcmp(state, "failed")) {
                *res = reply_error(r, 409, "conflict", "session %s is %s; import needs an uploading or failed session",
                                   j->session_id, state);
                return -1;
            }
            const cJSON *files = cJSON_GetObjectItemCaseSensitive(j->params, "files");
            for (const cJSON *f = files ? files->child : NULL; f; f = f->next)
                if (strcmp(f->valuestring, "/") && uploads_exists(r->db, j->session_id, f->valuestring) != 1) {
                    *res = reply_error(r, 400, "bad_field", "session %s has no uploaded file '%s'", j->session_id, f->valuestring);
                    return -1;
                }
        } else if (!strcmp(state, "failed") || (strcmp(state, "ready") && !j->depends_on[0])) {
            *res = reply_error(r, 409, "conflict", "session %s is %s; it must be ready (or the job must depend on the "
                               "job that fills it)", j->session_id, state);
            return -1;
        }
    }
    return 0;
}

/* Validates the body (shape, kinds, options) before touching the database. */
static int parse_job_request(request *r, cJSON *body, const char *forced_kind, const char *forced_session,
                             job_request *j, enum MHD_Result *res)
{
    memset(j, 0, sizeof *j);
    j->kind = forced_kind ? forced_kind : string_field(body, "kind");
    if (!j->kind || !kind_ok(j->kind)) {
        *res = reply_error(r, 400, "bad_field", "'kind' must be one of simulate, import, train, reconstruct, evaluate");
        return -1;
    }
    if (id_field(r, body, "session_id", 's', j->session_id, res) || id_field(r, body, "model_id", 'm', j->model_id, res) ||
        id_field(r, body, "input_job_id", 'j', j->input_job_id, res) || id_field(r, body, "depends_on", 'j', j->depends_on, res))
        return -1;
    if (forced_session) snprintf(j->session_id, sizeof j->session_id, "%s", forced_session);
    const cJSON *ma = cJSON_GetObjectItemCaseSensitive(body, "max_attempts");
    j->max_attempts = 3;
    if (ma) {
        if (!cJSON_IsNumber(ma) || ma->valuedouble < 1 || ma->valuedouble > 20 || ma->valuedouble != (int)ma->valuedouble) {
            *res = reply_error(r, 400, "bad_field", "'max_attempts' must be an integer from 1 to 20");
            return -1;
        }
        j->max_attempts = (int)ma->valuedouble;
    }
    const cJSON *options = cJSON_GetObjectItemCaseSensitive(body, "options");
    char err[256];
    if (job_options_check(options, err, sizeof err)) { *res = reply_error(r, 400, "bad_options", "%s", err); return -1; }
    const char *name = string_field(body, "name");
    if (cJSON_GetObjectItemCaseSensitive(body, "name") && (!name || strlen(name) > 200)) {
        *res = reply_error(r, 400, "bad_field", "'name' must be a string of at most 200 characters");
        return -1;
    }
    int needs_session = strcmp(j->kind, "simulate") != 0 && strcmp(j->kind, "evaluate") != 0;
    if (needs_session && !j->session_id[0]) { *res = reply_error(r, 400, "bad_field", "a %s job needs 'session_id'", j->kind); return -1; }
    if (!strcmp(j->kind, "simulate") && j->session_id[0]) {
        *res = reply_error(r, 400, "bad_field", "a simulate job makes a new session; leave out 'session_id'");
        return -1;
    }
    if (!strcmp(j->kind, "reconstruct") && !j->model_id[0]) { *res = reply_error(r, 400, "bad_field", "a reconstruct job needs 'model_id'"); return -1; }
    if (!strcmp(j->kind, "evaluate") && !j->input_job_id[0]) {
        *res = reply_error(r, 400, "bad_field", "an evaluate job needs 'input_job_id' (a reconstruct job)");
        return -1;
    }
    /* per_pixel_irfs: when this train job succeeds, the completion also queues the reconstruct job
     * (with attention) and the evaluate job that give its per-pixel IRFs and per-image metrics. */
    const cJSON *irfs = cJSON_GetObjectItemCaseSensitive(body, "per_pixel_irfs");
    if (irfs && !cJSON_IsBool(irfs)) {
        *res = reply_error(r, 400, "bad_field", "'per_pixel_irfs' must be true or false");
        return -1;
    }
    if (cJSON_IsTrue(irfs) && strcmp(j->kind, "train")) {
        *res = reply_error(r, 400, "bad_field", "'per_pixel_irfs' applies to train jobs only (this is a %s job)", j->kind);
        return -1;
    }
    j->params = cJSON_CreateObject();
    if (options) cJSON_AddItemToObject(j->params, "options", cJSON_Duplicate(options, 1));
    if (name) cJSON_AddStringToObject(j->params, "name", name);
    if (cJSON_IsTrue(irfs)) cJSON_AddTrueToObject(j->params, "per_pixel_irfs");
    if (!strcmp(j->kind, "import")) {
        const cJSON *files = cJSON_GetObjectItemCaseSensitive(body, "files");
        if (!cJSON_IsObject(files) || !files->child) {
            *res = reply_error(r, 400, "bad_field", "an import needs 'files': {\"option\": \"uploaded file name\", ...}");
            return -1;
        }
        for (const cJSON *f = files->child; f; f = f->next)
            if (!job_option_name_ok(f->string) || !cJSON_IsString(f) ||
                (!job_file_name_ok(f->valuestring) && strcmp(f->valuestring, "/"))) {
                *res = reply_error(r, 400, "bad_field", "files: '%.40s' must map an option name to an uploaded file name "
                                   "(or \"/\" for the folder of all uploads)", f->string ? f->string : "");
                return -1;
            }
        const char *format = string_field(body, "format");
        if (!format || !job_option_name_ok(format)) {
            *res = reply_error(r, 400, "bad_field", "an import needs 'format': npy, tvsd or nwb");
            return -1;
        }
        cJSON_AddItemToObject(j->params, "files", cJSON_Duplicate(files, 1));
        cJSON_AddStringToObject(j->params, "format", format);
    }
    return 0;
}

static const char *idempotency_key(request *r, enum MHD_Result *res, int *bad)
{
    *bad = 0;
    const char *k = MHD_lookup_connection_value(r->conn, MHD_HEADER_KIND, "Idempotency-Key");
    if (!k) return NULL;
    size_t n = strlen(k);
    for (size_t i = 0; i < n; i++)
        if (k[i] < 0x21 || k[i] > 0x7e) n = 0;
    if (n == 0 || n > 128) {
        *bad = 1;
        *res = reply_error(r, 400, "bad_header", "Idempotency-Key must be 1 to 128 visible ASCII characters");
    }
    return k;
}

enum MHD_Result jobs_create_from(request *r, cJSON *body, const char *forced_kind, const char *forced_session)
{
    enum MHD_Result res = MHD_NO;
    job_request j;
    int bad;
    const char *key = idempotency_key(r, &res, &bad);
    if (bad) return res;
    if (parse_job_request(r, body, forced_kind, forced_session, &j, &res)) { cJSON_Delete(j.params); return res; }
    char hash[65], err[512], id[20], sid[20] = "";
    sha256_ctx h;
    sha256_init(&h);
    sha256_update(&h, r->url, strlen(r->url));
    if (r->body) sha256_update(&h, r->body, r->body_len);
    sha256_final_hex(&h, hash);
    char *params = cJSON_PrintUnformatted(j.params);
    if (db_begin_write(r->db)) { free(params); cJSON_Delete(j.params); return reply_error(r, 503, "busy", "database busy"); }
    int rc = 0;
    if (check_references(r, &j, &res)) { rc = -3; goto out; }
    if (!strcmp(j.kind, "simulate")) {
        const char *name = string_field(body, "name");
        if (sessions_insert(r->db, name ? name : "simulated session", "simulate", "pending", sid, err, sizeof err)) {
            rc = -1;
            goto out;
        }
        snprintf(j.session_id, sizeof j.session_id, "%s", sid);
    }
    job_new n = {.kind = j.kind, .params_json = params, .session_id = j.session_id, .model_id = j.model_id,
                 .input_job_id = j.input_job_id, .depends_on = j.depends_on, .max_attempts = j.max_attempts,
                 .idempotency_key = key, .request_hash = hash};
    rc = jobs_insert(r->db, &n, id, err, sizeof err);
    if (rc == 0 && !strcmp(j.kind, "import") && sessions_set_state(r->db, j.session_id, "importing", err, sizeof err)) rc = -1;
out:
    free(params);
    cJSON_Delete(j.params);
    if (rc == 1 || rc < 0 || db_commit(r->db)) {
        db_rollback(r->db);
        if (rc == -3) return res;
        if (rc == -2) return reply_error(r, 422, "idempotency_conflict",
                                         "Idempotency-Key '%s' was used before with a different request", key);
        if (rc < 0) return reply_error(r, 500, "database", "%s", err);
    }
    int found;
    cJSON *job = jobs_get_json(r->db, id, 1, &found, err, sizeof err);
    if (!job) return reply_error(r, 500, "database", "%s", err);
    char loc[64];
    snprintf(loc, sizeof loc, "/api/v1/jobs/%s", id);
    char *text = cJSON_PrintUnformatted(job);
    cJSON_Delete(job);
    struct MHD_Response *resp = MHD_create_response_from_buffer(strlen(text), text, MHD_RESPMEM_MUST_FREE);
    MHD_add_response_header(resp, "Content-Type", "application/json");
    MHD_add_response_header(resp, "Location", loc);
    if (rc == 1) MHD_add_response_header(resp, "Idempotent-Replayed", "true");
    return reply_queue(r, rc == 1 ? 200 : 201, resp);
}

enum MHD_Result route_jobs_create(request *r)
{
    enum MHD_Result res;
    cJSON *body = req_json_object(r, &res);
    if (!body) return res;
    res = jobs_create_from(r, body, NULL, NULL);
    cJSON_Delete(body);
    return res;
}

enum MHD_Result route_jobs_list(request *r)
{
    enum MHD_Result res = MHD_NO;
    long limit, offset;
    if (req_query_int(r, "limit", 1, 1000, 100, &limit, &res) || req_query_int(r, "offset", 0, 1000000000, 0, &offset, &res))
        return res;
    const char *state = req_query(r, "state"), *kind = req_query(r, "kind"), *sid = req_query(r, "session_id");
    int state_ok = !state;
    for (int i = 0; state && i < JOB_STATES; i++) state_ok |= !strcmp(state, job_state_names[i]);
    if (!state_ok) return reply_error(r, 400, "bad_parameter", "state must be queued, running, succeeded, failed or cancelled");
    if (kind && !kind_ok(kind)) return reply_error(r, 400, "bad_parameter", "unknown kind '%.40s'", kind);
    if (sid && !db_valid_id(sid, 's')) return reply_error(r, 400, "bad_parameter", "session_id is not a session id");
    char err[256];
    cJSON *list = jobs_list_json(r->db, state, kind, sid, (int)limit, (int)offset, err, sizeof err);
    if (!list) return reply_error(r, 500, "database", "%s", err);
    cJSON *o = cJSON_CreateObject();
    cJSON_AddItemToObject(o, "jobs", list);
    return reply_json(r, 200, o);
}

enum MHD_Result route_jobs_get(request *r)
{
    if (!db_valid_id(r->params[0], 'j')) return reply_error(r, 404, "not_found", "no job %.40s", r->params[0]);
    char err[256];
    int found;
    cJSON *job = jobs_get_json(r->db, r->params[0], 1, &found, err, sizeof err);
    if (!job) return found ? reply_error(r, 500, "database", "%s", err) : reply_error(r, 404, "not_found", "no job %s", r->params[0]);
    return reply_json(r, 200, job);
}

enum MHD_Result route_jobs_cancel(request *r)
{
    if (!db_valid_id(r->params[0], 'j')) return reply_error(r, 404, "not_found", "no job %.40s", r->params[0]);
    char err[256];
    switch (jobs_cancel(r->db, r->params[0], err, sizeof err)) {
    case CANCEL_NOT_FOUND: return reply_error(r, 404, "not_found", "no job %s", r->params[0]);
    case CANCEL_ALREADY_FINISHED: return reply_error(r, 409, "conflict", "job %s has already finished", r->params[0]);
    case CANCEL_ERROR: return reply_error(r, 500, "database", "%s", err);
    default: break;
    }
    int found;
    cJSON *job = jobs_get_json(r->db, r->params[0], 0, &found, err, sizeof err);
    if (!job) return reply_error(r, 500, "database", "%s", err);
    return reply_json(r, 202, job);
}
