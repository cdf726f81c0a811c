/* Batch-wise eval-mode inference over many response vectors, with the IRF summaries of science.md 3. */
#ifndef IRFA_MODEL_RECONSTRUCT_H
#define IRFA_MODEL_RECONSTRUCT_H

#include "model/irfa_model.h"

typedef struct reconstruction {
    int n, heads, features, grid;
    float *images;       /* n x 3 x grid x grid in [0,1] */
    float *irf_spatial;  /* n x heads x grid x grid: mean over features of w */
    float *irf_feature;  /* n x heads x features: sum over pixels of w */
    float *attention;    /* n x heads x features x grid x grid (only when asked for) */
} reconstruction;

/* responses: n x E in the model's input order. */
void reconstruct_all(irfa_model *m, const float *responses, int n, bool keep_attention, reconstruction *out);
void reconstruction_free(reconstruction *r);
/* Writes reconstructions.npy, irf_spatial.npy, irf_feature.npy, attention.npy (when kept) and one PNG
 * per image (png_dir/NNNNNN.png) into dir, each atomically. Returns 0 or -1 with err. */
int reconstruction_save(const reconstruction *r, const char *dir, const char *png_dir, char *err, size_t errlen);
/* Reorders session columns into the model's input order: out[r][k] = in[r][order[k]]. */
float *reorder_columns(const float *in, int rows, int in_cols, const int *order, int out_cols);

#endif
