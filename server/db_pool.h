/* A fixed set of SQLite connections shared by the HTTP threads (one connection is not safe to use
 * from two threads at once, and opening one per request costs a migration check). */
#ifndef IRFA_DB_POOL_H
#define IRFA_DB_POOL_H

#include <stddef.h>
#include <sqlite3.h>

typedef struct db_pool db_pool;

db_pool *db_pool_open(const char *path, int size, char *err, size_t errlen);
/* Blocks until a connection is free. */
sqlite3 *db_pool_acquire(db_pool *p);
void db_pool_release(db_pool *p, sqlite3 *db);
void db_pool_close(db_pool *p);

#endif
