/* Command recording: the eager stream (ops recorded as they are issued, submitted when the host needs
 * a result) and captures (a whole step recorded once and resubmitted). Barriers are placed from
 * per-allocation epochs: a dispatch waits only when it touches a range written since the last barrier,
 * or writes a range read since then. */
#include <stdlib.h>
#include <string.h>

#include "compute/vulkan/vk_internal.h"

#define ALL_COMPUTE_STAGES (VK_PIPELINE_STAGE_COMPUTE_SHADER_BIT | VK_PIPELINE_STAGE_TRANSFER_BIT)
#define ALL_WRITES (VK_ACCESS_SHADER_WRITE_BIT | VK_ACCESS_TRANSFER_WRITE_BIT)
#define ALL_ACCESSES (VK_ACCESS_SHADER_READ_BIT | VK_ACCESS_SHADER_WRITE_BIT | VK_ACCESS_TRANSFER_READ_BIT | \
                      VK_ACCESS_TRANSFER_WRITE_BIT)

static void memory_barrier(VkCommandBuffer cmd, VkPipelineStageFlags src, VkAccessFlags src_access,
                           VkPipelineStageFlags dst, VkAccessFlags dst_access)
{
    VkMemoryBarrier mb = {
        .sType = VK_STRUCTURE_TYPE_MEMORY_BARRIER,
        .srcAccessMask = src_access,
        .dstAccessMask = dst_access,
    };
    vkCmdPipelineBarrier(cmd, src, dst, 0, 1, &mb, 0, NULL, 0, NULL);
}

void vk_recording_open(vk_context *vk, vk_recording *rec)
{
    if (rec->open) return;
    if (!rec->cmd) {
        VkCommandBufferAllocateInfo ai = {
            .sType = VK_STRUCTURE_TYPE_COMMAND_BUFFER_ALLOCATE_INFO,
            .commandPool = vk->pool,
            .level = VK_COMMAND_BUFFER_LEVEL_PRIMARY,
            .commandBufferCount = 1,
        };
        VK_CHECK(vkAllocateCommandBuffers(vk->device, &ai, &rec->cmd));
    }
    VkCommandBufferBeginInfo bi = {.sType = VK_STRUCTURE_TYPE_COMMAND_BUFFER_BEGIN_INFO};
    VK_CHECK(vkBeginCommandBuffer(rec->cmd, &bi));
    /* Order after everything submitted earlier (previous command buffers, and the host writes that
     * the submission itself makes visible). */
    memory_barrier(rec->cmd, ALL_COMPUTE_STAGES | VK_PIPELINE_STAGE_HOST_BIT, ALL_WRITES | VK_ACCESS_HOST_WRITE_BIT,
                   ALL_COMPUTE_STAGES, ALL_ACCESSES);
    vk->epoch++;
    rec->open = true;
    rec->ndispatch = 0;
    rec->nbarrier = 1;
}

void vk_recording_close(vk_context *vk, vk_recording *rec)
{
    (void)vk;
    /* Results become visible to host reads after the fence wait. */
    memory_barrier(rec->cmd, ALL_COMPUTE_STAGES, ALL_WRITES, VK_PIPELINE_STAGE_HOST_BIT, VK_ACCESS_HOST_READ_BIT);
    VK_CHECK(vkEndCommandBuffer(rec->cmd));
    rec->open = false;
}

void vk_track_access(vk_context *vk, vk_alloc *const *reads, int nreads, vk_alloc *const *writes, int nwrites)
{
    vk_recording *rec = vk->active;
    vk_recording_open(vk, rec);
    bool hazard = false;
    for (int i = 0; i < nreads && !hazard; i++)
        if (reads[i]->write_epoch == vk->epoch) hazard = true;                 /* read after write */
    for (int i = 0; i < nwrites && !hazard; i++)
        if (writes[i]->write_epoch == vk->epoch || writes[i]->read_epoch == vk->epoch) hazard = true;
    if (hazard) {
        memory_barrier(rec->cmd, ALL_COMPUTE_STAGES, ALL_WRITES, ALL_COMPUTE_STAGES, ALL_ACCESSES);
        vk->epoch++;
        rec->nbarrier++;
    }
    for (int i = 0; i < nreads; i++) reads[i]->read_epoch = vk->epoch;
    for (int i = 0; i < nwrites; i++) writes[i]->write_epoch = vk->epoch;
}

