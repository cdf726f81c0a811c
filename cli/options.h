/* Small helpers for subcommand option parsing (--name value / --name=value / flags). */
#ifndef IRFA_OPTIONS_H
#define IRFA_OPTIONS_H
#include <stdbool.h>

/* If argv[*i] is `--name VALUE` or `--name=VALUE`, stores VALUE, advances *i and returns true.
 * Sets *missing when the value is absent. */
bool opt_value(int argc, char **argv, int *i, const char *name, const char **value, bool *missing);
/* Parses a whole integer in [lo, hi]; false on anything else. */
bool opt_parse_int(const char *s, long lo, long hi, long *out);
bool opt_parse_float(const char *s, double *out);

#endif
