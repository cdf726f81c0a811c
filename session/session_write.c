/* Writing a session folder. Files go into a hidden temporary folder next to the destination,
 * which is synced, validated by loading it back, and renamed: no reader ever sees half a session. */
#include <cjson/cJSON.h>
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "formats/npy.h"
#include "formats/png_io.h"
#include "session/fs_util.h"
#include "session/session_data.h"

/* Inside the temporary folder a plain write is enough: session_commit syncs the file system once. */
static int write_plain(const char *path, const void *data, size_t len, char *err, size_t errlen)
{
    int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
    if (fd < 0) { snprintf(err, errlen, "%s: cannot create: %s", path, strerror(errno)); return -1; }
    const unsigned char *p = data;
    while (len > 0) {
        ssize_t w = write(fd, p, len);
        if (w < 0 && errno == EINTR) continue;
        if (w <= 0) { snprintf(err, errlen, "%s: write failed: %s", path, strerror(errno)); close(fd); return -1; }
        p += w;
        len -= (size_t)w;
    }
    if (close(fd)) { snprintf(err, errlen, "%s: close failed: %s", path, strerror(errno)); return -1; }
    return 0;
}

static int write_npy(const char *dir, const char *name, const float *data, int ndim, const int64_t *shape,
                     char *err, size_t errlen)
{
    char path[4096];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    uint8_t *buf;
    size_t len;
    if (npy_serialize(NPY_F32, data, ndim, shape, &buf, &len)) { snprintf(err, errlen, "%s: out of memory", path); return -1; }
    int rc = write_plain(path, buf, len, err, errlen);
    free(buf);
    return rc;
}

static void fmt_float(char *buf, size_t n, float v)
{
    if (isfinite(v)) snprintf(buf, n, "%.6g", v);
    else buf[0] = '\0';
}

static int write_electrodes(const session_data *d, const char *dir, char *err, size_t errlen)
{
    size_t cap = 128 + (size_t)d->n_electrodes * 128, n = 0;
    char *buf = malloc(cap);
    if (!buf) { snprintf(err, errlen, "out of memory"); return -1; }
    n += (size_t)snprintf(buf + n, cap - n, "index,source_index,array,area,rf_x,rf_y,rf_size,reliability,day\n");
    for (int e = 0; e < d->n_electrodes; e++) {
        const session_electrode *el = &d->electrodes[e];
        char x[32], y[32], s[32], r[32];
        fmt_float(x, sizeof x, el->rf_x);
        fmt_float(y, sizeof y, el->rf_y);
        fmt_float(s, sizeof s, el->rf_size);
        fmt_float(r, sizeof r, el->reliability);
        n += (size_t)snprintf(buf + n, cap - n, "%d,%d,%d,%s,%s,%s,%s,%s,%d\n", e, el->source_index, el->array,
                              session_area_name(el->area), x, y, s, r, el->day);
    }
    char path[4096];
    snprintf(path, sizeof path, "%s/electrodes.csv", dir);
    int rc = write_plain(path, buf, n, err, errlen);
    free(buf);
    return rc;
}

static int write_trials(const session_data *d, const char *dir, char *err, size_t errlen)
{
    int T = session_data_n_trials(d), R = d->n_reps > 0 ? d->n_reps : 1;
    size_t cap = 64 + (size_t)T * 48, n = 0;
    char *buf = malloc(cap);
    if (!buf) { snprintf(err, errlen, "out of memory"); return -1; }
    n += (size_t)snprintf(buf + n, cap - n, "trial,split,image,repetition,day\n");
    for (int t = 0; t < T; t++) {
        int test = t >= d->n_train, i = test ? (t - d->n_train) / R : t, r = test ? (t - d->n_train) % R : 0;
        int day = test ? (d->test_rep_day ? d->test_rep_day[t - d->n_train] : 0) : (d->train_day ? d->train_day[t] : 0);
        n += (size_t)snprintf(buf + n, cap - n, "%d,%s,%d,%d,%d\n", t, test ? "test" : "train", i, r, day);
    }
    char path[4096];
    snprintf(path, sizeof path, "%s/trials.csv", dir);
    int rc = write_plain(path, buf, n, err, errlen);
    free(buf);
    return rc;
}

