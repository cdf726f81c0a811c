/* The host RNG and the parameter initialisers of ops.h. Statistical bounds are several standard
 * errors wide (fixed seeds, so the outcome is deterministic), yet far tighter than any wrong
 * formula (a fan_in/fan_out mix-up or a missing sqrt(2) changes the std by 30% or more). */
#include <math.h>
#include <stdlib.h>

#include "tests/ops/op_suites.h"

typedef struct moments { double mean, std, min, max; } moments;

static moments moments_of(const float *v, size_t n)
{
    moments m = { 0, 0, INFINITY, -INFINITY };
    for (size_t i = 0; i < n; i++) {
        m.mean += v[i];
        m.min = fmin(m.min, v[i]);
        m.max = fmax(m.max, v[i]);
    }
    m.mean /= (double)n;
    for (size_t i = 0; i < n; i++) m.std += (v[i] - m.mean) * (v[i] - m.mean);
    m.std = sqrt(m.std / (double)n);
    return m;
}

static void rng_checks(void)
{
    irfa_rng a, b, c;
    rng_seed(&a, 42);
    rng_seed(&b, 42);
    rng_seed(&c, 43);
    int same = 0, differ = 0;
    for (int i = 0; i < 100; i++) {
        uint32_t x = rng_u32(&a), y = rng_u32(&b), z = rng_u32(&c);
        same += x == y;
        differ += x != z;
    }
    ot_check(same == 100, "rng: seed 42 twice gave %d of 100 equal draws", same);
    ot_check(differ >= 95, "rng: seeds 42 and 43 gave only %d of 100 different draws", differ);

    enum { N = 20000 };
    float *u = malloc(N * sizeof *u);
    if (!u) abort();
    rng_seed(&a, 1);
    for (int i = 0; i < N; i++) u[i] = rng_uniform(&a);
    moments mu = moments_of(u, N);
    ot_check(mu.min >= 0 && mu.max < 1, "rng_uniform: range [%g, %g], expected within [0, 1)", mu.min, mu.max);
    ot_check(fabs(mu.mean - 0.5) < 0.01 && fabs(mu.std - sqrt(1.0 / 12)) < 0.01,
             "rng_uniform: mean %.4f std %.4f over %d draws, expected 0.5 and %.4f", mu.mean, mu.std, N,
             sqrt(1.0 / 12));
    for (int i = 0; i < N; i++) u[i] = rng_normal(&a);
    moments mn = moments_of(u, N);
    int tails = 0;
    for (int i = 0; i < N; i++) tails += fabsf(u[i]) > 1.959964f;
    ot_check(fabs(mn.mean) < 0.03 && fabs(mn.std - 1) < 0.03,
             "rng_normal: mean %.4f std %.4f over %d draws, expected 0 and 1", mn.mean, mn.std, N);
    ot_check(tails > N * 0.04 && tails < N * 0.06,
             "rng_normal: %d of %d draws beyond 1.96, expected about 5%%", tails, N);
    free(u);
}

/* Initialises a tensor of `shape` on ctx; returns its moments and, for Vulkan, checks that the
 * values equal the CPU backend's with the same seed (the RNG runs on the host). */
typedef enum { INIT_NORMAL, INIT_UNIFORM, INIT_KAIMING, INIT_XAVIER } init_kind;

static moments init_and_measure(compute_ctx *ctx, compute_ctx *cpu, init_kind kind, int ndim, const int *shape,
                                const char *what)
{
    tensor *t = tensor_new(ctx, ndim, shape), *tc = tensor_new(cpu, ndim, shape);
    tensor *both[2] = { t, tc };
    for (int k = 0; k < 2; k++) {
        irfa_rng r;
        rng_seed(&r, 2024);
        switch (kind) {
        case INIT_NORMAL: init_normal(both[k], &r, 1.0f, 0.02f); break;
        case INIT_UNIFORM: init_uniform(both[k], &r, -0.5f, 0.25f); break;
        case INIT_KAIMING: init_kaiming_normal_fan_out(both[k], &r); break;
        case INIT_XAVIER: init_xavier_normal(both[k], &r); break;
        }
    }
    float *v = malloc(t->numel * sizeof *v), *vc = malloc(t->numel * sizeof *vc);
    if (!v || !vc) abort();
    tensor_read(t, v);
    tensor_read(tc, vc);
    if (ctx != cpu) ot_compare_exact(what, v, vc, t->numel);
    moments m = moments_of(v, t->numel);
    free(v);
    free(vc);
    tensor_free(t);
    tensor_free(tc);
    return m;
}

void ot_init_suite(compute_ctx *ctx)
{
    char err[256];
    compute_ctx *cpu = ctx->backend == COMPUTE_CPU ? ctx : compute_open("cpu", err, sizeof err);
    if (!ot_check(cpu != NULL, "cannot open the cpu backend: %s", err)) return;
    rng_checks();

    moments m = init_and_measure(ctx, cpu, INIT_NORMAL, 2, (int[]){ 64, 50 }, "init_normal vulkan vs cpu");
    ot_check(fabs(m.mean - 1.0) < 0.002 && fabs(m.std - 0.02) < 0.001,
             "init_normal(1, 0.02): mean %.5f std %.5f", m.mean, m.std);

    m = init_and_measure(ctx, cpu, INIT_UNIFORM, 2, (int[]){ 64, 50 }, "init_uniform vulkan vs cpu");
    ot_check(m.min >= -0.5 && m.max < 0.25 && fabs(m.mean + 0.125) < 0.01,
             "init_uniform(-0.5, 0.25): range [%g, %g] mean %.4f", m.min, m.max, m.mean);

    /* conv weight [32,16,3,3]: fan_out = 32*9 = 288, std = sqrt(2/288) */
    m = init_and_measure(ctx, cpu, INIT_KAIMING, 4, (int[]){ 32, 16, 3, 3 }, "kaiming vulkan vs cpu");
    double want = sqrt(2.0 / 288.0);
    ot_check(fabs(m.mean) < 0.1 * want && fabs(m.std / want - 1) < 0.05,
             "init_kaiming_normal_fan_out [32,16,3,3]: mean %.5f std %.5f, expected 0 and %.5f", m.mean, m.std,
             want);

    /* linear weight [48,80]: fan_in 80, fan_out 48, std = sqrt(2/128) */
    m = init_and_measure(ctx, cpu, INIT_XAVIER, 2, (int[]){ 48, 80 }, "xavier vulkan vs cpu");
    want = sqrt(2.0 / 128.0);
    ot_check(fabs(m.mean) < 0.1 * want && fabs(m.std / want - 1) < 0.05,
             "init_xavier_normal [48,80]: mean %.5f std %.5f, expected 0 and %.5f", m.mean, m.std, want);

    /* conv weight [16,6,5,5]: fan_in 150, fan_out 400, std = sqrt(2/550) */
    m = init_and_measure(ctx, cpu, INIT_XAVIER, 4, (int[]){ 16, 6, 5, 5 }, "xavier conv vulkan vs cpu");
    want = sqrt(2.0 / 550.0);
    ot_check(fabs(m.mean) < 0.1 * want && fabs(m.std / want - 1) < 0.05,
             "init_xavier_normal [16,6,5,5]: mean %.5f std %.5f, expected 0 and %.5f", m.mean, m.std, want);

    if (cpu != ctx) compute_close(cpu);
}
