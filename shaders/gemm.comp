#version 450
// Strided batched GEMM: C[s][z](m, n) = sum_k A[z](m, k) B[z](k, n) (+ bias), used by Linear.
// Element strides make transposes free; A_K_FAST / B_K_FAST pick the coalescing load order.
// Split-K: z = split * batches + batch, split s covers k in [s*k_per_split, (s+1)*k_per_split) and writes
// its partial product to slice s of C (c_split_stride apart); gemm_splitk_reduce sums the slices.
#extension GL_EXT_control_flow_attributes : enable

layout(constant_id = 6) const bool A_K_FAST = true;
layout(constant_id = 7) const bool B_K_FAST = false;

#include "gemm_tile.glsl"

layout(std430, set = 0, binding = 0) readonly buffer ABuf { float a[]; };
layout(std430, set = 0, binding = 1) readonly buffer BBuf { float b[]; };
layout(std430, set = 0, binding = 2) readonly buffer BiasBuf { float bias[]; };
layout(std430, set = 0, binding = 3) writeonly buffer CBuf { float c[]; };

layout(push_constant) uniform Push {
    uint tile_n_base, tile_m_base, z_base;   // offsets when the grid is split over several dispatches
    uint M, N, K;
    uint a_sm, a_sk, b_sk, b_sn, c_sm;       // element strides of A(m,k), B(k,n), C(m,n) (C: n stride 1)
    uint batches;
    uint a_sz, b_sz, c_sz;                   // batch strides
    uint k_per_split;
    uint c_split_stride;
    uint bias_mode;                          // 0 none, 1 bias[n], 2 bias[m]
} pc;

uint a_base, b_base;

void gemm_load_stage(uint k0)
{
    [[unroll]] for (uint e = 0; e < A_LOADS; e++) {
        uint m = gemm_tile_m0 + stage_a_m(e), k = k0 + stage_a_k(e);
        float v = 0.0;
        if (m < pc.M && k < gemm_k_end) v = a[a_base + m * pc.a_sm + k * pc.a_sk];
        a_stage[e] = v;
    }
    [[unroll]] for (uint e = 0; e < B_LOADS; e++) {
        uint n = gemm_tile_n0 + stage_b_n(e), k = k0 + stage_b_k(e);
        float v = 0.0;
        if (n < pc.N && k < gemm_k_end) v = b[b_base + k * pc.b_sk + n * pc.b_sn];
        b_stage[e] = v;
    }
}

void main()
{
    uint z = gl_WorkGroupID.z + pc.z_base;
    uint split = z / pc.batches, bz = z % pc.batches;
    a_base = bz * pc.a_sz;
    b_base = bz * pc.b_sz;
    uint m0 = (gl_WorkGroupID.y + pc.tile_m_base) * BM;
    uint n0 = (gl_WorkGroupID.x + pc.tile_n_base) * BN;
    uint kb = split * pc.k_per_split;
    gemm_mainloop(m0, n0, kb, min(pc.K, kb + pc.k_per_split));

    uint c_base = split * pc.c_split_stride + bz * pc.c_sz;
    [[unroll]] for (uint i = 0; i < TM; i++) {
        uint m = m0 + gemm_row(i);
        if (m >= pc.M) continue;
        [[unroll]] for (uint j = 0; j < TN; j++) {
            uint n = n0 + gemm_col(j);
            if (n >= pc.N) continue;
            float v = acc[i * TN + j];
            if (pc.bias_mode == 1) v += bias[n];
            else if (pc.bias_mode == 2) v += bias[m];
            c[c_base + m * pc.c_sm + n] = v;
        }
    }
}
