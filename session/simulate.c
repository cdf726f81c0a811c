/* Runs the virtual macaque: stimuli -> noise-free drives -> rates -> trials with day drift and
 * noise (optionally a 1 ms time course) -> the preprocessing the decoders expect -> a session
 * folder with ground_truth.json next to the data. */
#include "session/simulate.h"

#include <cjson/cJSON.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "formats/npy.h"
#include "session/fs_util.h"
#include "session/session_data.h"
#include "session/sim_images.h"
#include "session/sim_model.h"
#include "session/sim_plot.h"
#include "session/sim_rng.h"
#include "session/stimulus_folder.h"

#define RNG_PURPOSE_DAYS 4
#define RNG_PURPOSE_TRIALS 5

void sim_options_default(sim_options *o)
{
    memset(o, 0, sizeof *o);
    o->n_train = 1000;
    o->n_test = 50;
    o->n_reps = 10;
    o->image_size = 64;
    o->per_array = 64;
    o->unusable_array = 6;
    o->n_days = 4;
    o->seed = 1;
    o->monkey = 'N';
    o->zscore = 1;
    o->filter = 1;
    o->reliability_threshold = 0.4;
}

static int make_stimuli(const sim_options *o, session_data *d, char *err, size_t errlen)
{
    size_t img = (size_t)3 * o->image_size * o->image_size;
    d->image_size = o->image_size;
    d->stim_train = malloc((size_t)o->n_train * img * sizeof(float));
    d->stim_test = malloc((size_t)o->n_test * img * sizeof(float));
    if (!d->stim_train || !d->stim_test) { snprintf(err, errlen, "out of memory"); return -1; }
    if (!o->images_dir) {
        for (int i = 0; i < o->n_train; i++) sim_dead_leaves(o->seed, i, o->image_size, d->stim_train + (size_t)i * img);
        for (int i = 0; i < o->n_test; i++)
            sim_dead_leaves(o->seed, o->n_train + i, o->image_size, d->stim_test + (size_t)i * img);
        return 0;
    }
    char **paths;
    size_t n;
    if (stimuli_list_folder(o->images_dir, &paths, &n, err, errlen)) return -1;
    int rc = -1;
    if (n < (size_t)(o->n_train + o->n_test))
        snprintf(err, errlen, "%s: %zu PNG or JPEG images, need %d (train) + %d (test)", o->images_dir, n, o->n_train, o->n_test);
    else if (!stimuli_load_files((const char *const *)paths, o->n_train, o->image_size, d->stim_train, err, errlen) &&
             !stimuli_load_files((const char *const *)paths + o->n_train, o->n_test, o->image_size, d->stim_test, err, errlen))
        rc = 0;
    fs_free_names(paths, n);
    return rc;
}

/* Standardised rates of every unit for every stimulus (train images first, then test), after
 * calibrating each unit's drive on the training images. */
static float *compute_rates(sim_model *m, const session_data *d, char *err, size_t errlen)
{
    int N = d->n_train + d->n_test, U = m->n_units;
    size_t img = (size_t)3 * d->image_size * d->image_size;
    float *rates = malloc((size_t)N * U * sizeof *rates);
    sim_features *f = malloc(sizeof *f);
    if (!rates || !f) { free(rates); free(f); snprintf(err, errlen, "out of memory"); return NULL; }
    for (int i = 0; i < N; i++) {
        const float *im = i < d->n_train ? d->stim_train + (size_t)i * img : d->stim_test + (size_t)(i - d->n_train) * img;
        sim_features_compute(im, d->image_size, f);
        sim_drive(m, f, rates + (size_t)i * U);
    }
    free(f);
    for (int u = 0; u < U; u++) {
        double s = 0, sq = 0;
        for (int i = 0; i < d->n_train; i++) { double v = rates[(size_t)i * U + u]; s += v; sq += v * v; }
        double mean = s / d->n_train, var = sq / d->n_train - mean * mean;
        sim_unit *un = &m->units[u];
        un->drive_mean = mean;
        un->drive_sd = var > 1e-18 ? sqrt(var) : 1.0;
        double rs = 0, rsq = 0;
        for (int i = 0; i < N; i++) {
            double r = sim_rate((rates[(size_t)i * U + u] - mean) / un->drive_sd);
            rates[(size_t)i * U + u] = (float)r;
            if (i < d->n_train) { rs += r; rsq += r * r; }
        }
        double rm = rs / d->n_train;
        un->signal_sd = sqrt(fmax(rsq / d->n_train - rm * rm, 1e-12));
    }
    return rates;
}

typedef struct day_drift { float *gain, *offset; } day_drift;

