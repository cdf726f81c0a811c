/* Shared steps of the importers (session/import.h). */
#ifndef IRFA_IMPORT_COMMON_H
#define IRFA_IMPORT_COMMON_H
#include <stddef.h>

#include "session/import.h"
#include "session/session_data.h"

/* Builds the session in the child: fills d from the inputs. */
typedef int (*import_build_fn)(const void *opts, const import_prep *p, session_data *d, char *err, size_t errlen);

/* Sandboxed build -> preprocessing -> write into a temporary folder -> validate -> rename. */
int import_run(import_build_fn build, const void *opts, const import_prep *p, const char *source, const char *out,
               const char *cmdline, char *err, size_t errlen);

/* Reads an image table (CSV split,index,file) and loads the stimuli of both splits into d
 * (d->n_train, d->n_test must be set). Every index must appear exactly once per split. */
int import_stimuli_from_table(const char *images, const char *table, const import_prep *p, session_data *d,
                              char *err, size_t errlen);
/* Electrode table from CSV or JSON: index (optional), array, area, rf_x, rf_y, rf_size, reliability.
 * Fills d->electrodes (d->n_electrodes must be set). */
int import_electrode_table(const char *path, session_data *d, int require_area, char *err, size_t errlen);

#endif
