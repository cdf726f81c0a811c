#version 450
// Softmax over a long contiguous axis (inner == 1): one workgroup per row. Each invocation keeps an
// online (max, sum of exp) state over its strided share of the row; the states merge in shared memory.

layout(local_size_x_id = 0) in;
layout(constant_id = 0) const uint WG = 256;
#include "flat_grid.glsl"
#include "reduce.glsl"

layout(std430, set = 0, binding = 0) readonly buffer X { float x[]; };
layout(std430, set = 0, binding = 1) writeonly buffer Y { float y[]; };
layout(push_constant) uniform Push { uint nrows; uint axis; } p;

void main()
{
    uint row = flat_workgroup_id();
    if (row >= p.nrows) return;   // uniform over the workgroup
    uint base = row * p.axis;
    vec2 st = vec2(-1.0 / 0.0, 0.0);
    for (uint k = gl_LocalInvocationID.x; k < p.axis; k += WG) {
        float v = x[base + k];
        if (v > st.x) { st.y = st.y * exp(st.x - v) + 1.0; st.x = v; }
        else st.y += (v == st.x) ? 1.0 : exp(v - st.x);   // equal -inf values must not give NaN
    }
    st = workgroup_softmax_state(st);
    float inv = 1.0 / st.y;
    for (uint k = gl_LocalInvocationID.x; k < p.axis; k += WG)
        y[base + k] = exp(x[base + k] - st.x) * inv;
}
