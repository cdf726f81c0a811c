#include "model/irfa_model.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

void irfa_config_default(irfa_config *cfg)
{
    memset(cfg, 0, sizeof *cfg);
    cfg->features = 32;
    cfg->grid = 64;
    cfg->kernel = 4;
    cfg->batch = 8;
    cfg->alpha = 0.01f;
    cfg->beta_vgg = 0.69f;
    cfg->beta_pix = 0.3f;
    cfg->lr_g = 7.8e-4f;
    cfg->beta1_g = 0.5f;
    cfg->beta2_g = 0.999f;
    cfg->lr_d = 1e-4f;
    cfg->beta1_d = 0.3f;
    cfg->beta2_d = 0.999f;
    cfg->d_every = 100;
    cfg->history = 50;
    cfg->seed = 1;
}

int irfa_config_inputs(const irfa_config *cfg)
{
    int e = 0;
    for (int j = 0; j < cfg->heads; j++) e += cfg->electrodes[j];
    return e;
}

static tensor *scalar(compute_ctx *ctx, float v)
{
    tensor *t = tensor_newv(ctx, 1, 1);
    tensor_fill(t, v);
    return t;
}

irfa_model *irfa_model_new(compute_ctx *ctx, const irfa_config *cfg, bool training)
{
    irfa_model *m = calloc(1, sizeof *m);
    TENSOR_CHECK(m != NULL, "out of memory");
    m->cfg = *cfg;
    m->ctx = ctx;
    m->training = training;
    int n = cfg->batch, c = cfg->features, i = cfg->grid;
    param_set_init(&m->gen_params, ctx);
    param_set_init(&m->dis_params, ctx);
    irfa_attention_init(&m->att, &m->gen_params, n, cfg->heads, cfg->electrodes, c, i, cfg->kernel, training);
    unet_init(&m->gen, &m->gen_params, n, c, i);
    patchgan_init(&m->dis, &m->dis_params, n, c + 3, i);
    rng_seed(&m->rng, cfg->seed);
    if (!training) return m;

    int ts[4] = {n, 3, i, i};
    m->target = tensor_new_flags(ctx, 4, ts, TENSOR_HOST_VISIBLE);
    m->d_in = tensor_newv(ctx, 4, n, c + 3, i, i);
    m->d_fake = tensor_new_like(m->d_in);
    m->d_real = m->d_fake;   /* the fake batch's pass is over before the real one is built */
    m->ones = tensor_new_like(m->dis.logits);
    m->zeros = tensor_new_like(m->dis.logits);
    tensor_fill(m->ones, 1.0f);
    tensor_fill(m->zeros, 0.0f);
    m->loss_adv = scalar(ctx, 0);
    m->loss_l1 = scalar(ctx, 0);
    m->loss_d_fake = scalar(ctx, 0);
    m->loss_d_real = scalar(ctx, 0);
    m->dloss_alpha = scalar(ctx, cfg->alpha);
    m->dloss_pix = scalar(ctx, cfg->beta_pix);
    m->dloss_half = scalar(ctx, 0.5f);
    m->dyhat_adv = tensor_new_like(m->gen.y);
    m->dyhat_l1 = tensor_new_like(m->gen.y);
    m->dyhat = tensor_new_like(m->gen.y);
    m->dt_from_d = tensor_new_like(m->att.t);
    m->dt = tensor_new_like(m->att.t);
    m->d_grad_sum = calloc((size_t)m->dis_params.nparams, sizeof *m->d_grad_sum);
    for (int p = 0; p < m->dis_params.nparams; p++) m->d_grad_sum[p] = tensor_new_like(m->dis_params.params[p]->grad);
    m->pool = tensor_newv(ctx, 4, cfg->history > 0 ? cfg->history : 1, c + 3, i, i);
    adam_state_init(&m->adam_g, ctx, cfg->lr_g, cfg->beta1_g, cfg->beta2_g);
    adam_state_init(&m->adam_d, ctx, cfg->lr_d, cfg->beta1_d, cfg->beta2_d);
    return m;
}

void irfa_model_reset(irfa_model *m)
{
    rng_seed(&m->rng, m->cfg.seed);
    irfa_attention_reset(&m->att, &m->rng);
    unet_reset(&m->gen, &m->rng);
    patchgan_reset(&m->dis, &m->rng);
    if (m->training) {
        param_set_reset_adam(&m->gen_params);
        param_set_reset_adam(&m->dis_params);
        m->adam_g.step = m->adam_d.step = 0;
        m->pool_count = 0;
        m->batches = 0;
    }
}

