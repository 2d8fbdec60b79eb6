/* Tests of the edition manifest and of the report of what changed between
 * two editions. */
#include "testutil.h"

#include <string.h>

#include "edition.h"

static const char *header =
    "id,nom,territoire,regions,telephone,site,statut\n";

static crpv_edition *edition_of(const char *rows, gint64 date)
{
    g_autofree char *csv = g_strconcat(header, rows, NULL);
    GError *err = NULL;
    g_autoptr(crpv_directory) dir =
        crpv_directory_parse(csv, strlen(csv), "t.csv", NULL, NULL, NULL, &err);
    if (!dir)
        fail_msg("%s", err->message);
    crpv_directory_stats st = crpv_directory_get_stats(dir);
    st.date = date;
    return crpv_edition_new(dir, &st);
}

/* The edition through its manifest, as the next run reads it. */
static crpv_edition *round_trip(const crpv_edition *ed)
{
    size_t len = 0;
    g_autofree char *data = crpv_edition_to_data(ed, &len);
    g_autofree char *dir = tu_tmpdir();
    g_autofree char *path = tu_write_file(dir, CRPV_EDITION_FILE, data, len);
    GError *err = NULL;
    crpv_edition *back = crpv_edition_load(path, &err);
    if (!back)
        fail_msg("%s", err->message);
    tu_rmtree(dir);
    return back;
}

static char *report(const crpv_edition *a, const crpv_edition *b)
{
    g_autoptr(GPtrArray) lines = crpv_edition_compare(a, b);
    g_ptr_array_add(lines, NULL);
    return g_strjoinv("\n", (char **)lines->pdata);
}

static const char *three = "a,Labo Cités,Auvergne-Rhône-Alpes,84,04 78 77 01 43,www.a.fr,actif\n"
                           "b,Centre B,Bretagne,53,02 00 00 00 00,www.b.fr,actif\n"
                           "g,Centre G,Guadeloupe,01,,www.g.fr,prefiguration\n";

static void test_no_change(void **state)
{
    (void)state;
    g_autoptr(crpv_edition) a = edition_of(three, 1700000000);
    g_autoptr(crpv_edition) back = round_trip(a);
    g_autoptr(GPtrArray) none = crpv_edition_compare(back, a);
    assert_int_equal(none->len, 0);
    g_autofree char *date = crpv_edition_date_text(back);
    assert_string_equal(date, "14\u00a0novembre 2023");
    /* The same edition gives the same manifest, byte for byte. */
    g_autofree char *d1 = crpv_edition_to_data(a, NULL);
    g_autofree char *d2 = crpv_edition_to_data(back, NULL);
    assert_string_equal(d1, d2);
}

static void test_changes(void **state)
{
    (void)state;
    g_autoptr(crpv_edition) before = edition_of(three, 1700000000);
    g_autoptr(crpv_edition) old = round_trip(before);
    /* Labo Cités's phone changes, B is deleted, a new centre is added at
     * the end, Guadeloupe becomes active and moves up. */
    g_autoptr(crpv_edition) after =
        edition_of("a,Labo Cités,Auvergne-Rhône-Alpes,84,04 78 77 01 44,www.a.fr,actif\n"
                   "g,Centre G,Guadeloupe,01,,www.g.fr,actif\n"
                   "n,Nouveau,Corse,94,04 95 00 00 00,,actif\n",
                   1700086400);
    g_autofree char *r = report(old, after);
    assert_string_equal(r, "retiré : n° 2 « Centre B » (Bretagne)\n"
                           "modifié : n° 1 « Labo Cités », téléphone « 04 78 77 01 43 » → "
                           "« 04 78 77 01 44 »\n"
                           "renuméroté : « Centre G » n° 3 → n° 2\n"
                           "modifié : n° 2 « Centre G », statut « prefiguration » → « actif »\n"
                           "ajouté : n° 3 « Nouveau » (Corse)\n"
                           "chiffre : centres actifs 2 → 3\n"
                           "chiffre : centres en préfiguration 1 → 0\n"
                           "chiffre : centres actifs en outre-mer 0 → 1\n"
                           "chiffre : régions dotées d’un centre actif 2 → 3\n"
                           "chiffre : régions d’outre-mer dotées d’un centre actif 0 → 1");
}

static void test_missing_and_damaged(void **state)
{
    (void)state;
    GError *err = NULL;
    assert_null(crpv_edition_load("tests/data/pas-la/edition.ini", &err));
    assert_true(g_error_matches(err, G_FILE_ERROR, G_FILE_ERROR_NOENT));
    g_clear_error(&err);
    g_autofree char *dir = tu_tmpdir();
    g_autofree char *path = tu_write_file(dir, "edition.ini", "[a\nb", 4);
    assert_null(crpv_edition_load(path, &err));
    assert_non_null(strstr(err->message, "édition précédente illisible"));
    g_clear_error(&err);
    tu_rmtree(dir);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_no_change),
        cmocka_unit_test(test_changes),
        cmocka_unit_test(test_missing_and_damaged),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
