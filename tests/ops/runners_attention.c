/* Runner for the separable transpose attention: seven inputs (key parts, value parts, score kernel),
 * the mixed output t (and the attention w), seven gradients. */
#include <stdlib.h>

#include "tests/ops/op_registry.h"

static const char *const part_names[7] = {"ka", "kx", "ky", "va", "vx", "vy", "ws"};
static const char *const grad_names[7] = {"dka", "dkx", "dky", "dva", "dvx", "dvy", "dws"};

static tensor **part_slot(sepattn_tensors *s, int i)
{
    tensor **slots[7] = {&s->ka, &s->kx, &s->ky, &s->va, &s->vx, &s->vy, &s->ws};
    return slots[i];
}

static void run_separable_attention(compute_ctx *ctx, const cJSON *params, const ot_set *in, ot_set *out,
                                    unsigned grads)
{
    float scale = (float)ot_param_double(params, "scale", 1.0);
    sepattn_tensors parts = {0}, dparts = {0};
    for (int i = 0; i < 7; i++) *part_slot(&parts, i) = ot_upload(ctx, ot_set_get(in, part_names[i]));
    const tensor *ka = parts.ka;
    int N = ka->shape[0], h = ka->shape[1], C = ka->shape[2], H = parts.ky->shape[2], W = parts.kx->shape[2];
    tensor *t = ot_output(ctx, 4, (int[]){ N, C, H, W });
    tensor *w = ot_output(ctx, 5, (int[]){ N, h, C, H, W });
    op_separable_attention_forward(&parts, scale, t, w);
    ot_download(t, out, "t");
    ot_download(w, out, "w");
    if (grads) {
        /* The forward without w must give the same t, to the bit. */
        tensor *t2 = ot_output_like(t);
        op_separable_attention_forward(&parts, scale, t2, NULL);
        float *a = malloc(sizeof(float) * t->numel), *b = malloc(sizeof(float) * t->numel);
        tensor_read(t, a);
        tensor_read(t2, b);
        ot_compare_exact("separable_attention t without w", b, a, t->numel);
        free(a);
        free(b);
        tensor *dt = ot_upload(ctx, ot_set_get(in, "dt"));
        for (int i = 0; i < 7; i++) *part_slot(&dparts, i) = ot_grad_output(*part_slot(&parts, i), grads, i);
        op_separable_attention_backward(&parts, scale, dt, &dparts);
        for (int i = 0; i < 7; i++) ot_download(*part_slot(&dparts, i), out, grad_names[i]);
        for (int i = 0; i < 7; i++) tensor_free(*part_slot(&dparts, i));
        ot_free_tensors((tensor *[]){ t2, dt }, 2);
    }
    for (int i = 0; i < 7; i++) tensor_free(*part_slot(&parts, i));
    ot_free_tensors((tensor *[]){ t, w }, 2);
}

const ot_op ot_op_separable_attention = {
    .op = "separable_attention", .family = "attention", .run = run_separable_attention, .fd_output = "t",
    .upstream = "dt",
    .grads = { { "ka", "dka" }, { "kx", "dkx" }, { "ky", "dky" }, { "va", "dva" }, { "vx", "dvx" },
               { "vy", "dvy" }, { "ws", "dws" } },
};
