/* Folder helpers for writing sessions. */
#ifndef IRFA_FS_UTIL_H
#define IRFA_FS_UTIL_H
#include <stddef.h>

/* Creates dir and its parents (mode 0755). */
int fs_mkdir_p(const char *dir, char *err, size_t errlen);
/* Removes a folder tree (no symlink following). */
int fs_remove_tree(const char *path);
int fs_exists(const char *path);
int fs_is_dir(const char *path);
/* fsync a folder so that renames inside it are durable. */
void fs_sync_dir(const char *dir);
/* Sorted names of regular files in dir whose names end with one of the suffixes (case-insensitive,
 * NULL-terminated list). Caller frees with fs_free_names. */
int fs_list_files(const char *dir, const char *const *suffixes, char ***names, size_t *n, char *err, size_t errlen);
void fs_free_names(char **names, size_t n);

#endif