int irfa_model_enable_vgg(irfa_model *m, const char *path, int resize, char *err, size_t errlen)
{
    TENSOR_CHECK(m->training && !m->graph_forward && !m->vgg, "the VGG term must be enabled before training starts");
    m->vgg = vgg19_loss_new(m->ctx, path, m->cfg.batch, m->cfg.grid, resize, err, errlen);
    if (!m->vgg) return -1;
    m->loss_vgg = scalar(m->ctx, 0);
    m->dloss_vgg = scalar(m->ctx, m->cfg.beta_vgg);
    m->dyhat_vgg = tensor_new_like(m->gen.y);
    m->dyhat_partial = tensor_new_like(m->gen.y);
    return 0;
}

void irfa_model_set_batch(irfa_model *m, const float *responses, const float *images, int rows)
{
    const irfa_config *cfg = &m->cfg;
    int n = cfg->batch, e_total = irfa_config_inputs(cfg);
    TENSOR_CHECK(rows >= 1 && rows <= n, "%d rows for a batch of %d", rows, n);
    int col = 0;
    for (int j = 0; j < cfg->heads; j++) {
        int nj = cfg->electrodes[j];
        float *buf = calloc((size_t)n * (size_t)nj, sizeof *buf);
        for (int r = 0; r < rows; r++) memcpy(buf + (size_t)r * nj, responses + (size_t)r * e_total + col, sizeof(float) * (size_t)nj);
        tensor_write(m->att.input[j], buf);
        free(buf);
        col += nj;
    }
    if (images && m->target) {
        size_t per = (size_t)3 * cfg->grid * cfg->grid;
        float *buf = calloc((size_t)n * per, sizeof *buf);
        memcpy(buf, images, sizeof(float) * per * (size_t)rows);
        tensor_write(m->target, buf);
        free(buf);
    }
}

/* ---- the training step, in the order of the public code: on a discriminator batch the
 * discriminator is updated first (against the current generator), then the generator. ---- */

const char *const irfa_phase_names[IRFA_PHASES] = {
    "attention forward", "U-Net forward", "discriminator forward", "discriminator backward (input grad)",
    "L1 / VGG losses", "U-Net backward", "attention backward", "Adam (generator)", "discriminator update",
};

static double seconds_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

void irfa_model_profile(irfa_model *m, bool on)
{
    m->profiling = on;
    memset(m->phase_seconds, 0, sizeof m->phase_seconds);
    m->phase_start = seconds_now();
}

/* Charges the time since the last mark to `done` (IRFA_PHASES: to nothing, restarting the clock);
 * a no-op unless profiling. */
static void phase_done(irfa_model *m, irfa_phase done)
{
    if (!m->profiling) return;
    compute_sync(m->ctx);
    double t = seconds_now();
    if (done < IRFA_PHASES) m->phase_seconds[done] += t - m->phase_start;
    m->phase_start = t;
}

static void forward_pass(irfa_model *m)
{
    phase_done(m, IRFA_PHASES);   /* start the clock; time before a step is nobody's */
    irfa_attention_forward(&m->att, true, false);
    phase_done(m, IRFA_PHASE_ATTENTION_FORWARD);
    unet_forward(&m->gen, m->att.t, true);
    phase_done(m, IRFA_PHASE_UNET_FORWARD);
}

/* Generator update: adversarial term through the (training-mode) discriminator, L1, backward, Adam. */
static void generator_update(irfa_model *m)
{
    const tensor *fake[2] = {m->att.t, m->gen.y};
    phase_done(m, IRFA_PHASES);
    op_concat_forward(fake, 2, m->d_in, 1);
    patchgan_forward(&m->dis, m->d_in);
    op_bce_logits_forward(m->dis.logits, m->ones, m->loss_adv);
    phase_done(m, IRFA_PHASE_D_FORWARD);
    op_bce_logits_backward(m->dis.logits, m->ones, m->dloss_alpha, m->dis.dpre[PATCHGAN_LAYERS - 1]);
    patchgan_backward(&m->dis, m->d_in, m->dis.dpre[PATCHGAN_LAYERS - 1], false);
    tensor *parts[2] = {m->dt_from_d, m->dyhat_adv};
    op_concat_backward(m->dis.dx, parts, 2, 1);
    phase_done(m, IRFA_PHASE_D_BACKWARD);
    op_l1_loss_forward(m->gen.y, m->target, m->loss_l1);
    op_l1_loss_backward(m->gen.y, m->target, m->dloss_pix, m->dyhat_l1);
    if (m->vgg) {
        vgg19_loss_forward_backward(m->vgg, m->gen.y, m->target, m->dloss_vgg, m->loss_vgg, m->dyhat_vgg);
        op_add_forward(m->dyhat_adv, m->dyhat_l1, m->dyhat_partial);
        op_add_forward(m->dyhat_partial, m->dyhat_vgg, m->dyhat);
    } else {
        op_add_forward(m->dyhat_adv, m->dyhat_l1, m->dyhat);
    }
    phase_done(m, IRFA_PHASE_LOSSES);
    unet_backward(&m->gen, m->att.t, m->dyhat, true);
    op_add_forward(m->gen.dx, m->dt_from_d, m->dt);
    phase_done(m, IRFA_PHASE_UNET_BACKWARD);
    irfa_attention_backward(&m->att, m->dt, true);
    phase_done(m, IRFA_PHASE_ATTENTION_BACKWARD);
    param_set_adam_step(&m->gen_params, m->adam_g.hyper);
    phase_done(m, IRFA_PHASE_ADAM);
}

