/* Broken op contracts must stop the program with a message (TENSOR_CHECK aborts), never compute on
 * mismatched shapes. Each case runs in a forked child; the parent expects SIGABRT and a message on
 * the child's stderr. CPU only: a forked child must not touch the parent's Vulkan device. */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include "tests/ops/op_suites.h"

typedef void (*contract_fn)(compute_ctx *ctx);

static void conv_wrong_output(compute_ctx *ctx)
{
    conv2d_params p = conv2d_params_make(2, 1, 1);
    /* 9x7 with k4 s2 p1 gives 4x3; a 4x4 output is wrong. */
    op_conv2d_forward(tensor_newv(ctx, 4, 1, 3, 9, 7), tensor_newv(ctx, 4, 2, 3, 4, 4), NULL,
                      tensor_newv(ctx, 4, 1, 2, 4, 4), &p);
}

static void conv_groups_mismatch(compute_ctx *ctx)
{
    conv2d_params p = conv2d_params_make(1, 1, 2);
    /* groups 2 needs w[Cout, Cin/2 = 2, ...]; w has 4 input channels. */
    op_conv2d_forward(tensor_newv(ctx, 4, 1, 4, 5, 5), tensor_newv(ctx, 4, 2, 4, 3, 3), NULL,
                      tensor_newv(ctx, 4, 1, 2, 5, 5), &p);
}

static void add_not_broadcastable(compute_ctx *ctx)
{
    op_add_forward(tensor_newv(ctx, 2, 3, 4), tensor_newv(ctx, 1, 5), tensor_newv(ctx, 2, 3, 4));
}

static void linear_inner_mismatch(compute_ctx *ctx)
{
    op_linear_forward(tensor_newv(ctx, 2, 3, 5), tensor_newv(ctx, 2, 7, 6), NULL, tensor_newv(ctx, 2, 3, 7));
}

static void concat_other_dim_mismatch(compute_ctx *ctx)
{
    const tensor *xs[2] = { tensor_newv(ctx, 2, 3, 2), tensor_newv(ctx, 2, 4, 5) };
    op_concat_forward(xs, 2, tensor_newv(ctx, 2, 3, 7), 1);
}

static void slice_out_of_range(compute_ctx *ctx)
{
    op_slice_forward(tensor_newv(ctx, 2, 3, 9), tensor_newv(ctx, 2, 3, 5), 1, 6);
}

static void maxpool_wrong_output(compute_ctx *ctx)
{
    op_maxpool2x2_forward(tensor_newv(ctx, 4, 1, 2, 6, 8), tensor_newv(ctx, 4, 1, 2, 3, 3));
}

static void batchnorm_wrong_channels(compute_ctx *ctx)
{
    batchnorm_params p = batchnorm_params_default(true);
    tensor *x = tensor_newv(ctx, 4, 2, 3, 4, 4);
    tensor *c4[6];
    for (int i = 0; i < 6; i++) c4[i] = tensor_newv(ctx, 1, 4);
    op_batchnorm_forward(x, c4[0], c4[1], c4[2], c4[3], c4[4], c4[5], tensor_new_like(x), &p);
}

static void softmax_axis_out_of_range(compute_ctx *ctx)
{
    tensor *x = tensor_newv(ctx, 2, 3, 4);
    op_softmax_forward(x, tensor_new_like(x), 2);
}

static void mean_output_too_large(compute_ctx *ctx)
{
    op_mean_forward(tensor_newv(ctx, 2, 3, 4), tensor_newv(ctx, 1, 2));
}

static void tensors_of_two_contexts(compute_ctx *ctx)
{
    char err[256];
    compute_ctx *other = compute_open("cpu", err, sizeof err);
    if (!other) _exit(3);
    op_add_forward(tensor_newv(ctx, 1, 4), tensor_newv(other, 1, 4), tensor_newv(ctx, 1, 4));
}

static void sum_wrong_output(compute_ctx *ctx)
{
    op_sum_forward(tensor_newv(ctx, 3, 3, 5, 7), tensor_newv(ctx, 2, 3, 5), 1);
}

static const struct {
    const char *name;
    contract_fn fn;
} contracts[] = {
    { "conv2d with a wrong output size", conv_wrong_output },
    { "conv2d with weights not matching groups", conv_groups_mismatch },
    { "add of shapes that do not broadcast", add_not_broadcastable },
    { "linear with mismatched inner dimension", linear_inner_mismatch },
    { "concat with a mismatched non-axis dimension", concat_other_dim_mismatch },
    { "slice past the end of the axis", slice_out_of_range },
    { "maxpool2x2 with a wrong output size", maxpool_wrong_output },
    { "batchnorm with per-channel tensors of the wrong length", batchnorm_wrong_channels },
    { "softmax over an axis the tensor lacks", softmax_axis_out_of_range },
    { "mean into a 2-element output", mean_output_too_large },
    { "sum with an output of the wrong size", sum_wrong_output },
    { "add of tensors on two contexts", tensors_of_two_contexts },
};

static void expect_abort(compute_ctx *ctx, const char *name, contract_fn fn)
{
    int pipefd[2];
    if (pipe(pipefd) != 0) { ot_fail("contract '%s': pipe failed", name); return; }
    fflush(stdout);
    pid_t pid = fork();
    if (pid < 0) { ot_fail("contract '%s': fork failed", name); return; }
    if (pid == 0) {
        close(pipefd[0]);
        dup2(pipefd[1], STDERR_FILENO);
        signal(SIGABRT, SIG_DFL);
        struct rlimit no_core = { 0, 0 };
        setrlimit(RLIMIT_CORE, &no_core);   /* expected aborts leave no core files behind */
        fn(ctx);
        compute_sync(ctx);
        _exit(0);   /* the op accepted the broken call */
    }
    close(pipefd[1]);
    char msg[1024];
    size_t used = 0;
    ssize_t r;
    while ((r = read(pipefd[0], msg + used, sizeof msg - 1 - used)) > 0) used += (size_t)r;
    msg[used] = '\0';
    close(pipefd[0]);
    int status = 0;
    waitpid(pid, &status, 0);
    bool aborted = WIFSIGNALED(status) && WTERMSIG(status) == SIGABRT;
    char *nl = strchr(msg, '\n');
    if (nl) *nl = '\0';
    if (!aborted) {
        ot_fail("contract '%s': expected an abort with a message, got %s %d (stderr: \"%s\")", name,
                WIFSIGNALED(status) ? "signal" : "exit status",
                WIFSIGNALED(status) ? WTERMSIG(status) : WEXITSTATUS(status), msg);
    } else if (!ot_check(used > 0, "contract '%s': aborted without a message", name)) {
    } else if (ot_verbose) {
        printf("  ok contract '%s': %s\n", name, msg);
    }
}

void ot_contract_suite(compute_ctx *ctx)
{
    for (size_t i = 0; i < sizeof contracts / sizeof contracts[0]; i++)
        expect_abort(ctx, contracts[i].name, contracts[i].fn);
}
