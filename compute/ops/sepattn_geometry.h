/* Geometry of the separable transpose attention (ops.h, op_separable_attention_*), shared by the
 * dispatch layer and both backends so they agree on what a border class is.
 *
 * With padding='same' (pad `before` = (k-1)/2 above/left, `after` = k/2 below/right) the rows of an
 * H-row output fall into k classes by which kernel rows stay inside the image: the `before` top rows
 * (one class each), the interior rows (one class) and the `after` bottom rows (one class each).
 * Columns likewise. Inside a class the set of valid kernel offsets is the same, which is what lets the
 * convolution of a separable map be stored per class. Needs size >= k. */
#ifndef IRFA_OPS_SEPATTN_GEOMETRY_H
#define IRFA_OPS_SEPATTN_GEOMETRY_H

#include <stdbool.h>
#include "compute/ops.h"

typedef struct sepattn_geometry {
    int n, heads, c, H, W, k;
    int before, after;   /* padding of rows and of columns (square kernel) */
    int classes;         /* k */
} sepattn_geometry;

/* From the inputs' shapes (already checked by the dispatch layer). */
sepattn_geometry sepattn_geometry_of(const sepattn_tensors *in);

/* Class of output row (or column) y of `size`. */
static inline int sepattn_class(int y, int size, int before, int after)
{
    if (y < before) return y;
    if (y >= size - after) return before + 1 + (y - (size - after));
    return before;
}

/* A row of class cls (the first interior row stands for the interior). */
static inline int sepattn_class_row(int cls, int size, int before, int after)
{
    if (cls <= before) return cls;
    return size - after + (cls - before - 1);
}

/* Whether kernel offset d (0..k-1) reads inside the image for rows of class cls. */
static inline bool sepattn_valid(int cls, int d, int size, int before, int after)
{
    int src = sepattn_class_row(cls, size, before, after) + d - before;
    return src >= 0 && src < size;
}

#endif
