/* Pipeline registry: one VkPipeline per (shader, specialization constants, binding count), created on
 * first use from the embedded SPIR-V and kept for the context's lifetime. Layouts use push descriptors
 * (no descriptor pools or sets to manage) and one 128-byte push-constant range. */
#include <stdlib.h>
#include <string.h>

#include "compute/vulkan/vk_internal.h"
#include "compute/vulkan/vk_shaders.h"

const vk_shader_blob *vk_shader_find(const char *name)
{
    for (size_t i = 0; i < vk_shader_blob_count; i++)
        if (!strcmp(vk_shader_blobs[i].name, name)) return &vk_shader_blobs[i];
    return NULL;
}

static uint64_t key_hash(const char *shader, const uint32_t *spec, int nspec, int nbufs)
{
    uint64_t h = 1469598103934665603ull;
    for (const char *p = shader; *p; p++) h = (h ^ (uint8_t)*p) * 1099511628211ull;
    for (int i = 0; i < nspec; i++) h = (h ^ spec[i]) * 1099511628211ull;
    return (h ^ (uint64_t)nbufs) * 1099511628211ull;
}

static VkPipelineLayout layout_for(vk_context *vk, int nbufs)
{
    if (vk->pipeline_layouts[nbufs]) return vk->pipeline_layouts[nbufs];
    VkDescriptorSetLayoutBinding b[VK_MAX_BINDINGS];
    for (int i = 0; i < nbufs; i++)
        b[i] = (VkDescriptorSetLayoutBinding){
            .binding = (uint32_t)i,
            .descriptorType = VK_DESCRIPTOR_TYPE_STORAGE_BUFFER,
            .descriptorCount = 1,
            .stageFlags = VK_SHADER_STAGE_COMPUTE_BIT,
        };
    VkDescriptorSetLayoutCreateInfo dci = {
        .sType = VK_STRUCTURE_TYPE_DESCRIPTOR_SET_LAYOUT_CREATE_INFO,
        .flags = VK_DESCRIPTOR_SET_LAYOUT_CREATE_PUSH_DESCRIPTOR_BIT_KHR,
        .bindingCount = (uint32_t)nbufs,
        .pBindings = b,
    };
    VK_CHECK(vkCreateDescriptorSetLayout(vk->device, &dci, NULL, &vk->set_layouts[nbufs]));
    VkPushConstantRange pcr = {.stageFlags = VK_SHADER_STAGE_COMPUTE_BIT, .offset = 0, .size = VK_MAX_PUSH_BYTES};
    VkPipelineLayoutCreateInfo lci = {
        .sType = VK_STRUCTURE_TYPE_PIPELINE_LAYOUT_CREATE_INFO,
        .setLayoutCount = 1,
        .pSetLayouts = &vk->set_layouts[nbufs],
        .pushConstantRangeCount = 1,
        .pPushConstantRanges = &pcr,
    };
    VK_CHECK(vkCreatePipelineLayout(vk->device, &lci, NULL, &vk->pipeline_layouts[nbufs]));
    return vk->pipeline_layouts[nbufs];
}

static VkShaderModule module_for(vk_context *vk, const vk_shader_blob *blob)
{
    for (int i = 0; i < vk->nmodules; i++)
        if (vk->modules[i].shader == blob->name) return vk->modules[i].module;
    VkShaderModuleCreateInfo sci = {
        .sType = VK_STRUCTURE_TYPE_SHADER_MODULE_CREATE_INFO,
        .codeSize = blob->size,
        .pCode = blob->code,
    };
    VkShaderModule m;
    VK_CHECK(vkCreateShaderModule(vk->device, &sci, NULL, &m));
    if (vk->nmodules == vk->capmodules) {
        vk->capmodules = vk->capmodules ? vk->capmodules * 2 : 32;
        vk->modules = realloc(vk->modules, sizeof *vk->modules * (size_t)vk->capmodules);
    }
    vk->modules[vk->nmodules++] = (vk_module_entry){blob->name, m};
    return m;
}

