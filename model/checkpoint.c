#include "model/checkpoint.h"

#include <cjson/cJSON.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "formats/safetensors.h"

#define CHECKPOINT_FORMAT "irfa-checkpoint-1"

static size_t entry_numel(const ckpt_entry *e)
{
    size_t n = 1;
    for (int i = 0; i < e->ndim; i++) n *= (size_t)e->shape[i];
    return n;
}

/* The 2-D [rows, cols] view of a transposed entry's checkpoint shape (leading 1s dropped). */
static void transposed_dims(const ckpt_entry *e, size_t *rows, size_t *cols)
{
    /* P.x is [1,1,c/2,1,i] -> [c/2, i]; P.y is [1,1,c/2,i,1] -> [c/2, i]. */
    *rows = (size_t)e->shape[2];
    *cols = entry_numel(e) / *rows;
}

static void entry_to_host(const ckpt_entry *e, float *out)
{
    float *all = malloc(sizeof(float) * e->t->numel);
    tensor_read(e->t, all);
    if (e->layout == CKPT_TRANSPOSE) {
        size_t rows, cols;
        transposed_dims(e, &rows, &cols);
        for (size_t r = 0; r < rows; r++)
            for (size_t c = 0; c < cols; c++) out[r * cols + c] = all[c * rows + r];
    } else {
        memcpy(out, all + e->offset, sizeof(float) * entry_numel(e));
    }
    free(all);
}

static void entry_from_host(const ckpt_entry *e, const float *in)
{
    float *all = malloc(sizeof(float) * e->t->numel);
    tensor_read(e->t, all);
    if (e->layout == CKPT_TRANSPOSE) {
        size_t rows, cols;
        transposed_dims(e, &rows, &cols);
        for (size_t r = 0; r < rows; r++)
            for (size_t c = 0; c < cols; c++) all[c * rows + r] = in[r * cols + c];
    } else {
        memcpy(all + e->offset, in, sizeof(float) * entry_numel(e));
    }
    tensor_write(e->t, all);
    free(all);
}

static char *config_json(const irfa_config *cfg, const int *order, int n_order)
{
    cJSON *o = cJSON_CreateObject();
    cJSON_AddStringToObject(o, "format", CHECKPOINT_FORMAT);
    cJSON_AddNumberToObject(o, "arrays", cfg->heads);
    cJSON *el = cJSON_AddArrayToObject(o, "electrodes_per_array");
    for (int j = 0; j < cfg->heads; j++) cJSON_AddItemToArray(el, cJSON_CreateNumber(cfg->electrodes[j]));
    cJSON_AddNumberToObject(o, "features", cfg->features);
    cJSON_AddNumberToObject(o, "grid", cfg->grid);
    cJSON_AddNumberToObject(o, "kernel", cfg->kernel);
    if (order) {
        cJSON *eo = cJSON_AddArrayToObject(o, "electrode_order");
        for (int k = 0; k < n_order; k++) cJSON_AddItemToArray(eo, cJSON_CreateNumber(order[k]));
    }
    char *s = cJSON_PrintUnformatted(o);
    cJSON_Delete(o);
    return s;
}

int checkpoint_save(const irfa_model *m, const char *path, const int *order, int n_order, const char *extra_json,
                    char *err, size_t errlen)
{
    st_writer *w = st_writer_new();
    const param_set *sets[2] = {&m->gen_params, &m->dis_params};
    for (int q = 0; q < 2; q++)
        for (int i = 0; i < sets[q]->nentries; i++) {
            const ckpt_entry *e = &sets[q]->entries[i];
            if (e->layout == CKPT_COUNTER) {
                st_writer_add(w, e->name, ST_I64, 0, NULL, e->counter);
                continue;
            }
            float *buf = malloc(sizeof(float) * entry_numel(e));
            entry_to_host(e, buf);
            st_writer_add(w, e->name, ST_F32, e->ndim, e->shape, buf);
            free(buf);
        }
    char *cfg = config_json(&m->cfg, order, n_order);
    st_writer_meta(w, "irfa_config", cfg);
    free(cfg);
    if (extra_json) st_writer_meta(w, "irfa_training", extra_json);
    int rc = st_writer_save(w, path, err, errlen);
    st_writer_free(w);
    return rc;
}

