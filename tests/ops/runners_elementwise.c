/* Runners for broadcasting add/mul and the reductions sum/mean. */
#include "tests/ops/op_registry.h"

/* NumPy broadcast shape of a and b (right-aligned, size-1 dims stretch). Returns its ndim, or -1
 * when the shapes do not broadcast (a broken test case). */
static int broadcast_shape(const tensor *a, const tensor *b, int *shape)
{
    int nd = a->ndim > b->ndim ? a->ndim : b->ndim;
    for (int i = 0; i < nd; i++) {
        int ia = a->ndim - nd + i, ib = b->ndim - nd + i;
        int da = ia >= 0 ? a->shape[ia] : 1, db = ib >= 0 ? b->shape[ib] : 1;
        if (da != db && da != 1 && db != 1) return -1;
        shape[i] = da > db ? da : db;
    }
    return nd;
}

static void run_binary(bool is_mul, compute_ctx *ctx, const ot_set *in, ot_set *out, unsigned grads)
{
    tensor *a = ot_upload(ctx, ot_set_get(in, "a"));
    tensor *b = ot_upload(ctx, ot_set_get(in, "b"));
    int shape[TENSOR_MAX_DIMS];
    int nd = broadcast_shape(a, b, shape);
    if (nd < 0) {
        ot_fail("%s: inputs do not broadcast", is_mul ? "mul" : "add");
        ot_free_tensors((tensor *[]){ a, b }, 2);
        return;
    }
    tensor *y = ot_output(ctx, nd, shape);
    if (is_mul) op_mul_forward(a, b, y);
    else op_add_forward(a, b, y);
    ot_download(y, out, "y");
    if (grads) {
        tensor *dy = ot_upload(ctx, ot_set_get(in, "dy"));
        tensor *da = ot_grad_output(a, grads, 0), *db = ot_grad_output(b, grads, 1);
        if (is_mul) op_mul_backward(a, b, dy, da, db);
        else op_add_backward(dy, da, db);
        ot_download(da, out, "da");
        ot_download(db, out, "db");
        ot_free_tensors((tensor *[]){ dy, da, db }, 3);
    }
    ot_free_tensors((tensor *[]){ a, b, y }, 3);
}

static void run_add(compute_ctx *ctx, const cJSON *params, const ot_set *in, ot_set *out, unsigned grads)
{
    (void)params;
    run_binary(false, ctx, in, out, grads);
}

static void run_mul(compute_ctx *ctx, const cJSON *params, const ot_set *in, ot_set *out, unsigned grads)
{
    (void)params;
    run_binary(true, ctx, in, out, grads);
}

/* ops.h documents negative axes for softmax only, so the runners of the other axis ops normalise. */
static int normalise_axis(int axis, int ndim)
{
    return axis < 0 ? axis + ndim : axis;
}

static void run_sum(compute_ctx *ctx, const cJSON *params, const ot_set *in, ot_set *out, unsigned grads)
{
    tensor *x = ot_upload(ctx, ot_set_get(in, "x"));
    int axis = normalise_axis(ot_param_int(params, "axis", 0), x->ndim);
    bool keepdim = ot_param_bool(params, "keepdim", false);
    int shape[TENSOR_MAX_DIMS], nd = 0;
    for (int i = 0; i < x->ndim; i++) {
        if (i != axis) shape[nd++] = x->shape[i];
        else if (keepdim) shape[nd++] = 1;
    }
    tensor *y = ot_output(ctx, nd, shape);
    op_sum_forward(x, y, axis);
    ot_download(y, out, "y");
    if (grads) {
        tensor *dy = ot_upload(ctx, ot_set_get(in, "dy"));
        tensor *dx = ot_output_like(x);
        op_sum_backward(dy, dx, axis);
        ot_download(dx, out, "dx");
        ot_free_tensors((tensor *[]){ dy, dx }, 2);
    }
    ot_free_tensors((tensor *[]){ x, y }, 2);
}

static void run_mean(compute_ctx *ctx, const cJSON *params, const ot_set *in, ot_set *out, unsigned grads)
{
    (void)params;
    tensor *x = ot_upload(ctx, ot_set_get(in, "x"));
    tensor *m = ot_output(ctx, 1, (int[]){ 1 });
    op_mean_forward(x, m);
    ot_download(m, out, "out");
    if (grads) {
        tensor *dloss = ot_upload(ctx, ot_set_get(in, "dloss"));
        tensor *dx = ot_output_like(x);
        op_mean_backward(dloss, dx);
        ot_download(dx, out, "dx");
        ot_free_tensors((tensor *[]){ dloss, dx }, 2);
    }
    ot_free_tensors((tensor *[]){ x, m }, 2);
}

const ot_op ot_op_add = {
    .op = "add", .family = "elementwise", .run = run_add, .fd_output = "y", .upstream = "dy",
    .grads = { { "a", "da" }, { "b", "db" } },
};

const ot_op ot_op_mul = {
    .op = "mul", .family = "elementwise", .run = run_mul, .fd_output = "y", .upstream = "dy",
    .grads = { { "a", "da" }, { "b", "db" } },
};

const ot_op ot_op_sum = {
    .op = "sum", .family = "reduce", .run = run_sum, .fd_output = "y", .upstream = "dy",
    .grads = { { "x", "dx" } },
};

const ot_op ot_op_mean = {
    .op = "mean", .family = "reduce", .run = run_mean, .fd_output = "out", .upstream = "dloss",
    .grads = { { "x", "dx" } },
};
