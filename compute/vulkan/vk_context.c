/* Vulkan instance and device setup, device listing and the validation-layer message counter. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "compute/vulkan/vk_internal.h"

#define VALIDATION_LAYER "VK_LAYER_KHRONOS_validation"

_Noreturn void vk_fatal(const char *file, int line, const char *what, VkResult rc)
{
    fprintf(stderr, "irfa: Vulkan call failed at %s:%d: %s -> %s\n", file, line, what, vk_result_name(rc));
    abort();
}

const char *vk_result_name(VkResult rc)
{
    switch (rc) {
    case VK_SUCCESS: return "VK_SUCCESS";
    case VK_NOT_READY: return "VK_NOT_READY";
    case VK_TIMEOUT: return "VK_TIMEOUT";
    case VK_ERROR_OUT_OF_HOST_MEMORY: return "VK_ERROR_OUT_OF_HOST_MEMORY";
    case VK_ERROR_OUT_OF_DEVICE_MEMORY: return "VK_ERROR_OUT_OF_DEVICE_MEMORY";
    case VK_ERROR_INITIALIZATION_FAILED: return "VK_ERROR_INITIALIZATION_FAILED";
    case VK_ERROR_DEVICE_LOST: return "VK_ERROR_DEVICE_LOST";
    case VK_ERROR_LAYER_NOT_PRESENT: return "VK_ERROR_LAYER_NOT_PRESENT";
    case VK_ERROR_EXTENSION_NOT_PRESENT: return "VK_ERROR_EXTENSION_NOT_PRESENT";
    case VK_ERROR_FEATURE_NOT_PRESENT: return "VK_ERROR_FEATURE_NOT_PRESENT";
    case VK_ERROR_INCOMPATIBLE_DRIVER: return "VK_ERROR_INCOMPATIBLE_DRIVER";
    case VK_ERROR_TOO_MANY_OBJECTS: return "VK_ERROR_TOO_MANY_OBJECTS";
    default: return "VkResult error";
    }
}

static bool validation_requested(void)
{
    const char *v = getenv("IRFA_VK_VALIDATION");
    return v && *v && strcmp(v, "0") != 0;
}

static VKAPI_ATTR VkBool32 VKAPI_CALL on_validation_message(
    VkDebugUtilsMessageSeverityFlagBitsEXT severity, VkDebugUtilsMessageTypeFlagsEXT type,
    const VkDebugUtilsMessengerCallbackDataEXT *data, void *user)
{
    (void)type;
    vk_context *vk = user;
    if (vk) vk->validation_messages++;
    fprintf(stderr, "irfa: Vulkan validation %s: %s\n",
            severity & VK_DEBUG_UTILS_MESSAGE_SEVERITY_ERROR_BIT_EXT ? "error" : "warning",
            data && data->pMessage ? data->pMessage : "(no message)");
    return VK_FALSE;
}

static bool layer_available(const char *name)
{
    uint32_t n = 0;
    if (vkEnumerateInstanceLayerProperties(&n, NULL) != VK_SUCCESS) return false;
    VkLayerProperties *props = calloc(n ? n : 1, sizeof *props);
    bool found = false;
    if (props && vkEnumerateInstanceLayerProperties(&n, props) == VK_SUCCESS)
        for (uint32_t i = 0; i < n; i++)
            if (!strcmp(props[i].layerName, name)) found = true;
    free(props);
    return found;
}

/* Creates the instance; with validation, also the messenger reporting into vk (may be NULL). */
static VkResult create_instance(vk_context *vk, bool validation, VkInstance *out,
                                VkDebugUtilsMessengerEXT *messenger, char *err, size_t errlen)
{
    VkApplicationInfo app = {
        .sType = VK_STRUCTURE_TYPE_APPLICATION_INFO,
        .pApplicationName = "irfa",
        .apiVersion = VK_API_VERSION_1_2,
    };
    const char *layers[] = {VALIDATION_LAYER};
    const char *exts[] = {VK_EXT_DEBUG_UTILS_EXTENSION_NAME};
    VkValidationFeatureEnableEXT enables[] = {VK_VALIDATION_FEATURE_ENABLE_SYNCHRONIZATION_VALIDATION_EXT};
    VkValidationFeaturesEXT features = {
        .sType = VK_STRUCTURE_TYPE_VALIDATION_FEATURES_EXT,
        .enabledValidationFeatureCount = 1,
        .pEnabledValidationFeatures = enables,
    };
    VkDebugUtilsMessengerCreateInfoEXT mci = {
        .sType = VK_STRUCTURE_TYPE_DEBUG_UTILS_MESSENGER_CREATE_INFO_EXT,
        .messageSeverity = VK_DEBUG_UTILS_MESSAGE_SEVERITY_WARNING_BIT_EXT |
                           VK_DEBUG_UTILS_MESSAGE_SEVERITY_ERROR_BIT_EXT,
        .messageType = VK_DEBUG_UTILS_MESSAGE_TYPE_VALIDATION_BIT_EXT |
                       VK_DEBUG_UTILS_MESSAGE_TYPE_GENERAL_BIT_EXT,
        .pfnUserCallback = on_validation_message,
        .pUserData = vk,
        .pNext = &features,
    };
    VkInstanceCreateInfo ici = {
        .sType = VK_STRUCTURE_TYPE_INSTANCE_CREATE_INFO,
        .pApplicationInfo = &app,
    };
    if (validation) {
        if (!layer_available(VALIDATION_LAYER)) {
            snprintf(err, errlen, "IRFA_VK_VALIDATION is set but %s is not installed "
                                  "(apt-get install vulkan-validationlayers)", VALIDATION_LAYER);
            return VK_ERROR_LAYER_NOT_PRESENT;
        }
        ici.enabledLayerCount = 1;
        ici.ppEnabledLayerNames = layers;
        ici.enabledExtensionCount = 1;
        ici.ppEnabledExtensionNames = exts;
        ici.pNext = &mci;   /* also catches messages from instance creation itself */
    }
    VkResult rc = vkCreateInstance(&ici, NULL, out);
    if (rc != VK_SUCCESS) {
        snprintf(err, errlen, "vkCreateInstance failed: %s (is a Vulkan driver installed? "
                              "mesa-vulkan-drivers provides lavapipe)", vk_result_name(rc));
        return rc;
    }
    if (validation && messenger) {
        PFN_vkCreateDebugUtilsMessengerEXT create =
            (PFN_vkCreateDebugUtilsMessengerEXT)vkGetInstanceProcAddr(*out, "vkCreateDebugUtilsMessengerEXT");
        mci.pNext = NULL;
        if (!create || create(*out, &mci, NULL, messenger) != VK_SUCCESS) {
            snprintf(err, errlen, "cannot create the validation messenger");
            vkDestroyInstance(*out, NULL);
            return VK_ERROR_INITIALIZATION_FAILED;
        }
    }
    return VK_SUCCESS;
}

