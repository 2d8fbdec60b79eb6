/* Tests of the typeset module: French punctuation, protection of phones
 * and addresses, hyphenation with the French dictionary, Pango layouts. */
#include "testutil.h"

#include <string.h>

#include "fonts.h"
#include "typeset.h"

#define NBSP "\u00A0"
#define NNBSP "\u202F"
#define SHY "\u00AD"
#define WJ "\u2060"

static void check_french(const char *in, const char *expected)
{
    g_autofree char *out = crpv_typo_french(in);
    assert_string_equal(out, expected);
}

static void check_protect(const char *in, const char *expected)
{
    g_autofree char *out = crpv_typo_protect(in);
    assert_string_equal(out, expected);
}

/* Removes soft hyphens and word joiners. */
static char *visible(const char *s)
{
    GString *out = g_string_new("");
    for (const char *p = s; *p; p = g_utf8_next_char(p)) {
        gunichar c = g_utf8_get_char(p);
        if (c != 0x00AD && c != 0x2060)
            g_string_append_unichar(out, c);
    }
    return g_string_free(out, false);
}

static void test_french_punctuation_spaces(void **state)
{
    (void)state;
    check_french("Bonjour ; ça va ? Oui !", "Bonjour" NNBSP "; ça va" NNBSP "? Oui" NNBSP "!");
    check_french("Note : lire", "Note" NBSP ": lire");
    /* Several spaces, or a wrong no-break one, become the right one. */
    check_french("Quoi  ?", "Quoi" NNBSP "?");
    check_french("Liste" NBSP "; suite", "Liste" NNBSP "; suite");
    check_french("Titre" NNBSP ": texte", "Titre" NBSP ": texte");
}

static void test_french_no_space_inserted(void **state)
{
    (void)state;
    check_french("à 10:30 précises", "à 10:30 précises");
    check_french("Oui!", "Oui!");
    check_french("voir http://www.exemple.fr/a?b=1;c=2 : ici",
                 "voir http://www.exemple.fr/a?b=1;c=2" NBSP ": ici");
}

static void test_french_guillemets(void **state)
{
    (void)state;
    check_french("« citation »", "«" NNBSP "citation" NNBSP "»");
    check_french("«citation»", "«" NNBSP "citation" NNBSP "»");
    check_french("«  deux  »", "«" NNBSP "deux" NNBSP "»");
    check_french("il dit \"bonjour\" puis part", "il dit «" NNBSP "bonjour" NNBSP "» puis part");
    check_french("\"Oui\", dit-il", "«" NNBSP "Oui" NNBSP "», dit-il");
    check_french("(\"entre\")", "(«" NNBSP "entre" NNBSP "»)");
    check_french("IREV - centre de ressources", "IREV \u2013 centre de ressources");
    check_french("Hauts-de-France", "Hauts-de-France");
    check_french("10 % des quartiers, 20%", "10" NBSP "% des quartiers, 20" NBSP "%");
}

static void test_french_apostrophe_ellipsis(void **state)
{
    (void)state;
    check_french("l'État d'abord", "l\u2019État d\u2019abord");
    check_french("aujourd'hui", "aujourd\u2019hui");
    check_french("et puis...", "et puis\u2026");
    check_french("un. deux.", "un. deux.");
    check_french("", "");
}

static void test_french_leaves_urls_and_emails(void **state)
{
    (void)state;
    check_french("écrire à jean.o'neil@exemple.fr !", "écrire à jean.o'neil@exemple.fr" NNBSP "!");
    check_french("https://exemple.fr/a...b", "https://exemple.fr/a...b");
    /* The full stop after a site is not part of it. */
    check_french("www.reseau-crpv.fr... l'an", "www.reseau-crpv.fr\u2026 l\u2019an");
}

static void test_protect_phones(void **state)
{
    (void)state;
    check_protect("01 48 09 26 36", "01" NBSP "48" NBSP "09" NBSP "26" NBSP "36");
    check_protect("tél. +33 1 48 09 26 36.",
                  "tél. +33" NBSP "1" NBSP "48" NBSP "09" NBSP "26" NBSP "36.");
    /* A doubled space as typed in a directory. */
    check_protect("02 31 43  63 36", "02" NBSP "31" NBSP "43" NBSP "63" NBSP "36");
    check_protect("04 67 07 02 38 - 04 67 07 02 42",
                  "04" NBSP "67" NBSP "07" NBSP "02" NBSP "38 - 04" NBSP "67" NBSP "07" NBSP
                  "02" NBSP "42");
    /* Counts and years are not phone numbers. */
    check_protect("dans 20 régions en 2008 et 2010", "dans 20 régions en 2008 et 2010");
    check_protect("1 2 3 4 5 6 7 8 9 10", "1 2 3 4 5 6 7 8 9 10");
}

