/* Tests of the directory module: the shipped directory, the same saved by
 * a French spreadsheet, each validation rule with its line number, and the
 * normalisation of what is only typing. */
#include "testutil.h"

#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "csv.h"
#include "directory.h"

/* What messages add about the cells of HEADER's columns. */
#define LONLAT " (colonnes I « lon » et J « lat »)"
#define SITE " (colonne G « site »)"
#define MAIL " (colonne H « courriel »)"
#define HEADER "id,nom,territoire,regions,departement,telephone,site,courriel,lon,lat,statut\n"

/* ---- Helpers ---- */

static crpv_directory *parse_with(const char *data, const crpv_layer *regions,
                                  const crpv_layer *departements, GPtrArray *warnings, GError **err)
{
    return crpv_directory_parse(data, strlen(data), "t.csv", regions, departements, warnings, err);
}

static crpv_directory *parse_ok(const char *data, const crpv_layer *regions,
                                const crpv_layer *departements)
{
    GError *err = NULL;
    crpv_directory *dir = parse_with(data, regions, departements, NULL, &err);
    if (!dir)
        fail_msg("unexpected error:\n%s", err->message);
    return dir;
}

/* Asserts that DATA is refused with exactly the message EXPECTED. */
static void expect_error(const char *data, const crpv_layer *regions,
                         const crpv_layer *departements, const char *expected)
{
    GError *err = NULL;
    crpv_directory *dir = parse_with(data, regions, departements, NULL, &err);
    if (dir) {
        crpv_directory_free(dir);
        fail_msg("accepted, expected: %s", expected);
    }
    assert_non_null(err);
    assert_int_equal(err->domain, g_quark_from_static_string("crpv-directory-error"));
    if (!g_str_equal(err->message, expected)) {
        /* cmocka's own messages are cut short. */
        fprintf(stderr, "got:\n%s\nexpected:\n%s\n", err->message, expected);
        fail();
    }
    g_error_free(err);
}

static crpv_shape square(double x0, double y0, double x1, double y1)
{
    crpv_point pts[] = {{x0, y0}, {x1, y0}, {x1, y1}, {x0, y1}, {x0, y0}};
    crpv_shape s = {0};
    crpv_shape_add_ring(&s, pts, 5);
    return s;
}

/* Île-de-France "11" and Auvergne-Rhône-Alpes "84" as squares, Guyane
 * "03"; Paris "75" and Essonne "91" as départements. */
typedef struct {
    crpv_layer *regions;
    crpv_layer *departements;
} layers;

static int layers_setup(void **state)
{
    layers *l = g_new0(layers, 1);
    l->regions = crpv_layer_new();
    crpv_layer_add(l->regions, "11", "Île-de-France", square(1.5, 48.1, 3.5, 49.2));
    crpv_layer_add(l->regions, "84", "Auvergne-Rhône-Alpes", square(2.1, 44.1, 7.2, 46.8));
    crpv_layer_add(l->regions, "03", "Guyane", square(-54.6, 2.1, -51.6, 5.8));
    l->departements = crpv_layer_new();
    crpv_layer_add(l->departements, "75", "Paris", square(2.22, 48.81, 2.47, 48.91));
    crpv_layer_add(l->departements, "91", "Essonne", square(1.9, 48.3, 2.6, 48.77));
    *state = l;
    return 0;
}

static int layers_teardown(void **state)
{
    layers *l = *state;
    crpv_layer_free(l->regions);
    crpv_layer_free(l->departements);
    g_free(l);
    return 0;
}

static const crpv_centre *find(const crpv_directory *dir, const char *id)
{
    for (size_t i = 0; i < crpv_directory_count(dir); i++) {
        if (g_str_equal(crpv_directory_nth(dir, i)->id, id))
            return crpv_directory_nth(dir, i);
    }
    fail_msg("no centre %s", id);
    return NULL;
}

static size_t strv_len(char **v)
{
    return v ? g_strv_length(v) : 0;
}

/* ---- The shipped directory ---- */

static void check_shipped(const crpv_directory *dir)
{
    assert_int_equal(crpv_directory_count(dir), 20);
    const crpv_centre *first = crpv_directory_nth(dir, 0);
    assert_string_equal(first->id, "labo-cites");
    assert_string_equal(first->nom, "Labo Cités");
    assert_string_equal(first->ancien_nom, "CR•DSU");
    assert_string_equal(first->territoire, "Auvergne-Rhône-Alpes");
    assert_string_equal(first->site, "https://www.labo-cites.org");
    assert_string_equal(first->site_label, "www.labo-cites.org");
    assert_string_equal(first->ville, "Lyon");
    assert_null(first->courriel);
    assert_null(first->departement);
    assert_true(first->has_coords);
    assert_double_near(first->lon, 4.8357, 1e-9);
    assert_double_near(first->lat, 45.7640, 1e-9);
    assert_int_equal(first->statut, CRPV_STATUT_ACTIF);
    assert_int_equal(first->line, 2);
    assert_int_equal(strv_len(first->regions), 1);
    assert_string_equal(first->regions[0], "84");

    const crpv_centre *n = find(dir, "normanvilles");
    assert_int_equal(strv_len(n->telephones), 1);
    assert_string_equal(n->telephones[0], "02 31 43 63 36");

    const crpv_centre *vt = find(dir, "villes-et-territoires");
    assert_int_equal(strv_len(vt->telephones), 2);
    assert_string_equal(vt->telephones[0], "04 67 07 02 38");
    assert_string_equal(vt->telephones[1], "04 67 07 02 42");

    const crpv_centre *reso = find(dir, "reso-villes");
    assert_int_equal(strv_len(reso->regions), 2);
    assert_string_equal(reso->regions[0], "53");
    assert_string_equal(reso->regions[1], "52");

    const crpv_centre *paris = find(dir, "pole-ressources-paris");
    assert_string_equal(paris->departement, "75");
    assert_string_equal(paris->courriel, "catherine.halpern@paris.fr");
    assert_null(paris->site);
    assert_null(paris->site_label);

    const crpv_centre *p95 = find(dir, "pole-ressources-95");
    assert_false(p95->has_coords);
    assert_string_equal(p95->territoire, "Val-d’Oise");

    const crpv_centre *gp = crpv_directory_nth(dir, 19);
    assert_string_equal(gp->id, "crpv-guadeloupe");
    assert_int_equal(gp->line, 21);
    assert_int_equal(gp->statut, CRPV_STATUT_PREFIGURATION);
    assert_int_equal(strv_len(gp->telephones), 0);
    assert_non_null(gp->telephones);
    assert_null(gp->site);
    assert_false(gp->has_coords);

    crpv_directory_stats st = crpv_directory_get_stats(dir);
    assert_int_equal(st.centres, 20);
    assert_int_equal(st.actifs, 19);
    assert_int_equal(st.prefiguration, 1);
    assert_int_equal(st.outremer, 5);
    assert_int_equal(st.regions, 17);
    assert_int_equal(st.regions_outremer, 5);
}

