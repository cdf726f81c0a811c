/* NWB 2 (HDF5): an ElectricalSeries under /acquisition (data samples x channels, rate from
 * starting_time's 'rate' attribute or from timestamps, electrodes = rows of the electrodes table),
 * the electrodes table /general/extracellular_ephys/electrodes (location = area, group_name =
 * array), and the stimulus presentation table /intervals/trials (start_time, image_index). Images
 * shown more than once form the test split. Stimuli come from /stimulus/templates/<name>/data
 * (N x H x W x 3) or from a PNG folder in name order. */
#include <cjson/cJSON.h>
#include <ctype.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "formats/hdf5_read.h"
#include "session/fs_util.h"
#include "session/import_common.h"
#include "session/stimulus_folder.h"

#define MAX_ELEMS ((size_t)1 << 32)
#define ETABLE "/general/extracellular_ephys/electrodes"

static int find_series(int64_t f, const import_nwb_options *o, char *path, size_t n, char *err, size_t errlen)
{
    if (o->series) {
        snprintf(path, n, "/acquisition/%s", o->series);
        if (!h5r_exists(f, path)) { snprintf(err, errlen, "%s: missing ElectricalSeries '%s'", o->nwb, path); return -1; }
        return 0;
    }
    char **names;
    size_t cnt;
    if (h5r_group_members(f, "/acquisition", &names, &cnt)) { snprintf(err, errlen, "%s: missing group '/acquisition'", o->nwb); return -1; }
    int rc = -1;
    for (size_t i = 0; i < cnt && rc; i++) {
        char d[1024], e[1024];
        snprintf(d, sizeof d, "/acquisition/%.900s/data", names[i]);
        snprintf(e, sizeof e, "/acquisition/%.900s/electrodes", names[i]);
        if (h5r_exists(f, d) && h5r_exists(f, e)) { snprintf(path, n, "/acquisition/%.900s", names[i]); rc = 0; }
    }
    h5r_free_strings(names, cnt);
    if (rc) snprintf(err, errlen, "%s: no ElectricalSeries (with data and electrodes) under /acquisition", o->nwb);
    return rc;
}

/* Array number from a group name like "array7" or "Utah 12"; -1 when it has no number. */
static int array_number(const char *s)
{
    size_t n = strlen(s);
    while (n > 0 && isdigit((unsigned char)s[n - 1])) n--;
    return s[n] ? atoi(s + n) : -1;
}

static int read_electrodes(int64_t f, const char *fn, const char *series, session_data *d, int **rows, char *err, size_t errlen)
{
    char p[1100];
    h5_f32 idx = {0};
    char **loc = NULL, **grp = NULL;
    size_t nloc = 0, ngrp = 0;
    int rc = -1;
    snprintf(p, sizeof p, "%s/electrodes", series);
    if (h5r_read_f32(f, fn, p, 1 << 20, 0, &idx, err, errlen)) return -1;
    if (h5r_read_strings(f, fn, ETABLE "/location", &loc, &nloc, err, errlen) ||
        h5r_read_strings(f, fn, ETABLE "/group_name", &grp, &ngrp, err, errlen))
        goto done;
    if (nloc != ngrp) { snprintf(err, errlen, "%s: electrodes table columns location and group_name differ in length", fn); goto done; }
    if (idx.ndim != 1 || (int64_t)idx.numel != d->n_electrodes) {
        snprintf(err, errlen, "%s: shape mismatch: %s has %zu entries, the data has %d channels", fn, p, idx.numel, d->n_electrodes);
        goto done;
    }
    d->electrodes = calloc((size_t)d->n_electrodes, sizeof *d->electrodes);
    *rows = malloc(sizeof(int) * (size_t)d->n_electrodes);
    if (!d->electrodes || !*rows) { snprintf(err, errlen, "out of memory"); goto done; }
    for (int e = 0; e < d->n_electrodes; e++) {
        int r = (int)idx.data[e];
        if (r < 0 || (size_t)r >= nloc) { snprintf(err, errlen, "%s: %s[%d] = %d is not a row of the electrodes table", fn, p, e, r); goto done; }
        session_electrode *el = &d->electrodes[e];
        el->source_index = e;
        el->area = session_area_parse(loc[r]);
        if (el->area == AREA_UNKNOWN) { snprintf(err, errlen, "%s: electrode row %d: location '%s' is not V1, V4 or IT", fn, r, loc[r]); goto done; }
        el->array = array_number(grp[r]);
        if (el->array < 1 || el->array > 1024) { snprintf(err, errlen, "%s: electrode row %d: group_name '%s' does not end in an array number 1..1024", fn, r, grp[r]); goto done; }
        el->rf_x = el->rf_y = el->rf_size = el->reliability = NAN;
        el->day = -1;
    }
    rc = 0;
done:
    h5_f32_free(&idx);
    h5r_free_strings(loc, nloc);
    h5r_free_strings(grp, ngrp);
    return rc;
}

