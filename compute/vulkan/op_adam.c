/* Adam on the Vulkan backend: one elementwise dispatch that updates param, m and v in place
 * (shaders/adam_step.comp). The hyperparameters are read from the hyper tensor by the shader, not
 * baked into push constants, so a captured step replays with the new step count. */
#include "compute/vulkan/vk_ops.h"
#include "compute/vulkan/vk_runtime.h"

#define ADAM_WG 256

void vk_adam_step(tensor *param, const tensor *grad, tensor *m, tensor *v, const tensor *hyper)
{
    compute_ctx *ctx = param->ctx;
    TENSOR_CHECK(param->numel <= UINT32_MAX, "adam_step: tensor too large for 32-bit indexing");
    struct { uint32_t n; } pc = {(uint32_t)param->numel};
    uint32_t spec[1] = {ADAM_WG};
    const tensor *bufs[5] = {param, grad, m, v, hyper};
    uint32_t gx, gy;
    vk_grid_1d(ctx, vk_div_up(param->numel, ADAM_WG), &gx, &gy);
    /* param, m and v are read-modify-write. */
    vk_dispatch(ctx, "adam_step", spec, 1, &pc, sizeof pc, bufs, 5, (1u << 0) | (1u << 2) | (1u << 3), gx, gy, 1);
}