static void test_protect_urls_and_emails(void **state)
{
    (void)state;
    check_protect("www.reseau-crpv.fr", "www." WJ "reseau-" WJ "crpv." WJ "fr");
    check_protect("voir https://a.fr/b_c.", "voir https:/" WJ "/" WJ "a." WJ "fr/" WJ "b_" WJ "c.");
    check_protect("(catherine.halpern@paris.fr)",
                  "(catherine." WJ "halpern@" WJ "paris." WJ "fr)");
    /* Ordinary words with hyphens and full stops are left alone. */
    check_protect("Hauts-de-France. Fin.", "Hauts-de-France. Fin.");
    /* A run of figures that reaches into an address leaves the next ones
     * protected. */
    g_autofree char *mixed = crpv_typo_protect("12 34@x.fr et www.a.fr");
    assert_true(g_str_has_suffix(mixed, "www." WJ "a." WJ "fr"));
    /* Idempotent: joiners are not doubled. */
    g_autofree char *once = crpv_typo_protect("www.oriv.org");
    check_protect(once, once);
}

static crpv_hyphenator *load_fr(void)
{
    GError *error = NULL;
    crpv_hyphenator *hyph = crpv_hyphenator_load(CRPV_HYPHEN_FR_DEFAULT, &error);
    assert_null(error);
    assert_non_null(hyph);
    return hyph;
}

static void check_hyphen(const crpv_hyphenator *hyph, const char *in, const char *expected)
{
    g_autofree char *out = crpv_hyphenate(hyph, in);
    assert_string_equal(out, expected);
}

static void test_hyphenate_french_words(void **state)
{
    (void)state;
    g_autoptr(crpv_hyphenator) hyph = load_fr();
    /* The breaks hyph_fr.dic gives, with 2 letters kept before, 3 after. */
    check_hyphen(hyph, "développement", "dé" SHY "ve" SHY "lop" SHY "pe" SHY "ment");
    check_hyphen(hyph, "interministérielle",
                 "in" SHY "ter" SHY "mi" SHY "nis" SHY "té" SHY "rielle");
    check_hyphen(hyph, "institutionnelles", "ins" SHY "ti" SHY "tu" SHY "tion" SHY "nelles");
    check_hyphen(hyph, "qualification", "qua" SHY "li" SHY "fi" SHY "ca" SHY "tion");
    /* Capitals keep their case; the word after an apostrophe is cut alone. */
    check_hyphen(hyph, "Développement", "Dé" SHY "ve" SHY "lop" SHY "pe" SHY "ment");
    check_hyphen(hyph, "l\u2019expérimentation",
                 "l\u2019ex" SHY "pé" SHY "ri" SHY "men" SHY "ta" SHY "tion");
}

static void test_hyphenate_leaves_alone(void **state)
{
    (void)state;
    g_autoptr(crpv_hyphenator) hyph = load_fr();
    check_hyphen(hyph, "ville terre", "ville terre");            /* under 6 letters */
    check_hyphen(hyph, "le CGET et l’ORIV", "le CGET et l’ORIV"); /* acronyms */
    check_hyphen(hyph, "réf. 2008développement", "réf. 2008développement");
    check_hyphen(hyph, "www.developpement-territoires.fr",
                 "www.developpement-territoires.fr");
    check_hyphen(hyph, "contact@developpement.fr", "contact@developpement.fr");
    /* No hyphenator: the text as it is. */
    g_autofree char *same = crpv_hyphenate(NULL, "développement");
    assert_string_equal(same, "développement");
}

