#include "cli.h"

int crpv_cli_main(int argc, char **argv)
{
    (void)argc;
    (void)argv;
    return CRPV_EXIT_USAGE;
}
