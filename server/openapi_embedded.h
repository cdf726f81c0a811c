/* server/openapi.json, embedded at build time by cmake/server.cmake. */
#ifndef IRFA_OPENAPI_EMBEDDED_H
#define IRFA_OPENAPI_EMBEDDED_H

#include <stddef.h>

extern const char irfa_openapi_json[];
extern const size_t irfa_openapi_json_len;

#endif
