/* The op interface. Every op has a forward and (where it has one) a backward, a CPU implementation
 * (compute/cpu/) and a Vulkan shader (shaders/ + compute/vulkan/); compute/ops/ checks the shapes
 * and dispatches on the tensors' context. All tensors of one call live on the same context.
 *
 * Conventions:
 * - Images are NCHW. Output tensors are allocated by the caller with the right shape.
 * - Backward functions OVERWRITE their gradient outputs (no accumulation); any gradient output may
 *   be NULL when not needed. Sum gradients of a tensor used twice with op_add_forward.
 * - Loss backwards take the upstream gradient as a 1-element tensor (dloss), so loss weights stay on
 *   the device and a captured step can be replayed unchanged.
 */
#ifndef IRFA_OPS_H
#define IRFA_OPS_H

#include <stdbool.h>
#include <stdint.h>
#include "compute/tensor.h"

/* ---- Linear: y[N,out] = x[N,in] w[out,in]^T + b[out] ------------------------------------------- */
void op_linear_forward(const tensor *x, const tensor *w, const tensor *b, tensor *y);
void op_linear_backward(const tensor *x, const tensor *w, const tensor *dy,
                        tensor *dx, tensor *dw, tensor *db);

/* ---- Conv2d and ConvTranspose2d ------------------------------------------------------------------ */
typedef struct conv2d_params {
    int stride_h, stride_w;
    int pad_top, pad_bottom, pad_left, pad_right;   /* asymmetric padding */
    int groups;
    int output_pad_h, output_pad_w;                 /* ConvTranspose2d only (PyTorch output_padding) */
} conv2d_params;

/* Stride s, symmetric padding p, groups g. */
conv2d_params conv2d_params_make(int stride, int pad, int groups);
/* PyTorch padding='same' (stride 1): (k-1)/2 before, k/2 after, per axis. */
conv2d_params conv2d_params_same(int kh, int kw, int groups);
int conv2d_out_size(int in, int k, int stride, int pad_before, int pad_after);
int conv_transpose2d_out_size(int in, int k, int stride, int pad_before, int pad_after, int output_pad);

/* x[N,Cin,H,W], w[Cout,Cin/groups,kh,kw], b[Cout] or NULL -> y[N,Cout,Ho,Wo] */
void op_conv2d_forward(const tensor *x, const tensor *w, const tensor *b, tensor *y,
                       const conv2d_params *p);
void op_conv2d_backward(const tensor *x, const tensor *w, const tensor *dy,
                        tensor *dx, tensor *dw, tensor *db, const conv2d_params *p);

/* x[N,Cin,H,W], w[Cin,Cout/groups,kh,kw] (PyTorch layout), b[Cout] or NULL -> y[N,Cout,Ho,Wo] */
void op_conv_transpose2d_forward(const tensor *x, const tensor *w, const tensor *b, tensor *y,
                                 const conv2d_params *p);
void op_conv_transpose2d_backward(const tensor *x, const tensor *w, const tensor *dy,
                                  tensor *dx, tensor *dw, tensor *db, const conv2d_params *p);

/* ---- BatchNorm1d ([N,C]) / BatchNorm2d ([N,C,H,W]), PyTorch semantics --------------------------- */
typedef struct batchnorm_params {
    bool training;     /* batch statistics + running-stat update, else running statistics */
    float momentum;    /* 0.1 */
    float eps;         /* 1e-5 */
} batchnorm_params;
batchnorm_params batchnorm_params_default(bool training);

/* gamma/beta/running_mean/running_var/save_mean/save_invstd are [C].
 * Training: y uses the biased batch variance; running_var is updated with the unbiased one;
 * save_mean/save_invstd receive the batch mean and 1/sqrt(var+eps) for the backward.
 * Eval: running stats are used and left alone; save_* receive running_mean and 1/sqrt(running_var+eps). */
void op_batchnorm_forward(const tensor *x, const tensor *gamma, const tensor *beta,
                          tensor *running_mean, tensor *running_var,
                          tensor *save_mean, tensor *save_invstd, tensor *y,
                          const batchnorm_params *p);
