#include "session/session_data.h"

#include <cjson/cJSON.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void session_data_init(session_data *d, const char *source)
{
    memset(d, 0, sizeof *d);
    snprintf(d->source, sizeof d->source, "%s", source);
    d->provenance = cJSON_CreateObject();
    d->steps = cJSON_CreateArray();
}

void session_data_free(session_data *d)
{
    cJSON_Delete(d->provenance);
    cJSON_Delete(d->steps);
    free(d->electrodes);
    free(d->train);
    free(d->test);
    free(d->test_reps);
    free(d->train_day);
    free(d->test_rep_day);
    free(d->timecourse);
    free(d->train_st);
    free(d->test_st);
    free(d->stim_train);
    free(d->stim_test);
    memset(d, 0, sizeof *d);
}

int session_data_n_trials(const session_data *d)
{
    return d->n_train + d->n_test * (d->n_reps > 0 ? d->n_reps : 1);
}

static int all_finite(const float *v, size_t n, size_t *bad)
{
    for (size_t i = 0; i < n; i++)
        if (!isfinite(v[i])) { *bad = i; return 0; }
    return 1;
}

int session_data_validate(const session_data *d, char *err, size_t errlen)
{
    size_t E = (size_t)d->n_electrodes, bad;
    if (d->n_electrodes <= 0) { snprintf(err, errlen, "session has no electrodes"); return -1; }
    if (d->n_train <= 0 || !d->train) { snprintf(err, errlen, "session has no training trials"); return -1; }
    if (d->n_test <= 0 || !d->test) { snprintf(err, errlen, "session has no test responses"); return -1; }
    if (!all_finite(d->train, (size_t)d->n_train * E, &bad)) {
        snprintf(err, errlen, "train response %zu (trial %zu, electrode %zu) is not finite", bad, bad / E, bad % E);
        return -1;
    }
    if (!all_finite(d->test, (size_t)d->n_test * E, &bad)) {
        snprintf(err, errlen, "test response (image %zu, electrode %zu) is not finite", bad / E, bad % E);
        return -1;
    }
    if (d->test_reps && !all_finite(d->test_reps, (size_t)d->n_test * (size_t)d->n_reps * E, &bad)) {
        snprintf(err, errlen, "test repetition response %zu is not finite", bad);
        return -1;
    }
    if (d->image_size < 8 || d->image_size > 1024 || !d->stim_train || !d->stim_test) {
        snprintf(err, errlen, "session needs train and test stimuli of 8..1024 pixels (got %d)", d->image_size);
        return -1;
    }
    for (int e = 0; e < d->n_electrodes; e++) {
        const session_electrode *el = &d->electrodes[e];
        if (el->array < 1 || el->array > 1024) { snprintf(err, errlen, "electrode %d has array number %d", e, el->array); return -1; }
        if (el->area == AREA_UNKNOWN) { snprintf(err, errlen, "electrode %d has no area (V1, V4 or IT)", e); return -1; }
    }
    return 0;
}