void vk_dispatch(compute_ctx *ctx, const char *shader, const uint32_t *spec, int nspec,
                 const void *push, uint32_t push_size, const tensor *const *bufs, int nbufs,
                 uint32_t write_mask, uint32_t gx, uint32_t gy, uint32_t gz)
{
    vk_context *vk = ctx->vk;
    TENSOR_CHECK(push_size <= VK_MAX_PUSH_BYTES, "%u bytes of push constants", push_size);
    TENSOR_CHECK(nbufs >= 1 && nbufs <= VK_MAX_BINDINGS, "%d buffers", nbufs);
    const vk_limits *lim = &vk->limits;
    TENSOR_CHECK(gx >= 1 && gy >= 1 && gz >= 1 && gx <= lim->max_workgroup_count[0] &&
                 gy <= lim->max_workgroup_count[1] && gz <= lim->max_workgroup_count[2],
                 "%s: grid %ux%ux%u outside the device limits", shader, gx, gy, gz);
    VkPipeline pipeline = vk_pipeline_get(vk, shader, spec, nspec, nbufs);

    vk_alloc *reads[VK_MAX_BINDINGS], *writes[VK_MAX_BINDINGS];
    int nr = 0, nw = 0;
    VkDescriptorBufferInfo info[VK_MAX_BINDINGS];
    VkWriteDescriptorSet wds[VK_MAX_BINDINGS];
    for (int i = 0; i < nbufs; i++) {
        TENSOR_CHECK(bufs[i] && bufs[i]->ctx == ctx && bufs[i]->vk, "%s: binding %d is not a tensor of this device",
                     shader, i);
        vk_alloc *a = bufs[i]->vk;
        if (write_mask & (1u << i)) writes[nw++] = a;
        else reads[nr++] = a;
        info[i] = (VkDescriptorBufferInfo){.buffer = a->arena->buffer, .offset = a->offset, .range = a->size};
        wds[i] = (VkWriteDescriptorSet){
            .sType = VK_STRUCTURE_TYPE_WRITE_DESCRIPTOR_SET,
            .dstBinding = (uint32_t)i,
            .descriptorCount = 1,
            .descriptorType = VK_DESCRIPTOR_TYPE_STORAGE_BUFFER,
            .pBufferInfo = &info[i],
        };
    }
    vk_track_access(vk, reads, nr, writes, nw);

    VkCommandBuffer cmd = vk->active->cmd;
    VkPipelineLayout layout = vk_pipeline_layout(vk, nbufs);
    vkCmdBindPipeline(cmd, VK_PIPELINE_BIND_POINT_COMPUTE, pipeline);
    vk->cmd_push_descriptor(cmd, VK_PIPELINE_BIND_POINT_COMPUTE, layout, 0, (uint32_t)nbufs, wds);
    /* Always push the whole range so no shader ever reads unset push-constant bytes. */
    uint8_t pc[VK_MAX_PUSH_BYTES] = {0};
    if (push_size) memcpy(pc, push, push_size);
    vkCmdPushConstants(cmd, layout, VK_SHADER_STAGE_COMPUTE_BIT, 0, VK_MAX_PUSH_BYTES, pc);
    vkCmdDispatch(cmd, gx, gy, gz);
    vk->active->ndispatch++;
}

void vk_submit_and_wait(vk_context *vk, VkCommandBuffer cmd, VkFence fence)
{
    VkSubmitInfo si = {.sType = VK_STRUCTURE_TYPE_SUBMIT_INFO, .commandBufferCount = 1, .pCommandBuffers = &cmd};
    VK_CHECK(vkQueueSubmit(vk->queue, 1, &si, fence));
    VK_CHECK(vkWaitForFences(vk->device, 1, &fence, VK_TRUE, UINT64_MAX));
    VK_CHECK(vkResetFences(vk->device, 1, &fence));
}

void vk_flush(vk_context *vk)
{
    if (!vk->eager.open) return;
    vk_recording_close(vk, &vk->eager);
    vk_submit_and_wait(vk, vk->eager.cmd, vk->fence);
    VK_CHECK(vkResetCommandBuffer(vk->eager.cmd, 0));
}

void vk_sync(vk_context *vk)
{
    TENSOR_CHECK(vk->active == &vk->eager, "compute_sync during a capture");
    vk_flush(vk);
}

/* ---- captures ------------------------------------------------------------------------------------ */

compute_graph *vk_capture_begin(compute_ctx *ctx)
{
    vk_context *vk = ctx->vk;
    TENSOR_CHECK(vk->active == &vk->eager, "nested capture");
    vk_flush(vk);
    compute_graph *g = calloc(1, sizeof *g);
    TENSOR_CHECK(g != NULL, "out of memory");
    g->ctx = ctx;
    VkFenceCreateInfo fci = {.sType = VK_STRUCTURE_TYPE_FENCE_CREATE_INFO};
    VK_CHECK(vkCreateFence(vk->device, &fci, NULL, &g->fence));
    vk_recording_open(vk, &g->rec);
    vk->active = &g->rec;
    return g;
}

