#version 450
// out[o] = scale * sum over the reduced dimensions of term(a, b), where term is a, a*b, |a-b| or
// bce_with_logits(a, b). Serves sum over an axis, mean, the broadcast reductions of add/mul backward
// and the loss forwards. The host orders dimensions as [kept..., reduced...] (innermost last in each
// group; kept ones in the output's layout) and passes element strides of a and b for each.
// MODE 0: one invocation per output, looping over the reduced elements (coalesced when the innermost
//         kept dimension is contiguous: neighbouring invocations read neighbouring addresses).
// MODE 1: one workgroup per (output, split); invocations stride over the split's reduced elements
//         (coalesced when the innermost reduced dimension is contiguous) and combine in shared memory.
//         With nsplit > 1 the partial of split s goes to out[s * nout + o] and a second pass
//         (gemm_splitk_reduce) adds the splits; that keeps the device busy when outputs are few.
// Each invocation accumulates with Kahan compensation, so the sums stay accurate without doubles.
#include "reduce_sum.glsl"

layout(local_size_x_id = 0) in;
layout(constant_id = 0) const uint WG = 256;
#include "flat_grid.glsl"
layout(constant_id = 1) const uint MODE = 0;
layout(constant_id = 2) const uint TERM = 0;   // 0 a, 1 a*b, 2 |a-b|, 3 bce_with_logits(a, b)

#include "reduce.glsl"

layout(std430, set = 0, binding = 0) readonly buffer A { float a[]; };
layout(std430, set = 0, binding = 1) readonly buffer B { float b[]; };
layout(std430, set = 0, binding = 2) writeonly buffer Out { float outv[]; };
layout(push_constant) uniform Push {
    uint nkept;      // dimensions [0, nkept) are kept, [nkept, ndim) reduced
    uint ndim;
    uint nout;       // product of kept sizes
    uint nred;       // product of reduced sizes
    float scale;
    uint nsplit;     // MODE 1: splits of the reduced range per output
    uint split_len;  // reduced elements per split
    uint size[6];
    uint stride_a[6];
    uint stride_b[6];
} p;

float term(uint ia, uint ib)
{
    float va = a[ia];
    if (TERM == 0u) return va;
    float vb = b[ib];
    if (TERM == 1u) return va * vb;
    if (TERM == 2u) return abs(va - vb);
    return bce_with_logits(va, vb);
}

// Offsets of a and b for index `lin` decomposed over dimensions [first, last).
uvec2 offsets(uint lin, uint first, uint last)
{
    uvec2 off = uvec2(0u);
    for (uint d = last; d > first; --d) {
        uint s = p.size[d - 1u];
        uint c = lin % s;
        lin /= s;
        off += c * uvec2(p.stride_a[d - 1u], p.stride_b[d - 1u]);
    }
    return off;
}

void main()
{
    uint last = p.ndim - 1u;
    bool single_reduced = (p.ndim - p.nkept) == 1u;   // common case: no decomposition per element
    uvec2 step = uvec2(p.stride_a[last], p.stride_b[last]);
    float s = 0.0, c = 0.0;
    if (MODE == 0u) {
        uint o = flat_invocation_id();
        if (o >= p.nout) return;
        uvec2 base = offsets(o, 0u, p.nkept);
        for (uint r = 0u; r < p.nred; ++r) {
            uvec2 off = single_reduced ? base + r * step : base + offsets(r, p.nkept, p.ndim);
            kahan_add(s, c, term(off.x, off.y));
        }
        outv[o] = p.scale * (s - c);
    } else {
        uint g = flat_workgroup_id();
        if (g >= p.nout * p.nsplit) return;   // uniform over the workgroup
        uint o = g % p.nout, split = g / p.nout;
        uvec2 base = offsets(o, 0u, p.nkept);
        uint r_end = min(p.nred, (split + 1u) * p.split_len);
        for (uint r = split * p.split_len + gl_LocalInvocationID.x; r < r_end; r += WG) {
            uvec2 off = single_reduced ? base + r * step : base + offsets(r, p.nkept, p.ndim);
            kahan_add(s, c, term(off.x, off.y));
        }
        float total = workgroup_sum(s - c);
        if (gl_LocalInvocationID.x == 0u) outv[g] = p.scale * total;
    }
}
