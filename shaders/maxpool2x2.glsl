// The window scan shared by the 2x2/stride-2 max-pool forward and backward, so both agree on the
// winner: row-major order, a later element wins only when strictly greater (ties go to the first),
// and a NaN wins (the last one) as in PyTorch.
#ifndef MAXPOOL2X2_GLSL
#define MAXPOOL2X2_GLSL

// Returns (max value, flat index into x of the winning element) for output (plane, oh, ow).
// Reads x through the macro MAXPOOL_X(i) defined by the including shader.
void maxpool2x2_window(uint plane, uint oh, uint ow, uint in_h, uint in_w,
                       out float best, out uint best_index)
{
    uint base = (plane * in_h + 2u * oh) * in_w + 2u * ow;
    best = MAXPOOL_X(base);
    best_index = base;
    for (uint k = 1u; k < 4u; ++k) {
        uint i = base + (k >> 1u) * in_w + (k & 1u);
        float v = MAXPOOL_X(i);
        if (v > best || isnan(v)) { best = v; best_index = i; }   // PyTorch: the last NaN wins
    }
}

#endif
