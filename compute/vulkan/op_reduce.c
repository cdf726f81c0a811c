/* Sum over an axis and mean on the Vulkan backend, plus the general strided sum-reduction
 * (shaders/reduce_sum.comp) that add/mul backward (op_elementwise.c) and the loss forwards
 * (op_loss.c) also use through the vk_reduce_* functions at the end of this file. */
#include "compute/vulkan/vk_ops.h"
#include "compute/vulkan/vk_reduce.h"
#include "compute/vulkan/vk_runtime.h"

#include <string.h>

#include "compute/ops/shape_util.h"
#include "compute/vulkan/gemm.h"

#define REDUCE_MAX_DIMS 6

/* The TERM specialization constant of reduce_sum.comp: what is summed. */
enum { REDUCE_TERM_A = 0, REDUCE_TERM_PRODUCT = 1, REDUCE_TERM_ABS_DIFF = 2, REDUCE_TERM_BCE_LOGITS = 3 };

/* One dimension of a reduction's iteration space: its size, the element strides of both operands
 * and whether the output keeps it. */
typedef struct reduce_dim {
    size_t size;
    size_t stride_a, stride_b;
    bool kept;
} reduce_dim;

/* Matches the push block of shaders/reduce_sum.comp. */
typedef struct reduce_sum_push {
    uint32_t nkept, ndim, nout, nred;
    float scale;
    uint32_t nsplit, split_len;
    uint32_t size[REDUCE_MAX_DIMS];
    uint32_t stride_a[REDUCE_MAX_DIMS];
    uint32_t stride_b[REDUCE_MAX_DIMS];
} reduce_sum_push;

static uint32_t pow2_at_least(uint64_t v, uint32_t lo, uint32_t hi)
{
    uint32_t p = lo;
    while (p < hi && p < v) p <<= 1;
    return p;
}

/* Drops size-1 dimensions and merges neighbours that are contiguous in both operands and agree on
 * being kept, so the shader decomposes as few indices as possible. Returns the new count. */
static int collapse_dims(reduce_dim *d, int n)
{
    int m = 0;
    for (int i = 0; i < n; i++) {
        if (d[i].size == 1) continue;
        if (m > 0) {
            reduce_dim *prev = &d[m - 1];
            if (prev->kept == d[i].kept && prev->stride_a == d[i].stride_a * d[i].size &&
                prev->stride_b == d[i].stride_b * d[i].size) {
                prev->size *= d[i].size;
                prev->stride_a = d[i].stride_a;
                prev->stride_b = d[i].stride_b;
                continue;
            }
        }
        d[m++] = d[i];
    }
    return m;
}

/* Implementations that run workgroups as CPU threads (lavapipe: subgroup 8) are busy with a few
 * workgroups, and there a workgroup barrier costs far more than a strided read. */
static bool device_runs_on_cpu(const compute_ctx *ctx)
{
    return vk_get_limits(ctx)->subgroup_size < 16;
}

/* out[o] = scale * sum over the non-kept dims of term(a, b); out is contiguous over the kept dims in
 * their order. b may equal a when the term reads only a. */
