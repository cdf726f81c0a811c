/* adam ops on the Vulkan backend (temporary stubs: the shaders land within the hour). */
#include "compute/vulkan/vk_ops.h"
#include "compute/vulkan/vk_runtime.h"

void vk_adam_step(tensor *param, const tensor *grad, tensor *m, tensor *v, const tensor *hyper)
{
    (void)param; (void)grad; (void)m; (void)v; (void)hyper;
    TENSOR_CHECK(0, "vk_adam_step: not implemented yet");
}
