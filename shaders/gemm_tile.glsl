// Tiled shared-memory GEMM core shared by gemm.comp and the implicit-GEMM convolution shaders.
//
// One workgroup computes a BM x BN tile of C = A (M x K) * B (K x N); each invocation owns a TM x TN
// register micro-tile (rows ty*TM.., columns tx*TN..) so shared-memory reads are vec4s. K is walked in
// BK-deep slices: the next slice is fetched from global memory into registers while the current one is
// multiplied out of shared memory.
//
// The including shader must, before including this file:
//   - #extension GL_EXT_control_flow_attributes : enable
//   - define `const bool A_K_FAST` / `B_K_FAST` (or spec constants of that name): whether consecutive
//     invocations load consecutive k (true) or consecutive m / n (false) of the A / B tile, chosen so
//     that global loads coalesce;
// and after including it, define `void gemm_load_stage(uint k0)` which fills a_stage[e] with
// A(gemm_tile_m0 + stage_a_m(e), k0 + stage_a_k(e)) and b_stage[e] with B(k0 + stage_b_k(e),
// gemm_tile_n0 + stage_b_n(e)), returning 0 outside the matrix and for k >= gemm_k_end.
//
// Constraints the host glue guarantees: TM, TN multiples of 4; NT = (BM/TM)*(BN/TN) divides BM*BK and
// BK*BN, and NT is a multiple of the extent that is loaded fastest (BK, BM or BN).

layout(local_size_x_id = 0) in;
layout(constant_id = 1) const uint BM = 32;
layout(constant_id = 2) const uint BN = 32;
layout(constant_id = 3) const uint BK = 8;
layout(constant_id = 4) const uint TM = 4;
layout(constant_id = 5) const uint TN = 4;

const uint WM = BM / TM;              // invocations along m
const uint WN = BN / TN;              // invocations along n
const uint NT = WM * WN;              // invocations per workgroup (= local_size_x)
const uint A_LOADS = (BM * BK) / NT;
const uint B_LOADS = (BK * BN) / NT;
// Rows of the shared tiles are padded by one vec4 so that staging stores with k fastest spread over banks.
const uint AS_STRIDE4 = BM / 4 + 1;
const uint BS_STRIDE4 = BN / 4 + 1;

shared vec4 As[BK * AS_STRIDE4];      // As[k][m]
shared vec4 Bs[BK * BS_STRIDE4];      // Bs[k][n]

float acc[TM * TN];
float a_stage[A_LOADS];
float b_stage[B_LOADS];

uint gemm_tile_m0;                    // first row / column of this workgroup's tile
uint gemm_tile_n0;
uint gemm_k_end;                      // loads at k >= gemm_k_end must return 0

uint gemm_tx() { return gl_LocalInvocationIndex % WN; }
uint gemm_ty() { return gl_LocalInvocationIndex / WN; }
// Row / column (relative to the tile) of accumulator acc[i*TN + j].
uint gemm_row(uint i) { return gemm_ty() * TM + i; }
uint gemm_col(uint j) { return gemm_tx() * TN + j; }

uint stage_linear(uint e) { return gl_LocalInvocationIndex + e * NT; }
uint stage_a_m(uint e) { return A_K_FAST ? stage_linear(e) / BK : stage_linear(e) % BM; }
uint stage_a_k(uint e) { return A_K_FAST ? stage_linear(e) % BK : stage_linear(e) / BM; }
uint stage_b_n(uint e) { return B_K_FAST ? stage_linear(e) / BK : stage_linear(e) % BN; }
uint stage_b_k(uint e) { return B_K_FAST ? stage_linear(e) % BK : stage_linear(e) / BN; }

void gemm_load_stage(uint k0);

void gemm_store_stage()
{
    [[unroll]] for (uint e = 0; e < A_LOADS; e++) {
        uint m = stage_a_m(e), k = stage_a_k(e);
        As[k * AS_STRIDE4 + m / 4][m % 4] = a_stage[e];
    }
    [[unroll]] for (uint e = 0; e < B_LOADS; e++) {
        uint n = stage_b_n(e), k = stage_b_k(e);
        Bs[k * BS_STRIDE4 + n / 4][n % 4] = b_stage[e];
    }
}

void gemm_tile_fma()
{
    uint arow = gemm_ty() * (TM / 4), bcol = gemm_tx() * (TN / 4);
    [[unroll]] for (uint kk = 0; kk < BK; kk++) {
        vec4 a[TM / 4];
        vec4 b[TN / 4];
        [[unroll]] for (uint i = 0; i < TM / 4; i++) a[i] = As[kk * AS_STRIDE4 + arow + i];
        [[unroll]] for (uint j = 0; j < TN / 4; j++) b[j] = Bs[kk * BS_STRIDE4 + bcol + j];
        [[unroll]] for (uint i = 0; i < TM; i++)
            [[unroll]] for (uint j = 0; j < TN; j++)
                acc[i * TN + j] = fma(a[i / 4][i % 4], b[j / 4][j % 4], acc[i * TN + j]);
    }
}

// Accumulates A(m0.., kbegin..kend) * B(kbegin..kend, n0..) into acc (zeroed first). kbegin/kend must be
// the same for the whole workgroup (barriers inside).
void gemm_mainloop(uint m0, uint n0, uint kbegin, uint kend)
{
    gemm_tile_m0 = m0;
    gemm_tile_n0 = n0;
    gemm_k_end = kend;
    [[unroll]] for (uint i = 0; i < TM * TN; i++) acc[i] = 0.0;
    if (kbegin >= kend) return;
    gemm_load_stage(kbegin);
    for (uint k0 = kbegin; k0 < kend; k0 += BK) {
        barrier();                       // every invocation is done reading the previous slice
        gemm_store_stage();
        barrier();
        if (k0 + BK < kend) gemm_load_stage(k0 + BK);   // in flight while this slice is multiplied
        gemm_tile_fma();
    }
}
