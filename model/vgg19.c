#include "model/vgg19.h"

#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>

#include "compute/ops.h"
#include "model/frozen_weights.h"

/* torchvision's VGG19 `features`: 16 3x3 convolutions (pad 1), each followed by a ReLU, a 2x2 max-pool
 * after the last convolution of each of the five levels. The loss needs the network up to index 34
 * (conv5_4), so the fifth pool (index 36) is never run. */
#define VGG19_CONVS 16
#define VGG19_CUTS 5
#define VGG19_LEVELS 5

static const int conv_index[VGG19_CONVS] = {0, 2, 5, 7, 10, 12, 14, 16, 19, 21, 23, 25, 28, 30, 32, 34};
static const int conv_level[VGG19_CONVS] = {0, 0, 1, 1, 2, 2, 2, 2, 3, 3, 3, 3, 4, 4, 4, 4};
static const int level_channels[VGG19_LEVELS] = {64, 128, 256, 512, 512};
/* Cut points features[:8], [:15], [:22], [:29], [:35] end on the convolutions at these positions
 * (indices 7, 14, 21, 28, 34), before their ReLU. */
static const int cut_conv[VGG19_CUTS] = {3, 6, 9, 12, 15};

static const float imagenet_mean[3] = {0.485f, 0.456f, 0.406f};
static const float imagenet_std[3] = {0.229f, 0.224f, 0.225f};

struct vgg19_loss {
    compute_ctx *ctx;
    int batch, image_size, resize;
    conv2d_params pad1;
    tensor *w[VGG19_CONVS], *b[VGG19_CONVS];
    tensor *inv_std, *shift;              /* [3,1,1]: x * inv_std + shift = (x - mean) / std */
    tensor *scaled, *normalised;          /* [N,3,S,S] */
    tensor *resized;                      /* [N,3,R,R], NULL when R == S (resize is the identity) */
    tensor *pre[VGG19_CONVS];             /* y_hat's conv outputs; the y pass uses them as scratch */
    tensor *feat_y[VGG19_CUTS];           /* y's features at the cut points */
    /* Per level, two tensors of the level's shape: ReLU outputs in the forward pass, gradients in the
     * backward pass (a conv output's buffer is reused too once its ReLU has been gone back through). */
    tensor *scratch[VGG19_LEVELS][2];
    tensor *pooled[VGG19_LEVELS - 1];     /* pool outputs = inputs of levels 1..4 */
    tensor *dpooled[VGG19_LEVELS - 1];
    tensor *dinput;                       /* gradient w.r.t. the network input [N,3,R,R] */
    tensor *dnormalised;                  /* gradient w.r.t. normalised [N,3,S,S] (with resized only) */
    tensor *cut_loss[VGG19_CUTS];         /* [1] each */
    tensor *cut_losses;                   /* [5], their concatenation */
    tensor *dcut;                         /* [1]: dloss / 5, the upstream gradient of each cut's L1 */
};

static int cut_of_conv(int i)
{
    for (int c = 0; c < VGG19_CUTS; c++)
        if (cut_conv[c] == i) return c;
    return -1;
}

static bool first_of_level(int i) { return i == 0 || conv_level[i - 1] != conv_level[i]; }
static bool last_of_level(int i) { return i == VGG19_CONVS - 1 || conv_level[i + 1] != conv_level[i]; }
static int conv_in_channels(int i) { return i == 0 ? 3 : level_channels[conv_level[i - 1]]; }

/* ---- Loading -------------------------------------------------------------------------------------- */

/* Reads and checks all 32 tensors before any device allocation, so a bad file costs nothing. */
static int load_weights(const char *path, float *host_w[VGG19_CONVS], float *host_b[VGG19_CONVS], char *err,
                        size_t errlen)
{
    st_file f;
    if (st_load(path, &f, err, errlen)) return -1;
    int rc = 0;
    for (int i = 0; i < VGG19_CONVS && rc == 0; i++) {
        int64_t cout = level_channels[conv_level[i]], cin = conv_in_channels(i);
        int64_t wshape[4] = {cout, cin, 3, 3};
        char name[64];
        snprintf(name, sizeof name, "features.%d.weight", conv_index[i]);
        rc = frozen_read_tensor(&f, path, "VGG19", name, 4, wshape, &host_w[i], err, errlen);
        if (rc) break;
        snprintf(name, sizeof name, "features.%d.bias", conv_index[i]);
        rc = frozen_read_tensor(&f, path, "VGG19", name, 1, &cout, &host_b[i], err, errlen);
    }
    st_free(&f);
    return rc;
}

