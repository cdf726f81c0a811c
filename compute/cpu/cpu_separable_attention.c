/* Separable transpose attention on the CPU (ops.h, op_separable_attention_*).
 *
 * The score convolution of K = ka + kx + ky is split into three parts, each per border class
 * (compute/ops/sepattn_geometry.h): SA from ka (constant over a map), SX from kx (varies along x),
 * SY from ky (varies along y). They are small GEMMs. The per-pixel pass then rebuilds each score from
 * three numbers, takes the softmax over heads and mixes the values, row by row, vectorised along x;
 * the backward pass does the same and reduces the pixel gradients straight back onto the parts.
 *
 * Layouts of the parts (R = k classes, q = (o, ry, rx) and so on):
 *   SA  [N*h][C][R][R]      SX  [h][C][R][W]      SYt [h][C][R][H]   (SY stored transposed: per
 *   column class, a run along y)
 * and the kernel sums they are made with:
 *   wa [C][C][R][R] = W_c2[c][(o,ry,rx)]  (sum over the valid (dy, dx) of a class pair)
 *   wy [(o,ry)][(c,dx)]                    (sum over the valid dy of a row class)
 *   wx [(o,rx)][(c,dy)]                    (sum over the valid dx of a column class) */
#include <cblas.h>
#include <string.h>

#include "compute/cpu/cpu_internal.h"
#include "compute/cpu/cpu_math.h"
#include "compute/cpu/cpu_ops.h"
#include "compute/ops/sepattn_geometry.h"

/* Everything the two passes share, carved out of one scratch block of the calling thread. */
typedef struct sepattn_work {
    sepattn_geometry g;
    float scale;
    size_t nsa, nsx, nsy;           /* element counts of SA, SX, SYt */
    float *wa, *wy, *wx;            /* kernel sums */
    float *xcol, *ycol;             /* [h][(c,dx)][W], [h][(c,dy)][H] */
    float *sa, *sx, *sy;            /* score parts */
    /* backward only */
    float *gsa, *gsx, *gsy;         /* their gradients, same layouts */
    float *dva, *dvx, *dvy;         /* value gradients [N][h][C], [h][C][W], [h][C][H] */
    float *dcol;                    /* one head's column gradient, [(c,dx)][max(W,H)] */
    float *dwa, *dwy, *dwx;         /* kernel-sum gradients */
} sepattn_work;

/* Splits one scratch block into the arrays above (the backward ones only when `backward`). */
static void work_init(sepattn_work *w, const sepattn_tensors *in, float scale, bool backward)
{
    memset(w, 0, sizeof *w);
    sepattn_geometry g = sepattn_geometry_of(in);
    w->g = g;
    w->scale = scale;
    size_t R = (size_t)g.classes, C = (size_t)g.c, k = (size_t)g.k, h = (size_t)g.heads, N = (size_t)g.n;
    size_t H = (size_t)g.H, W = (size_t)g.W, L = H > W ? H : W;
    w->nsa = N * h * C * R * R;
    w->nsx = h * C * R * W;
    w->nsy = h * C * R * H;
    size_t nwa = C * C * R * R, nwy = C * R * C * k;
    const size_t sizes[18] = {nwa, nwy, nwy, h * C * k * W, h * C * k * H, w->nsa, w->nsx, w->nsy,
                              w->nsa, w->nsx, w->nsy, N * h * C, h * C * W, h * C * H, C * k * L, nwa, nwy, nwy};
    float **const slots[18] = {&w->wa, &w->wy, &w->wx, &w->xcol, &w->ycol, &w->sa, &w->sx, &w->sy,
                               &w->gsa, &w->gsx, &w->gsy, &w->dva, &w->dvx, &w->dvy, &w->dcol, &w->dwa, &w->dwy, &w->dwx};
    const int count = backward ? 18 : 8;
    size_t total = 0;
    for (int i = 0; i < count; i++) total += (sizes[i] + 15) & ~(size_t)15;   /* 64-byte aligned pieces */
    float *base = cpu_scratch(CPU_SCRATCH_ATTENTION, total);
    for (int i = 0; i < count; i++) {
        *slots[i] = base;
        base += (sizes[i] + 15) & ~(size_t)15;
    }
}

