/* Tests of the content module: the brochure's prose read from Markdown,
 * with its placeholders, typography, links and hostile inputs. */
#include "testutil.h"

#include <string.h>

#include "content.h"
#include "textfile.h"

static const crpv_directory_stats stats20 = {
    .centres = 20, .actifs = 19, .prefiguration = 1,
    .outremer = 5, .regions = 17, .regions_outremer = 5,
    .outremer_actifs = 4, .regions_actifs = 16, .regions_outremer_actifs = 4,
    .date = 1700000000,
};

/* PLAIN without soft hyphens and word joiners. */
static char *visible(const char *s, size_t len)
{
    GString *out = g_string_new("");
    for (const char *p = s; p < s + len; p = g_utf8_next_char(p)) {
        gunichar c = g_utf8_get_char(p);
        if (c != 0x00AD && c != 0x2060)
            g_string_append_unichar(out, c);
    }
    return g_string_free(out, false);
}

static crpv_content *parse_ok(const char *md, const crpv_hyphenator *hyph)
{
    GError *error = NULL;
    crpv_content *c = crpv_content_parse(md, strlen(md), "t.md", &stats20, hyph, &error);
    if (error)
        fail_msg("unexpected error: %s", error->message);
    assert_non_null(c);
    return c;
}

static char *parse_error(const char *md, size_t len)
{
    GError *error = NULL;
    crpv_content *c = crpv_content_parse(md, len, "t.md", &stats20, NULL, &error);
    assert_null(c);
    assert_non_null(error);
    char *msg = g_strdup(error->message);
    g_error_free(error);
    return msg;
}

static crpv_content *load_brochure(const crpv_directory_stats *st, const crpv_hyphenator *hyph)
{
    GError *error = NULL;
    crpv_content *c = crpv_content_load("data/brochure.md", st, hyph, &error);
    if (error)
        fail_msg("unexpected error: %s", error->message);
    assert_non_null(c);
    return c;
}

static void test_brochure_structure(void **state)
{
    (void)state;
    GError *error = NULL;
    g_autoptr(crpv_hyphenator) hyph = crpv_hyphenator_load(CRPV_HYPHEN_FR_DEFAULT, &error);
    assert_non_null(hyph);
    g_autoptr(crpv_content) c = load_brochure(&stats20, hyph);

    size_t n = crpv_content_count(c);
    assert_true(n >= 14);
    const crpv_block *title = crpv_content_nth(c, 0);
    assert_int_equal(title->kind, CRPV_BLOCK_HEADING);
    assert_int_equal(title->level, 1);
    assert_false(title->boxed);
    assert_string_equal(title->title,
                        "Réseau national des centres de ressources Politique de la ville");
    assert_int_equal(title->line, 1);

    size_t items = 0, sections = 0, boxed_heading = 0, breaks = 0;
    const crpv_block *call = NULL;
    for (size_t i = 0; i < n; i++) {
        const crpv_block *b = crpv_content_nth(c, i);
        assert_non_null(b->markup);
        assert_non_null(b->plain);
        assert_non_null(b->title);
        assert_true(b->line >= 1);
        if (b->kind == CRPV_BLOCK_LIST_ITEM) {
            items++;
            assert_true(b->boxed);
            assert_int_equal(b->level, 1);
        } else if (b->kind == CRPV_BLOCK_HEADING && b->level == 2) {
            if (b->boxed) {
                boxed_heading++;
                assert_string_equal(b->title, "Les centres de ressources sont");
            } else {
                sections++;
            }
        } else if (b->kind == CRPV_BLOCK_BREAK) {
            breaks++;
            assert_int_equal(i, n - 2);
        } else {
            assert_false(b->boxed);
        }
        if (b->n_links > 0)
            call = b;
    }
    assert_int_equal(items, 5);
    assert_int_equal(sections, 2);
    assert_int_equal(boxed_heading, 1);
    assert_int_equal(breaks, 1);

    /* The last item ends with « (facultatif) ». */
    for (size_t i = 0; i < n; i++) {
        const crpv_block *b = crpv_content_nth(c, i);
        if (b->kind == CRPV_BLOCK_LIST_ITEM && i + 1 < n &&
            crpv_content_nth(c, i + 1)->kind != CRPV_BLOCK_LIST_ITEM)
            assert_true(g_str_has_suffix(b->title, "(facultatif)"));
    }

    /* The call: its link covers exactly the address. */
    assert_non_null(call);
    assert_ptr_equal(call, crpv_content_nth(c, n - 1));
    assert_int_equal(call->n_links, 1);
    assert_string_equal(call->links[0].uri, "https://www.reseau-crpv.fr");
    assert_true(call->links[0].end <= strlen(call->plain));
    g_autofree char *shown = visible(call->plain + call->links[0].start,
                                     call->links[0].end - call->links[0].start);
    assert_string_equal(shown, "www.reseau-crpv.fr");
    assert_string_equal(call->title,
                        "Pour mieux connaître les centres de ressources\u00A0: www.reseau-crpv.fr");
    assert_non_null(strstr(call->markup, "<span"));
}

