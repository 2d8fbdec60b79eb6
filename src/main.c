#include "cli.h"

int main(int argc, char **argv)
{
    return crpv_cli_main(argc, argv);
}
