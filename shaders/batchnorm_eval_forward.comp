#version 450
// BatchNorm eval forward with the running statistics, one invocation per element; the first C
// invocations also write save_mean = running_mean and save_invstd = 1/sqrt(running_var + eps).

layout(local_size_x_id = 0) in;
layout(constant_id = 0) const uint WG = 256;
#include "flat_grid.glsl"

layout(std430, set = 0, binding = 0) readonly buffer X { float x[]; };
layout(std430, set = 0, binding = 1) readonly buffer Gamma { float gamma[]; };
layout(std430, set = 0, binding = 2) readonly buffer Beta { float beta[]; };
layout(std430, set = 0, binding = 3) readonly buffer RunningMean { float running_mean[]; };
layout(std430, set = 0, binding = 4) readonly buffer RunningVar { float running_var[]; };
layout(std430, set = 0, binding = 5) writeonly buffer Y { float y[]; };
layout(std430, set = 0, binding = 6) writeonly buffer SaveMean { float save_mean[]; };
layout(std430, set = 0, binding = 7) writeonly buffer SaveInvstd { float save_invstd[]; };
layout(push_constant) uniform Push { uint n; uint channels; uint spatial; float eps; } p;

void main()
{
    uint i = flat_invocation_id();
    if (i >= p.n) return;
    uint c = (i / p.spatial) % p.channels;
    float mean = running_mean[c];
    float invstd = 1.0 / sqrt(running_var[c] + p.eps);
    float scale = invstd * gamma[c];
    float offset = beta[c];
    y[i] = (x[i] - mean) * scale + offset;
    if (i < p.channels) {
        save_mean[i] = running_mean[i];
        save_invstd[i] = 1.0 / sqrt(running_var[i] + p.eps);
    }
}
