/* Accurate and vectorisable float sums: 16 float lanes each add at most 64 values before being
 * folded into a double, so the inner loop runs in SIMD registers (no reassociation needed) while
 * the rounding error stays that of short float sums. */
#include "compute/cpu/cpu_internal.h"

#define LANES 16
#define BLOCK (LANES * 64)

double cpu_sum(const float *p, size_t n)
{
    double total = 0.0;
    size_t i = 0;
    while (i + LANES <= n) {
        float acc[LANES] = { 0 };
        size_t end = i + BLOCK < n ? i + BLOCK : n;
        for (; i + LANES <= end; i += LANES)
            for (int l = 0; l < LANES; l++) acc[l] += p[i + l];
        for (int l = 0; l < LANES; l++) total += acc[l];
    }
    for (; i < n; i++) total += p[i];
    return total;
}

double cpu_dot(const float *a, const float *b, size_t n)
{
    double total = 0.0;
    size_t i = 0;
    while (i + LANES <= n) {
        float acc[LANES] = { 0 };
        size_t end = i + BLOCK < n ? i + BLOCK : n;
        for (; i + LANES <= end; i += LANES)
            for (int l = 0; l < LANES; l++) acc[l] += a[i + l] * b[i + l];
        for (int l = 0; l < LANES; l++) total += acc[l];
    }
    for (; i < n; i++) total += (double)a[i] * b[i];
    return total;
}

double cpu_sum_sq_centered(const float *p, size_t n, float center)
{
    double total = 0.0;
    size_t i = 0;
    while (i + LANES <= n) {
        float acc[LANES] = { 0 };
        size_t end = i + BLOCK < n ? i + BLOCK : n;
        for (; i + LANES <= end; i += LANES)
            for (int l = 0; l < LANES; l++) {
                float d = p[i + l] - center;
                acc[l] += d * d;
            }
        for (int l = 0; l < LANES; l++) total += acc[l];
    }
    for (; i < n; i++) {
        double d = (double)p[i] - center;
        total += d * d;
    }
    return total;
}

double cpu_dot_centered(const float *a, const float *b, size_t n, float center)
{
    double total = 0.0;
    size_t i = 0;
    while (i + LANES <= n) {
        float acc[LANES] = { 0 };
        size_t end = i + BLOCK < n ? i + BLOCK : n;
        for (; i + LANES <= end; i += LANES)
            for (int l = 0; l < LANES; l++) acc[l] += a[i + l] * (b[i + l] - center);
        for (int l = 0; l < LANES; l++) total += acc[l];
    }
    for (; i < n; i++) total += (double)a[i] * ((double)b[i] - center);
    return total;
}
