#version 450
// Separable attention backward, step 2: one workgroup per (head j, channel o, row y); invocation lid
// takes the columns x = lid + q * WG (q < MAXCHUNK; the host picks WG so that W <= MAXCHUNK * WG).
// For each sample n it rebuilds w_j from the stats of step 1 and forms
//   G = w_j dt  (the value gradient)   and   dS = G (V_j - t)  (the score gradient),
// sums them along the row (G in total, dS per column class) through shared memory, and keeps the sums
// over n per pixel. Writes P1 [n][j][o][y][rx] (row sums of dS per column class), Pg [n][j][o][y]
// (row sums of G), Qx [j][o][y][x] (sum over n of G) and Qs [j][o][y][x] (sum over n of dS).
// Column classes: the interior one is a sum over many columns; each border class is one column, the
// first `before` or the last `after` ones, held by one invocation each.
// off: sa, sx, sy, stats, p1, pg, qx, qs.

layout(local_size_x_id = 0) in;
layout(constant_id = 0) const uint WG = 64;
#include "flat_grid.glsl"

layout(std430, set = 0, binding = 0) buffer Work { float work[]; };
layout(std430, set = 0, binding = 1) readonly buffer VA { float va[]; };
layout(std430, set = 0, binding = 2) readonly buffer VX { float vx[]; };
layout(std430, set = 0, binding = 3) readonly buffer VY { float vy[]; };
layout(std430, set = 0, binding = 4) readonly buffer DT { float dt[]; };
#include "sepattn.glsl"

const uint MAXCHUNK = 4u;
// per invocation: interior dS, G, dS of its left border column, dS of its right border column
shared vec4 part[WG];

void main()
{
    uint g = flat_workgroup_id();
    uint lid = gl_LocalInvocationID.x;
    uint C = p.c, h = p.heads, R = p.k, H = p.H, W = p.W;
    uint y = g % H, o = (g / H) % C, j = g / (H * C);
    if (j >= h) return;   // uniform per workgroup
    uint total = p.n * C * H * W;
    float qx[MAXCHUNK], qs[MAXCHUNK], vline[MAXCHUNK];
    for (uint q = 0u; q < MAXCHUNK; ++q) {
        uint x = lid + q * WG;
        qx[q] = 0.0;
        qs[q] = 0.0;
        vline[q] = x < W ? vx[(j * C + o) * W + x] + vy[(j * C + o) * H + y] : 0.0;
    }
    for (uint n = 0u; n < p.n; ++n) {
        uint m = n * h + j;
        vec4 mine = vec4(0.0);
        for (uint q = 0u; q < MAXCHUNK; ++q) {
            uint x = lid + q * WG;
            if (x >= W) continue;
            uint pix = ((n * C + o) * H + y) * W + x;
            float s = sepattn_score(p.off[0], p.off[1], p.off[2], m, j, o, y, x);
            float wj = exp(s - work[p.off[3] + pix]) * work[p.off[3] + total + pix];
            float gv = wj * dt[pix];
            float ds = gv * (va[m * C + o] + vline[q] - work[p.off[3] + 2u * total + pix]);
            qx[q] += gv;
            qs[q] += ds;
            mine.y += gv;
            if (x < p.before) mine.z = ds;
            else if (x >= W - p.after) mine.w = ds;
            else mine.x += ds;
        }
        part[lid] = mine;
        barrier();
        uint row = (m * C + o) * H + y;
        if (lid == 0u) {
            vec2 s = vec2(0.0);
            for (uint q = 0u; q < WG; ++q) s += part[q].xy;
            work[p.off[4] + row * R + p.before] = s.x;
            work[p.off[5] + row] = s.y;
        } else if (lid <= p.before + p.after) {
            // border class r = lid - 1 (r != before): read the invocation that holds its column
            uint r = lid - 1u;
            if (r >= p.before) r += 1u;
            uint x = r < p.before ? r : W - p.after + (r - p.before - 1u);
            vec4 v = part[x % WG];
            work[p.off[4] + row * R + r] = r < p.before ? v.z : v.w;
        }
        barrier();
    }
    for (uint q = 0u; q < MAXCHUNK; ++q) {
        uint x = lid + q * WG;
        if (x >= W) continue;
        uint i = ((j * C + o) * H + y) * W + x;
        work[p.off[6] + i] = qx[q];
        work[p.off[7] + i] = qs[q];
    }
}