static int config_from_meta(const char *json, checkpoint_info *info, char *err, size_t errlen)
{
    cJSON *o = cJSON_Parse(json);
    if (!o) { snprintf(err, errlen, "irfa_config metadata is not JSON"); return -1; }
    irfa_config *cfg = &info->cfg;
    cJSON *el = cJSON_GetObjectItem(o, "electrodes_per_array");
    cJSON *f = cJSON_GetObjectItem(o, "features"), *g = cJSON_GetObjectItem(o, "grid"), *k = cJSON_GetObjectItem(o, "kernel");
    int rc = -1;
    if (!cJSON_IsArray(el) || !cJSON_IsNumber(f) || !cJSON_IsNumber(g) || !cJSON_IsNumber(k)) {
        snprintf(err, errlen, "irfa_config metadata lacks electrodes_per_array, features, grid or kernel");
        goto done;
    }
    cfg->heads = cJSON_GetArraySize(el);
    if (cfg->heads < 1 || cfg->heads > IRFA_MAX_HEADS) { snprintf(err, errlen, "irfa_config has %d arrays", cfg->heads); goto done; }
    for (int j = 0; j < cfg->heads; j++) {
        cJSON *v = cJSON_GetArrayItem(el, j);
        if (!cJSON_IsNumber(v) || v->valueint < 1 || v->valueint > 100000) { snprintf(err, errlen, "bad electrode count for array %d", j); goto done; }
        cfg->electrodes[j] = v->valueint;
    }
    cfg->features = f->valueint;
    cfg->grid = g->valueint;
    cfg->kernel = k->valueint;
    cJSON *eo = cJSON_GetObjectItem(o, "electrode_order");
    if (cJSON_IsArray(eo)) {
        info->n_electrode_order = cJSON_GetArraySize(eo);
        info->electrode_order = calloc((size_t)info->n_electrode_order + 1, sizeof(int));
        for (int q = 0; q < info->n_electrode_order; q++) info->electrode_order[q] = cJSON_GetArrayItem(eo, q)->valueint;
    }
    rc = 0;
done:
    cJSON_Delete(o);
    return rc;
}

/* No metadata (a file written by safetensors.torch.save_file): read the configuration off the shapes. */
static int config_from_shapes(const st_file *f, checkpoint_info *info, char *err, size_t errlen)
{
    irfa_config *cfg = &info->cfg;
    char name[64];
    cfg->heads = 0;
    for (int j = 0; j < IRFA_MAX_HEADS; j++) {
        snprintf(name, sizeof name, "irfa.m.M.%d.0.weight", j);
        const st_tensor *t = st_find(f, name);
        if (!t) break;
        if (t->ndim != 2) { snprintf(err, errlen, "%s is not 2-D", name); return -1; }
        cfg->electrodes[j] = (int)t->shape[1];
        cfg->features = 2 * (int)t->shape[0];
        cfg->heads++;
    }
    const st_tensor *px = st_find(f, "irfa.p.P.x"), *s = st_find(f, "irfa.t.s.0.weight");
    if (!cfg->heads || !px || !s || px->ndim != 5 || s->ndim != 4) {
        snprintf(err, errlen, "not an IRFA checkpoint: irfa.m.M.0.0.weight, irfa.p.P.x or irfa.t.s.0.weight missing");
        return -1;
    }
    cfg->grid = (int)px->shape[4];
    cfg->kernel = (int)s->shape[2];
    return 0;
}

static int read_info(const st_file *f, const char *path, checkpoint_info *info, char *err, size_t errlen)
{
    memset(info, 0, sizeof *info);
    irfa_config_default(&info->cfg);
    const char *meta = st_meta_get(f, "irfa_config");
    char e[512];
    int rc = meta ? config_from_meta(meta, info, e, sizeof e) : config_from_shapes(f, info, e, sizeof e);
    if (rc) { snprintf(err, errlen, "%s: %s", path, e); return -1; }
    const char *extra = st_meta_get(f, "irfa_training");
    if (extra) info->extra_json = strdup(extra);
    if (info->cfg.features < 2 || info->cfg.features % 2 || info->cfg.grid < 32 || info->cfg.grid % 32 ||
        info->cfg.kernel < 1) {
        snprintf(err, errlen, "%s: unsupported configuration (features %d, grid %d, kernel %d)", path,
                 info->cfg.features, info->cfg.grid, info->cfg.kernel);
        checkpoint_info_free(info);
        return -1;
    }
    return 0;
}