/* p->training selects the batch-statistics backward (gradient flows through mean and variance)
 * or the eval-mode one (a fixed affine map). */
void op_batchnorm_backward(const tensor *x, const tensor *gamma, const tensor *save_mean,
                           const tensor *save_invstd, const tensor *dy,
                           tensor *dx, tensor *dgamma, tensor *dbeta, const batchnorm_params *p);

/* ---- Activations (any shape) --------------------------------------------------------------------- */
void op_relu_forward(const tensor *x, tensor *y);
void op_relu_backward(const tensor *x, const tensor *dy, tensor *dx);
void op_leaky_relu_forward(const tensor *x, tensor *y, float slope);
void op_leaky_relu_backward(const tensor *x, const tensor *dy, tensor *dx, float slope);
void op_sigmoid_forward(const tensor *x, tensor *y);
void op_sigmoid_backward(const tensor *y, const tensor *dy, tensor *dx);   /* uses the output y */

/* ---- Softmax over one axis (negative axis counts from the end) ---------------------------------- */
void op_softmax_forward(const tensor *x, tensor *y, int axis);
void op_softmax_backward(const tensor *y, const tensor *dy, tensor *dx, int axis);

/* ---- Elementwise with NumPy broadcasting: shapes are right-aligned, size-1 dims broadcast ------- */
void op_add_forward(const tensor *a, const tensor *b, tensor *y);
void op_add_backward(const tensor *dy, tensor *da, tensor *db);   /* reduces over broadcast dims */
void op_mul_forward(const tensor *a, const tensor *b, tensor *y);
void op_mul_backward(const tensor *a, const tensor *b, const tensor *dy, tensor *da, tensor *db);
/* y = alpha * x + beta (same shape) */
void op_scale_forward(const tensor *x, tensor *y, float alpha, float beta);
void op_scale_backward(const tensor *dy, tensor *dx, float alpha);

/* ---- Reductions ---------------------------------------------------------------------------------- */
/* y has x's shape with `axis` removed or set to 1 (only numel is checked). */
void op_sum_forward(const tensor *x, tensor *y, int axis);
void op_sum_backward(const tensor *dy, tensor *dx, int axis);
/* Mean of all elements -> out[1]. */
void op_mean_forward(const tensor *x, tensor *out);
void op_mean_backward(const tensor *dloss, tensor *dx);

/* ---- Shape ops ----------------------------------------------------------------------------------- */
/* Concatenate n tensors along `axis` (all other dims equal). */
void op_concat_forward(const tensor *const *xs, int n, tensor *y, int axis);
void op_concat_backward(const tensor *dy, tensor *const *dxs, int n, int axis);   /* dxs[i] may be NULL */
/* y = x[..., start:start+y.shape[axis], ...] along `axis`. Backward writes dy into that range of dx
 * and zeros elsewhere. */
void op_slice_forward(const tensor *x, tensor *y, int axis, int start);
void op_slice_backward(const tensor *dy, tensor *dx, int axis, int start);

/* ---- Resampling ---------------------------------------------------------------------------------- */
/* Bilinear, align_corners=false (PyTorch F.interpolate default), x[N,C,H,W] -> y[N,C,Ho,Wo]. */
void op_resize_bilinear_forward(const tensor *x, tensor *y);
void op_resize_bilinear_backward(const tensor *dy, tensor *dx);
/* Max-pool, kernel 2, stride 2, x[N,C,H,W] -> y[N,C,H/2,W/2]; ties go to the first element. */
void op_maxpool2x2_forward(const tensor *x, tensor *y);
void op_maxpool2x2_backward(const tensor *x, const tensor *dy, tensor *dx);

