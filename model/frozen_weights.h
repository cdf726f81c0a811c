/* Weights of a frozen torchvision network (VGG19's features, AlexNet) read from a safetensors file.
 * Each tensor is checked before it is used (present, exactly the expected shape, a float dtype, finite
 * values), and the first problem is named together with the file. */
#ifndef IRFA_MODEL_FROZEN_WEIGHTS_H
#define IRFA_MODEL_FROZEN_WEIGHTS_H

#include <stddef.h>
#include <stdint.h>

#include "formats/safetensors.h"

/* Reads tensor `name` of f (loaded from `path`) into a new malloc'd float array *dst (the caller frees
 * it, also after a failure). `network` ("VGG19", "AlexNet") goes into the messages. F32, F64, F16 and
 * BF16 are accepted. Returns 0, or -1 with err filled. */
int frozen_read_tensor(const st_file *f, const char *path, const char *network, const char *name, int ndim,
                       const int64_t *shape, float **dst, char *err, size_t errlen);

#endif