static const char *type_name(VkPhysicalDeviceType t)
{
    switch (t) {
    case VK_PHYSICAL_DEVICE_TYPE_DISCRETE_GPU: return "discrete";
    case VK_PHYSICAL_DEVICE_TYPE_INTEGRATED_GPU: return "integrated";
    case VK_PHYSICAL_DEVICE_TYPE_VIRTUAL_GPU: return "virtual";
    case VK_PHYSICAL_DEVICE_TYPE_CPU: return "cpu";
    default: return "other";
    }
}

static int type_rank(VkPhysicalDeviceType t)
{
    switch (t) {
    case VK_PHYSICAL_DEVICE_TYPE_DISCRETE_GPU: return 4;
    case VK_PHYSICAL_DEVICE_TYPE_INTEGRATED_GPU: return 3;
    case VK_PHYSICAL_DEVICE_TYPE_VIRTUAL_GPU: return 2;
    default: return 1;
    }
}

static bool has_device_extension(VkPhysicalDevice pd, const char *name)
{
    uint32_t n = 0;
    if (vkEnumerateDeviceExtensionProperties(pd, NULL, &n, NULL) != VK_SUCCESS) return false;
    VkExtensionProperties *props = calloc(n ? n : 1, sizeof *props);
    bool found = false;
    if (props && vkEnumerateDeviceExtensionProperties(pd, NULL, &n, props) == VK_SUCCESS)
        for (uint32_t i = 0; i < n; i++)
            if (!strcmp(props[i].extensionName, name)) found = true;
    free(props);
    return found;
}

