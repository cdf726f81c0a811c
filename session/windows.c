/* From the 1 ms time course to the responses the decoders read: one mean per area window, or
 * 5 space-time windows of 27 samples per electrode. */
#include <cjson/cJSON.h>
#include <stdio.h>
#include <stdlib.h>

#include "session/session_data.h"

static int check_timecourse(const session_data *d, char *err, size_t errlen)
{
    if (!d->timecourse || d->n_samples <= 0) { snprintf(err, errlen, "session has no time-resolved responses"); return -1; }
    int need = d->onset + 66 + 134; /* IT window end */
    if (d->onset < 0 || d->n_samples < need) {
        snprintf(err, errlen, "time course has %d samples with onset at %d; area windows need %d", d->n_samples,
                 d->onset, need);
        return -1;
    }
    return 0;
}

/* Mean of samples [a,b) of trial t of electrode e. */
static float window_mean(const session_data *d, int e, int t, int a, int b)
{
    size_t T = (size_t)session_data_n_trials(d);
    const float *p = d->timecourse + ((size_t)e * T + (size_t)t) * (size_t)d->n_samples;
    double s = 0;
    for (int i = a; i < b; i++) s += p[i];
    return (float)(s / (b - a));
}

int session_area_windows(session_data *d, char *err, size_t errlen)
{
    if (check_timecourse(d, err, errlen)) return -1;
    size_t E = (size_t)d->n_electrodes, R = (size_t)(d->n_reps > 0 ? d->n_reps : 1);
    float *train = malloc((size_t)d->n_train * E * sizeof *train + 1);
    float *test = malloc((size_t)d->n_test * R * E * sizeof *test + 1);
    if (!train || !test) { free(train); free(test); snprintf(err, errlen, "out of memory"); return -1; }
    for (size_t e = 0; e < E; e++) {
        int a, b;
        session_area_window(d->electrodes[e].area, d->onset, &a, &b);
        for (int t = 0; t < d->n_train; t++) train[(size_t)t * E + e] = window_mean(d, (int)e, t, a, b);
        for (size_t t = 0; t < (size_t)d->n_test * R; t++) test[t * E + e] = window_mean(d, (int)e, d->n_train + (int)t, a, b);
    }
    free(d->train);
    d->train = train;
    if (d->n_reps > 0) { free(d->test_reps); d->test_reps = test; }
    else { free(d->test); d->test = test; }
    cJSON *s = cJSON_CreateObject();
    cJSON_AddStringToObject(s, "step", "area_windows");
    cJSON_AddStringToObject(s, "windows_ms_after_onset", "V1 0-133, V4 33-166, IT 66-199");
    cJSON_AddItemToArray(d->steps, s);
    return 0;
}

int session_space_time_windows(session_data *d, char *err, size_t errlen)
{
    if (check_timecourse(d, err, errlen)) return -1;
    size_t E = (size_t)d->n_electrodes, R = (size_t)(d->n_reps > 0 ? d->n_reps : 1), W = SESSION_ST_WINDOWS;
    float *train = malloc((size_t)d->n_train * E * W * sizeof *train + 1);
    float *test = calloc((size_t)d->n_test * E * W + 1, sizeof *test);
    if (!train || !test) { free(train); free(test); snprintf(err, errlen, "out of memory"); return -1; }
    for (size_t e = 0; e < E; e++) {
        int a, b;
        session_area_window(d->electrodes[e].area, d->onset, &a, &b);
        for (size_t w = 0; w < W; w++) {
            int s0 = a + (int)w * SESSION_ST_WINDOW_STEP, s1 = s0 + SESSION_ST_WINDOW_LEN;
            for (int t = 0; t < d->n_train; t++) train[((size_t)t * E + e) * W + w] = window_mean(d, (int)e, t, s0, s1);
            /* test repetitions are averaged, as for the area responses */
            for (size_t i = 0; i < (size_t)d->n_test; i++)
                for (size_t r = 0; r < R; r++)
                    test[(i * E + e) * W + w] += window_mean(d, (int)e, d->n_train + (int)(i * R + r), s0, s1) / (float)R;
        }
    }
    free(d->train_st);
    free(d->test_st);
    d->train_st = train;
    d->test_st = test;
    cJSON *s = cJSON_CreateObject();
    cJSON_AddStringToObject(s, "step", "space_time_windows");
    cJSON_AddNumberToObject(s, "windows", (double)W);
    cJSON_AddNumberToObject(s, "samples", SESSION_ST_WINDOW_LEN);
    cJSON_AddNumberToObject(s, "step_samples", SESSION_ST_WINDOW_STEP);
    cJSON_AddItemToArray(d->steps, s);
    return 0;
}
