/* End to end: inputs that are damaged or odd in ways a careful program
 * notices (a font cut short, characters the fonts lack, an empty prose
 * file), and the stderr of a clean run. */
#include "testutil.h"

#include <glib/gstdio.h>
#include <signal.h>
#include <stdbool.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#define RUN(cwd, out, err, ...) \
    tu_run_crpv((cwd), (out), (err), (const char *const[]){__VA_ARGS__, NULL})

static void assert_has(const char *haystack, const char *needle)
{
    if (!strstr(haystack, needle))
        fail_msg("« %s » not found in:\n%s", needle, haystack);
}

/* The shipped directory without its one row that draws warnings (a centre
 * being set up, without phone or site). */
static char *clean_directory(const char *dir)
{
    g_autofree char *csv = tu_read_source("data/centres.csv", NULL);
    GString *s = g_string_new(NULL);
    g_auto(GStrv) lines = g_strsplit(csv, "\n", -1);
    for (char **l = lines; *l; l++)
        if (**l && !g_str_has_prefix(*l, "crpv-guadeloupe,"))
            g_string_append_printf(s, "%s\n", *l);
    char *path = tu_write_file(dir, "centres.csv", s->str, s->len);
    g_string_free(s, TRUE);
    return path;
}

/* DESIGN §3: a clean run writes nothing to stderr. */
static void test_clean_run_is_silent(void **state)
{
    (void)state;
    g_autofree char *dir = tu_tmpdir();
    g_autofree char *csv = clean_directory(dir);
    g_autofree char *outdir = g_build_filename(dir, "out", NULL);
    g_autofree char *out = NULL, *err = NULL;
    int rc = RUN(NULL, &out, &err, "map", "--centres", csv, "--out", outdir);
    if (rc != 0)
        fail_msg("exit %d: %s", rc, err);
    assert_string_equal(err, "");
    assert_has(out, "fichiers écrits");
    tu_rmtree(dir);
}

/* A font cut short is an error (exit 3), not a silent change of face. */
static void test_truncated_font(void **state)
{
    (void)state;
    g_autofree char *dir = tu_tmpdir();
    g_autofree char *fonts = g_build_filename(dir, "fonts", NULL);
    g_assert_cmpint(g_mkdir(fonts, 0755), ==, 0);
    const char *faces[] = {"Lato-Regular.ttf", "Lato-Bold.ttf", "Lato-Italic.ttf",
                           "Lato-BoldItalic.ttf", "Lato-Black.ttf"};
    for (size_t i = 0; i < G_N_ELEMENTS(faces); i++) {
        g_autofree char *rel = g_strconcat("fonts/", faces[i], NULL);
        size_t len = 0;
        g_autofree char *data = tu_read_source(rel, &len);
        /* The regular face cut at 30 KB: its header still reads. */
        g_free(tu_write_file(fonts, faces[i], data, i == 0 ? 30000 : len));
    }
    g_autofree char *outdir = g_build_filename(dir, "out", NULL);
    g_autofree char *out = NULL, *err = NULL;
    int rc = RUN(NULL, &out, &err, "map", "--fonts", fonts, "--out", outdir);
    assert_int_equal(rc, 3);
    g_autofree char *expected = g_strdup_printf("%s/Lato-Regular.ttf: police tronquée ou "
                                                "corrompue (la table « ",
                                                fonts);
    assert_has(err, expected);
    g_autofree char *png = g_build_filename(outdir, "carte.png", NULL);
    assert_false(g_file_test(png, G_FILE_TEST_EXISTS));
    /* Not a font at all. */
    g_autofree char *junk = tu_write_file(fonts, "Lato-Regular.ttf", "<html>", 6);
    g_autofree char *err2 = NULL;
    assert_int_equal(RUN(NULL, NULL, &err2, "check", "--fonts", fonts), 3);
    assert_has(err2, "Lato-Regular.ttf: police illisible (fichier trop court)");
    tu_rmtree(dir);
}

/* Arabic, Chinese and emoji print as boxes in Lato: said with the file,
 * the line and the column. */