/* The kernel sums wa, wy, wx of ws (see the header comment). */
static void kernel_sums(sepattn_work *w, const float *ws)
{
    const sepattn_geometry *g = &w->g;
    int C = g->c, k = g->k, R = g->classes;
    for (int c = 0; c < C; c++)
        for (int o = 0; o < C; o++) {
            const float *kern = ws + ((size_t)o * C + c) * k * k;
            for (int ry = 0; ry < R; ry++) {
                for (int rx = 0; rx < R; rx++) {
                    double s = 0;
                    for (int dy = 0; dy < k; dy++) {
                        if (!sepattn_valid(ry, dy, g->H, g->before, g->after)) continue;
                        for (int dx = 0; dx < k; dx++)
                            if (sepattn_valid(rx, dx, g->W, g->before, g->after)) s += kern[dy * k + dx];
                    }
                    w->wa[(((size_t)c * C + o) * R + ry) * R + rx] = (float)s;
                }
                for (int dx = 0; dx < k; dx++) {
                    double s = 0;
                    for (int dy = 0; dy < k; dy++)
                        if (sepattn_valid(ry, dy, g->H, g->before, g->after)) s += kern[dy * k + dx];
                    w->wy[(((size_t)o * R + ry) * C + c) * k + dx] = (float)s;
                }
            }
            for (int rx = 0; rx < R; rx++)
                for (int dy = 0; dy < k; dy++) {
                    double s = 0;
                    for (int dx = 0; dx < k; dx++)
                        if (sepattn_valid(rx, dx, g->W, g->before, g->after)) s += kern[dy * k + dx];
                    w->wx[(((size_t)o * R + rx) * C + c) * k + dy] = (float)s;
                }
        }
}

/* col[(c,d)][p] = v[c][p + d - before] (0 outside), for one head's [C][len] line parts. */
static void line_columns(const float *v, int C, int len, int k, int before, float *col)
{
    for (int c = 0; c < C; c++)
        for (int d = 0; d < k; d++) {
            float *dst = col + ((size_t)c * k + d) * len;
            for (int p = 0; p < len; p++) {
                int src = p + d - before;
                dst[p] = src >= 0 && src < len ? v[(size_t)c * len + src] : 0.0f;
            }
        }
}

/* v[c][src] = sum over d of col[(c,d)][src - d + before]: the transpose of line_columns. */
static void line_columns_transpose(const float *col, int C, int len, int k, int before, float *v)
{
    for (int c = 0; c < C; c++) {
        float *dst = v + (size_t)c * len;
        memset(dst, 0, sizeof(float) * (size_t)len);
        for (int d = 0; d < k; d++) {
            const float *src = col + ((size_t)c * k + d) * len;
            for (int p = 0; p < len; p++) {
                int s = p + d - before;
                if (s >= 0 && s < len) dst[s] += src[p];
            }
        }
    }
}

/* The three score parts from the key parts. */
static void score_parts(sepattn_work *w, const sepattn_tensors *in)
{
    const sepattn_geometry *g = &w->g;
    int C = g->c, k = g->k, R = g->classes, h = g->heads, H = g->H, W = g->W;
    int nh = g->n * h, q = C * R * R;
    kernel_sums(w, in->ws->data);
    /* SA = scale * ka wa */
    cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, nh, q, C, w->scale, in->ka->data, C, w->wa, q, 0.0f,
                w->sa, q);
    for (int j = 0; j < h; j++) {
        float *xc = w->xcol + (size_t)j * C * k * W, *yc = w->ycol + (size_t)j * C * k * H;
        line_columns(in->kx->data + (size_t)j * C * W, C, W, k, g->before, xc);
        line_columns(in->ky->data + (size_t)j * C * H, C, H, k, g->before, yc);
        cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, C * R, W, C * k, w->scale, w->wy, C * k, xc, W, 0.0f,
                    w->sx + (size_t)j * C * R * W, W);
        cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, C * R, H, C * k, w->scale, w->wx, C * k, yc, H, 0.0f,
                    w->sy + (size_t)j * C * R * H, H);
    }
}

/* Scores of row y of channel o of sample n for every head: s[j][x]. */
CPU_VECTOR_CLONES
static void score_rows(const sepattn_work *w, int n, int o, int y, float *s)
{
    const sepattn_geometry *g = &w->g;
    int C = g->c, R = g->classes, h = g->heads, H = g->H, W = g->W, in = g->before;
    int ry = sepattn_class(y, H, g->before, g->after);
    for (int j = 0; j < h; j++) {
        const float *sx = w->sx + (((size_t)j * C + o) * R + ry) * W;
        const float *sa = w->sa + ((size_t)(n * h + j) * C + o) * R * R + (size_t)ry * R;
        const float *sy = w->sy + ((size_t)j * C + o) * R * H + y;
        float *dst = s + (size_t)j * W;
        const float inner = sa[in] + sy[(size_t)in * H];
#pragma omp simd
        for (int x = 0; x < W; x++) dst[x] = sx[x] + inner;
        for (int x = 0; x < g->before; x++) dst[x] = sx[x] + sa[x] + sy[(size_t)x * H];
        for (int x = W - g->after; x < W; x++) {
            int rx = sepattn_class(x, W, g->before, g->after);
            dst[x] = sx[x] + sa[rx] + sy[(size_t)rx * H];
        }
    }
}

