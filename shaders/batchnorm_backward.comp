#version 450
// BatchNorm backward, one workgroup per channel in a single dispatch (no scratch buffer):
// sum_dy = sum(dy) and dot = sum(dy * (x - mean)) are reduced in shared memory, then
//   dgamma = dot * invstd, dbeta = sum_dy,
//   training: dx = (dy - sum_dy/M - (x - mean) * dot * invstd^2 / M) * invstd * gamma
//   eval:     dx = dy * invstd * gamma (the statistics are constants).
#include "batchnorm.glsl"

layout(local_size_x_id = 0) in;
layout(constant_id = 0) const uint WG = 256;
#include "flat_grid.glsl"
layout(constant_id = 1) const bool TRAINING = true;
layout(constant_id = 2) const bool HAS_DX = true;       // absent outputs are bound to a present
layout(constant_id = 3) const bool HAS_DGAMMA = true;   // output and never written
layout(constant_id = 4) const bool HAS_DBETA = true;
#include "reduce.glsl"

layout(std430, set = 0, binding = 0) readonly buffer X { float x[]; };
layout(std430, set = 0, binding = 1) readonly buffer Gamma { float gamma[]; };
layout(std430, set = 0, binding = 2) readonly buffer SaveMean { float save_mean[]; };
layout(std430, set = 0, binding = 3) readonly buffer SaveInvstd { float save_invstd[]; };
layout(std430, set = 0, binding = 4) readonly buffer DY { float dy[]; };
layout(std430, set = 0, binding = 5) writeonly buffer DX { float dx[]; };
layout(std430, set = 0, binding = 6) writeonly buffer DGamma { float dgamma[]; };
layout(std430, set = 0, binding = 7) writeonly buffer DBeta { float dbeta[]; };
layout(push_constant) uniform Push { uint channels; uint spatial; uint count; } p;

void main()
{
    uint c = flat_workgroup_id();
    if (c >= p.channels) return;   // uniform over the workgroup
    uint lid = gl_LocalInvocationID.x;
    float mean = save_mean[c];
    float invstd = save_invstd[c];
    vec2 sums = vec2(0.0);
    if (TRAINING || HAS_DGAMMA || HAS_DBETA) {
        float s1 = 0.0, c1 = 0.0, s2 = 0.0, c2 = 0.0;
        for (uint r = lid; r < p.count; r += WG) {
            uint i = bn_index(c, r, p.channels, p.spatial);
            float g = dy[i];
            kahan_add(s1, c1, g);
            kahan_add(s2, c2, g * (x[i] - mean));
        }
        sums = workgroup_sum2(vec2(s1 - c1, s2 - c2));
    }
    if (lid == 0u) {
        if (HAS_DGAMMA) dgamma[c] = sums.y * invstd;
        if (HAS_DBETA) dbeta[c] = sums.x;
    }
    if (!HAS_DX) return;
    float scale = invstd * gamma[c];
    float n = float(p.count);
    float mean_dy = sums.x / n;
    float proj = sums.y * invstd * invstd / n;
    for (uint r = lid; r < p.count; r += WG) {
        uint i = bn_index(c, r, p.channels, p.spatial);
        float g = dy[i];
        dx[i] = TRAINING ? (g - mean_dy - (x[i] - mean) * proj) * scale : g * scale;
    }
}
