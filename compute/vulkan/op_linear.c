/* Linear forward/backward on the Vulkan backend (temporary: implementation lands shortly). */
#include "compute/vulkan/vk_ops.h"
#include "compute/vulkan/vk_runtime.h"

void vk_linear_forward(const tensor *x, const tensor *w, const tensor *b, tensor *y)
{
    (void)x; (void)w; (void)b; (void)y;
    TENSOR_CHECK(0, "vk_linear_forward: not implemented yet");
}

void vk_linear_backward(const tensor *x, const tensor *w, const tensor *dy,
                        tensor *dx, tensor *dw, tensor *db)
{
    (void)x; (void)w; (void)dy; (void)dx; (void)dw; (void)db;
    TENSOR_CHECK(0, "vk_linear_backward: not implemented yet");
}
