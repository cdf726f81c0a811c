#include "tests/ops/op_test.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "formats/npy.h"

/* A value no correct op writes by chance: outputs are pre-filled with it. */
#define OT_SENTINEL 1234.5f

const ot_tol OT_TOL_CPU_GOLDEN = { 1e-5, 1e-4 };
/* GLSL exp/division/inversesqrt are a few ULP and reductions run in another order. */
const ot_tol OT_TOL_VULKAN = { 1e-4, 1e-3 };

static int g_failures;
bool ot_verbose;

void ot_fail(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fputs("FAIL ", stdout);
    vprintf(fmt, ap);
    fputc('\n', stdout);
    va_end(ap);
    fflush(stdout);
    g_failures++;
}

bool ot_check(bool cond, const char *fmt, ...)
{
    if (cond) return true;
    va_list ap;
    va_start(ap, fmt);
    fputs("FAIL ", stdout);
    vprintf(fmt, ap);
    fputc('\n', stdout);
    va_end(ap);
    fflush(stdout);
    g_failures++;
    return false;
}

int ot_failures(void) { return g_failures; }

void ot_failures_reset(int n) { g_failures = n; }

/* ---- named host arrays --------------------------------------------------------------------------- */

const char *ot_shape_str(int ndim, const int *shape, char *buf, size_t len)
{
    size_t used = 0;
    buf[0] = '\0';
    if (ndim == 0) snprintf(buf, len, "scalar");
    for (int i = 0; i < ndim && used < len; i++)
        used += (size_t)snprintf(buf + used, len - used, i ? "x%d" : "%d", shape[i]);
    return buf;
}

ot_array *ot_set_find(const ot_set *s, const char *name)
{
    for (int i = 0; i < s->n; i++)
        if (!strcmp(s->a[i].name, name)) return (ot_array *)&s->a[i];
    return NULL;
}

ot_array *ot_set_get(const ot_set *s, const char *name)
{
    ot_array *a = ot_set_find(s, name);
    if (!a) {
        fprintf(stderr, "test error: array '%s' missing from the case\n", name);
        abort();
    }
    return a;
}

ot_array *ot_set_add(ot_set *s, const char *name, int ndim, const int *shape)
{
    ot_array *a = ot_set_find(s, name);
    if (a) {
        free(a->data);
    } else {
        if (s->n >= OT_MAX_ARRAYS || strlen(name) >= sizeof a->name || ndim > TENSOR_MAX_DIMS) {
            fprintf(stderr, "test error: cannot add array '%s' (%d arrays, %d dims)\n", name, s->n, ndim);
            abort();
        }
        a = &s->a[s->n++];
        snprintf(a->name, sizeof a->name, "%s", name);
    }
    a->ndim = ndim;
    a->numel = 1;
    for (int i = 0; i < ndim; i++) {
        a->shape[i] = shape[i];
        a->numel *= (size_t)shape[i];
    }
    a->data = calloc(a->numel ? a->numel : 1, sizeof(float));
    if (!a->data) abort();
    return a;
}

void ot_set_copy(ot_set *dst, const ot_set *src)
{
    memset(dst, 0, sizeof *dst);
    for (int i = 0; i < src->n; i++) {
        const ot_array *a = &src->a[i];
        ot_array *b = ot_set_add(dst, a->name, a->ndim, a->shape);
        memcpy(b->data, a->data, a->numel * sizeof(float));
    }
}

void ot_set_free(ot_set *s)
{
    for (int i = 0; i < s->n; i++) free(s->a[i].data);
    s->n = 0;
}

