/* activation ops on the Vulkan backend (temporary stubs: the shaders land within the hour). */
#include "compute/vulkan/vk_ops.h"
#include "compute/vulkan/vk_runtime.h"

void vk_relu_forward(const tensor *x, tensor *y)
{
    (void)x; (void)y;
    TENSOR_CHECK(0, "vk_relu_forward: not implemented yet");
}

void vk_relu_backward(const tensor *x, const tensor *dy, tensor *dx)
{
    (void)x; (void)dy; (void)dx;
    TENSOR_CHECK(0, "vk_relu_backward: not implemented yet");
}

void vk_leaky_relu_forward(const tensor *x, tensor *y, float slope)
{
    (void)x; (void)y; (void)slope;
    TENSOR_CHECK(0, "vk_leaky_relu_forward: not implemented yet");
}

void vk_leaky_relu_backward(const tensor *x, const tensor *dy, tensor *dx, float slope)
{
    (void)x; (void)dy; (void)dx; (void)slope;
    TENSOR_CHECK(0, "vk_leaky_relu_backward: not implemented yet");
}

void vk_sigmoid_forward(const tensor *x, tensor *y)
{
    (void)x; (void)y;
    TENSOR_CHECK(0, "vk_sigmoid_forward: not implemented yet");
}

void vk_sigmoid_backward(const tensor *y, const tensor *dy, tensor *dx)
{
    (void)y; (void)dy; (void)dx;
    TENSOR_CHECK(0, "vk_sigmoid_backward: not implemented yet");
}