static void reduce_dims_launch(const tensor *a, const tensor *b, tensor *out, reduce_dim *dims, int n,
                               unsigned term, float scale)
{
    compute_ctx *ctx = out->ctx;
    const vk_limits *lim = vk_get_limits(ctx);
    n = collapse_dims(dims, n);
    TENSOR_CHECK(n <= REDUCE_MAX_DIMS, "reduce_sum: %d dimensions after collapsing", n);
    reduce_sum_push pc;
    memset(&pc, 0, sizeof pc);
    uint64_t nout = 1, nred = 1;
    bool innermost_reduced = false;
    int k = 0;
    for (int pass = 0; pass < 2; pass++) {   /* kept dims first, then reduced ones */
        for (int i = 0; i < n; i++) {
            if (dims[i].kept != (pass == 0)) continue;
            TENSOR_CHECK(dims[i].size <= UINT32_MAX && dims[i].stride_a <= UINT32_MAX &&
                             dims[i].stride_b <= UINT32_MAX,
                         "reduce_sum: tensor too large for 32-bit indexing");
            pc.size[k] = (uint32_t)dims[i].size;
            pc.stride_a[k] = (uint32_t)dims[i].stride_a;
            pc.stride_b[k] = (uint32_t)dims[i].stride_b;
            if (pass == 0) nout *= dims[i].size;
            else nred *= dims[i].size;
            if (pass == 1 && dims[i].stride_a == 1) innermost_reduced = true;
            k++;
        }
        if (pass == 0) pc.nkept = (uint32_t)k;
    }
    if (k == (int)pc.nkept) {   /* nothing reduced: one reduced dim of size 1 keeps the shader simple */
        TENSOR_CHECK(k < REDUCE_MAX_DIMS, "reduce_sum: too many dimensions");
        pc.size[k] = 1;
        k++;
    }
    TENSOR_CHECK(nout == out->numel, "reduce_sum: %llu outputs for a tensor of %zu",
                 (unsigned long long)nout, out->numel);
    TENSOR_CHECK(nout * nred <= UINT32_MAX, "reduce_sum: tensor too large for 32-bit indexing");
    pc.ndim = (uint32_t)k;
    pc.nout = (uint32_t)nout;
    pc.nred = (uint32_t)nred;
    pc.scale = scale;
    pc.nsplit = 1;
    pc.split_len = (uint32_t)nred;

    /* A workgroup per output when the reduced elements are contiguous (coalesced) or when there are
     * too few outputs to occupy the device with one invocation each; otherwise an invocation per
     * output, which reads coalesced across neighbouring outputs. */
    bool cpu = device_runs_on_cpu(ctx);
    uint64_t busy = cpu ? 16 : 1024;
    uint64_t contiguous_min = cpu ? 4096 : 64;
    bool group_mode = (innermost_reduced && nred >= contiguous_min) || (nout < busy * 64 && nred >= 256);
    tensor *target = out;
    uint32_t wg;
    if (group_mode) {
        wg = pow2_at_least(nred, 32, nout == 1 ? 1024 : 256);
        while (wg > lim->max_workgroup_invocations || wg > lim->max_workgroup_size[0] ||
               wg * 8u > lim->max_shared_memory)
            wg >>= 1;
        /* Split long reductions over several workgroups when outputs alone leave the device idle;
         * each split still reads >= 4096 elements. The partials go to the shared workspace and a
         * second pass adds them in a fixed order (deterministic, no atomics). */
        uint64_t splits = 1;
        if (nout < busy) splits = (busy + nout - 1) / nout;
        uint64_t max_splits = (nred + 4095) / 4096;
        if (splits > max_splits) splits = max_splits;
        if (splits > 1) {
            pc.split_len = (uint32_t)((nred + splits - 1) / splits);
            pc.nsplit = (uint32_t)((nred + pc.split_len - 1) / pc.split_len);
            target = vk_workspace(ctx, (size_t)pc.nsplit * nout);
        }
    } else {
        wg = 256;
        if (wg > lim->max_workgroup_invocations) wg = lim->max_workgroup_invocations;
    }
    uint32_t spec[3] = {wg, group_mode ? 1u : 0u, term};
    const tensor *bufs[3] = {a, b, target};
    uint32_t gx, gy;
    vk_grid_1d(ctx, group_mode ? nout * pc.nsplit : vk_div_up(nout, wg), &gx, &gy);
    vk_dispatch(ctx, "reduce_sum", spec, 3, &pc, sizeof pc, bufs, 3, 1u << 2, gx, gy, 1);
    if (target != out) vk_gemm_reduce_splits(ctx, target, pc.nsplit, pc.nout, out);
}

/* Iteration space `shape`; a, b and out broadcast to it (right-aligned); dims along which out
 * broadcasts (or all, for a 1-element out) are reduced. */