int checkpoint_read_info(const char *path, checkpoint_info *info, char *err, size_t errlen)
{
    st_file f;
    if (st_load(path, &f, err, errlen)) return -1;
    int rc = read_info(&f, path, info, err, errlen);
    st_free(&f);
    return rc;
}

void checkpoint_info_free(checkpoint_info *info)
{
    free(info->electrode_order);
    free(info->extra_json);
    info->electrode_order = NULL;
    info->extra_json = NULL;
}

static void shape_str(int ndim, const int64_t *shape, char *buf, size_t len)
{
    size_t used = 0;
    buf[0] = '\0';
    if (ndim == 0) { snprintf(buf, len, "scalar"); return; }
    for (int i = 0; i < ndim && used < len; i++)
        used += (size_t)snprintf(buf + used, len - used, i ? "x%lld" : "%lld", (long long)shape[i]);
}

static bool known_name(param_set *const *sets, const char *name)
{
    for (int q = 0; q < 2; q++)
        for (int k = 0; k < sets[q]->nentries; k++)
            if (!strcmp(sets[q]->entries[k].name, name)) return true;
    return false;
}

/* The public code's Skip block keeps its inner layer both in `block` (index 3) and as the attribute
 * `_layer`, so its state_dict also lists every inner tensor under a `._layer.` alias. Such a name is
 * accepted when it is an alias of a tensor we know. */
static bool is_layer_alias(param_set *const *sets, const char *name)
{
    if (!strstr(name, "._layer.")) return false;
    char canon[512] = "";
    const char *p = name;
    size_t used = 0;
    while (*p && used + 16 < sizeof canon) {
        if (!strncmp(p, "._layer.", 8)) {
            memcpy(canon + used, ".block.3.", 9);
            used += 9;
            p += 8;
        } else {
            canon[used++] = *p++;
        }
    }
    canon[used] = '\0';
    return known_name(sets, canon);
}

int checkpoint_load(irfa_model *m, const char *path, char *err, size_t errlen)
{
    st_file f;
    if (st_load(path, &f, err, errlen)) return -1;
    param_set *sets[2] = {&m->gen_params, &m->dis_params};
    int expected = 0, rc = -1;
    /* Check everything before changing anything, so a bad file leaves the model as it was. */
    for (int q = 0; q < 2; q++)
        for (int i = 0; i < sets[q]->nentries; i++, expected++) {
            const ckpt_entry *e = &sets[q]->entries[i];
            const st_tensor *t = st_find(&f, e->name);
            if (!t) { snprintf(err, errlen, "%s: tensor '%s' is missing", path, e->name); goto done; }
            bool counter = e->layout == CKPT_COUNTER;
            bool same = t->ndim == e->ndim;
            for (int d = 0; same && d < e->ndim; d++) same = t->shape[d] == e->shape[d];
            if (!same) {
                char want[64], got[64];
                shape_str(e->ndim, e->shape, want, sizeof want);
                shape_str(t->ndim, t->shape, got, sizeof got);
                snprintf(err, errlen, "%s: tensor '%s' has shape %s, the model expects %s", path, e->name, got, want);
                goto done;
            }
            if (counter ? (t->dtype != ST_I64) : (t->dtype != ST_F32 && t->dtype != ST_F64 && t->dtype != ST_F16 && t->dtype != ST_BF16)) {
                snprintf(err, errlen, "%s: tensor '%s' has dtype %s, expected %s", path, e->name, st_dtype_name(t->dtype),
                         counter ? "I64" : "F32");
                goto done;
            }
        }
    if (f.ntensors != expected) {
        for (int i = 0; i < f.ntensors; i++) {
            const char *name = f.tensors[i].name;
            if (!known_name(sets, name) && !is_layer_alias(sets, name)) {
                snprintf(err, errlen, "%s: unexpected tensor '%s'", path, name);
                goto done;
            }
        }
    }
    for (int q = 0; q < 2; q++)
        for (int i = 0; i < sets[q]->nentries; i++) {
            const ckpt_entry *e = &sets[q]->entries[i];
            const st_tensor *t = st_find(&f, e->name);
            if (e->layout == CKPT_COUNTER) {
                memcpy(e->counter, t->data, sizeof(int64_t));
                continue;
            }
            float *buf = malloc(sizeof(float) * t->numel + 1);
            st_read_f32(t, buf);
            entry_from_host(e, buf);
            free(buf);
        }
    rc = 0;
done:
    st_free(&f);
    return rc;
}