static void test_missing_glyphs(void **state)
{
    (void)state;
    g_autofree char *dir = tu_tmpdir();
    g_autofree char *csv = tu_read_source("data/centres.csv", NULL);
    /* Line 2 is Labo Cités: a name in Arabic script beside it. */
    g_auto(GStrv) parts = g_strsplit(csv, "Labo Cités,", 2);
    g_autofree char *with_arabic = g_strjoinv("Labo Cités مختبر,", parts);
    g_autofree char *path = tu_write_file(dir, "centres.csv", with_arabic, strlen(with_arabic));
    g_autofree char *prose = tu_read_source("data/brochure.md", NULL);
    g_autofree char *prose2 = g_strconcat(prose, "\nMerci 😀 et 你好.\n", NULL);
    g_autofree char *prose_path = tu_write_file(dir, "brochure.md", prose2, strlen(prose2));
    g_autofree char *out = NULL, *err = NULL;
    int rc = RUN(NULL, &out, &err, "check", "--centres", path, "--prose", prose_path);
    if (rc != 0)
        fail_msg("exit %d: %s", rc, err);
    g_autofree char *w1 = g_strdup_printf("%s:2: attention : colonne « nom » : caractère « م » "
                                          "(U+0645) absent des polices",
                                          path);
    assert_has(err, w1);
    assert_has(err, ": attention : caractère « 😀 » (U+1F600) absent des polices, il "
                    "s’imprimerait comme une case");
    assert_has(err, prose_path);
    tu_rmtree(dir);
}

/* The recto's overflow is checked whatever the text begins with: a long
 * first paragraph without a title is refused, with the file and line. An
 * empty text is accepted with a warning. */
static void test_prose_checks(void **state)
{
    (void)state;
    g_autofree char *dir = tu_tmpdir();
    GString *text = g_string_new(NULL);
    for (int i = 0; i < 400; i++)
        g_string_append(text, "Un premier paragraphe sans titre, bien trop long pour la page. ");
    g_string_append(text, "\n");
    g_autofree char *path = tu_write_file(dir, "long.md", text->str, text->len);
    g_string_free(text, TRUE);
    g_autofree char *outdir = g_build_filename(dir, "out", NULL);
    g_autofree char *err = NULL;
    assert_int_equal(RUN(NULL, NULL, &err, "brochure", "--prose", path, "--out", outdir), 1);
    g_autofree char *expected =
        g_strdup_printf("%s:1: le texte du recto déborde de la page de ", path);
    assert_has(err, expected);

    g_autofree char *empty = tu_write_file(dir, "vide.md", "\n\n", 2);
    g_autofree char *err2 = NULL;
    assert_int_equal(RUN(NULL, NULL, &err2, "check", "--prose", empty), 0);
    g_autofree char *warning =
        g_strdup_printf("%s:1: attention : texte vide, le recto de la brochure restera blanc",
                        empty);
    assert_has(err2, warning);
    tu_rmtree(dir);
}

/* Name -> SHA-256 of every visible file in DIR (a new table). */
static GHashTable *folder_sums(const char *dir)
{
    GHashTable *sums = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, g_free);
    GDir *d = g_dir_open(dir, 0, NULL);
    assert_non_null(d);
    const char *name;
    while ((name = g_dir_read_name(d))) {
        if (name[0] == '.')
            continue;
        g_autofree char *path = g_build_filename(dir, name, NULL);
        g_autofree char *data = NULL;
        gsize len = 0;
        assert_true(g_file_get_contents(path, &data, &len, NULL));
        g_hash_table_insert(sums, g_strdup(name),
                            g_compute_checksum_for_data(G_CHECKSUM_SHA256, (guchar *)data, len));
    }
    g_dir_close(d);
    return sums;
}

static bool same_sums(GHashTable *a, GHashTable *b)
{
    if (g_hash_table_size(a) != g_hash_table_size(b))
        return false;
    GHashTableIter it;
    gpointer k, v;
    g_hash_table_iter_init(&it, a);
    while (g_hash_table_iter_next(&it, &k, &v)) {
        const char *other = g_hash_table_lookup(b, k);
        if (!other || strcmp(other, v) != 0)
            return false;
    }
    return true;
}

/* The hidden files in DIR whose name starts with PREFIX. */
static int count_hidden(const char *dir, const char *prefix)
{
    GDir *d = g_dir_open(dir, 0, NULL);
    assert_non_null(d);
    int n = 0;
    const char *name;
    while ((name = g_dir_read_name(d)))
        n += g_str_has_prefix(name, prefix);
    g_dir_close(d);
    return n;
}

/* Eight SIGTERMs, each sent at a growing delay after the run's first
 * temporary file appeared: no temporary is left, and the folder holds
 * one run's outputs whole, the previous ones or the new ones, never a
 * mix. A SIGKILL's leftovers are removed by the next run, and only
 * those: another program's hidden files stay. */
