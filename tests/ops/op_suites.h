/* The test suites of the ops test executable; each records failures through op_test.h. */
#ifndef IRFA_TESTS_OP_SUITES_H
#define IRFA_TESTS_OP_SUITES_H

#include "tests/ops/op_registry.h"

/* One golden case: runs the op with all gradients and then with each gradient alone (the others
 * NULL), comparing every output with the PyTorch arrays in `golden`. */
void ot_golden_case(compute_ctx *ctx, const ot_op *op, const char *case_name, const cJSON *params,
                    const ot_set *golden, ot_tol tol);
/* Central finite differences of L = sum(out * r) against the op's backward, on the golden case's
 * shapes and parameters (inputs made safe for differences). */
void ot_fd_case(compute_ctx *ctx, const ot_op *op, const char *case_name, const cJSON *params,
                const ot_set *golden, ot_rng *rng);
/* Fresh random inputs of the golden case's shapes through both backends; Vulkan must match CPU. */
void ot_cross_case(compute_ctx *cpu, compute_ctx *vk, const ot_op *op, const char *case_name,
                   const cJSON *params, const ot_set *golden, ot_rng *rng);

/* Pure helpers of ops.h (conv sizes and params, batchnorm defaults) for one family. */
void ot_param_helper_checks(const char *family);
/* Capture and replay (Vulkan graphs; eager fallback on CPU). golden_dir holds the Adam vectors. */
void ot_capture_suite(compute_ctx *ctx, compute_ctx *cpu, const char *golden_dir);
/* Host RNG and parameter initialisers. */
void ot_init_suite(compute_ctx *ctx);
/* Broken op contracts (wrong shapes) must abort with a message, not compute garbage. */
void ot_contract_suite(compute_ctx *ctx);

/* Provokes failures on purpose and expects the harness to report them. */
void ot_selftest_suite(compute_ctx *cpu);

/* Loads OUT/<case>/ arrays listed in the index entry. Returns 0 or -1 (failure recorded). */
int ot_load_case(const char *golden_dir, const cJSON *entry, ot_set *golden);
/* Parses golden_dir/index.json (caller deletes). NULL with a failure recorded. */
cJSON *ot_load_index(const char *golden_dir);

#endif
