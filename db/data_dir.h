/* Layout of the data directory shared by `irfa serve` and `irfa worker`:
 *   irfa.db                      the SQLite database (WAL)
 *   sessions/<session id>/       a session folder, written by `irfa simulate` / `irfa import`
 *   uploads/<session id>/<name>  raw files uploaded for an import
 *   jobs/<job id>/               the outputs of a finished train / reconstruct / evaluate job
 *   models/<model id>/checkpoint.safetensors   checkpoints uploaded from elsewhere
 *   logs/<job id>.log            stdout+stderr of a job's last attempt
 *   tmp/                         partial uploads; running jobs' folders (tmp/<job>.attemptN/out)
 *   trash/                       folders being deleted (emptied at start-up)
 * Everything below tmp/ and trash/ may be deleted whenever no process uses it. */
#ifndef IRFA_DATA_DIR_H
#define IRFA_DATA_DIR_H

#include <stddef.h>

#define DATA_PATH_MAX 4096

/* Creates the data directory and its sub-folders. Returns 0 or -1 with err. */
int data_dir_prepare(const char *root, char *err, size_t errlen);

/* snprintf into out; returns 0, or -1 when the path does not fit. */
int data_path(char *out, size_t outlen, const char *root, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

/* Moves path into root/trash under a unique name, then removes it recursively. A missing path is
 * not an error. Returns 0 or -1 with err. */
int data_remove_tree(const char *root, const char *path, char *err, size_t errlen);

/* Empties root/trash (leftovers of deletions interrupted by a crash). */
void data_empty_trash(const char *root);

/* fsync a directory (after a rename into it). */
int data_fsync_dir(const char *path);

#endif
