#version 450
// Separable attention backward, step 1: per output pixel the softmax max, 1/sum and the mixed value t
// (sepattn_mix.glsl), into the workspace as three planes of N*C*H*W. off: sa, sx, sy, stats.

layout(local_size_x_id = 0) in;
layout(constant_id = 0) const uint WG = 256;
#include "flat_grid.glsl"

layout(std430, set = 0, binding = 0) buffer Work { float work[]; };
layout(std430, set = 0, binding = 1) readonly buffer VA { float va[]; };
layout(std430, set = 0, binding = 2) readonly buffer VX { float vx[]; };
layout(std430, set = 0, binding = 3) readonly buffer VY { float vy[]; };
#include "sepattn.glsl"
#include "sepattn_mix.glsl"

void main()
{
    uint i = flat_invocation_id();
    uint total = p.n * p.c * p.H * p.W;
    if (i >= total) return;
    uint x = i % p.W, y = (i / p.W) % p.H, o = (i / (p.W * p.H)) % p.c, n = i / (p.W * p.H * p.c);
    float mx, inv, tv;
    sepattn_mix(p.off[0], p.off[1], p.off[2], n, o, y, x, mx, inv, tv);
    work[p.off[3] + i] = mx;
    work[p.off[3] + total + i] = inv;
    work[p.off[3] + 2u * total + i] = tv;
}