/* ---- Construction --------------------------------------------------------------------------------- */

static tensor *image_tensor(compute_ctx *ctx, int n, int c, int side) { return tensor_newv(ctx, 4, n, c, side, side); }

static void allocate_activations(vgg19_loss *v)
{
    compute_ctx *ctx = v->ctx;
    int n = v->batch, s = v->image_size, r = v->resize;
    v->scaled = image_tensor(ctx, n, 3, s);
    v->normalised = image_tensor(ctx, n, 3, s);
    if (r != s) {
        v->resized = image_tensor(ctx, n, 3, r);
        v->dnormalised = image_tensor(ctx, n, 3, s);
    }
    v->dinput = image_tensor(ctx, n, 3, r);
    int side[VGG19_LEVELS];
    side[0] = r;
    for (int l = 1; l < VGG19_LEVELS; l++) side[l] = side[l - 1] / 2;   /* floor, as PyTorch's max-pool */
    for (int l = 0; l < VGG19_LEVELS; l++) {
        for (int k = 0; k < 2; k++) v->scratch[l][k] = image_tensor(ctx, n, level_channels[l], side[l]);
        if (l + 1 < VGG19_LEVELS) {
            v->pooled[l] = image_tensor(ctx, n, level_channels[l], side[l + 1]);
            v->dpooled[l] = image_tensor(ctx, n, level_channels[l], side[l + 1]);
        }
    }
    for (int i = 0; i < VGG19_CONVS; i++) v->pre[i] = tensor_new_like(v->scratch[conv_level[i]][0]);
    for (int c = 0; c < VGG19_CUTS; c++) {
        v->feat_y[c] = tensor_new_like(v->pre[cut_conv[c]]);
        v->cut_loss[c] = tensor_newv(ctx, 1, 1);
    }
    v->cut_losses = tensor_newv(ctx, 1, VGG19_CUTS);
    v->dcut = tensor_newv(ctx, 1, 1);
}

vgg19_loss *vgg19_loss_new(compute_ctx *ctx, const char *path, int batch, int image_size, int resize,
                           char *err, size_t errlen)
{
    /* The four pools before conv5_4 need a side of at least 16; the upper bounds keep every tensor's
     * element count far inside size_t and int. */
    if (batch < 1 || batch > 4096 || image_size < 1 || image_size > 4096 || resize < 16 || resize > 2048) {
        snprintf(err, errlen,
                 "VGG19 loss: batch %d, image size %d, resize %d (need batch 1..4096, image size 1..4096, "
                 "resize 16..2048: four 2x2 max-pools come before conv5_4)", batch, image_size, resize);
        return NULL;
    }
    float *host_w[VGG19_CONVS] = {0}, *host_b[VGG19_CONVS] = {0};
    vgg19_loss *v = NULL;
    if (load_weights(path, host_w, host_b, err, errlen) == 0) {
        v = calloc(1, sizeof *v);
        TENSOR_CHECK(v != NULL, "out of memory");
        v->ctx = ctx;
        v->batch = batch;
        v->image_size = image_size;
        v->resize = resize;
        v->pad1 = conv2d_params_make(1, 1, 1);
        for (int i = 0; i < VGG19_CONVS; i++) {
            int cout = level_channels[conv_level[i]];
            v->w[i] = tensor_newv(ctx, 4, cout, conv_in_channels(i), 3, 3);
            v->b[i] = tensor_newv(ctx, 1, cout);
            tensor_write(v->w[i], host_w[i]);
            tensor_write(v->b[i], host_b[i]);
        }
        float inv_std[3], shift[3];
        for (int c = 0; c < 3; c++) {
            inv_std[c] = 1.0f / imagenet_std[c];
            shift[c] = -imagenet_mean[c] / imagenet_std[c];
        }
        v->inv_std = tensor_newv(ctx, 3, 3, 1, 1);
        v->shift = tensor_newv(ctx, 3, 3, 1, 1);
        tensor_write(v->inv_std, inv_std);
        tensor_write(v->shift, shift);
        allocate_activations(v);
    }
    for (int i = 0; i < VGG19_CONVS; i++) {
        free(host_w[i]);
        free(host_b[i]);
    }
    return v;
}

