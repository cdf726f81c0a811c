/* Preprocessing as the decoders expect it (science.md section 1). Each step records itself in
 * d->steps so that the manifest says exactly what was done to the numbers on disk. */
#include <cjson/cJSON.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "session/session_data.h"

static int trial_day(const session_data *d, int trial)
{
    if (trial < d->n_train) return d->train_day ? d->train_day[trial] : 0;
    return d->test_rep_day ? d->test_rep_day[trial - d->n_train] : 0;
}

/* Pointer to the scalar responses of a trial (train trial, or test image/repetition). */
static float *trial_row(session_data *d, int trial)
{
    size_t E = (size_t)d->n_electrodes;
    if (trial < d->n_train) return d->train + (size_t)trial * E;
    size_t t = (size_t)(trial - d->n_train);
    return d->test_reps ? d->test_reps + t * E : d->test + t * E;
}

static int max_day(const session_data *d)
{
    int m = 0, n = session_data_n_trials(d);
    for (int t = 0; t < n; t++) if (trial_day(d, t) > m) m = trial_day(d, t);
    return m;
}

static void zscore_timecourse(session_data *d, int n_days, double *sum, double *sq, double *cnt)
{
    int T = session_data_n_trials(d), S = d->n_samples;
    for (int e = 0; e < d->n_electrodes; e++) {
        int a, b;
        session_area_window(d->electrodes[e].area, d->onset, &a, &b);
        if (b > S) b = S;
        memset(sum, 0, sizeof(double) * (size_t)n_days);
        memset(sq, 0, sizeof(double) * (size_t)n_days);
        memset(cnt, 0, sizeof(double) * (size_t)n_days);
        float *tc = d->timecourse + (size_t)e * (size_t)T * (size_t)S;
        for (int t = 0; t < T; t++) {
            int day = trial_day(d, t);
            for (int s = a; s < b; s++) { double v = tc[(size_t)t * S + s]; sum[day] += v; sq[day] += v * v; cnt[day]++; }
        }
        for (int t = 0; t < T; t++) {
            int day = trial_day(d, t);
            double m = sum[day] / cnt[day], var = sq[day] / cnt[day] - m * m;
            double sd = var > 1e-12 ? sqrt(var) : 1.0;
            for (int s = 0; s < S; s++) tc[(size_t)t * S + s] = (float)((tc[(size_t)t * S + s] - m) / sd);
        }
    }
}

int session_zscore_per_day(session_data *d, char *err, size_t errlen)
{
    int T = session_data_n_trials(d);
    for (int t = 0; t < T; t++)
        if (trial_day(d, t) < 0 || trial_day(d, t) > 100000) {
            snprintf(err, errlen, "trial %d has recording day %d", t, trial_day(d, t));
            return -1;
        }
    int n_days = max_day(d) + 1;
    double *sum = calloc((size_t)n_days, sizeof *sum), *sq = calloc((size_t)n_days, sizeof *sq),
           *cnt = calloc((size_t)n_days, sizeof *cnt);
    if (!sum || !sq || !cnt) { free(sum); free(sq); free(cnt); snprintf(err, errlen, "out of memory"); return -1; }
    if (d->timecourse) {
        zscore_timecourse(d, n_days, sum, sq, cnt);
    } else {
        for (int e = 0; e < d->n_electrodes; e++) {
            memset(sum, 0, sizeof(double) * (size_t)n_days);
            memset(sq, 0, sizeof(double) * (size_t)n_days);
            memset(cnt, 0, sizeof(double) * (size_t)n_days);
            for (int t = 0; t < T; t++) {
                double v = trial_row(d, t)[e];
                int day = trial_day(d, t);
                sum[day] += v; sq[day] += v * v; cnt[day]++;
            }
            for (int t = 0; t < T; t++) {
                int day = trial_day(d, t);
                double m = sum[day] / cnt[day], var = sq[day] / cnt[day] - m * m;
                double sd = var > 1e-12 ? sqrt(var) : 1.0;
                float *row = trial_row(d, t);
                row[e] = (float)((row[e] - m) / sd);
            }
        }
    }
    free(sum); free(sq); free(cnt);
    cJSON *s = cJSON_CreateObject();
    cJSON_AddStringToObject(s, "step", "zscore_per_day");
    cJSON_AddNumberToObject(s, "days", n_days);
    cJSON_AddStringToObject(s, "applied_to", d->timecourse ? "timecourse (stats over each area window)" : "responses");
    cJSON_AddItemToArray(d->steps, s);
    return 0;
}

int session_average_repetitions(session_data *d, char *err, size_t errlen)
{
    if (!d->test_reps || d->n_reps < 1) { snprintf(err, errlen, "no test repetitions to average"); return -1; }
    size_t E = (size_t)d->n_electrodes, R = (size_t)d->n_reps;
    float *avg = calloc((size_t)d->n_test * E + 1, sizeof *avg);
    if (!avg) { snprintf(err, errlen, "out of memory"); return -1; }
    for (size_t i = 0; i < (size_t)d->n_test; i++)
        for (size_t r = 0; r < R; r++)
            for (size_t e = 0; e < E; e++) avg[i * E + e] += d->test_reps[(i * R + r) * E + e] / (float)R;
    free(d->test);
    d->test = avg;
    cJSON *s = cJSON_CreateObject();
    cJSON_AddStringToObject(s, "step", "average_repetitions");
    cJSON_AddNumberToObject(s, "repetitions", d->n_reps);
    cJSON_AddItemToArray(d->steps, s);
    return 0;
}

