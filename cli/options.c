#include "cli/options.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

bool opt_value(int argc, char **argv, int *i, const char *name, const char **value, bool *missing)
{
    const char *a = argv[*i];
    size_t n = strlen(name);
    *missing = false;
    if (strncmp(a, name, n) != 0) return false;
    if (a[n] == '=') { *value = a + n + 1; return true; }
    if (a[n] != '\0') return false;
    if (*i + 1 >= argc) { *missing = true; return true; }
    *value = argv[++*i];
    return true;
}

bool opt_parse_int(const char *s, long lo, long hi, long *out)
{
    char *end;
    errno = 0;
    long v = strtol(s, &end, 10);
    if (errno || end == s || *end || v < lo || v > hi) return false;
    *out = v;
    return true;
}

bool opt_parse_float(const char *s, double *out)
{
    char *end;
    errno = 0;
    double v = strtod(s, &end);
    if (errno || end == s || *end || !isfinite(v)) return false;
    *out = v;
    return true;
}
