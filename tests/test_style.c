/* The style file: defaults, overrides, and every mistake reported with its
 * line. */
#include "testutil.h"

#include <math.h>
#include <string.h>

#include "style.h"

static crpv_style *parse(const char *text, GError **error)
{
    return crpv_style_parse(text, strlen(text), "style.ini", error);
}

static void test_defaults(void **state)
{
    (void)state;
    g_autoptr(crpv_style) s = crpv_style_new_default();
    assert_double_near(s->page_width, 210, 1e-9);
    assert_double_near(s->page_height, 297, 1e-9);
    assert_string_equal(s->font_family, "Lato");
    assert_int_equal(s->n_insets, 6);
    assert_string_equal(s->insets[5].code, "idf");
    assert_non_null(strstr(s->credit, "Admin Express"));
}

static void test_overrides(void **state)
{
    (void)state;
    g_autoptr(GError) error = NULL;
    g_autoptr(crpv_style) s = parse("# commentaire\n"
                                    "[page]\nlargeur = 148\nhauteur=210\n"
                                    "[couleurs]\nprincipale = #123456\nmer = aucune\n"
                                    "[carte]\netiquette = nom\nlegende = non\n"
                                    "[encarts]\nidf = 100, 20, 30, 40\n"
                                    "[geo]\nregions_code = INSEE_REG\n",
                                    &error);
    assert_null(error);
    assert_non_null(s);
    assert_double_near(s->page_width, 148, 1e-9);
    assert_double_near(s->primary.r, 0x12 / 255.0, 1e-9);
    assert_double_near(s->primary.b, 0x56 / 255.0, 1e-9);
    assert_double_near(s->sea.a, 0, 1e-9);
    assert_string_equal(s->label_field, "nom");
    assert_false(s->legend);
    assert_double_near(s->insets[5].frame.x0, 100, 1e-9);
    assert_double_near(s->insets[5].frame.y1, 60, 1e-9);
    assert_string_equal(s->regions_code_field, "INSEE_REG");
    /* Keys not given keep their defaults. */
    assert_null(s->departements_code_field); /* found by the geo module */
}

static void test_every_error_with_its_line(void **state)
{
    (void)state;
    g_autoptr(GError) error = NULL;
    crpv_style *s = parse("[page]\n"
                          "largeur = large\n"           /* 2 */
                          "[couleurs]\n"
                          "principale = rouge\n"        /* 4 */
                          "[carte]\n"
                          "couleur = #000000\n"         /* 6 */
                          "[inconnue]\n"                /* 7 */
                          "x = 1\n",
                          &error);
    assert_null(s);
    assert_non_null(error);
    const char *m = error->message;
    assert_non_null(strstr(m, "style.ini:2: « largeur » doit être un nombre"));
    assert_non_null(strstr(m, "style.ini:4: couleur « rouge » invalide"));
    assert_non_null(strstr(m, "style.ini:6: clé « couleur » inconnue dans [carte]"));
    assert_non_null(strstr(m, "style.ini:7: section [inconnue] inconnue"));
}

/* Brand colours for print, written beside their screen values. */
static void test_print_colors(void **state)
{
    (void)state;
    g_autoptr(GError) error = NULL;
    g_autoptr(crpv_style) s = parse("[couleurs]\n"
                                    "principale = #b5174f / 0 95 45 10\n"
                                    "secondaire = #123456\n"
                                    "texte = #2b2b2b / 0 0 0 100\n"
                                    "[impression]\n"
                                    "profil = ISOcoated_v2_eci.icc\n"
                                    "condition = FOGRA39\n"
                                    "encrage_max = 280\n",
                                    &error);
    assert_non_null(s);
    assert_int_equal(s->n_print_colors, 11);
    const crpv_print_color *p = &s->print_colors[0];
    assert_true(p->has_print);
    assert_double_near(p->screen.r, 0xb5 / 255.0, 1e-9);
    assert_double_near(p->print.m, 95, 1e-9);
    assert_double_near(p->print.k, 10, 1e-9);
    /* A new screen colour without its print value has none. */
    assert_false(s->print_colors[2].has_print);
    /* The markers, the raspberry unless set, print in its main ink alone,
     * solid, so that their white numbers are knocked out of one ink; the
     * print brochure paints them in a colour of their own, one step off
     * the raspberry, which the print pass tells apart. */
    const crpv_print_color *m = &s->print_colors[7];
    assert_true(m->has_print);
    assert_double_near(m->print.m, 100, 1e-9);
    assert_double_near(m->print.c + m->print.y + m->print.k, 0, 1e-9);
    double step = fabs(s->marker_print_key.r - s->marker.r) +
                  fabs(s->marker_print_key.g - s->marker.g) +
                  fabs(s->marker_print_key.b - s->marker.b);
    assert_double_near(step, 1 / 255.0, 1e-9);
    for (size_t i = 0; i < s->n_print_colors; i++)
        assert_false(s->print_colors[i].screen.r == s->marker_print_key.r &&
                     s->print_colors[i].screen.g == s->marker_print_key.g &&
                     s->print_colors[i].screen.b == s->marker_print_key.b);
    /* The text keeps its default: the black plate alone. */
    assert_true(s->print_colors[5].has_print);
    assert_double_near(s->print_colors[5].print.k, 100, 1e-9);
    assert_double_near(s->print_colors[5].print.c, 0, 1e-9);
    /* The profile is found beside the style file. */
    assert_string_equal(s->icc_profile, "./ISOcoated_v2_eci.icc");
    assert_string_equal(s->output_condition, "FOGRA39");
    assert_double_near(s->max_ink, 280, 1e-9);
    g_clear_error(&error);
    crpv_style *bad = parse("[couleurs]\nprincipale = #b5174f / 0 95 45\n"
                            "neutre = #e4e1dc / 0 0 0 120\n",
                            &error);
    assert_null(bad);
    assert_non_null(strstr(error->message, "style.ini:2: valeurs d’impression « 0 95 45 »"));
    assert_non_null(strstr(error->message, "style.ini:3: valeurs d’impression « 0 0 0 120 »"));
}

