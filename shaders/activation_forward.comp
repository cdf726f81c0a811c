#version 450
// y = act(x) elementwise for ReLU, LeakyReLU and Sigmoid (one invocation per element).

layout(local_size_x_id = 0) in;
layout(constant_id = 0) const uint WG = 256;
#include "flat_grid.glsl"
layout(constant_id = 1) const uint KIND = 0;   // 0 relu, 1 leaky relu, 2 sigmoid

layout(std430, set = 0, binding = 0) readonly buffer X { float x[]; };
layout(std430, set = 0, binding = 1) writeonly buffer Y { float y[]; };
layout(push_constant) uniform Push { uint n; float slope; } p;

void main()
{
    uint i = flat_invocation_id();
    if (i >= p.n) return;
    float v = x[i];
    float r;
    if (KIND == 0u) r = (v < 0.0) ? 0.0 : v;            // NaN passes through, as in PyTorch
    else if (KIND == 1u) r = (v < 0.0) ? v * p.slope : v;
    else r = 1.0 / (1.0 + exp(-v));
    y[i] = r;
}
