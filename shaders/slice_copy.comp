#version 450
// dst[o, j, i] = src[o, j + offset, i] when 0 <= j + offset < src_len, else 0, with both tensors
// viewed as [outer, len, inner] around the sliced axis. One gather per dst element serves slice
// forward (offset = start), slice backward (offset = -start, zeros outside) and concat backward.

layout(local_size_x_id = 0) in;
layout(constant_id = 0) const uint WG = 256;
#include "flat_grid.glsl"

layout(std430, set = 0, binding = 0) readonly buffer Src { float src[]; };
layout(std430, set = 0, binding = 1) writeonly buffer Dst { float dst[]; };
layout(push_constant) uniform Push { uint n; uint inner; uint dst_len; uint src_len; int offset; } p;

void main()
{
    uint idx = flat_invocation_id();
    if (idx >= p.n) return;
    uint i = idx % p.inner;
    uint t = idx / p.inner;
    uint j = t % p.dst_len;
    uint o = t / p.dst_len;
    int js = int(j) + p.offset;
    float v = 0.0;
    if (js >= 0 && uint(js) < p.src_len) v = src[(o * p.src_len + uint(js)) * p.inner + i];
    dst[idx] = v;
}
