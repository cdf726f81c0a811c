/* Helpers shared by the CPU backend's op files. */
#ifndef IRFA_CPU_INTERNAL_H
#define IRFA_CPU_INTERNAL_H

#include <stddef.h>
#include "compute/ops/shape_util.h"

/* Per-thread scratch buffers that only grow: an op asks for `count` floats in one of a few slots and
 * gets 64-byte aligned memory that stays valid until the same thread asks for that slot again.
 * Contents are undefined. The memory is kept for the thread's lifetime so hot loops never allocate
 * (the largest user is one image's im2col: 8 MB per thread at the IRFA attention shape, 512 x 4096
 * floats). Aborts when out of memory. */
enum { CPU_SCRATCH_COL = 0, CPU_SCRATCH_PARTIAL, CPU_SCRATCH_DOUBLE, CPU_SCRATCH_ATTENTION, CPU_SCRATCH_SLOTS };
float *cpu_scratch(int slot, size_t count);
void *cpu_scratch_bytes(int slot, size_t bytes);
double *cpu_scratch_double(int slot, size_t count);

/* The build targets baseline x86-64 (SSE2); hot loops that run from L1/L2 get AVX2 and AVX-512
 * clones too, picked once at load time by the CPU (GCC function multiversioning). */
#if defined(__x86_64__) && defined(__GNUC__) && !defined(__clang__)
#define CPU_VECTOR_CLONES __attribute__((target_clones("avx512f", "avx2", "default")))
#else
#define CPU_VECTOR_CLONES
#endif

/* OpenBLAS (pthreads build) runs its own thread pool. Where our OpenMP threads already split the
 * work, BLAS calls inside them must stay single-threaded or the cores get oversubscribed:
 * cpu_blas_single_begin() sets OpenBLAS to 1 thread and cpu_blas_single_end() restores its
 * count once no such section is active on any host thread. */
void cpu_blas_single_begin(void);
void cpu_blas_single_end(void);

/* Number of OpenMP threads worth using for `work` elementary operations (1 for small work, where
 * waking the team costs more than it saves). */
int cpu_threads_for(size_t work);

/* Sums of n floats with double-precision accumulation (compute/cpu/cpu_sum.c). */
double cpu_sum(const float *p, size_t n);
double cpu_dot(const float *a, const float *b, size_t n);
double cpu_sum_sq_centered(const float *p, size_t n, float center);              /* sum (p-center)^2 */
double cpu_dot_centered(const float *a, const float *b, size_t n, float center); /* sum a*(b-center) */
/* Sum of n floats over the OpenMP team (compute/cpu/cpu_reduce.c). */
double cpu_parallel_sum(const float *p, size_t n);

/* ---- Convolution as GEMM (compute/cpu/cpu_conv_engine.c) ---------------------------------------
 * With the geometry of shape_util.h (image side [N, img_c, img_h, img_w], grid side
 * [N, grid_c, grid_h, grid_w], weights per group a [grid_c/groups, img_c/groups*kh*kw] block):
 *   conv2d forward            = grid_from_image(x -> y)
 *   conv2d backward data      = image_from_grid(dy -> dx)
 *   conv2d backward weight    = weight_grad(grid dy, image x)
 *   conv_transpose2d forward  = image_from_grid(x -> y)
 *   conv_transpose2d bwd data = grid_from_image(dy -> dx)
 *   conv_transpose2d bwd w    = weight_grad(grid x, image dy) */
void conv_grid_from_image(const conv_geometry *g, const float *img, const float *w, float *grid);
void conv_image_from_grid(const conv_geometry *g, const float *grid, const float *w, float *img);
void conv_weight_grad(const conv_geometry *g, const float *grid, const float *img, float *dw);

/* im2col of one image group [c, img_h, img_w] into col [c*kh*kw, grid_h*grid_w]. */
void conv_im2col(const conv_geometry *g, int c, const float *img, float *col);
/* col2im: img [c, img_h, img_w] = sum of col's contributions (img is overwritten). */
void conv_col2im(const conv_geometry *g, int c, const float *col, float *img);

/* y[n, c, :] += b[c] over `n` images of `c` channels with `plane` elements each. */
void cpu_add_channel_bias(float *y, const float *b, int n, int c, size_t plane);
/* db[c] = sum over images and plane of dy[n, c, :] (double accumulation). */
void cpu_channel_sums(const float *dy, float *db, int n, int c, size_t plane);

#endif
