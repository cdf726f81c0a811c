#include "db/job_options.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

static const char *const worker_owned[] = {"out", "session", "checkpoint", "reconstructions", "device", "help"};

int job_option_name_ok(const char *name)
{
    size_t n = name ? strlen(name) : 0;
    if (n == 0 || n > 32 || name[0] < 'a' || name[0] > 'z') return 0;
    for (size_t i = 1; i < n; i++) {
        char c = name[i];
        if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-')) return 0;
    }
    return 1;
}

static int string_value_ok(const char *s)
{
    size_t n = strlen(s);
    /* A leading '-' would read as another option; ".." could climb out of the job's folder. */
    if (n == 0 || n > 64 || s[0] == '-' || strstr(s, "..")) return 0;
    for (size_t i = 0; i < n; i++) {
        char c = s[i];
        if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || strchr("._:+", c)))
            return 0;
    }
    return 1;
}

int job_option_value_text(const cJSON *v, char *out, size_t outlen)
{
    if (cJSON_IsFalse(v)) return 1;
    if (cJSON_IsTrue(v)) { out[0] = 0; return 0; }
    if (cJSON_IsNumber(v)) {
        if (!isfinite(v->valuedouble)) return -1;
        if (v->valuedouble == floor(v->valuedouble) && fabs(v->valuedouble) < 1e15)
            snprintf(out, outlen, "%.0f", v->valuedouble);
        else
            snprintf(out, outlen, "%.9g", v->valuedouble);
        return 0;
    }
    if (cJSON_IsString(v) && string_value_ok(v->valuestring)) { snprintf(out, outlen, "%s", v->valuestring); return 0; }
    return -1;
}

int job_options_check(const cJSON *options, char *err, size_t errlen)
{
    if (!options || cJSON_IsNull(options)) return 0;
    if (!cJSON_IsObject(options)) { snprintf(err, errlen, "options must be an object"); return -1; }
    int n = 0;
    for (const cJSON *it = options->child; it; it = it->next) {
        if (++n > JOB_OPTION_MAX) { snprintf(err, errlen, "too many options (at most %d)", JOB_OPTION_MAX); return -1; }
        if (!job_option_name_ok(it->string)) {
            snprintf(err, errlen, "option name '%.40s' must match [a-z][a-z0-9-]{0,31}", it->string ? it->string : "");
            return -1;
        }
        for (size_t i = 0; i < sizeof worker_owned / sizeof worker_owned[0]; i++)
            if (!strcmp(it->string, worker_owned[i])) {
                snprintf(err, errlen, "option '%s' is set by the service, not by the request", it->string);
                return -1;
            }
        char text[80];
        if (job_option_value_text(it, text, sizeof text) < 0) {
            snprintf(err, errlen, "option '%s' must be a finite number, a boolean or a string of [A-Za-z0-9._:+-] "
                                  "(1-64 characters, not starting with '-')", it->string);
            return -1;
        }
    }
    return 0;
}

int job_file_name_ok(const char *name)
{
    size_t n = name ? strlen(name) : 0;
    if (n == 0 || n > 128) return 0;
    for (size_t i = 0; i < n; i++) {
        char c = name[i];
        int ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' ||
                 (i > 0 && (c == '.' || c == '-'));
        if (!ok) return 0;
    }
    return 1;
}
