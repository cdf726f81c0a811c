/* Vulkan runtime internals shared by compute/vulkan/vk_*.c (not by op glue: that uses vk_runtime.h). */
#ifndef IRFA_VK_INTERNAL_H
#define IRFA_VK_INTERNAL_H

#include <stdbool.h>
#include <stdint.h>
#include <vulkan/vulkan.h>

#include "compute/vulkan/vk_backend.h"
#include "compute/vulkan/vk_runtime.h"

#define VK_CHECK(call)                                                                            \
    do {                                                                                          \
        VkResult vk_check_rc_ = (call);                                                           \
        if (vk_check_rc_ != VK_SUCCESS) vk_fatal(__FILE__, __LINE__, #call, vk_check_rc_);        \
    } while (0)
_Noreturn void vk_fatal(const char *file, int line, const char *what, VkResult rc);
const char *vk_result_name(VkResult rc);

/* A free range inside an arena. */
typedef struct vk_range { VkDeviceSize offset, size; } vk_range;

/* One VkDeviceMemory with one VkBuffer over all of it; tensors are sub-ranges. */
typedef struct vk_arena {
    VkDeviceMemory memory;
    VkBuffer buffer;
    VkDeviceSize size;
    void *mapped;             /* persistent mapping when the memory is host-visible */
    bool host_visible_pool;   /* serves TENSOR_HOST_VISIBLE allocations */
    vk_range *free;           /* sorted by offset, coalesced */
    int nfree, capfree;
} vk_arena;

struct vk_alloc {
    vk_arena *arena;
    VkDeviceSize offset, size;
    /* Barrier tracking: the recorder epoch in which this range was last written / read. */
    uint64_t write_epoch, read_epoch;
};

typedef struct vk_pipeline_entry {
    uint64_t hash;
    const char *shader;       /* points into the embedded table (stable) */
    uint32_t spec[16];
    int nspec;
    int nbufs;
    VkPipeline pipeline;
} vk_pipeline_entry;

typedef struct vk_module_entry { const char *shader; VkShaderModule module; } vk_module_entry;

/* A command buffer being recorded: the eager stream or a capture. */
typedef struct vk_recording {
    VkCommandBuffer cmd;
    bool open;
    uint32_t ndispatch, nbarrier;
} vk_recording;

struct vk_context {
    VkInstance instance;
    VkDebugUtilsMessengerEXT messenger;
    int validation_messages;
    VkPhysicalDevice phys;
    VkDevice device;
    VkQueue queue;
    uint32_t queue_family;
    PFN_vkCmdPushDescriptorSetKHR cmd_push_descriptor;

    vk_limits limits;
    VkDeviceSize storage_align;
    uint32_t mem_type_device;     /* for ordinary tensors */
    uint32_t mem_type_host;       /* for TENSOR_HOST_VISIBLE tensors and staging */
    bool device_is_mappable;      /* the device memory type is host-visible too (lavapipe, UMA) */
    VkDeviceSize max_allocation;

    vk_arena **arenas;
    int narenas, caparenas;

    VkDescriptorSetLayout set_layouts[VK_MAX_BINDINGS + 1];
    VkPipelineLayout pipeline_layouts[VK_MAX_BINDINGS + 1];
    vk_pipeline_entry *pipelines;
    int npipelines, cappipelines;
    vk_module_entry *modules;
    int nmodules, capmodules;
    VkPipelineCache pipeline_cache;

    VkCommandPool pool;
    VkFence fence;
    vk_recording eager;
    vk_recording *active;         /* eager or the capture in progress */
    uint64_t epoch;               /* bumped at every barrier */

    vk_alloc *staging;            /* host-visible bounce buffer for non-mappable memory */
    tensor *workspace;            /* vk_workspace: the current buffer and the outgrown ones */
    tensor **workspace_retired;
    int nworkspace_retired;
};

struct compute_graph {
    compute_ctx *ctx;
    vk_recording rec;
    VkFence fence;
};

/* vk_memory.c */
void vk_memory_destroy(vk_context *vk);
void *vk_alloc_host_ptr(const vk_alloc *a);   /* NULL when not mappable */

/* vk_pipeline.c */
VkPipeline vk_pipeline_get(vk_context *vk, const char *shader, const uint32_t *spec, int nspec, int nbufs);
VkPipelineLayout vk_pipeline_layout(vk_context *vk, int nbufs);
void vk_pipeline_destroy_all(vk_context *vk);

/* vk_recorder.c */
void vk_recording_open(vk_context *vk, vk_recording *rec);
void vk_recording_close(vk_context *vk, vk_recording *rec);
/* Make sure the active recording is open and order the next command after everything recorded before
 * that touched these ranges (see vk_runtime.h). */
void vk_track_access(vk_context *vk, vk_alloc *const *reads, int nreads,
                     vk_alloc *const *writes, int nwrites);
/* Submit the eager stream (if it has commands) and wait for it. */
void vk_flush(vk_context *vk);
void vk_submit_and_wait(vk_context *vk, VkCommandBuffer cmd, VkFence fence);

#endif
