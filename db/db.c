#include "db/db.h"

#include <ctype.h>
#include <stdio.h>
#include <string.h>
#include <sys/random.h>
#include <time.h>

/* Schema migrations: entry i takes the database from user_version i to i+1. Never edit a
 * released entry; append a new one. */
static const char *const migrations[] = {
    /* 0 -> 1: sessions, uploads, jobs with leases, per-epoch metrics, models */
    "CREATE TABLE sessions("
    "  id TEXT PRIMARY KEY, name TEXT NOT NULL,"
    "  state TEXT NOT NULL CHECK(state IN ('uploading','pending','importing','ready','failed')),"
    "  source TEXT NOT NULL CHECK(source IN ('upload','simulate')),"
    "  error TEXT, created_at INTEGER NOT NULL, updated_at INTEGER NOT NULL);"
    "CREATE TABLE uploads("
    "  session_id TEXT NOT NULL REFERENCES sessions(id) ON DELETE CASCADE,"
    "  name TEXT NOT NULL, size INTEGER NOT NULL, sha256 TEXT NOT NULL, created_at INTEGER NOT NULL,"
    "  PRIMARY KEY(session_id, name));"
    "CREATE TABLE jobs("
    "  id TEXT PRIMARY KEY, kind TEXT NOT NULL"
    "    CHECK(kind IN ('simulate','import','train','reconstruct','evaluate')),"
    "  state TEXT NOT NULL CHECK(state IN ('queued','running','succeeded','failed','cancelled')),"
    "  params TEXT NOT NULL, session_id TEXT, model_id TEXT, input_job_id TEXT, depends_on TEXT,"
    "  idempotency_key TEXT UNIQUE, request_hash TEXT,"
    "  attempt INTEGER NOT NULL DEFAULT 0, max_attempts INTEGER NOT NULL,"
    "  lease_owner TEXT, lease_expires_at INTEGER, cancel_requested INTEGER NOT NULL DEFAULT 0,"
    "  progress REAL NOT NULL DEFAULT 0, message TEXT, epoch INTEGER, metrics TEXT,"
    "  last_error TEXT, result_dir TEXT,"
    "  created_at INTEGER NOT NULL, started_at INTEGER, finished_at INTEGER, updated_at INTEGER NOT NULL);"
    "CREATE INDEX jobs_by_state ON jobs(state, created_at);"
    "CREATE INDEX jobs_by_session ON jobs(session_id);"
    "CREATE TABLE job_metrics("
    "  job_id TEXT NOT NULL REFERENCES jobs(id) ON DELETE CASCADE,"
    "  seq INTEGER NOT NULL, epoch INTEGER, data TEXT NOT NULL, PRIMARY KEY(job_id, seq));"
    "CREATE TABLE models("
    "  id TEXT PRIMARY KEY, name TEXT NOT NULL,"
    "  source TEXT NOT NULL CHECK(source IN ('trained','uploaded')),"
    "  job_id TEXT, session_id TEXT, path TEXT NOT NULL, size INTEGER, sha256 TEXT,"
    "  created_at INTEGER NOT NULL);",
};

int db_schema_version(void) { return (int)(sizeof migrations / sizeof migrations[0]); }

int db_exec(sqlite3 *db, const char *sql, char *err, size_t errlen)
{
    char *msg = NULL;
    if (sqlite3_exec(db, sql, NULL, NULL, &msg) != SQLITE_OK) {
        snprintf(err, errlen, "%s", msg ? msg : sqlite3_errmsg(db));
        sqlite3_free(msg);
        return -1;
    }
    return 0;
}

int db_begin_write(sqlite3 *db) { return sqlite3_exec(db, "BEGIN IMMEDIATE", NULL, NULL, NULL) == SQLITE_OK ? 0 : -1; }
int db_commit(sqlite3 *db) { return sqlite3_exec(db, "COMMIT", NULL, NULL, NULL) == SQLITE_OK ? 0 : -1; }
void db_rollback(sqlite3 *db)
{
    if (!sqlite3_get_autocommit(db)) sqlite3_exec(db, "ROLLBACK", NULL, NULL, NULL);
}

