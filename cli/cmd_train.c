/* `irfa train`: trains IRFA on a session; writes RUNDIR/checkpoint.safetensors, optimizer.safetensors
 * (for --resume), metrics.jsonl (one line per epoch), progress.json, and the test split's
 * reconstructions (reconstructions.npy, reconstructions/NNNNNN.png, IRF maps; attention.npy with
 * --attention). */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "cli/commands.h"
#include "cli/options.h"
#include "formats/atomic_file.h"
#include "model/checkpoint.h"
#include "model/reconstruct.h"
#include "session/session.h"

typedef struct train_options {
    const char *session, *out, *device, *vgg;
    long epochs, batch, features, grid, kernel, seed, d_every, max_train, vgg_size;
    double alpha, beta_vgg, beta_pix, lr_g, lr_d;
    bool resume, quiet, attention;
} train_options;

static void usage(FILE *f)
{
    fprintf(f,
            "usage: irfa train --session DIR --out RUNDIR [options]\n"
            "  --epochs N        epochs (default 10)\n"
            "  --batch B         batch size (default 8)\n"
            "  --features C      feature channels c (default 32)\n"
            "  --grid I          reconstruction grid, a multiple of 32 (default 64)\n"
            "  --kernel K        attention score kernel (default 4)\n"
            "  --device D        auto|cpu|vulkan|vulkan:N (default IRFA_DEVICE or auto)\n"
            "  --vgg FILE        VGG19 weights (torchvision features.N.weight/bias, safetensors) for the\n"
            "                    perceptual loss; without it that term is off\n"
            "  --vgg-size N      side images are resized to for VGG (default 224, about 20 GFLOP per image)\n"
            "  --seed S          random seed (default 1)\n"
            "  --alpha A --beta-vgg B --beta-pix P   loss weights (0.01, 0.69, 0.3)\n"
            "  --lr-g L --lr-d L generator / discriminator Adam learning rates (7.8e-4, 1e-4)\n"
            "  --d-every N       update the discriminator every N-th batch (default 100)\n"
            "  --max-train N     use only the first N training samples\n"
            "  --attention       also write the test split's attention w (attention.npy, N x h x c x I x I)\n"
            "  --resume          continue the run in RUNDIR\n"
            "  --quiet           no progress line\n");
}

