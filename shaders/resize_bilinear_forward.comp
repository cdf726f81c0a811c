#version 450
// Bilinear resize (align_corners=false) of x[NC, H, W] to y[NC, Ho, Wo], one invocation per output.
#include "bilinear.glsl"

layout(local_size_x_id = 0) in;
layout(constant_id = 0) const uint WG = 256;
#include "flat_grid.glsl"

layout(std430, set = 0, binding = 0) readonly buffer X { float x[]; };
layout(std430, set = 0, binding = 1) writeonly buffer Y { float y[]; };
layout(push_constant) uniform Push {
    uint n; int in_h; int in_w; int out_h; int out_w; float scale_h; float scale_w;
} p;

void main()
{
    uint idx = flat_invocation_id();
    if (idx >= p.n) return;
    int ow = int(idx % uint(p.out_w));
    uint t = idx / uint(p.out_w);
    int oh = int(t % uint(p.out_h));
    uint plane = t / uint(p.out_h);
    bilinear_tap th = bilinear_source(oh, p.scale_h, p.in_h);
    bilinear_tap tw = bilinear_source(ow, p.scale_w, p.in_w);
    uint base = plane * uint(p.in_h) * uint(p.in_w);
    uint r0 = base + uint(th.i0 * p.in_w), r1 = base + uint(th.i1 * p.in_w);
    float top = (1.0 - tw.lambda) * x[r0 + uint(tw.i0)] + tw.lambda * x[r0 + uint(tw.i1)];
    float bottom = (1.0 - tw.lambda) * x[r1 + uint(tw.i0)] + tw.lambda * x[r1 + uint(tw.i1)];
    y[idx] = (1.0 - th.lambda) * top + th.lambda * bottom;
}
