/* NumPy-style broadcasting for the CPU elementwise ops (compute/cpu/cpu_broadcast.c). */
#ifndef IRFA_CPU_BROADCAST_H
#define IRFA_CPU_BROADCAST_H

#include "compute/cpu/cpu_internal.h"

/* The output (contiguous) is `rows` runs of `len` elements; in row r, operand k starts at
 * bcast_plan_row's off[k] and steps by inner[k] (0: broadcast, 1: contiguous). */
typedef struct bcast_plan {
    int ndim;
    int shape[TENSOR_MAX_DIMS];
    size_t stride[2][TENSOR_MAX_DIMS];
    size_t rows, len;
    size_t inner[2];
} bcast_plan;

/* out's shape with op0/op1 broadcast to it (op1 may be NULL). */
void bcast_plan_make(bcast_plan *p, const tensor *out, const tensor *op0, const tensor *op1);
void bcast_plan_row(const bcast_plan *p, size_t row, size_t off[2]);

#endif
