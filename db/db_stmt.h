/* Small helpers over sqlite3 statements shared by the db/ files. */
#ifndef IRFA_DB_STMT_H
#define IRFA_DB_STMT_H

#include <stddef.h>
#include <sqlite3.h>
#include <cjson/cJSON.h>

/* Prepares sql; on failure fills err and returns NULL. */
sqlite3_stmt *db_prepare(sqlite3 *db, const char *sql, char *err, size_t errlen);
/* Binds text, or NULL when s is NULL or empty. */
void db_bind_text(sqlite3_stmt *st, int idx, const char *s);
/* Runs a statement expected to return no rows; finalizes it. Returns changes() or -1 with err. */
int db_step_done(sqlite3 *db, sqlite3_stmt *st, char *err, size_t errlen);
/* Copies a text column into out (empty string for NULL). */
void db_column_copy(sqlite3_stmt *st, int col, char *out, size_t outlen);
/* Adds column col of the current row to obj under name with its SQL type (NULL -> JSON null). */
void db_column_to_json(cJSON *obj, const char *name, sqlite3_stmt *st, int col);

#endif
