/* The harness must be able to fail. Each check here feeds the comparison or the finite-difference
 * check something wrong and expects exactly that to be reported; the expected failures are then
 * taken back, so the suite passes only when every one was caught (and the right ones were not). */
#include <math.h>
#include <stdio.h>

#include "tests/ops/op_suites.h"

/* Runs `body` and expects it to record `expect_fail` failures or none. */
#define EXPECT_REPORT(expect_fail, label, body)                                                     \
    do {                                                                                            \
        int before_ = ot_failures();                                                                \
        printf("  (selftest: %s: %s)\n", label, (expect_fail) ? "a FAIL line is expected" : "no FAIL expected"); \
        body;                                                                                       \
        int caught_ = ot_failures() - before_;                                                      \
        ot_failures_reset(before_);                                                                 \
        ot_check((expect_fail) ? caught_ > 0 : caught_ == 0, "selftest %s: %d failure(s) reported", label, \
                 caught_);                                                                          \
    } while (0)

/* y = 2x with a backward that is right (slope 2) or wrong (slope 2.1, a 5% error). */
static float g_backward_slope;

static void run_double(compute_ctx *ctx, const cJSON *params, const ot_set *in, ot_set *out, unsigned grads)
{
    (void)params;
    tensor *x = ot_upload(ctx, ot_set_get(in, "x"));
    tensor *y = ot_output_like(x);
    op_scale_forward(x, y, 2.0f, 0.0f);
    ot_download(y, out, "y");
    if (grads) {
        tensor *dy = ot_upload(ctx, ot_set_get(in, "dy"));
        tensor *dx = ot_output_like(x);
        op_scale_backward(dy, dx, g_backward_slope);
        ot_download(dx, out, "dx");
        ot_free_tensors((tensor *[]){ dy, dx }, 2);
    }
    ot_free_tensors((tensor *[]){ x, y }, 2);
}

static const ot_op double_op = {
    .op = "selftest_double", .family = "selftest", .run = run_double, .fd_output = "y", .upstream = "dy",
    .grads = { { "x", "dx" } },
};

void ot_selftest_suite(compute_ctx *cpu)
{
    ot_rng rng;
    ot_rng_seed(&rng, 5);
    ot_set s = { 0 };
    ot_array *want = ot_set_add(&s, "want", 2, (int[]){ 3, 4 });
    ot_fill_normal(want, &rng, 1.0f);
    ot_array *got = ot_set_add(&s, "got", 2, (int[]){ 3, 4 });
    for (size_t i = 0; i < got->numel; i++) got->data[i] = want->data[i];

    EXPECT_REPORT(false, "identical arrays", ot_compare("identical", got, want, OT_TOL_CPU_GOLDEN));
    got->data[7] += 1e-3f;
    EXPECT_REPORT(true, "one element off by 1e-3", ot_compare("off by 1e-3", got, want, OT_TOL_CPU_GOLDEN));
    got->data[7] = NAN;
    EXPECT_REPORT(true, "a NaN", ot_compare("nan", got, want, OT_TOL_VULKAN));
    ot_array *other = ot_set_add(&s, "other", 2, (int[]){ 4, 3 });
    EXPECT_REPORT(true, "transposed shape", ot_compare("shape", other, want, OT_TOL_VULKAN));

    ot_set in = { 0 };
    ot_fill_normal(ot_set_add(&in, "x", 3, (int[]){ 2, 3, 5 }), &rng, 1.0f);
    ot_fill_normal(ot_set_add(&in, "dy", 3, (int[]){ 2, 3, 5 }), &rng, 1.0f);
    g_backward_slope = 2.0f;
    EXPECT_REPORT(false, "right backward", ot_fd_case(cpu, &double_op, "selftest right", NULL, &in, &rng));
    g_backward_slope = 2.1f;
    EXPECT_REPORT(true, "backward 5% off", ot_fd_case(cpu, &double_op, "selftest wrong", NULL, &in, &rng));
    g_backward_slope = 0.0f;
    EXPECT_REPORT(true, "all-zero backward", ot_fd_case(cpu, &double_op, "selftest zero", NULL, &in, &rng));
    /* A small gradient must be checked relative to its own size: scale x 1e-4 and dy 1e-4 too. */
    ot_array *dy = ot_set_get(&in, "dy");
    for (size_t i = 0; i < dy->numel; i++) dy->data[i] *= 1e-4f;
    g_backward_slope = 2.1f;
    EXPECT_REPORT(true, "small gradient 5% off", ot_fd_case(cpu, &double_op, "selftest small", NULL, &in, &rng));

    ot_set_free(&in);
    ot_set_free(&s);
}
