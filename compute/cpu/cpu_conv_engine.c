/* Convolution as GEMM, shared by conv2d and conv_transpose2d (see cpu_internal.h for the mapping).
 * Work is split over (image, group) items: with enough items each OpenMP thread runs whole items
 * with single-threaded OpenBLAS and its own im2col scratch; with one item the GEMM itself is
 * threaded by OpenBLAS. */
#include <cblas.h>
#include <omp.h>
#include <string.h>

#include "compute/cpu/cpu_internal.h"

#define MAX_THREADS 256

typedef struct conv_dims {
    int gi, go;            /* image / grid channels per group */
    int k;                 /* GEMM inner size: gi*kh*kw */
    size_t iplane, gplane; /* image / grid plane sizes */
    int items;             /* n * groups */
    bool pointwise;        /* 1x1, stride 1, no padding: the image group is its own im2col */
} conv_dims;

static conv_dims dims_of(const conv_geometry *g)
{
    conv_dims d;
    d.gi = g->img_c / g->groups;
    d.go = g->grid_c / g->groups;
    d.k = d.gi * g->kh * g->kw;
    d.iplane = (size_t)g->img_h * g->img_w;
    d.gplane = (size_t)g->grid_h * g->grid_w;
    d.items = g->n * g->groups;
    d.pointwise = g->kh == 1 && g->kw == 1 && g->stride_h == 1 && g->stride_w == 1 &&
                  g->pad_top == 0 && g->pad_left == 0 && g->img_h == g->grid_h && g->img_w == g->grid_w;
    return d;
}

/* Threads over items: none for tiny work, and none when a few items would split unevenly over the
 * team (3 items on 2 threads leave one idle half the time; a threaded GEMM per item is better). */
static int item_threads(const conv_dims *d)
{
    size_t flops = 2 * (size_t)d->go * d->k * d->gplane * (size_t)d->items;
    int t = cpu_threads_for(flops / 16);
    if (t > MAX_THREADS) t = MAX_THREADS;
    if (t <= 1 || d->items < t) return 1;
    if (d->items % t != 0 && d->items < 4 * t) return 1;
    return t;
}

static size_t image_offset(const conv_geometry *g, const conv_dims *d, int it)
{
    int n = it / g->groups, gr = it % g->groups;
    return ((size_t)n * g->img_c + (size_t)gr * d->gi) * d->iplane;
}

static size_t grid_offset(const conv_geometry *g, const conv_dims *d, int it)
{
    int n = it / g->groups, gr = it % g->groups;
    return ((size_t)n * g->grid_c + (size_t)gr * d->go) * d->gplane;
}

static const float *weight_item(const conv_geometry *g, const conv_dims *d, const float *w, int it)
{
    return w + (size_t)(it % g->groups) * d->go * d->k;
}

/* The item's im2col (or the image itself when pointwise), in this thread's scratch. */
static const float *item_columns(const conv_geometry *g, const conv_dims *d, const float *img, int it)
{
    const float *src = img + image_offset(g, d, it);
    if (d->pointwise) return src;
    float *col = cpu_scratch(CPU_SCRATCH_COL, (size_t)d->k * d->gplane);
    conv_im2col(g, d->gi, src, col);
    return col;
}

void conv_grid_from_image(const conv_geometry *g, const float *img, const float *w, float *grid)
{
    conv_dims d = dims_of(g);
    int threads = item_threads(&d);
    if (threads > 1) cpu_blas_single_begin();
#pragma omp parallel for num_threads(threads) schedule(static)
    for (int it = 0; it < d.items; it++) {
        const float *col = item_columns(g, &d, img, it);
        cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, d.go, (int)d.gplane, d.k, 1.0f,
                    weight_item(g, &d, w, it), d.k, col, (int)d.gplane, 0.0f,
                    grid + grid_offset(g, &d, it), (int)d.gplane);
    }
    if (threads > 1) cpu_blas_single_end();
}

void conv_image_from_grid(const conv_geometry *g, const float *grid, const float *w, float *img)
{
    conv_dims d = dims_of(g);
    int threads = item_threads(&d);
    if (threads > 1) cpu_blas_single_begin();
#pragma omp parallel for num_threads(threads) schedule(static)
    for (int it = 0; it < d.items; it++) {
        float *dst = img + image_offset(g, &d, it);
        float *col = d.pointwise ? dst : cpu_scratch(CPU_SCRATCH_COL, (size_t)d.k * d.gplane);
        cblas_sgemm(CblasRowMajor, CblasTrans, CblasNoTrans, d.k, (int)d.gplane, d.go, 1.0f,
                    weight_item(g, &d, w, it), d.k, grid + grid_offset(g, &d, it), (int)d.gplane,
                    0.0f, col, (int)d.gplane);
        if (!d.pointwise) conv_col2im(g, d.gi, col, dst);
    }
    if (threads > 1) cpu_blas_single_end();
}

void conv_weight_grad(const conv_geometry *g, const float *grid, const float *img, float *dw)
{
    conv_dims d = dims_of(g);
    const size_t total = (size_t)g->groups * d.go * d.k;
    int threads = item_threads(&d);
    float *partials[MAX_THREADS];
    if (threads > 1) cpu_blas_single_begin();
#pragma omp parallel num_threads(threads)
    {
        int tid = omp_get_thread_num(), team = omp_get_num_threads();
        /* Each thread sums its items into a private dw; thread 0 uses dw itself. */
        float *mine = tid == 0 ? dw : cpu_scratch(CPU_SCRATCH_PARTIAL, total);
        partials[tid] = mine;
        memset(mine, 0, total * sizeof(float));
#pragma omp for schedule(static)
        for (int it = 0; it < d.items; it++) {
            const float *col = item_columns(g, &d, img, it);
            float *dst = mine + (size_t)(it % g->groups) * d.go * d.k;
            cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, d.go, d.k, (int)d.gplane, 1.0f,
                        grid + grid_offset(g, &d, it), (int)d.gplane, col, (int)d.gplane, 1.0f, dst,
                        d.k);
        }
        /* implicit barrier: every partial is complete; fixed summation order keeps results
         * reproducible run to run */
        if (team > 1) {
#pragma omp for schedule(static)
            for (size_t i = 0; i < total; i++) {
                float s = dw[i];
                for (int t = 1; t < team; t++) s += partials[t][i];
                dw[i] = s;
            }
        }
    }
    if (threads > 1) cpu_blas_single_end();
}

void cpu_add_channel_bias(float *y, const float *b, int n, int c, size_t plane)
{
    int threads = cpu_threads_for((size_t)n * c * plane);
#pragma omp parallel for num_threads(threads) schedule(static)
    for (int nc = 0; nc < n * c; nc++) {
        float v = b[nc % c];
        float *p = y + (size_t)nc * plane;
        #pragma omp simd
        for (size_t i = 0; i < plane; i++) p[i] += v;
    }
}

void cpu_channel_sums(const float *dy, float *db, int n, int c, size_t plane)
{
    int threads = cpu_threads_for((size_t)n * c * plane);
#pragma omp parallel for num_threads(threads) schedule(static)
    for (int ch = 0; ch < c; ch++) {
        double s = 0.0;
        for (int i = 0; i < n; i++) s += cpu_sum(dy + ((size_t)i * c + ch) * plane, plane);
        db[ch] = (float)s;
    }
}
