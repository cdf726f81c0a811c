/* Device memory: arenas of one VkDeviceMemory + one VkBuffer each; tensors are aligned sub-ranges,
 * handed out first-fit from a coalescing free list. Few large allocations keep us far below the
 * driver's allocation-count limit and let a whole arena stay mapped when the memory is host-visible. */
#include <stdlib.h>
#include <string.h>

#include "compute/vulkan/vk_internal.h"

#define ARENA_BYTES ((VkDeviceSize)256 << 20)

static VkDeviceSize align_up(VkDeviceSize v, VkDeviceSize a) { return (v + a - 1) / a * a; }

static vk_arena *arena_create(vk_context *vk, VkDeviceSize size, bool host_pool)
{
    vk_arena *ar = calloc(1, sizeof *ar);
    TENSOR_CHECK(ar != NULL, "out of memory");
    VkBufferCreateInfo bci = {
        .sType = VK_STRUCTURE_TYPE_BUFFER_CREATE_INFO,
        .size = size,
        .usage = VK_BUFFER_USAGE_STORAGE_BUFFER_BIT | VK_BUFFER_USAGE_TRANSFER_SRC_BIT | VK_BUFFER_USAGE_TRANSFER_DST_BIT,
        .sharingMode = VK_SHARING_MODE_EXCLUSIVE,
    };
    VK_CHECK(vkCreateBuffer(vk->device, &bci, NULL, &ar->buffer));
    VkMemoryRequirements req;
    vkGetBufferMemoryRequirements(vk->device, ar->buffer, &req);
    uint32_t type = host_pool ? vk->mem_type_host : vk->mem_type_device;
    TENSOR_CHECK(req.memoryTypeBits & (1u << type), "buffer cannot live in the chosen memory type");
    VkMemoryAllocateInfo mai = {
        .sType = VK_STRUCTURE_TYPE_MEMORY_ALLOCATE_INFO,
        .allocationSize = req.size,
        .memoryTypeIndex = type,
    };
    VkResult rc = vkAllocateMemory(vk->device, &mai, NULL, &ar->memory);
    if (rc != VK_SUCCESS) {
        vkDestroyBuffer(vk->device, ar->buffer, NULL);
        free(ar);
        TENSOR_CHECK(0, "cannot allocate %llu MiB of device memory: %s",
                     (unsigned long long)(size >> 20), vk_result_name(rc));
    }
    VK_CHECK(vkBindBufferMemory(vk->device, ar->buffer, ar->memory, 0));
    if (host_pool || vk->device_is_mappable) VK_CHECK(vkMapMemory(vk->device, ar->memory, 0, VK_WHOLE_SIZE, 0, &ar->mapped));
    ar->size = size;
    ar->host_visible_pool = host_pool;
    ar->capfree = 8;
    ar->free = malloc(sizeof *ar->free * (size_t)ar->capfree);
    ar->free[0] = (vk_range){0, size};
    ar->nfree = 1;
    if (vk->narenas == vk->caparenas) {
        vk->caparenas = vk->caparenas ? vk->caparenas * 2 : 8;
        vk->arenas = realloc(vk->arenas, sizeof *vk->arenas * (size_t)vk->caparenas);
    }
    vk->arenas[vk->narenas++] = ar;
    return ar;
}

static bool arena_take(vk_arena *ar, VkDeviceSize size, VkDeviceSize align, VkDeviceSize *offset)
{
    for (int i = 0; i < ar->nfree; i++) {
        VkDeviceSize start = align_up(ar->free[i].offset, align);
        VkDeviceSize end = ar->free[i].offset + ar->free[i].size;
        if (start + size > end) continue;
        /* Split the free range into [offset, start) and [start+size, end). */
        VkDeviceSize head = start - ar->free[i].offset, tail = end - (start + size);
        if (head && tail) {
            if (ar->nfree == ar->capfree) {
                ar->capfree *= 2;
                ar->free = realloc(ar->free, sizeof *ar->free * (size_t)ar->capfree);
            }
            memmove(&ar->free[i + 2], &ar->free[i + 1], sizeof *ar->free * (size_t)(ar->nfree - i - 1));
            ar->free[i].size = head;
            ar->free[i + 1] = (vk_range){start + size, tail};
            ar->nfree++;
        } else if (head) {
            ar->free[i].size = head;
        } else if (tail) {
            ar->free[i] = (vk_range){start + size, tail};
        } else {
            memmove(&ar->free[i], &ar->free[i + 1], sizeof *ar->free * (size_t)(ar->nfree - i - 1));
            ar->nfree--;
        }
        *offset = start;
        return true;
    }
    return false;
}

