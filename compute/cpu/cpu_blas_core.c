/* Which OpenBLAS kernels this process runs. Debian 12's OpenBLAS (0.3.21) predates some current x86
 * CPUs (e.g. Emerald Rapids) and falls back to its generic Prescott (SSE3) kernels on them, about 5x
 * slower than the AVX-512 ones the CPU can run. OpenBLAS reads OPENBLAS_CORETYPE only when the library
 * loads, so the choice is made by re-executing once with it set. A value already in the environment is
 * always kept: it is how a user (or a machine whose OpenBLAS misbehaves on its kernels) overrides us. */
#include <cblas.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "compute/compute.h"

/* OpenBLAS kernel names at or above Haswell that it picks itself on CPUs it knows. */
static bool modern_core(const char *name)
{
    static const char *const known[] = {"haswell", "zen", "skylakex", "cooperlake", "sapphirerapids"};
    for (size_t i = 0; i < sizeof known / sizeof known[0]; i++)
        if (!strcasecmp(name, known[i])) return true;
    return false;
}

/* The best OpenBLAS kernel set the CPU supports, NULL when none above the generic ones. */
static const char *supported_core(void)
{
#if defined(__x86_64__) && defined(__GNUC__)
    __builtin_cpu_init();
    if (__builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512bw") &&
        __builtin_cpu_supports("avx512vl") && __builtin_cpu_supports("avx512dq") &&
        __builtin_cpu_supports("avx512cd"))
        return "SkylakeX";
    if (__builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma")) return "Haswell";
#endif
    return NULL;
}

const char *compute_blas_core(void)
{
    const char *name = openblas_get_corename();
    return name ? name : "unknown";
}

void compute_choose_blas_kernels(char **argv)
{
    if (getenv("OPENBLAS_CORETYPE")) return;
    const char *best = supported_core();
    if (!best || modern_core(compute_blas_core())) return;
    if (setenv("OPENBLAS_CORETYPE", best, 1) != 0) return;
    execv("/proc/self/exe", argv);
    /* exec failed (no /proc?): carry on with the kernels OpenBLAS chose; the variable stays set so
     * child processes do not try again */
}
