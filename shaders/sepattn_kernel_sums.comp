#version 450
// Separable attention, step 1: the sums of the score kernel ws [C][C][k][k] over the taps that stay
// inside the image for each border class: wa [o][c][ry][rx] (rows and columns), wy [o][c][ry][dx]
// (rows only), wx [o][c][rx][dy] (columns only). One invocation per sum. off: wa, wy, wx.

layout(local_size_x_id = 0) in;
layout(constant_id = 0) const uint WG = 256;
#include "flat_grid.glsl"

layout(std430, set = 0, binding = 0) readonly buffer WS { float ws[]; };
layout(std430, set = 0, binding = 1) buffer Work { float work[]; };
#include "sepattn.glsl"

void main()
{
    uint i = flat_invocation_id();
    uint C = p.c, k = p.k, R = p.k;
    uint na = C * C * R * R, ny = C * C * R * k;
    if (i < na) {
        uint rx = i % R, ry = (i / R) % R, oc = i / (R * R);
        float s = 0.0;
        for (uint dy = 0u; dy < k; ++dy) {
            if (!sepattn_valid(ry, dy, p.H)) continue;
            for (uint dx = 0u; dx < k; ++dx)
                if (sepattn_valid(rx, dx, p.W)) s += ws[(oc * k + dy) * k + dx];
        }
        work[p.off[0] + i] = s;
    } else if (i < na + ny) {
        uint q = i - na;
        uint dx = q % k, ry = (q / k) % R, oc = q / (k * R);
        float s = 0.0;
        for (uint dy = 0u; dy < k; ++dy)
            if (sepattn_valid(ry, dy, p.H)) s += ws[(oc * k + dy) * k + dx];
        work[p.off[1] + q] = s;
    } else if (i < na + 2u * ny) {
        uint q = i - na - ny;
        uint dy = q % k, rx = (q / k) % R, oc = q / (k * R);
        float s = 0.0;
        for (uint dx = 0u; dx < k; ++dx)
            if (sepattn_valid(rx, dx, p.W)) s += ws[(oc * k + dy) * k + dx];
        work[p.off[2] + q] = s;
    }
}
