#include "server/auth.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define AUTH_MAX_TOKENS 64
#define AUTH_TOKEN_MAX 256

struct auth_tokens {
    int n;
    auth_level level[AUTH_MAX_TOKENS];
    char token[AUTH_MAX_TOKENS][AUTH_TOKEN_MAX];
};

auth_tokens *auth_load(const char *path, char *err, size_t errlen)
{
    FILE *f = fopen(path, "re");
    if (!f) { snprintf(err, errlen, "%s: cannot read token file", path); return NULL; }
    auth_tokens *t = calloc(1, sizeof *t);
    char line[1024];
    int lineno = 0;
    while (t && fgets(line, sizeof line, f)) {
        lineno++;
        char *hash = strchr(line, '#');
        if (hash) *hash = 0;
        char role[16], tok[AUTH_TOKEN_MAX + 2], extra[4];
        int k = sscanf(line, "%15s %257s %3s", role, tok, extra);
        if (k <= 0) continue;
        auth_level lv = !strcmp(role, "write") ? AUTH_WRITE : !strcmp(role, "read") ? AUTH_READ : AUTH_NONE;
        if (k != 2 || lv == AUTH_NONE || strlen(tok) < 16 || strlen(tok) >= AUTH_TOKEN_MAX || t->n >= AUTH_MAX_TOKENS) {
            snprintf(err, errlen, "%s:%d: expected `write TOKEN` or `read TOKEN` (tokens of 16 to 255 characters, "
                                  "at most %d lines)", path, lineno, AUTH_MAX_TOKENS);
            free(t);
            t = NULL;
            break;
        }
        t->level[t->n] = lv;
        memcpy(t->token[t->n++], tok, strlen(tok) + 1);   /* length checked above */
    }
    fclose(f);
    if (t && t->n == 0) { snprintf(err, errlen, "%s: no tokens", path); free(t); t = NULL; }
    return t;
}

void auth_free(auth_tokens *t) { free(t); }

/* Compares without an early exit, so response timing does not reveal how much of a token matched. */
static int same_token(const char *a, const char *b)
{
    size_t la = strlen(a), lb = strlen(b);
    unsigned diff = (unsigned)(la ^ lb);
    for (size_t i = 0; i < AUTH_TOKEN_MAX; i++) {
        unsigned char ca = i < la ? (unsigned char)a[i] : 0, cb = i < lb ? (unsigned char)b[i] : 0;
        diff |= ca ^ cb;
    }
    return diff == 0;
}

auth_level auth_check(const auth_tokens *t, const char *authorization)
{
    if (!authorization || strncasecmp(authorization, "Bearer ", 7)) return AUTH_NONE;
    const char *tok = authorization + 7;
    while (*tok == ' ') tok++;
    if (strlen(tok) >= AUTH_TOKEN_MAX) return AUTH_NONE;
    auth_level best = AUTH_NONE;
    for (int i = 0; i < t->n; i++)
        if (same_token(tok, t->token[i]) && t->level[i] > best) best = t->level[i];
    return best;
}
