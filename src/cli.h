/* The command line: parses the arguments, runs the pipeline, maps failures
 * to the documented exit codes. */
#ifndef CRPV_CLI_H
#define CRPV_CLI_H

enum {
    CRPV_EXIT_OK = 0,
    CRPV_EXIT_INPUT = 1,  /* invalid input */
    CRPV_EXIT_USAGE = 2,  /* usage error */
    CRPV_EXIT_IO = 3,     /* input/output failure */
};

int crpv_cli_main(int argc, char **argv);

#endif
