/* Runs a parser of untrusted files (HDF5, MAT v7.3, NWB) in a forked child with limits on address
 * space and CPU time, so that a hostile or broken file can at worst kill the child. The child
 * reports success or an error message through a pipe; the parent never touches its memory. */
#ifndef IRFA_SANDBOX_H
#define IRFA_SANDBOX_H
#include <stddef.h>

typedef struct sandbox_limits {
    size_t address_space_bytes; /* RLIMIT_AS; 0 = unlimited (ignored under AddressSanitizer) */
    int cpu_seconds;            /* RLIMIT_CPU; 0 = unlimited */
} sandbox_limits;

/* fn returns 0 or -1 with err filled; runs in the child. */
typedef int (*sandbox_fn)(void *ctx, char *err, size_t errlen);

/* Returns 0 when the child succeeded, -1 with err (the child's message, or how it died). */
int sandbox_run(sandbox_fn fn, void *ctx, const sandbox_limits *limits, char *err, size_t errlen);

#endif