static void test_shipped_directory(void **state)
{
    (void)state;
    GError *err = NULL;
    g_autoptr(GPtrArray) warnings = g_ptr_array_new_with_free_func(g_free);
    g_autoptr(crpv_directory) dir =
        crpv_directory_load("data/centres.csv", NULL, NULL, warnings, &err);
    if (!dir)
        fail_msg("%s", err->message);
    check_shipped(dir);
    assert_int_equal(warnings->len, 2);
    assert_string_equal(warnings->pdata[0],
                        "data/centres.csv:21: attention : centre « crpv-guadeloupe » sans "
                        "téléphone");
    assert_string_equal(warnings->pdata[1],
                        "data/centres.csv:21: attention : centre « crpv-guadeloupe » sans site "
                        "ni courriel");
}

static void test_shipped_directory_against_shapefiles(void **state)
{
    (void)state;
    GError *err = NULL;
    g_autoptr(crpv_layer) regions =
        crpv_layer_load("geo/regions-avec-outre-mer.shp", "code", "nom", NULL, &err);
    if (!regions)
        fail_msg("%s", err->message);
    g_autoptr(crpv_layer) deps =
        crpv_layer_load("geo/departements-avec-outre-mer.shp", "code", "nom", NULL, &err);
    if (!deps)
        fail_msg("%s", err->message);
    size_t len;
    g_autofree char *data = tu_read_source("data/centres.csv", &len);
    g_autoptr(crpv_directory) dir =
        crpv_directory_parse(data, len, "centres.csv", regions, deps, NULL, &err);
    if (!dir)
        fail_msg("%s", err->message);
    check_shipped(dir);

    /* Lyon's coordinates under Paris, an unknown region, a swapped pair. */
    const char *bad = HEADER "a,A,Paris,11,75,,,,4.8357,45.764,actif\n"
                             "b,B,X,99,,,,,,,actif\n"
                             "c,C,Occitanie,76,,,,,43.6047,1.4442,actif\n";
    expect_error(bad, regions, deps,
                 "t.csv:2: coordonnées (4.8357, 45.764) hors du territoire « Paris »" LONLAT "\n"
                 "t.csv:3: code région « 99 » inconnu des contours "
                 "(regions-avec-outre-mer.shp) (colonne D « regions »)\n"
                 "t.csv:4: coordonnées (43.6047, 1.4442) hors du territoire « Occitanie » : "
                 "longitude et latitude inversées ?" LONLAT);
}

/* The shipped file as French Excel saves it: semicolons, CRLF, decimal
 * commas, quotes where a field needs them, rows of empty cells at the end;
 * with a UTF-8 BOM, or in Windows-1252. */
static char *excel_export(bool windows_1252, size_t *len)
{
    size_t src_len;
    g_autofree char *src = tu_read_source("data/centres.csv", &src_len);
    g_autoptr(crpv_csv) csv = crpv_csv_parse(src, src_len, "centres.csv", NULL);
    assert_non_null(csv);
    const crpv_csv_row *header = crpv_csv_nth(csv, 0);
    GString *out = g_string_new(windows_1252 ? "" : "\xEF\xBB\xBF");
    for (size_t r = 0; r < crpv_csv_n_rows(csv); r++) {
        const crpv_csv_row *row = crpv_csv_nth(csv, r);
        for (size_t i = 0; i < row->n_fields; i++) {
            g_autofree char *f = g_strdup(row->fields[i]);
            const char *col = header->fields[i];
            if (r > 0 && (g_str_equal(col, "lon") || g_str_equal(col, "lat")))
                g_strdelimit(f, ".", ',');
            if (i > 0)
                g_string_append_c(out, ';');
            /* Excel quotes a field holding its separator, quotes or spaces
             * only sometimes; quote the names always to exercise it. */
            if (g_str_equal(col, "nom") || strpbrk(f, ";\"\r\n")) {
                g_auto(GStrv) parts = g_strsplit(f, "\"", -1);
                g_autofree char *escaped = g_strjoinv("\"\"", parts);
                g_string_append_printf(out, "\"%s\"", escaped);
            } else {
                g_string_append(out, f);
            }
        }
        g_string_append(out, "\r\n");
    }
    g_string_append(out, ";;;;;;;;;;;;\r\n;;;;;;;;;;;;\r\n");
    if (!windows_1252) {
        *len = out->len;
        return g_string_free(out, FALSE);
    }
    gsize written = 0;
    char *conv =
        g_convert(out->str, (gssize)out->len, "WINDOWS-1252", "UTF-8", NULL, &written, NULL);
    assert_non_null(conv);
    g_string_free(out, TRUE);
    *len = written;
    return conv;
}

static void test_excel_export(void **state)
{
    (void)state;
    for (int cp = 0; cp < 2; cp++) {
        size_t len;
        g_autofree char *data = excel_export(cp == 1, &len);
        GError *err = NULL;
        g_autoptr(GPtrArray) warnings = g_ptr_array_new_with_free_func(g_free);
        g_autoptr(crpv_directory) dir =
            crpv_directory_parse(data, len, "export.csv", NULL, NULL, warnings, &err);
        if (!dir)
            fail_msg("%s", err->message);
        check_shipped(dir);
        assert_int_equal(warnings->len, 2);
        assert_non_null(strstr(warnings->pdata[0], "export.csv:21: "));
    }
}

/* ---- Columns ---- */

static void test_missing_columns(void **state)
{
    (void)state;
    expect_error("id,territoire,regions\noriv,Grand Est,44\n", NULL, NULL,
                 "t.csv:1: colonne obligatoire « nom » absente\n"
                 "t.csv:1: colonne obligatoire « statut » absente");
    expect_error("", NULL, NULL, "t.csv:1: fichier vide (ligne d’en-tête attendue)");
    expect_error("id,nom,territoire,regions,statut,ID\n", NULL, NULL,
                 "t.csv:1: colonne « id » en double (« id » et « ID »)");
}