/* The pool of past fakes (the public code's History): while filling, every fake is kept and used;
 * then each fake has a 50% chance of being swapped with a random stored one. */
static void compose_fakes(irfa_model *m)
{
    const tensor *fake[2] = {m->att.t, m->gen.y};
    op_concat_forward(fake, 2, m->d_in, 1);
    size_t per = m->d_in->numel / (size_t)m->cfg.batch;
    for (int s = 0; s < m->cfg.batch; s++) {
        if (m->cfg.history <= 0) {
            tensor_copy_range(m->d_fake, (size_t)s * per, m->d_in, (size_t)s * per, per);
        } else if (m->pool_count < m->cfg.history) {
            tensor_copy_range(m->pool, (size_t)m->pool_count * per, m->d_in, (size_t)s * per, per);
            tensor_copy_range(m->d_fake, (size_t)s * per, m->d_in, (size_t)s * per, per);
            m->pool_count++;
        } else if (rng_uniform(&m->rng) < 0.5f) {
            size_t slot = rng_u32(&m->rng) % (uint32_t)m->cfg.history;
            tensor_copy_range(m->d_fake, (size_t)s * per, m->pool, slot * per, per);
            tensor_copy_range(m->pool, slot * per, m->d_in, (size_t)s * per, per);
        } else {
            tensor_copy_range(m->d_fake, (size_t)s * per, m->d_in, (size_t)s * per, per);
        }
    }
}

/* Discriminator update: 0.5 * (BCE(D(fake from pool), 0) + BCE(D(real), 1)). */
static void discriminator_update(irfa_model *m)
{
    compose_fakes(m);
    patchgan *d = &m->dis;
    tensor *dlogits = d->dpre[PATCHGAN_LAYERS - 1];
    patchgan_forward(d, m->d_fake);
    op_bce_logits_forward(d->logits, m->zeros, m->loss_d_fake);
    op_bce_logits_backward(d->logits, m->zeros, m->dloss_half, dlogits);
    patchgan_backward(d, m->d_fake, dlogits, true);
    for (int p = 0; p < m->dis_params.nparams; p++) tensor_copy(m->d_grad_sum[p], m->dis_params.params[p]->grad);
    const tensor *real[2] = {m->att.t, m->target};
    op_concat_forward(real, 2, m->d_real, 1);
    patchgan_forward(d, m->d_real);
    op_bce_logits_forward(d->logits, m->ones, m->loss_d_real);
    op_bce_logits_backward(d->logits, m->ones, m->dloss_half, dlogits);
    patchgan_backward(d, m->d_real, dlogits, true);
    for (int p = 0; p < m->dis_params.nparams; p++) {
        tensor *g = m->dis_params.params[p]->grad;
        op_add_forward(g, m->d_grad_sum[p], m->d_grad_sum[p]);
        tensor_copy(g, m->d_grad_sum[p]);
    }
    adam_state_advance(&m->adam_d);
    param_set_adam_step(&m->dis_params, m->adam_d.hyper);
}

/* BatchNorm batch counters live on the host: a replayed capture adds what its recording added. */
static void counters_collect(irfa_model *m)
{
    const param_set *sets[2] = {&m->gen_params, &m->dis_params};
    int cap = m->gen_params.nentries + m->dis_params.nentries;
    m->counters = calloc((size_t)cap + 1, sizeof *m->counters);
    m->ncounters = 0;
    for (int q = 0; q < 2; q++)
        for (int e = 0; e < sets[q]->nentries; e++) {
            const ckpt_entry *en = &sets[q]->entries[e];
            if (en->layout != CKPT_COUNTER) continue;
            bool seen = false;   /* the attention heads share one counter */
            for (int k = 0; k < m->ncounters; k++) seen |= m->counters[k] == en->counter;
            if (!seen) m->counters[m->ncounters++] = en->counter;
        }
}

