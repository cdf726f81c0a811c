/* irfa evaluate: quality of a set of reconstructions against the session's test stimuli
 * (pixel r, SSIM, 2-way identification, colourfulness and, with --alexnet, the AlexNet layer
 * correlations; docs/metrics.md). */
#include <cjson/cJSON.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/commands.h"
#include "cli/options.h"
#include "compute/compute.h"
#include "formats/atomic_file.h"
#include "formats/npy.h"
#include "model/alexnet.h"
#include "model/metrics.h"
#include "session/session.h"

#define EVALUATE_ALEXNET_BATCH 4

/* The AlexNet part, when asked for. */
typedef struct alexnet_result {
    bool done;
    const char *weights;
    char device[256];
    int batch;
    double r[ALEXNET_LAYERS];
} alexnet_result;

static void evaluate_usage(FILE *f)
{
    fprintf(f,
            "usage: irfa evaluate --reconstructions FILE.npy --session DIR [options]\n"
            "  --reconstructions FILE.npy  N x 3 x I x I float32 in [0, 1], in the order of the session's\n"
            "                              test stimuli (I >= %d, the SSIM window)\n"
            "  --session DIR               session folder; its test stimuli are resized to I x I (area)\n"
            "  --json                      print JSON with per-image values instead of a summary\n"
            "  --out FILE.json             also write that JSON to FILE.json (atomically)\n"
            "  --alexnet FILE.safetensors  also the AlexNet layer correlations (conv1..fc8), with torchvision\n"
            "                              AlexNet weights (features.N / classifier.N tensors)\n"
            "  --device D                  where AlexNet runs: auto, cpu, vulkan, vulkan:N (default: IRFA_DEVICE,\n"
            "                              else auto)\n"
            "  --alexnet-batch B           test images per AlexNet pass (each pass runs B stimuli and their B\n"
            "                              reconstructions; 1..%d, default %d)\n",
            METRICS_SSIM_WINDOW, ALEXNET_MAX_BATCH / 2, EVALUATE_ALEXNET_BATCH);
}

/* Loads the reconstructions and checks everything the metrics assume: dtype, shape, finite values
 * in [0, 1]. Messages name the file. */
static int load_reconstructions(const char *path, npy_array *a, char *err, size_t errlen)
{
    if (npy_load(path, a, err, errlen)) return -1;
    const char *why = NULL;
    char buf[256];
    if (a->dtype != NPY_F32) {
        snprintf(buf, sizeof buf, "dtype is %s, expected float32", npy_dtype_name(a->dtype));
        why = buf;
    } else if (a->ndim != 4 || a->shape[1] != 3 || a->shape[2] != a->shape[3]) {
        size_t n = (size_t)snprintf(buf, sizeof buf, "shape is (");
        for (int i = 0; i < a->ndim && n < sizeof buf; i++)
            n += (size_t)snprintf(buf + n, sizeof buf - n, "%s%lld", i ? ", " : "", (long long)a->shape[i]);
        if (n < sizeof buf) snprintf(buf + n, sizeof buf - n, "), expected (N, 3, I, I)");
        why = buf;
    } else if (a->shape[2] < METRICS_SSIM_WINDOW || a->shape[2] > 1024) {
        snprintf(buf, sizeof buf, "images are %lldx%lld, expected a side in %d..1024", (long long)a->shape[2],
                 (long long)a->shape[3], METRICS_SSIM_WINDOW);
        why = buf;
    } else if (a->shape[0] < 2) {
        snprintf(buf, sizeof buf, "%lld image(s); identification needs at least 2", (long long)a->shape[0]);
        why = buf;
    } else {
        const float *v = a->data;
        size_t per = a->numel / (size_t)a->shape[0];
        for (size_t i = 0; i < a->numel; i++)
            if (!(v[i] >= 0.0f && v[i] <= 1.0f)) {
                snprintf(buf, sizeof buf, "image %zu has value %g, expected finite values in [0, 1]", i / per, v[i]);
                why = buf;
                break;
            }
    }
    if (why) {
        snprintf(err, errlen, "%s: %s", path, why);
        npy_free(a);
        return -1;
    }
    return 0;
}

