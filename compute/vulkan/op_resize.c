/* resize ops on the Vulkan backend (temporary stubs: the shaders land within the hour). */
#include "compute/vulkan/vk_ops.h"
#include "compute/vulkan/vk_runtime.h"

void vk_resize_bilinear_forward(const tensor *x, tensor *y)
{
    (void)x; (void)y;
    TENSOR_CHECK(0, "vk_resize_bilinear_forward: not implemented yet");
}

void vk_resize_bilinear_backward(const tensor *dy, tensor *dx)
{
    (void)dy; (void)dx;
    TENSOR_CHECK(0, "vk_resize_bilinear_backward: not implemented yet");
}
