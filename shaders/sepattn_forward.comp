#version 450
// Separable attention forward: t [N][C][H][W] = sum over heads of softmax(S) V, one invocation per
// output pixel (sepattn_mix.glsl). off: sa, sx, sy.

layout(local_size_x_id = 0) in;
layout(constant_id = 0) const uint WG = 256;
#include "flat_grid.glsl"

layout(std430, set = 0, binding = 0) readonly buffer Work { float work[]; };
layout(std430, set = 0, binding = 1) readonly buffer VA { float va[]; };
layout(std430, set = 0, binding = 2) readonly buffer VX { float vx[]; };
layout(std430, set = 0, binding = 3) readonly buffer VY { float vy[]; };
layout(std430, set = 0, binding = 4) writeonly buffer T { float t[]; };
#include "sepattn.glsl"
#include "sepattn_mix.glsl"

void main()
{
    uint i = flat_invocation_id();
    if (i >= p.n * p.c * p.H * p.W) return;
    uint x = i % p.W, y = (i / p.W) % p.H, o = (i / (p.W * p.H)) % p.c, n = i / (p.W * p.H * p.c);
    float mx, inv, tv;
    sepattn_mix(p.off[0], p.off[1], p.off[2], n, o, y, x, mx, inv, tv);
    t[i] = tv;
}
