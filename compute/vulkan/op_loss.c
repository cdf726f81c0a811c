/* loss ops on the Vulkan backend (temporary stubs: the shaders land within the hour). */
#include "compute/vulkan/vk_ops.h"
#include "compute/vulkan/vk_runtime.h"

void vk_l1_loss_forward(const tensor *pred, const tensor *target, tensor *out)
{
    (void)pred; (void)target; (void)out;
    TENSOR_CHECK(0, "vk_l1_loss_forward: not implemented yet");
}

void vk_l1_loss_backward(const tensor *pred, const tensor *target, const tensor *dloss, tensor *dpred)
{
    (void)pred; (void)target; (void)dloss; (void)dpred;
    TENSOR_CHECK(0, "vk_l1_loss_backward: not implemented yet");
}

void vk_bce_logits_forward(const tensor *logits, const tensor *target, tensor *out)
{
    (void)logits; (void)target; (void)out;
    TENSOR_CHECK(0, "vk_bce_logits_forward: not implemented yet");
}

void vk_bce_logits_backward(const tensor *logits, const tensor *target, const tensor *dloss, tensor *dlogits)
{
    (void)logits; (void)target; (void)dloss; (void)dlogits;
    TENSOR_CHECK(0, "vk_bce_logits_backward: not implemented yet");
}