static int compute_queue_family(VkPhysicalDevice pd)
{
    uint32_t n = 0;
    vkGetPhysicalDeviceQueueFamilyProperties(pd, &n, NULL);
    VkQueueFamilyProperties *q = calloc(n ? n : 1, sizeof *q);
    int found = -1;
    if (q) {
        vkGetPhysicalDeviceQueueFamilyProperties(pd, &n, q);
        for (uint32_t i = 0; i < n && found < 0; i++)
            if (q[i].queueFlags & VK_QUEUE_COMPUTE_BIT) found = (int)i;
    }
    free(q);
    return found;
}

static void describe(VkPhysicalDevice pd, int index, vk_device_info *d)
{
    VkPhysicalDeviceSubgroupProperties sub = {.sType = VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_SUBGROUP_PROPERTIES};
    VkPhysicalDeviceProperties2 p2 = {.sType = VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_PROPERTIES_2, .pNext = &sub};
    vkGetPhysicalDeviceProperties2(pd, &p2);
    VkPhysicalDeviceMemoryProperties mem;
    vkGetPhysicalDeviceMemoryProperties(pd, &mem);
    memset(d, 0, sizeof *d);
    d->index = index;
    snprintf(d->name, sizeof d->name, "%s", p2.properties.deviceName);
    d->type = type_name(p2.properties.deviceType);
    d->is_gpu = p2.properties.deviceType != VK_PHYSICAL_DEVICE_TYPE_CPU &&
                p2.properties.deviceType != VK_PHYSICAL_DEVICE_TYPE_OTHER;
    d->api_version = p2.properties.apiVersion;
    for (uint32_t i = 0; i < mem.memoryHeapCount; i++)
        if (mem.memoryHeaps[i].flags & VK_MEMORY_HEAP_DEVICE_LOCAL_BIT) d->device_local_bytes += mem.memoryHeaps[i].size;
    d->subgroup_size = sub.subgroupSize;
    d->usable = p2.properties.apiVersion >= VK_API_VERSION_1_2 && compute_queue_family(pd) >= 0 &&
                has_device_extension(pd, VK_KHR_PUSH_DESCRIPTOR_EXTENSION_NAME);
}

int vk_enumerate_devices(vk_device_info *out, int max, char *err, size_t errlen)
{
    VkInstance inst;
    if (create_instance(NULL, false, &inst, NULL, err, errlen) != VK_SUCCESS) return -1;
    uint32_t n = 0;
    vkEnumeratePhysicalDevices(inst, &n, NULL);
    VkPhysicalDevice *pds = calloc(n ? n : 1, sizeof *pds);
    if (!pds) { vkDestroyInstance(inst, NULL); snprintf(err, errlen, "out of memory"); return -1; }
    vkEnumeratePhysicalDevices(inst, &n, pds);
    int count = 0;
    for (uint32_t i = 0; i < n && count < max; i++) describe(pds[i], (int)i, &out[count++]);
    free(pds);
    vkDestroyInstance(inst, NULL);
    return count;
}

static uint32_t pick_memory_type(const VkPhysicalDeviceMemoryProperties *mem, VkMemoryPropertyFlags want,
                                 VkMemoryPropertyFlags prefer)
{
    uint32_t best = UINT32_MAX;
    for (uint32_t i = 0; i < mem->memoryTypeCount; i++) {
        VkMemoryPropertyFlags f = mem->memoryTypes[i].propertyFlags;
        if ((f & want) != want) continue;
        if (best == UINT32_MAX) best = i;
        if ((f & prefer) == prefer && (mem->memoryTypes[best].propertyFlags & prefer) != prefer) best = i;
    }
    return best;
}

