/* Loading a session folder: every file is checked against the manifest and the others, since a
 * session may have been copied by hand or come from an older importer. */
#include <cjson/cJSON.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "formats/atomic_file.h"
#include "formats/csv.h"
#include "formats/npy.h"
#include "formats/png_io.h"
#include "session/fs_util.h"
#include "session/session.h"

static int json_int(const cJSON *m, const char *key, int lo, int hi, int *out, const char *path, char *err, size_t errlen)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(m, key);
    if (!cJSON_IsNumber(v) || v->valuedouble < lo || v->valuedouble > hi || v->valuedouble != floor(v->valuedouble)) {
        snprintf(err, errlen, "%s: '%s' missing or not an integer in %d..%d", path, key, lo, hi);
        return -1;
    }
    *out = (int)v->valuedouble;
    return 0;
}

static int read_manifest(const char *dir, session *s, char *err, size_t errlen)
{
    char path[4096];
    snprintf(path, sizeof path, "%s/manifest.json", dir);
    unsigned char *buf;
    size_t len;
    if (read_whole_file(path, 16u << 20, &buf, &len, err, errlen)) return -1;
    cJSON *m = cJSON_ParseWithLength((const char *)buf, len);
    free(buf);
    if (!m) { snprintf(err, errlen, "%s: not valid JSON", path); return -1; }
    int rc = -1;
    const cJSON *fmt = cJSON_GetObjectItemCaseSensitive(m, "format");
    const cJSON *src = cJSON_GetObjectItemCaseSensitive(m, "source");
    if (!cJSON_IsString(fmt) || strcmp(fmt->valuestring, "irfa-session")) {
        snprintf(err, errlen, "%s: not an irfa session manifest (format != irfa-session)", path);
        goto done;
    }
    if (json_int(m, "format_version", 1, SESSION_FORMAT_VERSION, &s->format_version, path, err, errlen) ||
        json_int(m, "n_train", 1, 1 << 26, &s->n_train, path, err, errlen) ||
        json_int(m, "n_test", 1, 1 << 26, &s->n_test, path, err, errlen) ||
        json_int(m, "n_repetitions", 0, 1 << 16, &s->n_reps, path, err, errlen) ||
        json_int(m, "n_electrodes", 1, 1 << 20, &s->n_electrodes, path, err, errlen) ||
        json_int(m, "image_size", 8, 1024, &s->image_size, path, err, errlen))
        goto done;
    snprintf(s->source, sizeof s->source, "%s", cJSON_IsString(src) ? src->valuestring : "unknown");
    const cJSON *steps = cJSON_GetObjectItemCaseSensitive(m, "preprocessing"), *st;
    size_t n = 0;
    cJSON_ArrayForEach(st, steps) {
        const cJSON *name = cJSON_GetObjectItemCaseSensitive(st, "step");
        if (cJSON_IsString(name) && n + strlen(name->valuestring) + 2 < sizeof s->preprocessing)
            n += (size_t)snprintf(s->preprocessing + n, sizeof s->preprocessing - n, "%s%s", n ? "," : "", name->valuestring);
    }
    rc = 0;
done:
    cJSON_Delete(m);
    return rc;
}

/* Loads dir/name as float32 and checks its shape. */
static int load_checked(const char *dir, const char *name, int ndim, const int64_t *shape, float **out,
                        char *err, size_t errlen)
{
    char path[4096];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    npy_array a;
    if (npy_load_f32(path, &a, 0, err, errlen)) return -1;
    int ok = a.ndim == ndim;
    for (int i = 0; ok && i < ndim; i++) ok = a.shape[i] == shape[i];
    if (!ok) {
        char want[128] = "", got[128] = "";
        size_t wn = 0, gn = 0;
        for (int i = 0; i < ndim; i++) wn += (size_t)snprintf(want + wn, sizeof want - wn, "%s%lld", i ? "," : "", (long long)shape[i]);
        for (int i = 0; i < a.ndim && i < 8; i++) gn += (size_t)snprintf(got + gn, sizeof got - gn, "%s%lld", i ? "," : "", (long long)a.shape[i]);
        snprintf(err, errlen, "%s: shape (%s) does not match the manifest (%s)", path, got, want);
        npy_free(&a);
        return -1;
    }
    *out = a.data;
    return 0;
}

static float parse_opt_float(const char *s, int *ok)
{
    if (!s[0] || !strcasecmp(s, "nan")) return NAN;
    char *end;
    double v = strtod(s, &end);
    if (*end || !isfinite(v)) *ok = 0;
    return (float)v;
}