static void test_columns_any_order(void **state)
{
    (void)state;
    g_autoptr(crpv_directory) dir = parse_ok(" Statut ;remarque;REGIONS;Nom; id ;territoire;Ville\n"
                                             "Actif;à revoir;44;ORIV;oriv;Grand Est;Strasbourg\n",
                                             NULL, NULL);
    assert_int_equal(crpv_directory_count(dir), 1);
    const crpv_centre *c = crpv_directory_nth(dir, 0);
    assert_string_equal(c->id, "oriv");
    assert_string_equal(c->nom, "ORIV");
    assert_string_equal(c->regions[0], "44");
    assert_string_equal(c->ville, "Strasbourg");
    assert_int_equal(c->statut, CRPV_STATUT_ACTIF);
    assert_null(c->site);
    assert_int_equal(strv_len(c->telephones), 0);
}

/* ---- Values ---- */

static void test_missing_values(void **state)
{
    (void)state;
    expect_error(HEADER "a,A,T,44,,,,,,,actif\n"
                        "b,,T,44,,,,,,,actif\n"
                        ",B,T,44,,,,,,,actif\n"
                        "c,C,  ,,,,,,,,\n",
                 NULL, NULL,
                 "t.csv:3: valeur obligatoire vide (colonne B « nom »)\n"
                 "t.csv:4: valeur obligatoire vide (colonne A « id »)\n"
                 "t.csv:5: valeur obligatoire vide (colonne C « territoire »)\n"
                 "t.csv:5: valeur obligatoire vide (colonne D « regions »)\n"
                 "t.csv:5: valeur obligatoire vide (colonne K « statut »)");
    /* Short rows: the missing cells are empty. */
    expect_error(HEADER "a,A,T\n", NULL, NULL,
                 "t.csv:2: valeur obligatoire vide (colonne D « regions »)\n"
                 "t.csv:2: valeur obligatoire vide (colonne K « statut »)");
    expect_error(HEADER ",,,\n", NULL, NULL, "t.csv:1: aucun centre dans le fichier");
}

static void test_ids(void **state)
{
    (void)state;
    expect_error(HEADER "oriv,A,T,44,,,,,,,actif\n"
                        "irev,B,T,32,,,,,,,actif\n"
                        "oriv,C,T,44,,,,,,,actif\n"
                        "Labo Cités,D,T,84,,,,,,,actif\n",
                 NULL, NULL,
                 "t.csv:4: identifiant « oriv » en double (déjà ligne 2) (colonne A « id »)\n"
                 "t.csv:5: identifiant « Labo Cités » invalide (lettres minuscules, chiffres et "
                 "tirets seulement) (colonne A « id »)");
}

static void test_statut(void **state)
{
    (void)state;
    g_autoptr(crpv_directory) dir = parse_ok(HEADER "a,A,T,44,,,,,,,ACTIF\n"
                                                    "b,B,T,44,,,,,,,Préfiguration\n"
                                                    "c,C,T,44,,,,,,,prefiguration\n",
                                             NULL, NULL);
    assert_int_equal(crpv_directory_nth(dir, 0)->statut, CRPV_STATUT_ACTIF);
    assert_int_equal(crpv_directory_nth(dir, 1)->statut, CRPV_STATUT_PREFIGURATION);
    assert_int_equal(crpv_directory_nth(dir, 2)->statut, CRPV_STATUT_PREFIGURATION);
    expect_error(HEADER "a,A,T,44,,,,,,,actif\n"
                        "b,B,T,44,,,,,,,fermé\n",
                 NULL, NULL,
                 "t.csv:3: statut « fermé » inconnu (attendu : actif ou prefiguration) "
                 "(colonne K « statut »)");
}

static void test_codes_against_layers(void **state)
{
    layers *l = *state;
    expect_error(HEADER "a,A,T,11,,,,,,,actif\n"
                        "b,B,T,11+99,,,,,,,actif\n"
                        "c,C,T,11,2B,,,,,,actif\n"
                        "d,D,T,11+,,,,,,,actif\n",
                 l->regions, l->departements,
                 "t.csv:3: code région « 99 » inconnu des contours (colonne D « regions »)\n"
                 "t.csv:4: code département « 2B » inconnu des contours (colonne E "
                 "« departement »)\n"
                 "t.csv:5: code région vide dans « 11+ » (colonne D « regions »)");
    /* A spreadsheet turns "03" into 3; it is read back as "03". */
    g_autoptr(crpv_directory) dir =
        parse_ok(HEADER "a,A,T, 11 + 84 ,,,,,,,actif\nb,B,Guyane,3,,,,,,,actif\n", l->regions,
                 l->departements);
    const crpv_centre *a = crpv_directory_nth(dir, 0);
    assert_int_equal(strv_len(a->regions), 2);
    assert_string_equal(a->regions[1], "84");
    assert_string_equal(crpv_directory_nth(dir, 1)->regions[0], "03");
    crpv_directory_stats st = crpv_directory_get_stats(dir);
    assert_int_equal(st.regions, 3);
    assert_int_equal(st.regions_outremer, 1);
    assert_int_equal(st.outremer, 1);
}