static int write_stimuli(const float *stim, int n, int S, const char *dir, const char *split, char *err, size_t errlen)
{
    char sub[4096];
    snprintf(sub, sizeof sub, "%s/stimuli/%s", dir, split);
    if (fs_mkdir_p(sub, err, errlen)) return -1;
    unsigned char *rgb = malloc((size_t)S * S * 3);
    if (!rgb) { snprintf(err, errlen, "out of memory"); return -1; }
    size_t plane = (size_t)S * S;
    for (int i = 0; i < n; i++) {
        const float *img = stim + (size_t)i * 3 * plane;
        for (size_t p = 0; p < plane; p++)
            for (int c = 0; c < 3; c++) {
                float v = img[c * plane + p];
                rgb[p * 3 + c] = (unsigned char)lrintf(255.0f * (v < 0 ? 0 : v > 1 ? 1 : v));
            }
        unsigned char *png;
        size_t len;
        char path[4200];
        snprintf(path, sizeof path, "%s/%06d.png", sub, i);
        if (png_encode_rgb(rgb, S, S, &png, &len)) { snprintf(err, errlen, "%s: PNG encoding failed", path); free(rgb); return -1; }
        int rc = write_plain(path, png, len, err, errlen);
        free(png);
        if (rc) { free(rgb); return -1; }
    }
    free(rgb);
    return 0;
}

static cJSON *arrays_json(const session_data *d)
{
    cJSON *arr = cJSON_CreateArray();
    for (int a = 1; a <= 1024; a++) {
        int count = 0;
        session_area area = AREA_UNKNOWN;
        for (int e = 0; e < d->n_electrodes; e++)
            if (d->electrodes[e].array == a) { count++; area = d->electrodes[e].area; }
        if (!count) continue;
        cJSON *o = cJSON_CreateObject();
        cJSON_AddNumberToObject(o, "id", a);
        cJSON_AddStringToObject(o, "area", session_area_name(area));
        cJSON_AddNumberToObject(o, "n_electrodes", count);
        cJSON_AddItemToArray(arr, o);
    }
    return arr;
}

static int write_manifest(const session_data *d, const char *dir, char *err, size_t errlen)
{
    cJSON *m = cJSON_CreateObject();
    cJSON_AddStringToObject(m, "format", "irfa-session");
    cJSON_AddNumberToObject(m, "format_version", SESSION_FORMAT_VERSION);
    cJSON_AddStringToObject(m, "source", d->source);
    if (d->monkey[0]) cJSON_AddStringToObject(m, "monkey", d->monkey);
    cJSON_AddItemToObject(m, "provenance", cJSON_Duplicate(d->provenance, 1));
    cJSON_AddItemToObject(m, "preprocessing", cJSON_Duplicate(d->steps, 1));
    cJSON_AddNumberToObject(m, "n_train", d->n_train);
    cJSON_AddNumberToObject(m, "n_test", d->n_test);
    cJSON_AddNumberToObject(m, "n_repetitions", d->n_reps);
    cJSON_AddNumberToObject(m, "n_electrodes", d->n_electrodes);
    cJSON_AddNumberToObject(m, "image_size", d->image_size);
    cJSON *areas = cJSON_CreateArray();
    for (int a = 0; a < SESSION_N_AREAS; a++) {
        int present = 0;
        for (int e = 0; e < d->n_electrodes; e++) present |= d->electrodes[e].area == (session_area)a;
        if (present) cJSON_AddItemToArray(areas, cJSON_CreateString(session_area_name((session_area)a)));
    }
    cJSON_AddItemToObject(m, "areas", areas);
    cJSON_AddItemToObject(m, "arrays", arrays_json(d));
    cJSON *files = cJSON_CreateObject();
    cJSON_AddStringToObject(files, "responses_train", "responses_train.npy");
    cJSON_AddStringToObject(files, "responses_test", "responses_test.npy");
    if (d->test_reps) cJSON_AddStringToObject(files, "responses_test_reps", "responses_test_reps.npy");
    if (d->train_st) {
        cJSON_AddStringToObject(files, "responses_train_st", "responses_train_st.npy");
        cJSON_AddStringToObject(files, "responses_test_st", "responses_test_st.npy");
    }
    cJSON_AddStringToObject(files, "electrodes", "electrodes.csv");
    cJSON_AddStringToObject(files, "stimuli_train", "stimuli_train.npy");
    cJSON_AddStringToObject(files, "stimuli_test", "stimuli_test.npy");
    cJSON_AddStringToObject(files, "stimuli_png", "stimuli/{train,test}/NNNNNN.png");
    if (d->timecourse) {
        cJSON_AddStringToObject(files, "timecourse", "timecourse.npy");
        cJSON_AddStringToObject(files, "trials", "trials.csv");
    }
    cJSON_AddItemToObject(m, "files", files);
    if (d->timecourse) {
        cJSON *t = cJSON_CreateObject();
        cJSON_AddNumberToObject(t, "samples", d->n_samples);
        cJSON_AddNumberToObject(t, "onset_sample", d->onset);
        cJSON_AddNumberToObject(t, "sample_ms", 1);
        cJSON_AddItemToObject(m, "time_resolved", t);
    }
    char *text = cJSON_Print(m);
    cJSON_Delete(m);
    if (!text) { snprintf(err, errlen, "out of memory"); return -1; }
    char path[4096];
    snprintf(path, sizeof path, "%s/manifest.json", dir);
    int rc = write_plain(path, text, strlen(text), err, errlen);
    free(text);
    return rc;
}

