/* im2col / col2im for one image group: the data rearrangement that turns a convolution into GEMM. */
#include <string.h>

#include "compute/cpu/cpu_internal.h"

/* Grid positions o in [*lo, *hi) whose source i = o*stride - pad + k lies inside [0, size). */
static void valid_range(int k, int stride, int pad, int size, int grid, int *lo, int *hi)
{
    /* smallest o with o*stride >= pad - k */
    int need = pad - k;
    int l = need <= 0 ? 0 : (need + stride - 1) / stride;
    /* largest o with o*stride <= size - 1 + pad - k */
    int top = size - 1 + pad - k;
    int h = top < 0 ? 0 : top / stride + 1;
    if (h > grid) h = grid;
    if (l > h) l = h;
    *lo = l;
    *hi = h;
}

CPU_VECTOR_CLONES
void conv_im2col(const conv_geometry *g, int c, const float *img, float *col)
{
    const int gh = g->grid_h, gw = g->grid_w, ih = g->img_h, iw = g->img_w;
    const int sh = g->stride_h, sw = g->stride_w;
    const size_t plane = (size_t)gh * gw;
    const int rows = c * g->kh * g->kw;
    for (int r = 0; r < rows; r++) {
        const int kx = r % g->kw, ky = (r / g->kw) % g->kh, ch = r / (g->kw * g->kh);
        const float *src = img + (size_t)ch * ih * iw;
        float *dst = col + (size_t)r * plane;
        int ylo, yhi, xlo, xhi;
        valid_range(ky, sh, g->pad_top, ih, gh, &ylo, &yhi);
        valid_range(kx, sw, g->pad_left, iw, gw, &xlo, &xhi);
        memset(dst, 0, (size_t)ylo * gw * sizeof(float));
        for (int oy = ylo; oy < yhi; oy++) {
            const float *srow = src + (size_t)(oy * sh - g->pad_top + ky) * iw;
            float *drow = dst + (size_t)oy * gw;
            for (int ox = 0; ox < xlo; ox++) drow[ox] = 0.0f;
            if (sw == 1) {
                memcpy(drow + xlo, srow + (xlo - g->pad_left + kx), (size_t)(xhi - xlo) * sizeof(float));
            } else {
                const int off = kx - g->pad_left;
                #pragma omp simd
                for (int ox = xlo; ox < xhi; ox++) drow[ox] = srow[ox * sw + off];
            }
            for (int ox = xhi; ox < gw; ox++) drow[ox] = 0.0f;
        }
        memset(dst + (size_t)yhi * gw, 0, (size_t)(gh - yhi) * gw * sizeof(float));
    }
}

CPU_VECTOR_CLONES
void conv_col2im(const conv_geometry *g, int c, const float *col, float *img)
{
    const int gh = g->grid_h, gw = g->grid_w, ih = g->img_h, iw = g->img_w;
    const int sh = g->stride_h, sw = g->stride_w;
    const size_t plane = (size_t)gh * gw;
    memset(img, 0, (size_t)c * ih * iw * sizeof(float));
    for (int ch = 0; ch < c; ch++) {
        float *dst = img + (size_t)ch * ih * iw;
        for (int ky = 0; ky < g->kh; ky++) {
            int ylo, yhi;
            valid_range(ky, sh, g->pad_top, ih, gh, &ylo, &yhi);
            for (int kx = 0; kx < g->kw; kx++) {
                int xlo, xhi;
                valid_range(kx, sw, g->pad_left, iw, gw, &xlo, &xhi);
                const float *src = col + ((size_t)(ch * g->kh + ky) * g->kw + kx) * plane;
                for (int oy = ylo; oy < yhi; oy++) {
                    float *drow = dst + (size_t)(oy * sh - g->pad_top + ky) * iw;
                    const float *srow = src + (size_t)oy * gw;
                    const int off = kx - g->pad_left;
                    if (sw == 1) {
                        #pragma omp simd
                        for (int ox = xlo; ox < xhi; ox++) drow[ox + off] += srow[ox];
                    } else {
                        #pragma omp simd
                        for (int ox = xlo; ox < xhi; ox++) drow[ox * sw + off] += srow[ox];
                    }
                }
            }
        }
    }
}
