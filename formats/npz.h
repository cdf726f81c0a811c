/* NPZ archives (numpy.savez): a ZIP of .npy members. Only stored (uncompressed) members are read;
 * np.savez_compressed archives are refused with a message saying so. */
#ifndef IRFA_NPZ_H
#define IRFA_NPZ_H
#include <stddef.h>

#include "formats/npy.h"

/* Loads member `name` (without the .npy suffix) as float32, rejecting NaN/Inf. Returns 0, -1 on
 * error, or 1 when the archive has no such member (err then lists nothing). */
int npz_load_f32(const char *path, const char *name, npy_array *out, char *err, size_t errlen);
/* Same for any dtype (no conversion). */
int npz_load(const char *path, const char *name, npy_array *out, char *err, size_t errlen);

#endif