static cJSON *mean_and_per_image(double mean, const double *v, int n)
{
    cJSON *o = cJSON_CreateObject();
    cJSON_AddNumberToObject(o, "mean", mean);
    cJSON_AddItemToObject(o, "per_image", cJSON_CreateDoubleArray(v, n));
    return o;
}

static cJSON *alexnet_json(const alexnet_result *a)
{
    cJSON *o = cJSON_CreateObject();
    cJSON_AddStringToObject(o, "weights", a->weights);
    cJSON_AddStringToObject(o, "device", a->device);
    cJSON_AddNumberToObject(o, "input_size", ALEXNET_INPUT_SIZE);
    cJSON_AddStringToObject(o, "resize", "bilinear");
    cJSON_AddStringToObject(o, "normalisation", "imagenet");
    cJSON *r = cJSON_CreateObject(), *act = cJSON_CreateObject();
    for (int l = 0; l < ALEXNET_LAYERS; l++) {
        cJSON_AddNumberToObject(r, alexnet_layer_names[l], a->r[l]);
        cJSON_AddStringToObject(act, alexnet_layer_names[l], alexnet_layer_modules[l]);
    }
    cJSON_AddItemToObject(o, "r", r);
    cJSON_AddItemToObject(o, "activations", act);
    return o;
}

static char *metrics_json(const metrics_summary *m, const alexnet_result *alex, const char *recon_path,
                          const char *session_dir)
{
    cJSON *root = cJSON_CreateObject();
    cJSON_AddStringToObject(root, "reconstructions", recon_path);
    cJSON_AddStringToObject(root, "session", session_dir);
    cJSON_AddNumberToObject(root, "n_images", m->n);
    cJSON_AddNumberToObject(root, "image_size", m->image_size);
    cJSON_AddStringToObject(root, "stimulus_resize", "area");
    cJSON_AddItemToObject(root, "pixel_r", mean_and_per_image(m->pixel_r_mean, m->pixel_r, m->n));
    cJSON *ssim = mean_and_per_image(m->ssim_mean, m->ssim, m->n);
    cJSON_AddNumberToObject(ssim, "window", METRICS_SSIM_WINDOW);
    cJSON_AddNumberToObject(ssim, "sigma", METRICS_SSIM_SIGMA);
    cJSON_AddNumberToObject(ssim, "k1", METRICS_SSIM_K1);
    cJSON_AddNumberToObject(ssim, "k2", METRICS_SSIM_K2);
    cJSON_AddItemToObject(root, "ssim", ssim);
    cJSON *ident = cJSON_CreateObject();
    cJSON_AddNumberToObject(ident, "chance", 0.5);
    cJSON_AddNumberToObject(ident, "comparisons", (double)m->n * (m->n - 1));
    cJSON *is = cJSON_CreateObject(), *ir = cJSON_CreateObject();
    cJSON_AddNumberToObject(is, "accuracy", m->ident_ssim);
    cJSON_AddItemToObject(is, "per_image", cJSON_CreateDoubleArray(m->ident_ssim_per_image, m->n));
    cJSON_AddNumberToObject(ir, "accuracy", m->ident_pixel_r);
    cJSON_AddItemToObject(ir, "per_image", cJSON_CreateDoubleArray(m->ident_pixel_r_per_image, m->n));
    cJSON_AddItemToObject(ident, "ssim", is);
    cJSON_AddItemToObject(ident, "pixel_r", ir);
    cJSON_AddItemToObject(root, "identification", ident);
    cJSON *col = cJSON_CreateObject();
    cJSON_AddItemToObject(col, "reconstructions", mean_and_per_image(m->colour_recon_mean, m->colour_recon, m->n));
    cJSON_AddItemToObject(col, "stimuli", mean_and_per_image(m->colour_stim_mean, m->colour_stim, m->n));
    cJSON_AddItemToObject(root, "colourfulness", col);
    if (alex->done) cJSON_AddItemToObject(root, "alexnet", alexnet_json(alex));
    char *text = cJSON_Print(root);
    cJSON_Delete(root);
    return text;
}

