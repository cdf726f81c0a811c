/* Results of finished jobs: file listing and downloads, reconstruction PNGs, and the inverse
 * receptive fields (spatial maps, feature matrices, per-pixel h x c matrices) read straight from
 * the memory-mapped arrays the job wrote. */
#include <dirent.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "db/data_dir.h"
#include "db/db.h"
#include "db/job_options.h"
#include "server/npy_view.h"
#include "server/png_encode.h"
#include "server/server_internal.h"

/* Folder of a finished job's outputs. Returns 0, or -1 after replying 404/409. */
static int result_folder(request *r, char *out, size_t outlen, enum MHD_Result *res)
{
    const char *id = r->params[0];
    if (!db_valid_id(id, 'j')) { *res = reply_error(r, 404, "not_found", "no job %.40s", id); return -1; }
    sqlite3_stmt *st;
    if (sqlite3_prepare_v2(r->db, "SELECT state, result_dir FROM jobs WHERE id = ?", -1, &st, NULL) != SQLITE_OK) {
        *res = reply_error(r, 500, "database", "%s", sqlite3_errmsg(r->db));
        return -1;
    }
    sqlite3_bind_text(st, 1, id, -1, SQLITE_TRANSIENT);
    int rc = sqlite3_step(st);
    char state[16] = "", dir[256] = "";
    if (rc == SQLITE_ROW) {
        snprintf(state, sizeof state, "%s", (const char *)sqlite3_column_text(st, 0));
        const unsigned char *d = sqlite3_column_text(st, 1);
        snprintf(dir, sizeof dir, "%s", d ? (const char *)d : "");
    }
    sqlite3_finalize(st);
    if (rc != SQLITE_ROW) { *res = reply_error(r, 404, "not_found", "no job %s", id); return -1; }
    if (strcmp(state, "succeeded") || !dir[0]) {
        *res = reply_error(r, 409, "not_finished", "job %s is %s; results exist once it succeeded", id, state);
        return -1;
    }
    if (data_path(out, outlen, r->srv->cfg.data_dir, "%s", dir)) { *res = reply_error(r, 500, "internal", "path too long"); return -1; }
    return 0;
}

enum MHD_Result route_results_list(request *r)
{
    enum MHD_Result res = MHD_NO;
    char dir[DATA_PATH_MAX];
    if (result_folder(r, dir, sizeof dir, &res)) return res;
    DIR *d = opendir(dir);
    if (!d) return reply_error(r, 404, "not_found", "the job's result folder is missing");
    int dfd = dirfd(d);
    cJSON *o = cJSON_CreateObject(), *files = cJSON_AddArrayToObject(o, "files");
    struct dirent *e;
    while ((e = readdir(d))) {
        struct stat sb;
        if (!job_file_name_ok(e->d_name) || fstatat(dfd, e->d_name, &sb, AT_SYMLINK_NOFOLLOW) || !S_ISREG(sb.st_mode)) continue;
        cJSON *f = cJSON_CreateObject();
        cJSON_AddStringToObject(f, "name", e->d_name);
        cJSON_AddNumberToObject(f, "size", (double)sb.st_size);
        cJSON_AddStringToObject(f, "content_type", content_type_for(e->d_name));
        cJSON_AddItemToArray(files, f);
    }
    closedir(d);
    return reply_json(r, 200, o);
}

static enum MHD_Result send_from_folder(request *r, const char *dir, const char *name, const char *download)
{
    int dfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (dfd < 0) return reply_error(r, 404, "not_found", "the job's result folder is missing");
    enum MHD_Result res = reply_file(r, dfd, name, NULL, download);
    close(dfd);
    return res;
}

enum MHD_Result route_results_file(request *r)
{
    enum MHD_Result res = MHD_NO;
    char dir[DATA_PATH_MAX];
    const char *name = r->params[1];
    if (!job_file_name_ok(name)) return reply_error(r, 400, "bad_name", "not a plain file name");
    if (result_folder(r, dir, sizeof dir, &res)) return res;
    const char *type = content_type_for(name);
    int inline_ok = !strncmp(type, "image/", 6) || !strncmp(type, "text/", 5) || !strcmp(type, "application/json") ||
                    !strcmp(type, "application/x-ndjson");
    return send_from_folder(r, dir, name, inline_ok ? NULL : name);
}

