#version 450
// Bilinear resize backward as a gather: each input element dx[plane, h, w] sums the output gradients
// that read it. Outputs reading row h satisfy h - 1 <= i0 <= h, i.e. (h - 0.5)/scale - 0.5 <= oh <
// (h + 1.5)/scale - 0.5; the loop widens that range by one on each side against float rounding and
// recomputes every weight exactly as the forward does. No atomics.
#include "bilinear.glsl"

layout(local_size_x_id = 0) in;
layout(constant_id = 0) const uint WG = 256;
#include "flat_grid.glsl"

layout(std430, set = 0, binding = 0) readonly buffer DY { float dy[]; };
layout(std430, set = 0, binding = 1) writeonly buffer DX { float dx[]; };
layout(push_constant) uniform Push {
    uint n; int in_h; int in_w; int out_h; int out_w; float scale_h; float scale_w;
} p;

// Outputs [lo, hi] along one axis that may read input coordinate i.
ivec2 output_range(int i, float scale, int out_size)
{
    float inv = 1.0 / scale;
    int lo = int(floor((float(i) - 0.5) * inv - 0.5)) - 1;
    int hi = int(ceil((float(i) + 1.5) * inv - 0.5)) + 1;
    return ivec2(max(lo, 0), min(hi, out_size - 1));
}

void main()
{
    uint idx = flat_invocation_id();
    if (idx >= p.n) return;
    int w = int(idx % uint(p.in_w));
    uint t = idx / uint(p.in_w);
    int h = int(t % uint(p.in_h));
    uint plane = t / uint(p.in_h);
    ivec2 rh = output_range(h, p.scale_h, p.out_h);
    ivec2 rw = output_range(w, p.scale_w, p.out_w);
    uint base = plane * uint(p.out_h) * uint(p.out_w);
    float acc = 0.0;
    for (int oh = rh.x; oh <= rh.y; ++oh) {
        float wh = bilinear_weight(oh, p.scale_h, p.in_h, h);
        if (wh == 0.0) continue;
        float row = 0.0;
        uint rbase = base + uint(oh * p.out_w);
        for (int ow = rw.x; ow <= rw.y; ++ow) {
            float ww = bilinear_weight(ow, p.scale_w, p.in_w, w);
            if (ww != 0.0) row += ww * dy[rbase + uint(ow)];
        }
        acc += wh * row;
    }
    dx[idx] = acc;
}
