#version 450
// d mean|pred - target| / d pred = sign(pred - target) * dloss / n (sign(0) = 0 as in PyTorch).
// dloss is read from its 1-element tensor so a captured step can be replayed with a new loss weight.

layout(local_size_x_id = 0) in;
layout(constant_id = 0) const uint WG = 256;
#include "flat_grid.glsl"

layout(std430, set = 0, binding = 0) readonly buffer Pred { float pred[]; };
layout(std430, set = 0, binding = 1) readonly buffer Target { float target[]; };
layout(std430, set = 0, binding = 2) readonly buffer DLoss { float dloss[]; };
layout(std430, set = 0, binding = 3) writeonly buffer DPred { float dpred[]; };
layout(push_constant) uniform Push { uint n; float inv_n; } p;

void main()
{
    uint i = flat_invocation_id();
    if (i >= p.n) return;
    dpred[i] = sign(pred[i] - target[i]) * (dloss[0] * p.inv_n);
}
