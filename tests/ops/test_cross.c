/* Vulkan against the CPU backend on fresh random inputs of each golden case's (odd) shapes. */
#include <stdio.h>

#include "tests/ops/op_suites.h"

void ot_cross_case(compute_ctx *cpu, compute_ctx *vk, const ot_op *op, const char *case_name,
                   const cJSON *params, const ot_set *golden, ot_rng *rng)
{
    ot_set in;
    ot_set_copy(&in, golden);
    if (op->randomize) {
        op->randomize(&in, rng);
    } else {
        for (int i = 0; i < in.n; i++) ot_fill_normal(&in.a[i], rng, 1.0f);
    }
    unsigned grads = op->fd_output ? OT_ALL_GRADS : 0;
    ot_set want = { 0 }, got = { 0 };
    op->run(cpu, params, &in, &want, grads);
    op->run(vk, params, &in, &got, grads);
    char what[160];
    for (int i = 0; i < want.n; i++) {
        snprintf(what, sizeof what, "%s vulkan vs cpu (random inputs): %s", case_name, want.a[i].name);
        const ot_array *g = ot_set_find(&got, want.a[i].name);
        if (!ot_check(g != NULL, "%s: not produced on vulkan", what)) continue;
        ot_compare(what, g, &want.a[i], OT_TOL_VULKAN);
    }
    ot_check(got.n == want.n, "%s: vulkan produced %d arrays, cpu %d", case_name, got.n, want.n);
    ot_set_free(&want);
    ot_set_free(&got);
    ot_set_free(&in);
}
