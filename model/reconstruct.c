#include "model/reconstruct.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "formats/npy.h"
#include "formats/png_io.h"
#include "model/checkpoint.h"

void reconstruct_all(irfa_model *m, const float *responses, int n, unsigned what, reconstruction *out)
{
    const irfa_config *cfg = &m->cfg;
    int b = cfg->batch, h = cfg->heads, c = cfg->features, i = cfg->grid, e = irfa_config_inputs(cfg);
    size_t img = (size_t)3 * i * i, att = (size_t)h * c * i * i;
    bool need_w = (what & (RECON_IRF | RECON_ATTENTION)) != 0;
    memset(out, 0, sizeof *out);
    out->n = n;
    out->heads = h;
    out->features = c;
    out->grid = i;
    out->images = malloc(sizeof(float) * img * (size_t)n);
    if (what & RECON_IRF) {
        out->irf_spatial = malloc(sizeof(float) * (size_t)h * i * i * (size_t)n);
        out->irf_feature = malloc(sizeof(float) * (size_t)h * c * (size_t)n);
    }
    if (what & RECON_ATTENTION) out->attention = malloc(sizeof(float) * att * (size_t)n);
    float *ybuf = malloc(sizeof(float) * img * (size_t)b), *wbuf = need_w ? malloc(sizeof(float) * att * (size_t)b) : NULL;
    TENSOR_CHECK(out->images && ybuf && (!need_w || wbuf) && (!(what & RECON_IRF) || (out->irf_spatial && out->irf_feature)) &&
                 (!(what & RECON_ATTENTION) || out->attention), "out of memory for %d reconstructions", n);
    if (need_w) irfa_attention_keep_w(&m->att);
    for (int start = 0; start < n; start += b) {
        int rows = n - start < b ? n - start : b;
        irfa_model_set_batch(m, responses + (size_t)start * e, NULL, rows);
        irfa_model_infer(m, need_w);
        tensor_read(m->gen.y, ybuf);
        memcpy(out->images + (size_t)start * img, ybuf, sizeof(float) * img * (size_t)rows);
        if (!need_w) continue;
        tensor_read(m->att.w, wbuf);
        if (what & RECON_ATTENTION) memcpy(out->attention + (size_t)start * att, wbuf, sizeof(float) * att * (size_t)rows);
        if (!(what & RECON_IRF)) continue;
        for (int r = 0; r < rows; r++)
            for (int j = 0; j < h; j++) {
                float *sp = out->irf_spatial + (((size_t)(start + r) * h + j) * i * i);
                float *fe = out->irf_feature + ((size_t)(start + r) * h + j) * c;
                memset(sp, 0, sizeof(float) * (size_t)i * i);
                for (int f = 0; f < c; f++) {
                    const float *w = wbuf + (((size_t)r * h + j) * c + f) * i * i;
                    double sum = 0;
                    for (int p = 0; p < i * i; p++) { sp[p] += w[p]; sum += w[p]; }
                    fe[f] = (float)sum;
                }
                for (int p = 0; p < i * i; p++) sp[p] /= (float)c;
            }
    }
    free(ybuf);
    free(wbuf);
}

void reconstruction_free(reconstruction *r)
{
    free(r->images);
    free(r->irf_spatial);
    free(r->irf_feature);
    free(r->attention);
    memset(r, 0, sizeof *r);
}

int reconstruct_checkpoint(compute_ctx *ctx, const irfa_config *cfg, const char *checkpoint, const float *responses,
                           int n, unsigned what, const char *dir, const char *png_dir, char *err, size_t errlen)
{
    irfa_model *m = irfa_model_new(ctx, cfg, false);
    int rc = checkpoint_load(m, checkpoint, err, errlen);
    if (rc == 0) {
        reconstruction r;
        reconstruct_all(m, responses, n, what, &r);
        rc = reconstruction_save(&r, dir, png_dir, err, errlen);
        reconstruction_free(&r);
    }
    irfa_model_free(m);
    return rc;
}

float *reorder_columns(const float *in, int rows, int in_cols, const int *order, int out_cols)
{
    float *out = malloc(sizeof(float) * (size_t)rows * (size_t)out_cols + 1);
    for (int r = 0; r < rows; r++)
        for (int k = 0; k < out_cols; k++) {
            int src = order ? order[k] : k;
            TENSOR_CHECK(src >= 0 && src < in_cols, "electrode column %d outside 0..%d", src, in_cols - 1);
            out[(size_t)r * out_cols + k] = in[(size_t)r * in_cols + src];
        }
    return out;
}

int reconstruction_save(const reconstruction *r, const char *dir, const char *png_dir, char *err, size_t errlen)
{
    char path[4096];
    int64_t s_img[4] = {r->n, 3, r->grid, r->grid};
    int64_t s_sp[4] = {r->n, r->heads, r->grid, r->grid};
    int64_t s_fe[3] = {r->n, r->heads, r->features};
    int64_t s_att[5] = {r->n, r->heads, r->features, r->grid, r->grid};
    snprintf(path, sizeof path, "%s/reconstructions.npy", dir);
    if (npy_save_f32(path, r->images, 4, s_img, err, errlen)) return -1;
    if (r->irf_spatial) {
        snprintf(path, sizeof path, "%s/irf_spatial.npy", dir);
        if (npy_save_f32(path, r->irf_spatial, 4, s_sp, err, errlen)) return -1;
        snprintf(path, sizeof path, "%s/irf_feature.npy", dir);
        if (npy_save_f32(path, r->irf_feature, 3, s_fe, err, errlen)) return -1;
    }
    if (r->attention) {
        snprintf(path, sizeof path, "%s/attention.npy", dir);
        if (npy_save_f32(path, r->attention, 5, s_att, err, errlen)) return -1;
    }
    if (!png_dir) return 0;
    if (mkdir(png_dir, 0755) != 0 && errno != EEXIST) {
        snprintf(err, errlen, "%s: cannot create: %s", png_dir, strerror(errno));
        return -1;
    }
    size_t plane = (size_t)r->grid * r->grid;
    unsigned char *rgb = malloc(plane * 3);
    for (int k = 0; k < r->n; k++) {
        const float *im = r->images + (size_t)k * 3 * plane;
        for (size_t p = 0; p < plane; p++)
            for (int ch = 0; ch < 3; ch++) {
                float v = im[ch * plane + p];
                v = v < 0 ? 0 : v > 1 ? 1 : v;
                rgb[p * 3 + ch] = (unsigned char)lrintf(v * 255.0f);
            }
        snprintf(path, sizeof path, "%s/%06d.png", png_dir, k);
        if (png_write_rgb(path, rgb, r->grid, r->grid, err, errlen)) { free(rgb); return -1; }
    }
    free(rgb);
    return 0;
}
