/* What Vulkan op glue (compute/vulkan/op_*.c) needs from the runtime: record one compute dispatch.
 *
 * Shader conventions (shaders/<name>.comp):
 * - Storage buffers are bound with push descriptors in set 0, bindings 0..nbufs-1, in the order of
 *   `bufs`. Each binding covers exactly the tensor's numel floats.
 * - Shapes and scalars go in push constants (at most 128 bytes).
 * - Specialization constants are uint32 with ids 0..nspec-1 (tile sizes, variants). By convention
 *   local_size_x_id = 0 when the workgroup size is specialised.
 * - The runtime inserts a barrier before a dispatch only when one of its buffers was written, or one
 *   of its written buffers was read, since the last barrier. Mark every buffer the shader writes in
 *   write_mask (bit i = bufs[i]); a buffer both read and written is marked as written.
 */
#ifndef IRFA_VK_RUNTIME_H
#define IRFA_VK_RUNTIME_H

#include <stdint.h>
#include "compute/tensor.h"

#define VK_MAX_BINDINGS 12
#define VK_MAX_PUSH_BYTES 128

void vk_dispatch(compute_ctx *ctx, const char *shader,
                 const uint32_t *spec, int nspec,
                 const void *push, uint32_t push_size,
                 const tensor *const *bufs, int nbufs, uint32_t write_mask,
                 uint32_t groups_x, uint32_t groups_y, uint32_t groups_z);

/* Device limits the glue must respect when choosing tiles and grid sizes. */
typedef struct vk_limits {
    uint32_t max_workgroup_count[3];      /* lavapipe: 65535 each */
    uint32_t max_workgroup_size[3];
    uint32_t max_workgroup_invocations;
    uint32_t max_shared_memory;           /* bytes; lavapipe 32 KiB */
    uint32_t subgroup_size;               /* lavapipe 8, NVIDIA 32 */
    uint64_t max_storage_buffer_range;    /* bytes; lavapipe 128 MiB */
} vk_limits;
const vk_limits *vk_get_limits(const compute_ctx *ctx);

/* Splits a 1-D count of workgroups into x/y so neither exceeds the limit; shaders recover the linear
 * index as gl_WorkGroupID.x + gl_WorkGroupID.y * gl_NumWorkGroups.x. */
void vk_grid_1d(const compute_ctx *ctx, uint64_t groups, uint32_t *gx, uint32_t *gy);

/* A device buffer of at least numel floats owned by the context, shared by every op that needs scratch
 * space (split-K partial sums, split reductions). Ops that use it one after another are ordered by the
 * barrier tracker like any other buffer. An outgrown buffer is kept until the context closes, since a
 * captured graph may still bind it. numel <= vk_workspace_max_floats(ctx). */
tensor *vk_workspace(compute_ctx *ctx, size_t numel);
size_t vk_workspace_max_floats(const compute_ctx *ctx);

/* Ceil division helper for group counts. */
static inline uint32_t vk_div_up(uint64_t a, uint64_t b) { return (uint32_t)((a + b - 1) / b); }

#endif