static double pearson(const float *x, const float *y, size_t n, size_t stride)
{
    double mx = 0, my = 0;
    for (size_t i = 0; i < n; i++) { mx += x[i * stride]; my += y[i * stride]; }
    mx /= (double)n; my /= (double)n;
    double sxy = 0, sxx = 0, syy = 0;
    for (size_t i = 0; i < n; i++) {
        double a = x[i * stride] - mx, b = y[i * stride] - my;
        sxy += a * b; sxx += a * a; syy += b * b;
    }
    return sxx > 0 && syy > 0 ? sxy / sqrt(sxx * syy) : 0.0;
}

int session_compute_reliability(session_data *d, char *err, size_t errlen)
{
    if (!d->test_reps || d->n_reps < 2 || d->n_test < 3) {
        snprintf(err, errlen, "reliability needs at least 2 test repetitions of at least 3 images (have %d x %d)",
                 d->n_test, d->n_reps);
        return -1;
    }
    size_t E = (size_t)d->n_electrodes, R = (size_t)d->n_reps;
    /* image i, repetition r, electrode e lives at (i*R + r)*E + e: stride R*E across images */
    for (size_t e = 0; e < E; e++) {
        double acc = 0;
        int pairs = 0;
        for (size_t a = 0; a < R; a++)
            for (size_t b = a + 1; b < R; b++) {
                acc += pearson(d->test_reps + a * E + e, d->test_reps + b * E + e, (size_t)d->n_test, R * E);
                pairs++;
            }
        d->electrodes[e].reliability = (float)(acc / pairs);
    }
    cJSON *s = cJSON_CreateObject();
    cJSON_AddStringToObject(s, "step", "reliability");
    cJSON_AddStringToObject(s, "method", "mean over repetition pairs of the correlation across test images");
    cJSON_AddNumberToObject(s, "pairs", (double)(R * (R - 1) / 2));
    cJSON_AddItemToArray(d->steps, s);
    return 0;
}

/* Keeps columns `keep` (ascending) of a rows x E x inner array, in place. */
static void keep_columns(float *a, size_t rows, size_t E, size_t inner, const int *keep, size_t nk)
{
    if (!a) return;
    for (size_t r = 0; r < rows; r++)
        for (size_t k = 0; k < nk; k++)
            memmove(a + (r * nk + k) * inner, a + (r * E + (size_t)keep[k]) * inner, inner * sizeof *a);
}

int session_filter_electrodes(session_data *d, double threshold, int require_rf, char *err, size_t errlen)
{
    size_t E = (size_t)d->n_electrodes, nk = 0;
    int *keep = malloc(E * sizeof *keep);
    if (!keep) { snprintf(err, errlen, "out of memory"); return -1; }
    for (size_t e = 0; e < E; e++) {
        const session_electrode *el = &d->electrodes[e];
        if (isnan(el->reliability)) {
            free(keep);
            snprintf(err, errlen, "electrode %zu has no reliability (needs test repetitions or a reliability column)", e);
            return -1;
        }
        int rf_ok = !require_rf || (isfinite(el->rf_x) && isfinite(el->rf_y));
        if (el->reliability > threshold && rf_ok) keep[nk++] = (int)e;
    }
    if (nk == 0) {
        free(keep);
        snprintf(err, errlen, "no electrode has reliability > %.2f%s", threshold, require_rf ? " and a mapped RF" : "");
        return -1;
    }
    size_t R = (size_t)(d->n_reps > 0 ? d->n_reps : 1);
    keep_columns(d->train, (size_t)d->n_train, E, 1, keep, nk);
    keep_columns(d->test, (size_t)d->n_test, E, 1, keep, nk);
    keep_columns(d->test_reps, (size_t)d->n_test * R, E, 1, keep, nk);
    keep_columns(d->train_st, (size_t)d->n_train, E, SESSION_ST_WINDOWS, keep, nk);
    keep_columns(d->test_st, (size_t)d->n_test, E, SESSION_ST_WINDOWS, keep, nk);
    /* time course is electrode-major: whole blocks move */
    keep_columns(d->timecourse, 1, E, (size_t)session_data_n_trials(d) * (size_t)d->n_samples, keep, nk);
    for (size_t k = 0; k < nk; k++) d->electrodes[k] = d->electrodes[keep[k]];
    free(keep);
    cJSON *s = cJSON_CreateObject();
    cJSON_AddStringToObject(s, "step", "filter_electrodes");
    cJSON_AddNumberToObject(s, "reliability_threshold", threshold);
    cJSON_AddBoolToObject(s, "require_rf", require_rf);
    cJSON_AddNumberToObject(s, "kept", (double)nk);
    cJSON_AddNumberToObject(s, "of", (double)E);
    cJSON_AddItemToArray(d->steps, s);
    d->n_electrodes = (int)nk;
    return 0;
}
