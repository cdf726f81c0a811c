// Source coordinates of bilinear resizing with align_corners=false, as PyTorch computes them in float:
// src = scale * (dst + 0.5) - 0.5 clamped at 0; i0 = min(floor(src), in-1); i1 = i0 + (i0 < in-1);
// lambda = src - i0 clamped to [0, 1]. `precise` keeps forward and backward bit-identical (no fma).
#ifndef BILINEAR_GLSL
#define BILINEAR_GLSL

struct bilinear_tap { int i0; int i1; float lambda; };

bilinear_tap bilinear_source(int dst, float scale, int in_size)
{
    precise float src = scale * (float(dst) + 0.5) - 0.5;
    src = max(src, 0.0);
    bilinear_tap t;
    t.i0 = min(int(floor(src)), in_size - 1);
    t.i1 = t.i0 + ((t.i0 < in_size - 1) ? 1 : 0);
    precise float lam = src - float(t.i0);
    t.lambda = clamp(lam, 0.0, 1.0);
    return t;
}

// Weight with which output coordinate `dst` reads input coordinate `src_index` (0 when it does not).
float bilinear_weight(int dst, float scale, int in_size, int src_index)
{
    bilinear_tap t = bilinear_source(dst, scale, in_size);
    float w = 0.0;
    if (t.i0 == src_index) w += 1.0 - t.lambda;
    if (t.i1 == src_index) w += t.lambda;
    return w;
}

#endif
