/* TVSD (THINGS Ventral Stream Spiking Dataset): THINGS_normMUA.mat and optionally
 * THINGS_MUA_trials.mat, both MATLAB v7.3 (HDF5). MATLAB's dimensions appear reversed in HDF5:
 * train_MUA [E, N] reads as (N, E), test_MUA_reps [E, N, R] as (R, N, E), reliab [E, P] as (P, E),
 * ALLMUA [E, T, 300] as (300, T, E). */
#include <cjson/cJSON.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "formats/csv.h"
#include "formats/hdf5_read.h"
#include "formats/npy.h"
#include "session/import_common.h"
#include "session/sim_model.h"

#define MAX_ELEMS ((size_t)1 << 32)

static int shape_error(const char *file, const char *name, const h5_f32 *a, const char *want, char *err, size_t errlen)
{
    char got[128] = "";
    size_t n = 0;
    for (int i = 0; i < a->ndim; i++) n += (size_t)snprintf(got + n, sizeof got - n, "%s%lld", i ? "," : "", (long long)a->dims[i]);
    snprintf(err, errlen, "%s: shape mismatch: dataset '%s' is (%s) in HDF5 order, expected %s", file, name, got, want);
    return -1;
}

static int read_rf_table(const char *path, session_data *d, char *err, size_t errlen)
{
    csv_table t;
    if (csv_read(path, &t, err, errlen)) return -1;
    int ci = csv_column(&t, "index"), cx = csv_column(&t, "rf_x"), cy = csv_column(&t, "rf_y"), cz = csv_column(&t, "rf_size");
    int rc = -1;
    if (ci < 0 || cx < 0 || cy < 0) { snprintf(err, errlen, "%s: needs columns index, rf_x, rf_y [, rf_size]", path); goto done; }
    for (int r = 0; r < t.n_rows; r++) {
        char *e1, *e2, *e3;
        long i = strtol(csv_cell(&t, r, ci), &e1, 10);
        double x = strtod(csv_cell(&t, r, cx), &e2), y = strtod(csv_cell(&t, r, cy), &e3);
        if (*e1 || i < 0 || i >= d->n_electrodes || *e2 || *e3 || !isfinite(x) || !isfinite(y)) {
            snprintf(err, errlen, "%s: line %d: bad index (0..%d) or RF position", path, r + 2, d->n_electrodes - 1);
            goto done;
        }
        d->electrodes[i].rf_x = (float)x;
        d->electrodes[i].rf_y = (float)y;
        d->electrodes[i].rf_size = cz >= 0 ? (float)strtod(csv_cell(&t, r, cz), &e1) : NAN;
    }
    rc = 0;
done:
    csv_free(&t);
    return rc;
}

/* ALLMUA + ALLMAT -> time course (train trials by train index, then test image x repetition) and
 * recording days. */
