#include "datadir.h"

#include <stdbool.h>

#include "config.h"

static void tried_add(GString *tried, const char *path)
{
    if (!tried)
        return;
    if (tried->len)
        g_string_append(tried, ", ");
    g_string_append(tried, path);
}

static bool is_dir(const char *path)
{
    return g_file_test(path, G_FILE_TEST_IS_DIR);
}

/* DIR/REL with "." and ".." resolved lexically: the path shown in
 * messages should be the folder's plain name. */
static char *join_clean(const char *dir, const char *rel)
{
    g_autofree char *joined = g_build_filename(dir, rel, NULL);
    return g_canonicalize_filename(joined, "/");
}

char *crpv_datadir_find(GString *tried)
{
    const char *env = g_getenv("CRPV_DATADIR");
    if (env && *env) {
        /* An explicit choice is not second-guessed by the fallbacks. */
        tried_add(tried, env);
        return is_dir(env) ? g_strdup(env) : NULL;
    }
    /* Linux names the running program in /proc; elsewhere the
     * compile-time folder is the only guess. */
    g_autofree char *exe = g_file_read_link("/proc/self/exe", NULL);
    if (exe && CRPV_BIN_TO_DATADIR[0]) {
        g_autofree char *bindir = g_path_get_dirname(exe);
        char *dir = join_clean(bindir, CRPV_BIN_TO_DATADIR);
        tried_add(tried, dir);
        if (is_dir(dir))
            return dir;
        g_free(dir);
    }
    tried_add(tried, CRPV_DATADIR);
    return is_dir(CRPV_DATADIR) ? g_strdup(CRPV_DATADIR) : NULL;
}

char *crpv_datadir_lookup(const char *name, GString *tried)
{
    g_autofree char *local = g_build_filename(".", name, NULL);
    tried_add(tried, local);
    if (is_dir(name))
        return g_strdup(name);
    g_autofree char *datadir = crpv_datadir_find(NULL);
    if (datadir) {
        char *dir = g_build_filename(datadir, name, NULL);
        tried_add(tried, dir);
        if (is_dir(dir))
            return dir;
        g_free(dir);
    } else {
        /* Say where the installed copy was expected. */
        GString *where = g_string_new(NULL);
        crpv_datadir_find(where);
        g_auto(GStrv) dirs = g_strsplit(where->str, ", ", -1);
        for (char **d = dirs; *d; d++) {
            g_autofree char *dir = g_build_filename(*d, name, NULL);
            tried_add(tried, dir);
        }
        g_string_free(where, TRUE);
    }
    return NULL;
}