/* Softmax over heads of s[h][W] in place (s becomes w), with the value mix t[x] = sum_j w_j V_j, for
 * row y of channel o of sample n. */
CPU_VECTOR_CLONES
static void softmax_mix_row(const sepattn_tensors *in, const sepattn_geometry *g, int n, int o, int y, float *s,
                            float *vrow, float *mx, float *sum, float *t)
{
    int C = g->c, h = g->heads, H = g->H, W = g->W;
#pragma omp simd
    for (int x = 0; x < W; x++) mx[x] = s[x];
    for (int j = 1; j < h; j++) {
        const float *sj = s + (size_t)j * W;
#pragma omp simd
        for (int x = 0; x < W; x++) mx[x] = sj[x] > mx[x] ? sj[x] : mx[x];
    }
#pragma omp simd
    for (int x = 0; x < W; x++) { sum[x] = 0.0f; t[x] = 0.0f; }
    for (int j = 0; j < h; j++) {
        float *sj = s + (size_t)j * W, *vj = vrow + (size_t)j * W;
        const float *vx = in->vx->data + ((size_t)j * C + o) * W;
        const float vc = in->va->data[((size_t)n * h + j) * C + o] + in->vy->data[((size_t)j * C + o) * H + y];
#pragma omp simd
        for (int x = 0; x < W; x++) {
            float e = cpu_expf(sj[x] - mx[x]);
            float v = vc + vx[x];
            sj[x] = e;
            vj[x] = v;
            sum[x] += e;
            t[x] += e * v;
        }
    }
#pragma omp simd
    for (int x = 0; x < W; x++) { sum[x] = 1.0f / sum[x]; t[x] *= sum[x]; }
    for (int j = 0; j < h; j++) {
        float *sj = s + (size_t)j * W;
#pragma omp simd
        for (int x = 0; x < W; x++) sj[x] *= sum[x];
    }
}

void cpu_separable_attention_forward(const sepattn_tensors *in, float scale, tensor *t, tensor *wout)
{
    sepattn_work w;
    work_init(&w, in, scale, false);
    score_parts(&w, in);
    const sepattn_geometry g = w.g;
    const int tasks = g.n * g.c;
    const size_t plane = (size_t)g.H * g.W;
#pragma omp parallel for num_threads(cpu_threads_for((size_t)tasks * plane * g.heads * 8)) schedule(static)
    for (int task = 0; task < tasks; task++) {
        int n = task / g.c, o = task % g.c;
        float *buf = cpu_scratch(CPU_SCRATCH_COL, (size_t)g.W * (2 * (size_t)g.heads + 2));
        float *s = buf, *vrow = s + (size_t)g.heads * g.W, *mx = vrow + (size_t)g.heads * g.W, *sum = mx + g.W;
        for (int y = 0; y < g.H; y++) {
            float *trow = t->data + ((size_t)task * g.H + y) * g.W;
            score_rows(&w, n, o, y, s);
            softmax_mix_row(in, &g, n, o, y, s, vrow, mx, sum, trow);
            if (wout)
                for (int j = 0; j < g.heads; j++)
                    memcpy(wout->data + (((size_t)n * g.heads + j) * g.c + o) * plane + (size_t)y * g.W,
                           s + (size_t)j * g.W, sizeof(float) * (size_t)g.W);
        }
    }
}

/* Per-channel accumulators of the backward pass (double, one block per thread). */
typedef struct channel_acc {
    double *dva;   /* [N][h] */
    double *dvx;   /* [h][W] */
    double *dvy;   /* [h][H] */
    double *gsa;   /* [N][h][R][R] */
    double *gsx;   /* [h][R][W] */
    double *gsy;   /* [h][R][H] */
    size_t total;
} channel_acc;