/* Simulates every trial: scalar responses, or the full time course when d->timecourse is set. */
static void simulate_trials(const sim_options *o, sim_model *m, session_data *d, const float *rates, const day_drift *dd)
{
    int U = m->n_units, T = session_data_n_trials(d), R = d->n_reps;
    double *kmean = malloc(sizeof(double) * (size_t)U);
    for (int u = 0; u < U; u++) {
        sim_unit *un = &m->units[u];
        int a, b;
        session_area_window(un->area, 0, &a, &b);
        kmean[u] = sim_kernel_window_mean(un->latency_ms, a, b);
        double rho = fmax(un->target_reliability, 0.01);
        un->noise_sd = un->signal_sd * kmean[u] * sqrt((1 - rho) / rho);
    }
    for (int t = 0; t < T; t++) {
        int test = t >= d->n_train, img = test ? d->n_train + (t - d->n_train) / R : t;
        int day = test ? d->test_rep_day[t - d->n_train] : d->train_day[t];
        sim_rng g;
        sim_rng_seed(&g, o->seed, RNG_PURPOSE_TRIALS, (uint64_t)t);
        float *row = test ? d->test_reps + (size_t)(t - d->n_train) * U : d->train + (size_t)t * U;
        for (int u = 0; u < U; u++) {
            const sim_unit *un = &m->units[u];
            double gain = dd->gain[(size_t)u * o->n_days + day], off = dd->offset[(size_t)u * o->n_days + day];
            double rate = rates[(size_t)img * U + u], noise = un->noise_sd * sim_rng_normal(&g);
            /* MUA in arbitrary units: baseline 1, drift per day, trial noise */
            row[u] = (float)(gain * (1.0 + rate * kmean[u]) + off + noise);
            if (!d->timecourse) continue;
            float *tc = d->timecourse + ((size_t)u * T + t) * SIM_SAMPLES;
            double sample_sd = un->noise_sd * 0.5;
            for (int s = 0; s < SIM_SAMPLES; s++) {
                double ms = s - SIM_ONSET;
                tc[s] = (float)(gain * (1.0 + rate * sim_kernel(ms - un->latency_ms)) + off + noise +
                                sample_sd * sim_rng_normal(&g));
            }
        }
    }
    free(kmean);
}

static int write_ground_truth(const sim_model *m, const float *rates, const session_data *d, const char *dir,
                              char *err, size_t errlen)
{
    cJSON *root = cJSON_CreateObject();
    cJSON_AddStringToObject(root, "coordinates", "rf_x, rf_y: centre as a fraction of image width/height from the top "
                                                 "left; rf_size: Gaussian sigma as a fraction of the image width");
    cJSON_AddNumberToObject(root, "retina_pixels", SIM_RETINA);
    cJSON_AddNumberToObject(root, "unusable_array", m->unusable_array);
    cJSON *arr = cJSON_AddArrayToObject(root, "electrodes");
    float *rf = malloc(sizeof(float) * 3 * (size_t)m->n_units);
    for (int u = 0; u < m->n_units; u++) {
        const sim_unit *un = &m->units[u];
        cJSON *e = cJSON_CreateObject();
        cJSON_AddNumberToObject(e, "source_index", u);
        cJSON_AddNumberToObject(e, "array", un->array);
        cJSON_AddStringToObject(e, "area", session_area_name(un->area));
        cJSON_AddNumberToObject(e, "rf_x", un->rf_x);
        cJSON_AddNumberToObject(e, "rf_y", un->rf_y);
        cJSON_AddNumberToObject(e, "rf_size", un->rf_size);
        cJSON_AddBoolToObject(e, "rf_mapped", un->rf_mapped);
        cJSON_AddNumberToObject(e, "latency_ms", un->latency_ms);
        cJSON_AddNumberToObject(e, "target_reliability", un->target_reliability);
        cJSON *tu = cJSON_AddObjectToObject(e, "tuning");
        if (un->area == AREA_V1) {
            cJSON_AddStringToObject(tu, "model", "gabor_energy_two_scales");
            cJSON_AddNumberToObject(tu, "orientation_deg", un->orientation * 180 / M_PI);
            cJSON_AddNumberToObject(tu, "wavelength_retina_px", un->wavelength);
            cJSON_AddNumberToObject(tu, "half_wavelength_weight", un->second_scale);
        } else if (un->area == AREA_V4) {
            cJSON_AddStringToObject(tu, "model", "colour_plus_orientation_conjunction");
            cJSON_AddNumberToObject(tu, "hue_deg", un->hue * 180 / M_PI);
            cJSON_AddNumberToObject(tu, "colour_weight", un->colour_weight);
            cJSON_AddNumberToObject(tu, "texture_weight", un->texture_weight);
            cJSON_AddNumberToObject(tu, "orientation_a_deg", un->orient_a * 180.0 / SIM_ORIENTATIONS);
            cJSON_AddNumberToObject(tu, "orientation_b_deg", un->orient_b * 180.0 / SIM_ORIENTATIONS);
        } else {
            cJSON_AddStringToObject(tu, "model", "product_of_rectified_quadrant_feature_combinations");
            cJSON_AddStringToObject(tu, "features", "quadrant-major: [lum, R-G, B-Y, orient0, orient45, orient90, orient135] x 4 quadrants");
            cJSON_AddItemToObject(tu, "w1", cJSON_CreateFloatArray(un->it_w1, SIM_IT_WEIGHTS));
            cJSON_AddItemToObject(tu, "w2", cJSON_CreateFloatArray(un->it_w2, SIM_IT_WEIGHTS));
        }
        cJSON_AddItemToArray(arr, e);
        rf[3 * u] = (float)un->rf_x;
        rf[3 * u + 1] = (float)un->rf_y;
        rf[3 * u + 2] = (float)un->rf_size;
    }
    char *text = cJSON_Print(root);
    cJSON_Delete(root);
    char path[4096];
    snprintf(path, sizeof path, "%s/ground_truth.json", dir);
    FILE *f = fopen(path, "wb");
    int rc = -1;
    if (text && f && fputs(text, f) >= 0 && fclose(f) == 0) rc = 0;
    else { if (f) fclose(f); snprintf(err, errlen, "%s: write failed", path); }
    f = NULL;
    free(text);
    int64_t sh_rf[2] = {m->n_units, 3}, sh_r[2] = {d->n_test, m->n_units};
    snprintf(path, sizeof path, "%s/ground_truth_rf.npy", dir);
    if (!rc) rc = npy_save_f32(path, rf, 2, sh_rf, err, errlen);
    snprintf(path, sizeof path, "%s/ground_truth_rates_test.npy", dir);
    if (!rc) rc = npy_save_f32(path, rates + (size_t)d->n_train * m->n_units, 2, sh_r, err, errlen);
    free(rf);
    return rc;
}