int ot_set_load_npy(ot_set *s, const char *dir, const cJSON *names)
{
    const cJSON *it;
    cJSON_ArrayForEach(it, names) {
        if (!cJSON_IsString(it)) { ot_fail("%s: index.json lists a non-string array name", dir); return -1; }
        char path[4096], err[512];
        snprintf(path, sizeof path, "%s/%s.npy", dir, it->valuestring);
        npy_array npy;
        if (npy_load_f32(path, &npy, 0, err, sizeof err) != 0) {
            ot_fail("cannot load golden array %s: %s", path, err);
            return -1;
        }
        if (npy.ndim > TENSOR_MAX_DIMS) {
            ot_fail("%s: %d dims, more than tensors have", path, npy.ndim);
            npy_free(&npy);
            return -1;
        }
        int shape[TENSOR_MAX_DIMS];
        for (int i = 0; i < npy.ndim; i++) shape[i] = (int)npy.shape[i];
        ot_array *a = ot_set_add(s, it->valuestring, npy.ndim, shape);
        memcpy(a->data, npy.data, a->numel * sizeof(float));
        npy_free(&npy);
    }
    return 0;
}

/* ---- tensors ------------------------------------------------------------------------------------- */

tensor *ot_upload_flags(compute_ctx *ctx, const ot_array *a, unsigned flags)
{
    tensor *t = tensor_new_flags(ctx, a->ndim, a->shape, flags);
    tensor_write(t, a->data);
    return t;
}

tensor *ot_upload(compute_ctx *ctx, const ot_array *a)
{
    return ot_upload_flags(ctx, a, 0);
}

tensor *ot_output(compute_ctx *ctx, int ndim, const int *shape)
{
    tensor *t = tensor_new(ctx, ndim, shape);
    tensor_fill(t, OT_SENTINEL);
    return t;
}

tensor *ot_output_like(const tensor *t)
{
    return ot_output(t->ctx, t->ndim, t->shape);
}

tensor *ot_grad_output(const tensor *like, unsigned grads, int bit)
{
    return (grads >> bit) & 1u ? ot_output_like(like) : NULL;
}

void ot_download(const tensor *t, ot_set *out, const char *name)
{
    if (!t) return;
    ot_array *a = ot_set_add(out, name, t->ndim, t->shape);
    tensor_read(t, a->data);
}

void ot_free_tensors(tensor **ts, int n)
{
    for (int i = 0; i < n; i++) tensor_free(ts[i]);
}

/* ---- comparison ---------------------------------------------------------------------------------- */

static void index_str(const ot_array *a, size_t flat, char *buf, size_t len)
{
    int idx[TENSOR_MAX_DIMS];
    for (int d = a->ndim - 1; d >= 0; d--) {
        idx[d] = (int)(flat % (size_t)a->shape[d]);
        flat /= (size_t)a->shape[d];
    }
    size_t used = (size_t)snprintf(buf, len, "[");
    for (int d = 0; d < a->ndim && used < len; d++)
        used += (size_t)snprintf(buf + used, len - used, d ? ",%d" : "%d", idx[d]);
    if (used < len) snprintf(buf + used, len - used, "]");
}

