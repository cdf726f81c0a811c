/* L1 and BCE-with-logits losses (mean reduction): shape checks and backend dispatch. */
#include "compute/cpu/cpu_ops.h"
#include "compute/ops/op_check.h"
#include "compute/vulkan/vk_ops.h"

static void check_loss(const char *op, const char *pname, const tensor *pred, const tensor *target)
{
    op_check_present(op, pname, pred);
    op_check_present(op, "target", target);
    op_check_ctx(op, "target", target, pred->ctx);
    op_check_same_shape(op, "target", target, pname, pred);
}

static void check_scalar(const char *op, const char *name, const tensor *t, const tensor *ref)
{
    op_check_present(op, name, t);
    op_check_ctx(op, name, t, ref->ctx);
    op_check_numel(op, name, t, 1);
}

static void check_grad(const char *op, const char *name, const tensor *t, const char *refname,
                       const tensor *ref)
{
    op_check_present(op, name, t);
    op_check_ctx(op, name, t, ref->ctx);
    op_check_same_shape(op, name, t, refname, ref);
}

void op_l1_loss_forward(const tensor *pred, const tensor *target, tensor *out)
{
    const char *op = "l1_loss_forward";
    check_loss(op, "pred", pred, target);
    check_scalar(op, "out", out, pred);
    if (pred->ctx->backend == COMPUTE_CPU) cpu_l1_loss_forward(pred, target, out);
    else vk_l1_loss_forward(pred, target, out);
}

void op_l1_loss_backward(const tensor *pred, const tensor *target, const tensor *dloss, tensor *dpred)
{
    const char *op = "l1_loss_backward";
    check_loss(op, "pred", pred, target);
    check_scalar(op, "dloss", dloss, pred);
    check_grad(op, "dpred", dpred, "pred", pred);
    if (pred->ctx->backend == COMPUTE_CPU) cpu_l1_loss_backward(pred, target, dloss, dpred);
    else vk_l1_loss_backward(pred, target, dloss, dpred);
}

void op_bce_logits_forward(const tensor *logits, const tensor *target, tensor *out)
{
    const char *op = "bce_logits_forward";
    check_loss(op, "logits", logits, target);
    check_scalar(op, "out", out, logits);
    if (logits->ctx->backend == COMPUTE_CPU) cpu_bce_logits_forward(logits, target, out);
    else vk_bce_logits_forward(logits, target, out);
}

void op_bce_logits_backward(const tensor *logits, const tensor *target, const tensor *dloss,
                            tensor *dlogits)
{
    const char *op = "bce_logits_backward";
    check_loss(op, "logits", logits, target);
    check_scalar(op, "dloss", dloss, logits);
    check_grad(op, "dlogits", dlogits, "logits", logits);
    if (logits->ctx->backend == COMPUTE_CPU) cpu_bce_logits_backward(logits, target, dloss, dlogits);
    else vk_bce_logits_backward(logits, target, dloss, dlogits);
}
