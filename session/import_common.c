#include "session/import_common.h"

#include <cjson/cJSON.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "formats/atomic_file.h"
#include "formats/csv.h"
#include "formats/sandbox.h"
#include "session/stimulus_folder.h"

/* Generous for real TVSD files (train_MUA is 91 MB), small enough to stop a decompression bomb. */
#define IMPORT_ADDRESS_SPACE ((size_t)16 << 30)
#define IMPORT_CPU_SECONDS 1800

void import_prep_default(import_prep *p)
{
    memset(p, 0, sizeof *p);
    p->image_size = 128;
    p->reliability_threshold = 0.4;
    p->space_time = 1;
}

typedef struct child_ctx {
    import_build_fn build;
    const void *opts;
    const import_prep *prep;
    const char *source, *cmdline, *tmp;
} child_ctx;

static int has_any_rf(const session_data *d)
{
    for (int e = 0; e < d->n_electrodes; e++)
        if (isfinite(d->electrodes[e].rf_x)) return 1;
    return 0;
}

static int build_in_child(void *vctx, char *err, size_t errlen)
{
    child_ctx *c = vctx;
    session_data d;
    session_data_init(&d, c->source);
    if (c->cmdline) cJSON_AddStringToObject(d.provenance, "command", c->cmdline);
    int rc = -1;
    const import_prep *p = c->prep;
    if (c->build(c->opts, p, &d, err, errlen)) goto done;
    if (p->zscore && session_zscore_per_day(&d, err, errlen)) goto done;
    if (d.timecourse) {
        if (session_area_windows(&d, err, errlen)) goto done;
        if (p->space_time && session_space_time_windows(&d, err, errlen)) goto done;
    }
    if (d.test_reps && session_average_repetitions(&d, err, errlen)) goto done;
    if (d.test_reps && d.n_reps >= 2 && d.n_test >= 3) {
        int known = 1;
        for (int e = 0; e < d.n_electrodes; e++) known &= !isnan(d.electrodes[e].reliability);
        if (!known && session_compute_reliability(&d, err, errlen)) goto done;
    }
    if (p->filter && session_filter_electrodes(&d, p->reliability_threshold, has_any_rf(&d), err, errlen)) goto done;
    rc = session_write_files(&d, c->tmp, err, errlen);
done:
    session_data_free(&d);
    return rc;
}

int import_run(import_build_fn build, const void *opts, const import_prep *p, const char *source, const char *out,
               const char *cmdline, char *err, size_t errlen)
{
    char tmp[4096];
    if (session_begin(out, tmp, sizeof tmp, err, errlen)) return -1;
    child_ctx c = {build, opts, p, source, cmdline, tmp};
    sandbox_limits lim = {IMPORT_ADDRESS_SPACE, IMPORT_CPU_SECONDS};
    if (sandbox_run(build_in_child, &c, &lim, err, errlen) || session_commit(tmp, out, err, errlen)) {
        session_abort(tmp);
        return -1;
    }
    return 0;
}

