#version 450
// Gradient of a sum over an axis: dx[o, k, i] = alpha * dy[o, i] with dx viewed as [outer, axis, inner].
// The mean backward is the case outer = inner = 1, dy = dloss[1], alpha = 1/n.

layout(local_size_x_id = 0) in;
layout(constant_id = 0) const uint WG = 256;
#include "flat_grid.glsl"

layout(std430, set = 0, binding = 0) readonly buffer DY { float dy[]; };
layout(std430, set = 0, binding = 1) writeonly buffer DX { float dx[]; };
layout(push_constant) uniform Push { uint n; uint axis; uint inner; float alpha; } p;

void main()
{
    uint idx = flat_invocation_id();
    if (idx >= p.n) return;
    uint i = idx % p.inner;
    uint o = idx / (p.inner * p.axis);
    dx[idx] = p.alpha * dy[o * p.inner + i];
}