/* The text Pango gets from MARKUP is PLAIN exactly, in every block. */
static void test_markup_matches_plain(void **state)
{
    (void)state;
    GError *error = NULL;
    g_autoptr(crpv_hyphenator) hyph = crpv_hyphenator_load(CRPV_HYPHEN_FR_DEFAULT, &error);
    assert_non_null(hyph);
    g_autoptr(crpv_content) c = load_brochure(&stats20, hyph);
    size_t soft_hyphens = 0;
    for (size_t i = 0; i < crpv_content_count(c); i++) {
        const crpv_block *b = crpv_content_nth(c, i);
        char *text = NULL;
        assert_true(pango_parse_markup(b->markup, -1, 0, NULL, &text, NULL, NULL));
        assert_string_equal(text, b->plain);
        g_free(text);
        if (strstr(b->plain, "\u00AD"))
            soft_hyphens++;
        g_autofree char *vis = visible(b->plain, strlen(b->plain));
        assert_string_equal(vis, b->title);
        /* The typography went through: no straight apostrophe is left. */
        assert_null(strchr(b->plain, '\''));
        if (b->kind == CRPV_BLOCK_HEADING)
            assert_null(strstr(b->plain, "\u00AD"));
    }
    assert_true(soft_hyphens >= 8);
}

static const crpv_block *find_block(const crpv_content *c, const char *needle)
{
    for (size_t i = 0; i < crpv_content_count(c); i++)
        if (strstr(crpv_content_nth(c, i)->title, needle))
            return crpv_content_nth(c, i);
    return NULL;
}