/* ---- Forward -------------------------------------------------------------------------------------- */

/* (x - mean) / std, then the resize: the normalisation is per channel and affine and bilinear weights
 * sum to one, so this order equals PyTorch's resize-then-normalise and works on the smaller image. */
static const tensor *network_input(vgg19_loss *v, const tensor *image)
{
    op_mul_forward(image, v->inv_std, v->scaled);
    op_add_forward(v->scaled, v->shift, v->normalised);
    if (!v->resized) return v->normalised;
    op_resize_bilinear_forward(v->normalised, v->resized);
    return v->resized;
}

/* Runs features[:35] once. For y (target) the cut outputs go to feat_y and the other conv outputs to
 * pre[] as scratch; for y_hat every conv output stays in pre[] for the backward pass. The ReLU output of
 * each level's last conv is left in scratch[level][0] (the max-pool's input, for its backward). */
static void run_features(vgg19_loss *v, const tensor *x, bool target)
{
    const tensor *in = x;
    for (int i = 0; i < VGG19_CONVS; i++) {
        int level = conv_level[i], cut = cut_of_conv(i);
        tensor *out = target && cut >= 0 ? v->feat_y[cut] : v->pre[i];
        op_conv2d_forward(in, v->w[i], v->b[i], out, &v->pad1);
        if (i == VGG19_CONVS - 1) break;
        tensor *act = v->scratch[level][0];
        op_relu_forward(out, act);
        if (last_of_level(i)) {
            op_maxpool2x2_forward(act, v->pooled[level]);
            in = v->pooled[level];
        } else {
            in = act;
        }
    }
}

/* ---- Backward ------------------------------------------------------------------------------------- */

static tensor *other_scratch(vgg19_loss *v, int level, const tensor *t)
{
    return v->scratch[level][0] == t ? v->scratch[level][1] : v->scratch[level][0];
}

/* From conv5_4 down to the network input: at each cut its L1 gradient (weight dcut) joins the gradient
 * coming from above. Leaves d(loss)/d(network input) in v->dinput. */
static void backward_features(vgg19_loss *v, const tensor *x)
{
    tensor *dact = NULL;   /* gradient w.r.t. the current conv's ReLU output, in a level scratch */
    for (int i = VGG19_CONVS - 1; i >= 0; i--) {
        int level = conv_level[i], cut = cut_of_conv(i);
        if (i < VGG19_CONVS - 1 && last_of_level(i)) {
            /* scratch[level][0] still holds this conv's ReLU output, the pool's input. */
            dact = v->scratch[level][1];
            op_maxpool2x2_backward(v->scratch[level][0], v->dpooled[level], dact);
        }
        tensor *dpre;
        if (!dact) {
            /* conv5_4: its output is only the last cut */
            dpre = v->scratch[level][0];
            op_l1_loss_backward(v->pre[i], v->feat_y[cut], v->dcut, dpre);
        } else {
            dpre = other_scratch(v, level, dact);
            op_relu_backward(v->pre[i], dact, dpre);
            if (cut >= 0) {
                /* dact is free now; pre[i] too once its L1 gradient is taken: the sum goes there. */
                op_l1_loss_backward(v->pre[i], v->feat_y[cut], v->dcut, dact);
                op_add_forward(dact, dpre, v->pre[i]);
                dpre = v->pre[i];
            }
        }
        /* op_conv2d_backward reads x only for the weight gradient; without one it needs x's shape,
         * which pre[i-1] has (the input was its ReLU, since overwritten). */
        const tensor *in;
        tensor *din;
        if (first_of_level(i)) {
            in = i == 0 ? x : v->pooled[level - 1];
            din = i == 0 ? v->dinput : v->dpooled[level - 1];
        } else {
            in = v->pre[i - 1];
            din = dpre == v->scratch[level][0] ? v->scratch[level][1] : v->scratch[level][0];
        }
        op_conv2d_backward(in, v->w[i], dpre, din, NULL, NULL, &v->pad1);
        dact = first_of_level(i) ? NULL : din;
    }
}

