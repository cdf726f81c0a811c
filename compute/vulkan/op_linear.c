/* Linear on the Vulkan backend: y = x w^T + b and its gradients as strided GEMMs (shaders/gemm.comp);
 * transposes are expressed through element strides, so no operand is ever copied. */
#include "compute/vulkan/gemm.h"
#include "compute/vulkan/vk_ops.h"
#include "compute/vulkan/vk_runtime.h"

void vk_linear_forward(const tensor *x, const tensor *w, const tensor *b, tensor *y)
{
    uint32_t out = (uint32_t)w->shape[0], in = (uint32_t)w->shape[1];
    uint32_t rows = (uint32_t)x->shape[0];
    /* y(m=row, n=o) = sum_k x(row, k) w(o, k) */
    vk_gemm_desc d = {
        .m = rows, .n = out, .k = in, .batches = 1,
        .a_sm = in, .a_sk = 1, .b_sk = 1, .b_sn = in, .c_sm = out,
        .bias_mode = b ? 1 : 0,
    };
    vk_gemm(&d, x, w, b, y);
}

void vk_linear_backward(const tensor *x, const tensor *w, const tensor *dy,
                        tensor *dx, tensor *dw, tensor *db)
{
    uint32_t out = (uint32_t)w->shape[0], in = (uint32_t)w->shape[1];
    uint32_t rows = (uint32_t)dy->shape[0];
    if (dx) {   /* dx(row, i) = sum_o dy(row, o) w(o, i) */
        vk_gemm_desc d = {
            .m = rows, .n = in, .k = out, .batches = 1,
            .a_sm = out, .a_sk = 1, .b_sk = in, .b_sn = 1, .c_sm = in,
        };
        vk_gemm(&d, dy, w, NULL, dx);
    }
    if (dw) {   /* dw(o, i) = sum_row dy(row, o) x(row, i) */
        vk_gemm_desc d = {
            .m = out, .n = in, .k = rows, .batches = 1,
            .a_sm = 1, .a_sk = out, .b_sk = in, .b_sn = 1, .c_sm = in,
        };
        vk_gemm(&d, dy, x, NULL, dw);
    }
    if (db) vk_bias_grad(db->ctx, dy, rows, out, 1, db);
}
