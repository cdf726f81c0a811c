#include "db/sessions.h"

#include <stdio.h>
#include <string.h>

#include "db/db.h"
#include "db/db_stmt.h"

int sessions_insert(sqlite3 *db, const char *name, const char *source, const char *state, char id_out[20],
                    char *err, size_t errlen)
{
    db_new_id('s', id_out);
    sqlite3_stmt *st = db_prepare(db, "INSERT INTO sessions(id, name, state, source, created_at, updated_at) "
                                      "VALUES(?, ?, ?, ?, ?, ?)", err, errlen);
    if (!st) return -1;
    int64_t now = db_now_ms();
    db_bind_text(st, 1, id_out);
    db_bind_text(st, 2, name);
    db_bind_text(st, 3, state);
    db_bind_text(st, 4, source);
    sqlite3_bind_int64(st, 5, now);
    sqlite3_bind_int64(st, 6, now);
    return db_step_done(db, st, err, errlen) < 0 ? -1 : 0;
}

int sessions_state(sqlite3 *db, const char *id, char state[16], char *err, size_t errlen)
{
    sqlite3_stmt *st = db_prepare(db, "SELECT state FROM sessions WHERE id = ?", err, errlen);
    if (!st) return -1;
    db_bind_text(st, 1, id);
    int rc = sqlite3_step(st), found = rc == SQLITE_ROW;
    if (found) db_column_copy(st, 0, state, 16);
    sqlite3_finalize(st);
    if (rc != SQLITE_ROW && rc != SQLITE_DONE) { snprintf(err, errlen, "sql: %s", sqlite3_errmsg(db)); return -1; }
    return found;
}

int sessions_set_state(sqlite3 *db, const char *id, const char *state, char *err, size_t errlen)
{
    sqlite3_stmt *st = db_prepare(db, "UPDATE sessions SET state = ?, error = NULL, updated_at = ? WHERE id = ?", err, errlen);
    if (!st) return -1;
    db_bind_text(st, 1, state);
    sqlite3_bind_int64(st, 2, db_now_ms());
    db_bind_text(st, 3, id);
    return db_step_done(db, st, err, errlen) < 0 ? -1 : 0;
}

static cJSON *row_json(sqlite3_stmt *st, const char *const *names, int n)
{
    cJSON *o = cJSON_CreateObject();
    for (int i = 0; i < n; i++) db_column_to_json(o, names[i], st, i);
    return o;
}

static const char *const session_cols[] = {"id", "name", "state", "source", "error", "created_at", "updated_at"};
#define SESSION_SQL "SELECT id, name, state, source, error, created_at, updated_at FROM sessions"

cJSON *sessions_get_json(sqlite3 *db, const char *id, int *found, char *err, size_t errlen)
{
    *found = 0;
    sqlite3_stmt *st = db_prepare(db, SESSION_SQL " WHERE id = ?", err, errlen);
    if (!st) return NULL;
    db_bind_text(st, 1, id);
    if (sqlite3_step(st) != SQLITE_ROW) { sqlite3_finalize(st); return NULL; }
    *found = 1;
    cJSON *o = row_json(st, session_cols, 7);
    sqlite3_finalize(st);
    cJSON *files = cJSON_AddArrayToObject(o, "uploads");
    st = db_prepare(db, "SELECT name, size, sha256, created_at FROM uploads WHERE session_id = ? ORDER BY name", err, errlen);
    if (!st) { cJSON_Delete(o); return NULL; }
    db_bind_text(st, 1, id);
    static const char *const upload_cols[] = {"name", "size", "sha256", "created_at"};
    while (sqlite3_step(st) == SQLITE_ROW) cJSON_AddItemToArray(files, row_json(st, upload_cols, 4));
    sqlite3_finalize(st);
    return o;
}

cJSON *sessions_list_json(sqlite3 *db, int limit, int offset, char *err, size_t errlen)
{
    sqlite3_stmt *st = db_prepare(db, SESSION_SQL " ORDER BY created_at DESC, rowid DESC LIMIT ? OFFSET ?", err, errlen);
    if (!st) return NULL;
    sqlite3_bind_int(st, 1, limit);
    sqlite3_bind_int(st, 2, offset);
    cJSON *arr = cJSON_CreateArray();
    while (sqlite3_step(st) == SQLITE_ROW) cJSON_AddItemToArray(arr, row_json(st, session_cols, 7));
    sqlite3_finalize(st);
    return arr;
}

