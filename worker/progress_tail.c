#include "worker/progress_tail.h"

#include <cjson/cJSON.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

void progress_tail_init(progress_tail *t, const char *out_dir)
{
    memset(t, 0, sizeof *t);
    snprintf(t->metrics_path, sizeof t->metrics_path, "%s/metrics.jsonl", out_dir);
    snprintf(t->progress_path, sizeof t->progress_path, "%s/progress.json", out_dir);
    t->fraction = -1;
}

void progress_tail_clear(progress_tail *t)
{
    for (int i = 0; i < t->nlines; i++) free(t->lines[i]);
    t->nlines = 0;
    t->fraction = -1;
    t->message[0] = 0;
}

/* Only whole lines are consumed: a line the child is still writing is read on a later poll. */
static void read_metric_lines(progress_tail *t)
{
    int fd = open(t->metrics_path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) return;
    static char buf[1 << 18];
    ssize_t n = pread(fd, buf, sizeof buf - 1, t->offset);
    close(fd);
    if (n <= 0) return;
    buf[n] = 0;
    char *start = buf, *nl;
    while (t->nlines < PROGRESS_MAX_LINES && (nl = memchr(start, '\n', (size_t)(buf + n - start)))) {
        *nl = 0;
        size_t len = (size_t)(nl - start);
        if (len > 0 && len < PROGRESS_LINE_MAX) {
            char *line = strdup(start);
            if (line) t->lines[t->nlines++] = line;
        }
        t->offset += (off_t)len + 1;
        start = nl + 1;
    }
    /* A single line longer than the buffer can never complete: skip it. */
    if (start == buf && n == (ssize_t)sizeof buf - 1) t->offset += n;
}

static void read_progress(progress_tail *t)
{
    struct stat sb;
    if (stat(t->progress_path, &sb) || sb.st_size <= 0 || sb.st_size > 65536) return;
    if (sb.st_mtim.tv_sec == t->progress_mtime.tv_sec && sb.st_mtim.tv_nsec == t->progress_mtime.tv_nsec &&
        sb.st_size == t->progress_size)
        return;
    FILE *f = fopen(t->progress_path, "re");
    if (!f) return;
    char buf[65537];
    size_t n = fread(buf, 1, sizeof buf - 1, f);
    fclose(f);
    buf[n] = 0;
    cJSON *o = cJSON_Parse(buf);
    const cJSON *fr = cJSON_GetObjectItemCaseSensitive(o, "fraction");
    const cJSON *msg = cJSON_GetObjectItemCaseSensitive(o, "message");
    /* A half-written file does not parse: keep the old mtime so it is read again next time. */
    if (cJSON_IsNumber(fr) && fr->valuedouble >= 0) {
        t->fraction = fr->valuedouble;
        if (cJSON_IsString(msg)) snprintf(t->message, sizeof t->message, "%s", msg->valuestring);
        t->progress_mtime = sb.st_mtim;
        t->progress_size = sb.st_size;
    }
    cJSON_Delete(o);
}

int progress_tail_poll(progress_tail *t)
{
    progress_tail_clear(t);
    read_metric_lines(t);
    read_progress(t);
    return t->nlines > 0 || t->fraction >= 0;
}