static int check_options(const sim_options *o, char *err, size_t errlen)
{
    if (o->n_train < 10 || o->n_train > 1000000) { snprintf(err, errlen, "--train must be 10..1000000"); return -1; }
    if (o->n_test < 3 || o->n_test > 100000) { snprintf(err, errlen, "--test must be 3..100000"); return -1; }
    if (o->n_reps < 2 || o->n_reps > 100) { snprintf(err, errlen, "--reps must be 2..100 (reliability needs pairs)"); return -1; }
    if (o->image_size < 16 || o->image_size > 512) { snprintf(err, errlen, "--size must be 16..512"); return -1; }
    if (o->per_array < 1 || o->per_array > 256) { snprintf(err, errlen, "--electrodes-per-array must be 1..256"); return -1; }
    if (o->unusable_array < 0 || o->unusable_array > 16) { snprintf(err, errlen, "--unusable-array must be 0..16"); return -1; }
    if (o->n_days < 1 || o->n_days > 100) { snprintf(err, errlen, "--days must be 1..100"); return -1; }
    if (o->monkey != 'N' && o->monkey != 'F') { snprintf(err, errlen, "--monkey must be N or F"); return -1; }
    if (o->time_resolved) {
        double bytes = 4.0 * 16 * o->per_array * (o->n_train + (double)o->n_test * o->n_reps) * SIM_SAMPLES;
        if (bytes > 4e9) { snprintf(err, errlen, "--time-resolved would need %.1f GB; use fewer trials", bytes / 1e9); return -1; }
    }
    return 0;
}

static void fill_electrodes(const sim_model *m, session_data *d)
{
    for (int u = 0; u < m->n_units; u++) {
        const sim_unit *un = &m->units[u];
        session_electrode *e = &d->electrodes[u];
        e->source_index = u;
        e->array = un->array;
        e->area = un->area;
        e->rf_x = un->rf_mapped ? (float)un->rf_x : NAN;
        e->rf_y = un->rf_mapped ? (float)un->rf_y : NAN;
        e->rf_size = un->rf_mapped ? (float)un->rf_size : NAN;
        e->reliability = NAN;
        e->day = -1;
    }
}

static void record_provenance(const sim_options *o, session_data *d)
{
    cJSON *p = d->provenance;
    cJSON_AddStringToObject(p, "generator", "irfa simulate (virtual macaque)");
    if (o->command_line) cJSON_AddStringToObject(p, "command", o->command_line);
    cJSON_AddNumberToObject(p, "seed", (double)o->seed);
    cJSON_AddStringToObject(p, "stimuli", o->images_dir ? o->images_dir : "dead leaves");
    cJSON_AddNumberToObject(p, "days", o->n_days);
    cJSON_AddNumberToObject(p, "electrodes_per_array", o->per_array);
    cJSON_AddNumberToObject(p, "unusable_array", o->unusable_array);
    cJSON_AddStringToObject(p, "ground_truth", "ground_truth.json, ground_truth_rf.npy, ground_truth_rates_test.npy");
}

