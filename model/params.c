#include "model/params.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void param_set_init(param_set *ps, compute_ctx *ctx)
{
    memset(ps, 0, sizeof *ps);
    ps->ctx = ctx;
}

void param_set_free(param_set *ps)
{
    for (int i = 0; i < ps->nparams; i++) {
        tensor_free(ps->params[i]->value);
        tensor_free(ps->params[i]->grad);
        tensor_free(ps->params[i]->adam_m);
        tensor_free(ps->params[i]->adam_v);
        free(ps->params[i]);
    }
    free(ps->params);
    free(ps->entries);
    memset(ps, 0, sizeof *ps);
}

param *param_add(param_set *ps, int ndim, const int *shape)
{
    if (ps->nparams == ps->capparams) {
        ps->capparams = ps->capparams ? ps->capparams * 2 : 64;
        ps->params = realloc(ps->params, sizeof *ps->params * (size_t)ps->capparams);
    }
    param *p = calloc(1, sizeof *p);
    TENSOR_CHECK(p != NULL, "out of memory");
    ps->params[ps->nparams++] = p;
    p->value = tensor_new(ps->ctx, ndim, shape);
    p->grad = tensor_new(ps->ctx, ndim, shape);
    p->adam_m = tensor_new(ps->ctx, ndim, shape);
    p->adam_v = tensor_new(ps->ctx, ndim, shape);
    return p;
}

static ckpt_entry *entry_new(param_set *ps)
{
    if (ps->nentries == ps->capentries) {
        ps->capentries = ps->capentries ? ps->capentries * 2 : 128;
        ps->entries = realloc(ps->entries, sizeof *ps->entries * (size_t)ps->capentries);
    }
    ckpt_entry *e = &ps->entries[ps->nentries++];
    memset(e, 0, sizeof *e);
    return e;
}

void ckpt_add(param_set *ps, const char *name, int ndim, const int64_t *shape, tensor *t, size_t offset,
              ckpt_layout layout)
{
    ckpt_entry *e = entry_new(ps);
    snprintf(e->name, sizeof e->name, "%s", name);
    e->ndim = ndim;
    size_t n = 1;
    for (int i = 0; i < ndim; i++) { e->shape[i] = shape[i]; n *= (size_t)shape[i]; }
    TENSOR_CHECK(offset + n <= t->numel, "checkpoint entry %s outside its tensor", name);
    e->t = t;
    e->offset = offset;
    e->layout = layout;
}

void ckpt_add_counter(param_set *ps, const char *name, int64_t *counter)
{
    ckpt_entry *e = entry_new(ps);
    snprintf(e->name, sizeof e->name, "%s", name);
    e->layout = CKPT_COUNTER;
    e->counter = counter;
}

void param_set_reset_adam(param_set *ps)
{
    for (int i = 0; i < ps->nparams; i++) {
        tensor_fill(ps->params[i]->adam_m, 0.0f);
        tensor_fill(ps->params[i]->adam_v, 0.0f);
    }
}

void param_set_adam_step(param_set *ps, const tensor *hyper)
{
    for (int i = 0; i < ps->nparams; i++) {
        param *p = ps->params[i];
        op_adam_step(p->value, p->grad, p->adam_m, p->adam_v, hyper);
    }
}

void adam_state_init(adam_state *a, compute_ctx *ctx, float lr, float beta1, float beta2)
{
    memset(a, 0, sizeof *a);
    int shape[1] = {ADAM_NHYPER};
    a->hyper = tensor_new_flags(ctx, 1, shape, TENSOR_HOST_VISIBLE);
    a->lr = lr;
    a->beta1 = beta1;
    a->beta2 = beta2;
    a->eps = 1e-8f;
}

void adam_state_advance(adam_state *a)
{
    a->step++;
    float h[ADAM_NHYPER] = {0};
    h[ADAM_LR] = a->lr;
    h[ADAM_BETA1] = a->beta1;
    h[ADAM_BETA2] = a->beta2;
    h[ADAM_EPS] = a->eps;
    h[ADAM_STEP] = (float)a->step;
    h[ADAM_WEIGHT_DECAY] = a->weight_decay;
    tensor_write(a->hyper, h);
}

void adam_state_free(adam_state *a)
{
    tensor_free(a->hyper);
    a->hyper = NULL;
}