static int parse(int argc, char **argv, train_options *o)
{
    *o = (train_options){.epochs = 10, .batch = 8, .features = 32, .grid = 64, .kernel = 4, .seed = 1, .d_every = 100, .vgg_size = 224,
                         .alpha = 0.01, .beta_vgg = 0.69, .beta_pix = 0.3, .lr_g = 7.8e-4, .lr_d = 1e-4};
    for (int i = 1; i < argc; i++) {
        const char *v;
        bool missing = false, ok = true;
        if (!strcmp(argv[i], "--help")) { usage(stdout); return 1; }
        if (!strcmp(argv[i], "--resume")) { o->resume = true; continue; }
        if (!strcmp(argv[i], "--quiet")) { o->quiet = true; continue; }
        if (!strcmp(argv[i], "--attention")) { o->attention = true; continue; }
        if (opt_value(argc, argv, &i, "--session", &v, &missing)) o->session = v;
        else if (opt_value(argc, argv, &i, "--out", &v, &missing)) o->out = v;
        else if (opt_value(argc, argv, &i, "--device", &v, &missing)) o->device = v;
        else if (opt_value(argc, argv, &i, "--vgg-size", &v, &missing)) ok = missing || opt_parse_int(v, 32, 1024, &o->vgg_size);
        else if (opt_value(argc, argv, &i, "--vgg", &v, &missing)) o->vgg = v;
        else if (opt_value(argc, argv, &i, "--epochs", &v, &missing)) ok = missing || opt_parse_int(v, 1, 100000, &o->epochs);
        else if (opt_value(argc, argv, &i, "--batch", &v, &missing)) ok = missing || opt_parse_int(v, 2, 1024, &o->batch);
        else if (opt_value(argc, argv, &i, "--features", &v, &missing)) ok = missing || (opt_parse_int(v, 2, 1024, &o->features) && o->features % 2 == 0);
        else if (opt_value(argc, argv, &i, "--grid", &v, &missing)) ok = missing || (opt_parse_int(v, 32, 1024, &o->grid) && o->grid % 32 == 0);
        else if (opt_value(argc, argv, &i, "--kernel", &v, &missing)) ok = missing || opt_parse_int(v, 1, 15, &o->kernel);
        else if (opt_value(argc, argv, &i, "--seed", &v, &missing)) ok = missing || opt_parse_int(v, 0, 0x7fffffffL, &o->seed);
        else if (opt_value(argc, argv, &i, "--d-every", &v, &missing)) ok = missing || opt_parse_int(v, 0, 1000000, &o->d_every);
        else if (opt_value(argc, argv, &i, "--max-train", &v, &missing)) ok = missing || opt_parse_int(v, 1, 100000000, &o->max_train);
        else if (opt_value(argc, argv, &i, "--alpha", &v, &missing)) ok = missing || (opt_parse_float(v, &o->alpha) && o->alpha >= 0);
        else if (opt_value(argc, argv, &i, "--beta-vgg", &v, &missing)) ok = missing || (opt_parse_float(v, &o->beta_vgg) && o->beta_vgg >= 0);
        else if (opt_value(argc, argv, &i, "--beta-pix", &v, &missing)) ok = missing || (opt_parse_float(v, &o->beta_pix) && o->beta_pix >= 0);
        else if (opt_value(argc, argv, &i, "--lr-g", &v, &missing)) ok = missing || (opt_parse_float(v, &o->lr_g) && o->lr_g > 0);
        else if (opt_value(argc, argv, &i, "--lr-d", &v, &missing)) ok = missing || (opt_parse_float(v, &o->lr_d) && o->lr_d > 0);
        else { fprintf(stderr, "irfa train: unknown option '%s'\n", argv[i]); usage(stderr); return 2; }
        if (missing) { fprintf(stderr, "irfa train: %s needs a value\n", argv[i]); return 2; }
        if (!ok) { fprintf(stderr, "irfa train: bad value for %s (see --help)\n", argv[i]); return 2; }
    }
    if (!o->session || !o->out) { fprintf(stderr, "irfa train: need --session DIR and --out RUNDIR\n"); usage(stderr); return 2; }
    return 0;
}

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static int append_line(const char *path, const char *line, char *err, size_t errlen)
{
    FILE *f = fopen(path, "a");
    if (!f) { snprintf(err, errlen, "%.512s: %s", path, strerror(errno)); return -1; }
    fprintf(f, "%s\n", line);
    fflush(f);
    fsync(fileno(f));
    fclose(f);
    return 0;
}

static void write_progress(const char *dir, double fraction, const char *message)
{
    char path[4096], json[1024], err[256];
    snprintf(path, sizeof path, "%s/progress.json", dir);
    snprintf(json, sizeof json, "{\"fraction\": %.4f, \"message\": \"%s\"}\n", fraction, message);
    atomic_write_file(path, json, strlen(json), err, sizeof err);
}

/* Mean absolute pixel error and pixel correlation of reconstructions against stimuli. */
static void simple_test_metrics(const float *rec, const float *stim, int n, size_t per, double *l1, double *r)
{
    double sl1 = 0, sr = 0;
    for (int k = 0; k < n; k++) {
        const float *a = rec + (size_t)k * per, *b = stim + (size_t)k * per;
        double ma = 0, mb = 0;
        for (size_t p = 0; p < per; p++) { ma += a[p]; mb += b[p]; sl1 += fabs((double)a[p] - b[p]); }
        ma /= (double)per;
        mb /= (double)per;
        double sab = 0, saa = 0, sbb = 0;
        for (size_t p = 0; p < per; p++) {
            double x = a[p] - ma, y = b[p] - mb;
            sab += x * y; saa += x * x; sbb += y * y;
        }
        sr += saa > 0 && sbb > 0 ? sab / sqrt(saa * sbb) : 0;
    }
    *l1 = sl1 / ((double)n * (double)per);
    *r = sr / n;
}

