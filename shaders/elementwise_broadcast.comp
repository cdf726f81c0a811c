#version 450
// y = a + b or a * b with NumPy broadcasting. The host collapses dimensions and passes y's shape and
// the element strides of a and b in y's index space (0 along broadcast dimensions), innermost last.

layout(local_size_x_id = 0) in;
layout(constant_id = 0) const uint WG = 256;
#include "flat_grid.glsl"
layout(constant_id = 1) const uint OP = 0;   // 0 a + b, 1 a * b

layout(std430, set = 0, binding = 0) readonly buffer A { float a[]; };
layout(std430, set = 0, binding = 1) readonly buffer B { float b[]; };
layout(std430, set = 0, binding = 2) writeonly buffer Y { float y[]; };
layout(push_constant) uniform Push {
    uint ndim;
    uint n;
    uint shape[6];
    uint stride_a[6];
    uint stride_b[6];
} p;

void main()
{
    uint i = flat_invocation_id();
    if (i >= p.n) return;
    uint ia = 0u, ib = 0u, rest = i;
    for (int d = int(p.ndim) - 1; d >= 0; --d) {
        uint c = rest % p.shape[d];
        rest /= p.shape[d];
        ia += c * p.stride_a[d];
        ib += c * p.stride_b[d];
    }
    float va = a[ia], vb = b[ib];
    y[i] = (OP == 0u) ? va + vb : va * vb;
}
