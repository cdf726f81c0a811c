/* Sessions: create, list, get, delete, streaming file uploads, import and simulate shortcuts. */
#include <fcntl.h>
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "db/data_dir.h"
#include "db/db.h"
#include "db/job_options.h"
#include "db/jobs.h"
#include "db/sessions.h"
#include "server/server_internal.h"

enum MHD_Result route_sessions_list(request *r)
{
    enum MHD_Result res = MHD_NO;
    long limit, offset;
    if (req_query_int(r, "limit", 1, 1000, 100, &limit, &res) || req_query_int(r, "offset", 0, 1000000000, 0, &offset, &res))
        return res;
    char err[256];
    cJSON *list = sessions_list_json(r->db, (int)limit, (int)offset, err, sizeof err);
    if (!list) return reply_error(r, 500, "database", "%s", err);
    cJSON *o = cJSON_CreateObject();
    cJSON_AddItemToObject(o, "sessions", list);
    return reply_json(r, 200, o);
}

static int valid_name(const cJSON *name)
{
    return cJSON_IsString(name) && name->valuestring[0] && strlen(name->valuestring) <= 200;
}

enum MHD_Result route_sessions_create(request *r)
{
    enum MHD_Result res;
    cJSON *body = req_json_object(r, &res);
    if (!body) return res;
    const cJSON *name = cJSON_GetObjectItemCaseSensitive(body, "name");
    if (!valid_name(name)) {
        cJSON_Delete(body);
        return reply_error(r, 400, "bad_field", "'name' must be a non-empty string of at most 200 characters");
    }
    char id[20], err[256];
    if (db_begin_write(r->db) || sessions_insert(r->db, name->valuestring, "upload", "uploading", id, err, sizeof err) ||
        db_commit(r->db)) {
        cJSON_Delete(body);
        db_rollback(r->db);
        return reply_error(r, 500, "database", "cannot create the session");
    }
    cJSON_Delete(body);
    int found;
    cJSON *s = sessions_get_json(r->db, id, &found, err, sizeof err);
    return s ? reply_json(r, 201, s) : reply_error(r, 500, "database", "%s", err);
}

enum MHD_Result route_sessions_simulate(request *r)
{
    enum MHD_Result res;
    cJSON *body = req_json_object(r, &res);
    if (!body) return res;
    res = jobs_create_from(r, body, "simulate", NULL);
    cJSON_Delete(body);
    return res;
}

/* Names of the files in a ready session's folder (what `irfa simulate` / `irfa import` wrote). */
static void add_folder_listing(request *r, cJSON *o, const char *id)
{
    char path[DATA_PATH_MAX];
    if (data_path(path, sizeof path, r->srv->cfg.data_dir, "sessions/%s", id)) return;
    DIR *d = opendir(path);
    if (!d) return;
    cJSON *files = cJSON_AddArrayToObject(o, "files");
    struct dirent *e;
    while ((e = readdir(d)))
        if (e->d_name[0] != '.') cJSON_AddItemToArray(files, cJSON_CreateString(e->d_name));
    closedir(d);
}

enum MHD_Result route_sessions_get(request *r)
{
    const char *id = r->params[0];
    if (!db_valid_id(id, 's')) return reply_error(r, 404, "not_found", "no session %.40s", id);
    char err[256];
    int found;
    cJSON *s = sessions_get_json(r->db, id, &found, err, sizeof err);
    if (!s) return found ? reply_error(r, 500, "database", "%s", err) : reply_error(r, 404, "not_found", "no session %s", id);
    add_folder_listing(r, s, id);
    return reply_json(r, 200, s);
}

/* A file of the session's folder, for the web UI (manifest, electrode table, test stimuli, ground
 * truth). Plain names only; reply_file opens it relative to the folder without following links. */
enum MHD_Result route_sessions_file(request *r)
{
    const char *id = r->params[0], *name = r->params[1];
    if (!db_valid_id(id, 's')) return reply_error(r, 404, "not_found", "no session %.40s", id);
    if (!job_file_name_ok(name)) return reply_error(r, 400, "bad_name", "not a plain file name");
    char path[DATA_PATH_MAX];
    if (data_path(path, sizeof path, r->srv->cfg.data_dir, "sessions/%s", id))
        return reply_error(r, 500, "internal", "path too long");
    int dfd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (dfd < 0) return reply_error(r, 404, "not_found", "session %s has no files yet", id);
    const char *type = content_type_for(name);
    int inline_ok = !strncmp(type, "image/", 6) || !strncmp(type, "text/", 5) || !strcmp(type, "application/json");
    enum MHD_Result res = reply_file(r, dfd, name, NULL, inline_ok ? NULL : name);
    close(dfd);
    return res;
}

