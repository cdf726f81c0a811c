/* softmax ops on the Vulkan backend (temporary stubs: the shaders land within the hour). */
#include "compute/vulkan/vk_ops.h"
#include "compute/vulkan/vk_runtime.h"

void vk_softmax_forward(const tensor *x, tensor *y, int axis)
{
    (void)x; (void)y; (void)axis;
    TENSOR_CHECK(0, "vk_softmax_forward: not implemented yet");
}

void vk_softmax_backward(const tensor *y, const tensor *dy, tensor *dx, int axis)
{
    (void)y; (void)dy; (void)dx; (void)axis;
    TENSOR_CHECK(0, "vk_softmax_backward: not implemented yet");
}
