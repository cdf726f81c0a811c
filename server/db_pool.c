#include "server/db_pool.h"

#include <pthread.h>
#include <stdlib.h>

#include "db/db.h"

struct db_pool {
    pthread_mutex_t lock;
    pthread_cond_t freed;
    int size, nfree;
    sqlite3 **all, **free_list;
};

db_pool *db_pool_open(const char *path, int size, char *err, size_t errlen)
{
    db_pool *p = calloc(1, sizeof *p);
    if (!p) return NULL;
    p->all = calloc((size_t)size, sizeof *p->all);
    p->free_list = calloc((size_t)size, sizeof *p->free_list);
    pthread_mutex_init(&p->lock, NULL);
    pthread_cond_init(&p->freed, NULL);
    for (int i = 0; p->all && p->free_list && i < size; i++) {
        if (!(p->all[i] = db_open(path, err, errlen))) { db_pool_close(p); return NULL; }
        p->free_list[p->nfree++] = p->all[i];
        p->size++;
    }
    return p;
}

sqlite3 *db_pool_acquire(db_pool *p)
{
    pthread_mutex_lock(&p->lock);
    while (p->nfree == 0) pthread_cond_wait(&p->freed, &p->lock);
    sqlite3 *db = p->free_list[--p->nfree];
    pthread_mutex_unlock(&p->lock);
    return db;
}

void db_pool_release(db_pool *p, sqlite3 *db)
{
    db_rollback(db); /* a handler that returned mid-transaction must not hold the write lock */
    pthread_mutex_lock(&p->lock);
    p->free_list[p->nfree++] = db;
    pthread_cond_signal(&p->freed);
    pthread_mutex_unlock(&p->lock);
}

void db_pool_close(db_pool *p)
{
    if (!p) return;
    for (int i = 0; i < p->size; i++) db_close(p->all[i]);
    free(p->all);
    free(p->free_list);
    pthread_mutex_destroy(&p->lock);
    pthread_cond_destroy(&p->freed);
    free(p);
}
