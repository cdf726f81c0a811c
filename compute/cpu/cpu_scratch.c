/* Per-thread growable scratch buffers (see cpu_internal.h). */
#include <stdlib.h>

#include "compute/cpu/cpu_internal.h"

typedef struct scratch_slot { void *data; size_t bytes; } scratch_slot;

static _Thread_local scratch_slot slots[CPU_SCRATCH_SLOTS];

void *cpu_scratch_bytes(int slot, size_t bytes)
{
    TENSOR_CHECK(slot >= 0 && slot < CPU_SCRATCH_SLOTS, "scratch slot %d", slot);
    scratch_slot *s = &slots[slot];
    if (bytes > s->bytes) {
        /* Grow geometrically so a sequence of slightly larger requests reallocates rarely. */
        size_t want = s->bytes * 2 > bytes ? s->bytes * 2 : bytes;
        want = (want + 63) & ~(size_t)63;
        free(s->data);
        s->data = aligned_alloc(64, want);
        TENSOR_CHECK(s->data != NULL, "out of memory for %zu bytes of scratch", want);
        s->bytes = want;
    }
    return s->data;
}

float *cpu_scratch(int slot, size_t count)
{
    return cpu_scratch_bytes(slot, (count ? count : 1) * sizeof(float));
}

double *cpu_scratch_double(int slot, size_t count)
{
    return cpu_scratch_bytes(slot, (count ? count : 1) * sizeof(double));
}
