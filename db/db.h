/* The service database (SQLite): opening with the settings every process must use (WAL, busy
 * timeout, foreign keys), schema migrations by PRAGMA user_version, and write transactions that
 * always start with BEGIN IMMEDIATE so two writers never deadlock on a lock upgrade. */
#ifndef IRFA_DB_H
#define IRFA_DB_H

#include <stddef.h>
#include <stdint.h>
#include <sqlite3.h>

/* Opens (creating if needed) the database at path and migrates it to the newest schema.
 * Returns NULL with err filled on failure. */
sqlite3 *db_open(const char *path, char *err, size_t errlen);
void db_close(sqlite3 *db);

/* Newest schema version this build knows (PRAGMA user_version after db_open). */
int db_schema_version(void);

/* BEGIN IMMEDIATE / COMMIT / ROLLBACK. db_begin_write retries on SQLITE_BUSY beyond the busy
 * timeout only by returning an error; callers report it. Return 0 on success. */
int db_begin_write(sqlite3 *db);
int db_commit(sqlite3 *db);
void db_rollback(sqlite3 *db);

/* Runs a statement without results (no parameters). Returns 0 or -1 with err filled. */
int db_exec(sqlite3 *db, const char *sql, char *err, size_t errlen);

/* Milliseconds since the Unix epoch (wall clock: leases must mean the same across processes). */
int64_t db_now_ms(void);

/* Fresh random identifier "<prefix>_<16 hex digits>" (prefix: s session, j job, m model). */
void db_new_id(char prefix, char out[20]);
/* True when s looks like an id with that prefix (checked before any use in SQL or a path). */
int db_valid_id(const char *s, char prefix);

/* PRAGMA integrity_check; returns 0 when it answers "ok". */
int db_integrity_ok(sqlite3 *db, char *err, size_t errlen);

#endif
