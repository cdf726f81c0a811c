#include "worker/job_runner.h"

#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "db/data_dir.h"
#include "worker/child_process.h"
#include "worker/job_command.h"
#include "worker/progress_tail.h"

#define POLL_MS 200
/* Heartbeats double as the cancel check, so they run at least every second. */
static int beat_interval_ms(int lease_ms) { return lease_ms / 3 < 1000 ? lease_ms / 3 : 1000; }

static int64_t mono_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void sleep_ms(int ms)
{
    struct timespec ts = {ms / 1000, (long)(ms % 1000) * 1000000L};
    nanosleep(&ts, NULL);
}

/* The last lines of the child's log, for the job's error message. */
static void log_tail(const char *log_path, char *out, size_t outlen)
{
    out[0] = 0;
    int fd = open(log_path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) return;
    struct stat sb;
    char buf[600];
    if (fstat(fd, &sb) == 0 && sb.st_size > 0) {
        off_t from = sb.st_size > (off_t)sizeof buf - 1 ? sb.st_size - (off_t)sizeof buf + 1 : 0;
        ssize_t n = pread(fd, buf, sizeof buf - 1, from);
        if (n > 0) {
            buf[n] = 0;
            while (n > 0 && (buf[n - 1] == '\n' || buf[n - 1] == ' ')) buf[--n] = 0;
            snprintf(out, outlen, "%s", buf);
        }
    }
    close(fd);
}

static int fsync_entry(const char *path, const struct stat *sb, int type, struct FTW *ftw)
{
    (void)sb; (void)ftw;
    if (type != FTW_F && type != FTW_DP && type != FTW_D) return 0;
    int fd = open(path, (type == FTW_F ? O_RDONLY : O_RDONLY | O_DIRECTORY) | O_CLOEXEC);
    if (fd < 0) return -1;
    int rc = fsync(fd);
    close(fd);
    return rc;
}

typedef struct commit_ctx {
    const char *data_dir;
    const char *tmp_dir;
    char final_dir[DATA_PATH_MAX];
} commit_ctx;

/* Runs under the job's write transaction, after the fence check: only the lease holder gets here.
 * An older attempt may have moved its (complete) outputs into place and died before committing;
 * those are replaced whole. */
static int commit_outputs(void *user, char *err, size_t errlen)
{
    commit_ctx *c = user;
    char e[512];
    if (data_remove_tree(c->data_dir, c->final_dir, e, sizeof e)) { snprintf(err, errlen, "%s", e); return -1; }
    if (rename(c->tmp_dir, c->final_dir)) {
        snprintf(err, errlen, "cannot move %s to %s: %s", c->tmp_dir, c->final_dir, strerror(errno));
        return -1;
    }
    char parent[DATA_PATH_MAX];
    snprintf(parent, sizeof parent, "%s", c->final_dir);
    char *slash = strrchr(parent, '/');
    if (slash) *slash = 0;
    data_fsync_dir(parent);
    return 0;
}

static void report(sqlite3 *db, const job_fence *f, progress_tail *tail)
{
    if (!progress_tail_poll(tail)) return;
    char err[256];
    if (jobs_report(db, f, tail->lines, tail->nlines, tail->fraction, tail->message[0] ? tail->message : NULL,
                    err, sizeof err) < 0)
        fprintf(stderr, "irfa worker: job %s: cannot record progress: %s\n", f->id, err);
    progress_tail_clear(tail);
}

/* An evaluation's JSON (metrics of the whole test set) becomes the job's metrics. */
static void record_evaluation(sqlite3 *db, const job_fence *f, const char *out_dir)
{
    char path[DATA_PATH_MAX + 32], err[256];
    snprintf(path, sizeof path, "%s/" EVALUATION_FILE, out_dir);
    FILE *in = fopen(path, "re");
    if (!in) return;
    static char text[1 << 20]; /* the worker is single-threaded */
    size_t n = fread(text, 1, sizeof text - 1, in);
    fclose(in);
    text[n] = 0;
    char *lines[1] = {text};
    if (n > 0 && n < sizeof text - 1 && jobs_report(db, f, lines, 1, -1, NULL, err, sizeof err) < 0)
        fprintf(stderr, "irfa worker: job %s: cannot record the evaluation: %s\n", f->id, err);
}

