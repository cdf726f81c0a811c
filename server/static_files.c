/* The web UI's static files from --web DIR. A path reaches the filesystem only when every segment
 * is a plain name (no "..", no hidden files, no odd characters) and, once resolved, it still lies
 * inside the web folder (a symlink cannot lead out). */
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "server/server_internal.h"

static int safe_segment(const char *s, size_t n)
{
    if (n == 0 || n > 128 || s[0] == '.') return 0;
    for (size_t i = 0; i < n; i++) {
        char c = s[i];
        if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' || c == '_' ||
              c == '-'))
            return 0;
    }
    return 1;
}

enum MHD_Result static_serve(request *r)
{
    server *s = r->srv;
    if (!s->web_real[0]) return reply_error(r, 404, "not_found", "no web UI installed (start with --web DIR)");
    const char *path = r->url;
    if (path[0] != '/') return reply_error(r, 400, "bad_path", "bad path");
    char rel[1024] = "";
    if (!strcmp(path, "/")) snprintf(rel, sizeof rel, "index.html");
    else {
        size_t len = strlen(path);
        if (len >= sizeof rel) return reply_error(r, 404, "not_found", "no such file");
        const char *seg = path + 1;
        int depth = 0;
        while (*seg) {
            const char *end = strchr(seg, '/');
            size_t n = end ? (size_t)(end - seg) : strlen(seg);
            if (!safe_segment(seg, n) || ++depth > 8)
                return reply_error(r, 404, "not_found", "no such file");
            seg += n;
            if (*seg == '/') seg++;
        }
        snprintf(rel, sizeof rel, "%s", path + 1);
        if (rel[strlen(rel) - 1] == '/') return reply_error(r, 404, "not_found", "no such file");
    }
    char full[PATH_MAX + 1100], real[PATH_MAX];
    snprintf(full, sizeof full, "%s/%s", s->web_real, rel);
    size_t root_len = strlen(s->web_real);
    if (!realpath(full, real) || strncmp(real, s->web_real, root_len) || real[root_len] != '/')
        return reply_error(r, 404, "not_found", "no such file");
    int dir = open(s->web_real, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (dir < 0) return reply_error(r, 404, "not_found", "no web UI");
    enum MHD_Result res = reply_file(r, dir, real + root_len + 1, NULL, NULL);
    close(dir);
    return res;
}