static void test_coordinates(void **state)
{
    layers *l = *state;
    expect_error(HEADER "a,A,Paris,11,75,,,,2.35,,actif\n"
                        "b,B,Paris,11,75,,,,,48.85,actif\n"
                        "c,C,Paris,11,75,,,,2.35,abc,actif\n"
                        "d,D,Paris,11,75,,,,nan,inf,actif\n"
                        "e,E,Paris,11,75,,,,200,-91,actif\n"
                        "f,F,Paris,11,75,,,,2.35,12.5,actif\n"
                        "g,G,Paris,11,75,,,,\"2,35\",\"48,85\",actif\n"
                        "h,H,Île-de-France,11,,,,,5.0,45.5,actif\n"
                        "i,I,Essonne,11,91,,,,2.35,48.85,actif\n",
                 l->regions, l->departements,
                 "t.csv:2: longitude « 2.35 » sans latitude (colonne I « lon »)\n"
                 "t.csv:3: latitude « 48.85 » sans longitude (colonne J « lat »)\n"
                 "t.csv:4: latitude « abc » n’est pas un nombre (colonne J « lat »)\n"
                 "t.csv:5: longitude « nan » n’est pas un nombre (colonne I « lon »)\n"
                 "t.csv:5: latitude « inf » n’est pas un nombre (colonne J « lat »)\n"
                 "t.csv:6: longitude « 200 » hors limites (de -180 à 180) (colonne I « lon »)\n"
                 "t.csv:6: latitude « -91 » hors limites (de -90 à 90) (colonne J « lat »)\n"
                 "t.csv:7: coordonnées (2.35, 12.5) hors du territoire « Paris »" LONLAT "\n"
                 "t.csv:9: coordonnées (5, 45.5) hors du territoire « Île-de-France »" LONLAT "\n"
                 "t.csv:10: coordonnées (2.35, 48.85) hors du territoire « Essonne »" LONLAT);

    /* Inside the département, in any of several regions, on the coast
     * within the tolerance (0.03° outside Guyane's edge), or with no
     * layer to check against. */
    g_autoptr(crpv_directory) dir = parse_ok(HEADER "a,A,Paris,11,75,,,,2.35,48.85,actif\n"
                                                    "b,B,T,11+84,,,,,5.0,45.5,actif\n"
                                                    "c,C,Guyane,03,,,,,-51.57,4.9,actif\n"
                                                    "d,D,T,84,,,,,5e0,+4.5e1,actif\n",
                                             l->regions, l->departements);
    assert_double_near(crpv_directory_nth(dir, 2)->lon, -51.57, 1e-12);
    assert_double_near(crpv_directory_nth(dir, 3)->lat, 45, 1e-12);
    expect_error(HEADER "c,C,Guyane,03,,,,,-51.5,4.9,actif\n", l->regions, l->departements,
                 "t.csv:2: coordonnées (-51.5, 4.9) hors du territoire « Guyane »" LONLAT);
    g_autoptr(crpv_directory) nolayer =
        parse_ok(HEADER "f,F,Paris,11,75,,,,2.35,12.5,actif\n", NULL, NULL);
    assert_true(crpv_directory_nth(nolayer, 0)->has_coords);
}

static void test_decimal_comma_in_semicolon_file(void **state)
{
    (void)state;
    g_autoptr(crpv_directory) dir = parse_ok("id;nom;territoire;regions;lon;lat;statut\n"
                                             "a;A;T;84;4,8357;45,764;actif\n"
                                             "b;B;T;84;\"-0,5\";44.5;actif\n",
                                             NULL, NULL);
    assert_double_near(crpv_directory_nth(dir, 0)->lon, 4.8357, 1e-12);
    assert_double_near(crpv_directory_nth(dir, 0)->lat, 45.764, 1e-12);
    assert_double_near(crpv_directory_nth(dir, 1)->lon, -0.5, 1e-12);
    expect_error("id;nom;territoire;regions;lon;lat;statut\n"
                 "a;A;T;84;4,8,3;1.5,2;actif\n",
                 NULL, NULL,
                 "t.csv:2: longitude « 4,8,3 » n’est pas un nombre (colonne E « lon »)\n"
                 "t.csv:2: latitude « 1.5,2 » n’est pas un nombre (colonne F « lat »)");
}

static void test_phones(void **state)
{
    (void)state;
    g_autoptr(crpv_directory) dir =
        parse_ok(HEADER "a,A,T,44,,\"01\xC2\xA0"
                        "23\t45  67 89 \",,,,,actif\n"
                        "b,B,T,44,,+33 1 23 45 67 89 + 01 02 03 04 05,,,,,actif\n"
                        "c,C,T,44,,tel:+33123456789,,,,,actif\n"
                        "d,D,T,44,,(0)1.23-45,,,,,actif\n",
                 NULL, NULL);
    assert_string_equal(crpv_directory_nth(dir, 0)->telephones[0], "01 23 45 67 89");
    char **b = crpv_directory_nth(dir, 1)->telephones;
    assert_int_equal(strv_len(b), 2);
    assert_string_equal(b[0], "+33 1 23 45 67 89");
    assert_string_equal(b[1], "01 02 03 04 05");
    assert_string_equal(crpv_directory_nth(dir, 2)->telephones[0], "+33123456789");
    assert_string_equal(crpv_directory_nth(dir, 3)->telephones[0], "(0)1.23-45");

    expect_error(HEADER "a,A,T,44,,01 23 45 67 89 poste 12,,,,,actif\n"
                        "b,B,T,44,,123,,,,,actif\n"
                        "c,C,T,44,,01 23 45 67 89 + ,,,,,actif\n",
                 NULL, NULL,
                 "t.csv:2: téléphone « 01 23 45 67 89 poste 12 » invalide (chiffres, espaces "
                 "et + . ( ) - seulement) (colonne F « telephone »)\n"
                 "t.csv:3: téléphone « 123 » trop court (au moins 4 chiffres) (colonne F "
                 "« telephone »)\n"
                 "t.csv:4: numéro de téléphone vide dans « 01 23 45 67 89 + » (colonne F "
                 "« telephone »)");
}

static void test_links(void **state)
{
    (void)state;
    g_autoptr(crpv_directory) dir =
        parse_ok(HEADER "a,A,T,44,,,www.oriv.org,,,,actif\n"
                        "b,B,T,44,,,http://irev.fr/,MAILTO:contact@irev.fr,,,actif\n"
                        "c,C,T,44,,,HTTPS://www.x.org/annuaire/,a.b-c@d.e.fr,,,actif\n",
                 NULL, NULL);
    const crpv_centre *a = crpv_directory_nth(dir, 0), *b = crpv_directory_nth(dir, 1),
                      *c = crpv_directory_nth(dir, 2);
    assert_string_equal(a->site, "https://www.oriv.org");
    assert_string_equal(a->site_label, "www.oriv.org");
    assert_string_equal(b->site, "http://irev.fr/");
    assert_string_equal(b->site_label, "irev.fr");
    assert_string_equal(b->courriel, "contact@irev.fr");
    assert_string_equal(c->site, "https://www.x.org/annuaire/");
    assert_string_equal(c->site_label, "www.x.org/annuaire");
    assert_string_equal(c->courriel, "a.b-c@d.e.fr");

    expect_error(HEADER "a,A,T,44,,,javascript:alert(1),,,,actif\n"
                        "b,B,T,44,,,ftp://x.org,,,,actif\n"
                        "c,C,T,44,,,file:///etc/passwd,,,,actif\n"
                        "d,D,T,44,,,www.x.org/a b,,,,actif\n"
                        "e,E,T,44,,,https://,,,,actif\n"
                        "f,F,T,44,,,,http://x.org,,,actif\n"
                        "g,G,T,44,,,,a b@c.fr,,,actif\n"
                        "h,H,T,44,,,,a@b@c.fr,,,actif\n"
                        "i,I,T,44,,,,contact.fr,,,actif\n",
                 NULL, NULL,
                 "t.csv:2: schéma de lien refusé dans « javascript:alert(1) » (attendu : http "
                 "ou https)" SITE "\n"
                 "t.csv:3: schéma de lien refusé dans « ftp://x.org » (attendu : http ou "
                 "https)" SITE "\n"
                 "t.csv:4: schéma de lien refusé dans « file:///etc/passwd » (attendu : http "
                 "ou https)" SITE "\n"
                 "t.csv:5: lien « www.x.org/a b » invalide (il contient une espace)" SITE "\n"
                 "t.csv:6: lien « https:// » sans adresse de site" SITE "\n"
                 "t.csv:7: schéma de lien refusé dans « http://x.org » (attendu : une adresse "
                 "ou mailto:)" MAIL "\n"
                 "t.csv:8: adresse électronique « a b@c.fr » invalide" MAIL "\n"
                 "t.csv:9: adresse électronique « a@b@c.fr » invalide" MAIL "\n"
                 "t.csv:10: adresse électronique « contact.fr » invalide" MAIL);
}

