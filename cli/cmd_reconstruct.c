/* `irfa reconstruct`: eval-mode reconstructions and IRF maps from a checkpoint. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "cli/commands.h"
#include "cli/options.h"
#include "formats/npy.h"
#include "model/checkpoint.h"
#include "model/reconstruct.h"
#include "session/session.h"

static void usage(FILE *f)
{
    fprintf(f, "usage: irfa reconstruct --checkpoint FILE (--session DIR | --responses FILE.npy) --out DIR\n"
               "                        [--attention] [--device D] [--batch B]\n"
               "Writes reconstructions.npy (N,3,I,I), one PNG per image (images/), irf_spatial.npy (N,h,I,I),\n"
               "irf_feature.npy (N,h,c) and, with --attention, attention.npy (N,h,c,I,I).\n"
               "--responses: N x E float32 with electrodes in the checkpoint's order; --session: its test split.\n");
}

int cmd_reconstruct(int argc, char **argv)
{
    const char *ckpt = NULL, *session_dir = NULL, *responses_path = NULL, *out = NULL, *device = NULL;
    bool attention = false;
    long batch = 8;
    for (int i = 1; i < argc; i++) {
        const char *v;
        bool missing = false;
        if (!strcmp(argv[i], "--help")) { usage(stdout); return 0; }
        if (!strcmp(argv[i], "--attention")) { attention = true; continue; }
        if (opt_value(argc, argv, &i, "--checkpoint", &v, &missing)) ckpt = v;
        else if (opt_value(argc, argv, &i, "--session", &v, &missing)) session_dir = v;
        else if (opt_value(argc, argv, &i, "--responses", &v, &missing)) responses_path = v;
        else if (opt_value(argc, argv, &i, "--out", &v, &missing)) out = v;
        else if (opt_value(argc, argv, &i, "--device", &v, &missing)) device = v;
        else if (opt_value(argc, argv, &i, "--batch", &v, &missing)) {
            if (!missing && !opt_parse_int(v, 1, 1024, &batch)) { fprintf(stderr, "irfa reconstruct: --batch must be 1..1024\n"); return 2; }
        } else { fprintf(stderr, "irfa reconstruct: unknown option '%s'\n", argv[i]); usage(stderr); return 2; }
        if (missing) { fprintf(stderr, "irfa reconstruct: %s needs a value\n", argv[i]); return 2; }
    }
    if (!ckpt || !out || (!session_dir == !responses_path)) {
        fprintf(stderr, "irfa reconstruct: need --checkpoint, --out and exactly one of --session or --responses\n");
        return 2;
    }
    char err[1024];
    checkpoint_info info;
    if (checkpoint_read_info(ckpt, &info, err, sizeof err)) { fprintf(stderr, "irfa reconstruct: %s\n", err); return 1; }
    int e = irfa_config_inputs(&info.cfg);
    float *responses = NULL;
    int n = 0;
    if (responses_path) {
        npy_array a;
        if (npy_load_f32(responses_path, &a, 0, err, sizeof err)) { fprintf(stderr, "irfa reconstruct: %s\n", err); goto fail; }
        if (a.ndim != 2 || a.shape[1] != e || a.shape[0] < 1) {
            fprintf(stderr, "irfa reconstruct: %s: expected an N x %d array (electrodes in the checkpoint's order), got %d-d",
                    responses_path, e, a.ndim);
            for (int d = 0; d < a.ndim; d++) fprintf(stderr, "%s%lld", d ? "x" : " ", (long long)a.shape[d]);
            fputc('\n', stderr);
            npy_free(&a);
            goto fail;
        }
        n = (int)a.shape[0];
        responses = a.data;
    } else {
        session s;
        session_load_options o = {.skip_stimuli = true};
        if (session_load(session_dir, &o, &s, err, sizeof err)) { fprintf(stderr, "irfa reconstruct: %s\n", err); goto fail; }
        int need = 0;
        for (int k = 0; k < (info.electrode_order ? info.n_electrode_order : e); k++) {
            int col = info.electrode_order ? info.electrode_order[k] : k;
            if (col + 1 > need) need = col + 1;
        }
        if (s.n_electrodes < need || (!info.electrode_order && s.n_electrodes != e)) {
            fprintf(stderr, "irfa reconstruct: %s has %d electrodes, the checkpoint expects %d\n", session_dir,
                    s.n_electrodes, e);
            session_free(&s);
            goto fail;
        }
        n = s.n_test;
        responses = reorder_columns(s.test_responses, n, s.n_electrodes, info.electrode_order, e);
        session_free(&s);
    }
    if (mkdir(out, 0755) != 0 && errno != EEXIST) {
        fprintf(stderr, "irfa reconstruct: cannot create %s: %s\n", out, strerror(errno));
        goto fail;
    }
    compute_ctx *ctx = compute_open(device, err, sizeof err);
    if (!ctx) { fprintf(stderr, "irfa reconstruct: %s\n", err); goto fail; }
    info.cfg.batch = (int)batch;
    int rc = 1;
    char images[4096];
    snprintf(images, sizeof images, "%s/images", out);
    if (reconstruct_checkpoint(ctx, &info.cfg, ckpt, responses, n, RECON_IRF | (attention ? RECON_ATTENTION : 0u), out,
                               images, err, sizeof err))
        fprintf(stderr, "irfa reconstruct: %s\n", err);
    else { rc = 0; printf("reconstructed %d images on %s into %s\n", n, ctx->name, out); }
    int vmsg = compute_validation_messages(ctx);
    compute_close(ctx);
    if (vmsg) { fprintf(stderr, "irfa reconstruct: %d Vulkan validation messages\n", vmsg); rc = 1; }
    free(responses);
    checkpoint_info_free(&info);
    return rc;
fail:
    free(responses);
    checkpoint_info_free(&info);
    return 1;
}
