/* batchnorm ops on the Vulkan backend (temporary stubs: the shaders land within the hour). */
#include "compute/vulkan/vk_ops.h"
#include "compute/vulkan/vk_runtime.h"

void vk_batchnorm_forward(const tensor *x, const tensor *gamma, const tensor *beta, tensor *running_mean, tensor *running_var, tensor *save_mean, tensor *save_invstd, tensor *y, const batchnorm_params *p)
{
    (void)x; (void)gamma; (void)beta; (void)running_mean; (void)running_var; (void)save_mean; (void)save_invstd; (void)y; (void)p;
    TENSOR_CHECK(0, "vk_batchnorm_forward: not implemented yet");
}

void vk_batchnorm_backward(const tensor *x, const tensor *gamma, const tensor *save_mean, const tensor *save_invstd, const tensor *dy, tensor *dx, tensor *dgamma, tensor *dbeta, const batchnorm_params *p)
{
    (void)x; (void)gamma; (void)save_mean; (void)save_invstd; (void)dy; (void)dx; (void)dgamma; (void)dbeta; (void)p;
    TENSOR_CHECK(0, "vk_batchnorm_backward: not implemented yet");
}
