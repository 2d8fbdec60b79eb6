/* End to end: directory updates as the network makes them. The
 * spreadsheet as saved, what changed between two editions, standard
 * input, options each command takes, messages in any locale, a third
 * page. */
#include "testutil.h"

#include <glib/gstdio.h>
#include <poppler.h>
#include <signal.h>
#include <stdbool.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#define RUN(cwd, out, err, ...) tu_run_crpv((cwd), (out), (err), (const char *const[]){__VA_ARGS__, NULL})
#define RUN_WITH(env, in, out, err, ...)                                                         \
    tu_run_crpv_env((env), (in), (out), (err), (const char *const[]){__VA_ARGS__, NULL})

static char *page_text(PopplerDocument *doc, int i)
{
    PopplerPage *p = poppler_document_get_page(doc, i);
    char *t = poppler_page_get_text(p);
    g_object_unref(p);
    return t;
}

static void test_workbooks(void **state)
{
    (void)state;
    const char *books[] = {"tests/data/annuaire.ods", "tests/data/annuaire.xlsx"};
    for (size_t i = 0; i < G_N_ELEMENTS(books); i++) {
        g_autofree char *out = NULL, *err = NULL;
        int rc = RUN(NULL, &out, &err, "check", "--centres", books[i]);
        if (rc != 0)
            fail_msg("%s: exit %d: %s", books[i], rc, err);
        assert_non_null(strstr(out, "Annuaire : 20 centres (19 actifs, 1 en préfiguration)"));
        assert_non_null(strstr(out, i == 0 ? "classeur ODS, feuille « annuaire »"
                                           : "classeur XLSX, feuille « annuaire »"));
    }
    /* Built from the workbook with renamed headers (Téléphone, e-mail…)
     * and a phone that lost its zero: every phone and e-mail printed. */
    g_autofree char *dir = tu_tmpdir();
    g_autofree char *out = NULL, *err = NULL;
    int rc = RUN(NULL, &out, &err, "brochure", "--format", "pdf", "--centres",
                 "tests/data/annuaire-renomme.xlsx", "--out", dir);
    if (rc != 0)
        fail_msg("exit %d: %s", rc, err);
    g_autofree char *pdf = g_build_filename(dir, "brochure.pdf", NULL);
    g_autofree char *uri = g_filename_to_uri(pdf, NULL, NULL);
    PopplerDocument *doc = poppler_document_new_from_file(uri, NULL, NULL);
    assert_non_null(doc);
    g_autofree char *raw = page_text(doc, 1);
    g_autofree char *text = tu_squeeze(raw);
    g_object_unref(doc);
    g_autofree char *csv = tu_read_source("data/centres.csv", NULL);
    g_auto(GStrv) lines = g_strsplit(csv, "\n", -1);
    size_t phones = 0;
    for (char **l = lines + 1; *l && **l; l++) {
        g_auto(GStrv) f = g_strsplit(*l, ",", -1);
        if (!*f[6])
            continue;
        g_auto(GStrv) each = g_strsplit(f[6], "+", -1);
        for (char **ph = each; *ph; ph++) {
            g_autofree char *phone = tu_squeeze(g_strstrip(*ph));
            if (!strstr(text, phone))
                fail_msg("phone %s missing from the brochure", phone);
            phones++;
        }
    }
    assert_int_equal(phones, 20);
    assert_non_null(strstr(text, "catherine.halpern@paris.fr"));
    tu_rmtree(dir);
}

/* The shipped directory with FROM replaced by TO, written in DIR. */
static char *edited_directory(const char *dir, const char *from, const char *to)
{
    g_autofree char *csv = tu_read_source("data/centres.csv", NULL);
    char *at = strstr(csv, from);
    assert_non_null(at);
    *at = '\0';
    g_autofree char *edited = g_strconcat(csv, to, at + strlen(from), NULL);
    return tu_write_file(dir, "annuaire.csv", edited, strlen(edited));
}

