/* The compute context: one device (CPU backend or one Vulkan device), chosen once.
 * Models and tests talk to this header, tensor.h and ops.h only; never to Vulkan or BLAS. */
#ifndef IRFA_COMPUTE_H
#define IRFA_COMPUTE_H

#include <stdbool.h>
#include <stddef.h>

typedef enum { COMPUTE_CPU = 0, COMPUTE_VULKAN = 1 } compute_backend;

typedef struct vk_context vk_context;

typedef struct compute_ctx {
    compute_backend backend;
    vk_context *vk;          /* Vulkan backend state, NULL on CPU */
    int threads;             /* CPU backend worker threads */
    char name[256];          /* human-readable device name */
} compute_ctx;

/* spec: "auto", "cpu", "vulkan" or "vulkan:N" (index as listed by `irfa devices`).
 * NULL or "" means: IRFA_DEVICE from the environment, else "auto".
 * auto = a real Vulkan GPU (discrete, integrated or virtual) when present, else the CPU backend.
 * Returns NULL and fills err on failure. */
compute_ctx *compute_open(const char *spec, char *err, size_t errlen);
void compute_close(compute_ctx *ctx);

/* Wait until all work issued so far has finished. */
void compute_sync(compute_ctx *ctx);

/* Validation-layer messages seen so far (Vulkan under IRFA_VK_VALIDATION=1; always 0 on CPU). */
int compute_validation_messages(const compute_ctx *ctx);

/* Capture: ops issued between begin and end are recorded once (Vulkan: one command buffer) and
 * replayed with compute_graph_run. On the CPU backend ops always run eagerly and capture returns
 * NULL: callers then simply issue the ops again each step.
 * Tensors written by the host between replays must be created with TENSOR_HOST_VISIBLE. */
typedef struct compute_graph compute_graph;
compute_graph *compute_capture_begin(compute_ctx *ctx);
void compute_capture_end(compute_ctx *ctx, compute_graph *g);
void compute_graph_run(compute_graph *g);   /* submit and wait */
void compute_graph_free(compute_graph *g);

/* OpenBLAS kernels (CPU backend). compute_choose_blas_kernels, called first thing in main, re-executes
 * the process with OPENBLAS_CORETYPE set when OpenBLAS did not recognise this CPU and fell back to
 * generic kernels although the CPU runs AVX2 or AVX-512 ones; it returns when nothing needs doing (a
 * recognised CPU, or OPENBLAS_CORETYPE already set by the user). compute_blas_core: the kernels in use. */
void compute_choose_blas_kernels(char **argv);
const char *compute_blas_core(void);

/* Device listing for `irfa devices`. Writes a human-readable table; marks the device `spec` picks. */
void compute_list_devices(const char *spec, void (*emit)(const char *line, void *user), void *user);

#endif