int sim_run(const sim_options *o, char *err, size_t errlen)
{
    if (check_options(o, err, errlen)) return -1;
    sim_model m;
    session_data d;
    session_data_init(&d, "simulate");
    float *rates = NULL;
    day_drift dd = {0};
    char tmp[4096] = "";
    int rc = -1;
    if (sim_model_build(&m, o->seed, o->monkey, o->per_array, o->unusable_array)) { snprintf(err, errlen, "out of memory"); goto done; }
    if (!o->out && !o->plot_rfs && !o->plot_tuning && !o->plot_stimuli) { snprintf(err, errlen, "nothing to do: give --out and/or a --plot option"); goto done; }
    if (o->plot_rfs && sim_plot_rfs(&m, o->plot_rfs, err, errlen)) goto done;
    if (o->out && session_begin(o->out, tmp, sizeof tmp, err, errlen)) { tmp[0] = '\0'; goto done; }
    snprintf(d.monkey, sizeof d.monkey, "%c", o->monkey);
    d.n_electrodes = m.n_units;
    d.n_train = o->n_train;
    d.n_test = o->n_test;
    d.n_reps = o->n_reps;
    size_t U = (size_t)m.n_units, T = (size_t)session_data_n_trials(&d);
    d.electrodes = calloc(U, sizeof *d.electrodes);
    d.train = malloc((size_t)d.n_train * U * sizeof(float));
    d.test_reps = malloc((size_t)d.n_test * d.n_reps * U * sizeof(float));
    d.train_day = malloc(sizeof(int) * (size_t)d.n_train);
    d.test_rep_day = malloc(sizeof(int) * (size_t)d.n_test * d.n_reps);
    dd.gain = malloc(sizeof(float) * U * (size_t)o->n_days);
    dd.offset = malloc(sizeof(float) * U * (size_t)o->n_days);
    if (o->time_resolved) {
        d.n_samples = SIM_SAMPLES;
        d.onset = SIM_ONSET;
        d.timecourse = malloc(U * T * SIM_SAMPLES * sizeof(float));
    }
    if (!d.electrodes || !d.train || !d.test_reps || !d.train_day || !d.test_rep_day || !dd.gain || !dd.offset ||
        (o->time_resolved && !d.timecourse)) {
        snprintf(err, errlen, "out of memory");
        goto done;
    }
    if (make_stimuli(o, &d, err, errlen)) goto done;
    if (!(rates = compute_rates(&m, &d, err, errlen))) goto done;
    if (o->plot_tuning && sim_plot_tuning(&m, rates, &d, o->plot_tuning, err, errlen)) goto done;
    if (o->plot_stimuli && sim_plot_stimuli(&d, o->plot_stimuli, err, errlen)) goto done;
    if (!o->out) { rc = 0; goto done; }
    /* recording days: training trials in blocks, test repetitions spread over the days */
    for (int t = 0; t < d.n_train; t++) d.train_day[t] = (int)((long)t * o->n_days / d.n_train);
    for (int i = 0; i < d.n_test * d.n_reps; i++) d.test_rep_day[i] = (i % d.n_reps) % o->n_days;
    for (size_t u = 0; u < U; u++) {
        sim_rng g;
        sim_rng_seed(&g, o->seed, RNG_PURPOSE_DAYS, u);
        for (int k = 0; k < o->n_days; k++) {
            dd.gain[u * o->n_days + k] = (float)exp(0.2 * sim_rng_normal(&g));
            dd.offset[u * o->n_days + k] = (float)(0.3 * sim_rng_normal(&g));
        }
    }
    simulate_trials(o, &m, &d, rates, &dd);
    fill_electrodes(&m, &d);
    record_provenance(o, &d);
    if (o->zscore && session_zscore_per_day(&d, err, errlen)) goto done;
    if (d.timecourse && (session_area_windows(&d, err, errlen) || session_space_time_windows(&d, err, errlen))) goto done;
    if (session_average_repetitions(&d, err, errlen) || session_compute_reliability(&d, err, errlen)) goto done;
    if (o->filter && session_filter_electrodes(&d, o->reliability_threshold, 1, err, errlen)) goto done;
    if (session_write_files(&d, tmp, err, errlen)) goto done;
    if (write_ground_truth(&m, rates, &d, tmp, err, errlen)) goto done;
    if (session_commit(tmp, o->out, err, errlen)) goto done;
    tmp[0] = '\0';
    rc = 0;
done:
    if (tmp[0]) session_abort(tmp);
    free(rates);
    free(dd.gain);
    free(dd.offset);
    session_data_free(&d);
    sim_model_free(&m);
    return rc;
}