static void test_control_characters(void **state)
{
    (void)state;
    /* A name spanning lines 3-4 is accepted (see test_line_breaks_in_cells),
     * and the next row is still line 5. */
    expect_error(HEADER "a,A,T,44,,,,,,,actif\n"
                        "b,\"Deux\nlignes\",T,44,,,,,,,actif\n"
                        "c,C\x7f,T,44,,,,,,,actif\n"
                        "d,D,T\tT,44,,,,,,,actif\n",
                 NULL, NULL,
                 "t.csv:5: valeur avec un caractère de contrôle (colonne B « nom »)\n"
                 "t.csv:6: valeur avec un caractère de contrôle (colonne C « territoire »)");
}

static void test_all_errors_at_once(void **state)
{
    layers *l = *state;
    /* Errors on many lines, after a multi-line quoted field, with blank
     * rows in the middle and a spreadsheet's trailing empty rows. */
    const char *data = "id;nom;ancien_nom;territoire;regions;departement;telephone;site;"
                       "courriel;ville;lon;lat;statut\r\n"
                       "ok;\"Un \"\"bon\"\" centre\";\"ancien\r\nnom\";Paris;11;75;01 02 03 04 05;"
                       "www.a.fr;;Paris;2,35;48,85;actif\r\n"
                       ";;;;;;;;;;;;\r\n"
                       "ok;Doublon;;T;11;;;;;;;;actif\r\n"
                       "x;X;;T;99;;ab;javascript:void(0);;;2,35;abc;ouvert\r\n"
                       "y;;;T;11;;;;;;;;\r\n"
                       ";;;;;;;;;;;;\r\n"
                       ";;;;;;;;;;;;\r\n";
    expect_error(data, l->regions, l->departements,
                 "t.csv:5: identifiant « ok » en double (déjà ligne 2) (colonne A « id »)\n"
                 "t.csv:6: code région « 99 » inconnu des contours (colonne E « regions »)\n"
                 "t.csv:6: téléphone « ab » invalide (chiffres, espaces et + . ( ) - "
                 "seulement) (colonne G « telephone »)\n"
                 "t.csv:6: schéma de lien refusé dans « javascript:void(0) » (attendu : http ou "
                 "https) (colonne H « site »)\n"
                 "t.csv:6: latitude « abc » n’est pas un nombre (colonne L « lat »)\n"
                 "t.csv:6: statut « ouvert » inconnu (attendu : actif ou prefiguration) "
                 "(colonne M « statut »)\n"
                 "t.csv:7: valeur obligatoire vide (colonne B « nom »)\n"
                 "t.csv:7: valeur obligatoire vide (colonne M « statut »)");
}

static void test_csv_errors_are_directory_errors(void **state)
{
    (void)state;
    expect_error(HEADER "a,\"A,T,44,,,,,,,actif\n", NULL, NULL,
                 "t.csv:2: guillemet ouvert jamais refermé");
}

static void test_windows_1252_file(void **state)
{
    (void)state;
    g_autoptr(crpv_directory) dir =
        parse_ok("id;nom;territoire;regions;ville;statut\r\n"
                 "crpve-91;Centre;Essonne;11;\xc9vry-Courcouronnes;pr\xe9"
                 "figuration\r\n",
                 NULL, NULL);
    assert_string_equal(crpv_directory_nth(dir, 0)->ville, "Évry-Courcouronnes");
    assert_int_equal(crpv_directory_nth(dir, 0)->statut, CRPV_STATUT_PREFIGURATION);
}

static void test_load_errors(void **state)
{
    (void)state;
    GError *err = NULL;
    crpv_directory *dir =
        crpv_directory_load("tests/data/directory/absent.csv", NULL, NULL, NULL, &err);
    assert_null(dir);
    assert_true(g_error_matches(err, G_FILE_ERROR, G_FILE_ERROR_NOENT));
    assert_string_equal(err->message, "tests/data/directory/absent.csv: fichier introuvable");
    g_clear_error(&err);

    g_autofree char *tmp = tu_tmpdir();
    const char *data = HEADER "a,A,T,44,,,,,,,ferme\n";
    g_autofree char *path = tu_write_file(tmp, "c.csv", data, strlen(data));
    dir = crpv_directory_load(path, NULL, NULL, NULL, &err);
    assert_null(dir);
    g_autofree char *expected =
        g_strdup_printf("%s:2: statut « ferme » inconnu (attendu : actif ou prefiguration) "
                        "(colonne K « statut »)",
                        path);
    assert_string_equal(err->message, expected);
    g_clear_error(&err);
    tu_rmtree(tmp);
}

static void test_warnings(void **state)
{
    (void)state;
    g_autoptr(GPtrArray) warnings = g_ptr_array_new_with_free_func(g_free);
    GError *err = NULL;
    g_autoptr(crpv_directory) dir = parse_with(HEADER "a,A,T,44,,01 02 03 04 05,,,,,actif\n"
                                                      "b,B,T,44,,,,b@b.fr,,,actif\n",
                                               NULL, NULL, warnings, &err);
    assert_non_null(dir);
    assert_int_equal(warnings->len, 2);
    assert_string_equal(warnings->pdata[0],
                        "t.csv:2: attention : centre « a » sans site ni courriel");
    assert_string_equal(warnings->pdata[1], "t.csv:3: attention : centre « b » sans téléphone");
}