static void reduce_broadcast(const tensor *a, const tensor *b, tensor *out, int ndim, const int *shape,
                             unsigned term, float scale)
{
    TENSOR_CHECK(ndim >= 1 && ndim <= TENSOR_MAX_DIMS, "reduce_sum: rank %d", ndim);
    size_t sa[TENSOR_MAX_DIMS], sb[TENSOR_MAX_DIMS], so[TENSOR_MAX_DIMS];
    const tensor *bb = b ? b : a;
    shape_broadcast_strides(a, ndim, shape, sa);
    shape_broadcast_strides(bb, ndim, shape, sb);
    /* A [1] output (mean, losses) reduces everything whatever the rank. */
    bool scalar_out = out->numel == 1;
    if (!scalar_out) shape_broadcast_strides(out, ndim, shape, so);
    reduce_dim dims[TENSOR_MAX_DIMS];
    for (int i = 0; i < ndim; i++)
        dims[i] = (reduce_dim){(size_t)shape[i], sa[i], sb[i], !scalar_out && so[i] != 0};
    reduce_dims_launch(a, bb, out, dims, ndim, term, scale);
}

void vk_sum_forward(const tensor *x, tensor *y, int axis)
{
    axis_split s = shape_axis_split(x, axis);
    reduce_dim dims[3] = {
        {s.outer, (size_t)s.n * s.inner, 0, true},
        {(size_t)s.n, s.inner, 0, false},
        {s.inner, 1, 0, true},
    };
    reduce_dims_launch(x, x, y, dims, 3, REDUCE_TERM_A, 1.0f);
}

/* dx[o, k, i] = alpha * dy[o, i] over dx viewed as [outer, axis, inner]. */
static void broadcast_over_axis(const tensor *dy, tensor *dx, size_t axis, size_t inner, float alpha)
{
    compute_ctx *ctx = dx->ctx;
    TENSOR_CHECK(dx->numel <= UINT32_MAX, "reduce backward: tensor too large for 32-bit indexing");
    struct { uint32_t n, axis, inner; float alpha; } pc = {(uint32_t)dx->numel, (uint32_t)axis,
                                                           (uint32_t)inner, alpha};
    uint32_t spec[1] = {256};
    const tensor *bufs[2] = {dy, dx};
    uint32_t gx, gy;
    vk_grid_1d(ctx, vk_div_up(dx->numel, 256), &gx, &gy);
    vk_dispatch(ctx, "reduce_sum_backward", spec, 1, &pc, sizeof pc, bufs, 2, 1u << 1, gx, gy, 1);
}

void vk_sum_backward(const tensor *dy, tensor *dx, int axis)
{
    axis_split s = shape_axis_split(dx, axis);
    broadcast_over_axis(dy, dx, (size_t)s.n, s.inner, 1.0f);
}

void vk_mean_forward(const tensor *x, tensor *out)
{
    reduce_broadcast(x, NULL, out, x->ndim, x->shape, REDUCE_TERM_A, 1.0f / (float)x->numel);
}

void vk_mean_backward(const tensor *dloss, tensor *dx)
{
    broadcast_over_axis(dloss, dx, dx->numel, 1, 1.0f / (float)dx->numel);
}

/* ---- used by other op files (their prototypes are repeated there) ------------------------------- */

/* out = sum of a (b NULL) or of a * b over the dims of `shape` along which out broadcasts. */
void vk_reduce_sum_broadcast(const tensor *a, const tensor *b, tensor *out, int ndim, const int *shape)
{
    reduce_broadcast(a, b, out, ndim, shape, b ? REDUCE_TERM_PRODUCT : REDUCE_TERM_A, 1.0f);
}

/* out[0] = mean |a - b| (a and b have the same shape). */
void vk_reduce_mean_abs_diff(const tensor *a, const tensor *b, tensor *out)
{
    reduce_broadcast(a, b, out, a->ndim, a->shape, REDUCE_TERM_ABS_DIFF, 1.0f / (float)a->numel);
}

/* out[0] = mean bce_with_logits(logits, target). */
void vk_reduce_mean_bce_logits(const tensor *logits, const tensor *target, tensor *out)
{
    reduce_broadcast(logits, target, out, logits->ndim, logits->shape, REDUCE_TERM_BCE_LOGITS,
                     1.0f / (float)logits->numel);
}