int import_stimuli_from_table(const char *images, const char *table, const import_prep *p, session_data *d,
                              char *err, size_t errlen)
{
    if (!images || !table) { snprintf(err, errlen, "stimuli need an image folder and an image table (split,index,file)"); return -1; }
    csv_table t;
    if (csv_read(table, &t, err, errlen)) return -1;
    int rc = -1;
    int cs = csv_column(&t, "split"), ci = csv_column(&t, "index"), cf = csv_column(&t, "file");
    int n[2] = {d->n_train, d->n_test};
    char **paths[2] = {calloc((size_t)n[0] + 1, sizeof(char *)), calloc((size_t)n[1] + 1, sizeof(char *))};
    if (cs < 0 || ci < 0 || cf < 0) { snprintf(err, errlen, "%s: needs columns split, index, file", table); goto done; }
    if (!paths[0] || !paths[1]) { snprintf(err, errlen, "out of memory"); goto done; }
    for (int r = 0; r < t.n_rows; r++) {
        const char *split = csv_cell(&t, r, cs);
        int k = !strcasecmp(split, "train") ? 0 : !strcasecmp(split, "test") ? 1 : -1;
        char *end;
        long idx = strtol(csv_cell(&t, r, ci), &end, 10);
        const char *file = csv_cell(&t, r, cf);
        if (k < 0 || *end || idx < 0 || idx >= n[k] || !file[0] || strstr(file, "..")) {
            snprintf(err, errlen, "%s: line %d: bad split '%s', index '%s' (train 0..%d, test 0..%d) or file '%s'", table,
                     r + 2, split, csv_cell(&t, r, ci), n[0] - 1, n[1] - 1, file);
            goto done;
        }
        if (paths[k][idx]) { snprintf(err, errlen, "%s: line %d: %s image %ld listed twice", table, r + 2, split, idx); goto done; }
        size_t len = strlen(images) + strlen(file) + 2;
        paths[k][idx] = malloc(len);
        if (!paths[k][idx]) { snprintf(err, errlen, "out of memory"); goto done; }
        snprintf(paths[k][idx], len, "%s/%s", images, file);
    }
    for (int k = 0; k < 2; k++)
        for (int i = 0; i < n[k]; i++)
            if (!paths[k][i]) { snprintf(err, errlen, "%s: no image for %s index %d", table, k ? "test" : "train", i); goto done; }
    size_t img = (size_t)3 * p->image_size * p->image_size;
    d->image_size = p->image_size;
    d->stim_train = malloc((size_t)n[0] * img * sizeof(float));
    d->stim_test = malloc((size_t)n[1] * img * sizeof(float));
    if (!d->stim_train || !d->stim_test) { snprintf(err, errlen, "out of memory"); goto done; }
    if (stimuli_load_files((const char *const *)paths[0], n[0], p->image_size, d->stim_train, err, errlen) ||
        stimuli_load_files((const char *const *)paths[1], n[1], p->image_size, d->stim_test, err, errlen))
        goto done;
    cJSON_AddStringToObject(d->provenance, "images", images);
    cJSON_AddStringToObject(d->provenance, "image_table", table);
    rc = 0;
done:
    for (int k = 0; k < 2; k++) {
        if (!paths[k]) continue;
        for (int i = 0; i < n[k]; i++) free(paths[k][i]);
        free(paths[k]);
    }
    csv_free(&t);
    return rc;
}

static float opt_num(const char *s, int *ok)
{
    if (!s || !s[0] || !strcasecmp(s, "nan")) return NAN;
    char *end;
    double v = strtod(s, &end);
    if (*end || !isfinite(v)) *ok = 0;
    return (float)v;
}

