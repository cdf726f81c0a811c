/* One generator training step from a checkpoint on a given device, saved as a checkpoint, so the
 * update can be compared with PyTorch's (tests/model/irfa_torch.py step). Adam's eps is a parameter:
 * with a large eps the update is proportional to the gradient, which makes the comparison a check
 * of every gradient, not only of its sign. */
#include <stdio.h>
#include <stdlib.h>

#include "formats/npy.h"
#include "model/checkpoint.h"

int main(int argc, char **argv)
{
    if (argc != 8 && argc != 10) {
        fprintf(stderr, "usage: %s CHECKPOINT RESPONSES.npy IMAGES.npy OUT.safetensors DEVICE EPS LR [VGG.safetensors VGG_SIZE]\n", argv[0]);
        return 2;
    }
    char err[1024];
    checkpoint_info info;
    if (checkpoint_read_info(argv[1], &info, err, sizeof err)) { fprintf(stderr, "%s\n", err); return 1; }
    npy_array resp, img;
    if (npy_load_f32(argv[2], &resp, 0, err, sizeof err) || npy_load_f32(argv[3], &img, 0, err, sizeof err)) {
        fprintf(stderr, "%s\n", err);
        return 1;
    }
    compute_ctx *ctx = compute_open(argv[5], err, sizeof err);
    if (!ctx) { fprintf(stderr, "%s\n", err); return 1; }
    info.cfg.batch = (int)resp.shape[0];
    info.cfg.d_every = 0;    /* generator step only */
    irfa_model *m = irfa_model_new(ctx, &info.cfg, true);
    irfa_model_reset(m);
    if (checkpoint_load(m, argv[1], err, sizeof err)) { fprintf(stderr, "%s\n", err); return 1; }
    if (argc == 10 && irfa_model_enable_vgg(m, argv[8], atoi(argv[9]), err, sizeof err)) {
        fprintf(stderr, "%s\n", err);
        return 1;
    }
    m->adam_g.eps = (float)atof(argv[6]);
    m->adam_g.lr = (float)atof(argv[7]);
    irfa_model_set_batch(m, resp.data, img.data, (int)resp.shape[0]);
    irfa_losses L = irfa_model_train_step(m);
    printf("loss %.7g (adversarial %.7g, l1 %.7g, vgg %.7g)\n", L.total, L.adversarial, L.l1, L.vgg);
    int rc = checkpoint_save(m, argv[4], NULL, 0, NULL, err, sizeof err);
    if (rc) fprintf(stderr, "%s\n", err);
    int vmsg = compute_validation_messages(ctx);
    irfa_model_free(m);
    compute_close(ctx);
    npy_free(&resp);
    npy_free(&img);
    checkpoint_info_free(&info);
    if (vmsg) { fprintf(stderr, "%d Vulkan validation messages\n", vmsg); return 1; }
    return rc ? 1 : 0;
}