static job_run_outcome finish_exit(const job_runner_config *cfg, sqlite3 *db, const job_fence *f, const job_claim *job,
                                   int status, const char *tmp_dir, const char *log_path)
{
    char err[1024], what[128], tail[600], msg_buf[200];
    if (WIFEXITED(status) && WEXITSTATUS(status) == 0) {
        commit_ctx c = {.data_dir = cfg->data_dir, .tmp_dir = tmp_dir};
        char rel[256];
        job_result_dir(job, rel, sizeof rel);
        data_path(c.final_dir, sizeof c.final_dir, cfg->data_dir, "%s", rel);
        struct stat sb;
        if (stat(tmp_dir, &sb) || !S_ISDIR(sb.st_mode)) {
            snprintf(msg_buf, sizeof msg_buf, "irfa %s exited 0 but created no output folder", job->kind);
            jobs_fail(db, f, msg_buf, 0, err, sizeof err);
            return JOB_RUN_FAILED;
        }
        record_evaluation(db, f, tmp_dir);
        /* Durable before visible: every output file reaches the disk before the rename. */
        if (nftw(tmp_dir, fsync_entry, 16, FTW_DEPTH | FTW_PHYS)) {
            jobs_fail(db, f, "cannot fsync the job's outputs", 1, err, sizeof err);
            return JOB_RUN_FAILED;
        }
        int rc = jobs_complete(db, f, rel, commit_outputs, &c, err, sizeof err);
        if (rc == 1) return JOB_RUN_SUCCEEDED;
        if (rc == 0) return JOB_RUN_LOST_LEASE;
        char msg[1100];
        snprintf(msg, sizeof msg, "cannot store the outputs: %s", err);
        jobs_fail(db, f, msg, 1, err, sizeof err);
        return JOB_RUN_FAILED;
    }
    child_describe_status(status, what, sizeof what);
    log_tail(log_path, tail, sizeof tail);
    char msg[900];
    snprintf(msg, sizeof msg, "irfa %s: %s%s%s", job->kind, what, tail[0] ? ": " : "", tail);
    /* Exit status 2 is a usage error (bad options): running it again cannot help. */
    int retryable = !(WIFEXITED(status) && WEXITSTATUS(status) == 2);
    jobs_fail(db, f, msg, retryable, err, sizeof err);
    return JOB_RUN_FAILED;
}

