#include "model/frozen_weights.h"

#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>

static void shape_text(int ndim, const int64_t *shape, char *buf, size_t len)
{
    size_t used = 0;
    buf[0] = '\0';
    for (int d = 0; d < ndim && used < len; d++)
        used += (size_t)snprintf(buf + used, len - used, d ? "x%lld" : "%lld", (long long)shape[d]);
    if (ndim == 0) snprintf(buf, len, "a scalar");
}

int frozen_read_tensor(const st_file *f, const char *path, const char *network, const char *name, int ndim,
                       const int64_t *shape, float **dst, char *err, size_t errlen)
{
    *dst = NULL;
    const st_tensor *t = st_find(f, name);
    if (!t) {
        snprintf(err, errlen, "%s: tensor '%s' is missing (not torchvision %s weights?)", path, name, network);
        return -1;
    }
    bool same = t->ndim == ndim;
    for (int d = 0; same && d < ndim; d++) same = t->shape[d] == shape[d];
    if (!same) {
        char want[64], got[64];
        shape_text(ndim, shape, want, sizeof want);
        shape_text(t->ndim, t->shape, got, sizeof got);
        snprintf(err, errlen, "%s: tensor '%s' has shape %s, %s expects %s", path, name, got, network, want);
        return -1;
    }
    if (t->dtype != ST_F32 && t->dtype != ST_F64 && t->dtype != ST_F16 && t->dtype != ST_BF16) {
        snprintf(err, errlen, "%s: tensor '%s' has dtype %s, expected F32, F64, F16 or BF16", path, name,
                 st_dtype_name(t->dtype));
        return -1;
    }
    *dst = malloc(sizeof(float) * (t->numel ? t->numel : 1));
    if (!*dst) {
        snprintf(err, errlen, "%s: out of memory reading tensor '%s'", path, name);
        return -1;
    }
    if (st_read_f32(t, *dst)) {
        snprintf(err, errlen, "%s: tensor '%s' could not be converted from %s", path, name, st_dtype_name(t->dtype));
        return -1;
    }
    for (size_t i = 0; i < t->numel; i++)
        if (!isfinite((*dst)[i])) {
            snprintf(err, errlen, "%s: tensor '%s' holds a non-finite value at element %zu", path, name, i);
            return -1;
        }
    return 0;
}
