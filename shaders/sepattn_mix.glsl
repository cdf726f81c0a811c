// Separable attention, the per-pixel pass shared by sepattn_forward*.comp and sepattn_stats.comp:
// softmax over the heads of the scores at one pixel of channel o and the mix t = sum_j w_j V_j,
// V_j = va[n*h+j][o] + vx[j][o][x] + vy[j][o][y]. Pass 1 finds the max, pass 2 sums exp and exp*V.
// Needs buffers va, vx, vy and `work`, and sepattn.glsl.
#ifndef SEPATTN_MIX_GLSL
#define SEPATTN_MIX_GLSL

void sepattn_mix(uint sa, uint sx, uint sy, uint n, uint o, uint y, uint x, out float mx, out float inv,
                 out float t)
{
    uint h = p.heads, C = p.c;
    mx = sepattn_score(sa, sx, sy, n * h, 0u, o, y, x);
    for (uint j = 1u; j < h; ++j) mx = max(mx, sepattn_score(sa, sx, sy, n * h + j, j, o, y, x));
    float s = 0.0, acc = 0.0;
    for (uint j = 0u; j < h; ++j) {
        float e = exp(sepattn_score(sa, sx, sy, n * h + j, j, o, y, x) - mx);
        float v = va[(n * h + j) * C + o] + vx[(j * C + o) * p.W + x] + vy[(j * C + o) * p.H + y];
        s += e;
        acc += e * v;
    }
    inv = 1.0 / s;
    t = acc * inv;
}

#endif
