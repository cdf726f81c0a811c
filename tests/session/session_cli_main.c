/* The session commands (simulate, import) as they run inside `irfa`, in a binary of their own so
 * that this area's tests do not depend on every other module linking. */
#include <stdio.h>
#include <string.h>

#include "cli/commands.h"

int main(int argc, char **argv)
{
    if (argc >= 2 && !strcmp(argv[1], "simulate")) return cmd_simulate(argc - 1, argv + 1);
    if (argc >= 2 && !strcmp(argv[1], "import")) return cmd_import(argc - 1, argv + 1);
    fprintf(stderr, "usage: %s simulate|import ...\n", argv[0]);
    return 2;
}