static int read_trials(const import_tvsd_options *o, session_data *d, char *err, size_t errlen)
{
    int64_t f = h5r_open(o->trials, err, errlen);
    if (f < 0) return -1;
    h5_f32 mua = {0}, mat = {0};
    npy_array map = {0};
    int *slot = NULL, rc = -1;
    if (h5r_read_f32(f, o->trials, "/ALLMUA", MAX_ELEMS, 0, &mua, err, errlen) ||
        h5r_read_f32(f, o->trials, "/ALLMAT", 1 << 26, 0, &mat, err, errlen))
        goto done;
    if (mua.ndim != 3 || mua.dims[0] < 300 - 100 || mua.dims[2] != d->n_electrodes) {
        shape_error(o->trials, "ALLMUA", &mua, "(samples >= 200, trials, electrodes as in normMUA)", err, errlen);
        goto done;
    }
    int64_t S = mua.dims[0], T = mua.dims[1], E = mua.dims[2];
    int cols_first = mat.ndim == 2 && mat.dims[0] == 6 && mat.dims[1] == T;
    if (mat.ndim != 2 || !(cols_first || (mat.dims[0] == T && mat.dims[1] == 6))) {
        shape_error(o->trials, "ALLMAT", &mat, "(trials, 6) or (6, trials)", err, errlen);
        goto done;
    }
    if (o->channel_map) {
        if (npy_load_f32(o->channel_map, &map, 0, err, errlen)) goto done;
        if (map.ndim != 1 || map.shape[0] != E) { snprintf(err, errlen, "%s: shape mismatch: needs %lld channel numbers", o->channel_map, (long long)E); goto done; }
        for (int64_t c = 0; c < E; c++) {
            float v = ((float *)map.data)[c];
            if (v < 1 || v > E || v != floorf(v)) { snprintf(err, errlen, "%s: entry %lld is %g, not a channel 1..%lld", o->channel_map, (long long)c, v, (long long)E); goto done; }
        }
    }
    int R = d->n_reps > 0 ? d->n_reps : 1, Tn = session_data_n_trials(d);
    slot = malloc(sizeof(int) * (size_t)T);
    d->test_rep_day = calloc((size_t)d->n_test * R, sizeof(int));
    d->train_day = calloc((size_t)d->n_train, sizeof(int));
    d->timecourse = calloc((size_t)E * Tn * 300, sizeof(float));
    int *filled = calloc((size_t)Tn, sizeof(int));
    if (!slot || !d->test_rep_day || !d->train_day || !d->timecourse || !filled) { free(filled); snprintf(err, errlen, "out of memory"); goto done; }
    for (int64_t t = 0; t < T; t++) {
        float row[6];
        for (int k = 0; k < 6; k++) row[k] = cols_first ? mat.data[k * T + t] : mat.data[t * 6 + k];
        int tr = (int)row[1], te = (int)row[2], rep = (int)row[3], day = (int)row[5];
        int s = -1;
        if (tr > 0 && tr <= d->n_train) s = tr - 1;
        else if (te > 0 && te <= d->n_test && rep >= 1 && rep <= R) s = d->n_train + (te - 1) * R + rep - 1;
        if (s < 0 || day < 0 || filled[s]++) {
            snprintf(err, errlen, "%s: ALLMAT row %lld (train %d, test %d, rep %d, day %d) does not match normMUA (%d train, %d test x %d reps) or repeats a trial",
                     o->trials, (long long)t + 1, tr, te, rep, day, d->n_train, d->n_test, R);
            free(filled);
            goto done;
        }
        slot[t] = s;
        if (s < d->n_train) d->train_day[s] = day; else d->test_rep_day[s - d->n_train] = day;
    }
    for (int s = 0; s < Tn; s++)
        if (!filled[s]) { snprintf(err, errlen, "%s: ALLMAT has no trial for %s %d", o->trials, s < d->n_train ? "training image" : "test trial", s); free(filled); goto done; }
    free(filled);
    int64_t keep = S < 300 ? S : 300;
    for (int64_t t = 0; t < T; t++)
        for (int64_t c = 0; c < E; c++) {
            int64_t e = o->channel_map ? (int64_t)((float *)map.data)[c] - 1 : c;
            float *dst = d->timecourse + ((size_t)e * Tn + slot[t]) * 300;
            for (int64_t s = 0; s < keep; s++) dst[s] = mua.data[((size_t)s * T + t) * E + c];
        }
    d->n_samples = 300;
    d->onset = 100;
    cJSON_AddStringToObject(d->provenance, "trials", o->trials);
    rc = 0;
done:
    free(slot);
    npy_free(&map);
    h5_f32_free(&mua);
    h5_f32_free(&mat);
    h5r_close(f);
    return rc;
}

