/* Models: list, get, download the checkpoint, upload a checkpoint trained elsewhere. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "db/data_dir.h"
#include "db/db.h"
#include "db/sessions.h"
#include "server/safetensors_check.h"
#include "server/server_internal.h"

enum MHD_Result route_models_list(request *r)
{
    enum MHD_Result res = MHD_NO;
    long limit, offset;
    if (req_query_int(r, "limit", 1, 1000, 100, &limit, &res) || req_query_int(r, "offset", 0, 1000000000, 0, &offset, &res))
        return res;
    char err[256];
    cJSON *list = models_list_json(r->db, (int)limit, (int)offset, err, sizeof err);
    if (!list) return reply_error(r, 500, "database", "%s", err);
    cJSON *o = cJSON_CreateObject();
    cJSON_AddItemToObject(o, "models", list);
    return reply_json(r, 200, o);
}

enum MHD_Result route_models_get(request *r)
{
    const char *id = r->params[0];
    if (!db_valid_id(id, 'm')) return reply_error(r, 404, "not_found", "no model %.40s", id);
    char err[256];
    int found;
    cJSON *m = models_get_json(r->db, id, &found, err, sizeof err);
    return m ? reply_json(r, 200, m) : reply_error(r, 404, "not_found", "no model %s", id);
}

enum MHD_Result route_models_checkpoint(request *r)
{
    const char *id = r->params[0];
    if (!db_valid_id(id, 'm')) return reply_error(r, 404, "not_found", "no model %.40s", id);
    char rel[512], path[DATA_PATH_MAX], dl[64];
    if (models_path(r->db, id, rel, sizeof rel) != 1) return reply_error(r, 404, "not_found", "no model %s", id);
    if (data_path(path, sizeof path, r->srv->cfg.data_dir, "%s", rel)) return reply_error(r, 500, "internal", "path too long");
    char *slash = strrchr(path, '/');
    *slash = 0;
    int dfd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (dfd < 0) return reply_error(r, 404, "not_found", "the checkpoint file of model %s is missing", id);
    snprintf(dl, sizeof dl, "%.20s.safetensors", id);
    enum MHD_Result res = reply_file(r, dfd, slash + 1, "application/octet-stream", dl);
    close(dfd);
    return res;
}

static const char *model_name(request *r)
{
    const char *n = req_query(r, "name");
    return n && *n && strlen(n) <= 200 ? n : NULL;
}

enum MHD_Result route_models_upload_check(request *r)
{
    const char *n = req_query(r, "name");
    if (n && !model_name(r)) return reply_error(r, 400, "bad_parameter", "'name' must be 1 to 200 characters");
    return MHD_YES;
}

enum MHD_Result route_models_upload(request *r)
{
    char err[512], id[20], dir[DATA_PATH_MAX], dst[DATA_PATH_MAX], rel[64];
    if (upload_checksum_mismatch(r))
        return reply_error(r, 400, "checksum_mismatch", "the body's SHA-256 is %s, not the X-Checksum-SHA256 sent", r->upload_sha256);
    int tensors = safetensors_check_file(r->upload_path, err, sizeof err);
    if (tensors < 0) return reply_error(r, 400, "bad_checkpoint", "%s", err);
    db_new_id('m', id);
    snprintf(rel, sizeof rel, "models/%s/checkpoint.safetensors", id);
    if (data_path(dir, sizeof dir, r->srv->cfg.data_dir, "models/%s", id) ||
        data_path(dst, sizeof dst, r->srv->cfg.data_dir, "%s", rel))
        return reply_error(r, 500, "internal", "path too long");
    if (mkdir(dir, 0755)) return reply_error(r, 507, "storage", "cannot create the model folder: %s", strerror(errno));
    if (rename(r->upload_path, dst)) {
        rmdir(dir);
        return reply_error(r, 507, "storage", "cannot store the checkpoint: %s", strerror(errno));
    }
    r->upload_path[0] = 0;
    data_fsync_dir(dir);
    const char *name = model_name(r);
    char fallback[64];
    snprintf(fallback, sizeof fallback, "uploaded %s", id);
    if (db_begin_write(r->db) ||
        models_insert(r->db, id, name ? name : fallback, "uploaded", rel, r->upload_size, r->upload_sha256, err, sizeof err) ||
        db_commit(r->db)) {
        db_rollback(r->db);
        data_remove_tree(r->srv->cfg.data_dir, dir, err, sizeof err);
        return reply_error(r, 500, "database", "cannot register the model");
    }
    int found;
    cJSON *m = models_get_json(r->db, id, &found, err, sizeof err);
    if (!m) return reply_error(r, 500, "database", "%s", err);
    cJSON_AddNumberToObject(m, "tensors", tensors);
    return reply_json(r, 201, m);
}