static int load_template_images(int64_t f, const char *fn, int n_images, const int *img_slot, const import_prep *p,
                                session_data *d, char *err, size_t errlen)
{
    char **names;
    size_t cnt;
    if (h5r_group_members(f, "/stimulus/templates", &names, &cnt) || cnt == 0) return 1;
    char path[1024];
    snprintf(path, sizeof path, "/stimulus/templates/%.900s/data", names[0]);
    h5r_free_strings(names, cnt);
    h5_f32 a = {0};
    if (h5r_read_f32(f, fn, path, MAX_ELEMS, 0, &a, err, errlen)) return -1;
    int rc = -1;
    if (a.ndim != 4 || a.dims[3] != 3 || a.dims[0] < n_images || a.dims[1] < 8 || a.dims[2] < 8) {
        snprintf(err, errlen, "%s: '%s' must be (images >= %d, height, width, 3)", fn, path, n_images);
        goto done;
    }
    float mx = 0;
    for (size_t i = 0; i < a.numel; i++) if (a.data[i] > mx) mx = a.data[i];
    float scale = mx > 1.0f ? 1.0f / 255.0f : 1.0f; /* uint8 images or floats in [0,1] */
    int H = (int)a.dims[1], W = (int)a.dims[2], side = H < W ? H : W, S = p->image_size;
    size_t plane = (size_t)side * side, img = (size_t)3 * S * S;
    float *crop = malloc(3 * plane * sizeof(float));
    if (!crop) goto done;
    for (int i = 0; i < n_images; i++) {
        if (img_slot[i] < 0) continue;
        for (int y = 0; y < side; y++)
            for (int x = 0; x < side; x++)
                for (int c = 0; c < 3; c++) {
                    float v = a.data[(((size_t)i * H + y + (H - side) / 2) * W + x + (W - side) / 2) * 3 + c] * scale;
                    crop[c * plane + (size_t)y * side + x] = v < 0 ? 0 : v > 1 ? 1 : v;
                }
        int s = img_slot[i];
        float *dst = s < d->n_train ? d->stim_train + (size_t)s * img : d->stim_test + (size_t)(s - d->n_train) * img;
        session_resize_image(crop, side, side, dst, S, S, SESSION_RESIZE_AREA);
    }
    free(crop);
    rc = 0;
done:
    h5_f32_free(&a);
    return rc;
}