/* ---- Separable transpose attention (IRFA, science.md 2.3) -------------------------------------------
 * Keys and values come in separable form: for sample n, head j, channel c and pixel (y, x)
 *   K[n,j,c,y,x] = ka[n,j,c] + kx[j,c,x] + ky[j,c,y]      (V likewise from va, vx, vy)
 * which is exactly what the grouped 1x1 key/value convolutions of positional-encoded embeddings give.
 * Scores per map (n, j): S = scale * conv2d(K[n,j], ws) with PyTorch padding='same', stride 1 (a bias
 * of the score convolution shifts every head's score alike and cancels in the softmax, so there is none);
 * w = softmax of S over the heads j; t[n,c,y,x] = sum_j w[n,j,c,y,x] V[n,j,c,y,x].
 * Because K is separable, so is its convolution, up to the k x k classes of border rows/columns that
 * the zero padding creates; the op works on those small parts and never holds K, V or S (nor w, unless
 * asked), so its memory is O(N h c (H + W) k) instead of O(N h c H W).
 * Shapes: ka, va [N,h,C]; kx, vx [h,C,W]; ky, vy [h,C,H]; ws [C,C,k,k]; t [N,C,H,W];
 * w [N,h,C,H,W] (optional output). Needs H, W >= k and k <= SEPATTN_MAX_KERNEL. */
#define SEPATTN_MAX_KERNEL 16
typedef struct sepattn_tensors {
    tensor *ka, *kx, *ky;   /* key parts */
    tensor *va, *vx, *vy;   /* value parts */
    tensor *ws;             /* score convolution kernel */
} sepattn_tensors;
void op_separable_attention_forward(const sepattn_tensors *in, float scale, tensor *t, tensor *w);
/* grad holds the gradient outputs (same shapes as in's tensors; any may be NULL, overwritten). */
void op_separable_attention_backward(const sepattn_tensors *in, float scale, const tensor *dt,
                                     const sepattn_tensors *grad);

/* ---- Losses (mean reduction, out is [1]) --------------------------------------------------------- */
void op_l1_loss_forward(const tensor *pred, const tensor *target, tensor *out);
void op_l1_loss_backward(const tensor *pred, const tensor *target, const tensor *dloss, tensor *dpred);
/* Binary cross-entropy on logits, numerically stable: max(x,0) - x*t + log(1+exp(-|x|)). */
void op_bce_logits_forward(const tensor *logits, const tensor *target, tensor *out);
void op_bce_logits_backward(const tensor *logits, const tensor *target, const tensor *dloss,
                            tensor *dlogits);

/* ---- Optimiser ----------------------------------------------------------------------------------- */
/* Run-time hyperparameters live in a device tensor so a captured step replays with new values. */
enum { ADAM_LR = 0, ADAM_BETA1, ADAM_BETA2, ADAM_EPS, ADAM_STEP, ADAM_WEIGHT_DECAY, ADAM_NHYPER };
/* hyper[ADAM_NHYPER] (create it TENSOR_HOST_VISIBLE and tensor_write it before each step; ADAM_STEP
 * is the 1-based step count t). PyTorch Adam (L2 weight decay added to the gradient):
 * m = b1 m + (1-b1) g; v = b2 v + (1-b2) g^2; p -= lr * (m/(1-b1^t)) / (sqrt(v/(1-b2^t)) + eps). */
void op_adam_step(tensor *param, const tensor *grad, tensor *m, tensor *v, const tensor *hyper);

/* ---- Parameter initialisation (host RNG, then uploaded) ----------------------------------------- */
typedef struct irfa_rng { uint64_t state, inc; } irfa_rng;
void rng_seed(irfa_rng *r, uint64_t seed);
uint32_t rng_u32(irfa_rng *r);
float rng_uniform(irfa_rng *r);          /* [0,1) */
float rng_normal(irfa_rng *r);           /* N(0,1) */
void init_normal(tensor *t, irfa_rng *r, float mean, float std);
void init_uniform(tensor *t, irfa_rng *r, float lo, float hi);
/* fan_in = shape[1]*prod(shape[2:]), fan_out = shape[0]*prod(shape[2:]) as in PyTorch */
void init_kaiming_normal_fan_out(tensor *t, irfa_rng *r);   /* gain sqrt(2) (relu) */
void init_xavier_normal(tensor *t, irfa_rng *r);            /* std = sqrt(2/(fan_in+fan_out)) */

#endif
