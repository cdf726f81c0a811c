/* Thread-count policy of the CPU backend: OpenMP team size per op and OpenBLAS's own pool. */
#include <cblas.h>
#include <omp.h>
#include <stdatomic.h>

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

/* Sections that want single-threaded BLAS may overlap when several host threads run ops at once:
 * the first one in lowers OpenBLAS to 1 thread and the last one out restores the count OpenBLAS had
 * when the backend first touched it, so no interleaving can leave OpenBLAS stuck at 1 thread (a
 * rare overlap at the boundary only costs a moment of oversubscription). */
static atomic_int single_sections;
static atomic_int default_threads;

void cpu_blas_single_begin(void)
{
    int expected = 0;
    atomic_compare_exchange_strong(&default_threads, &expected, openblas_get_num_threads());
    if (atomic_fetch_add(&single_sections, 1) == 0) openblas_set_num_threads(1);
}

void cpu_blas_single_end(void)
{
    if (atomic_fetch_sub(&single_sections, 1) == 1) openblas_set_num_threads(atomic_load(&default_threads));
}
