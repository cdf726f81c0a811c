#include "compute/tensor.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "compute/vulkan/vk_backend.h"

/* Storage accounting for `irfa bench` (tensors may be created from several threads: atomics). */
static size_t bytes_in_use, bytes_peak;

static void account(size_t bytes, int sign)
{
    if (sign < 0) {
        __atomic_sub_fetch(&bytes_in_use, bytes, __ATOMIC_RELAXED);
        return;
    }
    size_t now = __atomic_add_fetch(&bytes_in_use, bytes, __ATOMIC_RELAXED);
    size_t peak = __atomic_load_n(&bytes_peak, __ATOMIC_RELAXED);
    while (now > peak && !__atomic_compare_exchange_n(&bytes_peak, &peak, now, false, __ATOMIC_RELAXED, __ATOMIC_RELAXED)) {}
}

size_t tensor_bytes_in_use(void) { return __atomic_load_n(&bytes_in_use, __ATOMIC_RELAXED); }
size_t tensor_bytes_peak(void) { return __atomic_load_n(&bytes_peak, __ATOMIC_RELAXED); }

_Noreturn void tensor_check_failed(const char *file, int line, const char *cond, const char *fmt, ...)
{
    va_list ap;
    fprintf(stderr, "irfa: internal error at %s:%d: %s: ", file, line, cond);
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fputc('\n', stderr);
    abort();
}

tensor *tensor_new_flags(compute_ctx *ctx, int ndim, const int *shape, unsigned flags)
{
    TENSOR_CHECK(ctx != NULL, "tensor without a context");
    TENSOR_CHECK(ndim >= 0 && ndim <= TENSOR_MAX_DIMS, "ndim %d", ndim);
    tensor *t = calloc(1, sizeof *t);
    TENSOR_CHECK(t != NULL, "out of memory");
    t->ctx = ctx;
    t->ndim = ndim;
    t->flags = flags;
    t->numel = 1;
    for (int i = 0; i < ndim; i++) {
        TENSOR_CHECK(shape[i] > 0, "dimension %d has size %d", i, shape[i]);
        t->shape[i] = shape[i];
        t->numel *= (size_t)shape[i];
    }
    account(t->numel * sizeof(float), +1);
    if (ctx->backend == COMPUTE_CPU) {
        /* 64-byte alignment for vector loads; zeroed like fresh Vulkan allocations are filled. */
        size_t bytes = (t->numel * sizeof(float) + 63) & ~(size_t)63;
        t->data = aligned_alloc(64, bytes);
        TENSOR_CHECK(t->data != NULL, "out of memory for %zu floats", t->numel);
        memset(t->data, 0, bytes);
    } else {
        t->vk = vk_alloc_new(ctx->vk, t->numel * sizeof(float), (flags & TENSOR_HOST_VISIBLE) != 0);
    }
    return t;
}

tensor *tensor_new(compute_ctx *ctx, int ndim, const int *shape)
{
    return tensor_new_flags(ctx, ndim, shape, 0);
}

tensor *tensor_newv(compute_ctx *ctx, int ndim, ...)
{
    int shape[TENSOR_MAX_DIMS];
    va_list ap;
    TENSOR_CHECK(ndim >= 0 && ndim <= TENSOR_MAX_DIMS, "ndim %d", ndim);
    va_start(ap, ndim);
    for (int i = 0; i < ndim; i++) shape[i] = va_arg(ap, int);
    va_end(ap);
    return tensor_new(ctx, ndim, shape);
}

tensor *tensor_new_like(const tensor *t)
{
    return tensor_new_flags(t->ctx, t->ndim, t->shape, t->flags);
}

void tensor_free(tensor *t)
{
    if (!t) return;
    if (!(t->flags & TENSOR_VIEW)) {
        account(t->numel * sizeof(float), -1);
        if (t->data) free(t->data);
        if (t->vk) vk_alloc_free(t->ctx->vk, t->vk);
    }
    free(t);
}

