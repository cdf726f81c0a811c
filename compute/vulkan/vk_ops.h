/* Vulkan backend implementations of compute/ops.h (same contracts; shapes already checked by compute/ops/). They record dispatches; they do not wait. */
#ifndef IRFA_VK_OPS_H
#define IRFA_VK_OPS_H

#include "compute/ops.h"

void vk_linear_forward(const tensor *x, const tensor *w, const tensor *b, tensor *y);
void vk_linear_backward(const tensor *x, const tensor *w, const tensor *dy,
                        tensor *dx, tensor *dw, tensor *db);
void vk_conv2d_forward(const tensor *x, const tensor *w, const tensor *b, tensor *y,
                       const conv2d_params *p);
void vk_conv2d_backward(const tensor *x, const tensor *w, const tensor *dy,
                        tensor *dx, tensor *dw, tensor *db, const conv2d_params *p);
void vk_conv_transpose2d_forward(const tensor *x, const tensor *w, const tensor *b, tensor *y,
                                 const conv2d_params *p);
void vk_conv_transpose2d_backward(const tensor *x, const tensor *w, const tensor *dy,
                                  tensor *dx, tensor *dw, tensor *db, const conv2d_params *p);
void vk_batchnorm_forward(const tensor *x, const tensor *gamma, const tensor *beta,
                          tensor *running_mean, tensor *running_var,
                          tensor *save_mean, tensor *save_invstd, tensor *y,
                          const batchnorm_params *p);
void vk_batchnorm_backward(const tensor *x, const tensor *gamma, const tensor *save_mean,
                           const tensor *save_invstd, const tensor *dy,
                           tensor *dx, tensor *dgamma, tensor *dbeta, const batchnorm_params *p);
void vk_relu_forward(const tensor *x, tensor *y);
void vk_relu_backward(const tensor *x, const tensor *dy, tensor *dx);
void vk_leaky_relu_forward(const tensor *x, tensor *y, float slope);
void vk_leaky_relu_backward(const tensor *x, const tensor *dy, tensor *dx, float slope);
void vk_sigmoid_forward(const tensor *x, tensor *y);
void vk_sigmoid_backward(const tensor *y, const tensor *dy, tensor *dx);
void vk_softmax_forward(const tensor *x, tensor *y, int axis);
void vk_softmax_backward(const tensor *y, const tensor *dy, tensor *dx, int axis);
void vk_separable_attention_forward(const sepattn_tensors *in, float scale, tensor *t, tensor *w);
void vk_separable_attention_backward(const sepattn_tensors *in, float scale, const tensor *dt,
                                      const sepattn_tensors *grad);
void vk_add_forward(const tensor *a, const tensor *b, tensor *y);
void vk_add_backward(const tensor *dy, tensor *da, tensor *db);
void vk_mul_forward(const tensor *a, const tensor *b, tensor *y);
void vk_mul_backward(const tensor *a, const tensor *b, const tensor *dy, tensor *da, tensor *db);
void vk_scale_forward(const tensor *x, tensor *y, float alpha, float beta);
void vk_scale_backward(const tensor *dy, tensor *dx, float alpha);
void vk_sum_forward(const tensor *x, tensor *y, int axis);
void vk_sum_backward(const tensor *dy, tensor *dx, int axis);
void vk_mean_forward(const tensor *x, tensor *out);
void vk_mean_backward(const tensor *dloss, tensor *dx);
void vk_concat_forward(const tensor *const *xs, int n, tensor *y, int axis);
void vk_concat_backward(const tensor *dy, tensor *const *dxs, int n, int axis);
void vk_slice_forward(const tensor *x, tensor *y, int axis, int start);
void vk_slice_backward(const tensor *dy, tensor *dx, int axis, int start);
void vk_resize_bilinear_forward(const tensor *x, tensor *y);
void vk_resize_bilinear_backward(const tensor *dy, tensor *dx);
void vk_maxpool2x2_forward(const tensor *x, tensor *y);
void vk_maxpool2x2_backward(const tensor *x, const tensor *dy, tensor *dx);
void vk_l1_loss_forward(const tensor *pred, const tensor *target, tensor *out);
void vk_l1_loss_backward(const tensor *pred, const tensor *target, const tensor *dloss, tensor *dpred);
void vk_bce_logits_forward(const tensor *logits, const tensor *target, tensor *out);
void vk_bce_logits_backward(const tensor *logits, const tensor *target, const tensor *dloss,
                            tensor *dlogits);
void vk_adam_step(tensor *param, const tensor *grad, tensor *m, tensor *v, const tensor *hyper);

#endif
