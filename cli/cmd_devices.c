#include <stdio.h>
#include <string.h>

#include "cli/commands.h"
#include "cli/options.h"
#include "compute/compute.h"

static void print_line(const char *line, void *user)
{
    (void)user;
    puts(line);
}

int cmd_devices(int argc, char **argv)
{
    const char *device = NULL;
    for (int i = 1; i < argc; i++) {
        bool missing;
        if (!strcmp(argv[i], "--help")) {
            printf("usage: irfa devices [--device SPEC]\n"
                   "Lists Vulkan devices and the CPU backend; '*' marks the one SPEC (default: IRFA_DEVICE or auto) selects.\n");
            return 0;
        }
        if (opt_value(argc, argv, &i, "--device", &device, &missing)) {
            if (missing) { fprintf(stderr, "irfa devices: --device needs a value\n"); return 2; }
            continue;
        }
        fprintf(stderr, "irfa devices: unknown option '%s'\n", argv[i]);
        return 2;
    }
    compute_list_devices(device, print_line, NULL);
    return 0;
}
