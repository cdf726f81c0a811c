#include "compute/compute.h"

#include <omp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "compute/vulkan/vk_backend.h"

static const char *resolve_spec(const char *spec)
{
    if (spec && *spec) return spec;
    const char *env = getenv("IRFA_DEVICE");
    return (env && *env) ? env : "auto";
}

/* Index of the Vulkan device `auto` would take (a real GPU), or -1. */
static int auto_gpu_index(void)
{
    vk_device_info devs[16];
    char err[256];
    int n = vk_enumerate_devices(devs, 16, err, sizeof err);
    int best = -1, best_rank = 0;
    for (int i = 0; i < n; i++) {
        if (!devs[i].usable || !devs[i].is_gpu) continue;
        int rank = !strcmp(devs[i].type, "discrete") ? 3 : !strcmp(devs[i].type, "integrated") ? 2 : 1;
        if (rank > best_rank) { best_rank = rank; best = devs[i].index; }
    }
    return best;
}

/* Parses spec into a backend and a Vulkan index (-1 = best). Returns 0, or -1 on a bad spec. */
static int parse_spec(const char *spec, compute_backend *backend, int *index)
{
    *index = -1;
    if (!strcmp(spec, "cpu")) { *backend = COMPUTE_CPU; return 0; }
    if (!strcmp(spec, "vulkan")) { *backend = COMPUTE_VULKAN; return 0; }
    if (!strncmp(spec, "vulkan:", 7)) {
        char *end;
        long v = strtol(spec + 7, &end, 10);
        if (*end || end == spec + 7 || v < 0 || v > 64) return -1;
        *backend = COMPUTE_VULKAN;
        *index = (int)v;
        return 0;
    }
    if (!strcmp(spec, "auto")) {
        *index = auto_gpu_index();
        *backend = *index >= 0 ? COMPUTE_VULKAN : COMPUTE_CPU;
        return 0;
    }
    return -1;
}

compute_ctx *compute_open(const char *spec_in, char *err, size_t errlen)
{
    const char *spec = resolve_spec(spec_in);
    compute_backend backend;
    int index;
    if (parse_spec(spec, &backend, &index) != 0) {
        snprintf(err, errlen, "unknown device '%s' (expected auto, cpu, vulkan or vulkan:N)", spec);
        return NULL;
    }
    compute_ctx *ctx = calloc(1, sizeof *ctx);
    if (!ctx) { snprintf(err, errlen, "out of memory"); return NULL; }
    ctx->backend = backend;
    ctx->threads = omp_get_max_threads();
    if (backend == COMPUTE_CPU) {
        snprintf(ctx->name, sizeof ctx->name, "cpu (OpenBLAS %s kernels, %d threads)", compute_blas_core(), ctx->threads);
        return ctx;
    }
    ctx->vk = vk_context_create(index, ctx->name, sizeof ctx->name, err, errlen);
    if (!ctx->vk) { free(ctx); return NULL; }
    return ctx;
}

void compute_close(compute_ctx *ctx)
{
    if (!ctx) return;
    if (ctx->vk) vk_context_destroy(ctx->vk);
    free(ctx);
}

void compute_sync(compute_ctx *ctx)
{
    if (ctx->backend == COMPUTE_VULKAN) vk_sync(ctx->vk);
}

int compute_validation_messages(const compute_ctx *ctx)
{
    return ctx->vk ? vk_validation_message_count(ctx->vk) : 0;
}

compute_graph *compute_capture_begin(compute_ctx *ctx)
{
    return ctx->backend == COMPUTE_VULKAN ? vk_capture_begin(ctx) : NULL;
}

void compute_capture_end(compute_ctx *ctx, compute_graph *g)
{
    if (ctx->backend == COMPUTE_VULKAN && g) vk_capture_end(ctx, g);
}

void compute_graph_run(compute_graph *g)
{
    if (g) vk_graph_run(g);
}

void compute_graph_free(compute_graph *g)
{
    if (g) vk_graph_free(g);
}

void compute_list_devices(const char *spec_in, void (*emit)(const char *line, void *user), void *user)
{
    const char *spec = resolve_spec(spec_in);
    compute_backend backend = COMPUTE_CPU;
    int index = -1;
    char line[512], err[256];
    int bad = parse_spec(spec, &backend, &index) != 0;
    vk_device_info devs[16];
    int n = vk_enumerate_devices(devs, 16, err, sizeof err);
    /* `vulkan` without an index takes the best usable device, lavapipe included. */
    if (!bad && backend == COMPUTE_VULKAN && index < 0) {
        int best_rank = 0;
        for (int i = 0; i < n; i++) {
            if (!devs[i].usable) continue;
            const char *t = devs[i].type;
            int rank = !strcmp(t, "discrete") ? 4 : !strcmp(t, "integrated") ? 3 : !strcmp(t, "virtual") ? 2 : 1;
            if (rank > best_rank) { best_rank = rank; index = devs[i].index; }
        }
    }
    snprintf(line, sizeof line, "device selection: %s%s", spec, bad ? " (not a valid device name)" : "");
    emit(line, user);
    if (n < 0) {
        snprintf(line, sizeof line, "  vulkan: unavailable (%s)", err);
        emit(line, user);
    }
    for (int i = 0; i < n; i++) {
        bool chosen = !bad && backend == COMPUTE_VULKAN && devs[i].index == index;
        snprintf(line, sizeof line, "%s vulkan:%d  %-40s %-10s Vulkan %u.%u  %6.1f GiB  subgroup %u%s",
                 chosen ? "*" : " ", devs[i].index, devs[i].name, devs[i].type,
                 (devs[i].api_version >> 22) & 0x7f, (devs[i].api_version >> 12) & 0x3ff,
                 (double)devs[i].device_local_bytes / (1024.0 * 1024.0 * 1024.0), devs[i].subgroup_size,
                 devs[i].usable ? "" : "  (unusable: lacks push descriptors or a compute queue)");
        emit(line, user);
    }
    snprintf(line, sizeof line, "%s cpu        OpenBLAS (%s kernels) + OpenMP, %d threads",
             !bad && backend == COMPUTE_CPU ? "*" : " ", compute_blas_core(), omp_get_max_threads());
    emit(line, user);
}