static void test_interrupted_runs(void **state)
{
    (void)state;
    g_autofree char *dir = tu_tmpdir();
    g_autofree char *out = g_build_filename(dir, "out", NULL);
    g_autofree char *ref = g_build_filename(dir, "ref", NULL);
    /* The new run's directory differs from the previous run's by a name. */
    g_autofree char *csv = tu_read_source("data/centres.csv", NULL);
    g_auto(GStrv) parts = g_strsplit(csv, "Labo Cités,", 2);
    g_autofree char *renamed = g_strjoinv("Labo Cités de Lyon,", parts);
    g_autofree char *csv2 = tu_write_file(dir, "centres.csv", renamed, strlen(renamed));
    g_autofree char *err = NULL;
    if (RUN(NULL, NULL, &err, "map", "--out", out) != 0)
        fail_msg("%s", err);
    g_clear_pointer(&err, g_free);
    if (RUN(NULL, NULL, &err, "map", "--centres", csv2, "--out", ref) != 0)
        fail_msg("%s", err);
    g_autoptr(GHashTable) before = folder_sums(out);
    g_autoptr(GHashTable) after = folder_sums(ref);
    assert_false(same_sums(before, after));

    /* What a SIGKILL leaves, and files that are not crpv's. */
    g_free(tu_write_file(out, ".carte.pdf.Ab3dE9", "x", 1));
    g_free(tu_write_file(out, ".brochure-1.png.x8YzQ2", "x", 1));
    g_free(tu_write_file(out, ".notes.txt.Ab3dE9", "x", 1));
    g_free(tu_write_file(out, ".carte.pdf.trop-long", "x", 1));

    const char *exe = g_getenv("CRPV_EXE");
    g_autofree char *root = tu_source_path(".");
    const unsigned delays_us[] = {0, 500, 2000, 5000, 10000, 20000, 50000, 100000};
    int killed = 0;
    for (size_t i = 0; i < G_N_ELEMENTS(delays_us); i++) {
        const char *argv[] = {exe, "map", "--centres", csv2, "--out", out, NULL};
        GPid pid = 0;
        GError *error = NULL;
        if (!g_spawn_async(root, (char **)argv, NULL,
                           G_SPAWN_DO_NOT_REAP_CHILD | G_SPAWN_STDOUT_TO_DEV_NULL |
                               G_SPAWN_STDERR_TO_DEV_NULL,
                           NULL, NULL, &pid, &error))
            fail_msg("%s", error->message);
        /* Waits for the run's first temporary, then the delay. */
        int status = 0;
        bool exited = false;
        while (!exited && count_hidden(out, ".carte.svg.") == 0) {
            exited = waitpid(pid, &status, WNOHANG) == pid;
            g_usleep(200);
        }
        if (!exited) {
            g_usleep(delays_us[i]);
            kill(pid, SIGTERM);
            assert_int_equal(waitpid(pid, &status, 0), pid);
        }
        g_spawn_close_pid(pid);
        if (WIFSIGNALED(status)) {
            assert_int_equal(WTERMSIG(status), SIGTERM);
            killed++;
        } else {
            assert_true(WIFEXITED(status));
            assert_int_equal(WEXITSTATUS(status), 0);
        }
        /* No temporary of crpv's; the other hidden files are still there. */
        assert_int_equal(count_hidden(out, ".carte"), i == 0 ? 1 : 0);
        assert_int_equal(count_hidden(out, ".brochure"), 0);
        assert_int_equal(count_hidden(out, ".notes.txt"), 1);
        if (i == 0) {
            /* ".carte.pdf.trop-long" is not crpv's pattern: kept. */
            g_autofree char *odd = g_build_filename(out, ".carte.pdf.trop-long", NULL);
            assert_true(g_file_test(odd, G_FILE_TEST_EXISTS));
            g_unlink(odd);
        }
        g_autoptr(GHashTable) now = folder_sums(out);
        if (!same_sums(now, before) && !same_sums(now, after))
            fail_msg("run %zu: the folder mixes two runs' outputs", i);
    }
    /* At least the first, sent as soon as a temporary appeared, caught
     * the run in the middle of its writing. */
    assert_true(killed >= 1);
    tu_rmtree(dir);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_clean_run_is_silent),
        cmocka_unit_test(test_truncated_font),
        cmocka_unit_test(test_missing_glyphs),
        cmocka_unit_test(test_prose_checks),
        cmocka_unit_test(test_interrupted_runs),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