/* Sample standard deviation over images, for the human-readable summary. */
static double sd_of(const double *v, int n, double mean)
{
    double ss = 0;
    for (int i = 0; i < n; i++) ss += (v[i] - mean) * (v[i] - mean);
    return n > 1 ? sqrt(ss / (n - 1)) : 0;
}

static void print_summary(FILE *f, const metrics_summary *m, const alexnet_result *alex, const char *recon_path,
                          const char *session_dir)
{
    fprintf(f, "%d reconstructions (%s) vs the test stimuli of %s, %dx%d\n", m->n, recon_path, session_dir,
            m->image_size, m->image_size);
    fprintf(f, "  pixel r          %.4f  (sd %.4f over images)\n", m->pixel_r_mean, sd_of(m->pixel_r, m->n, m->pixel_r_mean));
    fprintf(f, "  SSIM             %.4f  (sd %.4f)\n", m->ssim_mean, sd_of(m->ssim, m->n, m->ssim_mean));
    fprintf(f, "  identification   SSIM %.1f%%  pixel r %.1f%%  (2-way, %d comparisons each, chance 50%%)\n",
            100 * m->ident_ssim, 100 * m->ident_pixel_r, m->n * (m->n - 1));
    fprintf(f, "  colourfulness    reconstructions %.2f  stimuli %.2f\n", m->colour_recon_mean, m->colour_stim_mean);
    if (!alex->done) return;
    fprintf(f, "  AlexNet r       ");
    for (int l = 0; l < ALEXNET_LAYERS; l++) fprintf(f, " %s %.4f", alexnet_layer_names[l], alex->r[l]);
    fprintf(f, "\n                   (%s, on %s)\n", alex->weights, alex->device);
}

/* Runs AlexNet over the stimuli and reconstructions on the device `device`. Returns 0, or -1 with err
 * filled (bad weights file, no such device, Vulkan validation messages). */
static int run_alexnet(alexnet_result *res, const char *device, const float *recon, const float *stim, int n,
                       int size, char *err, size_t errlen)
{
    compute_ctx *ctx = compute_open(device, err, errlen);
    if (!ctx) return -1;
    /* Fewer per pass when n is smaller, or when large images would make the input tensors too big. */
    int pairs = n < res->batch ? n : res->batch;
    if (pairs > alexnet_max_batch(size) / 2) pairs = alexnet_max_batch(size) / 2;
    int rc = -1;
    alexnet *net = alexnet_new(ctx, res->weights, 2 * pairs, size, err, errlen);
    if (net) {
        rc = alexnet_correlations(net, recon, stim, n, res->r, err, errlen);
        alexnet_free(net);
    }
    snprintf(res->device, sizeof res->device, "%s", ctx->name);
    int vmsg = compute_validation_messages(ctx);
    compute_close(ctx);
    if (vmsg && rc == 0) {
        snprintf(err, errlen, "%d Vulkan validation message(s) while running AlexNet", vmsg);
        rc = -1;
    } else if (vmsg) {
        size_t used = strlen(err);
        snprintf(err + used, errlen - used, " (and %d Vulkan validation message(s))", vmsg);
    }
    res->done = rc == 0;
    return rc;
}

