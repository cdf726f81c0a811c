#version 450
// y = alpha * x + beta elementwise (scale forward; with beta = 0 also scale backward and copies).

layout(local_size_x_id = 0) in;
layout(constant_id = 0) const uint WG = 256;
#include "flat_grid.glsl"

layout(std430, set = 0, binding = 0) readonly buffer X { float x[]; };
layout(std430, set = 0, binding = 1) writeonly buffer Y { float y[]; };
layout(push_constant) uniform Push { uint n; float alpha; float beta; } p;

void main()
{
    uint i = flat_invocation_id();
    if (i >= p.n) return;
    y[i] = p.alpha * x[i] + p.beta;
}
