#version 450
// Second pass of split-K (and of chunked bias gradients): dst[i] = sum_s src[s*len + i], in a fixed
// order so results are deterministic. 1-D grid possibly folded over x/y (vk_grid_1d).
layout(local_size_x_id = 0) in;

layout(std430, set = 0, binding = 0) readonly buffer SrcBuf { float src[]; };
layout(std430, set = 0, binding = 1) writeonly buffer DstBuf { float dst[]; };

layout(push_constant) uniform Push {
    uint len;
    uint splits;
} pc;

void main()
{
    uint group = gl_WorkGroupID.x + gl_WorkGroupID.y * gl_NumWorkGroups.x;
    uint i = group * gl_WorkGroupSize.x + gl_LocalInvocationID.x;
    if (i >= pc.len) return;
    float s = 0.0;
    for (uint k = 0; k < pc.splits; k++) s += src[k * pc.len + i];
    dst[i] = s;
}
