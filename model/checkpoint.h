/* IRFA checkpoints as safetensors: the public PyTorch code's three state_dicts with the prefixes
 * irfa., generator., discriminator. (names and shapes in shared/docs/checkpoint-tensors.txt), plus
 * the configuration in the metadata ("irfa_config": JSON with arrays, electrodes per array, c, grid,
 * k and the electrode order). A file saved by safetensors.torch.save_file without our metadata loads
 * too: the configuration is then read off the tensor shapes. */
#ifndef IRFA_MODEL_CHECKPOINT_H
#define IRFA_MODEL_CHECKPOINT_H

#include "model/irfa_model.h"

typedef struct checkpoint_info {
    irfa_config cfg;
    int *electrode_order;     /* session electrode index of each input column, or NULL (identity) */
    int n_electrode_order;
    char *extra_json;         /* other metadata (training provenance), or NULL */
} checkpoint_info;

/* Reads only the configuration (from metadata or shapes). */
int checkpoint_read_info(const char *path, checkpoint_info *info, char *err, size_t errlen);
void checkpoint_info_free(checkpoint_info *info);

int checkpoint_save(const irfa_model *m, const char *path, const int *electrode_order, int n_order,
                    const char *extra_json, char *err, size_t errlen);
/* Loads values into m; every tensor name and shape must match (the first mismatch is named). */
int checkpoint_load(irfa_model *m, const char *path, char *err, size_t errlen);

/* Training state for --resume: Adam moments of every parameter, optimiser step counts, epoch and the
 * random generator, in a second safetensors file next to the checkpoint. */
typedef struct train_progress { int64_t epoch, batches; } train_progress;
int optimizer_save(const irfa_model *m, const train_progress *p, const char *path, char *err, size_t errlen);
int optimizer_load(irfa_model *m, train_progress *p, const char *path, char *err, size_t errlen);

#endif
