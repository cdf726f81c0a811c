#version 450
// Concat forward for two inputs per dispatch: y[o, off + j, i] = j < len0 ? x0[o, j, i]
// : x1[o, j - len0, i], tensors viewed as [outer, len, inner] around the axis. One gather per
// element of the pair's range of y, so n inputs take ceil(n/2) dispatches.

layout(local_size_x_id = 0) in;
layout(constant_id = 0) const uint WG = 256;
#include "flat_grid.glsl"

layout(std430, set = 0, binding = 0) readonly buffer X0 { float x0[]; };
layout(std430, set = 0, binding = 1) readonly buffer X1 { float x1[]; };
layout(std430, set = 0, binding = 2) writeonly buffer Y { float y[]; };
layout(push_constant) uniform Push { uint n; uint inner; uint y_len; uint off; uint len0; uint len1; } p;

void main()
{
    uint idx = flat_invocation_id();
    if (idx >= p.n) return;
    uint pair_len = p.len0 + p.len1;
    uint i = idx % p.inner;
    uint t = idx / p.inner;
    uint j = t % pair_len;
    uint o = t / pair_len;
    float v = (j < p.len0) ? x0[(o * p.len0 + j) * p.inner + i]
                           : x1[(o * p.len1 + (j - p.len0)) * p.inner + i];
    y[(o * p.y_len + p.off + j) * p.inner + i] = v;
}
