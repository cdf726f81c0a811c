#version 450
// Separable attention backward, step 3: the sums of step 2's partial sums that give the value
// gradients and the score-part gradients (one invocation per output element):
//   dva [m][o]         = sum_y Pg[m][o][y]            gSA [m][o][ry][rx] = sum_{y in ry} P1[m][o][y][rx]
//   dvy [j][o][y]      = sum_n Pg[n*h+j][o][y]        gSY [j][o][rx][y]  = sum_n P1[n*h+j][o][y][rx]
//   dvx [j][o][x]      = sum_y Qx[j][o][y][x]         gSX [j][o][ry][x]  = sum_{y in ry} Qs[j][o][y][x]
// off: p1, pg, qx, qs, gsa, gsx, gsy, dva, dvx, dvy.

layout(local_size_x_id = 0) in;
layout(constant_id = 0) const uint WG = 256;
#include "flat_grid.glsl"

layout(std430, set = 0, binding = 0) buffer Work { float work[]; };
#include "sepattn.glsl"

void main()
{
    uint i = flat_invocation_id();
    uint C = p.c, h = p.heads, R = p.k, H = p.H, W = p.W, nh = p.n * h;
    uint n_dva = nh * C, n_gsa = nh * C * R * R, n_dvy = h * C * H, n_gsy = h * C * R * H;
    uint n_dvx = h * C * W, n_gsx = h * C * R * W;
    if (i < n_dva) {
        float s = 0.0;
        for (uint y = 0u; y < H; ++y) s += work[p.off[1] + i * H + y];
        work[p.off[7] + i] = s;
        return;
    }
    i -= n_dva;
    if (i < n_gsa) {
        uint rx = i % R, ry = (i / R) % R, mo = i / (R * R);
        float s = 0.0;
        for (uint y = 0u; y < H; ++y)
            if (sepattn_class(y, H) == ry) s += work[p.off[0] + (mo * H + y) * R + rx];
        work[p.off[4] + i] = s;
        return;
    }
    i -= n_gsa;
    if (i < n_dvy) {
        uint y = i % H, jo = i / H;   // jo = j * C + o
        float s = 0.0;
        for (uint n = 0u; n < p.n; ++n) s += work[p.off[1] + ((n * h * C + jo) * H + y)];
        work[p.off[9] + i] = s;
        return;
    }
    i -= n_dvy;
    if (i < n_gsy) {
        uint y = i % H, rx = (i / H) % R, jo = i / (H * R);
        float s = 0.0;
        for (uint n = 0u; n < p.n; ++n) s += work[p.off[0] + ((n * h * C + jo) * H + y) * R + rx];
        work[p.off[6] + i] = s;
        return;
    }
    i -= n_gsy;
    if (i < n_dvx) {
        uint x = i % W, jo = i / W;
        float s = 0.0;
        for (uint y = 0u; y < H; ++y) s += work[p.off[2] + (jo * H + y) * W + x];
        work[p.off[8] + i] = s;
        return;
    }
    i -= n_dvx;
    if (i < n_gsx) {
        uint x = i % W, ry = (i / W) % R, jo = i / (W * R);
        float s = 0.0;
        for (uint y = 0u; y < H; ++y)
            if (sepattn_class(y, H) == ry) s += work[p.off[3] + (jo * H + y) * W + x];
        work[p.off[5] + i] = s;
    }
}
