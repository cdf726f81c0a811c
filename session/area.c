#include <strings.h>

#include "session/session.h"

const char *session_area_name(session_area a)
{
    switch (a) {
    case AREA_V1: return "V1";
    case AREA_V4: return "V4";
    case AREA_IT: return "IT";
    default: return "unknown";
    }
}

session_area session_area_parse(const char *s)
{
    if (!strcasecmp(s, "V1")) return AREA_V1;
    if (!strcasecmp(s, "V4")) return AREA_V4;
    if (!strcasecmp(s, "IT")) return AREA_IT;
    return AREA_UNKNOWN;
}

/* TVSD windows relative to onset: V1 0..133 ms, V4 33..166 ms, IT 66..199 ms (inclusive). */
void session_area_window(session_area a, int onset, int *first, int *last)
{
    int start = a == AREA_V4 ? 33 : a == AREA_IT ? 66 : 0;
    *first = onset + start;
    *last = onset + start + 134;
}
