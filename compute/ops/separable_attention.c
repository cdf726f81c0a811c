/* Separable transpose attention: shape checks and backend dispatch. */
#include <math.h>
#include <stdio.h>

#include "compute/cpu/cpu_ops.h"
#include "compute/ops/op_check.h"
#include "compute/ops/sepattn_geometry.h"
#include "compute/vulkan/vk_ops.h"

sepattn_geometry sepattn_geometry_of(const sepattn_tensors *in)
{
    sepattn_geometry g;
    g.n = in->ka->shape[0];
    g.heads = in->ka->shape[1];
    g.c = in->ka->shape[2];
    g.W = in->kx->shape[2];
    g.H = in->ky->shape[2];
    g.k = in->ws->shape[2];
    g.before = (g.k - 1) / 2;
    g.after = g.k / 2;
    g.classes = g.k;
    return g;
}

static void check_dims(const char *op, const char *name, const tensor *t, const compute_ctx *ctx, int ndim,
                       const int *shape)
{
    op_check_present(op, name, t);
    op_check_ctx(op, name, t, ctx);
    bool ok = t->ndim == ndim;
    for (int d = 0; ok && d < ndim; d++) ok = t->shape[d] == shape[d];
    char want[96];
    int len = 0;
    for (int d = 0; d < ndim && len < (int)sizeof want - 12; d++) len += snprintf(want + len, sizeof want - (size_t)len, "%s%d", d ? "x" : "", shape[d]);
    TENSOR_CHECK(ok, "%s: %s is %s, expected %s", op, name, SHAPE(t), want);
}

/* Checks every input against ka's and kx's/ky's/ws's sizes; returns the geometry. */
static sepattn_geometry check_inputs(const char *op, const sepattn_tensors *in, float scale)
{
    TENSOR_CHECK(in != NULL, "%s: inputs are NULL", op);
    op_check_present(op, "ka", in->ka);
    op_check_present(op, "kx", in->kx);
    op_check_present(op, "ky", in->ky);
    op_check_present(op, "ws", in->ws);
    const compute_ctx *ctx = in->ka->ctx;
    TENSOR_CHECK(in->ka->ndim == 3 && in->kx->ndim == 3 && in->ky->ndim == 3 && in->ws->ndim == 4,
                 "%s: ka %s, kx %s, ky %s, ws %s (expected [N,h,C], [h,C,W], [h,C,H], [C,C,k,k])", op,
                 SHAPE(in->ka), SHAPE(in->kx), SHAPE(in->ky), SHAPE(in->ws));
    sepattn_geometry g = sepattn_geometry_of(in);
    int nhc[3] = {g.n, g.heads, g.c}, hcw[3] = {g.heads, g.c, g.W}, hch[3] = {g.heads, g.c, g.H};
    int wss[4] = {g.c, g.c, g.k, g.k};
    check_dims(op, "ka", in->ka, ctx, 3, nhc);
    check_dims(op, "kx", in->kx, ctx, 3, hcw);
    check_dims(op, "ky", in->ky, ctx, 3, hch);
    check_dims(op, "va", in->va, ctx, 3, nhc);
    check_dims(op, "vx", in->vx, ctx, 3, hcw);
    check_dims(op, "vy", in->vy, ctx, 3, hch);
    check_dims(op, "ws", in->ws, ctx, 4, wss);
    TENSOR_CHECK(g.k >= 1 && g.k <= SEPATTN_MAX_KERNEL, "%s: kernel %d (1..%d supported)", op, g.k,
                 SEPATTN_MAX_KERNEL);
    TENSOR_CHECK(g.H >= g.k && g.W >= g.k, "%s: a %dx%d grid is smaller than the %dx%d kernel", op, g.H, g.W,
                 g.k, g.k);
    TENSOR_CHECK(isfinite(scale), "%s: scale %g", op, scale);
    return g;
}

static void check_optional(const char *op, const char *name, const tensor *t, const tensor *like)
{
    if (!t) return;
    op_check_ctx(op, name, t, like->ctx);
    op_check_same_shape(op, name, t, "its input", like);
}

void op_separable_attention_forward(const sepattn_tensors *in, float scale, tensor *t, tensor *w)
{
    const char *op = "separable_attention_forward";
    sepattn_geometry g = check_inputs(op, in, scale);
    int ts[4] = {g.n, g.c, g.H, g.W}, wsh[5] = {g.n, g.heads, g.c, g.H, g.W};
    check_dims(op, "t", t, in->ka->ctx, 4, ts);
    if (w) check_dims(op, "w", w, in->ka->ctx, 5, wsh);
    if (in->ka->ctx->backend == COMPUTE_CPU) cpu_separable_attention_forward(in, scale, t, w);
    else vk_separable_attention_forward(in, scale, t, w);
}

void op_separable_attention_backward(const sepattn_tensors *in, float scale, const tensor *dt,
                                     const sepattn_tensors *grad)
{
    const char *op = "separable_attention_backward";
    sepattn_geometry g = check_inputs(op, in, scale);
    int ts[4] = {g.n, g.c, g.H, g.W};
    check_dims(op, "dt", dt, in->ka->ctx, 4, ts);
    TENSOR_CHECK(grad != NULL, "%s: gradients are NULL", op);
    check_optional(op, "dka", grad->ka, in->ka);
    check_optional(op, "dkx", grad->kx, in->kx);
    check_optional(op, "dky", grad->ky, in->ky);
    check_optional(op, "dva", grad->va, in->va);
    check_optional(op, "dvx", grad->vx, in->vx);
    check_optional(op, "dvy", grad->vy, in->vy);
    check_optional(op, "dws", grad->ws, in->ws);
    if (in->ka->ctx->backend == COMPUTE_CPU) cpu_separable_attention_backward(in, scale, dt, grad);
    else vk_separable_attention_backward(in, scale, dt, grad);
}