VkPipeline vk_pipeline_get(vk_context *vk, const char *shader, const uint32_t *spec, int nspec, int nbufs)
{
    TENSOR_CHECK(nspec >= 0 && nspec <= 16, "%d specialization constants", nspec);
    TENSOR_CHECK(nbufs >= 1 && nbufs <= VK_MAX_BINDINGS, "%d bindings", nbufs);
    uint64_t h = key_hash(shader, spec, nspec, nbufs);
    for (int i = 0; i < vk->npipelines; i++) {
        vk_pipeline_entry *e = &vk->pipelines[i];
        if (e->hash == h && e->nspec == nspec && e->nbufs == nbufs && !strcmp(e->shader, shader) &&
            !memcmp(e->spec, spec, sizeof *spec * (size_t)nspec))
            return e->pipeline;
    }
    const vk_shader_blob *blob = vk_shader_find(shader);
    TENSOR_CHECK(blob != NULL, "no embedded shader named '%s' (is shaders/%s.comp missing?)", shader, shader);
    VkSpecializationMapEntry map[16];
    for (int i = 0; i < nspec; i++)
        map[i] = (VkSpecializationMapEntry){.constantID = (uint32_t)i, .offset = (uint32_t)(4 * i), .size = 4};
    VkSpecializationInfo si = {
        .mapEntryCount = (uint32_t)nspec,
        .pMapEntries = map,
        .dataSize = sizeof *spec * (size_t)nspec,
        .pData = spec,
    };
    VkComputePipelineCreateInfo pci = {
        .sType = VK_STRUCTURE_TYPE_COMPUTE_PIPELINE_CREATE_INFO,
        .stage = {
            .sType = VK_STRUCTURE_TYPE_PIPELINE_SHADER_STAGE_CREATE_INFO,
            .stage = VK_SHADER_STAGE_COMPUTE_BIT,
            .module = module_for(vk, blob),
            .pName = "main",
            .pSpecializationInfo = nspec ? &si : NULL,
        },
        .layout = layout_for(vk, nbufs),
    };
    VkPipeline p;
    VK_CHECK(vkCreateComputePipelines(vk->device, vk->pipeline_cache, 1, &pci, NULL, &p));
    if (vk->npipelines == vk->cappipelines) {
        vk->cappipelines = vk->cappipelines ? vk->cappipelines * 2 : 64;
        vk->pipelines = realloc(vk->pipelines, sizeof *vk->pipelines * (size_t)vk->cappipelines);
    }
    vk_pipeline_entry *e = &vk->pipelines[vk->npipelines++];
    memset(e, 0, sizeof *e);
    e->hash = h;
    e->shader = blob->name;
    memcpy(e->spec, spec, sizeof *spec * (size_t)nspec);
    e->nspec = nspec;
    e->nbufs = nbufs;
    e->pipeline = p;
    return p;
}

VkPipelineLayout vk_pipeline_layout(vk_context *vk, int nbufs)
{
    return layout_for(vk, nbufs);
}

void vk_pipeline_destroy_all(vk_context *vk)
{
    for (int i = 0; i < vk->npipelines; i++) vkDestroyPipeline(vk->device, vk->pipelines[i].pipeline, NULL);
    for (int i = 0; i < vk->nmodules; i++) vkDestroyShaderModule(vk->device, vk->modules[i].module, NULL);
    for (int i = 0; i <= VK_MAX_BINDINGS; i++) {
        if (vk->pipeline_layouts[i]) vkDestroyPipelineLayout(vk->device, vk->pipeline_layouts[i], NULL);
        if (vk->set_layouts[i]) vkDestroyDescriptorSetLayout(vk->device, vk->set_layouts[i], NULL);
    }
    free(vk->pipelines);
    free(vk->modules);
    vk->pipelines = NULL;
    vk->modules = NULL;
    vk->npipelines = vk->nmodules = 0;
}
