/* irfa: reconstruct images from macaque multi-unit activity and explore inverse receptive fields. */
#include <stdio.h>
#include <string.h>

#include "cli/commands.h"
#include "compute/compute.h"

typedef struct command {
    const char *name;
    int (*run)(int argc, char **argv);
    const char *summary;
} command;

static const command commands[] = {
    {"devices", cmd_devices, "list compute devices and mark the one that would be used"},
    {"serve", cmd_serve, "run the service: REST API, job queue, worker processes, web UI"},
    {"worker", cmd_worker, "run jobs from the queue of a data directory (started by serve)"},
    {"healthcheck", cmd_healthcheck, "exit 0 when the local `irfa serve` answers /healthz"},
    {"bench", cmd_bench, "benchmark ops (`bench ops`) or the IRFA model (`bench`) on a device"},
    {"train", cmd_train, "train an IRFA model on a session"},
    {"reconstruct", cmd_reconstruct, "reconstruct images and IRF maps from a checkpoint"},
    {"evaluate", cmd_evaluate, "score reconstructions against a session's test stimuli (r, SSIM, identification)"},
    {"simulate", cmd_simulate, "make a virtual macaque session with known ground truth"},
    {"import", cmd_import, "import a recording (npy, tvsd, nwb) as a session"},
};

static void usage(FILE *f)
{
    fprintf(f, "usage: irfa <command> [options]\n\ncommands:\n");
    for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++)
        fprintf(f, "  %-12s %s\n", commands[i].name, commands[i].summary);
    fprintf(f, "\nDevice selection for every command: --device auto|cpu|vulkan[:N] or IRFA_DEVICE.\n"
               "Run `irfa <command> --help` for a command's options.\n");
}

int main(int argc, char **argv)
{
    compute_choose_blas_kernels(argv);
    if (argc < 2) { usage(stderr); return 2; }
    if (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h") || !strcmp(argv[1], "help")) {
        usage(stdout);
        return 0;
    }
    for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++)
        if (!strcmp(argv[1], commands[i].name)) return commands[i].run(argc - 1, argv + 1);
    fprintf(stderr, "irfa: unknown command '%s'\n\n", argv[1]);
    usage(stderr);
    return 2;
}