int cmd_train(int argc, char **argv)
{
    train_options o;
    int prc = parse(argc, argv, &o);
    if (prc) return prc == 1 ? 0 : prc;
    char err[1024], path[4096];
    session s;
    session_load_options lo = {.image_size = (int)o.grid};
    if (session_load(o.session, &lo, &s, err, sizeof err)) { fprintf(stderr, "irfa train: %s\n", err); return 1; }
    int rc = 1;
    compute_ctx *ctx = NULL;
    irfa_model *m = NULL;
    float *train_x = NULL, *test_x = NULL;
    if (s.n_arrays < 1 || s.n_arrays > IRFA_MAX_HEADS) {
        fprintf(stderr, "irfa train: %s has %d arrays (1..%d supported)\n", o.session, s.n_arrays, IRFA_MAX_HEADS);
        goto out;
    }
    int n_train = s.n_train;
    if (o.max_train && o.max_train < n_train) n_train = (int)o.max_train;
    if (n_train < o.batch) {
        fprintf(stderr, "irfa train: %s has %d training samples, fewer than one batch of %ld\n", o.session, n_train, o.batch);
        goto out;
    }
    if (mkdir(o.out, 0755) != 0 && errno != EEXIST) {
        fprintf(stderr, "irfa train: cannot create %s: %s\n", o.out, strerror(errno));
        goto out;
    }
    char ckpt_path[4096], opt_path[4096], metrics_path[4096];
    snprintf(ckpt_path, sizeof ckpt_path, "%s/checkpoint.safetensors", o.out);
    snprintf(opt_path, sizeof opt_path, "%s/optimizer.safetensors", o.out);
    snprintf(metrics_path, sizeof metrics_path, "%s/metrics.jsonl", o.out);
    if (!o.resume && access(ckpt_path, F_OK) == 0) {
        fprintf(stderr, "irfa train: %s already holds a run (checkpoint.safetensors); use --resume or another --out\n", o.out);
        goto out;
    }

    irfa_config cfg;
    irfa_config_default(&cfg);
    cfg.heads = s.n_arrays;
    for (int j = 0; j < s.n_arrays; j++) cfg.electrodes[j] = s.array_counts[j];
    cfg.features = (int)o.features;
    cfg.grid = (int)o.grid;
    cfg.kernel = (int)o.kernel;
    cfg.batch = (int)o.batch;
    cfg.alpha = (float)o.alpha;
    cfg.beta_vgg = (float)o.beta_vgg;
    cfg.beta_pix = (float)o.beta_pix;
    cfg.lr_g = (float)o.lr_g;
    cfg.lr_d = (float)o.lr_d;
    cfg.d_every = (int)o.d_every;
    cfg.seed = (uint64_t)o.seed;
    int e = irfa_config_inputs(&cfg);
    train_x = reorder_columns(s.train_responses, n_train, s.n_electrodes, s.array_electrodes, e);
    test_x = reorder_columns(s.test_responses, s.n_test, s.n_electrodes, s.array_electrodes, e);

    ctx = compute_open(o.device, err, sizeof err);
    if (!ctx) { fprintf(stderr, "irfa train: %s\n", err); goto out; }
    m = irfa_model_new(ctx, &cfg, true);
    irfa_model_reset(m);
    train_progress prog = {0, 0};
    if (o.resume && access(ckpt_path, F_OK) == 0) {
        checkpoint_info info;
        if (checkpoint_read_info(ckpt_path, &info, err, sizeof err)) { fprintf(stderr, "irfa train: %s\n", err); goto out; }
        bool same = info.cfg.heads == cfg.heads && info.cfg.features == cfg.features && info.cfg.grid == cfg.grid &&
                    info.cfg.kernel == cfg.kernel;
        for (int j = 0; same && j < cfg.heads; j++) same = info.cfg.electrodes[j] == cfg.electrodes[j];
        checkpoint_info_free(&info);
        if (!same) { fprintf(stderr, "irfa train: --resume: %s was trained with another configuration\n", ckpt_path); goto out; }
        if (checkpoint_load(m, ckpt_path, err, sizeof err) || optimizer_load(m, &prog, opt_path, err, sizeof err)) {
            fprintf(stderr, "irfa train: --resume: %s\n", err);
            goto out;
        }
        fprintf(stderr, "irfa train: resuming %s after epoch %lld\n", o.out, (long long)prog.epoch);
    }
    fprintf(stderr, "irfa train: %d arrays, %d electrodes, %d train / %d test samples, c=%d grid=%d k=%d batch=%d on %s\n",
            cfg.heads, e, n_train, s.n_test, cfg.features, cfg.grid, cfg.kernel, cfg.batch, ctx->name);
    if (o.vgg) {
        if (irfa_model_enable_vgg(m, o.vgg, (int)o.vgg_size, err, sizeof err)) { fprintf(stderr, "irfa train: %s\n", err); goto out; }
        fprintf(stderr, "irfa train: VGG19 perceptual loss from %s at %ldx%ld, weight %g\n", o.vgg, o.vgg_size, o.vgg_size, cfg.beta_vgg);
    } else if (cfg.beta_vgg > 0) {
        fprintf(stderr, "irfa train: no --vgg weights given: the VGG perceptual term is off\n");
    }

    size_t per_img = (size_t)3 * cfg.grid * cfg.grid;
    int nb = n_train / cfg.batch;   /* a last partial batch is dropped: BatchNorm needs full batches */
    int *order = malloc(sizeof(int) * (size_t)n_train);
    float *bx = malloc(sizeof(float) * (size_t)cfg.batch * e), *by = malloc(sizeof(float) * per_img * (size_t)cfg.batch);
    irfa_rng shuffle;
    rng_seed(&shuffle, cfg.seed ^ 0x5eed5eedULL);
    for (int64_t skip = 0; skip < prog.epoch; skip++)   /* keep the shuffles of a resumed run identical */
        for (int k = n_train - 1; k > 0; k--) rng_u32(&shuffle);
    for (int64_t epoch = prog.epoch; epoch < o.epochs; epoch++) {
        for (int k = 0; k < n_train; k++) order[k] = k;
        for (int k = n_train - 1; k > 0; k--) {
            int r = (int)(rng_u32(&shuffle) % (uint32_t)(k + 1)), t = order[k];
            order[k] = order[r];
            order[r] = t;
        }
        double t0 = now_s(), sum_total = 0, sum_l1 = 0, sum_adv = 0, sum_vgg = 0, sum_d = 0;
        int nd = 0;
        for (int b = 0; b < nb; b++) {
            for (int r = 0; r < cfg.batch; r++) {
                int idx = order[b * cfg.batch + r];
                memcpy(bx + (size_t)r * e, train_x + (size_t)idx * e, sizeof(float) * (size_t)e);
                memcpy(by + (size_t)r * per_img, s.train_stimuli + (size_t)idx * per_img, sizeof(float) * per_img);
            }
            irfa_model_set_batch(m, bx, by, cfg.batch);
            irfa_losses L = irfa_model_train_step(m);
            if (!isfinite(L.total)) {
                fprintf(stderr, "\nirfa train: the loss became %g at epoch %lld batch %d; stopping (last good checkpoint kept)\n",
                        L.total, (long long)epoch + 1, b + 1);
                goto out_loop;
            }
            sum_total += L.total; sum_l1 += L.l1; sum_adv += L.adversarial; sum_vgg += L.vgg;
            if (L.discriminator_updated) { sum_d += L.discriminator; nd++; }
            double el = now_s() - t0, sps = (b + 1) * cfg.batch / el;
            if (!o.quiet && (b % 5 == 0 || b + 1 == nb)) {
                double left = ((double)(nb - b - 1) + (double)(o.epochs - epoch - 1) * nb) * cfg.batch / sps;
                fprintf(stderr, "\repoch %lld/%ld  batch %d/%d  loss %.4f  l1 %.4f  %.1f samples/s  eta %.0fs   ",
                        (long long)epoch + 1, o.epochs, b + 1, nb, sum_total / (b + 1), sum_l1 / (b + 1), sps, left);
            }
            if (b % 10 == 0) {
                char msg[128];
                snprintf(msg, sizeof msg, "epoch %lld/%ld batch %d/%d", (long long)epoch + 1, o.epochs, b + 1, nb);
                write_progress(o.out, ((double)epoch + (double)(b + 1) / nb) / (double)o.epochs, msg);
            }
        }
        double secs = now_s() - t0;
        if (!o.quiet) fputc('\n', stderr);
        reconstruction rec;
        reconstruct_all(m, test_x, s.n_test, 0, &rec);
        double test_l1, test_r;
        simple_test_metrics(rec.images, s.test_stimuli, s.n_test, per_img, &test_l1, &test_r);
        reconstruction_free(&rec);
        prog.epoch = epoch + 1;
        prog.batches = m->batches;
        if (checkpoint_save(m, ckpt_path, s.array_electrodes, e, NULL, err, sizeof err) ||
            optimizer_save(m, &prog, opt_path, err, sizeof err)) {
            fprintf(stderr, "irfa train: %s\n", err);
            goto out_loop;
        }
        char line[1024];
        snprintf(line, sizeof line,
                 "{\"epoch\": %lld, \"loss_g\": %.6g, \"loss_l1\": %.6g, \"loss_adv\": %.6g, \"loss_vgg\": %.6g, "
                 "\"loss_d\": %.6g, \"samples_per_s\": %.4g, \"seconds\": %.4g, \"test\": {\"l1\": %.6g, \"pixel_r\": %.6g}}",
                 (long long)prog.epoch, sum_total / nb, sum_l1 / nb, sum_adv / nb, sum_vgg / nb, nd ? sum_d / nd : 0.0,
                 nb * cfg.batch / secs, secs, test_l1, test_r);
        if (append_line(metrics_path, line, err, sizeof err)) { fprintf(stderr, "irfa train: %s\n", err); goto out_loop; }
        fprintf(stderr, "epoch %lld: loss %.4f  l1 %.4f  test l1 %.4f  test pixel r %.3f  (%.1f s)\n", (long long)prog.epoch,
                sum_total / nb, sum_l1 / nb, test_l1, test_r, secs);
    }
    {
        /* The IRF maps need the attention w of each batch, which training never holds: the test split
         * goes through an inference model of the saved checkpoint, after the training state is gone. */
        irfa_model_free(m);
        m = NULL;
        char pngs[4096];
        snprintf(pngs, sizeof pngs, "%s/reconstructions", o.out);
        if (reconstruct_checkpoint(ctx, &cfg, ckpt_path, test_x, s.n_test, RECON_IRF | (o.attention ? RECON_ATTENTION : 0u),
                                   o.out, pngs, err, sizeof err))
            fprintf(stderr, "irfa train: %s\n", err);
        else rc = 0;
        write_progress(o.out, 1.0, "done");
    }
out_loop:
    free(order);
    free(bx);
    free(by);
out:
    if (m) irfa_model_free(m);
    if (ctx) {
        int vmsg = compute_validation_messages(ctx);
        if (vmsg) { fprintf(stderr, "irfa train: %d Vulkan validation messages\n", vmsg); rc = 1; }
        compute_close(ctx);
    }
    free(train_x);
    free(test_x);
    session_free(&s);
    (void)path;
    return rc;
}
