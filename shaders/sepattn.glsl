// Shared by the separable transpose attention shaders (compute/vulkan/op_separable_attention.c):
// the push block, the border classes of compute/ops/sepattn_geometry.h, and the score of one pixel
// from its three parts. The including shader declares WG and the buffer `work` (the context's
// workspace, where the parts live at the offsets in p.off) first.
#ifndef SEPATTN_GLSL
#define SEPATTN_GLSL

// n, heads, c, H, W, k, padding before/after, score scale; off[]: workspace offsets, per shader.
layout(push_constant) uniform Push {
    uint n, heads, c, H, W, k, before, after;
    float scale;
    uint off[16];
} p;

// Class of row (or column) y of a side of `size`: the `before` first ones, the interior, the `after`
// last ones (k classes).
uint sepattn_class(uint y, uint size)
{
    if (y < p.before) return y;
    if (y >= size - p.after) return p.before + 1u + (y - (size - p.after));
    return p.before;
}

// Whether kernel offset d stays inside the side for rows of class cls.
bool sepattn_valid(uint cls, uint d, uint size)
{
    int row = cls <= p.before ? int(cls) : int(size - p.after + (cls - p.before - 1u));
    int src = row + int(d) - int(p.before);
    return src >= 0 && src < int(size);
}

// Score of head j at (y, x) of channel o of map m = n * heads + j, from the parts SA [m][o][ry][rx],
// SX [j][o][ry][x] and SY [j][o][rx][y] at workspace offsets sa, sx, sy.
float sepattn_score(uint sa, uint sx, uint sy, uint m, uint j, uint o, uint y, uint x)
{
    uint R = p.k;
    uint ry = sepattn_class(y, p.H), rx = sepattn_class(x, p.W);
    return work[sa + ((m * p.c + o) * R + ry) * R + rx] + work[sx + ((j * p.c + o) * R + ry) * p.W + x] +
           work[sy + ((j * p.c + o) * R + rx) * p.H + y];
}

#endif