static void test_placeholders_follow_stats(void **state)
{
    (void)state;
    g_autoptr(crpv_content) a = load_brochure(&stats20, NULL);
    const crpv_block *intro = find_block(a, "implantés dans");
    assert_non_null(intro);
    /* The shipped text counts the regions with an active centre, overseas
     * as the original brochure did (Guadeloupe's is in préfiguration), and
     * in all, so that both figures say the same thing. */
    assert_non_null(strstr(intro->title, "implantés dans 16 régions (dont 4 en outre-mer)"));
    assert_null(strstr(intro->title, "{{"));

    crpv_directory_stats more = stats20;
    more.regions_actifs = 18;
    more.regions_outremer_actifs = 5;
    g_autoptr(crpv_content) b = load_brochure(&more, NULL);
    intro = find_block(b, "implantés dans");
    assert_non_null(intro);
    assert_non_null(strstr(intro->title, "implantés dans 18 régions (dont 5 en outre-mer)"));

    g_autoptr(crpv_content) all = parse_ok(
        "{{centres}}, {{actifs}}, {{prefiguration}}, {{outremer}}, {{ regions }}, "
        "{{regions_outremer}}, {{outremer_actifs}}, {{regions_actifs}}, "
        "{{regions_outremer_actifs}}",
        NULL);
    assert_string_equal(crpv_content_nth(all, 0)->title, "20, 19, 1, 5, 17, 5, 4, 16, 4");

    /* The edition's date, in French, from the stats (SOURCE_DATE_EPOCH in
     * a build); the first of the month is « 1er ». */
    g_autoptr(crpv_content) date = parse_ok("À jour au {{date}}.", NULL);
    assert_string_equal(crpv_content_nth(date, 0)->title, "À jour au 14\u00a0novembre 2023.");
    crpv_directory_stats first = stats20;
    first.date = 1709251200; /* 2024-03-01 */
    g_autoptr(crpv_content) d1 = crpv_content_parse("{{date}}", 8, "t.md", &first, NULL, NULL);
    assert_non_null(d1);
    assert_string_equal(crpv_content_nth(d1, 0)->title, "1er\u00a0mars 2024");
    crpv_directory_stats undated = stats20;
    undated.date = 0;
    GError *err = NULL;
    assert_null(crpv_content_parse("{{date}}", 8, "t.md", &undated, NULL, &err));
    assert_string_equal(err->message, "t.md:1: variable « {{date}} » sans date d’édition");
    g_error_free(err);

    /* Braces that are not a placeholder stay as written. */
    g_autoptr(crpv_content) lit = parse_ok("a {{ b c }} {x} {{", NULL);
    assert_string_equal(crpv_content_nth(lit, 0)->title, "a {{ b c }} {x} {{");
}

static void test_unknown_placeholder(void **state)
{
    (void)state;
    const char *md = "# Titre\n\nUn texte\nqui cite {{foo}} et [{{bar}}](https://a.fr).\n\n"
                     "- {{centres}} et {{baz}}\n";
    g_autofree char *msg = parse_error(md, strlen(md));
    assert_string_equal(
        msg, "t.md:4: variable inconnue « {{foo}} » (connues : centres, actifs, prefiguration, "
             "outremer, outremer_actifs, regions, regions_actifs, regions_outremer, "
             "regions_outremer_actifs, date)\n"
             "t.md:4: variable inconnue « {{bar}} » (connues : centres, actifs, prefiguration, "
             "outremer, outremer_actifs, regions, regions_actifs, regions_outremer, "
             "regions_outremer_actifs, date)\n"
             "t.md:6: variable inconnue « {{baz}} » (connues : centres, actifs, prefiguration, "
             "outremer, outremer_actifs, regions, regions_actifs, regions_outremer, "
             "regions_outremer_actifs, date)");
}

static void test_link_schemes(void **state)
{
    (void)state;
    const char *md = "Voir [ici](javascript:alert(1)) et [là](fichier.html).\n\n"
                     "[ok](https://a.fr) [m](mailto:a@b.fr) [t](tel:+33148092636) "
                     "[h](HTTP://A.FR)\n";
    g_autofree char *msg = parse_error(md, strlen(md));
    assert_string_equal(msg, "t.md:1: lien « javascript:alert(1) » refusé (seuls http, https, "
                             "mailto et tel sont permis)\n"
                             "t.md:1: lien « fichier.html » refusé (seuls http, https, mailto et "
                             "tel sont permis)");

    g_autoptr(crpv_content) c = parse_ok(md + strcspn(md, "\n") + 2, NULL);
    const crpv_block *b = crpv_content_nth(c, 0);
    assert_int_equal(b->n_links, 4);
    assert_string_equal(b->links[1].uri, "mailto:a@b.fr");
    assert_string_equal(b->links[2].uri, "tel:+33148092636");
    const char *texts[] = {"ok", "m", "t", "h"};
    for (size_t i = 0; i < 4; i++) {
        g_autofree char *t = visible(b->plain + b->links[i].start,
                                     b->links[i].end - b->links[i].start);
        assert_string_equal(t, texts[i]);
    }
}