static int build_nwb(const void *vopts, const import_prep *p, session_data *d, char *err, size_t errlen)
{
    const import_nwb_options *o = vopts;
    const char *fn = o->nwb;
    int64_t f = h5r_open(fn, err, errlen);
    if (f < 0) return -1;
    char series[1024], path[1100];
    h5_f32 data = {0}, ts = {0}, start = {0}, image = {0};
    int *rows = NULL, *count = NULL, *slot = NULL, *seen = NULL, rc = -1;
    if (find_series(f, o, series, sizeof series, err, errlen)) goto done;
    snprintf(path, sizeof path, "%s/data", series);
    if (h5r_read_f32(f, fn, path, MAX_ELEMS, 0, &data, err, errlen)) goto done;
    if (data.ndim != 2) { snprintf(err, errlen, "%s: shape mismatch: '%s' must be (samples, channels)", fn, path); goto done; }
    int64_t NS = data.dims[0], C = data.dims[1];
    d->n_electrodes = (int)C;
    if (read_electrodes(f, fn, series, d, &rows, err, errlen)) goto done;
    double rate = 0, t0 = 0;
    snprintf(path, sizeof path, "%s/starting_time", series);
    if (h5r_attr_f64(f, path, "rate", &rate) == 0) {
        h5_f32 st = {0};
        if (h5r_read_f32(f, fn, path, 1, 0, &st, err, errlen)) goto done;
        t0 = st.data[0];
        h5_f32_free(&st);
    } else {
        snprintf(path, sizeof path, "%s/timestamps", series);
        if (h5r_read_f32(f, fn, path, MAX_ELEMS, 0, &ts, err, errlen)) goto done;
        if (ts.numel != (size_t)NS || NS < 2) { snprintf(err, errlen, "%s: shape mismatch: %s has %zu entries for %lld samples", fn, path, ts.numel, (long long)NS); goto done; }
        t0 = ts.data[0];
        rate = (NS - 1) / (ts.data[NS - 1] - ts.data[0]);
    }
    if (!(rate >= 100 && rate <= 100000)) { snprintf(err, errlen, "%s: sampling rate %g Hz of %s is not usable (100 Hz..100 kHz)", fn, rate, series); goto done; }
    if (h5r_read_f32(f, fn, "/intervals/trials/start_time", MAX_ELEMS, 0, &start, err, errlen) ||
        h5r_read_f32(f, fn, "/intervals/trials/image_index", MAX_ELEMS, 0, &image, err, errlen))
        goto done;
    if (start.numel != image.numel || start.numel == 0) { snprintf(err, errlen, "%s: shape mismatch: /intervals/trials start_time and image_index differ in length", fn); goto done; }
    int T = (int)start.numel, n_images = 0;
    for (int t = 0; t < T; t++) {
        float v = image.data[t];
        if (v < 0 || v != floorf(v) || v > 10000000) { snprintf(err, errlen, "%s: /intervals/trials/image_index[%d] = %g is not an image number", fn, t, v); goto done; }
        if ((int)v + 1 > n_images) n_images = (int)v + 1;
    }
    count = calloc((size_t)n_images, sizeof *count);
    slot = malloc(sizeof *slot * (size_t)n_images);
    seen = calloc((size_t)n_images, sizeof *seen);
    if (!count || !slot || !seen) { snprintf(err, errlen, "out of memory"); goto done; }
    for (int t = 0; t < T; t++) count[(int)image.data[t]]++;
    int R = 0;
    for (int i = 0; i < n_images; i++) {
        if (count[i] > 1 && R && count[i] != R) { snprintf(err, errlen, "%s: test images are shown %d and %d times; repetitions must be equal", fn, R, count[i]); goto done; }
        if (count[i] > 1) R = count[i];
    }
    for (int i = 0; i < n_images; i++) {
        slot[i] = -1;
        if (count[i] == 1) slot[i] = d->n_train++;
    }
    for (int i = 0; i < n_images; i++)
        if (count[i] > 1) slot[i] = d->n_train + d->n_test++;
    if (d->n_train < 1 || d->n_test < 1) { snprintf(err, errlen, "%s: needs images shown once (train) and images shown repeatedly (test); found %d and %d", fn, d->n_train, d->n_test); goto done; }
    d->n_reps = R;
    d->test_reps = calloc((size_t)d->n_test * R * C, sizeof(float));
    d->train = calloc((size_t)d->n_train * C, sizeof(float));
    d->timecourse = calloc((size_t)C * session_data_n_trials(d) * 300, sizeof(float));
    if (!d->test_reps || !d->train || !d->timecourse) { snprintf(err, errlen, "out of memory"); goto done; }
    d->n_samples = 300;
    d->onset = 100;
    int Tn = session_data_n_trials(d);
    for (int t = 0; t < T; t++) {
        int img = (int)image.data[t], s = slot[img];
        int trial = s < d->n_train ? s : d->n_train + (s - d->n_train) * R + seen[img];
        seen[img]++;
        double onset = (start.data[t] - t0) * rate;
        for (int k = 0; k < 300; k++) {
            int64_t si = (int64_t)llround(onset + (k - 100) * rate / 1000.0);
            if (si < 0 || si >= NS) { snprintf(err, errlen, "%s: trial %d (start %.3f s) needs samples -100..199 ms outside the recording", fn, t, start.data[t]); goto done; }
            for (int64_t c = 0; c < C; c++) d->timecourse[((size_t)c * Tn + trial) * 300 + k] = data.data[si * C + c];
        }
    }
    size_t img = (size_t)3 * p->image_size * p->image_size;
    d->image_size = p->image_size;
    d->stim_train = malloc((size_t)d->n_train * img * sizeof(float));
    d->stim_test = malloc((size_t)d->n_test * img * sizeof(float));
    if (!d->stim_train || !d->stim_test) { snprintf(err, errlen, "out of memory"); goto done; }
    int ti = load_template_images(f, fn, n_images, slot, p, d, err, errlen);
    if (ti < 0) goto done;
    if (ti > 0) {
        if (!o->images) { snprintf(err, errlen, "%s: no /stimulus/templates images; give --images DIR", fn); goto done; }
        char **paths;
        size_t np;
        if (stimuli_list_folder(o->images, &paths, &np, err, errlen)) goto done;
        if (np < (size_t)n_images) { snprintf(err, errlen, "%s: %zu PNG or JPEG images, the trials use %d", o->images, np, n_images); fs_free_names(paths, np); goto done; }
        int bad = 0;
        for (int i = 0; i < n_images && !bad; i++) {
            if (slot[i] < 0) continue;
            float *dst = slot[i] < d->n_train ? d->stim_train + (size_t)slot[i] * img : d->stim_test + (size_t)(slot[i] - d->n_train) * img;
            bad = stimuli_load_files((const char *const *)paths + i, 1, p->image_size, dst, err, errlen);
        }
        fs_free_names(paths, np);
        if (bad) goto done;
    }
    cJSON_AddStringToObject(d->provenance, "nwb", fn);
    cJSON_AddStringToObject(d->provenance, "series", series);
    cJSON_AddNumberToObject(d->provenance, "rate_hz", rate);
    rc = 0;
done:
    free(rows); free(count); free(slot); free(seen);
    h5_f32_free(&data); h5_f32_free(&ts); h5_f32_free(&start); h5_f32_free(&image);
    h5r_close(f);
    return rc;
}

int import_nwb(const import_nwb_options *o, const import_prep *p, const char *out, const char *cmdline, char *err, size_t errlen)
{
    if (!o->nwb) { snprintf(err, errlen, "an NWB file is required (--nwb FILE)"); return -1; }
    return import_run(build_nwb, o, p, "nwb", out, cmdline, err, errlen);
}
