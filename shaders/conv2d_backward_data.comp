#version 450
// Conv2d backward-data as a gather GEMM: every dx element is computed by one invocation, summing over
// the (co, ky, kx) that reach it. Output pixels are split into SH*SW stride phases (ih % SH, iw % SW):
// inside a phase only the taps ky = ky0 + SH*t (ky0 = (phase + pad) % SH) line up with an output row, so
// no work is spent on taps that the stride skips.
//   gl_WorkGroupID.z = g * SH*SW + phase
//   M = Cg = Cin/groups (ci), N = batch*Hq*Wq (n = (nb, iq, jq), ih = py + SH*iq), K = Mg*TKH*TKW
//   dx[nb, g*Cg + ci, ih, iw] = sum dy[nb, g*Mg + co, oh, ow] * w[g*Mg + co, ci, ky, kx] (+ bias)
//   with oh = (ih + pad_t - ky) / SH exact.
// Also ConvTranspose2d forward: its weight [Cin, Cout/groups, kh, kw] is exactly conv2d's layout with
// the roles of input and output exchanged (x of the transpose is "dy" here, y is "dx").
#extension GL_EXT_control_flow_attributes : enable

const bool A_K_FAST = false;   // weights: gathered with stride; keep one row per invocation
const bool B_K_FAST = false;   // dy: consecutive n are consecutive pixels

#include "gemm_tile.glsl"

layout(constant_id = 6) const uint KH = 1;
layout(constant_id = 7) const uint KW = 1;
layout(constant_id = 8) const uint SH = 1;
layout(constant_id = 9) const uint SW = 1;
const uint TKH = (KH + SH - 1) / SH;   // taps per phase along each axis
const uint TKW = (KW + SW - 1) / SW;
const uint TKHW = TKH * TKW;

layout(std430, set = 0, binding = 0) readonly buffer DyBuf { float dy[]; };
layout(std430, set = 0, binding = 1) readonly buffer WBuf { float w[]; };
layout(std430, set = 0, binding = 2) readonly buffer BiasBuf { float bias[]; };
layout(std430, set = 0, binding = 3) writeonly buffer DxBuf { float dx[]; };

layout(push_constant) uniform Push {
    uint tile_n_base, tile_m_base, z_base;
    uint batch, cin, h, w, cout, ho, wo;   // cin/h/w: dx (output of this shader); cout/ho/wo: dy
    uint cin_g, cout_g;
    int pad_t, pad_l;
    uint hq, wq;                           // ceil(h / SH), ceil(w / SW)
    uint has_bias;
} pc;

uint group_id;
uint ky0, kx0;                 // first tap of this phase
// This invocation's B column (fixed across slices).
bool col_valid;
uint col_dy_base;              // dy offset of (nb, g*Mg, 0, 0)
int col_oh0, col_ow0;          // oh for tap t = col_oh0 - t

void gemm_load_stage(uint k0)
{
    [[unroll]] for (uint e = 0; e < A_LOADS; e++) {
        uint m = gemm_tile_m0 + stage_a_m(e), k = k0 + stage_a_k(e);
        uint co = k / TKHW, r = k - co * TKHW;
        uint ty = r / TKW, tx = r - ty * TKW;
        uint ky = ky0 + SH * ty, kx = kx0 + SW * tx;
        float v = 0.0;
        if (m < pc.cin_g && k < gemm_k_end && ky < KH && kx < KW)
            v = w[((group_id * pc.cout_g + co) * pc.cin_g + m) * (KH * KW) + ky * KW + kx];
        a_stage[e] = v;
    }
    uint hwo = pc.ho * pc.wo;
    [[unroll]] for (uint e = 0; e < B_LOADS; e++) {
        uint k = k0 + stage_b_k(e);
        uint co = k / TKHW, r = k - co * TKHW;
        uint ty = r / TKW, tx = r - ty * TKW;
        int oh = col_oh0 - int(ty), ow = col_ow0 - int(tx);
        float v = 0.0;
        if (col_valid && k < gemm_k_end && uint(oh) < pc.ho && uint(ow) < pc.wo &&
            ky0 + SH * ty < KH && kx0 + SW * tx < KW)
            v = dy[col_dy_base + co * hwo + uint(oh) * pc.wo + uint(ow)];
        b_stage[e] = v;
    }
}

void main()
{
    uint z = gl_WorkGroupID.z + pc.z_base;
    group_id = z / (SH * SW);
    uint phase = z - group_id * (SH * SW);
    uint py = phase / SW, px = phase - py * SW;
    // ih + pad - ky must be a multiple of SH; ih = py (mod SH) fixes ky (mod SH).
    ky0 = (py + uint(pc.pad_t)) % SH;
    kx0 = (px + uint(pc.pad_l)) % SW;
    uint cy = (py + uint(pc.pad_t) - ky0) / SH, cx = (px + uint(pc.pad_l) - kx0) / SW;

    uint hwq = pc.hq * pc.wq;
    uint n_total = pc.batch * hwq;
    uint m0 = (gl_WorkGroupID.y + pc.tile_m_base) * BM;
    uint n0 = (gl_WorkGroupID.x + pc.tile_n_base) * BN;

    uint n = n0 + stage_b_n(0);
    uint nb = n / hwq, q = n - nb * hwq;
    uint iq = q / pc.wq, jq = q - iq * pc.wq;
    col_valid = n < n_total && py + SH * iq < pc.h && px + SW * jq < pc.w;
    col_dy_base = (nb * pc.cout + group_id * pc.cout_g) * pc.ho * pc.wo;
    col_oh0 = int(iq + cy);
    col_ow0 = int(jq + cx);

    gemm_mainloop(m0, n0, 0, pc.cout_g * TKHW);

    [[unroll]] for (uint j = 0; j < TN; j++) {
        uint nn = n0 + gemm_col(j);
        if (nn >= n_total) continue;
        uint onb = nn / hwq, oq = nn - onb * hwq;
        uint oiq = oq / pc.wq, ojq = oq - oiq * pc.wq;
        uint ih = py + SH * oiq, iw = px + SW * ojq;
        if (ih >= pc.h || iw >= pc.w) continue;
        [[unroll]] for (uint i = 0; i < TM; i++) {
            uint m = m0 + gemm_row(i);
            if (m >= pc.cin_g) continue;
            uint ci = group_id * pc.cin_g + m;
            float v = acc[i * TN + j];
            if (pc.has_bias != 0) v += bias[ci];
            dx[((onb * pc.cin + ci) * pc.h + ih) * pc.w + iw] = v;
        }
    }
}
