/* pool ops on the Vulkan backend (temporary stubs: the shaders land within the hour). */
#include "compute/vulkan/vk_ops.h"
#include "compute/vulkan/vk_runtime.h"

void vk_maxpool2x2_forward(const tensor *x, tensor *y)
{
    (void)x; (void)y;
    TENSOR_CHECK(0, "vk_maxpool2x2_forward: not implemented yet");
}

void vk_maxpool2x2_backward(const tensor *x, const tensor *dy, tensor *dx)
{
    (void)x; (void)dy; (void)dx;
    TENSOR_CHECK(0, "vk_maxpool2x2_backward: not implemented yet");
}
