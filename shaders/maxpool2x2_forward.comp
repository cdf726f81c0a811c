#version 450
// 2x2 max-pool with stride 2 (floor mode): x[NC, H, W] -> y[NC, H/2, W/2], one invocation per output.

layout(local_size_x_id = 0) in;
layout(constant_id = 0) const uint WG = 256;
#include "flat_grid.glsl"

layout(std430, set = 0, binding = 0) readonly buffer X { float x[]; };
layout(std430, set = 0, binding = 1) writeonly buffer Y { float y[]; };
layout(push_constant) uniform Push { uint n; uint in_h; uint in_w; uint out_h; uint out_w; } p;

#define MAXPOOL_X(i) x[i]
#include "maxpool2x2.glsl"

void main()
{
    uint idx = flat_invocation_id();
    if (idx >= p.n) return;
    uint ow = idx % p.out_w;
    uint t = idx / p.out_w;
    uint oh = t % p.out_h;
    uint plane = t / p.out_h;
    float best;
    uint best_index;
    maxpool2x2_window(plane, oh, ow, p.in_h, p.in_w, best, best_index);
    y[idx] = best;
}
