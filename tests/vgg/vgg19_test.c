/* Tests of the VGG19 perceptual loss (model/vgg19.h) against tests/vgg/vgg19_reference.py.
 *
 *   vgg19_test compare DEVICE DIR CASE PREFIX   loss and dy_hat into PREFIX_*.npy (vgg19_compare.py
 *                                           checks them against PyTorch); a repeated call gives the same;
 *                                           on Vulkan a captured call replayed with a new loss weight too,
 *                                           and no validation messages
 *   vgg19_test refuse DEVICE FILE TEXT...   vgg19_loss_new fails with a message holding FILE and each TEXT
 *   vgg19_test bad_sizes DEVICE WEIGHTS     impossible batch/image/resize values are refused
 *   vgg19_test bench DEVICE WEIGHTS BATCH IMAGE RESIZE REPS   time of one forward_backward on random
 *                                           images (the loss and gradient must come out finite, non-zero) */
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "compute/ops.h"
#include "formats/npy.h"
#include "model/vgg19.h"

static int failures;

static void expect(int ok, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void expect(int ok, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fputs(ok ? "ok    " : "FAIL  ", ok ? stdout : stderr);
    vfprintf(ok ? stdout : stderr, fmt, ap);
    fputc('\n', ok ? stdout : stderr);
    va_end(ap);
    if (!ok) failures++;
}

static double now_s(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + 1e-9 * (double)t.tv_nsec;
}

static void load_npy(const char *dir, const char *cas, const char *what, npy_array *a)
{
    char path[4096], err[1024];
    snprintf(path, sizeof path, "%s/%s_%s.npy", dir, cas, what);
    if (npy_load_f32(path, a, 0, err, sizeof err)) {
        fprintf(stderr, "%s\n", err);
        exit(2);
    }
}

static compute_ctx *open_device(const char *spec)
{
    char err[1024];
    compute_ctx *ctx = compute_open(spec, err, sizeof err);
    if (!ctx) {
        fprintf(stderr, "%s\n", err);
        exit(2);
    }
    return ctx;
}

/* max |a - b| / max |b|: single elements near zero carry no meaning of their own */
static double max_rel_error(const float *a, const float *b, size_t n)
{
    double diff = 0.0, scale = 0.0;
    for (size_t i = 0; i < n; i++) {
        double d = fabs((double)a[i] - (double)b[i]);
        if (!(d <= diff)) diff = d;   /* NaN sticks */
        if (fabs((double)b[i]) > scale) scale = fabs((double)b[i]);
    }
    return scale > 0 ? diff / scale : diff;
}

static tensor *image_tensor(compute_ctx *ctx, const npy_array *a)
{
    tensor *t = tensor_new_flags(ctx, 4, (int[]){(int)a->shape[0], (int)a->shape[1], (int)a->shape[2],
                                                 (int)a->shape[3]}, TENSOR_HOST_VISIBLE);
    tensor_write(t, a->data);
    return t;
}

static int check_validation(compute_ctx *ctx)
{
    int n = compute_validation_messages(ctx);
    if (ctx->backend == COMPUTE_VULKAN) expect(n == 0, "%d Vulkan validation messages", n);
    return n;
}

/* Writes PREFIX_loss.npy and PREFIX_grad.npy (first call) for vgg19_compare.py, which compares them with
 * PyTorch. Checks here what needs no reference: dy_hat is overwritten, a repeated call gives the same,
 * a captured replay (Vulkan) follows a new loss weight, no validation messages. */
static int run_compare(const char *device, const char *dir, const char *cas, const char *prefix)
{
    npy_array yhat, y, setup;
    load_npy(dir, cas, "yhat", &yhat);
    load_npy(dir, cas, "y", &y);
    load_npy(dir, cas, "setup", &setup);
    const float *cfg = setup.data;
    int batch = (int)yhat.shape[0], side = (int)yhat.shape[2], resize = (int)cfg[0];
    float weight = cfg[1];

    compute_ctx *ctx = open_device(device);
    char path[4096], err[1024];
    snprintf(path, sizeof path, "%s/weights.safetensors", dir);
    vgg19_loss *v = vgg19_loss_new(ctx, path, batch, side, resize, err, sizeof err);
    if (!v) {
        fprintf(stderr, "%s\n", err);
        return 1;
    }
    printf("%s on %s: batch %d, image %d, resize %d, weight %g (%.1f MB of activations and weights)\n", cas,
           ctx->name, batch, side, resize, weight, (double)vgg19_loss_device_bytes(v) / 1e6);

    tensor *t_yhat = image_tensor(ctx, &yhat), *t_y = image_tensor(ctx, &y);
    tensor *dy_hat = tensor_new_like(t_yhat), *loss = tensor_newv(ctx, 1, 1);
    tensor *dloss = tensor_new_flags(ctx, 1, (int[]){1}, TENSOR_HOST_VISIBLE);
    tensor_write(dloss, &weight);
    size_t n = yhat.numel;
    float *grad = malloc(n * sizeof *grad), *grad2 = malloc(n * sizeof *grad2);
    float got = 0.0f, got2 = 0.0f;

    /* dy_hat starts as garbage: it must be overwritten, not accumulated into. */
    tensor_fill(dy_hat, 123.0f);
    double t0 = now_s();
    vgg19_loss_forward_backward(v, t_yhat, t_y, dloss, loss, dy_hat);
    tensor_read(loss, &got);
    tensor_read(dy_hat, grad);
    printf("loss %.7f, first call %.0f ms\n", got, (now_s() - t0) * 1e3);
    int64_t one = 1, shape[4] = {yhat.shape[0], yhat.shape[1], yhat.shape[2], yhat.shape[3]};
    char out[4096];
    snprintf(out, sizeof out, "%s_loss.npy", prefix);
    int rc = npy_save_f32(out, &got, 1, &one, err, sizeof err);
    snprintf(out, sizeof out, "%s_grad.npy", prefix);
    if (!rc) rc = npy_save_f32(out, grad, 4, shape, err, sizeof err);
    expect(rc == 0, "results written to %s_*.npy %s", prefix, rc ? err : "");

    /* A second call on the same buffers gives the same: nothing depends on what the last call left. */
    tensor_fill(dy_hat, -7.0f);
    tensor_fill(loss, 0.0f);
    vgg19_loss_forward_backward(v, t_yhat, t_y, dloss, loss, dy_hat);
    tensor_read(loss, &got2);
    tensor_read(dy_hat, grad2);
    double repeat_err = max_rel_error(grad2, grad, n);
    expect(got2 == got && repeat_err <= 1e-6, "repeated call: loss %.7f, dy_hat max relative change %.2e", got2,
           repeat_err);

    /* Vulkan: the call captured once, replayed with a doubled loss weight written before the replay. */
    compute_graph *g = compute_capture_begin(ctx);
    if (g) {
        vgg19_loss_forward_backward(v, t_yhat, t_y, dloss, loss, dy_hat);
        compute_capture_end(ctx, g);
        float doubled = 2.0f * weight;
        tensor_write(dloss, &doubled);
        tensor_fill(dy_hat, 55.0f);
        tensor_fill(loss, 0.0f);
        compute_graph_run(g);
        tensor_read(loss, &got2);
        tensor_read(dy_hat, grad2);
        for (size_t i = 0; i < n; i++) grad2[i] *= 0.5f;
        double replay_err = max_rel_error(grad2, grad, n);
        expect(got2 == got && replay_err <= 1e-6,
               "captured replay with weight %g: loss %.7f, dy_hat/2 max relative change %.2e", doubled, got2,
               replay_err);
        compute_graph_free(g);
    }
    check_validation(ctx);

    free(grad);
    free(grad2);
    tensor_free(t_yhat);
    tensor_free(t_y);
    tensor_free(dy_hat);
    tensor_free(loss);
    tensor_free(dloss);
    vgg19_loss_free(v);
    compute_close(ctx);
    npy_free(&yhat);
    npy_free(&y);
    npy_free(&setup);
    return failures ? 1 : 0;
}

static int run_refuse(const char *device, const char *path, int ntexts, char **texts)
{
    compute_ctx *ctx = open_device(device);
    char err[1024] = "";
    vgg19_loss *v = vgg19_loss_new(ctx, path, 2, 32, 64, err, sizeof err);
    expect(v == NULL, "refused: %s", err);
    expect(strstr(err, path) != NULL, "the message names the file");
    for (int k = 0; k < ntexts; k++) expect(strstr(err, texts[k]) != NULL, "the message mentions '%s'", texts[k]);
    vgg19_loss_free(v);
    check_validation(ctx);
    compute_close(ctx);
    return failures ? 1 : 0;
}

static int run_bad_sizes(const char *device, const char *weights)
{
    compute_ctx *ctx = open_device(device);
    static const int sizes[][3] = {{0, 32, 64}, {2, 0, 64}, {2, 32, 15}, {2, 32, 8}, {-1, 32, 64}, {2, 32, 100000}};
    for (size_t k = 0; k < sizeof sizes / sizeof sizes[0]; k++) {
        char err[1024] = "";
        vgg19_loss *v = vgg19_loss_new(ctx, weights, sizes[k][0], sizes[k][1], sizes[k][2], err, sizeof err);
        expect(v == NULL && strstr(err, "resize") != NULL, "batch %d, image %d, resize %d refused: %s",
               sizes[k][0], sizes[k][1], sizes[k][2], err);
        vgg19_loss_free(v);
    }
    /* the smallest valid network input: 16 pixels, 1x1 at conv5_4 */
    char err[1024] = "";
    vgg19_loss *v = vgg19_loss_new(ctx, weights, 1, 8, 16, err, sizeof err);
    expect(v != NULL, "batch 1, image 8, resize 16 accepted %s", err);
    vgg19_loss_free(v);
    check_validation(ctx);
    compute_close(ctx);
    return failures ? 1 : 0;
}

static int run_bench(const char *device, const char *weights, int batch, int side, int resize, int reps)
{
    if (reps < 1) {
        fprintf(stderr, "bench: REPS must be at least 1\n");
        return 2;
    }
    compute_ctx *ctx = open_device(device);
    char err[1024];
    vgg19_loss *v = vgg19_loss_new(ctx, weights, batch, side, resize, err, sizeof err);
    if (!v) {
        fprintf(stderr, "%s\n", err);
        return 1;
    }
    tensor *yhat = tensor_newv(ctx, 4, batch, 3, side, side), *y = tensor_new_like(yhat);
    tensor *dy_hat = tensor_new_like(yhat), *loss = tensor_newv(ctx, 1, 1), *dloss = tensor_newv(ctx, 1, 1);
    irfa_rng rng;
    rng_seed(&rng, 3);
    init_uniform(yhat, &rng, 0.0f, 1.0f);
    init_uniform(y, &rng, 0.0f, 1.0f);
    tensor_fill(dloss, 0.69f);
    vgg19_loss_forward_backward(v, yhat, y, dloss, loss, dy_hat);   /* warm-up: scratch, pipelines */
    compute_sync(ctx);
    double t0 = now_s();
    for (int r = 0; r < reps; r++) vgg19_loss_forward_backward(v, yhat, y, dloss, loss, dy_hat);
    float l;
    tensor_read(loss, &l);
    double per = (now_s() - t0) / reps;
    size_t n = dy_hat->numel;
    float *grad = malloc(n * sizeof *grad);
    tensor_read(dy_hat, grad);
    double gmax = 0.0;
    for (size_t i = 0; i < n; i++) gmax = isfinite(grad[i]) && gmax >= 0 ? fmax(gmax, fabs(grad[i])) : -1.0;
    free(grad);
    expect(isfinite(l) && l > 0 && gmax > 0, "loss %g, max |dy_hat| %g: finite and non-zero", l, gmax);
    printf("%s: batch %d, image %d, resize %d: %.3f s per forward_backward (loss %.4f, %.0f MB held)\n", ctx->name,
           batch, side, resize, per, l, (double)vgg19_loss_device_bytes(v) / 1e6);
    tensor_free(yhat);
    tensor_free(y);
    tensor_free(dy_hat);
    tensor_free(loss);
    tensor_free(dloss);
    vgg19_loss_free(v);
    compute_close(ctx);
    return failures ? 1 : 0;
}

int main(int argc, char **argv)
{
    if (argc == 6 && !strcmp(argv[1], "compare")) return run_compare(argv[2], argv[3], argv[4], argv[5]);
    if (argc >= 4 && !strcmp(argv[1], "refuse")) return run_refuse(argv[2], argv[3], argc - 4, argv + 4);
    if (argc == 4 && !strcmp(argv[1], "bad_sizes")) return run_bad_sizes(argv[2], argv[3]);
    if (argc == 8 && !strcmp(argv[1], "bench"))
        return run_bench(argv[2], argv[3], atoi(argv[4]), atoi(argv[5]), atoi(argv[6]), atoi(argv[7]));
    fprintf(stderr,
            "usage: %s compare DEVICE DIR CASE PREFIX | refuse DEVICE FILE TEXT... | bad_sizes DEVICE WEIGHTS |\n"
            "       bench DEVICE WEIGHTS BATCH IMAGE RESIZE REPS\n", argv[0]);
    return 2;
}
