/* Tests of the backend runtime itself: allocation (sub-ranges never overlap, freed ranges are reused),
 * transfers, ordering of fill/copy chains (the barrier tracker), capture and replay with host-visible
 * inputs, device selection. On Vulkan it runs under the validation layer and fails on any message. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "compute/tensor.h"

static int failures;

#define EXPECT(cond, ...)                                                       \
    do {                                                                        \
        if (!(cond)) {                                                          \
            failures++;                                                         \
            fprintf(stderr, "FAIL %s:%d: %s: ", __FILE__, __LINE__, #cond);      \
            fprintf(stderr, __VA_ARGS__);                                       \
            fputc('\n', stderr);                                                \
        }                                                                       \
    } while (0)

static void test_alloc_patterns(compute_ctx *ctx)
{
    /* Many tensors of awkward sizes: each keeps its own contents. */
    enum { N = 200 };
    tensor *ts[N];
    unsigned seed = 7;
    for (int i = 0; i < N; i++) {
        seed = seed * 1103515245u + 12345u;
        int n = 1 + (int)(seed % 5000);
        ts[i] = tensor_newv(ctx, 1, n);
        float *h = malloc(sizeof(float) * (size_t)n);
        for (int j = 0; j < n; j++) h[j] = (float)i * 10000.0f + (float)j;
        tensor_write(ts[i], h);
        free(h);
    }
    /* Free every other one and allocate again so freed ranges are reused. */
    for (int i = 0; i < N; i += 2) tensor_free(ts[i]);
    for (int i = 0; i < N; i += 2) {
        ts[i] = tensor_newv(ctx, 1, 3 + i);
        tensor_fill(ts[i], -1.0f);
    }
    for (int i = 0; i < N; i++) {
        float *h = malloc(sizeof(float) * ts[i]->numel);
        tensor_read(ts[i], h);
        for (size_t j = 0; j < ts[i]->numel; j++) {
            float want = (i % 2 == 0) ? -1.0f : (float)i * 10000.0f + (float)j;
            if (h[j] != want) { EXPECT(h[j] == want, "tensor %d element %zu = %g, want %g", i, j, h[j], want); break; }
        }
        free(h);
        tensor_free(ts[i]);
    }
}

static void test_dependency_chain(compute_ctx *ctx)
{
    /* fill a; copy a->b; fill a again; copy b->c; copy a->d: every step depends on the previous
     * write or read of the same range, so a missing barrier shows up as wrong values (or a
     * synchronization-validation message). */
    enum { N = 1 << 16 };
    tensor *a = tensor_newv(ctx, 1, N), *b = tensor_newv(ctx, 1, N), *c = tensor_newv(ctx, 1, N),
           *d = tensor_newv(ctx, 1, N);
    for (int round = 0; round < 3; round++) {
        tensor_fill(a, 1.0f + round);
        tensor_copy(b, a);
        tensor_fill(a, 5.0f + round);
        tensor_copy(c, b);
        tensor_copy(d, a);
        float hc[N], hd[N];
        tensor_read(c, hc);
        tensor_read(d, hd);
        EXPECT(hc[0] == 1.0f + round && hc[N - 1] == 1.0f + round, "round %d: c = %g", round, hc[N - 1]);
        EXPECT(hd[0] == 5.0f + round && hd[N - 1] == 5.0f + round, "round %d: d = %g", round, hd[N - 1]);
    }
    tensor_free(a); tensor_free(b); tensor_free(c); tensor_free(d);
}

static void test_capture_replay(compute_ctx *ctx)
{
    enum { N = 1000 };
    int shape[1] = {N};
    tensor *in = tensor_new_flags(ctx, 1, shape, TENSOR_HOST_VISIBLE);
    tensor *mid = tensor_newv(ctx, 1, N), *out = tensor_newv(ctx, 1, N);
    float h[N];
    for (int i = 0; i < N; i++) h[i] = (float)i;
    tensor_write(in, h);
    compute_graph *g = compute_capture_begin(ctx);
    EXPECT((g != NULL) == (ctx->backend == COMPUTE_VULKAN), "capture is available exactly on Vulkan");
    if (!g) { tensor_free(in); tensor_free(mid); tensor_free(out); return; }
    tensor_copy(mid, in);
    tensor_copy(out, mid);
    compute_capture_end(ctx, g);
    for (int rep = 0; rep < 3; rep++) {
        for (int i = 0; i < N; i++) h[i] = (float)(i * (rep + 2));
        tensor_write(in, h);
        compute_graph_run(g);
        float r[N];
        tensor_read(out, r);
        EXPECT(r[0] == 0.0f && r[N - 1] == (float)((N - 1) * (rep + 2)), "replay %d: out[N-1] = %g", rep, r[N - 1]);
    }
    compute_graph_free(g);
    tensor_free(in); tensor_free(mid); tensor_free(out);
}

static int test_selection(void)
{
    char err[256];
    compute_ctx *ctx = compute_open("cpu", err, sizeof err);
    EXPECT(ctx && ctx->backend == COMPUTE_CPU, "cpu opens the CPU backend");
    compute_close(ctx);
    ctx = compute_open("gpu-please", err, sizeof err);
    EXPECT(ctx == NULL && strstr(err, "unknown device"), "a bad device name is refused: %s", err);
    ctx = compute_open("vulkan:99", err, sizeof err);
    EXPECT(ctx == NULL && strstr(err, "vulkan:99"), "a missing device index is refused: %s", err);
    setenv("IRFA_DEVICE", "cpu", 1);
    ctx = compute_open(NULL, err, sizeof err);
    EXPECT(ctx && ctx->backend == COMPUTE_CPU, "IRFA_DEVICE=cpu is honoured");
    compute_close(ctx);
    setenv("IRFA_DEVICE", "vulkan", 1);
    ctx = compute_open(NULL, err, sizeof err);
    EXPECT(ctx && ctx->backend == COMPUTE_VULKAN, "IRFA_DEVICE=vulkan is honoured: %s", ctx ? "" : err);
    compute_close(ctx);
    unsetenv("IRFA_DEVICE");
    return 0;
}

int main(int argc, char **argv)
{
    const char *which = argc > 1 ? argv[1] : "cpu";
    if (!strcmp(which, "selection")) {
        test_selection();
    } else {
        char err[512];
        compute_ctx *ctx = compute_open(which, err, sizeof err);
        if (!ctx) { fprintf(stderr, "FAIL: cannot open %s: %s\n", which, err); return 1; }
        printf("device: %s\n", ctx->name);
        test_alloc_patterns(ctx);
        test_dependency_chain(ctx);
        test_capture_replay(ctx);
        int msgs = compute_validation_messages(ctx);
        compute_close(ctx);
        EXPECT(msgs == 0, "%d validation messages", msgs);
    }
    printf("%s: %s\n", which, failures ? "FAILED" : "ok");
    return failures ? 1 : 0;
}