job_run_outcome job_run(const job_runner_config *cfg, sqlite3 *db, const job_claim *job)
{
    job_fence f = {job->id, cfg->owner, job->attempt};
    /* work_dir: the child's working folder and log; out_dir: what the child creates and fills,
     * moved into place whole on success. */
    char err[1024], work_dir[DATA_PATH_MAX], out_dir[DATA_PATH_MAX], log_path[DATA_PATH_MAX];
    if (data_path(work_dir, sizeof work_dir, cfg->data_dir, "tmp/%s.attempt%d", job->id, job->attempt) ||
        data_path(out_dir, sizeof out_dir, cfg->data_dir, "tmp/%s.attempt%d/out", job->id, job->attempt) ||
        data_path(log_path, sizeof log_path, cfg->data_dir, "tmp/%s.attempt%d/job.log", job->id, job->attempt)) {
        jobs_fail(db, &f, "data directory path too long", 0, err, sizeof err);
        return JOB_RUN_FAILED;
    }
    /* A leftover folder of a crashed earlier run of this attempt number may exist: start clean. */
    data_remove_tree(cfg->data_dir, work_dir, err, sizeof err);
    if (mkdir(work_dir, 0755)) {
        char msg[700];
        snprintf(msg, sizeof msg, "cannot create %.600s: %s", work_dir, strerror(errno));
        jobs_fail(db, &f, msg, 1, err, sizeof err);
        return JOB_RUN_FAILED;
    }
    job_command cmd;
    char cmd_err[512];
    if (job_command_build(&cmd, db, cfg->data_dir, cfg->exe, job, out_dir, cmd_err, sizeof cmd_err)) {
        jobs_fail(db, &f, cmd_err, 0, err, sizeof err);
        data_remove_tree(cfg->data_dir, work_dir, err, sizeof err);
        return JOB_RUN_FAILED;
    }
    fprintf(stderr, "irfa worker %s: job %s attempt %d:", cfg->owner, job->id, job->attempt);
    for (int i = 0; i < cmd.argc; i++) fprintf(stderr, " %s", cmd.argv[i]);
    fputc('\n', stderr);
    if (cmd.worker_creates_out && mkdir(out_dir, 0755)) {
        job_command_free(&cmd);
        jobs_fail(db, &f, "cannot create the output folder", 1, err, sizeof err);
        data_remove_tree(cfg->data_dir, work_dir, err, sizeof err);
        return JOB_RUN_FAILED;
    }
    pid_t pid = child_spawn(cmd.argv, work_dir, log_path, cfg->device, cmd_err, sizeof cmd_err);
    job_command_free(&cmd);
    if (pid < 0) {
        jobs_fail(db, &f, cmd_err, 1, err, sizeof err);
        data_remove_tree(cfg->data_dir, work_dir, err, sizeof err);
        return JOB_RUN_FAILED;
    }
    progress_tail tail;
    progress_tail_init(&tail, out_dir);
    int64_t next_beat = mono_ms() + beat_interval_ms(cfg->lease_ms);
    job_run_outcome outcome;
    int status = 0;
    for (;;) {
        int done = child_poll(pid, &status);
        report(db, &f, &tail);
        if (done) { outcome = finish_exit(cfg, db, &f, job, status, out_dir, log_path); break; }
        if (*cfg->stop) {
            child_stop(pid, cfg->cancel_grace_ms, &status);
            jobs_release(db, &f, err, sizeof err);
            outcome = JOB_RUN_RELEASED;
            break;
        }
        if (mono_ms() >= next_beat) {
            int cancel = 0;
            int owned = jobs_heartbeat(db, &f, cfg->lease_ms, &cancel, err, sizeof err);
            if (owned < 0) fprintf(stderr, "irfa worker: heartbeat of %s failed: %s\n", job->id, err);
            next_beat = mono_ms() + (owned < 0 ? 500 : beat_interval_ms(cfg->lease_ms));
            if (owned == 0) { child_stop(pid, cfg->cancel_grace_ms, &status); outcome = JOB_RUN_LOST_LEASE; break; }
            if (cancel) {
                child_stop(pid, cfg->cancel_grace_ms, &status);
                jobs_mark_cancelled(db, &f, err, sizeof err);
                outcome = JOB_RUN_CANCELLED;
                break;
            }
        }
        sleep_ms(POLL_MS);
    }
    progress_tail_clear(&tail);
    /* Keep the log of the attempt that ended (not of one that lost its lease to another worker). */
    if (outcome != JOB_RUN_LOST_LEASE) {
        char log_dst[DATA_PATH_MAX];
        if (!data_path(log_dst, sizeof log_dst, cfg->data_dir, "logs/%s.log", job->id)) rename(log_path, log_dst);
    }
    data_remove_tree(cfg->data_dir, work_dir, err, sizeof err);
    /* Folders of earlier attempts whose worker was killed outright: nobody holds their lease. */
    if (outcome != JOB_RUN_LOST_LEASE)
        for (int k = 1; k < job->attempt; k++) {
            char old[DATA_PATH_MAX];
            if (!data_path(old, sizeof old, cfg->data_dir, "tmp/%s.attempt%d", job->id, k))
                data_remove_tree(cfg->data_dir, old, err, sizeof err);
        }
    return outcome;
}
