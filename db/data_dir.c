#include "db/data_dir.h"

#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "db/db.h"

static const char *const subdirs[] = {"sessions", "uploads", "jobs", "models", "logs", "tmp", "trash"};

int data_path(char *out, size_t outlen, const char *root, const char *fmt, ...)
{
    int n = snprintf(out, outlen, "%s/", root);
    if (n < 0 || (size_t)n >= outlen) return -1;
    va_list ap;
    va_start(ap, fmt);
    int m = vsnprintf(out + n, outlen - (size_t)n, fmt, ap);
    va_end(ap);
    return m < 0 || (size_t)m >= outlen - (size_t)n ? -1 : 0;
}

int data_dir_prepare(const char *root, char *err, size_t errlen)
{
    if (mkdir(root, 0755) && errno != EEXIST) {
        snprintf(err, errlen, "%s: cannot create data directory: %s", root, strerror(errno));
        return -1;
    }
    for (size_t i = 0; i < sizeof subdirs / sizeof subdirs[0]; i++) {
        char p[DATA_PATH_MAX];
        if (data_path(p, sizeof p, root, "%s", subdirs[i])) { snprintf(err, errlen, "%s: path too long", root); return -1; }
        if (mkdir(p, 0755) && errno != EEXIST) {
            snprintf(err, errlen, "%s: cannot create: %s", p, strerror(errno));
            return -1;
        }
    }
    return 0;
}

static int remove_entry(const char *path, const struct stat *sb, int type, struct FTW *ftw)
{
    (void)sb; (void)ftw;
    int rc = (type == FTW_DP) ? rmdir(path) : unlink(path);
    return rc && errno != ENOENT ? -1 : 0;
}

static int remove_recursive(const char *path)
{
    return nftw(path, remove_entry, 16, FTW_DEPTH | FTW_PHYS) && errno != ENOENT ? -1 : 0;
}

int data_remove_tree(const char *root, const char *path, char *err, size_t errlen)
{
    char id[20], dst[DATA_PATH_MAX];
    db_new_id('t', id);
    if (data_path(dst, sizeof dst, root, "trash/%s", id)) { snprintf(err, errlen, "path too long"); return -1; }
    /* The rename makes the deletion atomic for readers: the folder is there whole or gone. */
    if (rename(path, dst)) {
        if (errno == ENOENT) return 0;
        snprintf(err, errlen, "%s: cannot move to trash: %s", path, strerror(errno));
        return -1;
    }
    if (remove_recursive(dst)) { snprintf(err, errlen, "%s: cannot remove: %s", dst, strerror(errno)); return -1; }
    return 0;
}

void data_empty_trash(const char *root)
{
    char p[DATA_PATH_MAX];
    if (data_path(p, sizeof p, root, "trash")) return;
    remove_recursive(p);
    mkdir(p, 0755);
}

int data_fsync_dir(const char *path)
{
    int fd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd < 0) return -1;
    int rc = fsync(fd);
    close(fd);
    return rc;
}
