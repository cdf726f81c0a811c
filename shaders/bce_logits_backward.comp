#version 450
// d mean(bce_with_logits(x, t)) / dx = (sigmoid(x) - t) * dloss / n, dloss read from its tensor.

layout(local_size_x_id = 0) in;
layout(constant_id = 0) const uint WG = 256;
#include "flat_grid.glsl"

layout(std430, set = 0, binding = 0) readonly buffer Logits { float logits[]; };
layout(std430, set = 0, binding = 1) readonly buffer Target { float target[]; };
layout(std430, set = 0, binding = 2) readonly buffer DLoss { float dloss[]; };
layout(std430, set = 0, binding = 3) writeonly buffer DLogits { float dlogits[]; };
layout(push_constant) uniform Push { uint n; float inv_n; } p;

void main()
{
    uint i = flat_invocation_id();
    if (i >= p.n) return;
    float s = 1.0 / (1.0 + exp(-logits[i]));
    dlogits[i] = (s - target[i]) * (dloss[0] * p.inv_n);
}
