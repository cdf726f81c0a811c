/* Linear on the CPU: one SGEMM per product (OpenBLAS threads it). */
#include <cblas.h>

#include "compute/cpu/cpu_internal.h"
#include "compute/cpu/cpu_ops.h"

void cpu_linear_forward(const tensor *x, const tensor *w, const tensor *b, tensor *y)
{
    const int n = x->shape[0], in = x->shape[1], out = w->shape[0];
    /* y = x w^T (+ b broadcast over rows, added after the GEMM) */
    cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, n, out, in, 1.0f, x->data, in, w->data, in,
                0.0f, y->data, out);
    if (b)
        for (int i = 0; i < n; i++) {
            float *row = y->data + (size_t)i * out;
            for (int j = 0; j < out; j++) row[j] += b->data[j];
        }
}

void cpu_linear_backward(const tensor *x, const tensor *w, const tensor *dy,
                         tensor *dx, tensor *dw, tensor *db)
{
    const int n = x->shape[0], in = x->shape[1], out = w->shape[0];
    if (dx)   /* dx[N,in] = dy[N,out] w[out,in] */
        cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, n, in, out, 1.0f, dy->data, out,
                    w->data, in, 0.0f, dx->data, in);
    if (dw)   /* dw[out,in] = dy^T[out,N] x[N,in] */
        cblas_sgemm(CblasRowMajor, CblasTrans, CblasNoTrans, out, in, n, 1.0f, dy->data, out,
                    x->data, in, 0.0f, dw->data, in);
    if (db) { /* column sums of dy, in double */
        double *acc = cpu_scratch_double(CPU_SCRATCH_DOUBLE, (size_t)out);
        for (int j = 0; j < out; j++) acc[j] = 0.0;
        for (int i = 0; i < n; i++) {
            const float *row = dy->data + (size_t)i * out;
            for (int j = 0; j < out; j++) acc[j] += row[j];
        }
        for (int j = 0; j < out; j++) db->data[j] = (float)acc[j];
    }
}