tensor *tensor_view(const tensor *base, int ndim, const int *shape)
{
    TENSOR_CHECK(ndim >= 0 && ndim <= TENSOR_MAX_DIMS, "ndim %d", ndim);
    tensor *t = calloc(1, sizeof *t);
    TENSOR_CHECK(t != NULL, "out of memory");
    *t = *base;
    t->flags |= TENSOR_VIEW;
    t->ndim = ndim;
    size_t n = 1;
    for (int i = 0; i < ndim; i++) { t->shape[i] = shape[i]; n *= (size_t)shape[i]; }
    char b[64];
    TENSOR_CHECK(n == base->numel, "view of %s (%zu elements) with %zu elements", tensor_shape_str(base, b, sizeof b),
                 base->numel, n);
    return t;
}

tensor *tensor_viewv(const tensor *base, int ndim, ...)
{
    int shape[TENSOR_MAX_DIMS];
    va_list ap;
    TENSOR_CHECK(ndim >= 0 && ndim <= TENSOR_MAX_DIMS, "ndim %d", ndim);
    va_start(ap, ndim);
    for (int i = 0; i < ndim; i++) shape[i] = va_arg(ap, int);
    va_end(ap);
    return tensor_view(base, ndim, shape);
}

void tensor_write(tensor *t, const float *src)
{
    if (t->ctx->backend == COMPUTE_CPU) memcpy(t->data, src, t->numel * sizeof(float));
    else vk_tensor_write(t->ctx, t, src);
}

void tensor_read(const tensor *t, float *dst)
{
    if (t->ctx->backend == COMPUTE_CPU) memcpy(dst, t->data, t->numel * sizeof(float));
    else vk_tensor_read(t->ctx, t, dst);
}

void tensor_fill(tensor *t, float value)
{
    if (t->ctx->backend == COMPUTE_CPU) {
        for (size_t i = 0; i < t->numel; i++) t->data[i] = value;
    } else {
        vk_tensor_fill(t->ctx, t, value);
    }
}

void tensor_copy(tensor *dst, const tensor *src)
{
    TENSOR_CHECK(dst->numel == src->numel, "copy of %zu floats into %zu", src->numel, dst->numel);
    TENSOR_CHECK(dst->ctx == src->ctx, "copy across contexts");
    if (dst->ctx->backend == COMPUTE_CPU) memcpy(dst->data, src->data, src->numel * sizeof(float));
    else vk_tensor_copy(dst->ctx, dst, src);
}

void tensor_copy_range(tensor *dst, size_t dst_offset, const tensor *src, size_t src_offset, size_t count)
{
    TENSOR_CHECK(dst->ctx == src->ctx, "copy across contexts");
    TENSOR_CHECK(dst_offset + count <= dst->numel && src_offset + count <= src->numel,
                 "range copy of %zu floats outside the tensors (%zu+%zu into %zu, from %zu+%zu)", count, dst_offset,
                 count, dst->numel, src_offset, src->numel);
    if (count == 0) return;
    if (dst->ctx->backend == COMPUTE_CPU) memmove(dst->data + dst_offset, src->data + src_offset, count * sizeof(float));
    else vk_tensor_copy_range(dst->ctx, dst, dst_offset, src, src_offset, count);
}

int tensor_dim(const tensor *t, int i)
{
    if (i < 0) i += t->ndim;
    TENSOR_CHECK(i >= 0 && i < t->ndim, "dim %d of a %d-d tensor", i, t->ndim);
    return t->shape[i];
}

bool tensor_same_shape(const tensor *a, const tensor *b)
{
    if (a->ndim != b->ndim) return false;
    for (int i = 0; i < a->ndim; i++)
        if (a->shape[i] != b->shape[i]) return false;
    return true;
}

void tensor_reshape(tensor *t, int ndim, const int *shape)
{
    size_t n = 1;
    TENSOR_CHECK(ndim >= 0 && ndim <= TENSOR_MAX_DIMS, "ndim %d", ndim);
    for (int i = 0; i < ndim; i++) n *= (size_t)shape[i];
    TENSOR_CHECK(n == t->numel, "reshape of %zu elements to %zu", t->numel, n);
    t->ndim = ndim;
    for (int i = 0; i < ndim; i++) t->shape[i] = shape[i];
}

const char *tensor_shape_str(const tensor *t, char *buf, size_t len)
{
    size_t used = 0;
    buf[0] = '\0';
    for (int i = 0; i < t->ndim && used < len; i++)
        used += (size_t)snprintf(buf + used, len - used, i ? "x%d" : "%d", t->shape[i]);
    if (t->ndim == 0) snprintf(buf, len, "scalar");
    return buf;
}
