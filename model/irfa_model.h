/* The whole IRFA model of the public code: attention extractor + U-Net generator + conditional
 * PatchGAN, with the training step (losses, Adam, history pool) and inference. */
#ifndef IRFA_MODEL_IRFA_MODEL_H
#define IRFA_MODEL_IRFA_MODEL_H

#include "model/irfa_attention.h"
#include "model/patchgan.h"
#include "model/unet.h"
#include "model/vgg19.h"

typedef struct irfa_config {
    int heads;
    int electrodes[IRFA_MAX_HEADS];      /* electrodes per array, in input column order */
    int features, grid, kernel;          /* c, i, k */
    int batch;
    float alpha, beta_vgg, beta_pix;
    float lr_g, beta1_g, beta2_g;
    float lr_d, beta1_d, beta2_d;
    int d_every;                         /* discriminator update on every d_every-th batch */
    int history;                         /* fake-image pool size */
    uint64_t seed;
} irfa_config;

void irfa_config_default(irfa_config *cfg);
int irfa_config_inputs(const irfa_config *cfg);   /* total electrodes */

typedef struct irfa_losses {
    float total, adversarial, l1, vgg, discriminator;
    bool discriminator_updated;
} irfa_losses;

/* Phases of a training step and of inference, for the CPU backend's profile (irfa_model_profile). */
typedef enum {
    IRFA_PHASE_ATTENTION_FORWARD, IRFA_PHASE_UNET_FORWARD, IRFA_PHASE_D_FORWARD, IRFA_PHASE_D_BACKWARD,
    IRFA_PHASE_LOSSES, IRFA_PHASE_UNET_BACKWARD, IRFA_PHASE_ATTENTION_BACKWARD, IRFA_PHASE_ADAM,
    IRFA_PHASE_D_UPDATE, IRFA_PHASES
} irfa_phase;
extern const char *const irfa_phase_names[IRFA_PHASES];

typedef struct irfa_model {
    irfa_config cfg;
    compute_ctx *ctx;
    bool training;
    param_set gen_params;      /* irfa.* and generator.* */
    param_set dis_params;      /* discriminator.* */
    irfa_attention att;
    unet gen;
    patchgan dis;
    irfa_rng rng;
    /* training state (NULL when built for inference) */
    tensor *target;            /* [N, 3, i, i], host-visible */
    tensor *d_in, *d_fake, *d_real, *ones, *zeros;   /* d_real shares d_fake's buffer */
    tensor *loss_adv, *loss_l1, *loss_d_fake, *loss_d_real;
    tensor *dloss_alpha, *dloss_pix, *dloss_half;
    tensor *dyhat_adv, *dyhat_l1, *dyhat, *dt_from_d, *dt;
    tensor **d_grad_sum;       /* per discriminator parameter */
    tensor *pool;              /* [history, c+3, i, i] */
    int pool_count;
    vgg19_loss *vgg;           /* perceptual loss, when weights were given */
    tensor *loss_vgg, *dloss_vgg, *dyhat_vgg, *dyhat_partial;
    adam_state adam_g, adam_d;
    int64_t batches;
    /* Vulkan: the step recorded once and replayed */
    compute_graph *graph_forward, *graph_update;
    int64_t *counter_delta_fwd, *counter_delta_upd;
    int64_t **counters;        /* distinct BatchNorm batch counters */
    int ncounters;
    /* profile (CPU backend): seconds per phase since irfa_model_profile(m, true) */
    bool profiling;
    double phase_seconds[IRFA_PHASES], phase_start;
} irfa_model;

/* training=false builds only what inference needs. */
irfa_model *irfa_model_new(compute_ctx *ctx, const irfa_config *cfg, bool training);
void irfa_model_free(irfa_model *m);
/* Fresh parameters from cfg.seed (PyTorch's init scheme of the public code). */
void irfa_model_reset(irfa_model *m);

/* Turns on the VGG19 perceptual term (torchvision VGG19 weights in a safetensors file; images resized to
 * `resize` before the network). Call before the first training step. Returns 0 or -1 with err. */
int irfa_model_enable_vgg(irfa_model *m, const char *path, int resize, char *err, size_t errlen);

/* Turns the per-phase profile on (zeroing it) or off. It waits for every phase to finish, so it only
 * means something on the CPU backend, whose ops run eagerly (a Vulkan step is one command buffer). */
void irfa_model_profile(irfa_model *m, bool on);

/* responses: rows x E (E = irfa_config_inputs), rows <= batch (missing rows are zero).
 * images: rows x 3 x i x i in [0,1] or NULL. */
void irfa_model_set_batch(irfa_model *m, const float *responses, const float *images, int rows);
/* One optimisation step on the batch set last (full batch). */
irfa_losses irfa_model_train_step(irfa_model *m);
/* Eval-mode forward on the batch set last: m->gen.y holds reconstructions, and m->att.w the attention
 * when want_attention (after irfa_attention_keep_w(&m->att)). */
void irfa_model_infer(irfa_model *m, bool want_attention);

#endif