static int build_tvsd(const void *vopts, const import_prep *p, session_data *d, char *err, size_t errlen)
{
    const import_tvsd_options *o = vopts;
    const char *fn = o->normmua;
    int64_t f = h5r_open(fn, err, errlen);
    if (f < 0) return -1;
    h5_f32 tr = {0}, te = {0}, reps = {0}, rel = {0};
    int rc = -1;
    if (h5r_read_f32(f, fn, "/train_MUA", MAX_ELEMS, 0, &tr, err, errlen) ||
        h5r_read_f32(f, fn, "/test_MUA", MAX_ELEMS, 0, &te, err, errlen))
        goto done;
    if (tr.ndim != 2) { shape_error(fn, "train_MUA", &tr, "(images, electrodes)", err, errlen); goto done; }
    int64_t E = tr.dims[1];
    if (E % 16) { snprintf(err, errlen, "%s: train_MUA has %lld electrodes, not 16 arrays' worth", fn, (long long)E); goto done; }
    if (te.ndim != 2 || te.dims[1] != E) { shape_error(fn, "test_MUA", &te, "(test images, electrodes as train_MUA)", err, errlen); goto done; }
    if (h5r_exists(f, "/test_MUA_reps")) {
        if (h5r_read_f32(f, fn, "/test_MUA_reps", MAX_ELEMS, 0, &reps, err, errlen)) goto done;
        if (reps.ndim != 3 || reps.dims[1] != te.dims[0] || reps.dims[2] != E) {
            shape_error(fn, "test_MUA_reps", &reps, "(repetitions, test images, electrodes)", err, errlen);
            goto done;
        }
    }
    d->n_electrodes = (int)E;
    d->n_train = (int)tr.dims[0];
    d->n_test = (int)te.dims[0];
    d->train = tr.data;
    tr.data = NULL;
    d->test = te.data;
    te.data = NULL;
    if (reps.data) {
        /* (R, N, E) -> (N, R, E) */
        int64_t R = reps.dims[0], N = reps.dims[1];
        d->n_reps = (int)R;
        d->test_reps = malloc(reps.numel * sizeof(float) + 1);
        if (!d->test_reps) { snprintf(err, errlen, "out of memory"); goto done; }
        for (int64_t r = 0; r < R; r++)
            for (int64_t i = 0; i < N; i++)
                memcpy(d->test_reps + ((size_t)i * R + r) * E, reps.data + ((size_t)r * N + i) * E, sizeof(float) * (size_t)E);
    }
    d->electrodes = calloc((size_t)E, sizeof *d->electrodes);
    if (!d->electrodes) { snprintf(err, errlen, "out of memory"); goto done; }
    for (int64_t e = 0; e < E; e++) {
        session_electrode *el = &d->electrodes[e];
        el->source_index = (int)e;
        el->array = (int)(e / (E / 16)) + 1;
        el->area = sim_array_area(o->monkey, el->array);
        el->rf_x = el->rf_y = el->rf_size = el->reliability = NAN;
        el->day = -1;
    }
    if (h5r_exists(f, "/reliab")) {
        if (h5r_read_f32(f, fn, "/reliab", MAX_ELEMS, 1, &rel, err, errlen)) goto done;
        int64_t P = rel.ndim == 2 ? rel.dims[0] : 1;
        if (!((rel.ndim == 2 && rel.dims[1] == E) || (rel.ndim == 1 && rel.dims[0] == E))) {
            shape_error(fn, "reliab", &rel, "(pairs, electrodes)", err, errlen);
            goto done;
        }
        for (int64_t e = 0; e < E; e++) {
            double s = 0;
            int n = 0;
            for (int64_t k = 0; k < P; k++) {
                float v = rel.data[k * E + e];
                if (isfinite(v)) { s += v; n++; }
            }
            d->electrodes[e].reliability = n ? (float)(s / n) : NAN;
        }
        cJSON_AddStringToObject(d->provenance, "reliability", "mean of the dataset's reliab over pairs");
    }
    h5r_close(f);
    f = -1;
    if (o->electrodes && read_rf_table(o->electrodes, d, err, errlen)) goto done;
    if (o->trials && read_trials(o, d, err, errlen)) goto done;
    if (p->zscore && !o->trials) { snprintf(err, errlen, "--zscore needs recording days: give --trials THINGS_MUA_trials.mat (normMUA is already normalised)"); goto done; }
    snprintf(d->monkey, sizeof d->monkey, "%c", o->monkey);
    cJSON_AddStringToObject(d->provenance, "normMUA", fn);
    if (import_stimuli_from_table(o->images, o->image_table, p, d, err, errlen)) goto done;
    rc = 0;
done:
    h5r_close(f);
    h5_f32_free(&tr);
    h5_f32_free(&te);
    h5_f32_free(&reps);
    h5_f32_free(&rel);
    return rc;
}

int import_tvsd(const import_tvsd_options *o, const import_prep *p, const char *out, const char *cmdline, char *err, size_t errlen)
{
    if (!o->normmua) { snprintf(err, errlen, "--normmua THINGS_normMUA.mat is required"); return -1; }
    if (o->monkey != 'N' && o->monkey != 'F') { snprintf(err, errlen, "--monkey must be N or F"); return -1; }
    return import_run(build_tvsd, o, p, "tvsd", out, cmdline, err, errlen);
}
