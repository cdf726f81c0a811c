/* The options of a job become command-line options of the child `irfa <kind>` process
 * ({"epochs": 2, "attention": true} -> --epochs 2 --attention). They are checked here, once when
 * the API accepts a job and again when a worker builds the command, so that no request text can
 * name a path or smuggle in an option the worker sets itself. */
#ifndef IRFA_JOB_OPTIONS_H
#define IRFA_JOB_OPTIONS_H

#include <stddef.h>
#include <cjson/cJSON.h>

#define JOB_OPTION_MAX 32

/* True for a name made of [a-z][a-z0-9-]{0,31}. */
int job_option_name_ok(const char *name);
/* NULL or an object whose keys pass job_option_name_ok, are not set by the worker itself (out,
 * session, checkpoint, reconstructions, device, help) and whose values are finite numbers,
 * booleans or short strings of [A-Za-z0-9._:+-] without ".." (children run in their
 * output folder, so a string naming a file stays inside it). Returns 0 or -1 with err. */
int job_options_check(const cJSON *options, char *err, size_t errlen);
/* Formats one checked option value as its command-line text (numbers without exponent noise).
 * Returns 0, or 1 for `false` (the flag is left out), -1 on a type job_options_check rejects. */
int job_option_value_text(const cJSON *value, char *out, size_t outlen);
/* True for a file name an upload may have: [A-Za-z0-9_][A-Za-z0-9._-]{0,127}. */
int job_file_name_ok(const char *name);

#endif