static int read_electrodes(const char *dir, session *s, char *err, size_t errlen)
{
    char path[4096];
    snprintf(path, sizeof path, "%s/electrodes.csv", dir);
    csv_table t;
    if (csv_read(path, &t, err, errlen)) return -1;
    int rc = -1;
    int c_src = csv_column(&t, "source_index"), c_arr = csv_column(&t, "array"), c_area = csv_column(&t, "area");
    int c_x = csv_column(&t, "rf_x"), c_y = csv_column(&t, "rf_y"), c_s = csv_column(&t, "rf_size");
    int c_rel = csv_column(&t, "reliability"), c_day = csv_column(&t, "day");
    if (c_arr < 0 || c_area < 0) { snprintf(err, errlen, "%s: needs columns 'array' and 'area'", path); goto done; }
    if (t.n_rows != s->n_electrodes) {
        snprintf(err, errlen, "%s: %d electrodes, the manifest says %d", path, t.n_rows, s->n_electrodes);
        goto done;
    }
    s->electrodes = calloc((size_t)t.n_rows, sizeof *s->electrodes);
    if (!s->electrodes) { snprintf(err, errlen, "out of memory"); goto done; }
    for (int r = 0; r < t.n_rows; r++) {
        session_electrode *el = &s->electrodes[r];
        int ok = 1;
        char *end;
        el->source_index = c_src >= 0 ? (int)strtol(csv_cell(&t, r, c_src), &end, 10) : r;
        el->array = (int)strtol(csv_cell(&t, r, c_arr), &end, 10);
        if (*end || el->array < 1 || el->array > 1024) ok = 0;
        el->area = session_area_parse(csv_cell(&t, r, c_area));
        if (el->area == AREA_UNKNOWN) ok = 0;
        el->rf_x = c_x >= 0 ? parse_opt_float(csv_cell(&t, r, c_x), &ok) : NAN;
        el->rf_y = c_y >= 0 ? parse_opt_float(csv_cell(&t, r, c_y), &ok) : NAN;
        el->rf_size = c_s >= 0 ? parse_opt_float(csv_cell(&t, r, c_s), &ok) : NAN;
        el->reliability = c_rel >= 0 ? parse_opt_float(csv_cell(&t, r, c_rel), &ok) : NAN;
        el->day = c_day >= 0 && csv_cell(&t, r, c_day)[0] ? (int)strtol(csv_cell(&t, r, c_day), &end, 10) : -1;
        if (!ok) { snprintf(err, errlen, "%s: row %d has a bad array, area or number", path, r + 2); goto done; }
    }
    rc = 0;
done:
    csv_free(&t);
    return rc;
}

static int build_arrays(session *s, char *err, size_t errlen)
{
    int E = s->n_electrodes, seen[1025] = {0};
    for (int e = 0; e < E; e++) seen[s->electrodes[e].array]++;
    for (int a = 1; a <= 1024; a++) s->n_arrays += seen[a] > 0;
    s->array_ids = malloc(sizeof(int) * (size_t)s->n_arrays);
    s->array_areas = malloc(sizeof(session_area) * (size_t)s->n_arrays);
    s->array_counts = calloc((size_t)s->n_arrays, sizeof(int));
    s->array_offsets = malloc(sizeof(int) * (size_t)s->n_arrays);
    s->array_electrodes = malloc(sizeof(int) * (size_t)E);
    s->electrode_array = malloc(sizeof(int) * (size_t)E);
    if (!s->array_ids || !s->array_areas || !s->array_counts || !s->array_offsets || !s->array_electrodes ||
        !s->electrode_array) {
        snprintf(err, errlen, "out of memory");
        return -1;
    }
    int h = 0, off = 0;
    for (int a = 1; a <= 1024; a++) {
        if (!seen[a]) continue;
        s->array_ids[h] = a;
        s->array_offsets[h] = off;
        for (int e = 0; e < E; e++)
            if (s->electrodes[e].array == a) {
                if (s->array_counts[h] && s->electrodes[e].area != s->array_areas[h]) {
                    snprintf(err, errlen, "electrodes.csv: array %d mixes areas %s and %s", a,
                             session_area_name(s->array_areas[h]), session_area_name(s->electrodes[e].area));
                    return -1;
                }
                s->array_areas[h] = s->electrodes[e].area;
                s->electrode_array[e] = h;
                s->array_electrodes[off++] = e;
                s->array_counts[h]++;
            }
        h++;
    }
    return 0;
}

