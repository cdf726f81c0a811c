#version 450
// Softmax backward over a strided axis (see softmax_forward_columns.comp):
// dx = y * (dy - sum_axis(y * dy)), one invocation per (outer, inner) column.

layout(local_size_x_id = 0) in;
layout(constant_id = 0) const uint WG = 256;
#include "flat_grid.glsl"

layout(std430, set = 0, binding = 0) readonly buffer Y { float y[]; };
layout(std430, set = 0, binding = 1) readonly buffer DY { float dy[]; };
layout(std430, set = 0, binding = 2) writeonly buffer DX { float dx[]; };
layout(push_constant) uniform Push { uint ncols; uint axis; uint inner; } p;

void main()
{
    uint col = flat_invocation_id();
    if (col >= p.ncols) return;
    uint base = (col / p.inner) * p.axis * p.inner + col % p.inner;
    float dot = 0.0;
    for (uint k = 0u; k < p.axis; ++k) {
        uint i = base + k * p.inner;
        dot += y[i] * dy[i];
    }
    for (uint k = 0u; k < p.axis; ++k) {
        uint i = base + k * p.inner;
        dx[i] = y[i] * (dy[i] - dot);
    }
}
