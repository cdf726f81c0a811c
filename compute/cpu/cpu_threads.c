/* Thread-count policy of the CPU backend: OpenMP team size per op and OpenBLAS's own pool. */
#include <cblas.h>
#include <omp.h>

#include "compute/cpu/cpu_internal.h"

/* Below this many elementary operations a parallel region costs more than it saves. */
#define CPU_PARALLEL_MIN_WORK ((size_t)32768)

int cpu_threads_for(size_t work)
{
    if (work < CPU_PARALLEL_MIN_WORK) return 1;
    int max = omp_get_max_threads();
    size_t useful = work / CPU_PARALLEL_MIN_WORK;
    return useful < (size_t)max ? (int)useful : max;
}

int cpu_blas_single_begin(void)
{
    int previous = openblas_get_num_threads();
    if (previous != 1) openblas_set_num_threads(1);
    return previous;
}

void cpu_blas_single_end(int previous)
{
    if (previous != 1) openblas_set_num_threads(previous);
}
