/* Structural check of an uploaded .safetensors checkpoint before it is accepted: 8-byte
 * little-endian header length, a JSON header of tensors {dtype, shape, data_offsets} whose byte
 * ranges fit the file and match dtype x shape. The model code does the full load later. */
#ifndef IRFA_SAFETENSORS_CHECK_H
#define IRFA_SAFETENSORS_CHECK_H

#include <stddef.h>

/* Returns the number of tensors (>= 1), or -1 with err. */
int safetensors_check_file(const char *path, char *err, size_t errlen);

#endif