static int electrodes_from_json(const char *path, session_data *d, int require_area, char *err, size_t errlen)
{
    unsigned char *buf;
    size_t len;
    if (read_whole_file(path, 64u << 20, &buf, &len, err, errlen)) return -1;
    cJSON *root = cJSON_ParseWithLength((const char *)buf, len);
    free(buf);
    if (!root) { snprintf(err, errlen, "%s: not valid JSON", path); return -1; }
    cJSON *list = cJSON_IsArray(root) ? root : cJSON_GetObjectItemCaseSensitive(root, "electrodes");
    int rc = -1;
    if (!cJSON_IsArray(list) || cJSON_GetArraySize(list) != d->n_electrodes) {
        snprintf(err, errlen, "%s: needs a list of %d electrodes (responses have %d columns), found %d", path,
                 d->n_electrodes, d->n_electrodes, cJSON_IsArray(list) ? cJSON_GetArraySize(list) : 0);
        goto done;
    }
    for (int e = 0; e < d->n_electrodes; e++) {
        cJSON *o = cJSON_GetArrayItem(list, e);
        session_electrode *el = &d->electrodes[e];
        cJSON *arr = cJSON_GetObjectItemCaseSensitive(o, "array"), *area = cJSON_GetObjectItemCaseSensitive(o, "area");
        if (!cJSON_IsNumber(arr) || arr->valuedouble < 1 || arr->valuedouble > 1024) {
            snprintf(err, errlen, "%s: electrode %d: 'array' must be a number 1..1024", path, e);
            goto done;
        }
        el->array = (int)arr->valuedouble;
        el->area = cJSON_IsString(area) ? session_area_parse(area->valuestring) : AREA_UNKNOWN;
        if (require_area && el->area == AREA_UNKNOWN) { snprintf(err, errlen, "%s: electrode %d: 'area' must be V1, V4 or IT", path, e); goto done; }
        const char *keys[4] = {"rf_x", "rf_y", "rf_size", "reliability"};
        float *dst[4] = {&el->rf_x, &el->rf_y, &el->rf_size, &el->reliability};
        for (int k = 0; k < 4; k++) {
            cJSON *v = cJSON_GetObjectItemCaseSensitive(o, keys[k]);
            *dst[k] = cJSON_IsNumber(v) ? (float)v->valuedouble : NAN;
        }
    }
    rc = 0;
done:
    cJSON_Delete(root);
    return rc;
}

int import_electrode_table(const char *path, session_data *d, int require_area, char *err, size_t errlen)
{
    for (int e = 0; e < d->n_electrodes; e++) {
        session_electrode *el = &d->electrodes[e];
        el->source_index = e;
        el->rf_x = el->rf_y = el->rf_size = el->reliability = NAN;
        el->day = -1;
    }
    size_t n = strlen(path);
    if (n > 5 && !strcasecmp(path + n - 5, ".json")) return electrodes_from_json(path, d, require_area, err, errlen);
    csv_table t;
    if (csv_read(path, &t, err, errlen)) return -1;
    int rc = -1;
    int ci = csv_column(&t, "index"), ca = csv_column(&t, "array"), cr = csv_column(&t, "area");
    int cx = csv_column(&t, "rf_x"), cy = csv_column(&t, "rf_y"), cz = csv_column(&t, "rf_size"), cl = csv_column(&t, "reliability");
    if (ca < 0 || cr < 0) { snprintf(err, errlen, "%s: needs columns array and area", path); goto done; }
    if (t.n_rows != d->n_electrodes) {
        snprintf(err, errlen, "%s: %d electrodes, but the responses have %d columns", path, t.n_rows, d->n_electrodes);
        goto done;
    }
    for (int r = 0; r < t.n_rows; r++) {
        char *end;
        long idx = ci >= 0 ? strtol(csv_cell(&t, r, ci), &end, 10) : r;
        if (ci >= 0 && (*end || idx != r)) { snprintf(err, errlen, "%s: line %d: index must be %d (rows in column order)", path, r + 2, r); goto done; }
        session_electrode *el = &d->electrodes[r];
        el->array = (int)strtol(csv_cell(&t, r, ca), &end, 10);
        el->area = session_area_parse(csv_cell(&t, r, cr));
        int ok = !*end && el->array >= 1 && el->array <= 1024 && (!require_area || el->area != AREA_UNKNOWN);
        el->rf_x = cx >= 0 ? opt_num(csv_cell(&t, r, cx), &ok) : NAN;
        el->rf_y = cy >= 0 ? opt_num(csv_cell(&t, r, cy), &ok) : NAN;
        el->rf_size = cz >= 0 ? opt_num(csv_cell(&t, r, cz), &ok) : NAN;
        el->reliability = cl >= 0 ? opt_num(csv_cell(&t, r, cl), &ok) : NAN;
        if (!ok) { snprintf(err, errlen, "%s: line %d: bad array (1..1024), area (V1, V4, IT) or number", path, r + 2); goto done; }
    }
    rc = 0;
done:
    csv_free(&t);
    return rc;
}