/* Hostile nesting and size: refused at once, with the limit. */
static void test_bounded_input(void **state)
{
    (void)state;
    GString *md = g_string_new("# T\n\n");
    for (int i = 0; i < 32500; i++)
        g_string_append(md, "*a ");
    g_string_append(md, "x");
    for (int i = 0; i < 32500; i++)
        g_string_append(md, " a*");
    g_autofree char *msg = parse_error(md->str, md->len);
    assert_string_equal(msg, "t.md:3: italique, gras et liens imbriqués sur plus de 16 niveaux "
                             "(limite de crpv) : simplifiez la mise en forme");
    /* Sixteen levels are allowed. */
    g_string_assign(md, "");
    for (int i = 0; i < 8; i++)
        g_string_append(md, "*a **b ");
    g_string_append(md, "x");
    for (int i = 0; i < 8; i++)
        g_string_append(md, " b** a*");
    g_autoptr(crpv_content) ok = parse_ok(md->str, NULL);
    assert_int_equal(crpv_content_count(ok), 1);
    /* Nested lists and quotes. */
    g_string_assign(md, "");
    for (int i = 0; i < 40; i++)
        g_string_append(md, "> ");
    g_string_append(md, "x\n");
    g_autofree char *msg2 = parse_error(md->str, md->len);
    assert_string_equal(msg2, "t.md:1: listes et citations imbriquées sur plus de 16 niveaux "
                              "(limite de crpv)");
    /* A source over the limit. */
    g_string_assign(md, "# T\n\n");
    while (md->len <= 256 * 1024)
        g_string_append(md, "Un paragraphe de texte ordinaire.\n\n");
    g_autofree char *msg3 = parse_error(md->str, md->len);
    assert_true(g_str_has_prefix(msg3, "t.md:1: texte trop long (256 Ko, la limite de crpv est "
                                       "256 Ko"));
    /* A file over the limit, refused before it is read, naming it. */
    g_autofree char *dir = tu_tmpdir();
    g_autofree char *path = tu_write_file(dir, "long.md", md->str, md->len);
    GError *error = NULL;
    assert_null(crpv_content_load(path, &stats20, NULL, &error));
    g_autofree char *expected = g_strdup_printf("%s: fichier trop gros (0,3 Mo, la limite de crpv "
                                                "pour ce fichier est 256 Ko)",
                                                path);
    assert_string_equal(error->message, expected);
    assert_true(error->domain == CRPV_TEXTFILE_ERROR);
    g_clear_error(&error);
    assert_null(crpv_content_load("/dev/urandom", &stats20, NULL, &error));
    assert_true(error->domain == CRPV_TEXTFILE_ERROR);
    g_clear_error(&error);
    g_string_free(md, TRUE);
    tu_rmtree(dir);
}

static void test_invalid_utf8(void **state)
{
    (void)state;
    /* A UTF-8 file with lines pasted from a Windows program: those lines
     * read as Windows-1252, each named in a warning. */
    const char md[] = "# Réseau\n\nbon\nmauvais \xC3\x28 ici\n\nencore \xE9t\xE9\n";
    GError *error = NULL;
    g_autoptr(crpv_content) mixed =
        crpv_content_parse(md, sizeof md - 1, "t.md", &stats20, NULL, &error);
    assert_non_null(mixed);
    const GPtrArray *w = crpv_content_warnings(mixed);
    assert_int_equal(w->len, 2);
    assert_true(g_str_has_prefix(w->pdata[0], "t.md:4: attention : ligne qui n’est pas en UTF-8 "
                                              "comme le reste du fichier, lue en Windows-1252 : "
                                              "« mauvais Ã( ici »"));
    assert_true(g_str_has_prefix(w->pdata[1], "t.md:6: attention : "));
    assert_non_null(strstr(crpv_content_nth(mixed, 2)->plain, "été"));
    /* A whole file in Windows-1252: one warning. */
    const char win[] = "# R\xE9seau\n\nd\xE9j\xE0\n";
    g_autoptr(crpv_content) c1252 =
        crpv_content_parse(win, sizeof win - 1, "t.md", &stats20, NULL, &error);
    assert_non_null(c1252);
    assert_string_equal(crpv_content_nth(c1252, 0)->plain, "Réseau");
    assert_int_equal(crpv_content_warnings(c1252)->len, 1);
    assert_string_equal(crpv_content_warnings(c1252)->pdata[0],
                        "t.md:1: attention : fichier qui n’est pas en UTF-8, lu en Windows-1252 "
                        "(vérifiez ses accents, puis enregistrez-le en UTF-8)");
    /* A byte neither reads. */
    const char bad[] = "# Réseau\n\nmauvais \x81\n";
    g_autofree char *msg = parse_error(bad, sizeof bad - 1);
    assert_string_equal(msg, "t.md:3: octet 0x81 illisible (la ligne n’est ni en UTF-8, ni en "
                             "Windows-1252)");

    const char nul[] = "a\nb\0c\n";
    g_autofree char *msg2 = parse_error(nul, sizeof nul - 1);
    assert_string_equal(msg2, "t.md:2: caractère nul interdit");

    /* A byte-order mark is not an error. */
    g_autoptr(crpv_content) c = parse_ok("\xEF\xBB\xBFTexte", NULL);
    assert_string_equal(crpv_content_nth(c, 0)->title, "Texte");
}

