#version 450
// Conv2d forward as an implicit GEMM (no im2col buffer), one group per gl_WorkGroupID.z:
//   y[nb, g*Mg + m, oh, ow] = sum_k w[g*Mg + m, k] * X(k, n) (+ bias)
// with M = Mg = Cout/groups, N = batch*Ho*Wo (n = (nb, oh, ow)), K = Cin/groups*KH*KW (k = (ci, ky, kx))
// and X(k, n) = x[nb, g*Cg + ci, oh*sh - pad_t + ky, ow*sw - pad_l + kx] (0 in the padding).
// KH/KW are specialization constants so the k decomposition divides by constants.
// Also ConvTranspose2d's backward-data (same weight layout, x = dy of the transpose).
#extension GL_EXT_control_flow_attributes : enable

const bool A_K_FAST = true;    // weights: consecutive k are contiguous
const bool B_K_FAST = false;   // input: consecutive n (output pixels) are (nearly) contiguous

#include "gemm_tile.glsl"

layout(constant_id = 6) const uint KH = 1;
layout(constant_id = 7) const uint KW = 1;
const uint KHW = KH * KW;

layout(std430, set = 0, binding = 0) readonly buffer XBuf { float x[]; };
layout(std430, set = 0, binding = 1) readonly buffer WBuf { float w[]; };
layout(std430, set = 0, binding = 2) readonly buffer BiasBuf { float bias[]; };
layout(std430, set = 0, binding = 3) writeonly buffer YBuf { float y[]; };

layout(push_constant) uniform Push {
    uint tile_n_base, tile_m_base, z_base;
    uint batch, cin, h, w, cout, ho, wo;
    uint cin_g, cout_g;
    uint stride_h, stride_w;
    int pad_t, pad_l;
    uint has_bias;
} pc;

uint group_id;
uint k_total;
// The B column this invocation loads is the same for every slice (NT is a multiple of BN).
bool col_valid;
uint col_x_base;   // x offset of (nb, g*Cg, 0, 0)
int col_ih0, col_iw0;

void gemm_load_stage(uint k0)
{
    uint row0 = (group_id * pc.cout_g + gemm_tile_m0) * k_total;
    [[unroll]] for (uint e = 0; e < A_LOADS; e++) {
        uint m = gemm_tile_m0 + stage_a_m(e), k = k0 + stage_a_k(e);
        float v = 0.0;
        if (m < pc.cout_g && k < gemm_k_end) v = w[row0 + stage_a_m(e) * k_total + k];
        a_stage[e] = v;
    }
    uint hw = pc.h * pc.w;
    [[unroll]] for (uint e = 0; e < B_LOADS; e++) {
        uint k = k0 + stage_b_k(e);
        uint ci = k / KHW, r = k - ci * KHW;
        uint ky = r / KW, kx = r - ky * KW;
        int ih = col_ih0 + int(ky), iw = col_iw0 + int(kx);
        float v = 0.0;
        if (col_valid && k < gemm_k_end && uint(ih) < pc.h && uint(iw) < pc.w)
            v = x[col_x_base + ci * hw + uint(ih) * pc.w + uint(iw)];
        b_stage[e] = v;
    }
}

void main()
{
    group_id = gl_WorkGroupID.z + pc.z_base;
    k_total = pc.cin_g * KHW;
    uint hwo = pc.ho * pc.wo;
    uint n_total = pc.batch * hwo;
    uint m0 = (gl_WorkGroupID.y + pc.tile_m_base) * BM;
    uint n0 = (gl_WorkGroupID.x + pc.tile_n_base) * BN;

    uint n = n0 + stage_b_n(0);
    col_valid = n < n_total;
    uint nb = n / hwo, p = n - nb * hwo;
    uint oh = p / pc.wo, ow = p - oh * pc.wo;
    col_x_base = (nb * pc.cin + group_id * pc.cin_g) * pc.h * pc.w;
    col_ih0 = int(oh * pc.stride_h) - pc.pad_t;
    col_iw0 = int(ow * pc.stride_w) - pc.pad_l;

    gemm_mainloop(m0, n0, 0, k_total);

    [[unroll]] for (uint j = 0; j < TN; j++) {
        uint nn = n0 + gemm_col(j);
        if (nn >= n_total) continue;
        uint onb = nn / hwo, op = nn - onb * hwo;
        [[unroll]] for (uint i = 0; i < TM; i++) {
            uint m = m0 + gemm_row(i);
            if (m >= pc.cout_g) continue;
            uint co = group_id * pc.cout_g + m;
            float v = acc[i * TN + j];
            if (pc.has_bias != 0) v += bias[co];
            y[(onb * pc.cout + co) * hwo + op] = v;
        }
    }
}
