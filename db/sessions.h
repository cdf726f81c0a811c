/* Sessions (a recording: MUA + stimuli, in a session folder), their uploaded raw files, and
 * models (checkpoints, trained here or uploaded). Rows only; the files live in the data
 * directory (db/data_dir.h). */
#ifndef IRFA_DB_SESSIONS_H
#define IRFA_DB_SESSIONS_H

#include <stddef.h>
#include <stdint.h>
#include <sqlite3.h>
#include <cjson/cJSON.h>

/* Inserts a session (caller holds a write transaction). state: uploading | pending. */
int sessions_insert(sqlite3 *db, const char *name, const char *source, const char *state, char id_out[20],
                    char *err, size_t errlen);
/* Copies the state of a session into state (16 bytes). Returns 1 found, 0 not found, -1 error. */
int sessions_state(sqlite3 *db, const char *id, char state[16], char *err, size_t errlen);
int sessions_set_state(sqlite3 *db, const char *id, const char *state, char *err, size_t errlen);
cJSON *sessions_get_json(sqlite3 *db, const char *id, int *found, char *err, size_t errlen);
cJSON *sessions_list_json(sqlite3 *db, int limit, int offset, char *err, size_t errlen);
int sessions_delete(sqlite3 *db, const char *id, char *err, size_t errlen);

/* Records (or replaces) an uploaded file of a session. */
int uploads_record(sqlite3 *db, const char *session_id, const char *name, int64_t size, const char *sha256,
                   char *err, size_t errlen);
/* 1 when the session has an upload of that name, 0 when not, -1 on error. */
int uploads_exists(sqlite3 *db, const char *session_id, const char *name);

int models_insert(sqlite3 *db, const char *id, const char *name, const char *source, const char *path,
                  int64_t size, const char *sha256, char *err, size_t errlen);
cJSON *models_get_json(sqlite3 *db, const char *id, int *found, char *err, size_t errlen);
cJSON *models_list_json(sqlite3 *db, int limit, int offset, char *err, size_t errlen);
/* Path of the checkpoint relative to the data directory. Returns 1 found, 0 not, -1 error. */
int models_path(sqlite3 *db, const char *id, char *path, size_t pathlen);

#endif