static void test_hostile_cells(void **state)
{
    (void)state;
    /* A million "+" in regions and phones: one error each (speed is measured in bench/, not here). */
    GString *s = g_string_new(HEADER "a,A,T,");
    GString *plus = g_string_new(NULL);
    for (int i = 0; i < 1000000; i++)
        g_string_append_c(plus, '+');
    g_string_append_printf(s, "%s,,%s,,,,,actif\n", plus->str, plus->str);
    GError *err = NULL;
    crpv_directory *dir = crpv_directory_parse(s->str, s->len, "t.csv", NULL, NULL, NULL, &err);
    assert_null(dir);
    g_auto(GStrv) lines = g_strsplit(err->message, "\n", -1);
    assert_int_equal(g_strv_length(lines), 2);
    assert_true(g_str_has_prefix(lines[0], "t.csv:2: code région vide dans « ++"));
    assert_true(g_str_has_prefix(lines[1], "t.csv:2: numéro de téléphone vide dans « ++"));
    g_clear_error(&err);
    g_string_free(plus, TRUE);
    g_string_free(s, TRUE);

    /* Many rows, every one a duplicate of the first. */
    s = g_string_new(HEADER);
    for (int i = 0; i < 20000; i++)
        g_string_append(s, "x,X,T,44,,01 02 03 04 05,www.x.fr,,,,actif\n");
    dir = crpv_directory_parse(s->str, s->len, "t.csv", NULL, NULL, NULL, &err);
    assert_null(dir);
    assert_non_null(
        strstr(err->message, "t.csv:20001: identifiant « x » en double (déjà ligne 2)"));
    g_error_free(err);
    g_string_free(s, TRUE);
}

/* Excel's Alt+Enter, a quoted CSV field over two lines: a line break in a
 * name is a space, in the list columns a separator; the rows after it keep
 * their line numbers. */
static void test_line_breaks_in_cells(void **state)
{
    (void)state;
    g_autoptr(GPtrArray) warnings = g_ptr_array_new_with_free_func(g_free);
    GError *err = NULL;
    g_autoptr(crpv_directory) dir = parse_with(
        HEADER "a,\"Centre de ressources \r\n  du Val\",\"Deux\r\nlignes\",\"11\r\n84\",,"
               "\"01 02 03 04 05\r\n06 07 08 09 10\",www.a.fr,,,,actif\r\n"
               "b,B,T,44,,01 02 03 04 05,www.b.fr,,,,actif\r\n",
        NULL, NULL, warnings, &err);
    if (!dir)
        fail_msg("%s", err->message);
    const crpv_centre *a = crpv_directory_nth(dir, 0);
    assert_string_equal(a->nom, "Centre de ressources du Val");
    assert_string_equal(a->territoire, "Deux lignes");
    assert_int_equal(strv_len(a->regions), 2);
    assert_string_equal(a->regions[1], "84");
    assert_int_equal(strv_len(a->telephones), 2);
    assert_string_equal(a->telephones[1], "06 07 08 09 10");
    assert_int_equal(crpv_directory_nth(dir, 1)->line, 7);
    assert_int_equal(warnings->len, 0);
    /* An error after the field names the right line. */
    expect_error(HEADER "a,\"A\nB\",T,44,,,,,,,actif\nb,B,T,44,,,,,,,ouvert\n", NULL, NULL,
                 "t.csv:4: statut « ouvert » inconnu (attendu : actif ou prefiguration) "
                 "(colonne K « statut »)");
}

/* A UTF-8 file with one line pasted from a Windows program: that line
 * alone is read as Windows-1252, with a warning naming it; the other
 * names are not turned into mojibake. */
static void test_mixed_encodings(void **state)
{
    (void)state;
    g_autoptr(GPtrArray) warnings = g_ptr_array_new_with_free_func(g_free);
    GError *err = NULL;
    g_autoptr(crpv_directory) dir =
        parse_with(HEADER "a,Labo Cités,Rhône,84,,,www.a.fr,,,,actif\n"
                          "b,\"Deux\nlignes\",T,84,,,www.b.fr,,,,actif\n"
                          "c,R\xE9sovilles \x96 Bretagne,T,53,,,www.c.fr,,,,actif\n"
                          "d,Île,T,53,,,www.d.fr,,,,actif\n",
                   NULL, NULL, warnings, &err);
    if (!dir)
        fail_msg("%s", err->message);
    assert_string_equal(crpv_directory_nth(dir, 0)->nom, "Labo Cités");
    assert_string_equal(crpv_directory_nth(dir, 2)->nom, "Résovilles – Bretagne");
    assert_string_equal(crpv_directory_nth(dir, 3)->nom, "Île");
    assert_string_equal(crpv_directory_get_source(dir).encoding, "UTF-8+WINDOWS-1252");
    /* The warnings about phones come after the one about the line. */
    assert_true(warnings->len >= 1);
    assert_string_equal(warnings->pdata[0],
                        "t.csv:5: attention : ligne qui n’est pas en UTF-8 comme le reste du "
                        "fichier, lue en Windows-1252 : « c,Résovilles – Bretagne,T,53,,,"
                        "www.c.fr,,,,actif » (vérifiez ses accents, puis enregistrez le fichier "
                        "en UTF-8)");
    /* A byte Windows-1252 leaves undefined, on such a line: an error
     * naming it. */
    expect_error(HEADER "a,Labo Cités,T,84,,,,,,,actif\nb,B\x81\xE9,T,84,,,,,,,actif\n", NULL,
                 NULL,
                 "t.csv:3: octet 0x81 illisible (la ligne n’est ni en UTF-8, ni en "
                 "Windows-1252)");
    /* Many such lines: the first five named, then a count. */
    GString *many = g_string_new(HEADER "a,Labo Cités,T,84,,,www.a.fr,,,,actif\n");
    for (int i = 0; i < 8; i++)
        g_string_append_printf(many, "x%d,R\xE9so,T,53,,,www.x.fr,,,,actif\n", i);
    g_autoptr(GPtrArray) w2 = g_ptr_array_new_with_free_func(g_free);
    g_autoptr(crpv_directory) d2 = parse_with(many->str, NULL, NULL, w2, &err);
    g_string_free(many, TRUE);
    assert_non_null(d2);
    assert_string_equal(crpv_directory_nth(d2, 8)->nom, "Réso");
    assert_string_equal(w2->pdata[5], "t.csv: attention : et 3 autres lignes lues en Windows-1252");
}