static void test_change_report(void **state)
{
    (void)state;
    g_autofree char *dir = tu_tmpdir();
    g_autofree char *out = NULL, *err = NULL;
    /* Any command that writes records the edition; the SVG map is the
     * quickest. */
    assert_int_equal(RUN(NULL, &out, &err, "map", "--format", "svg", "--out", dir), 0);
    g_autofree char *manifest = g_build_filename(dir, "edition.ini", NULL);
    assert_true(g_file_test(manifest, G_FILE_TEST_IS_REGULAR));
    /* The manifest is bookkeeping: not in the list of files written. */
    assert_null(strstr(out, "edition.ini"));
    g_free(out), g_free(err);

    /* Labo Cités changes its phone: check and the rebuild say so. */
    g_autofree char *csv = edited_directory(dir, "04 78 77 01 43", "04 78 77 01 44");
    const char *line = "modifié : n° 1 « Labo Cités », téléphone « 04 78 77 01 43 » → "
                       "« 04 78 77 01 44 »";
    assert_int_equal(RUN(NULL, &out, &err, "check", "--centres", csv, "--out", dir), 0);
    if (!strstr(out, line))
        fail_msg("no change reported by check:\n%s", out);
    assert_non_null(strstr(out, "1 changement depuis l’édition du 14\u00a0novembre 2023 :"));
    g_free(out), g_free(err);
    assert_int_equal(
        RUN(NULL, &out, &err, "map", "--format", "svg", "--centres", csv, "--out", dir), 0);
    assert_non_null(strstr(out, line));
    g_free(out), g_free(err);
    assert_int_equal(
        RUN(NULL, &out, &err, "map", "--format", "svg", "--centres", csv, "--out", dir), 0);
    assert_non_null(strstr(out, "Aucun changement depuis l’édition du 14\u00a0novembre 2023."));
    g_free(out), g_free(err);

    /* A row deleted: the centre removed, the ones after renumbered, the
     * figures that moved. */
    g_autofree char *csv2 = edited_directory(
        dir, "oriv,Observatoire Régional de l’Intégration et de la Ville (ORIV),,Grand Est,44,,"
             "03 88 14 35 89,www.oriv.org,,Strasbourg,7.7521,48.5734,actif\n",
        "");
    assert_int_equal(RUN(NULL, &out, &err, "check", "--centres", csv2, "--out", dir), 0);
    assert_non_null(strstr(out, "retiré : n° 4 « Observatoire Régional"));
    assert_non_null(strstr(out, "renuméroté : « IREV - centre de ressources politique de la ville » n° 5 → n° 4"));
    assert_non_null(strstr(out, "chiffre : centres 20 → 19"));
    tu_rmtree(dir);
}

static void test_stdin_and_decimal_commas(void **state)
{
    (void)state;
    /* A comma-separated file whose coordinates are quoted with decimal
     * commas, given on standard input. */
    const char *csv = "id,nom,territoire,regions,telephone,site,lon,lat,statut\n"
                      "labo-cites,Labo Cités,Auvergne-Rhône-Alpes,84,04 78 77 01 43,"
                      "www.labo-cites.org,\"4,8357\",\"45,7640\",actif\n";
    g_autofree char *dir = tu_tmpdir();
    g_autofree char *path = tu_write_file(dir, "annuaire.csv", csv, strlen(csv));
    g_autofree char *out = NULL, *err = NULL;
    int rc = RUN_WITH(NULL, path, &out, &err, "check", "--centres", "-");
    if (rc != 0)
        fail_msg("exit %d: %s", rc, err);
    assert_non_null(strstr(out, "Lu : (entrée standard), CSV en UTF-8, séparateur virgule"));
    assert_non_null(strstr(out, "Annuaire : 1 centre (1 actif"));
    g_free(out), g_free(err);
    /* An error in it is located on standard input. */
    const char *bad = "id,nom,territoire,regions,statut\nx,X,X,99,actif\n";
    g_autofree char *bad_path = tu_write_file(dir, "mauvais.csv", bad, strlen(bad));
    assert_int_equal(RUN_WITH(NULL, bad_path, &out, &err, "check", "--centres", "-"), 1);
    assert_non_null(strstr(err, "(entrée standard):2: code région « 99 »"));
    tu_rmtree(dir);
}

