#include "testutil.h"

#include <glib/gstdio.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/wait.h>

char *tu_source_path(const char *relative)
{
    const char *root = g_getenv("CRPV_SOURCE_ROOT");
    return g_build_filename(root ? root : ".", relative, NULL);
}

char *tu_read_source(const char *relative, size_t *len)
{
    g_autofree char *path = tu_source_path(relative);
    char *data = NULL;
    gsize n = 0;
    g_autoptr(GError) error = NULL;
    if (!g_file_get_contents(path, &data, &n, &error))
        fail_msg("cannot read %s: %s", path, error->message);
    if (len)
        *len = n;
    return data;
}

char *tu_tmpdir(void)
{
    g_autoptr(GError) error = NULL;
    char *dir = g_dir_make_tmp("crpv-test-XXXXXX", &error);
    if (!dir)
        fail_msg("cannot make a temporary directory: %s", error->message);
    return dir;
}

void tu_rmtree(const char *path)
{
    if (!path)
        return;
    GDir *dir = g_dir_open(path, 0, NULL);
    if (dir) {
        const char *name;
        while ((name = g_dir_read_name(dir))) {
            g_autofree char *child = g_build_filename(path, name, NULL);
            if (g_file_test(child, G_FILE_TEST_IS_DIR) &&
                !g_file_test(child, G_FILE_TEST_IS_SYMLINK)) {
                g_chmod(child, 0700);
                tu_rmtree(child);
            } else {
                g_unlink(child);
            }
        }
        g_dir_close(dir);
    }
    g_rmdir(path);
}

char *tu_write_file(const char *dir, const char *name, const char *data, size_t len)
{
    char *path = g_build_filename(dir, name, NULL);
    g_autoptr(GError) error = NULL;
    if (!g_file_set_contents(path, data, (gssize)len, &error))
        fail_msg("cannot write %s: %s", path, error->message);
    return path;
}

int tu_run_crpv(const char *cwd, char **out, char **err, const char *const *argv)
{
    const char *exe = g_getenv("CRPV_EXE");
    if (!exe)
        fail_msg("CRPV_EXE is not set: run the tests with meson test");
    GPtrArray *args = g_ptr_array_new();
    g_ptr_array_add(args, (gpointer)exe);
    for (const char *const *a = argv; a && *a; a++)
        g_ptr_array_add(args, (gpointer)*a);
    g_ptr_array_add(args, NULL);
    g_autofree char *root = tu_source_path(".");
    char *o = NULL, *e = NULL;
    int status = 0;
    g_autoptr(GError) error = NULL;
    if (!g_spawn_sync(cwd ? cwd : root, (char **)args->pdata, NULL, G_SPAWN_DEFAULT, NULL, NULL,
                      &o, &e, &status, &error))
        fail_msg("cannot run %s: %s", exe, error->message);
    g_ptr_array_free(args, TRUE);
    if (out)
        *out = o;
    else
        g_free(o);
    if (err)
        *err = e;
    else
        g_free(e);
    if (WIFEXITED(status))
        return WEXITSTATUS(status);
    return 128 + (WIFSIGNALED(status) ? WTERMSIG(status) : 0);
}

void tu_assert_double_near(double a, double b, double tol, const char *expr, const char *file,
                           int line)
{
    if (!(fabs(a - b) <= tol))
    {
        print_error("%s = %.9g, expected %.9g within %g\n", expr, a, b, tol);
        _fail(file, line);
    }
}

int tu_run_crpv_env(const char *const *env, const char *stdin_path, char **out, char **err,
                    const char *const *argv)
{
    const char *exe = g_getenv("CRPV_EXE");
    GPtrArray *args = g_ptr_array_new();
    g_ptr_array_add(args, (gpointer) "/bin/sh");
    g_ptr_array_add(args, (gpointer) "-c");
    g_ptr_array_add(args, (gpointer)(stdin_path ? "f=$1; shift; exec \"$@\" < \"$f\""
                                                : "shift; exec \"$@\""));
    g_ptr_array_add(args, (gpointer) "sh");
    g_ptr_array_add(args, (gpointer)(stdin_path ? stdin_path : "-"));
    g_ptr_array_add(args, (gpointer)exe);
    for (const char *const *a = argv; *a; a++)
        g_ptr_array_add(args, (gpointer)*a);
    g_ptr_array_add(args, NULL);
    char **envp = g_get_environ();
    for (const char *const *e = env; e && *e; e += 2)
        envp = g_environ_setenv(envp, e[0], e[1], TRUE);
    g_autofree char *root = tu_source_path(".");
    int status = 0;
    g_autoptr(GError) error = NULL;
    if (!g_spawn_sync(root, (char **)args->pdata, envp, G_SPAWN_DEFAULT, NULL, NULL, out, err,
                      &status, &error))
        fail_msg("cannot run: %s", error->message);
    g_strfreev(envp);
    g_ptr_array_free(args, TRUE);
    return WIFEXITED(status) ? WEXITSTATUS(status) : 128;
}


/* Poppler's text has line breaks where the layout put them; soft hyphens
 * and no-break spaces too. Compare on text with all of that squeezed. */
char *tu_squeeze(const char *text)
{
    GString *s = g_string_new(NULL);
    for (const char *p = text; *p; p = g_utf8_next_char(p)) {
        gunichar c = g_utf8_get_char(p);
        if (c == 0xad || c == 0x2060 || c == '-' || c == 0x2010 || c == 0x2013)
            continue;
        if (g_unichar_isspace(c) || c == 0xa0 || c == 0x202f) {
            if (s->len && s->str[s->len - 1] != ' ')
                g_string_append_c(s, ' ');
            continue;
        }
        g_string_append_unichar(s, c);
    }
    return g_string_free(s, FALSE);
}

