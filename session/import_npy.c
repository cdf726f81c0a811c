/* NPY/NPZ arrays + a folder of PNG stimuli + an image table + an electrode table. */
#include <cjson/cJSON.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "formats/npy.h"
#include "formats/npz.h"
#include "session/import_common.h"

/* Loads an array from the .npz (member `name`) or a .npy path. Returns 1 when absent. */
static int load_array(const import_npy_options *o, const char *name, const char *npy_path, npy_array *a, char *err, size_t errlen)
{
    memset(a, 0, sizeof *a);
    if (o->npz) return npz_load_f32(o->npz, name, a, err, errlen);
    if (!npy_path) return 1;
    return npy_load_f32(npy_path, a, 0, err, errlen) ? -1 : 0;
}

static const char *label(const import_npy_options *o, const char *name, const char *path, char *buf, size_t n)
{
    if (o->npz) snprintf(buf, n, "%s[%s]", o->npz, name);
    else snprintf(buf, n, "%s", path ? path : name);
    return buf;
}

static int load_days(const char *npz, const char *name, int n, int **out, char *err, size_t errlen)
{
    npy_array a;
    int rc = npz ? npz_load_f32(npz, name, &a, err, errlen) : 1;
    if (rc) return rc < 0 ? -1 : 0;
    if (a.ndim != 1 || a.shape[0] != n) {
        snprintf(err, errlen, "%s[%s]: shape must be (%d,), one recording day per trial", npz, name, n);
        npy_free(&a);
        return -1;
    }
    *out = malloc(sizeof(int) * (size_t)n + 1);
    for (int i = 0; i < n; i++) {
        float v = ((float *)a.data)[i];
        if (v < 0 || v > 100000 || v != floorf(v)) {
            snprintf(err, errlen, "%s[%s]: day %g of trial %d is not a whole number in 0..100000", npz, name, v, i);
            npy_free(&a);
            return -1;
        }
        (*out)[i] = (int)v;
    }
    npy_free(&a);
    return 0;
}

static int build_npy(const void *vopts, const import_prep *p, session_data *d, char *err, size_t errlen)
{
    const import_npy_options *o = vopts;
    npy_array tr, te, reps;
    char l1[512], l2[512];
    int rc = -1;
    memset(&te, 0, sizeof te);
    memset(&reps, 0, sizeof reps);
    int r = load_array(o, "train", o->train, &tr, err, errlen);
    if (r) { if (r > 0) snprintf(err, errlen, "no training responses: give --npz with a 'train' array or --train FILE.npy"); return -1; }
    if (tr.ndim != 2 || tr.shape[0] < 1 || tr.shape[1] < 1) {
        snprintf(err, errlen, "%s: shape mismatch: training responses must be 2-D (images x electrodes)", label(o, "train", o->train, l1, sizeof l1));
        goto done;
    }
    int64_t E = tr.shape[1];
    int rt = load_array(o, "test", o->test, &te, err, errlen);
    if (rt < 0) goto done;
    int rr = load_array(o, "test_reps", o->test_reps, &reps, err, errlen);
    if (rr < 0) goto done;
    if (rt > 0 && rr > 0) { snprintf(err, errlen, "no test responses: give 'test' (images x electrodes) or 'test_reps' (images x repetitions x electrodes)"); goto done; }
    if (rt == 0 && (te.ndim != 2 || te.shape[1] != E)) {
        snprintf(err, errlen, "%s: shape mismatch: test responses must be (images, %lld electrodes) like the training responses",
                 label(o, "test", o->test, l1, sizeof l1), (long long)E);
        goto done;
    }
    if (rr == 0 && (reps.ndim != 3 || reps.shape[2] != E || reps.shape[1] < 1)) {
        snprintf(err, errlen, "%s: shape mismatch: repetitions must be (images, repetitions, %lld electrodes)",
                 label(o, "test_reps", o->test_reps, l2, sizeof l2), (long long)E);
        goto done;
    }
    if (rt == 0 && rr == 0 && te.shape[0] != reps.shape[0]) {
        snprintf(err, errlen, "%s: shape mismatch: %lld test images, but the repetitions have %lld",
                 label(o, "test", o->test, l1, sizeof l1), (long long)te.shape[0], (long long)reps.shape[0]);
        goto done;
    }
    d->n_electrodes = (int)E;
    d->n_train = (int)tr.shape[0];
    d->train = tr.data;
    tr.data = NULL;
    if (rr == 0) {
        d->n_test = (int)reps.shape[0];
        d->n_reps = (int)reps.shape[1];
        d->test_reps = reps.data;
        reps.data = NULL;
    } else {
        d->n_test = (int)te.shape[0];
        d->test = te.data;
        te.data = NULL;
    }
    if (o->npz && (load_days(o->npz, "train_day", d->n_train, &d->train_day, err, errlen) ||
                   load_days(o->npz, "test_day", d->n_test * (d->n_reps ? d->n_reps : 1), &d->test_rep_day, err, errlen)))
        goto done;
    if (p->zscore && (!d->train_day || !d->test_rep_day)) {
        snprintf(err, errlen, "--zscore needs recording days: arrays 'train_day' and 'test_day' in the .npz");
        goto done;
    }
    d->electrodes = calloc((size_t)E, sizeof *d->electrodes);
    if (!d->electrodes) { snprintf(err, errlen, "out of memory"); goto done; }
    if (!o->electrodes) { snprintf(err, errlen, "an electrode table is required (--electrodes FILE.csv|.json with array and area)"); goto done; }
    if (import_electrode_table(o->electrodes, d, 1, err, errlen)) goto done;
    if (import_stimuli_from_table(o->images, o->image_table, p, d, err, errlen)) goto done;
    cJSON_AddStringToObject(d->provenance, "responses", o->npz ? o->npz : o->train);
    cJSON_AddStringToObject(d->provenance, "electrodes", o->electrodes);
    rc = 0;
done:
    npy_free(&tr);
    npy_free(&te);
    npy_free(&reps);
    return rc;
}

int import_npy(const import_npy_options *o, const import_prep *p, const char *out, const char *cmdline, char *err, size_t errlen)
{
    if (o->npz && (o->train || o->test || o->test_reps)) {
        snprintf(err, errlen, "give either --npz or --train/--test/--test-reps, not both");
        return -1;
    }
    return import_run(build_npy, o, p, "npy", out, cmdline, err, errlen);
}
