/* Figures of the virtual macaque for docs/simulator.md: RF centres and sizes per array, example
 * tuning per area, and example stimuli. */
#ifndef IRFA_SIM_PLOT_H
#define IRFA_SIM_PLOT_H
#include <stddef.h>

#include "session/session_data.h"
#include "session/sim_model.h"

/* 4 x 4 panels, one per array (array 1 top left, row-major), each the image frame with every
 * electrode's RF as a 1-sigma circle (V1 blue, V4 green, IT red, the unusable array grey); on the
 * right all arrays together. */
int sim_plot_rfs(const sim_model *m, const char *path, char *err, size_t errlen);
/* Rows V1, V4, IT; four example electrodes each. V1: orientation tuning to gratings; V4: hue tuning
 * to a coloured disk over the RF; IT: the four training stimuli that drive it most, RF outlined.
 * rates: (n_train + n_test) x n_units noise-free rates. */
int sim_plot_tuning(const sim_model *m, const float *rates, const session_data *d, const char *path,
                    char *err, size_t errlen);
/* The first 16 training stimuli. */
int sim_plot_stimuli(const session_data *d, const char *path, char *err, size_t errlen);

#endif