static void arena_give(vk_arena *ar, VkDeviceSize offset, VkDeviceSize size)
{
    int i = 0;
    while (i < ar->nfree && ar->free[i].offset < offset) i++;
    if (ar->nfree == ar->capfree) {
        ar->capfree *= 2;
        ar->free = realloc(ar->free, sizeof *ar->free * (size_t)ar->capfree);
    }
    memmove(&ar->free[i + 1], &ar->free[i], sizeof *ar->free * (size_t)(ar->nfree - i));
    ar->free[i] = (vk_range){offset, size};
    ar->nfree++;
    /* Coalesce with the next and the previous range. */
    if (i + 1 < ar->nfree && ar->free[i].offset + ar->free[i].size == ar->free[i + 1].offset) {
        ar->free[i].size += ar->free[i + 1].size;
        memmove(&ar->free[i + 1], &ar->free[i + 2], sizeof *ar->free * (size_t)(ar->nfree - i - 2));
        ar->nfree--;
    }
    if (i > 0 && ar->free[i - 1].offset + ar->free[i - 1].size == ar->free[i].offset) {
        ar->free[i - 1].size += ar->free[i].size;
        memmove(&ar->free[i], &ar->free[i + 1], sizeof *ar->free * (size_t)(ar->nfree - i - 1));
        ar->nfree--;
    }
}

vk_alloc *vk_alloc_new(vk_context *vk, size_t bytes, bool host_visible)
{
    /* On devices whose ordinary memory is mappable (lavapipe, UMA) one pool serves both kinds. */
    bool host_pool = host_visible && !vk->device_is_mappable;
    VkDeviceSize size = align_up(bytes ? bytes : 4, 4);
    TENSOR_CHECK(size <= vk->limits.max_storage_buffer_range,
                 "a tensor of %zu bytes exceeds the device's storage-buffer range of %llu bytes",
                 bytes, (unsigned long long)vk->limits.max_storage_buffer_range);
    vk_alloc *a = calloc(1, sizeof *a);
    TENSOR_CHECK(a != NULL, "out of memory");
    for (int i = 0; i < vk->narenas; i++) {
        vk_arena *ar = vk->arenas[i];
        if (ar->host_visible_pool == host_pool && arena_take(ar, size, vk->storage_align, &a->offset)) {
            a->arena = ar;
            a->size = size;
            return a;
        }
    }
    VkDeviceSize arena_size = size > ARENA_BYTES ? align_up(size, vk->storage_align) : ARENA_BYTES;
    if (vk->max_allocation && arena_size > vk->max_allocation) arena_size = size;
    vk_arena *ar = arena_create(vk, arena_size, host_pool);
    TENSOR_CHECK(arena_take(ar, size, vk->storage_align, &a->offset), "fresh arena too small");
    a->arena = ar;
    a->size = size;
    return a;
}

void vk_alloc_free(vk_context *vk, vk_alloc *a)
{
    if (!a) return;
    /* Recorded but unsubmitted commands may still use the range: barrier tracking is per allocation,
     * so a reuse of the range would go unordered. Finish them first. */
    TENSOR_CHECK(vk->active == &vk->eager, "a tensor was freed while a capture was being recorded");
    if (vk->eager.open) vk_flush(vk);
    arena_give(a->arena, a->offset, a->size);
    free(a);
}

void *vk_alloc_host_ptr(const vk_alloc *a)
{
    return a->arena->mapped ? (char *)a->arena->mapped + a->offset : NULL;
}

size_t vk_workspace_max_floats(const compute_ctx *ctx)
{
    size_t cap = (size_t)64 << 20;
    size_t range = (size_t)(ctx->vk->limits.max_storage_buffer_range / sizeof(float));
    return range < cap ? range : cap;
}

tensor *vk_workspace(compute_ctx *ctx, size_t numel)
{
    vk_context *vk = ctx->vk;
    size_t max = vk_workspace_max_floats(ctx);
    TENSOR_CHECK(numel <= max, "workspace of %zu floats requested (at most %zu)", numel, max);
    if (vk->workspace && vk->workspace->numel >= numel) return vk->workspace;
    /* Geometric growth: few buffers are ever outgrown and together they stay below 2x the largest. */
    size_t want = vk->workspace ? vk->workspace->numel * 2 : (size_t)1 << 16;
    if (want < numel) want = numel;
    if (want > max) want = max;
    if (vk->workspace) {
        vk->workspace_retired = realloc(vk->workspace_retired, sizeof(tensor *) * (size_t)(vk->nworkspace_retired + 1));
        vk->workspace_retired[vk->nworkspace_retired++] = vk->workspace;
    }
    int shape[1] = {(int)want};
    vk->workspace = tensor_new(ctx, 1, shape);
    return vk->workspace;
}

void vk_memory_destroy(vk_context *vk)
{
    /* The workspaces' storage goes with the arenas below; only their tensor structs remain. */
    for (int i = 0; i < vk->nworkspace_retired; i++) free(vk->workspace_retired[i]);
    free(vk->workspace_retired);
    free(vk->workspace);
    vk->workspace = NULL;
    vk->workspace_retired = NULL;
    vk->nworkspace_retired = 0;
    for (int i = 0; i < vk->narenas; i++) {
        vk_arena *ar = vk->arenas[i];
        if (ar->mapped) vkUnmapMemory(vk->device, ar->memory);
        vkDestroyBuffer(vk->device, ar->buffer, NULL);
        vkFreeMemory(vk->device, ar->memory, NULL);
        free(ar->free);
        free(ar);
    }
    free(vk->arenas);
    vk->arenas = NULL;
    vk->narenas = vk->caparenas = 0;
    if (vk->staging) { free(vk->staging); vk->staging = NULL; }
}