/* What a spreadsheet or a hurried typist does to codes and numbers:
 * accepted, with a warning naming the cell. */
static void test_codes_and_phones_warned(void **state)
{
    (void)state;
    g_autoptr(GPtrArray) warnings = g_ptr_array_new_with_free_func(g_free);
    GError *err = NULL;
    g_autoptr(crpv_directory) dir =
        parse_with(HEADER "a,A,T,6,,01 23 45 67,www.a.fr,,,,actif\n"
                          "b,B,T,11,1,3939 + +32 2 123 45 67,www.b.fr,,,,actif\n"
                          "c,C,T,11,93,01 23 45 67 89,www.c.fr,,,,actif\n",
                   NULL, NULL, warnings, &err);
    if (!dir)
        fail_msg("%s", err->message);
    assert_string_equal(crpv_directory_nth(dir, 0)->regions[0], "06");
    assert_string_equal(crpv_directory_nth(dir, 1)->departement, "01");
    assert_int_equal(warnings->len, 3);
    assert_string_equal(warnings->pdata[0],
                        "t.csv:2: attention : code région « 6 » lu « 06 » (le zéro initial "
                        "manque : le tableur l’a sans doute pris pour un nombre) (colonne D "
                        "« regions »)");
    assert_string_equal(warnings->pdata[1],
                        "t.csv:2: attention : téléphone « 01 23 45 67 » de 8 chiffres, alors "
                        "qu’un numéro français en a 10 (un numéro étranger s’écrit avec son "
                        "indicatif : +32 …) (colonne F « telephone »)");
    assert_string_equal(warnings->pdata[2],
                        "t.csv:3: attention : code département « 1 » lu « 01 » (le zéro initial "
                        "manque : le tableur l’a sans doute pris pour un nombre) (colonne E "
                        "« departement »)");
}

/* ---- Normalisation ---- */

static void test_normalize_phone(void **state)
{
    (void)state;
    const char *cases[][2] = {
        {"02 31 43  63 36", "02 31 43 63 36"},
        {"  02\t31\xC2\xA0\xC2\xA0"
         "43\xE2\x80\xAF"
         "63 36  ",
         "02 31 43 63 36"},
        {"0231436336", "0231436336"},
        {"", ""},
        {" \t ", ""},
    };
    for (size_t i = 0; i < G_N_ELEMENTS(cases); i++) {
        g_autofree char *got = crpv_normalize_phone(cases[i][0]);
        assert_string_equal(got, cases[i][1]);
    }
}

static void test_normalize_site(void **state)
{
    (void)state;
    const char *cases[][2] = {
        {"www.oriv.org", "https://www.oriv.org"},
        {"  www.oriv.org/  ", "https://www.oriv.org/"},
        {"http://irev.fr", "http://irev.fr"},
        {"HTTPS://Irev.fr", "https://Irev.fr"},
        {"localhost:8080/x", "https://localhost:8080/x"},
        {"//cdn.x.org", "https://cdn.x.org"},
        {"javascript:alert(1)", NULL},
        {"JavaScript:alert(1)", NULL},
        {"ftp://x.org", NULL},
        {"mailto:a@b.fr", NULL},
        {"data:text/html,x", NULL},
        {"", NULL},
    };
    for (size_t i = 0; i < G_N_ELEMENTS(cases); i++) {
        g_autofree char *got = crpv_normalize_site(cases[i][0]);
        if (cases[i][1])
            assert_string_equal(got, cases[i][1]);
        else
            assert_null(got);
    }
}

static void test_region_is_overseas(void **state)
{
    (void)state;
    assert_true(crpv_region_is_overseas("01"));
    assert_true(crpv_region_is_overseas("06"));
    assert_false(crpv_region_is_overseas("07"));
    assert_false(crpv_region_is_overseas("00"));
    assert_false(crpv_region_is_overseas("11"));
    assert_false(crpv_region_is_overseas("971"));
    assert_false(crpv_region_is_overseas(""));
    assert_false(crpv_region_is_overseas(NULL));
}


/* Parses DATA, expecting success, with its warnings joined by newlines. */
static crpv_directory *parse_warned(const char *data, char **warnings_out)
{
    g_autoptr(GPtrArray) warnings = g_ptr_array_new_with_free_func(g_free);
    GError *err = NULL;
    crpv_directory *dir = parse_with(data, NULL, NULL, warnings, &err);
    if (!dir)
        fail_msg("unexpected error:\n%s", err->message);
    g_ptr_array_add(warnings, NULL);
    *warnings_out = g_strjoinv("\n", (char **)warnings->pdata);
    return dir;
}

static void test_header_synonyms(void **state)
{
    (void)state;
    /* Headers as people write them: case, accents, spaces, synonyms. */
    g_autofree char *w = NULL;
    g_autoptr(crpv_directory) dir = parse_warned(
        "Identifiant;Nom du centre;Territoire;Région;Téléphone;Site internet;E-mail;LNG;Lat;"
        "Statut;Remarques\n"
        "paris;Pôle Paris;Paris;11;01 42 76 00 00;;catherine@paris.fr;2,35;48,85;Actif;à voir\n",
        &w);
    const crpv_centre *c = crpv_directory_nth(dir, 0);
    assert_string_equal(c->telephones[0], "01 42 76 00 00");
    assert_string_equal(c->courriel, "catherine@paris.fr");
    assert_true(c->has_coords);
    assert_string_equal(w, "");

    g_autofree char *w2 = NULL;
    g_autoptr(crpv_directory) d2 =
        parse_warned("id,nom,territoire,regions,statut,Courriel,tél,Site web,Code postal\n"
                     "a,A,T,11,actif,a@b.fr,01 00 00 00 00,www.a.fr,75001\n",
                     &w2);
    assert_string_equal(w2, "");
    assert_string_equal(crpv_directory_nth(d2, 0)->courriel, "a@b.fr");
    assert_string_equal(crpv_directory_nth(d2, 0)->telephones[0], "01 00 00 00 00");
    assert_string_equal(crpv_directory_nth(d2, 0)->site, "https://www.a.fr");
}

