#version 450
// Separable attention backward, step 4: from the score-part gradients gSA, gSX, gSY (step 3) to the
// gradients of the key parts and of the kernel sums (the transposes of sepattn_parts.comp), one
// invocation per output element:
//   dka [m][c]         = scale sum_{o,ry,rx} gSA[m][o][ry][rx] wa[o][c][ry][rx]
//   dkx [j][c][x']     = scale sum_{o,ry,dx} wy[o][c][ry][dx] gSX[j][o][ry][x' - dx + before]
//   dky [j][c][y']     = scale sum_{o,rx,dy} wx[o][c][rx][dy] gSY[j][o][rx][y' - dy + before]
//   dwa [o][c][ry][rx] = scale sum_m gSA[m][o][ry][rx] ka[m][c]
//   dwy [o][c][ry][dx] = scale sum_{j,x} gSX[j][o][ry][x] kx[j][c][x + dx - before]
//   dwx [o][c][rx][dy] = scale sum_{j,y} gSY[j][o][rx][y] ky[j][c][y + dy - before]
// off: wa, wy, wx, gsa, gsx, gsy, dka, dkx, dky, dwa, dwy, dwx.

layout(local_size_x_id = 0) in;
layout(constant_id = 0) const uint WG = 256;
#include "flat_grid.glsl"

layout(std430, set = 0, binding = 0) buffer Work { float work[]; };
layout(std430, set = 0, binding = 1) readonly buffer KA { float ka[]; };
layout(std430, set = 0, binding = 2) readonly buffer KX { float kx[]; };
layout(std430, set = 0, binding = 3) readonly buffer KY { float ky[]; };
#include "sepattn.glsl"

// dk of one line element: sum_{o,r,d} wl[o][c][r][d] g[j][o][r][pos - d + before]
float line_data_grad(uint wl, uint gl, uint j, uint c, uint pos, uint size)
{
    uint C = p.c, k = p.k, R = p.k;
    float s = 0.0;
    for (uint o = 0u; o < C; ++o)
        for (uint r = 0u; r < R; ++r)
            for (uint d = 0u; d < k; ++d) {
                int src = int(pos + p.before) - int(d);
                if (src < 0 || src >= int(size)) continue;
                s += work[wl + ((o * C + c) * R + r) * k + d] * work[gl + ((j * C + o) * R + r) * size + uint(src)];
            }
    return s;
}

// dw of one line kernel sum: sum_{j,pos} g[j][o][r][pos] line[j][c][pos + d - before]
float line_weight_grad(uint gl, bool is_x, uint o, uint c, uint r, uint d, uint size)
{
    uint C = p.c, R = p.k;
    float s = 0.0;
    for (uint j = 0u; j < p.heads; ++j)
        for (uint pos = 0u; pos < size; ++pos) {
            int src = int(pos + d) - int(p.before);
            if (src < 0 || src >= int(size)) continue;
            uint li = (j * C + c) * size + uint(src);
            s += work[gl + ((j * C + o) * R + r) * size + pos] * (is_x ? kx[li] : ky[li]);
        }
    return s;
}

void main()
{
    uint i = flat_invocation_id();
    uint C = p.c, h = p.heads, R = p.k, k = p.k, nh = p.n * h;
    uint n_dka = nh * C, n_dkx = h * C * p.W, n_dky = h * C * p.H, n_dwa = C * C * R * R, n_dwl = C * C * R * k;
    float sc = p.scale;
    if (i < n_dka) {
        uint c = i % C, m = i / C;
        float s = 0.0;
        for (uint o = 0u; o < C; ++o)
            for (uint rr = 0u; rr < R * R; ++rr)
                s += work[p.off[3] + (m * C + o) * R * R + rr] * work[p.off[0] + (o * C + c) * R * R + rr];
        work[p.off[6] + i] = sc * s;
        return;
    }
    i -= n_dka;
    if (i < n_dkx) {
        uint x = i % p.W, c = (i / p.W) % C, j = i / (p.W * C);
        work[p.off[7] + i] = sc * line_data_grad(p.off[1], p.off[4], j, c, x, p.W);
        return;
    }
    i -= n_dkx;
    if (i < n_dky) {
        uint y = i % p.H, c = (i / p.H) % C, j = i / (p.H * C);
        work[p.off[8] + i] = sc * line_data_grad(p.off[2], p.off[5], j, c, y, p.H);
        return;
    }
    i -= n_dky;
    if (i < n_dwa) {
        uint rr = i % (R * R), c = (i / (R * R)) % C, o = i / (R * R * C);
        float s = 0.0;
        for (uint m = 0u; m < nh; ++m) s += work[p.off[3] + (m * C + o) * R * R + rr] * ka[m * C + c];
        work[p.off[9] + i] = sc * s;
        return;
    }
    i -= n_dwa;
    if (i < n_dwl) {
        uint d = i % k, r = (i / k) % R, c = (i / (k * R)) % C, o = i / (k * R * C);
        work[p.off[10] + i] = sc * line_weight_grad(p.off[4], true, o, c, r, d, p.W);
        return;
    }
    i -= n_dwl;
    if (i < n_dwl) {
        uint d = i % k, r = (i / k) % R, c = (i / (k * R)) % C, o = i / (k * R * C);
        work[p.off[11] + i] = sc * line_weight_grad(p.off[5], false, o, c, r, d, p.H);
    }
}
