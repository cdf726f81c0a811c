#version 450
// BatchNorm training forward, one workgroup per channel in a single dispatch: batch statistics with
// shifted, Kahan-compensated sums (shift = the channel's first element, against cancellation in
// E[x^2] - E[x]^2), then normalisation of the channel with the biased variance. Invocation 0 writes
// save_mean/save_invstd and updates running_mean/running_var (unbiased variance) with momentum m:
// running = (1 - m) * running + m * batch.
#include "batchnorm.glsl"

layout(local_size_x_id = 0) in;
layout(constant_id = 0) const uint WG = 256;
#include "flat_grid.glsl"
#include "reduce.glsl"

layout(std430, set = 0, binding = 0) readonly buffer X { float x[]; };
layout(std430, set = 0, binding = 1) readonly buffer Gamma { float gamma[]; };
layout(std430, set = 0, binding = 2) readonly buffer Beta { float beta[]; };
layout(std430, set = 0, binding = 3) buffer RunningMean { float running_mean[]; };
layout(std430, set = 0, binding = 4) buffer RunningVar { float running_var[]; };
layout(std430, set = 0, binding = 5) writeonly buffer SaveMean { float save_mean[]; };
layout(std430, set = 0, binding = 6) writeonly buffer SaveInvstd { float save_invstd[]; };
layout(std430, set = 0, binding = 7) writeonly buffer Y { float y[]; };
layout(push_constant) uniform Push {
    uint channels; uint spatial; uint count; float momentum; float eps;
} p;

void main()
{
    uint c = flat_workgroup_id();
    if (c >= p.channels) return;   // uniform over the workgroup
    uint lid = gl_LocalInvocationID.x;
    float shift = x[bn_index(c, 0u, p.channels, p.spatial)];
    float s1 = 0.0, c1 = 0.0, s2 = 0.0, c2 = 0.0;
    for (uint r = lid; r < p.count; r += WG) {
        float d = x[bn_index(c, r, p.channels, p.spatial)] - shift;
        kahan_add(s1, c1, d);
        kahan_add(s2, c2, d * d);
    }
    vec2 sums = workgroup_sum2(vec2(s1 - c1, s2 - c2));
    float n = float(p.count);
    float mean_shifted = sums.x / n;
    float var = max(sums.y / n - mean_shifted * mean_shifted, 0.0);
    float mean = shift + mean_shifted;
    float invstd = 1.0 / sqrt(var + p.eps);
    if (lid == 0u) {
        save_mean[c] = mean;
        save_invstd[c] = invstd;
        float unbiased = var * n / (n - 1.0);   // count > 1 is checked by op_batchnorm_forward
        running_mean[c] = (1.0 - p.momentum) * running_mean[c] + p.momentum * mean;
        running_var[c] = (1.0 - p.momentum) * running_var[c] + p.momentum * unbiased;
    }
    float scale = invstd * gamma[c];
    float offset = beta[c];
    for (uint r = lid; r < p.count; r += WG) {
        uint i = bn_index(c, r, p.channels, p.spatial);
        y[i] = (x[i] - mean) * scale + offset;
    }
}
