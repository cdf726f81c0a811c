#include "model/layers.h"

#include <math.h>
#include <stdio.h>

void init_pytorch_default(tensor *w, tensor *b, int fan_in, irfa_rng *rng)
{
    /* kaiming_uniform(a=sqrt(5)) gives bound 1/sqrt(fan_in); the bias uses the same bound. */
    float bound = 1.0f / sqrtf((float)fan_in);
    init_uniform(w, rng, -bound, bound);
    if (b) init_uniform(b, rng, -bound, bound);
}

void conv_layer_init(conv_layer *l, param_set *ps, const char *name, int cin, int cout, int k, conv2d_params p,
                     bool bias, bool transpose)
{
    l->p = p;
    l->transpose = transpose;
    l->cin = cin;
    l->cout = cout;
    l->k = k;
    int shape[4] = {transpose ? cin : cout, transpose ? cout / p.groups : cin / p.groups, k, k};
    l->w = param_add(ps, 4, shape);
    int64_t pt[4] = {shape[0], shape[1], k, k};
    char full[160];
    snprintf(full, sizeof full, "%s.weight", name);
    ckpt_add(ps, full, 4, pt, l->w->value, 0, CKPT_COPY);
    l->b = NULL;
    if (bias) {
        l->b = param_add(ps, 1, &cout);
        int64_t bs[1] = {cout};
        snprintf(full, sizeof full, "%s.bias", name);
        ckpt_add(ps, full, 1, bs, l->b->value, 0, CKPT_COPY);
    }
}

void conv_layer_reset(conv_layer *l, irfa_rng *rng, layer_init how)
{
    if (how == INIT_KAIMING_FAN_OUT) {
        init_kaiming_normal_fan_out(l->w->value, rng);
        if (l->b) tensor_fill(l->b->value, 0.0f);
    } else {
        /* PyTorch computes fan_in from weight dim 1 for both Conv and ConvTranspose. */
        int fan_in = l->w->value->shape[1] * l->k * l->k;
        init_pytorch_default(l->w->value, l->b ? l->b->value : NULL, fan_in, rng);
    }
}

void conv_layer_forward(const conv_layer *l, const tensor *x, tensor *y)
{
    const tensor *b = l->b ? l->b->value : NULL;
    if (l->transpose) op_conv_transpose2d_forward(x, l->w->value, b, y, &l->p);
    else op_conv2d_forward(x, l->w->value, b, y, &l->p);
}

void conv_layer_backward(const conv_layer *l, const tensor *x, const tensor *dy, tensor *dx)
{
    tensor *db = l->b ? l->b->grad : NULL;
    if (l->transpose) op_conv_transpose2d_backward(x, l->w->value, dy, dx, l->w->grad, db, &l->p);
    else op_conv2d_backward(x, l->w->value, dy, dx, l->w->grad, db, &l->p);
}

void conv_layer_backward_input(const conv_layer *l, const tensor *x, const tensor *dy, tensor *dx)
{
    if (l->transpose) op_conv_transpose2d_backward(x, l->w->value, dy, dx, NULL, NULL, &l->p);
    else op_conv2d_backward(x, l->w->value, dy, dx, NULL, NULL, &l->p);
}

int conv_layer_out_size(const conv_layer *l, int in)
{
    if (l->transpose)
        return conv_transpose2d_out_size(in, l->k, l->p.stride_h, l->p.pad_top, l->p.pad_bottom, l->p.output_pad_h);
    return conv2d_out_size(in, l->k, l->p.stride_h, l->p.pad_top, l->p.pad_bottom);
}

void bn_layer_init(bn_layer *l, param_set *ps, const char *name, int channels)
{
    l->channels = channels;
    l->gamma = param_add(ps, 1, &channels);
    l->beta = param_add(ps, 1, &channels);
    l->running_mean = tensor_new(ps->ctx, 1, &channels);
    l->running_var = tensor_new(ps->ctx, 1, &channels);
    l->save_mean = tensor_new(ps->ctx, 1, &channels);
    l->save_invstd = tensor_new(ps->ctx, 1, &channels);
    l->num_batches_tracked = 0;
    int64_t s[1] = {channels};
    char full[160];
    snprintf(full, sizeof full, "%s.weight", name);
    ckpt_add(ps, full, 1, s, l->gamma->value, 0, CKPT_COPY);
    snprintf(full, sizeof full, "%s.bias", name);
    ckpt_add(ps, full, 1, s, l->beta->value, 0, CKPT_COPY);
    snprintf(full, sizeof full, "%s.running_mean", name);
    ckpt_add(ps, full, 1, s, l->running_mean, 0, CKPT_COPY);
    snprintf(full, sizeof full, "%s.running_var", name);
    ckpt_add(ps, full, 1, s, l->running_var, 0, CKPT_COPY);
    snprintf(full, sizeof full, "%s.num_batches_tracked", name);
    ckpt_add_counter(ps, full, &l->num_batches_tracked);
}

void bn_layer_reset(bn_layer *l, irfa_rng *rng, layer_init how)
{
    if (how == INIT_KAIMING_FAN_OUT) init_normal(l->gamma->value, rng, 1.0f, 0.02f);   /* the U-Net's init_weights */
    else tensor_fill(l->gamma->value, 1.0f);
    tensor_fill(l->beta->value, 0.0f);
    tensor_fill(l->running_mean, 0.0f);
    tensor_fill(l->running_var, 1.0f);
    l->num_batches_tracked = 0;
}

void bn_layer_forward(bn_layer *l, const tensor *x, tensor *y, bool training)
{
    batchnorm_params p = batchnorm_params_default(training);
    op_batchnorm_forward(x, l->gamma->value, l->beta->value, l->running_mean, l->running_var, l->save_mean,
                         l->save_invstd, y, &p);
    if (training) l->num_batches_tracked++;
}

void bn_layer_backward(bn_layer *l, const tensor *x, const tensor *dy, tensor *dx, bool training)
{
    batchnorm_params p = batchnorm_params_default(training);
    op_batchnorm_backward(x, l->gamma->value, l->save_mean, l->save_invstd, dy, dx, l->gamma->grad, l->beta->grad, &p);
}

void bn_layer_backward_input(bn_layer *l, const tensor *x, const tensor *dy, tensor *dx, bool training)
{
    batchnorm_params p = batchnorm_params_default(training);
    op_batchnorm_backward(x, l->gamma->value, l->save_mean, l->save_invstd, dy, dx, NULL, NULL, &p);
}

void bn_layer_free(bn_layer *l)
{
    tensor_free(l->running_mean);
    tensor_free(l->running_var);
    tensor_free(l->save_mean);
    tensor_free(l->save_invstd);
}
