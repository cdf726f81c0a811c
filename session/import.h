/* Importers: recordings in the formats of the field -> a session folder. Each importer parses its
 * inputs in a child process with resource limits (formats/sandbox.h) that writes a temporary
 * session folder; the parent validates it by loading it and renames it into place. On any error
 * the temporary folder is removed and nothing appears at the destination. */
#ifndef IRFA_IMPORT_H
#define IRFA_IMPORT_H
#include <stddef.h>

typedef struct import_prep {
    int image_size;               /* stimuli grid stored in the session (default 128) */
    int zscore;                   /* z-score per electrode per recording day */
    int filter;                   /* keep reliability > threshold (and RF present when known) */
    double reliability_threshold; /* 0.4 */
    int space_time;               /* write 5 x 27 ms windows when a time course exists */
} import_prep;

void import_prep_default(import_prep *p);

typedef struct import_npy_options {
    const char *npz;              /* arrays from one .npz: train, test and/or test_reps, train_day, test_day */
    const char *train, *test, *test_reps; /* or separate .npy files */
    const char *images;           /* folder of PNG stimuli */
    const char *image_table;      /* CSV: split,index,file (file relative to images) */
    const char *electrodes;       /* CSV or JSON: array, area [, rf_x, rf_y, rf_size, reliability] */
} import_npy_options;

typedef struct import_tvsd_options {
    const char *normmua;          /* THINGS_normMUA.mat (MATLAB v7.3) */
    const char *trials;           /* THINGS_MUA_trials.mat, optional: 1 ms time course */
    const char *channel_map;      /* .npy: for each recording-order channel of ALLMUA its 1-based
                                     normMUA channel (the dataset's mapping file, converted) */
    char monkey;                  /* 'N' or 'F' */
    const char *images;           /* the user's THINGS image folder */
    const char *image_table;      /* CSV split,index,file from the dataset's image list */
    const char *electrodes;       /* optional CSV with RF columns (index, rf_x, rf_y, rf_size) */
} import_tvsd_options;

typedef struct import_nwb_options {
    const char *nwb;              /* NWB 2 file (HDF5) */
    const char *series;           /* ElectricalSeries under /acquisition (default: the first one) */
    const char *images;           /* PNG folder when the file has no /stimulus/templates images */
} import_nwb_options;

int import_npy(const import_npy_options *o, const import_prep *p, const char *out, const char *cmdline, char *err, size_t errlen);
int import_tvsd(const import_tvsd_options *o, const import_prep *p, const char *out, const char *cmdline, char *err, size_t errlen);
int import_nwb(const import_nwb_options *o, const import_prep *p, const char *out, const char *cmdline, char *err, size_t errlen);

#endif
