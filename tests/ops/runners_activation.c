/* Runners for relu, leaky_relu, sigmoid, softmax and scale: one input x, one output y of x's shape. */
#include <math.h>

#include "tests/ops/op_registry.h"

typedef enum { ACT_RELU, ACT_LEAKY, ACT_SIGMOID, ACT_SOFTMAX, ACT_SCALE } act_kind;

static void run_unary(act_kind kind, compute_ctx *ctx, const cJSON *params, const ot_set *in, ot_set *out,
                      unsigned grads)
{
    float slope = (float)ot_param_double(params, "slope", 0.2);
    float alpha = (float)ot_param_double(params, "alpha", 1.0), beta = (float)ot_param_double(params, "beta", 0.0);
    int axis = ot_param_int(params, "axis", -1);   /* softmax documents negative axes: passed as given */
    tensor *x = ot_upload(ctx, ot_set_get(in, "x"));
    tensor *y = ot_output_like(x);
    switch (kind) {
    case ACT_RELU: op_relu_forward(x, y); break;
    case ACT_LEAKY: op_leaky_relu_forward(x, y, slope); break;
    case ACT_SIGMOID: op_sigmoid_forward(x, y); break;
    case ACT_SOFTMAX: op_softmax_forward(x, y, axis); break;
    case ACT_SCALE: op_scale_forward(x, y, alpha, beta); break;
    }
    ot_download(y, out, "y");
    if (grads & 1u) {
        tensor *dy = ot_upload(ctx, ot_set_get(in, "dy"));
        tensor *dx = ot_output_like(x);
        switch (kind) {
        case ACT_RELU: op_relu_backward(x, dy, dx); break;
        case ACT_LEAKY: op_leaky_relu_backward(x, dy, dx, slope); break;
        case ACT_SIGMOID: op_sigmoid_backward(y, dy, dx); break;
        case ACT_SOFTMAX: op_softmax_backward(y, dy, dx, axis); break;
        case ACT_SCALE: op_scale_backward(dy, dx, alpha); break;
        }
        ot_download(dx, out, "dx");
        ot_free_tensors((tensor *[]){ dy, dx }, 2);
    }
    ot_free_tensors((tensor *[]){ x, y }, 2);
}

#define UNARY_RUNNER(fn, kind)                                                                        \
    static void fn(compute_ctx *ctx, const cJSON *params, const ot_set *in, ot_set *out, unsigned grads) \
    {                                                                                                 \
        run_unary(kind, ctx, params, in, out, grads);                                                 \
    }
UNARY_RUNNER(run_relu, ACT_RELU)
UNARY_RUNNER(run_leaky_relu, ACT_LEAKY)
UNARY_RUNNER(run_sigmoid, ACT_SIGMOID)
UNARY_RUNNER(run_softmax, ACT_SOFTMAX)
UNARY_RUNNER(run_scale, ACT_SCALE)

/* Keeps every x at least 5 eps away from the kink at 0. */
static void move_off_zero(ot_set *in, ot_rng *r, float eps)
{
    (void)r;
    ot_array *x = ot_set_get(in, "x");
    for (size_t i = 0; i < x->numel; i++)
        x->data[i] = copysignf(fabsf(x->data[i]) + 5.0f * eps, x->data[i]);
}

#define UNARY_OP(name, runner, fd_safe)                                                              \
    const ot_op ot_op_##name = { .op = #name, .family = "activation", .run = runner, .fd_output = "y", \
                                 .upstream = "dy", .grads = { { "x", "dx" } }, .make_fd_safe = fd_safe }
UNARY_OP(relu, run_relu, move_off_zero);
UNARY_OP(leaky_relu, run_leaky_relu, move_off_zero);
UNARY_OP(sigmoid, run_sigmoid, NULL);

const ot_op ot_op_softmax = {
    .op = "softmax", .family = "softmax", .run = run_softmax, .fd_output = "y", .upstream = "dy",
    .grads = { { "x", "dx" } },
};

const ot_op ot_op_scale = {
    .op = "scale", .family = "elementwise", .run = run_scale, .fd_output = "y", .upstream = "dy",
    .grads = { { "x", "dx" } },
};