static void test_hyphenate_margins(void **state)
{
    (void)state;
    g_autoptr(crpv_hyphenator) hyph = load_fr();
    const char *text = "les transformations institutionnelles et politiques de la décision "
                       "publique nécessitent d’organiser une permanence interpartenariale";
    g_autofree char *out = crpv_hyphenate(hyph, text);
    g_autofree char *back = visible(out);
    assert_string_equal(back, text);
    /* Every soft hyphen has two letters before it and three after, in its word. */
    size_t n = 0;
    for (const char *p = strstr(out, SHY); p; p = strstr(p + 1, SHY)) {
        n++;
        int before = 0, after = 0;
        for (const char *q = p; q > out;) {
            q = g_utf8_prev_char(q);
            gunichar c = g_utf8_get_char(q);
            if (c == 0x00AD)
                continue;
            if (!g_unichar_isalpha(c))
                break;
            before++;
        }
        for (const char *q = p; *q; q = g_utf8_next_char(q)) {
            gunichar c = g_utf8_get_char(q);
            if (c == 0x00AD)
                continue;
            if (!g_unichar_isalpha(c))
                break;
            after++;
        }
        assert_true(before >= 2);
        assert_true(after >= 3);
    }
    assert_true(n >= 15);
}

static void test_hyphenator_load_error(void **state)
{
    (void)state;
    GError *error = NULL;
    crpv_hyphenator *hyph = crpv_hyphenator_load("nulle-part/hyph_fr.dic", &error);
    assert_null(hyph);
    assert_non_null(error);
    assert_true(error->domain == G_FILE_ERROR);
    assert_non_null(strstr(error->message, "nulle-part/hyph_fr.dic: "));
    g_error_free(error);
    crpv_hyphenator_free(NULL);
}

static PangoContext *context(void)
{
    GError *error = NULL;
    PangoContext *ctx = crpv_fonts_context_new("fonts", &error);
    assert_null(error);
    assert_non_null(ctx);
    return ctx;
}

static void test_layout_size_grows(void **state)
{
    (void)state;
    PangoContext *ctx = context();
    double w1, h1, w2, h2, w3, h3;
    crpv_text_size(ctx, "Lato 10", "Réseau", 0, false, 0, &w1, &h1);
    crpv_text_size(ctx, "Lato 10", "Réseau national des centres", 0, false, 0, &w2, &h2);
    assert_true(w1 > 10 && w1 < 60);
    assert_true(w2 > w1);
    assert_double_near(h1, h2, 0.01);
    /* Twice the size, about twice the width. */
    crpv_text_size(ctx, "Lato 20", "Réseau", 0, false, 0, &w3, &h3);
    assert_double_near(w3 / w1, 2.0, 0.1);
    /* Wrapped to 100 pt: several lines, none wider than the box. */
    const char *para = "Les centres de ressources sont en capacité de mutualiser des outils, "
                       "d’identifier des complémentarités et de dégager des analyses communes.";
    double wn, hn, ww, hw;
    crpv_text_size(ctx, "Lato 10", para, 0, false, 0, &wn, &hn);
    crpv_text_size(ctx, "Lato 10", para, 100, true, 0, &ww, &hw);
    assert_true(ww <= 100.01);
    assert_true(hw > 3 * hn);
    /* Line spacing: 1.5 times the font size makes it taller. */
    double wl, hl;
    crpv_text_size(ctx, "Lato 10", para, 100, true, 1.5, &wl, &hl);
    assert_true(hl > hw);
    g_object_unref(ctx);
}

static void test_layout_flags(void **state)
{
    (void)state;
    PangoContext *ctx = context();
    g_autoptr(PangoLayout) l = crpv_text_layout_new(ctx, "Lato Bold 12", "<i>texte</i>", 200, 1,
                                                    true, 1.2);
    assert_true(pango_layout_get_justify(l));
    assert_int_equal(pango_layout_get_alignment(l), PANGO_ALIGN_CENTER);
    assert_int_equal(pango_layout_get_width(l), 200 * PANGO_SCALE);
    assert_int_equal(pango_layout_get_wrap(l), PANGO_WRAP_WORD);
    assert_double_near(pango_layout_get_line_spacing(l), 1.2, 1e-6);
    assert_string_equal(pango_layout_get_text(l), "texte");
    const PangoFontDescription *desc = pango_layout_get_font_description(l);
    assert_int_equal(pango_font_description_get_weight(desc), PANGO_WEIGHT_BOLD);
    assert_double_near(pango_font_description_get_size(desc) / (double)PANGO_SCALE, 12, 1e-6);

    g_autoptr(PangoLayout) r = crpv_text_layout_new(ctx, "Lato 12", "x", 0, 2, false, 0);
    assert_false(pango_layout_get_justify(r));
    assert_int_equal(pango_layout_get_alignment(r), PANGO_ALIGN_RIGHT);
    assert_int_equal(pango_layout_get_width(r), -1);
    g_object_unref(ctx);
}

