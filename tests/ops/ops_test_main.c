/* ops_test FAMILY BACKEND GOLDEN_DIR [-v]
 *
 * FAMILY: an op family of the golden index (linear, conv2d, ..., adam) or one of the suites
 * capture, init, contracts (cpu only), selftest (the harness catches what it should). BACKEND: cpu or vulkan.
 *   cpu:    PyTorch golden comparison + finite-difference check of every backward.
 *   vulkan: PyTorch golden comparison + comparison with the CPU backend on fresh random inputs; the
 *           validation layer (IRFA_VK_VALIDATION=1) must have reported nothing at the end.
 * A Vulkan device that cannot be opened is a failure, not a skip. Exit status 0 only when every
 * check passed. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tests/ops/op_suites.h"

static void run_family(const char *family, compute_ctx *ctx, compute_ctx *cpu, const char *golden_dir)
{
    cJSON *index = ot_load_index(golden_dir);
    if (!index) return;
    ot_rng rng;
    ot_rng_seed(&rng, 12345);
    int ran = 0;
    const cJSON *entry;
    cJSON_ArrayForEach(entry, cJSON_GetObjectItemCaseSensitive(index, "cases")) {
        const cJSON *name = cJSON_GetObjectItemCaseSensitive(entry, "name");
        const cJSON *opname = cJSON_GetObjectItemCaseSensitive(entry, "op");
        const cJSON *params = cJSON_GetObjectItemCaseSensitive(entry, "params");
        if (!cJSON_IsString(name) || !cJSON_IsString(opname)) {
            ot_fail("golden index entry without a name or op");
            continue;
        }
        /* Every op of the index must have a runner, whichever family is being run. */
        const ot_op *op = ot_find_op(opname->valuestring);
        if (!ot_check(op != NULL, "golden case %s: no runner for op '%s'", name->valuestring, opname->valuestring))
            continue;
        if (strcmp(op->family, family) != 0) continue;
        ot_set golden;
        if (ot_load_case(golden_dir, entry, &golden) != 0) continue;
        int before = ot_failures();
        if (ctx->backend == COMPUTE_CPU) {
            ot_golden_case(ctx, op, name->valuestring, params, &golden, OT_TOL_CPU_GOLDEN);
            ot_fd_case(ctx, op, name->valuestring, params, &golden, &rng);
        } else {
            ot_golden_case(ctx, op, name->valuestring, params, &golden, OT_TOL_VULKAN);
            ot_cross_case(cpu, ctx, op, name->valuestring, params, &golden, &rng);
        }
        printf("%s %s\n", ot_failures() == before ? "ok  " : "FAIL", name->valuestring);
        fflush(stdout);
        ot_set_free(&golden);
        ran++;
    }
    ot_check(ran > 0, "no golden cases for family '%s'", family);
    cJSON_Delete(index);
}

static bool is_suite(const char *family)
{
    return !strcmp(family, "capture") || !strcmp(family, "init") || !strcmp(family, "contracts") ||
           !strcmp(family, "selftest");
}

int main(int argc, char **argv)
{
    if (argc < 4 || argc > 5 || (argc == 5 && strcmp(argv[4], "-v") != 0)) {
        fprintf(stderr, "usage: %s FAMILY cpu|vulkan GOLDEN_DIR [-v]\n", argv[0]);
        return 2;
    }
    const char *family = argv[1], *backend = argv[2], *golden_dir = argv[3];
    ot_verbose = argc == 5;
    if (strcmp(backend, "cpu") != 0 && strcmp(backend, "vulkan") != 0) {
        fprintf(stderr, "unknown backend '%s' (expected cpu or vulkan)\n", backend);
        return 2;
    }
    bool family_known = is_suite(family);
    for (const ot_op *const *op = ot_all_ops(); *op && !family_known; op++)
        family_known = !strcmp((*op)->family, family);
    if (!family_known) {
        fprintf(stderr, "unknown family '%s'\n", family);
        return 2;
    }
    if (!strcmp(family, "contracts") && strcmp(backend, "cpu") != 0) {
        fprintf(stderr, "the contracts suite forks, so it runs on the cpu backend only\n");
        return 2;
    }

    char err[512];
    compute_ctx *cpu = compute_open("cpu", err, sizeof err);
    if (!cpu) {
        printf("FAIL cannot open the cpu backend: %s\n", err);
        return 1;
    }
    compute_ctx *ctx = cpu;
    if (!strcmp(backend, "vulkan")) {
        ctx = compute_open("vulkan", err, sizeof err);
        if (!ctx) {
            printf("FAIL cannot open vulkan (CI has lavapipe, so this is a failure): %s\n", err);
            compute_close(cpu);
            return 1;
        }
        const char *validation = getenv("IRFA_VK_VALIDATION");
        printf("device: %s (validation layer %s)\n", ctx->name,
               validation && !strcmp(validation, "1") ? "on" : "OFF: set IRFA_VK_VALIDATION=1");
    }

    if (!strcmp(family, "capture")) ot_capture_suite(ctx, cpu, golden_dir);
    else if (!strcmp(family, "init")) ot_init_suite(ctx);
    else if (!strcmp(family, "contracts")) ot_contract_suite(ctx);
    else if (!strcmp(family, "selftest")) ot_selftest_suite(cpu);
    else {
        ot_param_helper_checks(family);
        run_family(family, ctx, cpu, golden_dir);
    }

    if (ctx->backend == COMPUTE_VULKAN) {
        compute_sync(ctx);
        int msgs = compute_validation_messages(ctx);
        ot_check(msgs == 0, "the Vulkan validation layer reported %d message(s) (see stderr)", msgs);
        compute_close(ctx);
    }
    compute_close(cpu);
    int failures = ot_failures();
    printf("%s: %s %s: %d failure(s)\n", failures ? "FAILED" : "PASSED", family, backend, failures);
    return failures ? 1 : 0;
}
