/* NPZ archives (numpy.savez / numpy.savez_compressed): a ZIP of .npy members, stored or deflated.
 * Archives are untrusted: a deflated member must inflate to exactly the size its headers declare
 * (at most 4 GiB, and no more than deflate's 1032:1 ratio allows), and every member's CRC-32 is
 * checked. */
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