static int64_t *counters_get(const irfa_model *m)
{
    int64_t *v = calloc((size_t)m->ncounters + 1, sizeof *v);
    for (int k = 0; k < m->ncounters; k++) v[k] = *m->counters[k];
    return v;
}

/* Records one pass as a capture; returns what the pass adds to each counter, counters left as before. */
static compute_graph *capture_pass(irfa_model *m, void (*pass)(irfa_model *), int64_t **delta)
{
    int64_t *before = counters_get(m);
    compute_graph *g = compute_capture_begin(m->ctx);
    pass(m);
    compute_capture_end(m->ctx, g);
    for (int k = 0; k < m->ncounters; k++) {
        int64_t after = *m->counters[k];
        *m->counters[k] = before[k];
        before[k] = after - before[k];
    }
    *delta = before;
    return g;
}

static void counters_add(irfa_model *m, const int64_t *delta)
{
    for (int k = 0; k < m->ncounters; k++) *m->counters[k] += delta[k];
}

static float read_scalar(const tensor *t)
{
    float v;
    tensor_read(t, &v);
    return v;
}

irfa_losses irfa_model_train_step(irfa_model *m)
{
    TENSOR_CHECK(m->training, "training step on a model built for inference");
    irfa_losses L = {0};
    bool d_step = m->cfg.d_every > 0 && m->batches % m->cfg.d_every == 0;
    adam_state_advance(&m->adam_g);
    if (m->ctx->backend == COMPUTE_VULKAN) {
        if (!m->graph_forward) {
            counters_collect(m);
            m->graph_forward = capture_pass(m, forward_pass, &m->counter_delta_fwd);
            m->graph_update = capture_pass(m, generator_update, &m->counter_delta_upd);
        }
        compute_graph_run(m->graph_forward);
        counters_add(m, m->counter_delta_fwd);
        if (d_step) discriminator_update(m);
        compute_graph_run(m->graph_update);
        counters_add(m, m->counter_delta_upd);
    } else {
        forward_pass(m);
        if (d_step) {
            phase_done(m, IRFA_PHASES);
            discriminator_update(m);
            phase_done(m, IRFA_PHASE_D_UPDATE);
        }
        generator_update(m);
    }
    m->batches++;
    L.adversarial = m->cfg.alpha * read_scalar(m->loss_adv);
    L.l1 = m->cfg.beta_pix * read_scalar(m->loss_l1);
    if (m->vgg) L.vgg = m->cfg.beta_vgg * read_scalar(m->loss_vgg);
    L.total = L.adversarial + L.l1 + L.vgg;
    if (d_step) {
        L.discriminator = 0.5f * (read_scalar(m->loss_d_fake) + read_scalar(m->loss_d_real));
        L.discriminator_updated = true;
    }
    return L;
}

void irfa_model_infer(irfa_model *m, bool want_attention)
{
    phase_done(m, IRFA_PHASES);
    irfa_attention_forward(&m->att, false, want_attention);
    phase_done(m, IRFA_PHASE_ATTENTION_FORWARD);
    unet_forward(&m->gen, m->att.t, false);
    phase_done(m, IRFA_PHASE_UNET_FORWARD);
}

void irfa_model_free(irfa_model *m)
{
    if (!m) return;
    if (m->graph_forward) compute_graph_free(m->graph_forward);
    if (m->graph_update) compute_graph_free(m->graph_update);
    free(m->counter_delta_fwd);
    free(m->counter_delta_upd);
    free(m->counters);
    irfa_attention_free(&m->att);
    unet_free(&m->gen);
    patchgan_free(&m->dis);
    if (m->training) {
        tensor *ts[] = {m->target, m->d_in, m->d_fake, m->ones, m->zeros, m->loss_adv, m->loss_l1,
                        m->loss_d_fake, m->loss_d_real, m->dloss_alpha, m->dloss_pix, m->dloss_half, m->dyhat_adv,
                        m->dyhat_l1, m->dyhat, m->dt_from_d, m->dt, m->pool};
        for (size_t i = 0; i < sizeof ts / sizeof ts[0]; i++) tensor_free(ts[i]);
        for (int p = 0; p < m->dis_params.nparams; p++) tensor_free(m->d_grad_sum[p]);
        free(m->d_grad_sum);
        if (m->vgg) {
            vgg19_loss_free(m->vgg);
            tensor_free(m->loss_vgg);
            tensor_free(m->dloss_vgg);
            tensor_free(m->dyhat_vgg);
            tensor_free(m->dyhat_partial);
        }
        adam_state_free(&m->adam_g);
        adam_state_free(&m->adam_d);
    }
    param_set_free(&m->gen_params);
    param_set_free(&m->dis_params);
    free(m);
}
