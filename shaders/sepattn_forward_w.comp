#version 450
// Separable attention forward that also writes the attention w [N][h][C][H][W] (for the IRF outputs):
// one invocation per output pixel (sepattn_mix.glsl), then a third pass over the heads. off: sa, sx, sy.

layout(local_size_x_id = 0) in;
layout(constant_id = 0) const uint WG = 256;
#include "flat_grid.glsl"

layout(std430, set = 0, binding = 0) readonly buffer Work { float work[]; };
layout(std430, set = 0, binding = 1) readonly buffer VA { float va[]; };
layout(std430, set = 0, binding = 2) readonly buffer VX { float vx[]; };
layout(std430, set = 0, binding = 3) readonly buffer VY { float vy[]; };
layout(std430, set = 0, binding = 4) writeonly buffer T { float t[]; };
layout(std430, set = 0, binding = 5) writeonly buffer Wt { float w[]; };
#include "sepattn.glsl"
#include "sepattn_mix.glsl"

void main()
{
    uint i = flat_invocation_id();
    uint plane = p.H * p.W;
    if (i >= p.n * p.c * plane) return;
    uint x = i % p.W, y = (i / p.W) % p.H, o = (i / plane) % p.c, n = i / (plane * p.c);
    float mx, inv, tv;
    sepattn_mix(p.off[0], p.off[1], p.off[2], n, o, y, x, mx, inv, tv);
    t[i] = tv;
    for (uint j = 0u; j < p.heads; ++j) {
        uint m = n * p.heads + j;
        w[(m * p.c + o) * plane + y * p.W + x] = exp(sepattn_score(p.off[0], p.off[1], p.off[2], m, j, o, y, x) - mx) * inv;
    }
}
