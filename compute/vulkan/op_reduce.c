/* reduce ops on the Vulkan backend (temporary stubs: the shaders land within the hour). */
#include "compute/vulkan/vk_ops.h"
#include "compute/vulkan/vk_runtime.h"

void vk_sum_forward(const tensor *x, tensor *y, int axis)
{
    (void)x; (void)y; (void)axis;
    TENSOR_CHECK(0, "vk_sum_forward: not implemented yet");
}

void vk_sum_backward(const tensor *dy, tensor *dx, int axis)
{
    (void)dy; (void)dx; (void)axis;
    TENSOR_CHECK(0, "vk_sum_backward: not implemented yet");
}

void vk_mean_forward(const tensor *x, tensor *out)
{
    (void)x; (void)out;
    TENSOR_CHECK(0, "vk_mean_forward: not implemented yet");
}

void vk_mean_backward(const tensor *dloss, tensor *dx)
{
    (void)dloss; (void)dx;
    TENSOR_CHECK(0, "vk_mean_backward: not implemented yet");
}