static void test_raw_html_escaped(void **state)
{
    (void)state;
    g_autoptr(crpv_content) c =
        parse_ok("<div onclick=\"x\">bloc</div>\n\nTexte <b>gras</b> & <script>x</script>\n\n"
                 "```\ncode <i>\n```\n",
                 NULL);
    assert_int_equal(crpv_content_count(c), 3);
    for (size_t i = 0; i < 3; i++) {
        const crpv_block *b = crpv_content_nth(c, i);
        assert_int_equal(b->kind, CRPV_BLOCK_PARAGRAPH);
        assert_null(strstr(b->markup, "<div"));
        assert_null(strstr(b->markup, "<script"));
        char *text = NULL;
        assert_true(pango_parse_markup(b->markup, -1, 0, NULL, &text, NULL, NULL));
        assert_string_equal(text, b->plain);
        g_free(text);
    }
    assert_non_null(strstr(crpv_content_nth(c, 1)->plain, "<b>gras</b> & <script>"));
    assert_string_equal(crpv_content_nth(c, 2)->plain, "code <i>");
}

static void test_inline_styles(void **state)
{
    (void)state;
    g_autoptr(crpv_content) c =
        parse_ok("Un *mot* et **un autre** : \"[lien](https://x.fr)\"  \nfin", NULL);
    const crpv_block *b = crpv_content_nth(c, 0);
    assert_string_equal(b->markup, "Un <i>mot</i> et <b>un autre</b>\u00A0: «\u202F"
                                   "<span font_weight=\"bold\">lien</span>\u202F»\nfin");
    assert_string_equal(b->plain, "Un mot et un autre\u00A0: «\u202Flien\u202F»\nfin");
    assert_int_equal(b->n_links, 1);
    assert_int_equal(b->links[0].end - b->links[0].start, 4);
    assert_memory_equal(b->plain + b->links[0].start, "lien", 4);
}

static void test_lists_and_breaks(void **state)
{
    (void)state;
    g_autoptr(crpv_content) c = parse_ok("- un\n\n  suite\n  - deux\n    - trois\n- quatre\n"
                                         "\n***\n\n1. premier\n2. second\n\n> - cité\n",
                                         NULL);
    struct {
        crpv_block_kind kind;
        int level;
        bool boxed;
        const char *title;
    } expected[] = {
        {CRPV_BLOCK_LIST_ITEM, 1, false, "un\nsuite"},
        {CRPV_BLOCK_LIST_ITEM, 2, false, "deux"},
        {CRPV_BLOCK_LIST_ITEM, 3, false, "trois"},
        {CRPV_BLOCK_LIST_ITEM, 1, false, "quatre"},
        {CRPV_BLOCK_BREAK, 0, false, ""},
        {CRPV_BLOCK_LIST_ITEM, 1, false, "premier"},
        {CRPV_BLOCK_LIST_ITEM, 1, false, "second"},
        {CRPV_BLOCK_LIST_ITEM, 1, true, "cité"},
    };
    assert_int_equal(crpv_content_count(c), G_N_ELEMENTS(expected));
    for (size_t i = 0; i < G_N_ELEMENTS(expected); i++) {
        const crpv_block *b = crpv_content_nth(c, i);
        assert_int_equal(b->kind, expected[i].kind);
        assert_int_equal(b->level, expected[i].level);
        assert_int_equal(b->boxed, expected[i].boxed);
        assert_string_equal(b->title, expected[i].title);
    }
    assert_int_equal(crpv_content_nth(c, 1)->line, 4);
    assert_null(crpv_content_nth(c, G_N_ELEMENTS(expected)));
}