static channel_acc channel_acc_make(const sepattn_geometry *g)
{
    size_t N = (size_t)g->n, h = (size_t)g->heads, R = (size_t)g->classes, H = (size_t)g->H, W = (size_t)g->W;
    size_t sizes[6] = {N * h, h * W, h * H, N * h * R * R, h * R * W, h * R * H};
    size_t total = 0;
    for (int i = 0; i < 6; i++) total += sizes[i];
    double *p = cpu_scratch_double(CPU_SCRATCH_DOUBLE, total);
    memset(p, 0, sizeof(double) * total);
    channel_acc a = {.total = total};
    double **dst[6] = {&a.dva, &a.dvx, &a.dvy, &a.gsa, &a.gsx, &a.gsy};
    for (int i = 0; i < 6; i++) { *dst[i] = p; p += sizes[i]; }
    return a;
}

/* Gradients of row y of channel o of sample n onto the channel's accumulators. s holds w after
 * softmax_mix_row, vrow the values, t the mixed row; g_ and ds are row scratch. */
CPU_VECTOR_CLONES
static void backward_row(const sepattn_geometry *g, int n, int y, const float *s, const float *vrow,
                         const float *t, const float *dt, float *gr, float *ds, channel_acc *a)
{
    int h = g->heads, H = g->H, W = g->W, R = g->classes;
    int ry = sepattn_class(y, H, g->before, g->after);
    for (int j = 0; j < h; j++) {
        const float *wj = s + (size_t)j * W, *vj = vrow + (size_t)j * W;
        double *dvx = a->dvx + (size_t)j * W, *gsx = a->gsx + ((size_t)j * R + ry) * W;
        float gsum = 0.0f, inner = 0.0f;
#pragma omp simd reduction(+ : gsum)
        for (int x = 0; x < W; x++) {
            float gv = wj[x] * dt[x];
            gr[x] = gv;
            ds[x] = gv * (vj[x] - t[x]);
            gsum += gv;
            dvx[x] += gv;
            gsx[x] += ds[x];
        }
#pragma omp simd reduction(+ : inner)
        for (int x = g->before; x < W - g->after; x++) inner += ds[x];
        a->dva[(size_t)n * h + j] += gsum;
        a->dvy[(size_t)j * H + y] += gsum;
        double *gsa = a->gsa + (((size_t)n * h + j) * R + ry) * R;
        double *gsy = a->gsy + (size_t)j * R * H + y;
        gsa[g->before] += inner;
        gsy[(size_t)g->before * H] += inner;
        for (int x = 0; x < g->before; x++) { gsa[x] += ds[x]; gsy[(size_t)x * H] += ds[x]; }
        for (int x = W - g->after; x < W; x++) {
            int rx = sepattn_class(x, W, g->before, g->after);
            gsa[rx] += ds[x];
            gsy[(size_t)rx * H] += ds[x];
        }
    }
}

/* Channel o's accumulators into the shared float arrays of w. */
static void channel_acc_store(const channel_acc *a, sepattn_work *w, int o)
{
    const sepattn_geometry *g = &w->g;
    int N = g->n, h = g->heads, C = g->c, R = g->classes, H = g->H, W = g->W;
    for (int m = 0; m < N * h; m++) {
        w->dva[(size_t)m * C + o] = (float)a->dva[m];
        for (int r = 0; r < R * R; r++) w->gsa[((size_t)m * C + o) * R * R + r] = (float)a->gsa[(size_t)m * R * R + r];
    }
    for (int j = 0; j < h; j++) {
        for (int x = 0; x < W; x++) w->dvx[((size_t)j * C + o) * W + x] = (float)a->dvx[(size_t)j * W + x];
        for (int y = 0; y < H; y++) w->dvy[((size_t)j * C + o) * H + y] = (float)a->dvy[(size_t)j * H + y];
        for (int r = 0; r < R; r++) {
            for (int x = 0; x < W; x++)
                w->gsx[(((size_t)j * C + o) * R + r) * W + x] = (float)a->gsx[((size_t)j * R + r) * W + x];
            for (int y = 0; y < H; y++)
                w->gsy[(((size_t)j * C + o) * R + r) * H + y] = (float)a->gsy[((size_t)j * R + r) * H + y];
        }
    }
}

