#version 450
// Softmax over a strided axis: x viewed as [outer, axis, inner]; one invocation per (outer, inner)
// column walks the axis with stride `inner`. Neighbouring invocations read neighbouring addresses,
// so the heads-axis softmax of IRFA ([N, h, c*i*i]) is coalesced. inner == 1 (short rows) also
// lands here. Online max/sum in one read, then one read + write.

layout(local_size_x_id = 0) in;
layout(constant_id = 0) const uint WG = 256;
#include "flat_grid.glsl"

layout(std430, set = 0, binding = 0) readonly buffer X { float x[]; };
layout(std430, set = 0, binding = 1) writeonly buffer Y { float y[]; };
layout(push_constant) uniform Push { uint ncols; uint axis; uint inner; } p;

void main()
{
    uint col = flat_invocation_id();
    if (col >= p.ncols) return;
    uint base = (col / p.inner) * p.axis * p.inner + col % p.inner;
    float m = x[base];
    float s = 1.0;
    for (uint k = 1u; k < p.axis; ++k) {
        float v = x[base + k * p.inner];
        if (v > m) { s = s * exp(m - v) + 1.0; m = v; }
        else s += (v == m) ? 1.0 : exp(v - m);   // equal -inf values must not give NaN
    }
    float inv = 1.0 / s;
    for (uint k = 0u; k < p.axis; ++k) {
        uint i = base + k * p.inner;
        y[i] = exp(x[i] - m) * inv;
    }
}
