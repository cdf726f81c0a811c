/* Batch-wise eval-mode inference over many response vectors, with the IRF summaries of science.md 3. */
#ifndef IRFA_MODEL_RECONSTRUCT_H
#define IRFA_MODEL_RECONSTRUCT_H

#include "model/irfa_model.h"

typedef struct reconstruction {
    int n, heads, features, grid;
    float *images;       /* n x 3 x grid x grid in [0,1] */
    float *irf_spatial;  /* n x heads x grid x grid: mean over features of w (RECON_IRF) */
    float *irf_feature;  /* n x heads x features: sum over pixels of w (RECON_IRF) */
    float *attention;    /* n x heads x features x grid x grid (only when asked for) */
} reconstruction;

/* What reconstruct_all computes besides the images. Both need the attention w of every batch, which
 * the model then holds (irfa_attention_keep_w: N h c i^2 floats). */
enum { RECON_IRF = 1u << 0, RECON_ATTENTION = 1u << 1 };
/* responses: n x E in the model's input order; what: RECON_* flags (0: images only). */
void reconstruct_all(irfa_model *m, const float *responses, int n, unsigned what, reconstruction *out);
void reconstruction_free(reconstruction *r);
/* Writes reconstructions.npy, irf_spatial.npy and irf_feature.npy (when computed), attention.npy (when kept) and one PNG
 * per image (png_dir/NNNNNN.png) into dir, each atomically. Returns 0 or -1 with err. */
int reconstruction_save(const reconstruction *r, const char *dir, const char *png_dir, char *err, size_t errlen);
/* An inference model of cfg (its batch included) with the checkpoint's values; reconstructs the n
 * responses (RECON_* flags as reconstruct_all) and saves them into dir and png_dir
 * (reconstruction_save). Returns 0 or -1 with err. */
int reconstruct_checkpoint(compute_ctx *ctx, const irfa_config *cfg, const char *checkpoint, const float *responses,
                           int n, unsigned what, const char *dir, const char *png_dir, char *err, size_t errlen);
/* Reorders session columns into the model's input order: out[r][k] = in[r][order[k]]. */
float *reorder_columns(const float *in, int rows, int in_cols, const int *order, int out_cols);

#endif