static void fill_limits(vk_context *vk)
{
    VkPhysicalDeviceSubgroupProperties sub = {.sType = VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_SUBGROUP_PROPERTIES};
    VkPhysicalDeviceMaintenance3Properties m3 = {.sType = VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_MAINTENANCE_3_PROPERTIES, .pNext = &sub};
    VkPhysicalDeviceProperties2 p2 = {.sType = VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_PROPERTIES_2, .pNext = &m3};
    vkGetPhysicalDeviceProperties2(vk->phys, &p2);
    const VkPhysicalDeviceLimits *l = &p2.properties.limits;
    for (int i = 0; i < 3; i++) {
        vk->limits.max_workgroup_count[i] = l->maxComputeWorkGroupCount[i];
        vk->limits.max_workgroup_size[i] = l->maxComputeWorkGroupSize[i];
    }
    vk->limits.max_workgroup_invocations = l->maxComputeWorkGroupInvocations;
    vk->limits.max_shared_memory = l->maxComputeSharedMemorySize;
    vk->limits.subgroup_size = sub.subgroupSize;
    vk->limits.max_storage_buffer_range = l->maxStorageBufferRange;
    vk->storage_align = l->minStorageBufferOffsetAlignment < 256 ? 256 : l->minStorageBufferOffsetAlignment;
    vk->max_allocation = m3.maxMemoryAllocationSize;
}

vk_context *vk_context_create(int index, char *name_out, size_t name_len, char *err, size_t errlen)
{
    if (errlen) err[0] = '\0';
    vk_context *vk = calloc(1, sizeof *vk);
    if (!vk) { snprintf(err, errlen, "out of memory"); return NULL; }
    bool validation = validation_requested();
    if (create_instance(vk, validation, &vk->instance, &vk->messenger, err, errlen) != VK_SUCCESS) {
        free(vk);
        return NULL;
    }
    uint32_t n = 0;
    vkEnumeratePhysicalDevices(vk->instance, &n, NULL);
    VkPhysicalDevice *pds = calloc(n ? n : 1, sizeof *pds);
    vkEnumeratePhysicalDevices(vk->instance, &n, pds);
    int chosen = -1, best_rank = 0;
    for (uint32_t i = 0; i < n; i++) {
        vk_device_info d;
        describe(pds[i], (int)i, &d);
        VkPhysicalDeviceProperties p;
        vkGetPhysicalDeviceProperties(pds[i], &p);
        if (index >= 0) {
            if ((int)i == index) {
                if (!d.usable) {
                    snprintf(err, errlen, "vulkan:%d (%s) lacks Vulkan 1.2, a compute queue or VK_KHR_push_descriptor",
                             index, d.name);
                    break;
                }
                chosen = (int)i;
            }
        } else if (d.usable && type_rank(p.deviceType) > best_rank) {
            best_rank = type_rank(p.deviceType);
            chosen = (int)i;
        }
    }
    if (chosen < 0) {
        if (index >= 0 && !err[0]) snprintf(err, errlen, "no Vulkan device vulkan:%d (%u devices present)", index, n);
        else if (index < 0) snprintf(err, errlen, "no usable Vulkan device (%u present)", n);
        free(pds);
        vk_context_destroy(vk);
        return NULL;
    }
    vk->phys = pds[chosen];
    free(pds);

    VkPhysicalDeviceProperties props;
    vkGetPhysicalDeviceProperties(vk->phys, &props);
    snprintf(name_out, name_len, "vulkan:%d %s", chosen, props.deviceName);
    vk->queue_family = (uint32_t)compute_queue_family(vk->phys);
    float prio = 1.0f;
    VkDeviceQueueCreateInfo qci = {
        .sType = VK_STRUCTURE_TYPE_DEVICE_QUEUE_CREATE_INFO,
        .queueFamilyIndex = vk->queue_family,
        .queueCount = 1,
        .pQueuePriorities = &prio,
    };
    const char *exts[] = {VK_KHR_PUSH_DESCRIPTOR_EXTENSION_NAME};
    VkDeviceCreateInfo dci = {
        .sType = VK_STRUCTURE_TYPE_DEVICE_CREATE_INFO,
        .queueCreateInfoCount = 1,
        .pQueueCreateInfos = &qci,
        .enabledExtensionCount = 1,
        .ppEnabledExtensionNames = exts,
    };
    VkResult rc = vkCreateDevice(vk->phys, &dci, NULL, &vk->device);
    if (rc != VK_SUCCESS) {
        snprintf(err, errlen, "vkCreateDevice failed: %s", vk_result_name(rc));
        vk_context_destroy(vk);
        return NULL;
    }
    vkGetDeviceQueue(vk->device, vk->queue_family, 0, &vk->queue);
    vk->cmd_push_descriptor = (PFN_vkCmdPushDescriptorSetKHR)vkGetDeviceProcAddr(vk->device, "vkCmdPushDescriptorSetKHR");
    fill_limits(vk);

    VkPhysicalDeviceMemoryProperties mem;
    vkGetPhysicalDeviceMemoryProperties(vk->phys, &mem);
    vk->mem_type_device = pick_memory_type(&mem, VK_MEMORY_PROPERTY_DEVICE_LOCAL_BIT, 0);
    vk->mem_type_host = pick_memory_type(&mem, VK_MEMORY_PROPERTY_HOST_VISIBLE_BIT | VK_MEMORY_PROPERTY_HOST_COHERENT_BIT,
                                         VK_MEMORY_PROPERTY_DEVICE_LOCAL_BIT);
    if (vk->mem_type_device == UINT32_MAX) vk->mem_type_device = vk->mem_type_host;
    if (vk->mem_type_host == UINT32_MAX) {
        snprintf(err, errlen, "the device has no host-visible coherent memory");
        vk_context_destroy(vk);
        return NULL;
    }
    VkMemoryPropertyFlags df = mem.memoryTypes[vk->mem_type_device].propertyFlags;
    vk->device_is_mappable = (df & VK_MEMORY_PROPERTY_HOST_VISIBLE_BIT) && (df & VK_MEMORY_PROPERTY_HOST_COHERENT_BIT);

    VkCommandPoolCreateInfo pci = {
        .sType = VK_STRUCTURE_TYPE_COMMAND_POOL_CREATE_INFO,
        .flags = VK_COMMAND_POOL_CREATE_RESET_COMMAND_BUFFER_BIT,
        .queueFamilyIndex = vk->queue_family,
    };
    VK_CHECK(vkCreateCommandPool(vk->device, &pci, NULL, &vk->pool));
    VkFenceCreateInfo fci = {.sType = VK_STRUCTURE_TYPE_FENCE_CREATE_INFO};
    VK_CHECK(vkCreateFence(vk->device, &fci, NULL, &vk->fence));
    VkPipelineCacheCreateInfo cci = {.sType = VK_STRUCTURE_TYPE_PIPELINE_CACHE_CREATE_INFO};
    VK_CHECK(vkCreatePipelineCache(vk->device, &cci, NULL, &vk->pipeline_cache));
    vk->active = &vk->eager;
    vk->epoch = 1;
    return vk;
}

