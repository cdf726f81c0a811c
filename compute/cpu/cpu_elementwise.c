/* Broadcasting add/mul and the affine scale on the CPU. Forward: one pass over the output's
 * contiguous runs. Backward: the gradient of a broadcast operand is summed (in double) over the
 * dims it was stretched along. */
#include <omp.h>
#include <string.h>

#include "compute/cpu/cpu_broadcast.h"
#include "compute/cpu/cpu_ops.h"

/* One output run of `len` elements: y[j] = a[j*ia] OP b[j*ib], ia/ib in {0, 1}. The four stride
 * combinations get their own loops so each vectorises. */
#define BINARY_ROW(name, OP)                                                                   \
    static void name(float *y, const float *a, size_t ia, const float *b, size_t ib, size_t len) \
    {                                                                                          \
        if (ia && ib) {                                                                        \
            _Pragma("omp simd") for (size_t j = 0; j < len; j++) y[j] = a[j] OP b[j];          \
        } else if (ia) {                                                                       \
            const float s = b[0];                                                              \
            _Pragma("omp simd") for (size_t j = 0; j < len; j++) y[j] = a[j] OP s;             \
        } else if (ib) {                                                                       \
            const float s = a[0];                                                              \
            _Pragma("omp simd") for (size_t j = 0; j < len; j++) y[j] = s OP b[j];             \
        } else {                                                                               \
            const float s = a[0] OP b[0];                                                      \
            for (size_t j = 0; j < len; j++) y[j] = s;                                         \
        }                                                                                      \
    }
BINARY_ROW(add_row, +)
BINARY_ROW(mul_row, *)

typedef void (*binary_row_fn)(float *, const float *, size_t, const float *, size_t, size_t);

static void binary_forward(const tensor *a, const tensor *b, tensor *y, binary_row_fn row_fn)
{
    bcast_plan p;
    bcast_plan_make(&p, y, a, b);
    const size_t rows = p.rows, len = p.len;
#pragma omp parallel for num_threads(cpu_threads_for(y->numel)) schedule(static)
    for (size_t r = 0; r < rows; r++) {
        size_t off[2];
        bcast_plan_row(&p, r, off);
        row_fn(y->data + r * len, a->data + off[0], p.inner[0], b->data + off[1], p.inner[1], len);
    }
}

void cpu_add_forward(const tensor *a, const tensor *b, tensor *y)
{
    binary_forward(a, b, y, add_row);
}

void cpu_mul_forward(const tensor *a, const tensor *b, tensor *y)
{
    binary_forward(a, b, y, mul_row);
}

/* acc (target-shaped, double) += rows [r0, r1) of dy, times `o` broadcast when o is given. */
static void accumulate_rows(const bcast_plan *p, const float *dy, const float *o, size_t r0, size_t r1,
                            double *acc)
{
    for (size_t r = r0; r < r1; r++) {
        size_t off[2];
        bcast_plan_row(p, r, off);
        const float *d = dy + r * p->len;
        const size_t len = p->len;
        if (p->inner[0] == 0) {           /* the whole run lands on one target element */
            double s;
            if (!o) s = cpu_sum(d, len);
            else if (p->inner[1]) s = cpu_dot(d, o + off[1], len);
            else s = (double)o[off[1]] * cpu_sum(d, len);
            acc[off[0]] += s;
            continue;
        }
        double *t = acc + off[0];
        if (!o) {
#pragma omp simd
            for (size_t j = 0; j < len; j++) t[j] += d[j];
        } else if (p->inner[1]) {
            const float *ob = o + off[1];
#pragma omp simd
            for (size_t j = 0; j < len; j++) t[j] += (double)d[j] * ob[j];
        } else {
            const double s = o[off[1]];
#pragma omp simd
            for (size_t j = 0; j < len; j++) t[j] += d[j] * s;
        }
    }
}

#define REDUCE_MAX_THREADS 64

/* target = sum over broadcast dims of dy (times `other` broadcast to dy's shape, when given).
 * Each thread sums a contiguous block of dy's rows into its own double copy of the target; the
 * copies are then added in thread order (reproducible for a given thread count). */
static void reduce_to(const tensor *dy, tensor *target, const tensor *other)
{
    if (tensor_same_shape(target, dy)) {   /* nothing to reduce */
        if (!other) memcpy(target->data, dy->data, dy->numel * sizeof(float));
        else binary_forward(dy, other, target, mul_row);
        return;
    }
    bcast_plan p;
    bcast_plan_make(&p, dy, target, other);
    const size_t tn = target->numel;
    int threads = cpu_threads_for(dy->numel);
    /* private copies only pay off when the target is much smaller than dy */
    if (tn > dy->numel / 4 || p.rows < 2) threads = 1;
    if (threads > REDUCE_MAX_THREADS) threads = REDUCE_MAX_THREADS;
    const float *o = other ? other->data : NULL;
    double *partials[REDUCE_MAX_THREADS];
#pragma omp parallel num_threads(threads)
    {
        const int tid = omp_get_thread_num(), team = omp_get_num_threads();
        double *acc = cpu_scratch_double(CPU_SCRATCH_DOUBLE, tn);
        partials[tid] = acc;
        memset(acc, 0, tn * sizeof(double));
        accumulate_rows(&p, dy->data, o, p.rows * (size_t)tid / (size_t)team,
                        p.rows * (size_t)(tid + 1) / (size_t)team, acc);
#pragma omp barrier
#pragma omp for schedule(static)
        for (size_t i = 0; i < tn; i++) {
            double s = 0.0;
            for (int t = 0; t < team; t++) s += partials[t][i];
            target->data[i] = (float)s;
        }
    }
}

void cpu_add_backward(const tensor *dy, tensor *da, tensor *db)
{
    if (da) reduce_to(dy, da, NULL);
    if (db) reduce_to(dy, db, NULL);
}

void cpu_mul_backward(const tensor *a, const tensor *b, const tensor *dy, tensor *da, tensor *db)
{
    if (da) reduce_to(dy, da, b);
    if (db) reduce_to(dy, db, a);
}

void cpu_scale_forward(const tensor *x, tensor *y, float alpha, float beta)
{
    const float *src = x->data;
    float *dst = y->data;
    const size_t n = x->numel;
#pragma omp parallel for simd num_threads(cpu_threads_for(n)) schedule(static)
    for (size_t i = 0; i < n; i++) dst[i] = alpha * src[i] + beta;
}

void cpu_scale_backward(const tensor *dy, tensor *dx, float alpha)
{
    const float *src = dy->data;
    float *dst = dx->data;
    const size_t n = dy->numel;
#pragma omp parallel for simd num_threads(cpu_threads_for(n)) schedule(static)
    for (size_t i = 0; i < n; i++) dst[i] = alpha * src[i];
}
