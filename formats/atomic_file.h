/* Durable whole-file writes: write to a temporary name in the same folder, fsync, rename, fsync
 * the folder. A crash leaves either the old file or the new one, never a half-written one. */
#ifndef IRFA_ATOMIC_FILE_H
#define IRFA_ATOMIC_FILE_H
#include <stddef.h>
int atomic_write_file(const char *path, const void *data, size_t len, char *err, size_t errlen);
/* Read a whole file into memory (caller frees). Refuses files larger than max_bytes. */
int read_whole_file(const char *path, size_t max_bytes, unsigned char **out, size_t *len,
                    char *err, size_t errlen);
#endif
