/* Helpers shared by the test programs. */
#ifndef CRPV_TESTUTIL_H
#define CRPV_TESTUTIL_H

#include <glib.h>
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

/* A path under the source tree (CRPV_SOURCE_ROOT, set by meson test).
 * Returns a new string (g_free). */
char *tu_source_path(const char *relative);
/* The whole file at a source-relative path; aborts the test if unreadable.
 * Returns a new buffer (g_free), LEN set when not NULL. */
char *tu_read_source(const char *relative, size_t *len);
/* A new empty temporary directory (g_free the path; removed by
 * tu_rmtree()). */
char *tu_tmpdir(void);
void tu_rmtree(const char *path);
/* Writes DATA to DIR/NAME, returns the path (g_free). */
char *tu_write_file(const char *dir, const char *name, const char *data, size_t len);

/* Runs the crpv program (CRPV_EXE) with the NULL-terminated ARGV (without
 * argv[0]) from the working directory CWD (NULL: the source root). Captures
 * stdout and stderr (g_free'd by the caller when not NULL) and returns the
 * exit status. */
int tu_run_crpv(const char *cwd, char **out, char **err, const char *const *argv);
/* The same from the source root, with ENV (name, value pairs, NULL-
 * terminated; may be NULL) set over the environment and the file STDIN_PATH
 * (may be NULL) as standard input. */
int tu_run_crpv_env(const char *const *env, const char *stdin_path, char **out, char **err,
                    const char *const *argv);
/* TEXT as poppler gives it with line breaks, soft hyphens, hyphens and
 * no-break spaces squeezed, for comparisons. Returns a new string. */
char *tu_squeeze(const char *text);

/* Fails the test when |A - B| > TOL (cmocka's own compares as float). */
#define assert_double_near(a, b, tol) \
    tu_assert_double_near((a), (b), (tol), #a, __FILE__, __LINE__)
void tu_assert_double_near(double a, double b, double tol, const char *expr, const char *file,
                           int line);

#endif