int sessions_delete(sqlite3 *db, const char *id, char *err, size_t errlen)
{
    sqlite3_stmt *st = db_prepare(db, "DELETE FROM sessions WHERE id = ?", err, errlen);
    if (!st) return -1;
    db_bind_text(st, 1, id);
    return db_step_done(db, st, err, errlen);
}

int uploads_record(sqlite3 *db, const char *session_id, const char *name, int64_t size, const char *sha256,
                   char *err, size_t errlen)
{
    sqlite3_stmt *st = db_prepare(db, "INSERT OR REPLACE INTO uploads(session_id, name, size, sha256, created_at) "
                                      "VALUES(?, ?, ?, ?, ?)", err, errlen);
    if (!st) return -1;
    db_bind_text(st, 1, session_id);
    db_bind_text(st, 2, name);
    sqlite3_bind_int64(st, 3, size);
    db_bind_text(st, 4, sha256);
    sqlite3_bind_int64(st, 5, db_now_ms());
    return db_step_done(db, st, err, errlen) < 0 ? -1 : 0;
}

int uploads_exists(sqlite3 *db, const char *session_id, const char *name)
{
    char err[64];
    sqlite3_stmt *st = db_prepare(db, "SELECT 1 FROM uploads WHERE session_id = ? AND name = ?", err, sizeof err);
    if (!st) return -1;
    db_bind_text(st, 1, session_id);
    db_bind_text(st, 2, name);
    int rc = sqlite3_step(st);
    sqlite3_finalize(st);
    return rc == SQLITE_ROW ? 1 : rc == SQLITE_DONE ? 0 : -1;
}

int models_insert(sqlite3 *db, const char *id, const char *name, const char *source, const char *path,
                  int64_t size, const char *sha256, char *err, size_t errlen)
{
    sqlite3_stmt *st = db_prepare(db, "INSERT INTO models(id, name, source, path, size, sha256, created_at) "
                                      "VALUES(?, ?, ?, ?, ?, ?, ?)", err, errlen);
    if (!st) return -1;
    db_bind_text(st, 1, id);
    db_bind_text(st, 2, name);
    db_bind_text(st, 3, source);
    db_bind_text(st, 4, path);
    sqlite3_bind_int64(st, 5, size);
    db_bind_text(st, 6, sha256);
    sqlite3_bind_int64(st, 7, db_now_ms());
    return db_step_done(db, st, err, errlen) < 0 ? -1 : 0;
}

static const char *const model_cols[] = {"id", "name", "source", "job_id", "session_id", "size", "sha256", "created_at"};
#define MODEL_SQL "SELECT id, name, source, job_id, session_id, size, sha256, created_at FROM models"

cJSON *models_get_json(sqlite3 *db, const char *id, int *found, char *err, size_t errlen)
{
    *found = 0;
    sqlite3_stmt *st = db_prepare(db, MODEL_SQL " WHERE id = ?", err, errlen);
    if (!st) return NULL;
    db_bind_text(st, 1, id);
    cJSON *o = NULL;
    if (sqlite3_step(st) == SQLITE_ROW) { *found = 1; o = row_json(st, model_cols, 8); }
    sqlite3_finalize(st);
    return o;
}

cJSON *models_list_json(sqlite3 *db, int limit, int offset, char *err, size_t errlen)
{
    sqlite3_stmt *st = db_prepare(db, MODEL_SQL " ORDER BY created_at DESC, rowid DESC LIMIT ? OFFSET ?", err, errlen);
    if (!st) return NULL;
    sqlite3_bind_int(st, 1, limit);
    sqlite3_bind_int(st, 2, offset);
    cJSON *arr = cJSON_CreateArray();
    while (sqlite3_step(st) == SQLITE_ROW) cJSON_AddItemToArray(arr, row_json(st, model_cols, 8));
    sqlite3_finalize(st);
    return arr;
}

int models_path(sqlite3 *db, const char *id, char *path, size_t pathlen)
{
    char err[64];
    sqlite3_stmt *st = db_prepare(db, "SELECT path FROM models WHERE id = ?", err, sizeof err);
    if (!st) return -1;
    db_bind_text(st, 1, id);
    int rc = sqlite3_step(st);
    if (rc == SQLITE_ROW) db_column_copy(st, 0, path, pathlen);
    sqlite3_finalize(st);
    return rc == SQLITE_ROW ? 1 : rc == SQLITE_DONE ? 0 : -1;
}