void vk_capture_end(compute_ctx *ctx, compute_graph *g)
{
    vk_context *vk = ctx->vk;
    TENSOR_CHECK(vk->active == &g->rec, "capture_end without its capture_begin");
    vk_recording_close(vk, &g->rec);
    vk->active = &vk->eager;
}

void vk_graph_run(compute_graph *g)
{
    vk_context *vk = g->ctx->vk;
    TENSOR_CHECK(!g->rec.open && vk->active == &vk->eager, "running a capture that is still being recorded");
    vk_flush(vk);   /* eager work issued before the run comes first */
    vk_submit_and_wait(vk, g->rec.cmd, g->fence);
}

void vk_graph_free(compute_graph *g)
{
    vk_context *vk = g->ctx->vk;
    vkFreeCommandBuffers(vk->device, vk->pool, 1, &g->rec.cmd);
    vkDestroyFence(vk->device, g->fence, NULL);
    free(g);
}

/* ---- host transfers, fill and copy ---------------------------------------------------------------- */

static vk_alloc *staging_for(vk_context *vk, size_t bytes)
{
    if (vk->staging && vk->staging->size >= bytes) return vk->staging;
    if (vk->staging) vk_alloc_free(vk, vk->staging);
    vk->staging = vk_alloc_new(vk, bytes, true);
    return vk->staging;
}

/* One-off transfer outside the eager stream, ordered after everything before it. */
static void copy_now(vk_context *vk, vk_alloc *src, vk_alloc *dst, VkDeviceSize bytes)
{
    vk_recording rec = {0};
    vk_recording_open(vk, &rec);
    VkBufferCopy region = {.srcOffset = src->offset, .dstOffset = dst->offset, .size = bytes};
    vkCmdCopyBuffer(rec.cmd, src->arena->buffer, dst->arena->buffer, 1, &region);
    vk_recording_close(vk, &rec);
    vk_submit_and_wait(vk, rec.cmd, vk->fence);
    vkFreeCommandBuffers(vk->device, vk->pool, 1, &rec.cmd);
}

void vk_tensor_write(compute_ctx *ctx, tensor *t, const float *src)
{
    vk_context *vk = ctx->vk;
    size_t bytes = t->numel * sizeof(float);
    TENSOR_CHECK(vk->active == &vk->eager, "tensor_write during a capture (write host-visible inputs between replays)");
    vk_flush(vk);   /* earlier recorded commands may still read the old contents */
    void *p = vk_alloc_host_ptr(t->vk);
    if (p) { memcpy(p, src, bytes); return; }
    vk_alloc *st = staging_for(vk, bytes);
    memcpy(vk_alloc_host_ptr(st), src, bytes);
    copy_now(vk, st, t->vk, bytes);
}

void vk_tensor_read(compute_ctx *ctx, const tensor *t, float *dst)
{
    vk_context *vk = ctx->vk;
    size_t bytes = t->numel * sizeof(float);
    TENSOR_CHECK(vk->active == &vk->eager, "tensor_read during a capture");
    vk_flush(vk);
    void *p = vk_alloc_host_ptr(t->vk);
    if (p) { memcpy(dst, p, bytes); return; }
    vk_alloc *st = staging_for(vk, bytes);
    copy_now(vk, t->vk, st, bytes);
    memcpy(dst, vk_alloc_host_ptr(st), bytes);
}

void vk_tensor_fill(compute_ctx *ctx, tensor *t, float value)
{
    vk_context *vk = ctx->vk;
    vk_alloc *w = t->vk;
    vk_track_access(vk, NULL, 0, &w, 1);
    uint32_t bits;
    memcpy(&bits, &value, sizeof bits);
    vkCmdFillBuffer(vk->active->cmd, w->arena->buffer, w->offset, t->numel * sizeof(float), bits);
}

void vk_tensor_copy_range(compute_ctx *ctx, tensor *dst, size_t dst_offset, const tensor *src, size_t src_offset,
                          size_t count)
{
    vk_context *vk = ctx->vk;
    vk_alloc *r = src->vk, *w = dst->vk;
    vk_track_access(vk, &r, 1, &w, 1);
    VkBufferCopy region = {
        .srcOffset = r->offset + src_offset * sizeof(float),
        .dstOffset = w->offset + dst_offset * sizeof(float),
        .size = count * sizeof(float),
    };
    vkCmdCopyBuffer(vk->active->cmd, r->arena->buffer, w->arena->buffer, 1, &region);
}

void vk_tensor_copy(compute_ctx *ctx, tensor *dst, const tensor *src)
{
    vk_tensor_copy_range(ctx, dst, 0, src, 0, src->numel);
}
