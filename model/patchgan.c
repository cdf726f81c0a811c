#include "model/patchgan.h"

#include <stdio.h>
#include <string.h>

/* Conv index in nn.Sequential, BN index, output channels, kernel, stride. */
static const struct { int seq, bn_seq, cout, k, stride; } spec[PATCHGAN_LAYERS] = {
    {0, -1, 64, 4, 2}, {2, 3, 128, 4, 2}, {5, 6, 256, 4, 2}, {8, 9, 512, 4, 1}, {11, -1, 1, 3, 2},
};

void patchgan_init(patchgan *d, param_set *ps, int batch, int in_channels, int size)
{
    memset(d, 0, sizeof *d);
    d->batch = batch;
    d->in_channels = in_channels;
    d->size = size;
    int cin = in_channels, s = size;
    for (int i = 0; i < PATCHGAN_LAYERS; i++) {
        char name[64];
        snprintf(name, sizeof name, "discriminator.layers.%d", spec[i].seq);
        bool bias = spec[i].bn_seq < 0;
        conv_layer_init(&d->conv[i], ps, name, cin, spec[i].cout, spec[i].k, conv2d_params_make(spec[i].stride, 1, 1),
                        bias, false);
        s = conv_layer_out_size(&d->conv[i], s);
        TENSOR_CHECK(s >= 1, "the discriminator needs a larger image than %d", size);
        d->pre[i] = tensor_newv(ps->ctx, 4, batch, spec[i].cout, s, s);
        if (spec[i].bn_seq >= 0) {
            snprintf(name, sizeof name, "discriminator.layers.%d", spec[i].bn_seq);
            bn_layer_init(&d->bn[i], ps, name, spec[i].cout);
            d->norm[i] = tensor_new_like(d->pre[i]);
        }
        if (i + 1 < PATCHGAN_LAYERS) {
            d->act[i] = d->norm[i] ? d->norm[i] : d->pre[i];
            d->dact[i] = tensor_new_like(d->pre[i]);
        }
        d->dpre[i] = i == 0 ? d->dact[0] : tensor_new_like(d->pre[i]);
        cin = spec[i].cout;
    }
    d->logits = d->pre[PATCHGAN_LAYERS - 1];
    d->dx = tensor_newv(ps->ctx, 4, batch, in_channels, size, size);
}

void patchgan_reset(patchgan *d, irfa_rng *rng)
{
    /* The public code does not apply init_weights to the discriminator: PyTorch defaults. */
    for (int i = 0; i < PATCHGAN_LAYERS; i++) {
        conv_layer_reset(&d->conv[i], rng, INIT_PYTORCH_DEFAULT);
        if (d->norm[i]) bn_layer_reset(&d->bn[i], rng, INIT_PYTORCH_DEFAULT);
    }
}

void patchgan_forward(patchgan *d, const tensor *x)
{
    const tensor *in = x;
    for (int i = 0; i < PATCHGAN_LAYERS; i++) {
        conv_layer_forward(&d->conv[i], in, d->pre[i]);
        if (i + 1 == PATCHGAN_LAYERS) break;
        if (d->norm[i]) bn_layer_forward(&d->bn[i], d->pre[i], d->norm[i], true);
        op_leaky_relu_forward(d->act[i], d->act[i], 0.2f);
        in = d->act[i];
    }
}

void patchgan_backward(patchgan *d, const tensor *x, const tensor *dlogits, bool param_grads)
{
    const tensor *dpre = dlogits;
    for (int i = PATCHGAN_LAYERS - 1; i >= 0; i--) {
        const tensor *in = i ? d->act[i - 1] : x;
        tensor *din = i ? d->dact[i - 1] : d->dx;
        if (i + 1 < PATCHGAN_LAYERS) {
            /* dact[i] is the gradient w.r.t. act[i]; go back through LeakyReLU (in place) and BN. */
            op_leaky_relu_backward(d->act[i], d->dact[i], d->dact[i], 0.2f);
            if (d->norm[i]) {
                if (param_grads) bn_layer_backward(&d->bn[i], d->pre[i], d->dact[i], d->dpre[i], true);
                else bn_layer_backward_input(&d->bn[i], d->pre[i], d->dact[i], d->dpre[i], true);
            }
            dpre = d->dpre[i];
        }
        if (param_grads) conv_layer_backward(&d->conv[i], in, dpre, din);
        else conv_layer_backward_input(&d->conv[i], in, dpre, din);
    }
}

void patchgan_free(patchgan *d)
{
    for (int i = 0; i < PATCHGAN_LAYERS; i++) {
        if (d->norm[i]) bn_layer_free(&d->bn[i]);
        tensor_free(d->pre[i]);
        if (i > 0) tensor_free(d->dpre[i]);   /* dpre[0] is dact[0] */
        tensor_free(d->norm[i]);
        tensor_free(d->dact[i]);
    }
    tensor_free(d->dx);
}