static void test_header_unknown(void **state)
{
    (void)state;
    /* A misspelt column whose values would be lost: an error naming it
     * and the name meant. */
    expect_error("id,nom,territoire,regions,statut,Telefone\na,A,T,11,actif,01 00 00 00 00\n",
                 NULL, NULL,
                 "t.csv:1: colonne F « Telefone » inconnue : est-ce « téléphone » ? (renommez-la "
                 "« telephone », sinon ses valeurs seraient perdues)");
    expect_error("id,nom,territoire,regions,statut,mails\na,A,T,11,actif,a@b.fr\n", NULL, NULL,
                 "t.csv:1: colonne F « mails » inconnue : est-ce « courriel » ? (renommez-la "
                 "« courriel », sinon ses valeurs seraient perdues)");
    /* Far from anything, or near a column already there: a warning. */
    g_autofree char *w = NULL;
    g_autoptr(crpv_directory) dir =
        parse_warned("id,nom,territoire,regions,statut,telephone,telefax\n"
                     "a,A,T,11,actif,01 00 00 00 00,01 00 00 00 01\n",
                     &w);
    assert_true(g_str_has_prefix(w, "t.csv:1: attention : colonne G « telefax » inconnue, "
                                    "ignorée (la plus proche : « telephone »)\n"));
    /* Two headers for one column. */
    expect_error("id,nom,territoire,regions,statut,Téléphone,tel\na,A,T,11,actif,1,2\n", NULL,
                 NULL, "t.csv:1: colonne « telephone » en double (« Téléphone » et « tel »)");
    /* A message about a cell names its column as the file does. */
    expect_error("id,nom,territoire,regions,statut,Téléphone\na,A,T,11,actif,12\n", NULL, NULL,
                 "t.csv:2: téléphone « 12 » trop court (au moins 4 chiffres) (colonne F "
                 "« Téléphone »)");
}

static void test_phone_lost_zero_and_prefixes(void **state)
{
    (void)state;
    g_autofree char *w = NULL;
    g_autoptr(crpv_directory) dir = parse_warned(
        "id,nom,territoire,regions,telephone,statut\n"
        "oriv,ORIV,Grand Est,44,388143589,actif\n"
        "reunion,CR,La Réunion,04,02 62 00 00 00,actif\n"
        "mayotte,CR,Mayotte,06,02 69 00 00 00,actif\n"
        "gp,CR,Guadeloupe,01,05 90 00 00 00,actif\n"
        "mq,CR,Martinique,02,05 96 00 00 00,actif\n"
        "gy,CR,Guyane,03,05 94 28 79 43,actif\n"
        "intl,CR,Grand Est,44,+41 22 000 00 00,actif\n",
        &w);
    assert_string_equal(crpv_directory_nth(dir, 0)->telephones[0], "03 88 14 35 89");
    assert_true(g_str_has_prefix(w, "t.csv:2: attention : téléphone « 388143589 » à 9 chiffres, "
                                    "lu « 03 88 14 35 89 » (le tableur a sans doute supprimé le "
                                    "zéro initial : saisissez le numéro comme du texte) "
                                    "(colonne E « telephone »)\n"));
    const char *uris[] = {"tel:+33388143589", "tel:+262262000000", "tel:+262269000000",
                          "tel:+590590000000", "tel:+596596000000", "tel:+594594287943",
                          "tel:+41220000000"};
    for (size_t i = 0; i < G_N_ELEMENTS(uris); i++)
        assert_string_equal(crpv_directory_nth(dir, i)->telephone_uris[0], uris[i]);
}

static void test_active_stats(void **state)
{
    (void)state;
    g_autofree char *w = NULL;
    g_autoptr(crpv_directory) dir =
        parse_warned("id,nom,territoire,regions,statut\n"
                     "a,A,T,84,actif\nb,B,T,53+52,actif\ng,G,Guadeloupe,01,prefiguration\n"
                     "r,R,Réunion,04,actif\ns,S,T,84,prefiguration\n",
                     &w);
    crpv_directory_stats st = crpv_directory_get_stats(dir);
    assert_int_equal(st.regions, 5);
    assert_int_equal(st.regions_actifs, 4);
    assert_int_equal(st.regions_outremer, 2);
    assert_int_equal(st.regions_outremer_actifs, 1);
    assert_int_equal(st.outremer, 2);
    assert_int_equal(st.outremer_actifs, 1);
}

static void test_other_formats_refused(void **state)
{
    (void)state;
    GError *err = NULL;
    const char xls[] = "\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1 rest";
    assert_null(crpv_directory_parse(xls, sizeof xls - 1, "a.xls", NULL, NULL, NULL, &err));
    assert_string_equal(err->message, "a.xls: classeur Excel 97-2003 (.xls) : enregistrez-le au "
                                      "format .xlsx, .ods ou CSV");
    g_clear_error(&err);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_shipped_directory),
        cmocka_unit_test(test_header_synonyms),
        cmocka_unit_test(test_header_unknown),
        cmocka_unit_test(test_phone_lost_zero_and_prefixes),
        cmocka_unit_test(test_active_stats),
        cmocka_unit_test(test_other_formats_refused),
        cmocka_unit_test(test_shipped_directory_against_shapefiles),
        cmocka_unit_test(test_excel_export),
        cmocka_unit_test(test_missing_columns),
        cmocka_unit_test(test_columns_any_order),
        cmocka_unit_test(test_missing_values),
        cmocka_unit_test(test_ids),
        cmocka_unit_test(test_statut),
        cmocka_unit_test_setup_teardown(test_codes_against_layers, layers_setup, layers_teardown),
        cmocka_unit_test_setup_teardown(test_coordinates, layers_setup, layers_teardown),
        cmocka_unit_test(test_decimal_comma_in_semicolon_file),
        cmocka_unit_test(test_phones),
        cmocka_unit_test(test_links),
        cmocka_unit_test(test_control_characters),
        cmocka_unit_test_setup_teardown(test_all_errors_at_once, layers_setup, layers_teardown),
        cmocka_unit_test(test_csv_errors_are_directory_errors),
        cmocka_unit_test(test_windows_1252_file),
        cmocka_unit_test(test_load_errors),
        cmocka_unit_test(test_warnings),
        cmocka_unit_test(test_hostile_cells),
        cmocka_unit_test(test_line_breaks_in_cells),
        cmocka_unit_test(test_mixed_encodings),
        cmocka_unit_test(test_codes_and_phones_warned),
        cmocka_unit_test(test_normalize_phone),
        cmocka_unit_test(test_normalize_site),
        cmocka_unit_test(test_region_is_overseas),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
