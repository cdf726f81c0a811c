/* Follows what a running job child writes into its output folder: new complete lines of
 * metrics.jsonl (appended as the child goes) and progress.json (rewritten whole). */
#ifndef IRFA_PROGRESS_TAIL_H
#define IRFA_PROGRESS_TAIL_H

#include <stddef.h>
#include <sys/types.h>
#include <time.h>

#define PROGRESS_MAX_LINES 256
#define PROGRESS_LINE_MAX 65536

typedef struct progress_tail {
    char metrics_path[4200];
    char progress_path[4200];
    off_t offset;                    /* metrics.jsonl bytes consumed (whole lines only) */
    struct timespec progress_mtime;
    off_t progress_size;
    char *lines[PROGRESS_MAX_LINES]; /* lines read by the last poll */
    int nlines;
    double fraction;                 /* -1 when progress.json did not change */
    char message[256];
} progress_tail;

void progress_tail_init(progress_tail *t, const char *out_dir);
/* Reads what is new. Returns 1 when there is something to report, 0 when not. */
int progress_tail_poll(progress_tail *t);
void progress_tail_clear(progress_tail *t);

#endif
