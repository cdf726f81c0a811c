/* L1 and BCE-with-logits losses (mean reduction) on the Vulkan backend. The forwards are reductions
 * to one value (op_reduce.c, shaders/reduce_sum.comp); the backwards are elementwise and read the
 * upstream gradient from the 1-element dloss tensor, so a captured step replays with new weights. */
#include "compute/vulkan/vk_ops.h"
#include "compute/vulkan/vk_runtime.h"

/* Defined in op_reduce.c: out[0] = mean |a - b|, and out[0] = mean bce_with_logits(logits, target). */
#include "compute/vulkan/vk_reduce.h"

#define LOSS_WG 256

static void loss_backward(const char *shader, const tensor *pred, const tensor *target, const tensor *dloss,
                          tensor *dpred)
{
    compute_ctx *ctx = dpred->ctx;
    TENSOR_CHECK(dpred->numel <= UINT32_MAX, "%s: tensor too large for 32-bit indexing", shader);
    struct { uint32_t n; float inv_n; } pc = {(uint32_t)dpred->numel, 1.0f / (float)dpred->numel};
    uint32_t spec[1] = {LOSS_WG};
    const tensor *bufs[4] = {pred, target, dloss, dpred};
    uint32_t gx, gy;
    vk_grid_1d(ctx, vk_div_up(dpred->numel, LOSS_WG), &gx, &gy);
    vk_dispatch(ctx, shader, spec, 1, &pc, sizeof pc, bufs, 4, 1u << 3, gx, gy, 1);
}

void vk_l1_loss_forward(const tensor *pred, const tensor *target, tensor *out)
{
    vk_reduce_mean_abs_diff(pred, target, out);
}

void vk_l1_loss_backward(const tensor *pred, const tensor *target, const tensor *dloss, tensor *dpred)
{
    loss_backward("l1_loss_backward", pred, target, dloss, dpred);
}

void vk_bce_logits_forward(const tensor *logits, const tensor *target, tensor *out)
{
    vk_reduce_mean_bce_logits(logits, target, out);
}

void vk_bce_logits_backward(const tensor *logits, const tensor *target, const tensor *dloss,
                            tensor *dlogits)
{
    loss_backward("bce_logits_backward", logits, target, dloss, dlogits);
}
