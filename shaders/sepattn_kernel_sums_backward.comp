#version 450
// Separable attention backward, step 5: each tap of the score kernel collects the gradients of the
// kernel sums it is part of (the transpose of sepattn_kernel_sums.comp). One invocation per tap.
// off: dwa, dwy, dwx, dws.

layout(local_size_x_id = 0) in;
layout(constant_id = 0) const uint WG = 256;
#include "flat_grid.glsl"

layout(std430, set = 0, binding = 0) buffer Work { float work[]; };
#include "sepattn.glsl"

void main()
{
    uint i = flat_invocation_id();
    uint C = p.c, k = p.k, R = p.k;
    if (i >= C * C * k * k) return;
    uint dx = i % k, dy = (i / k) % k, oc = i / (k * k);
    float s = 0.0;
    for (uint ry = 0u; ry < R; ++ry) {
        if (!sepattn_valid(ry, dy, p.H)) continue;
        s += work[p.off[1] + (oc * R + ry) * k + dx];
        for (uint rx = 0u; rx < R; ++rx)
            if (sepattn_valid(rx, dx, p.W)) s += work[p.off[0] + (oc * R + ry) * R + rx];
    }
    for (uint rx = 0u; rx < R; ++rx)
        if (sepattn_valid(rx, dx, p.W)) s += work[p.off[2] + (oc * R + rx) * k + dy];
    work[p.off[3] + i] = s;
}
