/* The command line of a job's child process: `irfa <kind> --out TMPDIR <inputs> <options>`.
 * Inputs are paths the worker derives from ids (session folder, model checkpoint, uploaded files,
 * the reconstruct job's outputs); options come from the job's params and are re-checked here. */
#ifndef IRFA_JOB_COMMAND_H
#define IRFA_JOB_COMMAND_H

#include <stddef.h>
#include <sqlite3.h>

#include "db/jobs.h"

#define JOB_ARGV_MAX 96

typedef struct job_command {
    char *argv[JOB_ARGV_MAX + 1];
    int argc;
    /* `irfa evaluate --out` names a JSON file, not a folder: the worker creates the folder and the
     * file (EVALUATION_FILE inside it) becomes the job's metrics. */
    int worker_creates_out;
} job_command;

#define EVALUATION_FILE "evaluation.json"

/* Builds the command for a claimed job. exe: path of the irfa binary. Returns 0 or -1 with err
 * (a bad job: not worth retrying). */
int job_command_build(job_command *cmd, sqlite3 *db, const char *data_dir, const char *exe, const job_claim *job,
                      const char *out_dir, char *err, size_t errlen);
void job_command_free(job_command *cmd);
/* Where a successful job's outputs go, relative to the data directory. */
void job_result_dir(const job_claim *job, char *out, size_t outlen);

#endif
