#include "worker/job_command.h"

#include <cjson/cJSON.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "db/data_dir.h"
#include "db/db.h"
#include "db/job_options.h"
#include "db/sessions.h"

static int push(job_command *cmd, const char *s, char *err, size_t errlen)
{
    if (cmd->argc >= JOB_ARGV_MAX) { snprintf(err, errlen, "command line too long"); return -1; }
    char *copy = strdup(s);
    if (!copy) { snprintf(err, errlen, "out of memory"); return -1; }
    cmd->argv[cmd->argc++] = copy;
    cmd->argv[cmd->argc] = NULL;
    return 0;
}

static int push_opt(job_command *cmd, const char *name, const char *value, char *err, size_t errlen)
{
    char flag[48];
    snprintf(flag, sizeof flag, "--%s", name);
    return push(cmd, flag, err, errlen) || (value && push(cmd, value, err, errlen)) ? -1 : 0;
}

void job_result_dir(const job_claim *job, char *out, size_t outlen)
{
    if (!strcmp(job->kind, "simulate") || !strcmp(job->kind, "import")) snprintf(out, outlen, "sessions/%s", job->session_id);
    else snprintf(out, outlen, "jobs/%s", job->id);
}

/* import: {"files": {"mua": "THINGS_normMUA.mat", ...}} -> --mua DATA/uploads/<sid>/THINGS_normMUA.mat */
static int push_upload_files(job_command *cmd, sqlite3 *db, const char *data_dir, const job_claim *job,
                             const cJSON *files, char *err, size_t errlen)
{
    if (!cJSON_IsObject(files) || !files->child) { snprintf(err, errlen, "an import needs \"files\": {option: uploaded file name}"); return -1; }
    for (const cJSON *f = files->child; f; f = f->next) {
        char path[DATA_PATH_MAX];
        /* "/" names the folder of all uploaded files (an image folder, say). */
        if (job_option_name_ok(f->string) && cJSON_IsString(f) && !strcmp(f->valuestring, "/")) {
            if (data_path(path, sizeof path, data_dir, "uploads/%s", job->session_id) ||
                push_opt(cmd, f->string, path, err, errlen))
                return -1;
            continue;
        }
        if (!job_option_name_ok(f->string) || !cJSON_IsString(f) || !job_file_name_ok(f->valuestring)) {
            snprintf(err, errlen, "bad import file entry '%.40s'", f->string ? f->string : "");
            return -1;
        }
        if (uploads_exists(db, job->session_id, f->valuestring) != 1) {
            snprintf(err, errlen, "session %s has no uploaded file '%s'", job->session_id, f->valuestring);
            return -1;
        }
        if (data_path(path, sizeof path, data_dir, "uploads/%s/%s", job->session_id, f->valuestring) ||
            push_opt(cmd, f->string, path, err, errlen))
            return -1;
    }
    return 0;
}

static int push_inputs(job_command *cmd, sqlite3 *db, const char *data_dir, const job_claim *job,
                       const cJSON *params, char *err, size_t errlen)
{
    char path[DATA_PATH_MAX];
    int needs_session = strcmp(job->kind, "simulate") && strcmp(job->kind, "import");
    if (needs_session) {
        if (!db_valid_id(job->session_id, 's')) { snprintf(err, errlen, "job has no session"); return -1; }
        if (data_path(path, sizeof path, data_dir, "sessions/%s", job->session_id) ||
            push_opt(cmd, "session", path, err, errlen))
            return -1;
    }
    if (!strcmp(job->kind, "import"))
        return push_upload_files(cmd, db, data_dir, job, cJSON_GetObjectItemCaseSensitive(params, "files"), err, errlen);
    if (!strcmp(job->kind, "reconstruct")) {
        char rel[512];
        if (!db_valid_id(job->model_id, 'm') || models_path(db, job->model_id, rel, sizeof rel) != 1) {
            snprintf(err, errlen, "model %s not found", job->model_id);
            return -1;
        }
        if (data_path(path, sizeof path, data_dir, "%s", rel) || push_opt(cmd, "checkpoint", path, err, errlen)) return -1;
    }
    if (!strcmp(job->kind, "evaluate")) {
        if (!db_valid_id(job->input_job_id, 'j')) { snprintf(err, errlen, "evaluate needs a reconstruct job"); return -1; }
        if (data_path(path, sizeof path, data_dir, "jobs/%s/reconstructions.npy", job->input_job_id) ||
            push_opt(cmd, "reconstructions", path, err, errlen))
            return -1;
    }
    return 0;
}

int job_command_build(job_command *cmd, sqlite3 *db, const char *data_dir, const char *exe, const job_claim *job,
                      const char *out_dir, char *err, size_t errlen)
{
    memset(cmd, 0, sizeof *cmd);
    cJSON *params = cJSON_Parse(job->params ? job->params : "{}");
    const cJSON *options = cJSON_GetObjectItemCaseSensitive(params, "options");
    int rc = -1;
    if (!cJSON_IsObject(params)) { snprintf(err, errlen, "job params are not a JSON object"); goto done; }
    if (job_options_check(options, err, errlen)) goto done;
    char evaluation_path[DATA_PATH_MAX + 32];
    snprintf(evaluation_path, sizeof evaluation_path, "%s/" EVALUATION_FILE, out_dir);
    cmd->worker_creates_out = !strcmp(job->kind, "evaluate");
    /* import takes its format as the first argument: irfa import npy|tvsd|nwb --out DIR ... */
    const cJSON *format = cJSON_GetObjectItemCaseSensitive(params, "format");
    if (!strcmp(job->kind, "import") && (!cJSON_IsString(format) || !job_option_name_ok(format->valuestring))) {
        snprintf(err, errlen, "an import needs \"format\" (npy, tvsd or nwb)");
        goto done;
    }
    if (push(cmd, exe, err, errlen) || push(cmd, job->kind, err, errlen) ||
        (!strcmp(job->kind, "import") && push(cmd, format->valuestring, err, errlen)) ||
        (strcmp(job->kind, "evaluate") ? push_opt(cmd, "out", out_dir, err, errlen)
                                        : push_opt(cmd, "out", evaluation_path, err, errlen)) ||
        push_inputs(cmd, db, data_dir, job, params, err, errlen))
        goto done;
    if (!strcmp(job->kind, "reconstruct") && !cJSON_GetObjectItemCaseSensitive(options, "attention") &&
        push(cmd, "--attention", err, errlen))
        goto done;
    for (const cJSON *o = options ? options->child : NULL; o; o = o->next) {
        char text[80];
        int t = job_option_value_text(o, text, sizeof text);
        if (t == 1) continue;
        if (push_opt(cmd, o->string, cJSON_IsTrue(o) ? NULL : text, err, errlen)) goto done;
    }
    rc = 0;
done:
    cJSON_Delete(params);
    if (rc) job_command_free(cmd);
    return rc;
}

void job_command_free(job_command *cmd)
{
    for (int i = 0; i < cmd->argc; i++) free(cmd->argv[i]);
    cmd->argc = 0;
    cmd->argv[0] = NULL;
}
