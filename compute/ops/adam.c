/* Adam step: shape checks and backend dispatch. */
#include "compute/cpu/cpu_ops.h"
#include "compute/ops/op_check.h"
#include "compute/vulkan/vk_ops.h"

void op_adam_step(tensor *param, const tensor *grad, tensor *m, tensor *v, const tensor *hyper)
{
    const char *op = "adam_step";
    op_check_present(op, "param", param);
    op_check_present(op, "grad", grad);
    op_check_present(op, "m", m);
    op_check_present(op, "v", v);
    op_check_present(op, "hyper", hyper);
    op_check_ctx(op, "grad", grad, param->ctx);
    op_check_ctx(op, "m", m, param->ctx);
    op_check_ctx(op, "v", v, param->ctx);
    op_check_ctx(op, "hyper", hyper, param->ctx);
    op_check_same_shape(op, "grad", grad, "param", param);
    op_check_same_shape(op, "m", m, "param", param);
    op_check_same_shape(op, "v", v, "param", param);
    op_check_numel(op, "hyper", hyper, ADAM_NHYPER);
    /* hyper's values are checked by the backend that reads them (on Vulkan they stay on the device). */
    if (param->ctx->backend == COMPUTE_CPU) cpu_adam_step(param, grad, m, v, hyper);
    else vk_adam_step(param, grad, m, v, hyper);
}
