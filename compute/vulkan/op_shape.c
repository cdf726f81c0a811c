/* shape ops on the Vulkan backend (temporary stubs: the shaders land within the hour). */
#include "compute/vulkan/vk_ops.h"
#include "compute/vulkan/vk_runtime.h"

void vk_concat_forward(const tensor *const *xs, int n, tensor *y, int axis)
{
    (void)xs; (void)n; (void)y; (void)axis;
    TENSOR_CHECK(0, "vk_concat_forward: not implemented yet");
}

void vk_concat_backward(const tensor *dy, tensor *const *dxs, int n, int axis)
{
    (void)dy; (void)dxs; (void)n; (void)axis;
    TENSOR_CHECK(0, "vk_concat_backward: not implemented yet");
}

void vk_slice_forward(const tensor *x, tensor *y, int axis, int start)
{
    (void)x; (void)y; (void)axis; (void)start;
    TENSOR_CHECK(0, "vk_slice_forward: not implemented yet");
}

void vk_slice_backward(const tensor *dy, tensor *dx, int axis, int start)
{
    (void)dy; (void)dx; (void)axis; (void)start;
    TENSOR_CHECK(0, "vk_slice_backward: not implemented yet");
}
