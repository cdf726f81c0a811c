/* elementwise ops on the Vulkan backend (temporary stubs: the shaders land within the hour). */
#include "compute/vulkan/vk_ops.h"
#include "compute/vulkan/vk_runtime.h"

void vk_add_forward(const tensor *a, const tensor *b, tensor *y)
{
    (void)a; (void)b; (void)y;
    TENSOR_CHECK(0, "vk_add_forward: not implemented yet");
}

void vk_add_backward(const tensor *dy, tensor *da, tensor *db)
{
    (void)dy; (void)da; (void)db;
    TENSOR_CHECK(0, "vk_add_backward: not implemented yet");
}

void vk_mul_forward(const tensor *a, const tensor *b, tensor *y)
{
    (void)a; (void)b; (void)y;
    TENSOR_CHECK(0, "vk_mul_forward: not implemented yet");
}

void vk_mul_backward(const tensor *a, const tensor *b, const tensor *dy, tensor *da, tensor *db)
{
    (void)a; (void)b; (void)dy; (void)da; (void)db;
    TENSOR_CHECK(0, "vk_mul_backward: not implemented yet");
}

void vk_scale_forward(const tensor *x, tensor *y, float alpha, float beta)
{
    (void)x; (void)y; (void)alpha; (void)beta;
    TENSOR_CHECK(0, "vk_scale_forward: not implemented yet");
}

void vk_scale_backward(const tensor *dy, tensor *dx, float alpha)
{
    (void)dy; (void)dx; (void)alpha;
    TENSOR_CHECK(0, "vk_scale_backward: not implemented yet");
}