static void add_tensor(st_writer *w, const char *name, const tensor *t)
{
    float *buf = malloc(sizeof(float) * t->numel);
    tensor_read(t, buf);
    int64_t n = (int64_t)t->numel;
    st_writer_add(w, name, ST_F32, 1, &n, buf);
    free(buf);
}

int optimizer_save(const irfa_model *m, const train_progress *p, const char *path, char *err, size_t errlen)
{
    st_writer *w = st_writer_new();
    const param_set *sets[2] = {&m->gen_params, &m->dis_params};
    const char *tag[2] = {"g", "d"};
    char name[64];
    for (int q = 0; q < 2; q++)
        for (int i = 0; i < sets[q]->nparams; i++) {
            snprintf(name, sizeof name, "%s.%d.m", tag[q], i);
            add_tensor(w, name, sets[q]->params[i]->adam_m);
            snprintf(name, sizeof name, "%s.%d.v", tag[q], i);
            add_tensor(w, name, sets[q]->params[i]->adam_v);
        }
    if (m->pool) add_tensor(w, "history_pool", m->pool);
    int64_t state[8] = {p->epoch, p->batches, m->adam_g.step, m->adam_d.step, m->pool_count, (int64_t)m->rng.state,
                        (int64_t)m->rng.inc, m->batches};
    int64_t n = 8;
    st_writer_add(w, "state", ST_I64, 1, &n, state);
    int rc = st_writer_save(w, path, err, errlen);
    st_writer_free(w);
    return rc;
}

static int load_tensor(const st_file *f, const char *name, tensor *t, char *err, size_t errlen)
{
    const st_tensor *s = st_find(f, name);
    if (!s || s->dtype != ST_F32 || s->numel != t->numel) {
        snprintf(err, errlen, "optimizer state '%s' is missing or has the wrong size", name);
        return -1;
    }
    float *buf = malloc(sizeof(float) * t->numel);
    st_read_f32(s, buf);
    tensor_write(t, buf);
    free(buf);
    return 0;
}

int optimizer_load(irfa_model *m, train_progress *p, const char *path, char *err, size_t errlen)
{
    st_file f;
    if (st_load(path, &f, err, errlen)) return -1;
    param_set *sets[2] = {&m->gen_params, &m->dis_params};
    const char *tag[2] = {"g", "d"};
    char name[64], e[256];
    int rc = -1;
    const st_tensor *st = st_find(&f, "state");
    if (!st || st->dtype != ST_I64 || st->numel != 8) { snprintf(err, errlen, "%s: no training state", path); goto done; }
    for (int q = 0; q < 2; q++)
        for (int i = 0; i < sets[q]->nparams; i++) {
            snprintf(name, sizeof name, "%s.%d.m", tag[q], i);
            if (load_tensor(&f, name, sets[q]->params[i]->adam_m, e, sizeof e)) { snprintf(err, errlen, "%s: %s", path, e); goto done; }
            snprintf(name, sizeof name, "%s.%d.v", tag[q], i);
            if (load_tensor(&f, name, sets[q]->params[i]->adam_v, e, sizeof e)) { snprintf(err, errlen, "%s: %s", path, e); goto done; }
        }
    if (m->pool && load_tensor(&f, "history_pool", m->pool, e, sizeof e)) { snprintf(err, errlen, "%s: %s", path, e); goto done; }
    int64_t state[8];
    memcpy(state, st->data, sizeof state);
    p->epoch = state[0];
    p->batches = state[1];
    m->adam_g.step = state[2];
    m->adam_d.step = state[3];
    m->pool_count = (int)state[4];
    m->rng.state = (uint64_t)state[5];
    m->rng.inc = (uint64_t)state[6];
    m->batches = state[7];
    rc = 0;
done:
    st_free(&f);
    return rc;
}
