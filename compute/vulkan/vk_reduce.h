/* The general sum-reduction shader's entry points shared by several Vulkan op families
 * (compute/vulkan/op_reduce.c implements them). */
#ifndef IRFA_VK_REDUCE_H
#define IRFA_VK_REDUCE_H

#include "compute/tensor.h"

/* out = sum of a (times b when b is given, broadcast to a's shape) over the dims where out's
 * right-aligned shape is 1; ndim/shape: the full (a's) shape. */
void vk_reduce_sum_broadcast(const tensor *a, const tensor *b, tensor *out, int ndim, const int *shape);
/* out[1] = mean |a - b| */
void vk_reduce_mean_abs_diff(const tensor *a, const tensor *b, tensor *out);
/* out[1] = mean BCE-with-logits(logits, target) */
void vk_reduce_mean_bce_logits(const tensor *logits, const tensor *target, tensor *out);

#endif
