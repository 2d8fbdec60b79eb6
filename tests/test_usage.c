/* End to end: the program as a user meets it. The README's examples run
 * as written, watch mode through saves valid and invalid, and a crowded map
 * that names the labels it could not place. */
#include "testutil.h"

#include <glib/gstdio.h>
#include <signal.h>
#include <stdbool.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#define RUN(cwd, out, err, ...) tu_run_crpv((cwd), (out), (err), (const char *const[]){__VA_ARGS__, NULL})

/* The README's examples, run as written from a copy of the project's
 * inputs. */
static void test_readme_examples(void **state)
{
    (void)state;
    g_autofree char *readme = tu_read_source("README.md", NULL);
    g_autofree char *dir = tu_tmpdir();
    const char *links[] = {"data", "geo", "fonts"};
    for (size_t i = 0; i < G_N_ELEMENTS(links); i++) {
        g_autofree char *target = tu_source_path(links[i]);
        g_autofree char *abs = g_canonicalize_filename(target, NULL);
        g_autofree char *link = g_build_filename(dir, links[i], NULL);
        assert_int_equal(symlink(abs, link), 0);
    }
    g_autofree char *dl = g_build_filename(dir, "Téléchargements", NULL);
    g_mkdir(dl, 0755);
    g_autofree char *csv = tu_read_source("data/centres.csv", NULL);
    g_autofree char *annuaire = tu_write_file(dl, "annuaire.csv", csv, strlen(csv));
    const char *books[] = {"annuaire.ods", "annuaire.xlsx"};
    for (size_t i = 0; i < G_N_ELEMENTS(books); i++) {
        g_autofree char *rel = g_strconcat("tests/data/", books[i], NULL);
        size_t blen = 0;
        g_autofree char *book = tu_read_source(rel, &blen);
        g_autofree char *copy = tu_write_file(dl, books[i], book, blen);
    }
    g_autofree char *style = g_build_filename(dir, "style.ini", NULL);

    size_t commands = 0, styles = 0;
    for (const char *p = readme; (p = strstr(p, "```")); ) {
        const char *lang = p + 3;
        const char *body = strchr(lang, '\n');
        if (!body)
            break;
        const char *end = strstr(body + 1, "```");
        if (!end)
            break;
        g_autofree char *kind = g_strndup(lang, (gsize)(body - lang));
        g_autofree char *text = g_strndup(body + 1, (gsize)(end - body - 1));
        if (g_str_equal(kind, "ini")) {
            /* The style example loads as it stands. */
            assert_true(g_file_set_contents(style, text, -1, NULL));
            g_autofree char *out = NULL, *err = NULL;
            int rc = tu_run_crpv(dir, &out, &err,
                                 (const char *const[]){"check", "-q", "--style", style, NULL});
            if (rc != 0)
                fail_msg("README's style.ini refused:\n%s", err);
            styles++;
        } else if (g_str_equal(kind, "sh")) {
            g_auto(GStrv) lines = g_strsplit(text, "\n", -1);
            for (char **l = lines; *l; l++) {
                if (!g_str_has_prefix(*l, "build/crpv "))
                    continue;
                g_autofree char *cmd = g_strdup(*l + strlen("build/crpv "));
                char *comment = strstr(cmd, "  #");
                if (comment)
                    *comment = '\0';
                g_auto(GStrv) words = g_strsplit(g_strstrip(cmd), " ", -1);
                GPtrArray *argv = g_ptr_array_new_with_free_func(g_free);
                for (char **w = words; *w; w++)
                    if (**w)
                        g_ptr_array_add(argv, g_str_has_prefix(*w, "~/")
                                                  ? g_build_filename(dir, *w + 2, NULL)
                                                  : g_strdup(*w));
                g_ptr_array_add(argv, g_strdup("-q"));
                g_ptr_array_add(argv, NULL);
                g_autofree char *out = NULL, *err = NULL;
                int rc = tu_run_crpv(dir, &out, &err, (const char *const *)argv->pdata);
                if (rc != 0)
                    fail_msg("README's « %s » failed (%d):\n%s", *l, rc, err);
                g_ptr_array_free(argv, TRUE);
                commands++;
            }
        }
        p = end + 3;
    }
    assert_true(commands >= 2);
    assert_true(styles >= 1);
    (void)annuaire;
    tu_rmtree(dir);
}

static gboolean file_contains(const char *path, const char *needle, int timeout_s)
{
    gint64 until = g_get_monotonic_time() + (gint64)timeout_s * G_USEC_PER_SEC;
    while (g_get_monotonic_time() < until) {
        g_autofree char *text = NULL;
        if (g_file_get_contents(path, &text, NULL, NULL) && strstr(text, needle))
            return TRUE;
        g_usleep(50000);
    }
    return FALSE;
}