static int user_version(sqlite3 *db)
{
    sqlite3_stmt *st;
    int v = -1;
    if (sqlite3_prepare_v2(db, "PRAGMA user_version", -1, &st, NULL) != SQLITE_OK) return -1;
    if (sqlite3_step(st) == SQLITE_ROW) v = sqlite3_column_int(st, 0);
    sqlite3_finalize(st);
    return v;
}

/* Each step runs in its own BEGIN IMMEDIATE transaction together with its user_version bump,
 * so a crash mid-migration leaves the previous version intact. */
static int migrate(sqlite3 *db, char *err, size_t errlen)
{
    for (;;) {
        if (db_begin_write(db)) { snprintf(err, errlen, "cannot lock database: %s", sqlite3_errmsg(db)); return -1; }
        int v = user_version(db);
        if (v < 0) { db_rollback(db); snprintf(err, errlen, "cannot read schema version"); return -1; }
        if (v > db_schema_version()) {
            db_rollback(db);
            snprintf(err, errlen, "database schema version %d is newer than this irfa (%d)", v, db_schema_version());
            return -1;
        }
        if (v == db_schema_version()) { db_rollback(db); return 0; }
        char bump[64];
        snprintf(bump, sizeof bump, "PRAGMA user_version = %d", v + 1);
        if (db_exec(db, migrations[v], err, errlen) || db_exec(db, bump, err, errlen) || db_commit(db)) {
            db_rollback(db);
            return -1;
        }
    }
}

sqlite3 *db_open(const char *path, char *err, size_t errlen)
{
    sqlite3 *db = NULL;
    if (sqlite3_open_v2(path, &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX, NULL) != SQLITE_OK) {
        snprintf(err, errlen, "%s: %s", path, db ? sqlite3_errmsg(db) : "cannot open");
        sqlite3_close(db);
        return NULL;
    }
    sqlite3_busy_timeout(db, 10000);
    char e[256];
    /* synchronous=FULL: a committed job state survives power loss, not only a process crash. */
    if (db_exec(db, "PRAGMA journal_mode=WAL", e, sizeof e) || db_exec(db, "PRAGMA synchronous=FULL", e, sizeof e) ||
        db_exec(db, "PRAGMA foreign_keys=ON", e, sizeof e) || migrate(db, e, sizeof e)) {
        snprintf(err, errlen, "%s: %s", path, e);
        sqlite3_close(db);
        return NULL;
    }
    return db;
}

void db_close(sqlite3 *db)
{
    if (db) sqlite3_close(db);
}

int64_t db_now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

void db_new_id(char prefix, char out[20])
{
    unsigned char r[8];
    if (getrandom(r, sizeof r, 0) != (ssize_t)sizeof r) {
        /* getrandom on Linux >= 3.17 does not fail for 8 bytes; keep ids unique anyway. */
        uint64_t t = (uint64_t)db_now_ms() ^ ((uint64_t)clock() << 32);
        memcpy(r, &t, sizeof r);
    }
    out[0] = prefix;
    out[1] = '_';
    for (int i = 0; i < 8; i++) snprintf(out + 2 + 2 * i, 3, "%02x", r[i]);
}

int db_valid_id(const char *s, char prefix)
{
    if (!s || s[0] != prefix || s[1] != '_' || strlen(s) != 18) return 0;
    for (int i = 2; i < 18; i++)
        if (!isxdigit((unsigned char)s[i]) || isupper((unsigned char)s[i])) return 0;
    return 1;
}

int db_integrity_ok(sqlite3 *db, char *err, size_t errlen)
{
    sqlite3_stmt *st;
    int ok = -1;
    if (sqlite3_prepare_v2(db, "PRAGMA integrity_check", -1, &st, NULL) != SQLITE_OK) {
        snprintf(err, errlen, "%s", sqlite3_errmsg(db));
        return -1;
    }
    if (sqlite3_step(st) == SQLITE_ROW) {
        const char *r = (const char *)sqlite3_column_text(st, 0);
        ok = r && !strcmp(r, "ok") ? 0 : -1;
        if (ok) snprintf(err, errlen, "integrity_check: %s", r ? r : "(null)");
    }
    sqlite3_finalize(st);
    return ok;
}