/* From the gradients of the score parts to those of ka, kx, ky and ws. */
static void score_parts_backward(sepattn_work *w, const sepattn_tensors *in, const sepattn_tensors *grad)
{
    const sepattn_geometry *g = &w->g;
    int C = g->c, k = g->k, R = g->classes, h = g->heads, H = g->H, W = g->W;
    int nh = g->n * h, q = C * R * R;
    float sc = w->scale;
    if (grad->ka)
        cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, nh, C, q, sc, w->gsa, q, w->wa, q, 0.0f,
                    grad->ka->data, C);
    for (int j = 0; j < h; j++) {
        if (grad->kx) {
            cblas_sgemm(CblasRowMajor, CblasTrans, CblasNoTrans, C * k, W, C * R, sc, w->wy, C * k,
                        w->gsx + (size_t)j * C * R * W, W, 0.0f, w->dcol, W);
            line_columns_transpose(w->dcol, C, W, k, g->before, grad->kx->data + (size_t)j * C * W);
        }
        if (grad->ky) {
            cblas_sgemm(CblasRowMajor, CblasTrans, CblasNoTrans, C * k, H, C * R, sc, w->wx, C * k,
                        w->gsy + (size_t)j * C * R * H, H, 0.0f, w->dcol, H);
            line_columns_transpose(w->dcol, C, H, k, g->before, grad->ky->data + (size_t)j * C * H);
        }
    }
    if (!grad->ws) return;
    cblas_sgemm(CblasRowMajor, CblasTrans, CblasNoTrans, C, q, nh, sc, in->ka->data, C, w->gsa, q, 0.0f, w->dwa, q);
    for (int j = 0; j < h; j++) {
        cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, C * R, C * k, W, sc, w->gsx + (size_t)j * C * R * W, W,
                    w->xcol + (size_t)j * C * k * W, W, j ? 1.0f : 0.0f, w->dwy, C * k);
        cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, C * R, C * k, H, sc, w->gsy + (size_t)j * C * R * H, H,
                    w->ycol + (size_t)j * C * k * H, H, j ? 1.0f : 0.0f, w->dwx, C * k);
    }
    /* Each kernel tap collects the gradient of every kernel sum it is part of. */
    for (int o = 0; o < C; o++)
        for (int c = 0; c < C; c++)
            for (int dy = 0; dy < k; dy++)
                for (int dx = 0; dx < k; dx++) {
                    double s = 0;
                    for (int ry = 0; ry < R; ry++) {
                        if (!sepattn_valid(ry, dy, H, g->before, g->after)) continue;
                        s += w->dwy[(((size_t)o * R + ry) * C + c) * k + dx];
                        for (int rx = 0; rx < R; rx++)
                            if (sepattn_valid(rx, dx, W, g->before, g->after))
                                s += w->dwa[(((size_t)c * C + o) * R + ry) * R + rx];
                    }
                    for (int rx = 0; rx < R; rx++)
                        if (sepattn_valid(rx, dx, W, g->before, g->after))
                            s += w->dwx[(((size_t)o * R + rx) * C + c) * k + dy];
                    grad->ws->data[(((size_t)o * C + c) * k + dy) * k + dx] = (float)s;
                }
}

void cpu_separable_attention_backward(const sepattn_tensors *in, float scale, const tensor *dt,
                                      const sepattn_tensors *grad)
{
    sepattn_work w;
    work_init(&w, in, scale, true);
    score_parts(&w, in);
    const sepattn_geometry g = w.g;
    const size_t plane = (size_t)g.H * g.W;
    /* One task per channel: every gradient of a channel's pixels lands in that channel's slice, so the
     * tasks never write the same element. */
#pragma omp parallel for num_threads(cpu_threads_for((size_t)g.n * g.c * plane * g.heads * 16)) schedule(static)
    for (int o = 0; o < g.c; o++) {
        channel_acc acc = channel_acc_make(&g);
        float *buf = cpu_scratch(CPU_SCRATCH_COL, (size_t)g.W * (2 * (size_t)g.heads + 5));
        float *s = buf, *vrow = s + (size_t)g.heads * g.W, *mx = vrow + (size_t)g.heads * g.W, *sum = mx + g.W;
        float *t = sum + g.W, *gr = t + g.W, *ds = gr + g.W;
        for (int n = 0; n < g.n; n++)
            for (int y = 0; y < g.H; y++) {
                score_rows(&w, n, o, y, s);
                softmax_mix_row(in, &g, n, o, y, s, vrow, mx, sum, t);
                const float *dtrow = dt->data + (((size_t)n * g.c + o) * g.H + y) * g.W;
                backward_row(&g, n, y, s, vrow, t, dtrow, gr, ds, &acc);
            }
        channel_acc_store(&acc, &w, o);
    }
    if (grad->va) memcpy(grad->va->data, w.dva, sizeof(float) * grad->va->numel);
    if (grad->vx) memcpy(grad->vx->data, w.dvx, sizeof(float) * grad->vx->numel);
    if (grad->vy) memcpy(grad->vy->data, w.dvy, sizeof(float) * grad->vy->numel);
    score_parts_backward(&w, in, grad);
}
