#version 450
// 2x2 max-pool backward as a gather: each input element rescans its window (same order as the
// forward) and takes dy when it is the winner, else 0. Rows/columns left over by an odd size get 0.

layout(local_size_x_id = 0) in;
layout(constant_id = 0) const uint WG = 256;
#include "flat_grid.glsl"

layout(std430, set = 0, binding = 0) readonly buffer X { float x[]; };
layout(std430, set = 0, binding = 1) readonly buffer DY { float dy[]; };
layout(std430, set = 0, binding = 2) writeonly buffer DX { float dx[]; };
layout(push_constant) uniform Push { uint n; uint in_h; uint in_w; uint out_h; uint out_w; } p;

#define MAXPOOL_X(i) x[i]
#include "maxpool2x2.glsl"

void main()
{
    uint idx = flat_invocation_id();
    if (idx >= p.n) return;
    uint w = idx % p.in_w;
    uint t = idx / p.in_w;
    uint h = t % p.in_h;
    uint plane = t / p.in_h;
    uint oh = h >> 1u, ow = w >> 1u;
    float g = 0.0;
    if (oh < p.out_h && ow < p.out_w) {
        float best;
        uint best_index;
        maxpool2x2_window(plane, oh, ow, p.in_h, p.in_w, best, best_index);
        if (best_index == idx) g = dy[(plane * p.out_h + oh) * p.out_w + ow];
    }
    dx[idx] = g;
}