int session_write_files(const session_data *d, const char *dir, char *err, size_t errlen)
{
    if (session_data_validate(d, err, errlen)) return -1;
    int64_t E = d->n_electrodes, S = d->image_size, R = d->n_reps;
    int64_t sh_train[2] = {d->n_train, E}, sh_test[2] = {d->n_test, E}, sh_reps[3] = {d->n_test, R, E};
    int64_t st_train[3] = {d->n_train, E, SESSION_ST_WINDOWS}, st_test[3] = {d->n_test, E, SESSION_ST_WINDOWS};
    int64_t im_train[4] = {d->n_train, 3, S, S}, im_test[4] = {d->n_test, 3, S, S};
    if (write_npy(dir, "responses_train.npy", d->train, 2, sh_train, err, errlen)) return -1;
    if (write_npy(dir, "responses_test.npy", d->test, 2, sh_test, err, errlen)) return -1;
    if (d->test_reps && write_npy(dir, "responses_test_reps.npy", d->test_reps, 3, sh_reps, err, errlen)) return -1;
    if (d->train_st && (write_npy(dir, "responses_train_st.npy", d->train_st, 3, st_train, err, errlen) ||
                        write_npy(dir, "responses_test_st.npy", d->test_st, 3, st_test, err, errlen)))
        return -1;
    if (d->timecourse) {
        int64_t sh_tc[3] = {E, session_data_n_trials(d), d->n_samples};
        if (write_npy(dir, "timecourse.npy", d->timecourse, 3, sh_tc, err, errlen)) return -1;
        if (write_trials(d, dir, err, errlen)) return -1;
    }
    if (write_npy(dir, "stimuli_train.npy", d->stim_train, 4, im_train, err, errlen)) return -1;
    if (write_npy(dir, "stimuli_test.npy", d->stim_test, 4, im_test, err, errlen)) return -1;
    if (write_stimuli(d->stim_train, d->n_train, d->image_size, dir, "train", err, errlen)) return -1;
    if (write_stimuli(d->stim_test, d->n_test, d->image_size, dir, "test", err, errlen)) return -1;
    if (write_electrodes(d, dir, err, errlen)) return -1;
    return write_manifest(d, dir, err, errlen);
}

int session_begin(const char *out, char *tmp, size_t tmplen, char *err, size_t errlen)
{
    if (fs_exists(out)) {
        snprintf(err, errlen, "%s: already exists; choose a new folder (nothing was changed)", out);
        return -1;
    }
    char *copy = strdup(out), *copy2 = strdup(out);
    if (!copy || !copy2) { free(copy); free(copy2); snprintf(err, errlen, "out of memory"); return -1; }
    const char *parent = dirname(copy), *base = basename(copy2);
    int rc = fs_mkdir_p(parent, err, errlen);
    if (!rc && snprintf(tmp, tmplen, "%s/.%s.partial.%ld", parent, base, (long)getpid()) >= (int)tmplen) {
        snprintf(err, errlen, "%s: path too long", out);
        rc = -1;
    }
    if (!rc) {
        fs_remove_tree(tmp); /* a leftover of this same pid can only be stale */
        if (mkdir(tmp, 0755) != 0) {
            snprintf(err, errlen, "%s: cannot create temporary folder: %s", tmp, strerror(errno));
            rc = -1;
        }
    }
    free(copy);
    free(copy2);
    return rc;
}

int session_commit(const char *tmp, const char *out, char *err, size_t errlen)
{
    int fd = open(tmp, O_RDONLY | O_DIRECTORY);
    if (fd >= 0) { syncfs(fd); close(fd); }
    session s;
    session_load_options opt = {0};
    opt.load_repetitions = true;
    opt.load_space_time = true;
    char e[1024];
    if (session_load(tmp, &opt, &s, e, sizeof e)) {
        snprintf(err, errlen, "the converted session does not validate: %s", e);
        return -1;
    }
    session_free(&s);
    if (fs_exists(out)) { snprintf(err, errlen, "%s: appeared while the session was written; not replaced", out); return -1; }
    if (rename(tmp, out) != 0) { snprintf(err, errlen, "%s: rename failed: %s", out, strerror(errno)); return -1; }
    char *copy = strdup(out);
    if (copy) { fs_sync_dir(dirname(copy)); free(copy); }
    return 0;
}

void session_abort(const char *tmp)
{
    if (tmp && tmp[0]) fs_remove_tree(tmp);
}
