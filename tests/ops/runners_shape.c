/* Runners for concat, slice, bilinear resize and 2x2 max-pool. */
#include <stdio.h>
#include <stdlib.h>

#include "tests/ops/op_registry.h"

#define CONCAT_MAX 4

static int normalise_axis(int axis, int ndim)
{
    return axis < 0 ? axis + ndim : axis;
}

static void run_concat(compute_ctx *ctx, const cJSON *params, const ot_set *in, ot_set *out, unsigned grads)
{
    int n = ot_param_int(params, "n", 0);
    if (n < 1 || n > CONCAT_MAX) {
        ot_fail("concat: n = %d (1..%d supported by the runner)", n, CONCAT_MAX);
        return;
    }
    tensor *xs[CONCAT_MAX];
    char name[16];
    for (int i = 0; i < n; i++) {
        snprintf(name, sizeof name, "x%d", i);
        xs[i] = ot_upload(ctx, ot_set_get(in, name));
    }
    int axis = normalise_axis(ot_param_int(params, "axis", 0), xs[0]->ndim);
    int shape[TENSOR_MAX_DIMS];
    for (int d = 0; d < xs[0]->ndim; d++) shape[d] = xs[0]->shape[d];
    for (int i = 1; i < n; i++) shape[axis] += xs[i]->shape[axis];
    tensor *y = ot_output(ctx, xs[0]->ndim, shape);
    op_concat_forward((const tensor *const *)xs, n, y, axis);
    ot_download(y, out, "y");
    if (grads) {
        tensor *dy = ot_upload(ctx, ot_set_get(in, "dy"));
        tensor *dxs[CONCAT_MAX];
        for (int i = 0; i < n; i++) dxs[i] = ot_grad_output(xs[i], grads, i);
        op_concat_backward(dy, dxs, n, axis);
        for (int i = 0; i < n; i++) {
            snprintf(name, sizeof name, "dx%d", i);
            ot_download(dxs[i], out, name);
        }
        ot_free_tensors(dxs, n);
        tensor_free(dy);
    }
    ot_free_tensors(xs, n);
    tensor_free(y);
}

static void run_slice(compute_ctx *ctx, const cJSON *params, const ot_set *in, ot_set *out, unsigned grads)
{
    tensor *x = ot_upload(ctx, ot_set_get(in, "x"));
    int axis = normalise_axis(ot_param_int(params, "axis", 0), x->ndim);
    int start = ot_param_int(params, "start", 0);
    int shape[TENSOR_MAX_DIMS];
    for (int d = 0; d < x->ndim; d++) shape[d] = x->shape[d];
    shape[axis] = ot_param_int(params, "length", 1);
    tensor *y = ot_output(ctx, x->ndim, shape);
    op_slice_forward(x, y, axis, start);
    ot_download(y, out, "y");
    if (grads) {
        tensor *dy = ot_upload(ctx, ot_set_get(in, "dy"));
        tensor *dx = ot_output_like(x);
        op_slice_backward(dy, dx, axis, start);
        ot_download(dx, out, "dx");
        ot_free_tensors((tensor *[]){ dy, dx }, 2);
    }
    ot_free_tensors((tensor *[]){ x, y }, 2);
}

static void run_resize_bilinear(compute_ctx *ctx, const cJSON *params, const ot_set *in, ot_set *out,
                                unsigned grads)
{
    tensor *x = ot_upload(ctx, ot_set_get(in, "x"));
    tensor *y = ot_output(ctx, 4, (int[]){ x->shape[0], x->shape[1], ot_param_int(params, "out_h", 1),
                                           ot_param_int(params, "out_w", 1) });
    op_resize_bilinear_forward(x, y);
    ot_download(y, out, "y");
    if (grads) {
        tensor *dy = ot_upload(ctx, ot_set_get(in, "dy"));
        tensor *dx = ot_output_like(x);
        op_resize_bilinear_backward(dy, dx);
        ot_download(dx, out, "dx");
        ot_free_tensors((tensor *[]){ dy, dx }, 2);
    }
    ot_free_tensors((tensor *[]){ x, y }, 2);
}

static void run_maxpool2x2(compute_ctx *ctx, const cJSON *params, const ot_set *in, ot_set *out,
                           unsigned grads)
{
    (void)params;
    tensor *x = ot_upload(ctx, ot_set_get(in, "x"));
    tensor *y = ot_output(ctx, 4, (int[]){ x->shape[0], x->shape[1], x->shape[2] / 2, x->shape[3] / 2 });
    op_maxpool2x2_forward(x, y);
    ot_download(y, out, "y");
    if (grads) {
        tensor *dy = ot_upload(ctx, ot_set_get(in, "dy"));
        tensor *dx = ot_output_like(x);
        op_maxpool2x2_backward(x, dy, dx);
        ot_download(dx, out, "dx");
        ot_free_tensors((tensor *[]){ dy, dx }, 2);
    }
    ot_free_tensors((tensor *[]){ x, y }, 2);
}

/* Distinct values 5 eps apart in random order: every window has a clear maximum that a step of eps
 * cannot overtake. */
static void spread_distinct(ot_set *in, ot_rng *r, float eps)
{
    ot_array *x = ot_set_get(in, "x");
    size_t n = x->numel;
    size_t *perm = malloc(n * sizeof *perm);
    if (!perm) abort();
    for (size_t i = 0; i < n; i++) perm[i] = i;
    for (size_t i = n - 1; i > 0; i--) {
        size_t j = (size_t)(ot_rand_uniform(r) * (double)(i + 1));
        size_t t = perm[i];
        perm[i] = perm[j];
        perm[j] = t;
    }
    for (size_t i = 0; i < n; i++) x->data[i] = ((float)perm[i] - (float)n / 2) * 5.0f * eps;
    free(perm);
}

const ot_op ot_op_concat = {
    .op = "concat", .family = "shape", .run = run_concat, .fd_output = "y", .upstream = "dy",
    .grads = { { "x0", "dx0" }, { "x1", "dx1" }, { "x2", "dx2" }, { "x3", "dx3" } },
    .alone_only_at_ends = true,
};

const ot_op ot_op_slice = {
    .op = "slice", .family = "shape", .run = run_slice, .fd_output = "y", .upstream = "dy",
    .grads = { { "x", "dx" } },
};

const ot_op ot_op_resize_bilinear = {
    .op = "resize_bilinear", .family = "resize", .run = run_resize_bilinear, .fd_output = "y",
    .upstream = "dy", .grads = { { "x", "dx" } },
};

const ot_op ot_op_maxpool2x2 = {
    .op = "maxpool2x2", .family = "pool", .run = run_maxpool2x2, .fd_output = "y", .upstream = "dy",
    .grads = { { "x", "dx" } }, .make_fd_safe = spread_distinct,
};
