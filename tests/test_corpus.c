/* The regression corpus: every file of tests/corpus/cases.tsv checked by
 * the program, with its expected exit status and message. */
#include "testutil.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void test_corpus(void **state)
{
    (void)state;
    g_autofree char *cases = tu_read_source("tests/corpus/cases.tsv", NULL);
    g_auto(GStrv) lines = g_strsplit(cases, "\n", -1);
    int n = 0, failed = 0;
    for (char **l = lines; *l; l++) {
        if (**l == '\0' || **l == '#')
            continue;
        g_auto(GStrv) f = g_strsplit(*l, "\t", 4);
        if (g_strv_length(f) != 4)
            fail_msg("cases.tsv: « %s » has not four tab-separated fields", *l);
        /* A plain name is a file of the corpus; a path is taken as is. */
        g_autofree char *path = strchr(f[0], '/') || g_str_equal(f[0], ".")
                                    ? g_strdup(f[0])
                                    : g_build_filename("tests/corpus", f[0], NULL);
        int expected_status = atoi(f[2]);
        g_auto(GStrv) pieces = g_strsplit(f[3], "{}", -1);
        g_autofree char *expected = g_strjoinv(path, pieces);
        g_autofree char *out = NULL, *err = NULL;
        const char *argv[] = {"check", f[1], path, NULL};
        int status = tu_run_crpv(NULL, &out, &err, argv);
        g_autofree char *both = g_strconcat(out, err, NULL);
        n++;
        if (status != expected_status || !strstr(both, expected)) {
            failed++;
            fprintf(stderr, "%s: exit %d (expected %d), output:\n%s\nexpected to hold: %s\n\n",
                    f[0], status, expected_status, both, expected);
        }
    }
    fprintf(stderr, "%d of %d cases as expected\n", n - failed, n);
    assert_true(n >= 30);
    assert_int_equal(failed, 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_corpus),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
