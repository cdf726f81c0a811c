/* The pure helpers of ops.h: conv parameter constructors, output sizes, batchnorm defaults. The golden
 * cases exercise the size formulas on their shapes; these pin the documented values directly. */
#include <string.h>

#include "tests/ops/op_suites.h"

static void check_conv_params(const char *what, conv2d_params p, int sh, int sw, int pt, int pb, int pl,
                              int pr, int groups)
{
    ot_check(p.stride_h == sh && p.stride_w == sw && p.pad_top == pt && p.pad_bottom == pb &&
                 p.pad_left == pl && p.pad_right == pr && p.groups == groups && p.output_pad_h == 0 &&
                 p.output_pad_w == 0,
             "%s: got stride %d,%d pad t%d b%d l%d r%d groups %d output_pad %d,%d; expected stride %d,%d "
             "pad t%d b%d l%d r%d groups %d output_pad 0,0",
             what, p.stride_h, p.stride_w, p.pad_top, p.pad_bottom, p.pad_left, p.pad_right, p.groups,
             p.output_pad_h, p.output_pad_w, sh, sw, pt, pb, pl, pr, groups);
}

static void check_size(const char *what, int got, int want)
{
    ot_check(got == want, "%s = %d, expected %d", what, got, want);
}

void ot_param_helper_checks(const char *family)
{
    if (!strcmp(family, "conv2d")) {
        check_conv_params("conv2d_params_make(2, 1, 1)", conv2d_params_make(2, 1, 1), 2, 2, 1, 1, 1, 1, 1);
        check_conv_params("conv2d_params_make(1, 0, 4)", conv2d_params_make(1, 0, 4), 1, 1, 0, 0, 0, 0, 4);
        /* PyTorch padding='same': (k-1)/2 before, k/2 after; an even k puts the extra row after. */
        check_conv_params("conv2d_params_same(4, 3, 2)", conv2d_params_same(4, 3, 2), 1, 1, 1, 2, 1, 1, 2);
        check_conv_params("conv2d_params_same(1, 6, 1)", conv2d_params_same(1, 6, 1), 1, 1, 0, 0, 2, 3, 1);
        check_size("conv2d_out_size(9, 4, 2, 1, 1)", conv2d_out_size(9, 4, 2, 1, 1), 4);
        check_size("conv2d_out_size(7, 3, 1, 1, 1)", conv2d_out_size(7, 3, 1, 1, 1), 7);
        check_size("conv2d_out_size(9, 3, 2, 1, 0)", conv2d_out_size(9, 3, 2, 1, 0), 4);
        check_size("conv2d_out_size(6, 4, 1, 1, 2)", conv2d_out_size(6, 4, 1, 1, 2), 6);
        check_size("conv2d_out_size(128, 4, 2, 1, 1)", conv2d_out_size(128, 4, 2, 1, 1), 64);
    } else if (!strcmp(family, "conv_transpose2d")) {
        check_size("conv_transpose2d_out_size(5, 4, 2, 1, 1, 0)", conv_transpose2d_out_size(5, 4, 2, 1, 1, 0), 10);
        check_size("conv_transpose2d_out_size(3, 3, 2, 1, 1, 1)", conv_transpose2d_out_size(3, 3, 2, 1, 1, 1), 6);
        check_size("conv_transpose2d_out_size(4, 2, 1, 0, 0, 0)", conv_transpose2d_out_size(4, 2, 1, 0, 0, 0), 5);
        check_size("conv_transpose2d_out_size(64, 4, 2, 1, 1, 0)",
                   conv_transpose2d_out_size(64, 4, 2, 1, 1, 0), 128);
    } else if (!strcmp(family, "batchnorm")) {
        batchnorm_params t = batchnorm_params_default(true), e = batchnorm_params_default(false);
        ot_check(t.training && t.momentum == 0.1f && t.eps == 1e-5f,
                 "batchnorm_params_default(true) = {training %d, momentum %g, eps %g}, expected {1, 0.1, 1e-5}",
                 t.training, (double)t.momentum, (double)t.eps);
        ot_check(!e.training && e.momentum == 0.1f && e.eps == 1e-5f,
                 "batchnorm_params_default(false) = {training %d, momentum %g, eps %g}, expected {0, 0.1, 1e-5}",
                 e.training, (double)e.momentum, (double)e.eps);
    }
}
