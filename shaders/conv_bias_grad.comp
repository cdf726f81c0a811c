#version 450
// Bias gradient: db[c] = sum over outer o and inner i of dy[(o*C + c)*inner + i]
// (Conv: outer = batch, inner = H*W; Linear: outer = rows, inner = 1).
// Workgroup (c, chunk) reduces its chunk of the outer*inner elements of channel c in shared memory and
// writes out[chunk*C + c]; with several chunks gemm_splitk_reduce adds them up.
layout(local_size_x_id = 0) in;

layout(std430, set = 0, binding = 0) readonly buffer DyBuf { float dy[]; };
layout(std430, set = 0, binding = 1) writeonly buffer OutBuf { float partial[]; };

layout(push_constant) uniform Push {
    uint channels, outer, inner;
    uint per_chunk;       // elements of one channel per workgroup
} pc;

shared float red[gl_WorkGroupSize.x];

void main()
{
    uint c = gl_WorkGroupID.x, chunk = gl_WorkGroupID.y;
    uint total = pc.outer * pc.inner;
    uint begin = chunk * pc.per_chunk, end = min(total, begin + pc.per_chunk);
    float s = 0.0;
    for (uint j = begin + gl_LocalInvocationID.x; j < end; j += gl_WorkGroupSize.x) {
        uint o = j / pc.inner, i = j - o * pc.inner;
        s += dy[(o * pc.channels + c) * pc.inner + i];
    }
    red[gl_LocalInvocationID.x] = s;
    barrier();
    for (uint half_n = gl_WorkGroupSize.x / 2; half_n > 0; half_n /= 2) {
        if (gl_LocalInvocationID.x < half_n) red[gl_LocalInvocationID.x] += red[gl_LocalInvocationID.x + half_n];
        barrier();
    }
    if (gl_LocalInvocationID.x == 0) partial[chunk * pc.channels + c] = red[0];
}
