/* Procedural naturalistic stimuli for the virtual macaque: a dead-leaves model. Occluding
 * ellipses and rectangles with sizes drawn from p(r) ~ r^-3 (scale invariant, which gives the 1/f
 * amplitude spectrum of natural images), uniform-ish colours, and half of them textured with a
 * grating or a checker pattern. */
#ifndef IRFA_SIM_IMAGES_H
#define IRFA_SIM_IMAGES_H
#include <stdint.h>

/* Writes one 3 x size x size RGB image in [0,1]; deterministic in (seed, index). */
void sim_dead_leaves(uint64_t seed, int index, int size, float *out);

#endif