/* Opens DIR/name as a float32 array with ndim dims. Returns NULL after replying. */
static const npy_view *open_array(request *r, const char *dir, const char *name, int ndim, enum MHD_Result *res)
{
    char path[DATA_PATH_MAX + 64], err[256];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    int missing;
    const npy_view *v = npy_view_open(path, &missing, err, sizeof err);
    if (!v) {
        *res = missing ? reply_error(r, 404, "not_found", "this job wrote no %s", name)
                       : reply_error(r, 500, "bad_result", "%s: %s", name, err);
        return NULL;
    }
    if (v->ndim != ndim) {
        npy_view_release(v);
        *res = reply_error(r, 500, "bad_result", "%s has %d dimensions, expected %d", name, v->ndim, ndim);
        return NULL;
    }
    return v;
}

/* "12.png" -> 12 */
static int png_index(const char *seg, long *out)
{
    char *end;
    long v = strtol(seg, &end, 10);
    if (end == seg || strcmp(end, ".png") || v < 0 || seg[0] == '-' || seg[0] == '+') return -1;
    *out = v;
    return 0;
}

enum MHD_Result route_results_png(request *r)
{
    enum MHD_Result res = MHD_NO;
    char dir[DATA_PATH_MAX], name[64];
    long n;
    if (png_index(r->params[1], &n)) return reply_error(r, 400, "bad_name", "expected /reconstructions/<image index>.png");
    if (result_folder(r, dir, sizeof dir, &res)) return res;
    /* A PNG the job wrote itself (reconstructions/NNNNNN.png or images/NNNNNN.png) wins; else it is
     * encoded from reconstructions.npy. */
    static const char *const png_folders[] = {"reconstructions", "images"}; /* train, reconstruct */
    snprintf(name, sizeof name, "%06ld.png", n);
    for (int i = 0; i < 2; i++) {
        char png_dir[DATA_PATH_MAX + 32];
        snprintf(png_dir, sizeof png_dir, "%s/%s", dir, png_folders[i]);
        int dfd = open(png_dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        if (dfd < 0) continue;
        struct stat sb;
        int exists = fstatat(dfd, name, &sb, AT_SYMLINK_NOFOLLOW) == 0 && S_ISREG(sb.st_mode);
        if (exists) res = reply_file(r, dfd, name, "image/png", NULL);
        close(dfd);
        if (exists) return res;
    }
    const npy_view *v = open_array(r, dir, "reconstructions.npy", 4, &res);
    if (!v) return res;
    if (v->shape[1] != 3 || n >= v->shape[0]) {
        int64_t count = v->shape[0], ch = v->shape[1];
        npy_view_release(v);
        return ch != 3 ? reply_error(r, 500, "bad_result", "reconstructions.npy must be (N, 3, H, W)")
                       : reply_error(r, 404, "not_found", "image %ld does not exist (%lld images)", n, (long long)count);
    }
    int h = (int)v->shape[2], w = (int)v->shape[3];
    uint8_t *png;
    size_t len;
    int rc = png_encode_rgb_planes(v->data + (size_t)n * 3 * (size_t)h * (size_t)w, h, w, &png, &len);
    npy_view_release(v);
    if (rc) return reply_error(r, 500, "internal", "PNG encoding failed");
    return reply_bytes(r, 200, "image/png", png, len, 1);
}

/* Checks ?image= against the array's first dimension. */
static int image_param(request *r, const npy_view *v, long *image, enum MHD_Result *res)
{
    if (!req_query(r, "image")) { *res = reply_error(r, 400, "bad_parameter", "query parameter 'image' is required"); return -1; }
    return req_query_int(r, "image", 0, v->shape[0] - 1, 0, image, res);
}

enum MHD_Result route_irf_spatial(request *r)
{
    enum MHD_Result res = MHD_NO;
    char dir[DATA_PATH_MAX];
    if (result_folder(r, dir, sizeof dir, &res)) return res;
    const npy_view *v = open_array(r, dir, "irf_spatial.npy", 4, &res);
    if (!v) return res;
    long image, array;
    int64_t h = v->shape[1], H = v->shape[2], W = v->shape[3];
    if (image_param(r, v, &image, &res) || req_query_int(r, "array", -1, h - 1, -1, &array, &res)) {
        npy_view_release(v);
        return res;
    }
    cJSON *o = cJSON_CreateObject();
    cJSON_AddNumberToObject(o, "image", image);
    cJSON_AddNumberToObject(o, "arrays", (double)h);
    cJSON_AddNumberToObject(o, "height", (double)H);
    cJSON_AddNumberToObject(o, "width", (double)W);
    cJSON *maps = cJSON_AddArrayToObject(o, "maps");
    for (int64_t j = array < 0 ? 0 : array; j < (array < 0 ? h : array + 1); j++) {
        const float *m = v->data + ((size_t)image * (size_t)h + (size_t)j) * (size_t)(H * W);
        cJSON *rows = cJSON_CreateArray();
        for (int64_t y = 0; y < H; y++) cJSON_AddItemToArray(rows, cJSON_CreateFloatArray(m + y * W, (int)W));
        cJSON_AddItemToArray(maps, rows);
    }
    if (array >= 0) cJSON_AddNumberToObject(o, "array", array);
    npy_view_release(v);
    return reply_json(r, 200, o);
}

enum MHD_Result route_irf_feature(request *r)
{
    enum MHD_Result res = MHD_NO;
    char dir[DATA_PATH_MAX];
    if (result_folder(r, dir, sizeof dir, &res)) return res;
    const npy_view *v = open_array(r, dir, "irf_feature.npy", 3, &res);
    if (!v) return res;
    long image;
    if (image_param(r, v, &image, &res)) { npy_view_release(v); return res; }
    int64_t h = v->shape[1], c = v->shape[2];
    cJSON *o = cJSON_CreateObject();
    cJSON_AddNumberToObject(o, "image", image);
    cJSON_AddNumberToObject(o, "arrays", (double)h);
    cJSON_AddNumberToObject(o, "features", (double)c);
    cJSON *m = cJSON_AddArrayToObject(o, "matrix");
    for (int64_t j = 0; j < h; j++)
        cJSON_AddItemToArray(m, cJSON_CreateFloatArray(v->data + ((size_t)image * (size_t)h + (size_t)j) * (size_t)c, (int)c));
    npy_view_release(v);
    return reply_json(r, 200, o);
}

enum MHD_Result route_irf_pixel(request *r)
{
    enum MHD_Result res = MHD_NO;
    char dir[DATA_PATH_MAX];
    if (result_folder(r, dir, sizeof dir, &res)) return res;
    const npy_view *v = open_array(r, dir, "attention.npy", 5, &res);
    if (!v) return res;
    long image, x, y;
    int64_t h = v->shape[1], c = v->shape[2], H = v->shape[3], W = v->shape[4];
    if (image_param(r, v, &image, &res) || !req_query(r, "x") || !req_query(r, "y") ||
        req_query_int(r, "x", 0, W - 1, 0, &x, &res) || req_query_int(r, "y", 0, H - 1, 0, &y, &res)) {
        npy_view_release(v);
        if (!r->replied) return reply_error(r, 400, "bad_parameter", "query parameters 'x' and 'y' are required");
        return res;
    }
    /* attention[image, j, k, y, x]: h*c values, each H*W floats apart. */
    cJSON *o = cJSON_CreateObject();
    cJSON_AddNumberToObject(o, "image", image);
    cJSON_AddNumberToObject(o, "x", x);
    cJSON_AddNumberToObject(o, "y", y);
    cJSON_AddNumberToObject(o, "arrays", (double)h);
    cJSON_AddNumberToObject(o, "features", (double)c);
    cJSON *m = cJSON_AddArrayToObject(o, "matrix");
    size_t plane = (size_t)(H * W), pixel = (size_t)y * (size_t)W + (size_t)x;
    float row[4096];
    for (int64_t j = 0; j < h; j++) {
        const float *base = v->data + ((size_t)image * (size_t)h + (size_t)j) * (size_t)c * plane + pixel;
        int64_t cc = c < 4096 ? c : 4096;
        for (int64_t k = 0; k < cc; k++) row[k] = base[(size_t)k * plane];
        cJSON_AddItemToArray(m, cJSON_CreateFloatArray(row, (int)cc));
    }
    npy_view_release(v);
    return reply_json(r, 200, o);
}

enum MHD_Result route_jobs_log(request *r)
{
    const char *id = r->params[0];
    if (!db_valid_id(id, 'j')) return reply_error(r, 404, "not_found", "no job %.40s", id);
    char dir[DATA_PATH_MAX], name[40];
    if (data_path(dir, sizeof dir, r->srv->cfg.data_dir, "logs")) return reply_error(r, 500, "internal", "path too long");
    snprintf(name, sizeof name, "%.20s.log", id);
    int dfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (dfd < 0) return reply_error(r, 404, "not_found", "no log");
    struct stat sb;
    enum MHD_Result res = fstatat(dfd, name, &sb, 0) == 0
        ? reply_file(r, dfd, name, "text/plain; charset=utf-8", NULL)
        : reply_error(r, 404, "not_found", "job %s has no finished attempt with a log yet", id);
    close(dfd);
    return res;
}
