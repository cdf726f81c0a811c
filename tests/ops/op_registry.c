#include "tests/ops/op_registry.h"

#include <string.h>

static const ot_op *const all_ops[] = {
    &ot_op_linear, &ot_op_conv2d, &ot_op_conv_transpose2d, &ot_op_batchnorm,
    &ot_op_relu, &ot_op_leaky_relu, &ot_op_sigmoid, &ot_op_softmax,
    &ot_op_add, &ot_op_mul, &ot_op_scale, &ot_op_sum, &ot_op_mean,
    &ot_op_concat, &ot_op_slice, &ot_op_resize_bilinear, &ot_op_maxpool2x2,
    &ot_op_l1_loss, &ot_op_bce_logits, &ot_op_adam, &ot_op_separable_attention,
    NULL,
};

const ot_op *const *ot_all_ops(void)
{
    return all_ops;
}

const ot_op *ot_find_op(const char *op)
{
    for (int i = 0; all_ops[i]; i++)
        if (!strcmp(all_ops[i]->op, op)) return all_ops[i];
    return NULL;
}
