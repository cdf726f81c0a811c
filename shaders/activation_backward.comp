#version 450
// dx = act'(.) * dy elementwise. ReLU/LeakyReLU read the forward input x, Sigmoid its output y.

layout(local_size_x_id = 0) in;
layout(constant_id = 0) const uint WG = 256;
#include "flat_grid.glsl"
layout(constant_id = 1) const uint KIND = 0;   // 0 relu, 1 leaky relu, 2 sigmoid

layout(std430, set = 0, binding = 0) readonly buffer Saved { float saved[]; };
layout(std430, set = 0, binding = 1) readonly buffer DY { float dy[]; };
layout(std430, set = 0, binding = 2) writeonly buffer DX { float dx[]; };
layout(push_constant) uniform Push { uint n; float slope; } p;

void main()
{
    uint i = flat_invocation_id();
    if (i >= p.n) return;
    float s = saved[i];
    float g = dy[i];
    float r;
    if (KIND == 0u) r = (s > 0.0) ? g : 0.0;             // PyTorch threshold_backward: x <= 0 -> 0
    else if (KIND == 1u) r = (s > 0.0) ? g : g * p.slope;
    else r = g * s * (1.0 - s);
    dx[i] = r;
}