enum MHD_Result route_sessions_delete(request *r)
{
    const char *id = r->params[0];
    if (!db_valid_id(id, 's')) return reply_error(r, 404, "not_found", "no session %.40s", id);
    char err[512];
    long active = 0;
    if (db_begin_write(r->db)) return reply_error(r, 503, "busy", "database busy");
    if (jobs_active_for(r->db, "session_id", id, &active) || active > 0) {
        db_rollback(r->db);
        return reply_error(r, 409, "conflict", "session %s has %ld queued or running jobs; cancel them first", id, active);
    }
    int n = sessions_delete(r->db, id, err, sizeof err);
    if (n <= 0 || db_commit(r->db)) {
        db_rollback(r->db);
        return n == 0 ? reply_error(r, 404, "not_found", "no session %s", id) : reply_error(r, 500, "database", "%s", err);
    }
    /* The row is gone first: a crash now leaves unreferenced folders, never a row without files. */
    char path[DATA_PATH_MAX];
    data_path(path, sizeof path, r->srv->cfg.data_dir, "sessions/%s", id);
    int bad = data_remove_tree(r->srv->cfg.data_dir, path, err, sizeof err);
    data_path(path, sizeof path, r->srv->cfg.data_dir, "uploads/%s", id);
    bad |= data_remove_tree(r->srv->cfg.data_dir, path, err, sizeof err);
    if (bad) return reply_error(r, 500, "storage", "session deleted, but its files were not all removed: %s", err);
    cJSON *o = cJSON_CreateObject();
    cJSON_AddStringToObject(o, "id", id);
    cJSON_AddBoolToObject(o, "deleted", 1);
    return reply_json(r, 200, o);
}

/* Before the body: the session must exist and accept files, and the name must be plain. */
enum MHD_Result route_sessions_upload_check(request *r)
{
    const char *id = r->params[0], *name = r->params[1];
    if (!db_valid_id(id, 's')) return reply_error(r, 404, "not_found", "no session %.40s", id);
    if (!job_file_name_ok(name))
        return reply_error(r, 400, "bad_name", "file names are 1-128 characters of [A-Za-z0-9._-], not starting with '.' or '-'");
    char state[16], err[256];
    int found = sessions_state(r->db, id, state, err, sizeof err);
    if (found < 0) return reply_error(r, 500, "database", "%s", err);
    if (!found) return reply_error(r, 404, "not_found", "no session %s", id);
    if (strcmp(state, "uploading") && strcmp(state, "failed"))
        return reply_error(r, 409, "conflict", "session %s is %s; files can only be added before an import", id, state);
    return MHD_YES;
}

enum MHD_Result route_sessions_upload(request *r)
{
    const char *id = r->params[0], *name = r->params[1];
    char dir[DATA_PATH_MAX], dst[DATA_PATH_MAX], err[256], state[16];
    if (data_path(dir, sizeof dir, r->srv->cfg.data_dir, "uploads/%s", id) ||
        data_path(dst, sizeof dst, r->srv->cfg.data_dir, "uploads/%s/%s", id, name))
        return reply_error(r, 500, "internal", "path too long");
    if (mkdir(dir, 0755) && errno != EEXIST) return reply_error(r, 507, "storage", "cannot create the upload folder");
    if (upload_checksum_mismatch(r)) return reply_error(r, 400, "checksum_mismatch",
                                                        "the body's SHA-256 is %s, not the X-Checksum-SHA256 sent", r->upload_sha256);
    /* The rename happens under the write lock after re-checking the session, so a file never lands
     * in a session that was deleted or started importing during the upload. */
    if (db_begin_write(r->db)) return reply_error(r, 503, "busy", "database busy");
    int found = sessions_state(r->db, id, state, err, sizeof err);
    if (found != 1 || (strcmp(state, "uploading") && strcmp(state, "failed"))) {
        db_rollback(r->db);
        return found != 1 ? reply_error(r, 404, "not_found", "session %s was deleted", id)
                          : reply_error(r, 409, "conflict", "session %s is %s", id, state);
    }
    if (rename(r->upload_path, dst)) {
        db_rollback(r->db);
        return reply_error(r, 507, "storage", "cannot store the upload: %s", strerror(errno));
    }
    r->upload_path[0] = 0;
    data_fsync_dir(dir);
    if (uploads_record(r->db, id, name, r->upload_size, r->upload_sha256, err, sizeof err) || db_commit(r->db)) {
        db_rollback(r->db);
        return reply_error(r, 500, "database", "%s", err);
    }
    cJSON *o = cJSON_CreateObject();
    cJSON_AddStringToObject(o, "session_id", id);
    cJSON_AddStringToObject(o, "name", name);
    cJSON_AddNumberToObject(o, "size", (double)r->upload_size);
    cJSON_AddStringToObject(o, "sha256", r->upload_sha256);
    return reply_json(r, 201, o);
}

enum MHD_Result route_sessions_import(request *r)
{
    const char *id = r->params[0];
    if (!db_valid_id(id, 's')) return reply_error(r, 404, "not_found", "no session %.40s", id);
    enum MHD_Result res;
    cJSON *body = req_json_object(r, &res);
    if (!body) return res;
    res = jobs_create_from(r, body, "import", id);
    cJSON_Delete(body);
    return res;
}
