/* Softmax over one axis on the Vulkan backend. x is viewed as [outer, axis, inner]:
 * - inner > 1 (a strided axis, e.g. IRFA's heads axis of [N, h, c, i, i]) or a short contiguous axis:
 *   one invocation per (outer, inner) column walking the axis; neighbouring invocations touch
 *   neighbouring addresses, so every access is coalesced (softmax_*_columns.comp);
 * - a long contiguous axis (inner == 1): one workgroup per row with a shared-memory reduction
 *   (softmax_*_rows.comp).
 * Either way a single dispatch. */
#include "compute/vulkan/vk_ops.h"
#include "compute/vulkan/vk_runtime.h"

#include "compute/ops/shape_util.h"

#define SOFTMAX_COLUMN_WG 256
/* Whether contiguous rows get a workgroup each rather than an invocation each. On a GPU that pays off
 * from 64 elements. CPU implementations (lavapipe, subgroup 8) run a workgroup per core thread and
 * pay dearly for its barriers: there only very long rows, or long ones too few to fill the
 * invocations of several workgroups, take the workgroup path. */
static bool use_row_workgroups(const compute_ctx *ctx, size_t rows, size_t len)
{
    if (vk_get_limits(ctx)->subgroup_size >= 16) return len >= 64;
    return len >= 4096 || (len >= 256 && rows < 8 * SOFTMAX_COLUMN_WG);
}

static void softmax_dispatch(const char *columns_shader, const char *rows_shader, const tensor *t,
                             const tensor *const *bufs, int nbufs, int axis)
{
    compute_ctx *ctx = t->ctx;
    TENSOR_CHECK(t->numel <= UINT32_MAX, "softmax: tensor too large for 32-bit indexing");
    axis_split s = shape_axis_split(t, axis);
    uint32_t write_mask = 1u << (nbufs - 1);
    uint32_t gx, gy;
    if (s.inner > 1 || !use_row_workgroups(ctx, s.outer, (size_t)s.n)) {
        struct { uint32_t ncols, axis, inner; } pc = {(uint32_t)(s.outer * s.inner), (uint32_t)s.n,
                                                      (uint32_t)s.inner};
        uint32_t spec[1] = {SOFTMAX_COLUMN_WG};
        vk_grid_1d(ctx, vk_div_up(pc.ncols, SOFTMAX_COLUMN_WG), &gx, &gy);
        vk_dispatch(ctx, columns_shader, spec, 1, &pc, sizeof pc, bufs, nbufs, write_mask, gx, gy, 1);
    } else {
        const vk_limits *lim = vk_get_limits(ctx);
        uint32_t wg = 256;
        while (wg > 32 && wg / 2 >= (uint32_t)s.n) wg >>= 1;
        while (wg > lim->max_workgroup_invocations || wg * 8u > lim->max_shared_memory) wg >>= 1;
        struct { uint32_t nrows, axis; } pc = {(uint32_t)s.outer, (uint32_t)s.n};
        uint32_t spec[1] = {wg};
        vk_grid_1d(ctx, s.outer, &gx, &gy);
        vk_dispatch(ctx, rows_shader, spec, 1, &pc, sizeof pc, bufs, nbufs, write_mask, gx, gy, 1);
    }
}

void vk_softmax_forward(const tensor *x, tensor *y, int axis)
{
    const tensor *bufs[2] = {x, y};
    softmax_dispatch("softmax_forward_columns", "softmax_forward_rows", x, bufs, 2, axis);
}

void vk_softmax_backward(const tensor *y, const tensor *dy, tensor *dx, int axis)
{
    const tensor *bufs[3] = {y, dy, dx};
    softmax_dispatch("softmax_backward_columns", "softmax_backward_rows", y, bufs, 3, axis);
}
