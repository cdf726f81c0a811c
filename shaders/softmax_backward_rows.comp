#version 450
// Softmax backward over a long contiguous axis: one workgroup per row,
// dx = y * (dy - sum(y * dy)) with the dot product reduced in shared memory.

layout(local_size_x_id = 0) in;
layout(constant_id = 0) const uint WG = 256;
#include "flat_grid.glsl"
#include "reduce.glsl"

layout(std430, set = 0, binding = 0) readonly buffer Y { float y[]; };
layout(std430, set = 0, binding = 1) readonly buffer DY { float dy[]; };
layout(std430, set = 0, binding = 2) writeonly buffer DX { float dx[]; };
layout(push_constant) uniform Push { uint nrows; uint axis; } p;

void main()
{
    uint row = flat_workgroup_id();
    if (row >= p.nrows) return;
    uint base = row * p.axis;
    float s = 0.0, c = 0.0;
    for (uint k = gl_LocalInvocationID.x; k < p.axis; k += WG)
        kahan_add(s, c, y[base + k] * dy[base + k]);
    float dot = workgroup_sum(s - c);
    for (uint k = gl_LocalInvocationID.x; k < p.axis; k += WG)
        dx[base + k] = y[base + k] * (dy[base + k] - dot);
}
