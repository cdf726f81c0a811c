#include "db/db_stmt.h"

#include <stdio.h>
#include <string.h>

sqlite3_stmt *db_prepare(sqlite3 *db, const char *sql, char *err, size_t errlen)
{
    sqlite3_stmt *st = NULL;
    if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK) {
        snprintf(err, errlen, "sql: %s", sqlite3_errmsg(db));
        return NULL;
    }
    return st;
}

void db_bind_text(sqlite3_stmt *st, int idx, const char *s)
{
    if (s && *s) sqlite3_bind_text(st, idx, s, -1, SQLITE_TRANSIENT);
    else sqlite3_bind_null(st, idx);
}

int db_step_done(sqlite3 *db, sqlite3_stmt *st, char *err, size_t errlen)
{
    int rc = sqlite3_step(st);
    sqlite3_finalize(st);
    if (rc != SQLITE_DONE && rc != SQLITE_ROW) {
        snprintf(err, errlen, "sql: %s", sqlite3_errmsg(db));
        return -1;
    }
    return sqlite3_changes(db);
}

void db_column_copy(sqlite3_stmt *st, int col, char *out, size_t outlen)
{
    const unsigned char *t = sqlite3_column_text(st, col);
    snprintf(out, outlen, "%s", t ? (const char *)t : "");
}

void db_column_to_json(cJSON *obj, const char *name, sqlite3_stmt *st, int col)
{
    switch (sqlite3_column_type(st, col)) {
    case SQLITE_INTEGER: cJSON_AddNumberToObject(obj, name, (double)sqlite3_column_int64(st, col)); break;
    case SQLITE_FLOAT: cJSON_AddNumberToObject(obj, name, sqlite3_column_double(st, col)); break;
    case SQLITE_NULL: cJSON_AddNullToObject(obj, name); break;
    default: cJSON_AddStringToObject(obj, name, (const char *)sqlite3_column_text(st, col)); break;
    }
}
