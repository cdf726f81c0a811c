/* Broadcasting add/mul and affine scale on the Vulkan backend (shaders/elementwise_broadcast.comp,
 * shaders/elementwise_affine.comp; the backward reductions over broadcast dims go to op_reduce.c). */
#include "compute/vulkan/vk_ops.h"
#include "compute/vulkan/vk_runtime.h"

#include "compute/ops/shape_util.h"

/* Defined in op_reduce.c: out = sum of a (b NULL) or of a * b over the dims of `shape` along which
 * out broadcasts. */
#include "compute/vulkan/vk_reduce.h"

#define ELEMENTWISE_WG 256
enum { BROADCAST_ADD = 0, BROADCAST_MUL = 1 };

/* Matches the push block of shaders/elementwise_broadcast.comp. */
typedef struct broadcast_push {
    uint32_t ndim, n;
    uint32_t shape[TENSOR_MAX_DIMS];
    uint32_t stride_a[TENSOR_MAX_DIMS];
    uint32_t stride_b[TENSOR_MAX_DIMS];
} broadcast_push;

/* y = a op b where y has `shape` and a, b broadcast to it. Size-1 dims are dropped and neighbours
 * contiguous in both operands merged, so same-shape operands cost one index computation. */
static void broadcast_binary(const tensor *a, const tensor *b, tensor *y, int ndim, const int *shape,
                             uint32_t op)
{
    compute_ctx *ctx = y->ctx;
    TENSOR_CHECK(y->numel <= UINT32_MAX, "elementwise: tensor too large for 32-bit indexing");
    size_t sa[TENSOR_MAX_DIMS], sb[TENSOR_MAX_DIMS];
    shape_broadcast_strides(a, ndim, shape, sa);
    shape_broadcast_strides(b, ndim, shape, sb);
    broadcast_push pc = {0};
    int m = 0;
    for (int i = 0; i < ndim; i++) {
        if (shape[i] == 1) continue;
        if (m > 0 && pc.stride_a[m - 1] == sa[i] * (size_t)shape[i] &&
            pc.stride_b[m - 1] == sb[i] * (size_t)shape[i]) {
            pc.shape[m - 1] *= (uint32_t)shape[i];
            pc.stride_a[m - 1] = (uint32_t)sa[i];
            pc.stride_b[m - 1] = (uint32_t)sb[i];
            continue;
        }
        pc.shape[m] = (uint32_t)shape[i];
        pc.stride_a[m] = (uint32_t)sa[i];
        pc.stride_b[m] = (uint32_t)sb[i];
        m++;
    }
    if (m == 0) pc.shape[m++] = 1;   /* a 1-element result */
    pc.ndim = (uint32_t)m;
    pc.n = (uint32_t)y->numel;
    uint32_t spec[2] = {ELEMENTWISE_WG, op};
    const tensor *bufs[3] = {a, b, y};
    uint32_t gx, gy;
    vk_grid_1d(ctx, vk_div_up(y->numel, ELEMENTWISE_WG), &gx, &gy);
    vk_dispatch(ctx, "elementwise_broadcast", spec, 2, &pc, sizeof pc, bufs, 3, 1u << 2, gx, gy, 1);
}

/* y = alpha * x + beta over same-sized tensors. */
static void affine(const tensor *x, tensor *y, float alpha, float beta)
{
    compute_ctx *ctx = y->ctx;
    TENSOR_CHECK(y->numel <= UINT32_MAX && x->numel == y->numel, "scale: %zu -> %zu elements", x->numel,
                 y->numel);
    struct { uint32_t n; float alpha, beta; } pc = {(uint32_t)y->numel, alpha, beta};
    uint32_t spec[1] = {ELEMENTWISE_WG};
    const tensor *bufs[2] = {x, y};
    uint32_t gx, gy;
    vk_grid_1d(ctx, vk_div_up(y->numel, ELEMENTWISE_WG), &gx, &gy);
    vk_dispatch(ctx, "elementwise_affine", spec, 1, &pc, sizeof pc, bufs, 2, 1u << 1, gx, gy, 1);
}

void vk_add_forward(const tensor *a, const tensor *b, tensor *y)
{
    broadcast_binary(a, b, y, y->ndim, y->shape, BROADCAST_ADD);
}

void vk_mul_forward(const tensor *a, const tensor *b, tensor *y)
{
    broadcast_binary(a, b, y, y->ndim, y->shape, BROADCAST_MUL);
}

/* d(a + b)/da: dy itself, summed over the dims along which a was broadcast. */
static void add_grad(const tensor *dy, tensor *d)
{
    if (d->numel == dy->numel) affine(dy, d, 1.0f, 0.0f);
    else vk_reduce_sum_broadcast(dy, NULL, d, dy->ndim, dy->shape);
}

void vk_add_backward(const tensor *dy, tensor *da, tensor *db)
{
    if (da) add_grad(dy, da);
    if (db) add_grad(dy, db);
}

/* d(a * b)/da: dy * b, summed over the dims along which a was broadcast. */
static void mul_grad(const tensor *other, const tensor *dy, tensor *d)
{
    if (d->numel == dy->numel) broadcast_binary(dy, other, d, dy->ndim, dy->shape, BROADCAST_MUL);
    else vk_reduce_sum_broadcast(dy, other, d, dy->ndim, dy->shape);
}

void vk_mul_backward(const tensor *a, const tensor *b, const tensor *dy, tensor *da, tensor *db)
{
    if (da) mul_grad(b, dy, da);
    if (db) mul_grad(a, dy, db);
}

void vk_scale_forward(const tensor *x, tensor *y, float alpha, float beta)
{
    affine(x, y, alpha, beta);
}

void vk_scale_backward(const tensor *dy, tensor *dx, float alpha)
{
    affine(dy, dx, alpha, 0.0f);
}
