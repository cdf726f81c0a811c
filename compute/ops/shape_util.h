/* Shape logic shared by the op dispatch layer and both backends: axis normalisation, splitting a
 * tensor around one axis, NumPy broadcasting and convolution geometry. Kept here once so the CPU
 * and Vulkan backends cannot disagree about what a shape means. */
#ifndef IRFA_OPS_SHAPE_UTIL_H
#define IRFA_OPS_SHAPE_UTIL_H

#include <stdbool.h>
#include <stddef.h>
#include "compute/ops.h"

/* Negative axis counts from the end; aborts (TENSOR_CHECK) when out of range. */
int shape_normalize_axis(int axis, int ndim);

/* View t as [outer, t.shape[axis], inner] (row-major). */
typedef struct axis_split { size_t outer, inner; int n; } axis_split;
axis_split shape_axis_split(const tensor *t, int axis);

/* NumPy broadcast of two shapes (right-aligned, size-1 dims stretch). Returns false when they are
 * incompatible; otherwise writes the result to ndim/shape. */
bool shape_broadcast(int andim, const int *ashape, int bndim, const int *bshape,
                     int *ndim, int *shape);
/* True when `small` broadcasts to exactly `big`'s shape. */
bool shape_broadcasts_to(const tensor *small, const tensor *big);

/* Strides (in elements) of t's data seen through out's index space: 0 along broadcast dims.
 * out_ndim >= t->ndim and t must broadcast to out_shape. */
void shape_broadcast_strides(const tensor *t, int out_ndim, const int *out_shape, size_t *strides);

/* Start offsets along `axis` of the pieces of a concat whose total length along it is `total`.
 * Pieces may be NULL (backward: gradient not wanted); a NULL piece's length is unknown, so a
 * non-NULL piece needs every piece before it, or every piece after it, to be present. Aborts with
 * a clear message when a present piece's offset cannot be determined or lengths do not add up.
 * offsets[i] is -1 for NULL pieces. */
void shape_concat_offsets(const char *op, const tensor *const *pieces, int n, int axis, int total,
                          int *offsets);

/* Geometry of one conv2d as a GEMM over image columns: the image is [C, H, W], the kernel window
 * [kh, kw], the output grid [Ho, Wo]. ConvTranspose2d uses the same geometry with the roles of its
 * input and output swapped (its output is the "image"). */
typedef struct conv_geometry {
    int n;                 /* batch */
    int groups;
    int img_c, img_h, img_w;        /* channels/size of the image side (conv input) */
    int grid_c, grid_h, grid_w;     /* channels/size of the grid side (conv output) */
    int kh, kw;
    int stride_h, stride_w;
    int pad_top, pad_left;
} conv_geometry;

/* Conv2d: image = x, grid = y.  */
conv_geometry conv2d_geometry(const tensor *x, const tensor *w, const conv2d_params *p);
/* ConvTranspose2d: image = y (its output), grid = x (its input). */
conv_geometry conv_transpose2d_geometry(const tensor *x, const tensor *w, const tensor *y,
                                        const conv2d_params *p);

#endif
