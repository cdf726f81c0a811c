/* ReLU, LeakyReLU and Sigmoid on the Vulkan backend (shaders/activation_forward.comp and
 * shaders/activation_backward.comp, the activation chosen by a specialization constant). */
#include "compute/vulkan/vk_ops.h"
#include "compute/vulkan/vk_runtime.h"

#define ACTIVATION_WG 256
enum { ACT_RELU = 0, ACT_LEAKY_RELU = 1, ACT_SIGMOID = 2 };

static void activation_forward(const tensor *x, tensor *y, uint32_t kind, float slope)
{
    compute_ctx *ctx = y->ctx;
    TENSOR_CHECK(y->numel <= UINT32_MAX, "activation: tensor too large for 32-bit indexing");
    struct { uint32_t n; float slope; } pc = {(uint32_t)y->numel, slope};
    uint32_t spec[2] = {ACTIVATION_WG, kind};
    const tensor *bufs[2] = {x, y};
    uint32_t gx, gy;
    vk_grid_1d(ctx, vk_div_up(y->numel, ACTIVATION_WG), &gx, &gy);
    vk_dispatch(ctx, "activation_forward", spec, 2, &pc, sizeof pc, bufs, 2, 1u << 1, gx, gy, 1);
}

/* `saved` is the forward input (ReLU, LeakyReLU) or output (Sigmoid). */
static void activation_backward(const tensor *saved, const tensor *dy, tensor *dx, uint32_t kind, float slope)
{
    compute_ctx *ctx = dx->ctx;
    TENSOR_CHECK(dx->numel <= UINT32_MAX, "activation: tensor too large for 32-bit indexing");
    struct { uint32_t n; float slope; } pc = {(uint32_t)dx->numel, slope};
    uint32_t spec[2] = {ACTIVATION_WG, kind};
    const tensor *bufs[3] = {saved, dy, dx};
    uint32_t gx, gy;
    vk_grid_1d(ctx, vk_div_up(dx->numel, ACTIVATION_WG), &gx, &gy);
    vk_dispatch(ctx, "activation_backward", spec, 2, &pc, sizeof pc, bufs, 3, 1u << 2, gx, gy, 1);
}

void vk_relu_forward(const tensor *x, tensor *y) { activation_forward(x, y, ACT_RELU, 0.0f); }

void vk_relu_backward(const tensor *x, const tensor *dy, tensor *dx)
{
    activation_backward(x, dy, dx, ACT_RELU, 0.0f);
}

void vk_leaky_relu_forward(const tensor *x, tensor *y, float slope)
{
    activation_forward(x, y, ACT_LEAKY_RELU, slope);
}

void vk_leaky_relu_backward(const tensor *x, const tensor *dy, tensor *dx, float slope)
{
    activation_backward(x, dy, dx, ACT_LEAKY_RELU, slope);
}

void vk_sigmoid_forward(const tensor *x, tensor *y) { activation_forward(x, y, ACT_SIGMOID, 0.0f); }

void vk_sigmoid_backward(const tensor *y, const tensor *dy, tensor *dx)
{
    activation_backward(y, dy, dx, ACT_SIGMOID, 0.0f);
}
