/* conv2d_params constructors and output-size formulas (PyTorch's, dilation 1). */
#include "compute/ops.h"

conv2d_params conv2d_params_make(int stride, int pad, int groups)
{
    conv2d_params p = {
        .stride_h = stride, .stride_w = stride,
        .pad_top = pad, .pad_bottom = pad, .pad_left = pad, .pad_right = pad,
        .groups = groups,
    };
    return p;
}

conv2d_params conv2d_params_same(int kh, int kw, int groups)
{
    /* PyTorch splits the total padding k-1 as floor((k-1)/2) before and the rest after. */
    conv2d_params p = {
        .stride_h = 1, .stride_w = 1,
        .pad_top = (kh - 1) / 2, .pad_bottom = kh / 2,
        .pad_left = (kw - 1) / 2, .pad_right = kw / 2,
        .groups = groups,
    };
    return p;
}

int conv2d_out_size(int in, int k, int stride, int pad_before, int pad_after)
{
    int span = in + pad_before + pad_after - k;
    if (span < 0 || stride <= 0) return 0;   /* kernel larger than the padded input: no output */
    return span / stride + 1;
}

int conv_transpose2d_out_size(int in, int k, int stride, int pad_before, int pad_after, int output_pad)
{
    return (in - 1) * stride - pad_before - pad_after + k + output_pad;
}
