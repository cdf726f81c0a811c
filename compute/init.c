/* Parameter initialisation: a PCG32 generator on the host, values written with tensor_write so
 * both backends get identical parameters from the same seed. */
#include <math.h>
#include <stdlib.h>

#include "compute/ops.h"

#define PCG_MULT 6364136223846793005ULL
#define PCG_STREAM 1442695040888963407ULL   /* fixed stream: the seed alone selects the sequence */

void rng_seed(irfa_rng *r, uint64_t seed)
{
    /* PCG32's reference seeding (pcg32_srandom_r). */
    r->state = 0;
    r->inc = (PCG_STREAM << 1) | 1u;
    rng_u32(r);
    r->state += seed;
    rng_u32(r);
}

uint32_t rng_u32(irfa_rng *r)
{
    uint64_t old = r->state;
    r->state = old * PCG_MULT + r->inc;
    uint32_t xorshifted = (uint32_t)(((old >> 18) ^ old) >> 27);
    uint32_t rot = (uint32_t)(old >> 59);
    return (xorshifted >> rot) | (xorshifted << ((-rot) & 31));
}

float rng_uniform(irfa_rng *r)
{
    return (float)(rng_u32(r) >> 8) * (1.0f / 16777216.0f);   /* 24 bits: exactly representable */
}

/* Box-Muller: two uniforms -> one or two N(0,1) values. u1 is taken from (0,1] so log() is finite. */
static void normal_pair(irfa_rng *r, double *z0, double *z1)
{
    double u1 = 1.0 - (double)rng_uniform(r);
    double u2 = (double)rng_uniform(r);
    double radius = sqrt(-2.0 * log(u1));
    double angle = 2.0 * 3.14159265358979323846 * u2;
    *z0 = radius * cos(angle);
    *z1 = radius * sin(angle);
}

float rng_normal(irfa_rng *r)
{
    double z0, z1;
    normal_pair(r, &z0, &z1);
    return (float)z0;
}

static float *host_buffer(const tensor *t)
{
    float *buf = malloc((t->numel ? t->numel : 1) * sizeof(float));
    TENSOR_CHECK(buf != NULL, "out of memory initialising %zu parameters", t->numel);
    return buf;
}

void init_normal(tensor *t, irfa_rng *r, float mean, float std)
{
    float *buf = host_buffer(t);
    for (size_t i = 0; i < t->numel; i += 2) {
        double z0, z1;
        normal_pair(r, &z0, &z1);
        buf[i] = (float)(mean + std * z0);
        if (i + 1 < t->numel) buf[i + 1] = (float)(mean + std * z1);
    }
    tensor_write(t, buf);
    free(buf);
}

void init_uniform(tensor *t, irfa_rng *r, float lo, float hi)
{
    TENSOR_CHECK(lo <= hi, "init_uniform: lo %g > hi %g", (double)lo, (double)hi);
    float *buf = host_buffer(t);
    for (size_t i = 0; i < t->numel; i++) buf[i] = lo + (hi - lo) * rng_uniform(r);
    tensor_write(t, buf);
    free(buf);
}

/* PyTorch's _calculate_fan_in_and_fan_out: needs at least 2 dims. */
static void fans(const tensor *t, double *fan_in, double *fan_out)
{
    TENSOR_CHECK(t->ndim >= 2, "fan in/out of a %d-d tensor (PyTorch needs at least 2 dims)", t->ndim);
    double receptive = 1.0;
    for (int i = 2; i < t->ndim; i++) receptive *= t->shape[i];
    *fan_in = t->shape[1] * receptive;
    *fan_out = t->shape[0] * receptive;
}

void init_kaiming_normal_fan_out(tensor *t, irfa_rng *r)
{
    double fan_in, fan_out;
    fans(t, &fan_in, &fan_out);
    init_normal(t, r, 0.0f, (float)(sqrt(2.0) / sqrt(fan_out)));
}

void init_xavier_normal(tensor *t, irfa_rng *r)
{
    double fan_in, fan_out;
    fans(t, &fan_in, &fan_out);
    init_normal(t, r, 0.0f, (float)sqrt(2.0 / (fan_in + fan_out)));
}
