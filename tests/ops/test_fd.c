/* Finite-difference gradient checks: for L = sum(out * r) with a random r, the op's backward with
 * upstream gradient r must match (L(x + eps e_i) - L(x - eps e_i)) / 2eps at sampled coordinates i. */
#include <float.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "tests/ops/op_suites.h"

/* Step for float inputs of order 1: large enough that the rounding of y (~1e-7 relative) divided by
 * 2 eps stays ~1e-5, small enough that curvature (eps^2 f''' / 6) is ~1e-5 too. */
#define FD_EPS 1e-2f
/* Coordinates checked per gradient (all of them when there are fewer), plus the first and last. */
#define FD_SAMPLES 32
/* |fd - analytic| <= FD_ATOL * scale + FD_RTOL * |analytic| (scale = the gradient's magnitude) */
#define FD_ATOL 3e-3
#define FD_RTOL 1e-2
/* ... + the float resolution of L's change: this many roundings of every output that changed (an
 * output that sums many terms, like a mean over 5000 elements, carries a few). */
#define FD_NOISE_ULPS 4.0

/* The output the check differentiates, at the current inputs (caller frees with ot_set_free). */
static const ot_array *forward_output(compute_ctx *ctx, const ot_op *op, const cJSON *params, const ot_set *in,
                                      const ot_array *r, ot_set *out)
{
    memset(out, 0, sizeof *out);
    op->run(ctx, params, in, out, 0);
    const ot_array *y = ot_set_find(out, op->fd_output);
    return y && y->numel == r->numel ? y : NULL;
}

/* dL = L(x+) - L(x-) with L = sum(y * r), summed in double over the outputs that changed; *noise gets
 * the float resolution of that difference: FD_NOISE_ULPS float roundings of each changed output
 * (unchanged outputs are computed identically at both points and cancel exactly). */
static double loss_difference(const ot_array *yp, const ot_array *ym, const ot_array *r, double *noise)
{
    double d = 0, mag = 0;
    for (size_t j = 0; j < r->numel; j++) {
        if (yp->data[j] == ym->data[j]) continue;
        d += ((double)yp->data[j] - (double)ym->data[j]) * (double)r->data[j];
        mag += 0.5 * (fabs(yp->data[j]) + fabs(ym->data[j])) * fabs(r->data[j]);
    }
    *noise = FD_NOISE_ULPS * FLT_EPSILON * mag;
    return d;
}

static void check_one_grad(compute_ctx *ctx, const ot_op *op, const char *case_name, const cJSON *params,
                           ot_set *in, const ot_grad_pair *pair, const ot_array *analytic,
                           const ot_array *r, ot_rng *rng)
{
    ot_array *x = ot_set_get(in, pair->input);
    if (!ot_check(analytic->numel == x->numel, "%s fd: %s has %zu elements, %s has %zu", case_name,
                  pair->grad, analytic->numel, pair->input, x->numel))
        return;

    size_t n = x->numel;
    size_t coords[FD_SAMPLES + 2], ncoords = 0;
    if (n <= FD_SAMPLES + 2) {
        for (size_t i = 0; i < n; i++) coords[ncoords++] = i;
    } else {
        coords[ncoords++] = 0;
        coords[ncoords++] = n - 1;
        while (ncoords < FD_SAMPLES + 2) coords[ncoords++] = (size_t)(ot_rand_uniform(rng) * (double)n);
    }

    double fd[FD_SAMPLES + 2], noise[FD_SAMPLES + 2];
    /* The scale of this gradient: its largest analytic or numeric entry, so an all-zero backward
     * (or a gradient of size 1e-4) is judged against the true size, not against 1. */
    double scale = 1e-6;
    for (size_t i = 0; i < n; i++) scale = fmax(scale, fabs(analytic->data[i]));
    for (size_t k = 0; k < ncoords; k++) {
        size_t i = coords[k];
        float orig = x->data[i];
        float xp = orig + FD_EPS, xm = orig - FD_EPS;
        ot_set outp, outm;
        x->data[i] = xp;
        const ot_array *yp = forward_output(ctx, op, params, in, r, &outp);
        x->data[i] = xm;
        const ot_array *ym = forward_output(ctx, op, params, in, r, &outm);
        x->data[i] = orig;
        /* The float steps actually taken, not the nominal 2 eps. */
        double h = (double)xp - (double)xm, dnoise = 0;
        fd[k] = yp && ym ? loss_difference(yp, ym, r, &dnoise) / h : NAN;
        noise[k] = dnoise / h;
        ot_set_free(&outp);
        ot_set_free(&outm);
        if (isfinite(fd[k])) scale = fmax(scale, fabs(fd[k]));
    }

    double worst_excess = -1, max_err = 0;
    size_t worst = 0, bad = 0;
    for (size_t k = 0; k < ncoords; k++) {
        double an = analytic->data[coords[k]];
        double err = isfinite(fd[k]) ? fabs(fd[k] - an) : INFINITY;
        double limit = FD_ATOL * scale + FD_RTOL * fabs(an) + noise[k];
        max_err = fmax(max_err, err);
        if (!(err <= limit)) {
            bad++;
            if (err - limit > worst_excess) { worst_excess = err - limit; worst = k; }
        }
    }
    if (bad) {
        ot_fail("%s fd: %s: %zu of %zu sampled coordinates off; worst at flat index %zu: backward %.7g, "
                "finite difference %.7g (eps %g); tolerance %.3g + %.3g*|backward| + %.3g (float resolution)",
                case_name, pair->grad, bad, ncoords, coords[worst], (double)analytic->data[coords[worst]],
                fd[worst], (double)FD_EPS, FD_ATOL * scale, FD_RTOL, noise[worst]);
    } else if (ot_verbose) {
        printf("  ok %s fd: %s, %zu coordinates, max err %.3g (scale %.3g)\n", case_name, pair->grad,
               ncoords, max_err, scale);
    }
}

void ot_fd_case(compute_ctx *ctx, const ot_op *op, const char *case_name, const cJSON *params,
                const ot_set *golden, ot_rng *rng)
{
    if (!op->fd_output) return;   /* no backward (Adam) */
    ot_set in;
    ot_set_copy(&in, golden);
    if (op->make_fd_safe) op->make_fd_safe(&in, rng, FD_EPS);
    /* r is the golden upstream gradient: random N(0,1) from make_golden.py. */
    const ot_array *r = ot_set_get(&in, op->upstream);
    ot_set analytic = { 0 };
    op->run(ctx, params, &in, &analytic, OT_ALL_GRADS);
    for (int g = 0; g < OT_MAX_GRADS && op->grads[g].input; g++) {
        if (!ot_set_find(&in, op->grads[g].input)) continue;
        const ot_array *an = ot_set_find(&analytic, op->grads[g].grad);
        if (!ot_check(an != NULL, "%s fd: the backward produced no %s", case_name, op->grads[g].grad))
            continue;
        check_one_grad(ctx, op, case_name, params, &in, &op->grads[g], an, r, rng);
    }
    ot_set_free(&analytic);
    ot_set_free(&in);
}
