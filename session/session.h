/* Recording sessions: the one on-disk layout every part of irfa reads (documented in
 * docs/sessions.md), and the C API to load one.
 *
 * A session folder holds manifest.json, responses_train.npy (N_train x E float32),
 * responses_test.npy (N_test x E, averaged over repetitions), optionally responses_test_reps.npy
 * (N_test x R x E), electrodes.csv, stimuli/{train,test}/NNNNNN.png plus stimuli_{train,test}.npy
 * (N x 3 x S x S float32 in [0,1]), optionally timecourse.npy (E x trials x samples) with trials.csv,
 * responses_{train,test}_st.npy (N x E x 5 space-time windows), and ground truth for simulated
 * sessions. */
#ifndef IRFA_SESSION_H
#define IRFA_SESSION_H
#include <stdbool.h>
#include <stddef.h>

#define SESSION_FORMAT_VERSION 1
#define SESSION_ST_WINDOWS 5        /* space-time windows per area */
#define SESSION_ST_WINDOW_LEN 27    /* samples per window */
#define SESSION_ST_WINDOW_STEP 26

typedef enum { AREA_UNKNOWN = -1, AREA_V1 = 0, AREA_V4 = 1, AREA_IT = 2 } session_area;
#define SESSION_N_AREAS 3

const char *session_area_name(session_area a);
/* "V1", "v4", "IT" (case-insensitive) -> area; AREA_UNKNOWN otherwise. */
session_area session_area_parse(const char *s);
/* Response window of an area in samples of a trial whose onset is at sample `onset` (TVSD: V1
 * 100-233, V4 133-266, IT 166-299 for onset 100); [*first, *last) */
void session_area_window(session_area a, int onset, int *first, int *last);

typedef struct session_electrode {
    int source_index;   /* channel index (0-based) in the original recording; survives filtering */
    int array;          /* array number, 1-based (TVSD: 1..16) */
    session_area area;
    float rf_x, rf_y;   /* RF centre as a fraction of the image width/height, (0,0) = top left; NAN if unmapped */
    float rf_size;      /* RF size (Gaussian sigma) as a fraction of the image width; NAN if unmapped */
    float reliability;  /* split-half reliability over test repetitions; NAN if unknown */
    int day;            /* day the RF was mapped, -1 if unknown */
} session_electrode;

typedef enum { SESSION_RESIZE_AREA = 0, SESSION_RESIZE_BILINEAR = 1 } session_resize_mode;

typedef struct session_load_options {
    int image_size;              /* stimuli grid to resize to; 0 = as stored */
    session_resize_mode resize;  /* area averaging (default) or bilinear */
    bool skip_stimuli;           /* leave train_stimuli/test_stimuli NULL */
    bool load_repetitions;       /* also load test_reps when present */
    bool load_space_time;        /* also load train_st/test_st when present */
} session_load_options;

typedef struct session {
    int format_version;
    char source[32];             /* "simulate", "npy", "tvsd", "nwb" */
    int n_train, n_test, n_reps; /* n_reps = 0 when the session has no repetitions file */
    int n_electrodes;
    float *train_responses;      /* n_train x n_electrodes */
    float *test_responses;       /* n_test x n_electrodes */
    float *test_reps;            /* n_test x n_reps x n_electrodes, or NULL */
    float *train_st, *test_st;   /* N x n_electrodes x SESSION_ST_WINDOWS, or NULL */
    int image_size;              /* side of the stimuli arrays below */
    float *train_stimuli;        /* n_train x 3 x image_size x image_size, RGB in [0,1] */
    float *test_stimuli;
    session_electrode *electrodes;
    /* Array membership in the order the model uses: heads are the arrays present, by ascending
     * array number. */
    int n_arrays;
    int *array_ids;              /* n_arrays: array number of each head */
    session_area *array_areas;   /* n_arrays */
    int *array_counts;           /* n_arrays: electrodes per head */
    int *array_offsets;          /* n_arrays: start of each head in array_electrodes */
    int *array_electrodes;       /* n_electrodes: electrode columns grouped by head */
    int *electrode_array;        /* n_electrodes: head index of each electrode column */
    char preprocessing[512];     /* steps applied, comma separated, e.g. "zscore_per_day,average_repetitions" */
} session;

/* Loads and validates a session folder (shapes agree with the manifest and each other, values are
 * finite). Returns 0, or -1 with err naming the file and the problem. */
int session_load(const char *dir, const session_load_options *opt, session *out, char *err, size_t errlen);
void session_free(session *s);

/* Resizes one 3 x h x w float image to 3 x oh x ow. */
void session_resize_image(const float *src, int h, int w, float *dst, int oh, int ow, session_resize_mode mode);

#endif
