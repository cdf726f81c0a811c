/* Optional bearer tokens (--token-file). Each non-empty line of the file is `write TOKEN` or
 * `read TOKEN` ('#' starts a comment). With tokens configured, every write needs a write token
 * and every read of /api/v1 a read or write token; /healthz, /metrics, the OpenAPI document and
 * the web UI's static files stay public. */
#ifndef IRFA_AUTH_H
#define IRFA_AUTH_H

#include <stddef.h>

typedef struct auth_tokens auth_tokens;

typedef enum { AUTH_NONE = 0, AUTH_READ = 1, AUTH_WRITE = 2 } auth_level;

/* Returns NULL with err on a missing/unreadable/malformed file or one without any token. */
auth_tokens *auth_load(const char *path, char *err, size_t errlen);
void auth_free(auth_tokens *t);
/* Level granted by an Authorization header value ("Bearer TOKEN"); AUTH_NONE when absent/unknown. */
auth_level auth_check(const auth_tokens *t, const char *authorization);

#endif
