// Workgroup reductions in shared memory (no float atomics) and Kahan-compensated per-invocation
// accumulation, so a sum over ~1e5..1e7 floats stays within ~1e-6 relative of a double-precision sum.
// The including shader defines WG (a power of two, the workgroup size, usually a specialization
// constant) before including this file. Every invocation of the workgroup must call these.
#ifndef REDUCE_GLSL
#define REDUCE_GLSL

shared vec2 reduce_shared[WG];

// Kahan summation step: s += x with the running compensation c.
void kahan_add(inout float s, inout float c, float x)
{
    precise float y = x - c;
    precise float t = s + y;
    precise float lost = (t - s) - y;
    c = lost;
    s = t;
}

// Sum of v over the workgroup, returned to every invocation.
vec2 workgroup_sum2(vec2 v)
{
    uint lid = gl_LocalInvocationID.x;
    reduce_shared[lid] = v;
    barrier();
    for (uint s = WG / 2u; s > 0u; s >>= 1u) {
        if (lid < s) reduce_shared[lid] += reduce_shared[lid + s];
        barrier();
    }
    vec2 r = reduce_shared[0];
    barrier();   // the shared array may be reused right after
    return r;
}

float workgroup_sum(float v)
{
    return workgroup_sum2(vec2(v, 0.0)).x;
}

// Online-softmax merge of (running max, sum of exp(x - max)) pairs.
vec2 softmax_state_merge(vec2 a, vec2 b)
{
    float m = max(a.x, b.x);
    if (isinf(m) && m < 0.0) return vec2(m, a.y + b.y);   // both empty or all -inf
    return vec2(m, a.y * exp(a.x - m) + b.y * exp(b.x - m));
}

vec2 workgroup_softmax_state(vec2 v)
{
    uint lid = gl_LocalInvocationID.x;
    reduce_shared[lid] = v;
    barrier();
    for (uint s = WG / 2u; s > 0u; s >>= 1u) {
        if (lid < s) reduce_shared[lid] = softmax_state_merge(reduce_shared[lid], reduce_shared[lid + s]);
        barrier();
    }
    vec2 r = reduce_shared[0];
    barrier();
    return r;
}

#endif