void vk_context_destroy(vk_context *vk)
{
    if (!vk) return;
    if (vk->device) {
        vk_flush(vk);
        vkDeviceWaitIdle(vk->device);
        vk_pipeline_destroy_all(vk);
        vk_memory_destroy(vk);
        if (vk->pipeline_cache) vkDestroyPipelineCache(vk->device, vk->pipeline_cache, NULL);
        if (vk->fence) vkDestroyFence(vk->device, vk->fence, NULL);
        if (vk->pool) vkDestroyCommandPool(vk->device, vk->pool, NULL);
        vkDestroyDevice(vk->device, NULL);
    }
    if (vk->messenger) {
        PFN_vkDestroyDebugUtilsMessengerEXT destroy =
            (PFN_vkDestroyDebugUtilsMessengerEXT)vkGetInstanceProcAddr(vk->instance, "vkDestroyDebugUtilsMessengerEXT");
        if (destroy) destroy(vk->instance, vk->messenger, NULL);
    }
    if (vk->instance) vkDestroyInstance(vk->instance, NULL);
    free(vk);
}

int vk_validation_message_count(const vk_context *vk)
{
    return vk->validation_messages;
}

const vk_limits *vk_get_limits(const compute_ctx *ctx)
{
    return &ctx->vk->limits;
}

void vk_grid_1d(const compute_ctx *ctx, uint64_t groups, uint32_t *gx, uint32_t *gy)
{
    uint64_t maxx = ctx->vk->limits.max_workgroup_count[0];
    if (groups == 0) groups = 1;
    if (groups <= maxx) { *gx = (uint32_t)groups; *gy = 1; return; }
    *gx = (uint32_t)maxx;
    *gy = (uint32_t)((groups + maxx - 1) / maxx);
    TENSOR_CHECK(*gy <= ctx->vk->limits.max_workgroup_count[1], "%llu workgroups exceed the device grid",
                 (unsigned long long)groups);
}
