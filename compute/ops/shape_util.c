#include "compute/ops/shape_util.h"

int shape_normalize_axis(int axis, int ndim)
{
    int a = axis < 0 ? axis + ndim : axis;
    TENSOR_CHECK(a >= 0 && a < ndim, "axis %d out of range for a %d-d tensor", axis, ndim);
    return a;
}

axis_split shape_axis_split(const tensor *t, int axis)
{
    int a = shape_normalize_axis(axis, t->ndim);
    axis_split s = { 1, 1, t->shape[a] };
    for (int i = 0; i < a; i++) s.outer *= (size_t)t->shape[i];
    for (int i = a + 1; i < t->ndim; i++) s.inner *= (size_t)t->shape[i];
    return s;
}

bool shape_broadcast(int andim, const int *ashape, int bndim, const int *bshape,
                     int *ndim, int *shape)
{
    int n = andim > bndim ? andim : bndim;
    for (int i = 0; i < n; i++) {
        /* i-th dim from the right */
        int da = i < andim ? ashape[andim - 1 - i] : 1;
        int db = i < bndim ? bshape[bndim - 1 - i] : 1;
        if (da != db && da != 1 && db != 1) return false;
        shape[n - 1 - i] = da == 1 ? db : da;
    }
    *ndim = n;
    return true;
}

bool shape_broadcasts_to(const tensor *small, const tensor *big)
{
    if (small->ndim > big->ndim) return false;
    int off = big->ndim - small->ndim;
    for (int i = 0; i < small->ndim; i++)
        if (small->shape[i] != 1 && small->shape[i] != big->shape[off + i]) return false;
    return true;
}

void shape_broadcast_strides(const tensor *t, int out_ndim, const int *out_shape, size_t *strides)
{
    int off = out_ndim - t->ndim;
    TENSOR_CHECK(off >= 0, "a %d-d tensor cannot broadcast to %d dims", t->ndim, out_ndim);
    size_t s = 1;
    for (int i = out_ndim - 1; i >= 0; i--) {
        if (i < off) { strides[i] = 0; continue; }
        int d = t->shape[i - off];
        TENSOR_CHECK(d == 1 || d == out_shape[i], "dim %d of size %d cannot broadcast to %d",
                     i - off, d, out_shape[i]);
        strides[i] = (d == 1 && out_shape[i] != 1) ? 0 : s;
        s *= (size_t)d;
    }
}

conv_geometry conv2d_geometry(const tensor *x, const tensor *w, const conv2d_params *p)
{
    conv_geometry g = {
        .n = x->shape[0], .groups = p->groups,
        .img_c = x->shape[1], .img_h = x->shape[2], .img_w = x->shape[3],
        .grid_c = w->shape[0],
        .grid_h = conv2d_out_size(x->shape[2], w->shape[2], p->stride_h, p->pad_top, p->pad_bottom),
        .grid_w = conv2d_out_size(x->shape[3], w->shape[3], p->stride_w, p->pad_left, p->pad_right),
        .kh = w->shape[2], .kw = w->shape[3],
        .stride_h = p->stride_h, .stride_w = p->stride_w,
        .pad_top = p->pad_top, .pad_left = p->pad_left,
    };
    return g;
}

conv_geometry conv_transpose2d_geometry(const tensor *x, const tensor *w, const tensor *y,
                                        const conv2d_params *p)
{
    conv_geometry g = {
        .n = x->shape[0], .groups = p->groups,
        .img_c = y->shape[1], .img_h = y->shape[2], .img_w = y->shape[3],
        .grid_c = x->shape[1], .grid_h = x->shape[2], .grid_w = x->shape[3],
        .kh = w->shape[2], .kw = w->shape[3],
        .stride_h = p->stride_h, .stride_w = p->stride_w,
        .pad_top = p->pad_top, .pad_left = p->pad_left,
    };
    return g;
}

void shape_concat_offsets(const char *op, const tensor *const *pieces, int n, int axis, int total,
                          int *offsets)
{
    int front = 0, missing = 0;
    for (int i = 0; i < n; i++) {
        offsets[i] = -1;
        if (!pieces[i]) { missing++; continue; }
        if (!missing) {
            offsets[i] = front;
            front += pieces[i]->shape[axis];
        }
    }
    int back = total;
    for (int i = n - 1; i >= 0 && pieces[i]; i--) {
        back -= pieces[i]->shape[axis];
        TENSOR_CHECK(offsets[i] < 0 || offsets[i] == back,
                     "%s: the pieces' lengths along axis %d do not add up to %d", op, axis, total);
        offsets[i] = back;
    }
    if (!missing)
        TENSOR_CHECK(front == total, "%s: the pieces' lengths along axis %d add up to %d, not %d", op,
                     axis, front, total);
    for (int i = 0; i < n; i++)
        TENSOR_CHECK(!pieces[i] || offsets[i] >= 0,
                     "%s: piece %d's position is unknown because pieces before and after it are "
                     "NULL", op, i);
    /* Each NULL piece is at least one long. */
    TENSOR_CHECK(missing == 0 || back - front >= missing,
                 "%s: the pieces are longer than %d along axis %d", op, total, axis);
}