static void test_broken_syntax(void **state)
{
    (void)state;
    g_autoptr(GError) error = NULL;
    assert_null(parse("pas de section\n", &error));
    assert_non_null(strstr(error->message, "style.ini"));
    g_clear_error(&error);
    /* A byte no encoding reads. */
    assert_null(crpv_style_parse("[page]\nlargeur = \x81\n", 18, "style.ini", &error));
    assert_non_null(strstr(error->message, "UTF-8"));
    g_clear_error(&error);
    /* A credit line pasted from a Windows program into a UTF-8 file: read
     * as Windows-1252, with a warning naming its line. */
    const char mixed[] = "# Réglages\n[carte]\ncredit = Source : IGN \x96 r\xE9gions\n";
    g_autoptr(crpv_style) s = crpv_style_parse(mixed, sizeof mixed - 1, "style.ini", &error);
    assert_non_null(s);
    assert_string_equal(s->credit, "Source : IGN – régions");
    assert_int_equal(s->warnings->len, 1);
    assert_true(g_str_has_prefix(s->warnings->pdata[0], "style.ini:3: attention : ligne qui "
                                                        "n’est pas en UTF-8"));
    /* Not a regular file: refused at once, not read for ever. */
    assert_null(crpv_style_load("/dev/zero", &error));
    assert_string_equal(error->message, "/dev/zero: ce n’est pas un fichier ordinaire "
                                        "(périphérique, tube ?) : crpv ne lit que des fichiers");
    g_clear_error(&error);
    assert_null(crpv_style_load("absent/style.ini", &error));
    assert_true(error->domain == G_FILE_ERROR);
}

/* Values each within its range whose whole makes no map. */
static void test_geometry_makes_sense(void **state)
{
    (void)state;
    g_autoptr(GError) error = NULL;
    /* Île-de-France over everything: the map would show no region. */
    assert_null(parse("[encarts]\n"
                      "idf = 0, 0, 10000, 10000\n", /* 2 */
                      &error));
    assert_string_equal(error->message, "style.ini:2: l’encart « idf » (0, 0, 10000 × 10000) "
                                        "déborde de la carte (540 × 430 points)");
    g_clear_error(&error);
    /* Inside the map but hiding the mainland, or another inset. */
    assert_null(parse("[encarts]\n"
                      "idf = 100, 0, 400, 400\n" /* 2 */
                      "01 = 0, 60, 84, 40\n",    /* 3 */
                      &error));
    assert_non_null(strstr(error->message, "style.ini:2: l’encart « idf » couvre plus du quart "
                                           "du cadre de la métropole"));
    assert_non_null(strstr(error->message, "style.ini:3: l’encart « 01 » chevauche l’encart « 02 »"));
    g_clear_error(&error);
    /* The mainland in a stamp, or pushed off the map by a smaller map. */
    assert_null(parse("[carte]\nmetropole = 400, 0, 40, 40\n", &error));
    assert_non_null(strstr(error->message, "style.ini:2: le cadre de la métropole (40 × 40 points) "
                                           "est trop petit pour être lu"));
    g_clear_error(&error);
    assert_null(parse("[carte]\nlargeur = 300\n", &error));
    assert_non_null(strstr(error->message, "style.ini:1: le cadre de la métropole (118, 0, 422 × "
                                           "408) déborde de la carte (300 × 430 points)"));
    g_clear_error(&error);
    /* A CRS PROJ does not know, a hyphenation "dictionary" that never ends. */
    assert_null(parse("[carte]\nprojection = EPSG:99999999\n[geo]\ncesure = /dev/urandom\n",
                      &error));
    assert_non_null(strstr(error->message, "style.ini:2: système de coordonnées « EPSG:99999999 » "
                                           "inconnu de PROJ"));
    assert_non_null(strstr(error->message, "style.ini:4: « /dev/urandom » n’est pas un "
                                           "dictionnaire de césure"));
    g_clear_error(&error);
    /* The shipped layout moved as a whole is fine. */
    g_autoptr(crpv_style) ok = parse("[carte]\nprojection = EPSG:2154\n[encarts]\n"
                                     "idf = 92, 0, 120, 100\n",
                                     &error);
    assert_non_null(ok);
}