int cmd_evaluate(int argc, char **argv)
{
    const char *recon_path = NULL, *session_dir = NULL, *out_path = NULL, *alexnet = NULL, *device = NULL;
    const char *alexnet_batch = NULL;
    bool as_json = false;
    for (int i = 1; i < argc; i++) {
        const char *v = NULL;
        bool missing = false;
        if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h")) { evaluate_usage(stdout); return 0; }
        if (!strcmp(argv[i], "--json")) { as_json = true; continue; }
        const char **dst = NULL;
        if (opt_value(argc, argv, &i, "--reconstructions", &v, &missing)) dst = &recon_path;
        else if (opt_value(argc, argv, &i, "--session", &v, &missing)) dst = &session_dir;
        else if (opt_value(argc, argv, &i, "--out", &v, &missing)) dst = &out_path;
        else if (opt_value(argc, argv, &i, "--alexnet", &v, &missing)) dst = &alexnet;
        else if (opt_value(argc, argv, &i, "--device", &v, &missing)) dst = &device;
        else if (opt_value(argc, argv, &i, "--alexnet-batch", &v, &missing)) dst = &alexnet_batch;
        if (dst) {
            if (missing || !v[0]) { fprintf(stderr, "irfa evaluate: %s needs a value\n", argv[i]); return 2; }
            *dst = v;
            continue;
        }
        fprintf(stderr, "irfa evaluate: unknown option '%s'\n", argv[i]);
        evaluate_usage(stderr);
        return 2;
    }
    if (!recon_path || !session_dir) {
        fprintf(stderr, "irfa evaluate: --reconstructions and --session are required\n");
        evaluate_usage(stderr);
        return 2;
    }
    alexnet_result alex = {.weights = alexnet, .batch = EVALUATE_ALEXNET_BATCH};
    if (alexnet_batch) {
        long b;
        if (!opt_parse_int(alexnet_batch, 1, ALEXNET_MAX_BATCH / 2, &b)) {
            fprintf(stderr, "irfa evaluate: --alexnet-batch must be an integer in 1..%d, got '%s'\n",
                    ALEXNET_MAX_BATCH / 2, alexnet_batch);
            return 2;
        }
        alex.batch = (int)b;
    }

    char err[4600];
    npy_array rec;
    if (load_reconstructions(recon_path, &rec, err, sizeof err)) {
        fprintf(stderr, "irfa evaluate: %s\n", err);
        return 1;
    }
    int n = (int)rec.shape[0], size = (int)rec.shape[2];
    session s;
    session_load_options lo = {.image_size = size, .resize = SESSION_RESIZE_AREA};
    if (session_load(session_dir, &lo, &s, err, sizeof err)) {
        fprintf(stderr, "irfa evaluate: %s\n", err);
        npy_free(&rec);
        return 1;
    }
    int rc = 1;
    metrics_summary m = {0};
    char *json = NULL;
    if (s.n_test != n) {
        fprintf(stderr, "irfa evaluate: %s has %d reconstructions but session %s has %d test stimuli\n", recon_path,
                n, session_dir, s.n_test);
        goto done;
    }
    if (metrics_compute(rec.data, s.test_stimuli, n, size, &m, err, sizeof err)) {
        fprintf(stderr, "irfa evaluate: %s\n", err);
        goto done;
    }
    if (alexnet && run_alexnet(&alex, device, rec.data, s.test_stimuli, n, size, err, sizeof err)) {
        fprintf(stderr, "irfa evaluate: %s\n", err);
        goto done;
    }
    if (as_json || out_path) {
        json = metrics_json(&m, &alex, recon_path, session_dir);
        if (!json) { fprintf(stderr, "irfa evaluate: out of memory\n"); goto done; }
    }
    if (out_path) {
        size_t len = strlen(json);
        char *file = malloc(len + 2);
        if (!file) { fprintf(stderr, "irfa evaluate: out of memory\n"); goto done; }
        memcpy(file, json, len);
        file[len] = '\n';
        int wrc = atomic_write_file(out_path, file, len + 1, err, sizeof err);
        free(file);
        if (wrc) { fprintf(stderr, "irfa evaluate: %s\n", err); goto done; }
    }
    if (as_json) printf("%s\n", json);
    else print_summary(stdout, &m, &alex, recon_path, session_dir);
    if (out_path && !as_json) printf("metrics written to %s\n", out_path);
    rc = 0;
done:
    free(json);
    metrics_summary_free(&m);
    session_free(&s);
    npy_free(&rec);
    return rc;
}