bool ot_compare(const char *what, const ot_array *got, const ot_array *want, ot_tol tol)
{
    char gs[64], ws[64];
    bool same_shape = got->ndim == want->ndim;
    for (int i = 0; same_shape && i < got->ndim; i++) same_shape = got->shape[i] == want->shape[i];
    if (!same_shape) {
        ot_fail("%s: shape %s, expected %s", what, ot_shape_str(got->ndim, got->shape, gs, sizeof gs),
                ot_shape_str(want->ndim, want->shape, ws, sizeof ws));
        return false;
    }
    double maxw = 0;
    for (size_t i = 0; i < want->numel; i++) maxw = fmax(maxw, fabs(want->data[i]));
    /* Scaled by the array's own magnitude (a tiny floor keeps all-zero arrays exact): a gradient of
     * size 1e-4 must be right to 1e-4 relative too, not merely below some fixed absolute error. */
    double atol = tol.atol_scale * fmax(maxw, 1e-6);
    double max_abs = 0, max_rel = 0, worst_excess = -1;
    size_t bad = 0, worst = 0;
    for (size_t i = 0; i < got->numel; i++) {
        double g = got->data[i], w = want->data[i];
        double err = fabs(g - w);
        double limit = atol + tol.rtol * fabs(w);
        if (!isfinite(g)) err = INFINITY;
        if (err > max_abs) max_abs = err;
        if (w != 0 && err / fabs(w) > max_rel) max_rel = err / fabs(w);
        if (!(err <= limit)) {
            bad++;
            if (err - limit > worst_excess) { worst_excess = err - limit; worst = i; }
        }
    }
    if (bad) {
        char where[96];
        index_str(got, worst, where, sizeof where);
        ot_fail("%s (%s): %zu of %zu elements off; worst at %s: got %.7g, expected %.7g; "
                "max abs err %.3g, max rel err %.3g; tolerance %.3g + %.3g*|expected|",
                what, ot_shape_str(got->ndim, got->shape, gs, sizeof gs), bad, got->numel, where,
                (double)got->data[worst], (double)want->data[worst], max_abs, max_rel, atol, tol.rtol);
        return false;
    }
    if (ot_verbose)
        printf("  ok %s (%s): max abs err %.3g, max rel err %.3g\n", what,
               ot_shape_str(got->ndim, got->shape, gs, sizeof gs), max_abs, max_rel);
    return true;
}

bool ot_compare_exact(const char *what, const float *got, const float *want, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        if (got[i] != want[i]) {
            ot_fail("%s: element %zu is %.9g, expected exactly %.9g", what, i, (double)got[i],
                    (double)want[i]);
            return false;
        }
    }
    return true;
}

/* ---- JSON parameters ----------------------------------------------------------------------------- */

int ot_param_int(const cJSON *params, const char *key, int def)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(params, key);
    return cJSON_IsNumber(v) ? v->valueint : def;
}

double ot_param_double(const cJSON *params, const char *key, double def)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(params, key);
    return cJSON_IsNumber(v) ? v->valuedouble : def;
}

bool ot_param_bool(const cJSON *params, const char *key, bool def)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(params, key);
    return cJSON_IsBool(v) ? cJSON_IsTrue(v) : def;
}

bool ot_param_ints(const cJSON *params, const char *key, int *out, int n)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(params, key);
    if (!cJSON_IsArray(v) || cJSON_GetArraySize(v) != n) {
        ot_fail("parameter '%s' is not an array of %d ints", key, n);
        for (int i = 0; i < n; i++) out[i] = 0;
        return false;
    }
    for (int i = 0; i < n; i++) out[i] = cJSON_GetArrayItem(v, i)->valueint;
    return true;
}

/* ---- random data --------------------------------------------------------------------------------- */

void ot_rng_seed(ot_rng *r, unsigned long long seed)
{
    r->state = seed * 0x9E3779B97F4A7C15ull + 1;
}

static unsigned long long splitmix64(ot_rng *r)
{
    unsigned long long z = (r->state += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
}

double ot_rand_uniform(ot_rng *r)
{
    return (double)(splitmix64(r) >> 11) * 0x1.0p-53;
}

double ot_rand_normal(ot_rng *r)
{
    /* Box-Muller; 1 - u keeps the logarithm's argument in (0,1]. */
    double u = 1.0 - ot_rand_uniform(r), v = ot_rand_uniform(r);
    return sqrt(-2.0 * log(u)) * cos(6.283185307179586 * v);
}

void ot_fill_normal(ot_array *a, ot_rng *r, float scale)
{
    for (size_t i = 0; i < a->numel; i++) a->data[i] = scale * (float)ot_rand_normal(r);
}

void ot_fill_uniform(ot_array *a, ot_rng *r, float lo, float hi)
{
    for (size_t i = 0; i < a->numel; i++) a->data[i] = lo + (hi - lo) * (float)ot_rand_uniform(r);
}
