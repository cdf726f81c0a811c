/* The virtual macaque: a whole session with known ground truth (docs/simulator.md). */
#ifndef IRFA_SIMULATE_H
#define IRFA_SIMULATE_H
#include <stddef.h>
#include <stdint.h>

typedef struct sim_options {
    const char *out;               /* session folder to create (must not exist) */
    int n_train, n_test, n_reps, image_size, per_array, unusable_array, n_days;
    uint64_t seed;
    char monkey;                   /* 'N' or 'F' */
    const char *images_dir;        /* the user's PNG stimuli instead of dead leaves, or NULL */
    int time_resolved;             /* also write timecourse.npy and the space-time windows */
    int zscore, filter;            /* preprocessing switches */
    double reliability_threshold;
    const char *command_line;      /* recorded in the manifest */
    const char *plot_rfs, *plot_tuning, *plot_stimuli; /* optional PNG figures */
} sim_options;

void sim_options_default(sim_options *o);
int sim_run(const sim_options *o, char *err, size_t errlen);

#endif
