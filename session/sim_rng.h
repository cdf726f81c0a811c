/* Deterministic random numbers for the simulator: every draw derives from --seed, and streams are
 * split per purpose and per image so that results do not depend on evaluation order. */
#ifndef IRFA_SIM_RNG_H
#define IRFA_SIM_RNG_H
#include <stdint.h>

typedef struct sim_rng { uint64_t s[4]; } sim_rng;

/* A stream for (seed, purpose, index); purposes are small constants chosen by the callers. */
void sim_rng_seed(sim_rng *r, uint64_t seed, uint64_t purpose, uint64_t index);
uint64_t sim_rng_next(sim_rng *r);
double sim_rng_uniform(sim_rng *r);              /* [0, 1) */
double sim_rng_range(sim_rng *r, double lo, double hi);
double sim_rng_normal(sim_rng *r);               /* N(0, 1) */

#endif
