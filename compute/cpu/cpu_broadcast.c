/* Broadcast plans: an output shape and up to two operands' strides, with size-1 dims dropped and
 * contiguous runs merged, so the innermost loop is one long run where every operand steps by 0
 * or 1. */
#include "compute/cpu/cpu_broadcast.h"

void bcast_plan_make(bcast_plan *p, const tensor *out, const tensor *op0, const tensor *op1)
{
    const tensor *ops[2] = { op0, op1 };
    size_t full[2][TENSOR_MAX_DIMS];
    for (int k = 0; k < 2; k++)
        if (ops[k]) shape_broadcast_strides(ops[k], out->ndim, out->shape, full[k]);
        else for (int i = 0; i < out->ndim; i++) full[k][i] = 0;
    /* Walk from the innermost dim outwards, merging a dim into the current one when every operand
     * continues contiguously across the boundary (a stride-0 run merges with a stride-0 run). */
    int nd = 0;
    int shape[TENSOR_MAX_DIMS];
    size_t stride[2][TENSOR_MAX_DIMS];
    for (int i = out->ndim - 1; i >= 0; i--) {
        if (out->shape[i] == 1) continue;
        if (nd > 0) {
            int j = nd - 1;
            bool merge = true;
            for (int k = 0; k < 2; k++) merge = merge && full[k][i] == stride[k][j] * (size_t)shape[j];
            if (merge) { shape[j] *= out->shape[i]; continue; }
        }
        shape[nd] = out->shape[i];
        for (int k = 0; k < 2; k++) stride[k][nd] = full[k][i];
        nd++;
    }
    if (nd == 0) { shape[0] = 1; stride[0][0] = stride[1][0] = 0; nd = 1; }
    /* Stored outermost first. */
    p->ndim = nd;
    p->rows = 1;
    for (int d = 0; d < nd; d++) {
        p->shape[d] = shape[nd - 1 - d];
        for (int k = 0; k < 2; k++) p->stride[k][d] = stride[k][nd - 1 - d];
        if (d < nd - 1) p->rows *= (size_t)p->shape[d];
    }
    p->len = (size_t)p->shape[nd - 1];
    for (int k = 0; k < 2; k++) p->inner[k] = p->stride[k][nd - 1];
}

void bcast_plan_row(const bcast_plan *p, size_t row, size_t off[2])
{
    off[0] = off[1] = 0;
    for (int d = p->ndim - 2; d >= 0; d--) {
        size_t idx = row % (size_t)p->shape[d];
        row /= (size_t)p->shape[d];
        off[0] += idx * p->stride[0][d];
        off[1] += idx * p->stride[1][d];
    }
}
