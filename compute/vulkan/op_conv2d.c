/* Conv2d forward/backward on the Vulkan backend (temporary: implementation lands shortly). */
#include "compute/vulkan/vk_ops.h"
#include "compute/vulkan/vk_runtime.h"

void vk_conv2d_forward(const tensor *x, const tensor *w, const tensor *b, tensor *y,
                       const conv2d_params *p)
{
    (void)x; (void)w; (void)b; (void)y; (void)p;
    TENSOR_CHECK(0, "vk_conv2d_forward: not implemented yet");
}

void vk_conv2d_backward(const tensor *x, const tensor *w, const tensor *dy,
                        tensor *dx, tensor *dw, tensor *db, const conv2d_params *p)
{
    (void)x; (void)w; (void)dy; (void)dx; (void)dw; (void)db; (void)p;
    TENSOR_CHECK(0, "vk_conv2d_backward: not implemented yet");
}
