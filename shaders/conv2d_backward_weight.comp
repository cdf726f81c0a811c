#version 450
// Conv2d backward-weight as a GEMM whose reduction runs over batch and output pixels:
//   dw[g*Mg + m, n] = sum_k dy[nb, g*Mg + m, oh, ow] * x[nb, g*Cg + ci, oh*sh - pad_t + ky, ow*sw - pad_l + kx]
// M = Mg = Cout/groups, N = Cg*KH*KW (n = (ci, ky, kx), dw's own layout), K = batch*Ho*Wo (k = (nb, oh, ow)).
// gl_WorkGroupID.z = split * groups + g: split s sums k in [s*k_per_split, ...) into slice s of `out`
// (out_split_stride floats apart); gemm_splitk_reduce adds the slices when there is more than one.
// Also ConvTranspose2d's backward-weight with x and dy exchanged.
#extension GL_EXT_control_flow_attributes : enable

const bool A_K_FAST = true;    // dy: consecutive k are consecutive pixels
const bool B_K_FAST = true;    // x: likewise

#include "gemm_tile.glsl"

layout(constant_id = 6) const uint KH = 1;
layout(constant_id = 7) const uint KW = 1;
const uint KHW = KH * KW;

layout(std430, set = 0, binding = 0) readonly buffer XBuf { float x[]; };
layout(std430, set = 0, binding = 1) readonly buffer DyBuf { float dy[]; };
layout(std430, set = 0, binding = 2) writeonly buffer OutBuf { float dw_out[]; };

layout(push_constant) uniform Push {
    uint tile_n_base, tile_m_base, z_base;
    uint batch, cin, h, w, cout, ho, wo;
    uint cin_g, cout_g;
    uint stride_h, stride_w;
    int pad_t, pad_l;
    uint groups;
    uint k_per_split;
    uint out_split_stride;
} pc;

uint group_id;

void gemm_load_stage(uint k0)
{
    // With k fastest and NT a multiple of BK, this invocation loads the same k for every element.
    uint k = k0 + stage_a_k(0);
    uint hwo = pc.ho * pc.wo;
    uint nb = k / hwo, p = k - nb * hwo;
    uint oh = p / pc.wo, ow = p - oh * pc.wo;
    bool k_ok = k < gemm_k_end;

    uint dy_base = (nb * pc.cout + group_id * pc.cout_g) * hwo + p;
    [[unroll]] for (uint e = 0; e < A_LOADS; e++) {
        uint m = gemm_tile_m0 + stage_a_m(e);
        float v = 0.0;
        if (k_ok && m < pc.cout_g) v = dy[dy_base + m * hwo];
        a_stage[e] = v;
    }
    uint hw = pc.h * pc.w;
    uint x_base = (nb * pc.cin + group_id * pc.cin_g) * hw;
    int ih0 = int(oh * pc.stride_h) - pc.pad_t, iw0 = int(ow * pc.stride_w) - pc.pad_l;
    uint n_total = pc.cin_g * KHW;
    [[unroll]] for (uint e = 0; e < B_LOADS; e++) {
        uint n = gemm_tile_n0 + stage_b_n(e);
        uint ci = n / KHW, r = n - ci * KHW;
        uint ky = r / KW, kx = r - ky * KW;
        int ih = ih0 + int(ky), iw = iw0 + int(kx);
        float v = 0.0;
        if (k_ok && n < n_total && uint(ih) < pc.h && uint(iw) < pc.w)
            v = x[x_base + ci * hw + uint(ih) * pc.w + uint(iw)];
        b_stage[e] = v;
    }
}

void main()
{
    uint z = gl_WorkGroupID.z + pc.z_base;
    uint split = z / pc.groups;
    group_id = z - split * pc.groups;
    uint n_total = pc.cin_g * KHW;
    uint k_total = pc.batch * pc.ho * pc.wo;
    uint m0 = (gl_WorkGroupID.y + pc.tile_m_base) * BM;
    uint n0 = (gl_WorkGroupID.x + pc.tile_n_base) * BN;
    uint kb = split * pc.k_per_split;
    gemm_mainloop(m0, n0, kb, min(k_total, kb + pc.k_per_split));

    uint out_base = split * pc.out_split_stride;
    [[unroll]] for (uint i = 0; i < TM; i++) {
        uint m = m0 + gemm_row(i);
        if (m >= pc.cout_g) continue;
        uint row = out_base + (group_id * pc.cout_g + m) * n_total;
        [[unroll]] for (uint j = 0; j < TN; j++) {
            uint n = n0 + gemm_col(j);
            if (n < n_total) dw_out[row + n] = acc[i * TN + j];
        }
    }
}
