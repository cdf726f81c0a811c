/* Runners for linear, conv2d and conv_transpose2d. Output shapes are derived here from the inputs and
 * the case parameters (with the op library's size helpers), so PyTorch's shapes check them too. */
#include "tests/ops/op_registry.h"

static void run_linear(compute_ctx *ctx, const cJSON *params, const ot_set *in, ot_set *out, unsigned grads)
{
    (void)params;
    const ot_array *bias = ot_set_find(in, "b");
    tensor *x = ot_upload(ctx, ot_set_get(in, "x"));
    tensor *w = ot_upload(ctx, ot_set_get(in, "w"));
    tensor *b = bias ? ot_upload(ctx, bias) : NULL;
    tensor *y = ot_output(ctx, 2, (int[]){ x->shape[0], w->shape[0] });
    op_linear_forward(x, w, b, y);
    ot_download(y, out, "y");
    if (grads) {
        tensor *dy = ot_upload(ctx, ot_set_get(in, "dy"));
        tensor *dx = ot_grad_output(x, grads, 0), *dw = ot_grad_output(w, grads, 1);
        tensor *db = b ? ot_grad_output(b, grads, 2) : NULL;
        op_linear_backward(x, w, dy, dx, dw, db);
        ot_download(dx, out, "dx");
        ot_download(dw, out, "dw");
        ot_download(db, out, "db");
        ot_free_tensors((tensor *[]){ dy, dx, dw, db }, 4);
    }
    ot_free_tensors((tensor *[]){ x, w, b, y }, 4);
}

/* stride [h,w], pad [top,bottom,left,right], groups, output_pad [h,w] (transposed only). */
static conv2d_params conv_params_from_json(const cJSON *params)
{
    int stride[2], pad[4], output_pad[2] = { 0, 0 };
    ot_param_ints(params, "stride", stride, 2);
    ot_param_ints(params, "pad", pad, 4);
    if (cJSON_GetObjectItemCaseSensitive(params, "output_pad"))
        ot_param_ints(params, "output_pad", output_pad, 2);
    conv2d_params p = {
        .stride_h = stride[0], .stride_w = stride[1],
        .pad_top = pad[0], .pad_bottom = pad[1], .pad_left = pad[2], .pad_right = pad[3],
        .groups = ot_param_int(params, "groups", 1),
        .output_pad_h = output_pad[0], .output_pad_w = output_pad[1],
    };
    return p;
}

static void run_conv2d(compute_ctx *ctx, const cJSON *params, const ot_set *in, ot_set *out, unsigned grads)
{
    conv2d_params p = conv_params_from_json(params);
    const ot_array *bias = ot_set_find(in, "b");
    tensor *x = ot_upload(ctx, ot_set_get(in, "x"));
    tensor *w = ot_upload(ctx, ot_set_get(in, "w"));
    tensor *b = bias ? ot_upload(ctx, bias) : NULL;
    int ho = conv2d_out_size(x->shape[2], w->shape[2], p.stride_h, p.pad_top, p.pad_bottom);
    int wo = conv2d_out_size(x->shape[3], w->shape[3], p.stride_w, p.pad_left, p.pad_right);
    tensor *y = ot_output(ctx, 4, (int[]){ x->shape[0], w->shape[0], ho, wo });
    op_conv2d_forward(x, w, b, y, &p);
    ot_download(y, out, "y");
    if (grads) {
        tensor *dy = ot_upload(ctx, ot_set_get(in, "dy"));
        tensor *dx = ot_grad_output(x, grads, 0), *dw = ot_grad_output(w, grads, 1);
        tensor *db = b ? ot_grad_output(b, grads, 2) : NULL;
        op_conv2d_backward(x, w, dy, dx, dw, db, &p);
        ot_download(dx, out, "dx");
        ot_download(dw, out, "dw");
        ot_download(db, out, "db");
        ot_free_tensors((tensor *[]){ dy, dx, dw, db }, 4);
    }
    ot_free_tensors((tensor *[]){ x, w, b, y }, 4);
}

static void run_conv_transpose2d(compute_ctx *ctx, const cJSON *params, const ot_set *in, ot_set *out,
                                 unsigned grads)
{
    conv2d_params p = conv_params_from_json(params);
    const ot_array *bias = ot_set_find(in, "b");
    tensor *x = ot_upload(ctx, ot_set_get(in, "x"));
    tensor *w = ot_upload(ctx, ot_set_get(in, "w"));
    tensor *b = bias ? ot_upload(ctx, bias) : NULL;
    int ho = conv_transpose2d_out_size(x->shape[2], w->shape[2], p.stride_h, p.pad_top, p.pad_bottom,
                                       p.output_pad_h);
    int wo = conv_transpose2d_out_size(x->shape[3], w->shape[3], p.stride_w, p.pad_left, p.pad_right,
                                       p.output_pad_w);
    tensor *y = ot_output(ctx, 4, (int[]){ x->shape[0], w->shape[1] * p.groups, ho, wo });
    op_conv_transpose2d_forward(x, w, b, y, &p);
    ot_download(y, out, "y");
    if (grads) {
        tensor *dy = ot_upload(ctx, ot_set_get(in, "dy"));
        tensor *dx = ot_grad_output(x, grads, 0), *dw = ot_grad_output(w, grads, 1);
        tensor *db = b ? ot_grad_output(b, grads, 2) : NULL;
        op_conv_transpose2d_backward(x, w, dy, dx, dw, db, &p);
        ot_download(dx, out, "dx");
        ot_download(dw, out, "dw");
        ot_download(db, out, "db");
        ot_free_tensors((tensor *[]){ dy, dx, dw, db }, 4);
    }
    ot_free_tensors((tensor *[]){ x, w, b, y }, 4);
}

const ot_op ot_op_linear = {
    .op = "linear", .family = "linear", .run = run_linear, .fd_output = "y", .upstream = "dy",
    .grads = { { "x", "dx" }, { "w", "dw" }, { "b", "db" } },
};

const ot_op ot_op_conv2d = {
    .op = "conv2d", .family = "conv2d", .run = run_conv2d, .fd_output = "y", .upstream = "dy",
    .grads = { { "x", "dx" }, { "w", "dw" }, { "b", "db" } },
};

const ot_op ot_op_conv_transpose2d = {
    .op = "conv_transpose2d", .family = "conv_transpose2d", .run = run_conv_transpose2d,
    .fd_output = "y", .upstream = "dy",
    .grads = { { "x", "dx" }, { "w", "dw" }, { "b", "db" } },
};