static void test_layout_bad_markup_kept(void **state)
{
    (void)state;
    PangoContext *ctx = context();
    g_autoptr(PangoLayout) l = crpv_text_layout_new(ctx, "Lato 10", "a <b>b & c", 0, 0, false, 0);
    assert_string_equal(pango_layout_get_text(l), "a <b>b & c");
    g_object_unref(ctx);
}

static void test_markup_escape(void **state)
{
    (void)state;
    g_autofree char *e = crpv_markup_escape("<b>R&D</b> « l’État »");
    assert_string_equal(e, "&lt;b&gt;R&amp;D&lt;/b&gt; « l’État »");
    PangoContext *ctx = context();
    g_autoptr(PangoLayout) l = crpv_text_layout_new(ctx, "Lato 10", e, 0, 0, false, 0);
    assert_string_equal(pango_layout_get_text(l), "<b>R&D</b> « l’État »");
    g_object_unref(ctx);
}

/* Whether the first "www." of the layout's text and the text's end are on
 * the same line. */
static bool address_whole(PangoLayout *l)
{
    const char *text = pango_layout_get_text(l);
    int start = (int)(strstr(text, "www.") - text), end = (int)strlen(text) - 1;
    int line_start, line_end, x;
    pango_layout_index_to_line_x(l, start, false, &line_start, &x);
    pango_layout_index_to_line_x(l, end, false, &line_end, &x);
    return line_start == line_end;
}

/* The whole chain on a sentence, laid out at many widths: the address is
 * never split, where without the joiners Pango would split it. */
static void test_chain_in_layout(void **state)
{
    (void)state;
    g_autoptr(crpv_hyphenator) hyph = load_fr();
    PangoContext *ctx = context();
    const char *sentence = "Pour mieux connaître : www.reseau-crpv.fr";
    g_autofree char *a = crpv_typo_french(sentence);
    g_autofree char *b = crpv_hyphenate(hyph, a);
    g_autofree char *c = crpv_typo_protect(b);
    assert_string_equal(c, "Pour mieux connaître" NBSP ": www." WJ "reseau-" WJ "crpv." WJ "fr");
    g_autofree char *m = crpv_markup_escape(c);
    int split_without = 0;
    for (double width = 30; width <= 200; width += 5) {
        g_autoptr(PangoLayout) l = crpv_text_layout_new(ctx, "Lato 10", m, width, 0, true, 0);
        assert_string_equal(pango_layout_get_text(l), c);
        assert_true(address_whole(l));
        g_autoptr(PangoLayout) raw = crpv_text_layout_new(ctx, "Lato 10", sentence, width, 0,
                                                          true, 0);
        split_without += !address_whole(raw);
    }
    assert_true(split_without > 0);
    g_object_unref(ctx);
}

static void test_phrases(void **state)
{
    (void)state;
    g_autofree char *m = crpv_markup_phrases("IREV \u2013 centre de ressources politique de la ville");
    assert_string_equal(m, "IREV \u2013 <span allow_breaks=\"false\">centre de ressources</span> "
                           "<span allow_breaks=\"false\">politique de la ville</span>");
    g_autofree char *e = crpv_markup_phrases("A & B");
    assert_string_equal(e, "A &amp; B");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_french_punctuation_spaces),
        cmocka_unit_test(test_french_no_space_inserted),
        cmocka_unit_test(test_french_guillemets),
        cmocka_unit_test(test_phrases),
        cmocka_unit_test(test_french_apostrophe_ellipsis),
        cmocka_unit_test(test_french_leaves_urls_and_emails),
        cmocka_unit_test(test_protect_phones),
        cmocka_unit_test(test_protect_urls_and_emails),
        cmocka_unit_test(test_hyphenate_french_words),
        cmocka_unit_test(test_hyphenate_leaves_alone),
        cmocka_unit_test(test_hyphenate_margins),
        cmocka_unit_test(test_hyphenator_load_error),
        cmocka_unit_test(test_layout_size_grows),
        cmocka_unit_test(test_layout_flags),
        cmocka_unit_test(test_layout_bad_markup_kept),
        cmocka_unit_test(test_markup_escape),
        cmocka_unit_test(test_chain_in_layout),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