static int load_stimuli(const char *dir, const char *split, int n, int S, float **out, char *err, size_t errlen)
{
    char name[64], path[4200];
    snprintf(name, sizeof name, "stimuli_%s.npy", split);
    snprintf(path, sizeof path, "%s/%s", dir, name);
    size_t plane = (size_t)S * S;
    if (fs_exists(path)) {
        int64_t shape[4] = {n, 3, S, S};
        if (load_checked(dir, name, 4, shape, out, err, errlen)) return -1;
        for (size_t i = 0; i < (size_t)n * 3 * plane; i++)
            if ((*out)[i] < 0 || (*out)[i] > 1) {
                snprintf(err, errlen, "%s: value %g outside [0, 1]", path, (*out)[i]);
                return -1;
            }
        return 0;
    }
    *out = malloc((size_t)n * 3 * plane * sizeof(float) + 1);
    if (!*out) { snprintf(err, errlen, "out of memory"); return -1; }
    for (int i = 0; i < n; i++) {
        snprintf(path, sizeof path, "%s/stimuli/%s/%06d.png", dir, split, i);
        rgb_image img;
        if (png_read_rgb(path, &img, err, errlen)) return -1;
        if (img.width != S || img.height != S) {
            snprintf(err, errlen, "%s: image is %dx%d, the manifest says %dx%d", path, img.width, img.height, S, S);
            rgb_image_free(&img);
            return -1;
        }
        float *dst = *out + (size_t)i * 3 * plane;
        for (size_t p = 0; p < plane; p++)
            for (int c = 0; c < 3; c++) dst[c * plane + p] = img.pixels[p * 3 + c] / 255.0f;
        rgb_image_free(&img);
    }
    return 0;
}

static int resize_all(float **stim, int n, int S, int T, session_resize_mode mode, char *err, size_t errlen)
{
    float *dst = malloc((size_t)n * 3 * T * T * sizeof(float) + 1);
    if (!dst) { snprintf(err, errlen, "out of memory"); return -1; }
    for (int i = 0; i < n; i++)
        session_resize_image(*stim + (size_t)i * 3 * S * S, S, S, dst + (size_t)i * 3 * T * T, T, T, mode);
    free(*stim);
    *stim = dst;
    return 0;
}

int session_load(const char *dir, const session_load_options *opt, session *s, char *err, size_t errlen)
{
    session_load_options defaults = {0};
    if (!opt) opt = &defaults;
    memset(s, 0, sizeof *s);
    if (!fs_is_dir(dir)) { snprintf(err, errlen, "%s: not a session folder", dir); return -1; }
    if (read_manifest(dir, s, err, errlen)) goto fail;
    int64_t E = s->n_electrodes;
    int64_t sh_train[2] = {s->n_train, E}, sh_test[2] = {s->n_test, E}, sh_reps[3] = {s->n_test, s->n_reps, E};
    int64_t st_train[3] = {s->n_train, E, SESSION_ST_WINDOWS}, st_test[3] = {s->n_test, E, SESSION_ST_WINDOWS};
    if (load_checked(dir, "responses_train.npy", 2, sh_train, &s->train_responses, err, errlen)) goto fail;
    if (load_checked(dir, "responses_test.npy", 2, sh_test, &s->test_responses, err, errlen)) goto fail;
    char path[4200];
    snprintf(path, sizeof path, "%s/responses_test_reps.npy", dir);
    if (opt->load_repetitions && s->n_reps > 0 && fs_exists(path) &&
        load_checked(dir, "responses_test_reps.npy", 3, sh_reps, &s->test_reps, err, errlen))
        goto fail;
    snprintf(path, sizeof path, "%s/responses_train_st.npy", dir);
    if (opt->load_space_time && fs_exists(path) &&
        (load_checked(dir, "responses_train_st.npy", 3, st_train, &s->train_st, err, errlen) ||
         load_checked(dir, "responses_test_st.npy", 3, st_test, &s->test_st, err, errlen)))
        goto fail;
    if (read_electrodes(dir, s, err, errlen) || build_arrays(s, err, errlen)) goto fail;
    if (!opt->skip_stimuli) {
        if (load_stimuli(dir, "train", s->n_train, s->image_size, &s->train_stimuli, err, errlen) ||
            load_stimuli(dir, "test", s->n_test, s->image_size, &s->test_stimuli, err, errlen))
            goto fail;
        if (opt->image_size > 0 && opt->image_size != s->image_size) {
            if (opt->image_size < 4 || opt->image_size > 1024) { snprintf(err, errlen, "requested image size %d is outside 4..1024", opt->image_size); goto fail; }
            if (resize_all(&s->train_stimuli, s->n_train, s->image_size, opt->image_size, opt->resize, err, errlen) ||
                resize_all(&s->test_stimuli, s->n_test, s->image_size, opt->image_size, opt->resize, err, errlen))
                goto fail;
            s->image_size = opt->image_size;
        }
    }
    return 0;
fail:
    session_free(s);
    return -1;
}

void session_free(session *s)
{
    free(s->train_responses);
    free(s->test_responses);
    free(s->test_reps);
    free(s->train_st);
    free(s->test_st);
    free(s->train_stimuli);
    free(s->test_stimuli);
    free(s->electrodes);
    free(s->array_ids);
    free(s->array_areas);
    free(s->array_counts);
    free(s->array_offsets);
    free(s->array_electrodes);
    free(s->electrode_array);
    memset(s, 0, sizeof *s);
}