static void test_options_per_command(void **state)
{
    (void)state;
    g_autofree char *out = NULL, *err = NULL;
    assert_int_equal(RUN(NULL, &out, &err, "brochure", "--width", "1600"), 2);
    assert_non_null(strstr(err, "l’option --width ne vaut pas pour « crpv brochure » (ses "
                                "options propres : --print, --format"));
    g_free(out), g_free(err);
    assert_int_equal(RUN(NULL, &out, &err, "check", "--scale", "3"), 2);
    assert_non_null(strstr(err, "l’option --scale ne vaut pas pour « crpv check » (elle n’a "
                                "pas d’option propre"));
    g_free(out), g_free(err);
    assert_int_equal(RUN(NULL, &out, &err, "map", "--print"), 2);
    assert_non_null(strstr(err, "(ses options propres : --format, --width, --scale"));
    g_free(out), g_free(err);
    /* As the README has it: --scale 3 alone gives carte@3x.png too. */
    g_autofree char *dir = tu_tmpdir();
    assert_int_equal(RUN(NULL, &out, &err, "map", "--scale", "3", "--out", dir), 0);
    g_autofree char *png3 = g_build_filename(dir, "carte@3x.png", NULL);
    assert_true(g_file_test(png3, G_FILE_TEST_IS_REGULAR));
    g_free(out), g_free(err);
    /* French plurals. */
    assert_int_equal(RUN(NULL, &out, &err, "map", "--format", "svg", "--out", dir), 0);
    assert_non_null(strstr(out, "\n1 fichier écrit dans "));
    tu_rmtree(dir);
}

static void test_messages_in_any_locale(void **state)
{
    (void)state;
    const char *csv = "id,nom,territoire,regions,statut\nx,X,X,99,actif\n";
    g_autofree char *dir = tu_tmpdir();
    g_autofree char *path = tu_write_file(dir, "centres.csv", csv, strlen(csv));
    const char *locales[] = {"C", "C.UTF-8", "POSIX"};
    for (size_t i = 0; i < G_N_ELEMENTS(locales); i++) {
        const char *env[] = {"LC_ALL", locales[i], "LANG", locales[i], NULL};
        g_autofree char *out = NULL, *err = NULL;
        assert_int_equal(RUN_WITH(env, NULL, &out, &err, "check", "--centres", path), 1);
        /* UTF-8, in French, and check says nothing of outputs. */
        assert_non_null(strstr(err, "code région « 99 » inconnu des contours"));
        assert_non_null(strstr(err, "crpv : entrées invalides\n"));
        assert_null(strstr(err, "sorties"));
        assert_null(strstr(err, "?"));
        g_free(out), g_free(err);
        assert_int_equal(RUN_WITH(env, NULL, &out, &err, "check", "--nimporte"), 2);
        assert_non_null(strstr(err, "option inconnue --nimporte"));
    }
    tu_rmtree(dir);
}

static void test_more_pages_said(void **state)
{
    (void)state;
    /* 28 centres: the directory no longer fits the verso. */
    g_autofree char *csv = tu_read_source("data/centres.csv", NULL);
    GString *s = g_string_new(csv);
    for (int i = 0; i < 8; i++)
        g_string_append_printf(s, "centre-%d,Centre de ressources numéro %d,,Bretagne,53,,"
                                  "02 99 00 00 %02d,www.centre%d.fr,,Rennes,,,actif\n",
                               i, i, i, i);
    g_autofree char *dir = tu_tmpdir();
    g_autofree char *path = tu_write_file(dir, "annuaire.csv", s->str, s->len);
    g_string_free(s, TRUE);
    g_autofree char *out = NULL, *err = NULL;
    int rc = RUN(NULL, &out, &err, "brochure", "--format", "pdf", "--centres", path, "--out", dir);
    if (rc != 0)
        fail_msg("exit %d: %s", rc, err);
    if (!strstr(out, "La brochure passe à 3 pages : l’annuaire (28 centres) ne tient plus au "
                     "verso."))
        fail_msg("nothing said about the third page:\n%s", out);
    tu_rmtree(dir);
}


int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_workbooks),
        cmocka_unit_test(test_change_report),
        cmocka_unit_test(test_stdin_and_decimal_commas),
        cmocka_unit_test(test_options_per_command),
        cmocka_unit_test(test_messages_in_any_locale),
        cmocka_unit_test(test_more_pages_said),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