static void test_watch(void **state)
{
    (void)state;
    g_autofree char *dir = tu_tmpdir();
    g_autofree char *csv = tu_read_source("data/centres.csv", NULL);
    g_autofree char *path = tu_write_file(dir, "centres.csv", csv, strlen(csv));
    g_autofree char *out_dir = g_build_filename(dir, "sorties", NULL);
    g_autofree char *log = g_build_filename(dir, "log.txt", NULL);
    g_autofree char *errlog = g_build_filename(dir, "err.txt", NULL);
    const char *exe = g_getenv("CRPV_EXE");
    g_autofree char *root = tu_source_path(".");
    const char *argv[] = {"/bin/sh", "-c", "exec \"$0\" watch --centres \"$1\" --out \"$2\" "
                                           "> \"$3\" 2> \"$4\"",
                          exe, path, out_dir, log, errlog, NULL};
    GPid pid;
    g_autoptr(GError) error = NULL;
    assert_true(g_spawn_async(root, (char **)argv, NULL, G_SPAWN_DO_NOT_REAP_CHILD, NULL, NULL,
                              &pid, &error));
    /* Generous limits: the machine may be busy; nothing is timed. */
    if (!file_contains(log, "Surveillance", 60))
        fail_msg("watch did not start");
    g_autofree char *pdf = g_build_filename(out_dir, "brochure.pdf", NULL);
    assert_true(g_file_test(pdf, G_FILE_TEST_IS_REGULAR));

    /* A save as editors do it: a new file renamed over the old one. */
    g_autofree char *edited = g_strdup(csv);
    char *phone = strstr(edited, "04 78 77 01 43");
    memcpy(phone, "04 78 77 01 44", 14);
    g_autofree char *tmp = tu_write_file(dir, ".centres.csv.tmp", edited, strlen(edited));
    assert_int_equal(g_rename(tmp, path), 0);
    if (!file_contains(log, "téléphone « 04 78 77 01 43 » → « 04 78 77 01 44 »", 60))
        fail_msg("the edit was not reported");
    g_autofree char *pdf_before = NULL;
    gsize len = 0;
    if (!file_contains(log, "fichiers écrits", 60))
        fail_msg("no rebuild");

    /* An invalid save: errors reported, the outputs kept. */
    assert_true(g_file_get_contents(pdf, &pdf_before, &len, NULL));
    const char *broken = "id,nom,territoire,regions,statut\nx,X,X,99,actif\n";
    g_autofree char *tmp2 = tu_write_file(dir, ".centres.csv.tmp", broken, strlen(broken));
    assert_int_equal(g_rename(tmp2, path), 0);
    if (!file_contains(errlog, "code région « 99 »", 60))
        fail_msg("the invalid save was not reported");
    assert_true(file_contains(log, "les sorties précédentes restent en place", 60));
    g_autofree char *pdf_after = NULL;
    assert_true(g_file_get_contents(pdf, &pdf_after, &len, NULL));
    assert_string_equal(pdf_before, pdf_after);

    kill(pid, SIGTERM);
    int status = 0;
    waitpid(pid, &status, 0);
    g_spawn_close_pid(pid);
    assert_true(WIFEXITED(status) && WEXITSTATUS(status) == 0);
    tu_rmtree(dir);
}
static void test_dropped_label_named(void **state)
{
    (void)state;
    /* Thirty more centres in Paris: some labels find no free place, and
     * even without --verbose each is named by its number and id, up to
     * twenty, the others counted. */
    g_autofree char *csv = tu_read_source("data/centres.csv", NULL);
    GString *s = g_string_new(csv);
    for (int i = 0; i < 30; i++)
        g_string_append_printf(s, "paris-%d,Centre parisien numéro %d au nom très long,,Paris et "
                                  "sa très longue périphérie %d,11,75,01 00 00 00 %02d,"
                                  "www.p%d.fr,,Paris,2.35,48.85,actif\n",
                               i, i, i, i, i);
    g_autofree char *dir = tu_tmpdir();
    g_autofree char *path = tu_write_file(dir, "annuaire.csv", s->str, s->len);
    g_string_free(s, TRUE);
    g_autofree char *out = NULL, *err = NULL;
    assert_int_equal(RUN(NULL, &out, &err, "map", "--format", "svg", "--centres", path,
                         "--out", dir),
                     0);
    const char *hit = strstr(err, "attention : carte : n°\u00a0");
    if (!hit || !strstr(hit, " paris-") ||
        !strstr(hit, "\u00a0» : pas de place pour l’étiquette, numéro seul\n"))
        fail_msg("no label named in:\n%s", err);
    size_t named = 0;
    for (const char *p = err; (p = strstr(p, "pas de place pour l’étiquette, numéro seul")); p++)
        named++;
    assert_true(named >= 1 && named <= 20);
    /* The centres named are those whose label the SVG does not hold. */
    g_autofree char *svg_path = g_build_filename(dir, "carte.svg", NULL);
    g_autofree char *svg = NULL;
    assert_true(g_file_get_contents(svg_path, &svg, NULL, NULL));
    for (const char *p = err; (p = strstr(p, "n°\u00a0")); p++) {
        const char *name = strstr(p, "«\u00a0");
        assert_non_null(name);
        name += strlen("«\u00a0");
        const char *end = strstr(name, "\u00a0»");
        g_autofree char *nom = g_strndup(name, (gsize)(end - name));
        g_autofree char *as_label = g_strdup_printf(">%s<", nom);
        /* Short enough not to wrap, the label would be one text run. */
        if (strlen(nom) < 20 && strstr(svg, as_label))
            fail_msg("label « %s » reported but drawn", nom);
    }
    tu_rmtree(dir);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_readme_examples),
        cmocka_unit_test(test_watch),
        cmocka_unit_test(test_dropped_label_named),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