void vgg19_loss_forward_backward(vgg19_loss *v, const tensor *y_hat, const tensor *y, const tensor *dloss,
                                 tensor *loss_out, tensor *dy_hat)
{
    const tensor *images[3] = {y_hat, y, dy_hat};
    for (int k = 0; k < 3; k++)
        TENSOR_CHECK(images[k] && tensor_same_shape(images[k], v->scaled),
                     "vgg19_loss_forward_backward: image %d is not [%d,3,%d,%d]", k, v->batch, v->image_size,
                     v->image_size);
    TENSOR_CHECK(dloss && dloss->numel == 1 && loss_out && loss_out->numel == 1,
                 "vgg19_loss_forward_backward: dloss and loss_out must have one element");

    /* y first, so that y_hat's activations are the ones left in the buffers for the backward pass. */
    run_features(v, network_input(v, y), true);
    const tensor *x = network_input(v, y_hat);
    run_features(v, x, false);

    for (int c = 0; c < VGG19_CUTS; c++) op_l1_loss_forward(v->pre[cut_conv[c]], v->feat_y[c], v->cut_loss[c]);
    op_concat_forward((const tensor *const *)v->cut_loss, VGG19_CUTS, v->cut_losses, 0);
    op_mean_forward(v->cut_losses, loss_out);

    op_scale_forward(dloss, v->dcut, 1.0f / VGG19_CUTS, 0.0f);
    backward_features(v, x);
    if (v->resized) {
        op_resize_bilinear_backward(v->dinput, v->dnormalised);
        op_mul_forward(v->dnormalised, v->inv_std, dy_hat);
    } else {
        op_mul_forward(v->dinput, v->inv_std, dy_hat);
    }
}

/* ---- Bookkeeping ---------------------------------------------------------------------------------- */

/* Every tensor v owns, for freeing and for the memory report. */
static int owned_tensors(const vgg19_loss *v, tensor **list)
{
    int n = 0;
    for (int i = 0; i < VGG19_CONVS; i++) {
        list[n++] = v->w[i];
        list[n++] = v->b[i];
        list[n++] = v->pre[i];
    }
    for (int l = 0; l < VGG19_LEVELS; l++) {
        list[n++] = v->scratch[l][0];
        list[n++] = v->scratch[l][1];
        if (l + 1 < VGG19_LEVELS) {
            list[n++] = v->pooled[l];
            list[n++] = v->dpooled[l];
        }
    }
    for (int c = 0; c < VGG19_CUTS; c++) {
        list[n++] = v->feat_y[c];
        list[n++] = v->cut_loss[c];
    }
    tensor *rest[] = {v->inv_std, v->shift, v->scaled, v->normalised, v->resized, v->dinput, v->dnormalised,
                      v->cut_losses, v->dcut};
    for (size_t k = 0; k < sizeof rest / sizeof rest[0]; k++) list[n++] = rest[k];
    return n;
}

#define VGG19_MAX_OWNED (3 * VGG19_CONVS + 4 * VGG19_LEVELS + 2 * VGG19_CUTS + 9)

size_t vgg19_loss_device_bytes(const vgg19_loss *v)
{
    tensor *list[VGG19_MAX_OWNED];
    int n = owned_tensors(v, list);
    size_t bytes = 0;
    for (int k = 0; k < n; k++)
        if (list[k]) bytes += list[k]->numel * sizeof(float);
    return bytes;
}

void vgg19_loss_free(vgg19_loss *v)
{
    if (!v) return;
    tensor *list[VGG19_MAX_OWNED];
    int n = owned_tensors(v, list);
    for (int k = 0; k < n; k++)
        if (list[k]) tensor_free(list[k]);
    free(v);
}