static void test_deep_nesting(void **state)
{
    (void)state;
    const char *prefixes[] = {"> ", "- ", "*", "["};
    for (size_t k = 0; k < G_N_ELEMENTS(prefixes); k++) {
        GString *md = g_string_new("");
        for (int i = 0; i < 10000; i++)
            g_string_append(md, prefixes[k]);
        g_string_append(md, "texte profond\n");
        GError *error = NULL;
        crpv_content *c = crpv_content_parse(md->str, md->len, "t.md", &stats20, NULL, &error);
        if (k < 2) {
            /* Quotes and lists nest: refused past the limit. */
            assert_null(c);
            assert_non_null(strstr(error->message, "imbriquées sur plus de 16 niveaux"));
            g_error_free(error);
            g_string_free(md, true);
            continue;
        }
        /* Unclosed emphasis and brackets are text. */
        assert_null(error);
        assert_non_null(c);
        assert_true(crpv_content_count(c) >= 1);
        const crpv_block *last = crpv_content_nth(c, crpv_content_count(c) - 1);
        assert_non_null(strstr(last->title, "texte profond"));
        crpv_content_free(c);
        g_string_free(md, true);
    }
}

/* Big hostile texts under the size limit go through in linear time: one
 * 250 KB paragraph each. */
static void test_huge_inputs(void **state)
{
    (void)state;
    const char *units[] = {"1 ", "a", "\"", "*a* ", "www.a.fr/", "« ", "\xEF\xB7\x90", " :"};
    for (size_t k = 0; k < G_N_ELEMENTS(units); k++) {
        GString *md = g_string_new("");
        while (md->len < 250000)
            g_string_append(md, units[k]);
        GError *error = NULL;
        crpv_content *c = crpv_content_parse(md->str, md->len, "t.md", &stats20, NULL, &error);
        assert_null(error);
        assert_int_equal(crpv_content_count(c), 1);
        crpv_content_free(c);
        g_string_free(md, true);
    }
}

static void test_load_errors(void **state)
{
    (void)state;
    GError *error = NULL;
    crpv_content *c = crpv_content_load("data/absent.md", &stats20, NULL, &error);
    assert_null(c);
    assert_non_null(error);
    assert_true(error->domain == G_FILE_ERROR);
    assert_string_equal(error->message, "data/absent.md: fichier introuvable");
    g_error_free(error);
    crpv_content_free(NULL);

    /* An empty file is an empty content, not an error. */
    g_autoptr(crpv_content) empty = parse_ok("", NULL);
    assert_int_equal(crpv_content_count(empty), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_brochure_structure),
        cmocka_unit_test(test_markup_matches_plain),
        cmocka_unit_test(test_placeholders_follow_stats),
        cmocka_unit_test(test_unknown_placeholder),
        cmocka_unit_test(test_link_schemes),
        cmocka_unit_test(test_invalid_utf8),
        cmocka_unit_test(test_bounded_input),
        cmocka_unit_test(test_raw_html_escaped),
        cmocka_unit_test(test_inline_styles),
        cmocka_unit_test(test_lists_and_breaks),
        cmocka_unit_test(test_deep_nesting),
        cmocka_unit_test(test_huge_inputs),
        cmocka_unit_test(test_load_errors),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
