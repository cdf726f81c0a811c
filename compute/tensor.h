/* Dense row-major float32 tensors that live on one compute context. */
#ifndef IRFA_TENSOR_H
#define IRFA_TENSOR_H

#include <stdbool.h>
#include <stddef.h>
#include "compute/compute.h"

#define TENSOR_MAX_DIMS 6

enum {
    TENSOR_HOST_VISIBLE = 1u << 0,  /* Vulkan: mappable memory, so the host may write it between graph replays */
    TENSOR_VIEW = 1u << 1,          /* shares another tensor's storage; freeing it leaves the storage alone */
};

typedef struct vk_alloc vk_alloc;

typedef struct tensor {
    compute_ctx *ctx;
    int ndim;
    int shape[TENSOR_MAX_DIMS];
    size_t numel;
    unsigned flags;
    float *data;       /* CPU backend storage; NULL on Vulkan */
    vk_alloc *vk;      /* Vulkan storage; NULL on CPU */
} tensor;

tensor *tensor_new(compute_ctx *ctx, int ndim, const int *shape);
tensor *tensor_new_flags(compute_ctx *ctx, int ndim, const int *shape, unsigned flags);
/* Shorthand: tensor_newv(ctx, 3, a, b, c). */
tensor *tensor_newv(compute_ctx *ctx, int ndim, ...);
/* A tensor of the same shape on the same context. */
tensor *tensor_new_like(const tensor *t);
void tensor_free(tensor *t);
/* A tensor with another shape (same numel) over base's storage. Free the view before the base. */
tensor *tensor_view(const tensor *base, int ndim, const int *shape);
tensor *tensor_viewv(const tensor *base, int ndim, ...);

/* Host <-> device copies of the whole tensor (numel floats). tensor_read waits for pending work. */
void tensor_write(tensor *t, const float *src);
void tensor_read(const tensor *t, float *dst);
/* Set every element (device-side, ordered with other ops). */
void tensor_fill(tensor *t, float value);
/* Device-side copy of src into dst (same numel). */
void tensor_copy(tensor *dst, const tensor *src);
/* Device-side copy of count floats from src[src_offset..] to dst[dst_offset..]. */
void tensor_copy_range(tensor *dst, size_t dst_offset, const tensor *src, size_t src_offset, size_t count);

/* Size of dimension i; negative i counts from the end. */
int tensor_dim(const tensor *t, int i);
bool tensor_same_shape(const tensor *a, const tensor *b);
/* Reinterpret the shape (same numel, storage shared is NOT implied: this changes t in place). */
void tensor_reshape(tensor *t, int ndim, const int *shape);
/* "2x3x4" */
const char *tensor_shape_str(const tensor *t, char *buf, size_t len);

/* Bytes of tensor storage held now and at most so far, over all contexts (views not counted). */
size_t tensor_bytes_in_use(void);
size_t tensor_bytes_peak(void);

/* Abort with a message when an op's contract is broken (a programming error, not bad user input). */
#define TENSOR_CHECK(cond, ...) \
    do { if (!(cond)) tensor_check_failed(__FILE__, __LINE__, #cond, __VA_ARGS__); } while (0)
_Noreturn void tensor_check_failed(const char *file, int line, const char *cond, const char *fmt, ...);

#endif
