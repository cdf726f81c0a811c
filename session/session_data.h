/* A session being built in memory (by the simulator or an importer), the preprocessing steps as
 * the decoders expect them, and writing it to disk atomically. */
#ifndef IRFA_SESSION_DATA_H
#define IRFA_SESSION_DATA_H
#include <stddef.h>

#include "session/session.h"

struct cJSON;

typedef struct session_data {
    char source[32];
    char monkey[8];               /* "N", "F" or "" */
    struct cJSON *provenance;     /* object: command, input files, seed ... */
    struct cJSON *steps;          /* array: preprocessing steps applied, in order */
    int n_electrodes;
    session_electrode *electrodes;
    int n_train, n_test, n_reps;  /* n_reps = 0: test already averaged, no repetitions */
    float *train;                 /* n_train x E */
    float *test;                  /* n_test x E (set by session_average_repetitions when reps exist) */
    float *test_reps;             /* n_test x n_reps x E, or NULL */
    int *train_day;               /* n_train recording day per train trial, or NULL */
    int *test_rep_day;            /* n_test x n_reps recording day per test trial, or NULL */
    /* Time-resolved responses at 1 ms: trials are the train trials, then test image i repetition r
     * at n_train + i * max(n_reps,1) + r. */
    int n_samples, onset;         /* 0 when absent */
    float *timecourse;            /* E x n_trials x n_samples, or NULL */
    float *train_st, *test_st;    /* N x E x SESSION_ST_WINDOWS, set by session_space_time_windows */
    int image_size;               /* stimuli are square, image_size x image_size */
    float *stim_train, *stim_test;/* N x 3 x S x S in [0,1] */
} session_data;

void session_data_init(session_data *d, const char *source);
void session_data_free(session_data *d);
int session_data_n_trials(const session_data *d);

/* Preprocessing, each optional and recorded in d->steps. All return 0 or -1 with err. */
int session_zscore_per_day(session_data *d, char *err, size_t errlen);
int session_average_repetitions(session_data *d, char *err, size_t errlen);
/* TVSD reliability: for each electrode the mean over all pairs of repetitions of the Pearson
 * correlation across test images. Needs n_reps >= 2. Fills electrodes[].reliability. */
int session_compute_reliability(session_data *d, char *err, size_t errlen);
/* Keeps electrodes with reliability > threshold and (if require_rf) a mapped RF. */
int session_filter_electrodes(session_data *d, double threshold, int require_rf, char *err, size_t errlen);
/* Responses = mean of the time course over each electrode's area window. */
int session_area_windows(session_data *d, char *err, size_t errlen);
/* 5 windows of 27 samples, step 26, from each area's window start. */
int session_space_time_windows(session_data *d, char *err, size_t errlen);

/* Checks shapes and values before anything is written; err names what is wrong. */
int session_data_validate(const session_data *d, char *err, size_t errlen);
/* Writes every file of the layout into dir (which must exist and be empty). */
int session_write_files(const session_data *d, const char *dir, char *err, size_t errlen);

/* Atomic session creation: session_begin makes a hidden temporary folder next to `out` (refusing
 * when `out` exists), session_commit validates it with session_load and renames it to `out`,
 * session_abort removes it. */
int session_begin(const char *out, char *tmp, size_t tmplen, char *err, size_t errlen);
int session_commit(const char *tmp, const char *out, char *err, size_t errlen);
void session_abort(const char *tmp);

#endif