static void assert_same_color(crpv_color a, crpv_color b)
{
    assert_memory_equal(&a, &b, sizeof a);
}

/* data/style.ini, copied by crpv init, lists every key commented out with
 * its default: uncommented, it must parse, and change nothing. */
static void test_template_states_the_defaults(void **state)
{
    (void)state;
    g_autofree char *text = tu_read_source("data/style.ini", NULL);
    g_autoptr(GError) error = NULL;
    g_autoptr(crpv_style) as_is = parse(text, &error);
    assert_non_null(as_is);
    GString *on = g_string_new(NULL);
    size_t keys = 0;
    g_auto(GStrv) lines = g_strsplit(text, "\n", -1);
    for (char **l = lines; *l; l++) {
        /* "# key = value": a key is lower case, digits and underscores. */
        bool comment = g_str_has_prefix(*l, "# ");
        const char *k = comment ? *l + 2 : *l;
        size_t n = strspn(k, "abcdefghijklmnopqrstuvwxyz0123456789_");
        bool key = comment && n > 0 && g_str_has_prefix(k + n, " = ");
        g_string_append_printf(on, "%s\n", key ? k : *l);
        keys += key;
    }
    g_strfreev(g_steal_pointer(&lines));
    assert_int_equal(keys, 36); /* the field names of [geo] have no default to state */
    g_autoptr(crpv_style) s = crpv_style_parse(on->str, on->len, "style.ini", &error);
    g_string_free(on, TRUE);
    if (!s)
        fail_msg("%s", error->message);
    g_autoptr(crpv_style) d = crpv_style_new_default();
    const double nums[][2] = {
        {s->page_width, d->page_width},
        {s->page_height, d->page_height},
        {s->margin_top, d->margin_top},
        {s->margin_bottom, d->margin_bottom},
        {s->margin_inner, d->margin_inner},
        {s->margin_outer, d->margin_outer},
        {s->bleed, d->bleed},
        {s->body_size, d->body_size},
        {s->min_directory_size, d->min_directory_size},
        {s->map_width, d->map_width},
        {s->map_height, d->map_height},
    };
    for (size_t i = 0; i < G_N_ELEMENTS(nums); i++)
        assert_double_near(nums[i][0], nums[i][1], 1e-9);
    crpv_color colors[][2] = {
        {s->primary, d->primary}, {s->secondary, d->secondary}, {s->neutral, d->neutral},
        {s->border, d->border},   {s->text, d->text},           {s->sea, d->sea},
        {s->marker, d->marker},   {s->marker_text, d->marker_text},
        {s->served, d->served},   {s->map_text, d->map_text},
        {s->marker_pending, d->marker_pending},
    };
    for (size_t i = 0; i < G_N_ELEMENTS(colors); i++)
        assert_same_color(colors[i][0], colors[i][1]);
    /* The print values too: written out, they are the defaults. */
    assert_int_equal(s->n_print_colors, d->n_print_colors);
    for (size_t i = 0; i < s->n_print_colors; i++) {
        assert_int_equal(s->print_colors[i].has_print, d->print_colors[i].has_print);
        assert_memory_equal(&s->print_colors[i].print, &d->print_colors[i].print,
                            sizeof(crpv_cmyk));
    }
    assert_double_near(s->max_ink, d->max_ink, 1e-9);
    assert_null(s->icc_profile);
    assert_memory_equal(&s->metro_frame, &d->metro_frame, sizeof s->metro_frame);
    assert_int_equal(s->n_insets, d->n_insets);
    for (size_t i = 0; i < s->n_insets; i++)
        assert_memory_equal(&s->insets[i].frame, &d->insets[i].frame, sizeof(crpv_rect));
    const char *strs[][2] = {
        {s->font_family, d->font_family},
        {s->metro_crs, d->metro_crs},
        {s->label_field, d->label_field},
        {s->credit, d->credit},
        {s->regions_code_field, d->regions_code_field},
        {s->regions_name_field, d->regions_name_field},
        {s->departements_code_field, d->departements_code_field},
        {s->departements_name_field, d->departements_name_field},
        {s->hyphen_dictionary, d->hyphen_dictionary},
    };
    /* The field names are NULL by default (found by the geo module). */
    for (size_t i = 0; i < G_N_ELEMENTS(strs); i++)
        if (g_strcmp0(strs[i][0], strs[i][1]) != 0)
            fail_msg("« %s » where the default is « %s »", strs[i][0] ? strs[i][0] : "(rien)",
                     strs[i][1] ? strs[i][1] : "(rien)");
    assert_int_equal(s->legend, d->legend);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_defaults),
        cmocka_unit_test(test_overrides),
        cmocka_unit_test(test_every_error_with_its_line),
        cmocka_unit_test(test_broken_syntax),
        cmocka_unit_test(test_print_colors),
        cmocka_unit_test(test_geometry_makes_sense),
        cmocka_unit_test(test_template_states_the_defaults),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
