#version 450
// Separable attention, step 2: the score parts from the key parts ka [N*h][C], kx [h][C][W],
// ky [h][C][H] and the kernel sums of step 1:
//   SA [m][o][ry][rx] = scale * sum_c ka[m][c] wa[o][c][ry][rx]
//   SX [j][o][ry][x]  = scale * sum_{c,dx} wy[o][c][ry][dx] kx[j][c][x + dx - before]
//   SY [j][o][rx][y]  = scale * sum_{c,dy} wx[o][c][rx][dy] ky[j][c][y + dy - before]
// (zero outside the image). One invocation per element. off: wa, wy, wx, sa, sx, sy.

layout(local_size_x_id = 0) in;
layout(constant_id = 0) const uint WG = 256;
#include "flat_grid.glsl"

layout(std430, set = 0, binding = 0) readonly buffer KA { float ka[]; };
layout(std430, set = 0, binding = 1) readonly buffer KX { float kx[]; };
layout(std430, set = 0, binding = 2) readonly buffer KY { float ky[]; };
layout(std430, set = 0, binding = 3) buffer Work { float work[]; };
#include "sepattn.glsl"

// sum_{c,d} wl[o][c][r][d] line[j][c][pos + d - before] over a side of `size`
float line_part(uint wl, bool is_x, uint j, uint o, uint r, uint pos, uint size)
{
    uint C = p.c, k = p.k, R = p.k;
    float s = 0.0;
    for (uint c = 0u; c < C; ++c)
        for (uint d = 0u; d < k; ++d) {
            int src = int(pos + d) - int(p.before);
            if (src < 0 || src >= int(size)) continue;
            uint li = (j * C + c) * size + uint(src);
            s += work[wl + ((o * C + c) * R + r) * k + d] * (is_x ? kx[li] : ky[li]);
        }
    return s;
}

void main()
{
    uint i = flat_invocation_id();
    uint C = p.c, R = p.k, h = p.heads;
    uint nsa = p.n * h * C * R * R, nsx = h * C * R * p.W, nsy = h * C * R * p.H;
    if (i < nsa) {
        uint rr = i % (R * R), o = (i / (R * R)) % C, m = i / (R * R * C);
        float s = 0.0;
        for (uint c = 0u; c < C; ++c) s += ka[m * C + c] * work[p.off[0] + (o * C + c) * R * R + rr];
        work[p.off[3] + i] = p.scale * s;
    } else if (i < nsa + nsx) {
        uint q = i - nsa;
        uint x = q % p.W, r = (q / p.W) % R, o = (q / (p.W * R)) % C, j = q / (p.W * R * C);
        work[p.off[4] + q] = p.scale * line_part(p.off[1], true, j, o, r, x, p.W);
    } else if (i < nsa + nsx + nsy) {
        uint q = i - nsa - nsx;
        uint y = q % p.H, r = (q / p.H) % R, o = (q / (p.H * R)) % C, j = q / (p.H * R * C);
        work[p.off[5] + q] = p.scale * line_part(p.off[2], false, j, o, r, y, p.H);
    }
}
