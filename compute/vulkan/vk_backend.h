/* The Vulkan backend as seen by the backend-neutral compute layer (compute/compute.c, tensor.c). */
#ifndef IRFA_VK_BACKEND_H
#define IRFA_VK_BACKEND_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "compute/compute.h"
#include "compute/tensor.h"

typedef struct vk_device_info {
    int index;
    char name[256];
    const char *type;       /* "discrete", "integrated", "virtual", "cpu", "other" */
    bool is_gpu;            /* not a CPU implementation such as lavapipe */
    uint32_t api_version;
    uint64_t device_local_bytes;
    uint32_t subgroup_size;
    bool usable;            /* has what the backend needs (compute queue, push descriptors) */
} vk_device_info;

/* Lists devices; returns the count (at most max), or -1 with err filled when Vulkan is unavailable. */
int vk_enumerate_devices(vk_device_info *out, int max, char *err, size_t errlen);

/* index -1: the best usable device (discrete > integrated > virtual > cpu). */
vk_context *vk_context_create(int index, char *name_out, size_t name_len, char *err, size_t errlen);
void vk_context_destroy(vk_context *vk);
int vk_validation_message_count(const vk_context *vk);

vk_alloc *vk_alloc_new(vk_context *vk, size_t bytes, bool host_visible);
void vk_alloc_free(vk_context *vk, vk_alloc *a);
void vk_tensor_write(compute_ctx *ctx, tensor *t, const float *src);
void vk_tensor_read(compute_ctx *ctx, const tensor *t, float *dst);
void vk_tensor_fill(compute_ctx *ctx, tensor *t, float value);
void vk_tensor_copy(compute_ctx *ctx, tensor *dst, const tensor *src);
void vk_tensor_copy_range(compute_ctx *ctx, tensor *dst, size_t dst_offset, const tensor *src, size_t src_offset,
                          size_t count);

void vk_sync(vk_context *vk);
compute_graph *vk_capture_begin(compute_ctx *ctx);
void vk_capture_end(compute_ctx *ctx, compute_graph *g);
void vk_graph_run(compute_graph *g);
void vk_graph_free(compute_graph *g);

#endif
