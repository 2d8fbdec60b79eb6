/* The recto's typesetting held to QUALITY.md's table: on the shipped
 * prose, the same prose reworded, and harder texts, from the lines' facts;
 * then the shipped page read back from the PDF with poppler, as a reader's
 * tool sees it. */
#include "testutil.h"

#include <math.h>
#include <poppler.h>
#include <string.h>

#include "fonts.h"
#include "recto.h"
#include "style.h"
#include "typeset.h"

static crpv_style *style;
static PangoContext *ctx;
static crpv_hyphenator *hyph;

static int setup(void **state)
{
    (void)state;
    style = crpv_style_new_default();
    ctx = crpv_fonts_context_new("fonts", NULL);
    hyph = crpv_hyphenator_load(CRPV_HYPHEN_FR_DEFAULT, NULL);
    return ctx && hyph ? 0 : -1;
}

static int teardown(void **state)
{
    (void)state;
    crpv_style_free(style);
    g_object_unref(ctx);
    crpv_hyphenator_free(hyph);
    return 0;
}

static crpv_page_env env_of(void)
{
    return (crpv_page_env){.st = style, .ctx = ctx, .w = style->page_width * CRPV_MM,
                           .h = style->page_height * CRPV_MM};
}

/* Sets the Markdown SOURCE on a recto; its report in REPORT. */
static void set_recto(const char *source, crpv_recto_report *report)
{
    crpv_directory_stats stats = {.centres = 20, .regions = 17, .regions_outremer = 5};
    GError *e = NULL;
    crpv_content *content = crpv_content_parse(source, strlen(source), "t.md", &stats, hyph, &e);
    assert_non_null(content);
    crpv_page_env env = env_of();
    crpv_scene *sc = crpv_recto_compose(&env, content, report, &e);
    if (!sc)
        fail_msg("%s", e->message);
    crpv_scene_free(sc);
    crpv_content_free(content);
}

/* QUALITY.md's typesetting bar on a report. */
static void assert_bar(const crpv_recto_report *r, double max_ratio, size_t hyphen_percent)
{
    crpv_recto_figures f = crpv_recto_figures_of(r);
    print_message("lines %zu hyphens %zu run %zu loosest %.2f\n", f.lines, f.hyphens, f.max_hyphen_run, f.max_ratio);
    assert_true(f.lines >= 5);
    assert_true(f.hyphens * 100 <= f.lines * hyphen_percent);
    assert_true(f.max_hyphen_run < 3);
    assert_int_equal(f.hyphens_at_column_end, 0);
    assert_true(f.max_ratio <= max_ratio);
    /* One grid: every column's baseline a whole number of steps from the
     * first; no paragraph's last line hyphenated. */
    double first = INFINITY;
    for (size_t i = 0; i < r->n_lines; i++)
        if (r->lines[i].column >= 0)
            first = MIN(first, r->lines[i].baseline);
    for (size_t i = 0; i < r->n_lines; i++) {
        const crpv_line_fact *l = &r->lines[i];
        if (l->last)
            assert_false(l->hyphen);
        if (l->column < 0)
            continue;
        /* The box's lines on a half-line grid (its list's items half a
         * line apart), the rest on whole steps. */
        double steps = (l->baseline - first) / r->leading * (l->kind == CRPV_LINE_BOX ? 2 : 1);
        assert_double_near(steps, round(steps), 0.01);
        /* Nothing overfull; glyphs within 3 % of their design. */
        assert_true(l->width <= l->measure + 0.01);
        assert_true(fabs(l->glyph_scale - 1) <= 0.0301);
        /* Ragged text is never hyphenated. */
        if (l->kind == CRPV_LINE_LEAD || l->kind == CRPV_LINE_BOX || l->kind == CRPV_LINE_TITLE)
            assert_false(l->hyphen);
    }
    assert_true(r->leading >= 1.2 * r->body_size - 1e-9 && r->leading <= 1.35 * r->body_size);
    /* The introduction, larger, on the same grid: its leading too. */
    assert_true(r->leading >= 1.2 * r->lead_size - 1e-9 && r->leading <= 1.35 * r->lead_size);
}

static void test_shipped_prose(void **state)
{
    (void)state;
    g_autofree char *md = tu_read_source("data/brochure.md", NULL);
    crpv_recto_report r = {0};
    set_recto(md, &r);
    assert_bar(&r, 1.0, 10);
    assert_false(r.stepped_down);
    crpv_recto_report_clear(&r);
}

static void test_reworded_prose(void **state)
{
    (void)state;
    g_autofree char *md = tu_read_source("tests/prose/reformulee.md", NULL);
    crpv_recto_report r = {0};
    set_recto(md, &r);
    assert_bar(&r, 1.0, 10);
    crpv_recto_report_clear(&r);
}

/* The shipped page with paragraphs full of long words, URLs, e-mail
 * addresses, French punctuation and figures in place of its last one. */
static void test_hard_text(void **state)
{
    (void)state;
    const char *hard =
        "L’anticonstitutionnellement célèbre interministérialisation des "
        "politiques intercommunautaires ; « les établissements » : voir "
        "https://www.exemple-de-site-tres-long.fr/chemin/vers/une/page et "
        "ecrire@centre-de-ressources.fr ! Près de 10 % des quartiers prioritaires "
        "de la politique de la ville, soit 1 514 quartiers, ont été renouvelés ? "
        "Les professionnels, élus et habitants y participent : concertation, "
        "co-construction, évaluation et capitalisation des expériences territoriales, "
        "départementales et régionales, sans oublier la coopération transfrontalière.\n\n"
        "Un second paragraphe reprend les mêmes difficultés : "
        "l’institutionnalisation des dispositifs contractuels, la "
        "déconcentration administrative et la territorialisation des "
        "politiques publiques, qu’accompagnent les centres de ressources.\n\n";
    g_autofree char *md = tu_read_source("data/brochure.md", NULL);
    GString *text = g_string_new(md);
    const char *last = strstr(md, "Une association de directeurs");
    const char *end = strstr(md, "---");
    g_string_erase(text, last - md, end - last);
    g_string_insert(text, last - md, hard);
    crpv_recto_report r = {0};
    set_recto(text->str, &r);
    /* Lines that cannot fill without gaping (an address, an e-mail) end
     * short of the measure rather than stretch past 150 %. */
    assert_bar(&r, 1.0, 10);
    crpv_recto_report_clear(&r);
    g_string_free(text, true);
}

/* A short text keeps its size, its white space at the foot; a long one
 * steps the body down rather than stretch or squeeze the leading. */
static void test_short_and_long_text(void **state)
{
    (void)state;
    crpv_recto_report r = {0};
    set_recto("# Titre\n\n## Section\n\nUn paragraphe bref, pour voir.\n", &r);
    assert_false(r.stepped_down);
    assert_double_near(r.body_size, 10.5, 1e-9); /* as large as a brochure's text is set */
    crpv_recto_report_clear(&r);

    g_autofree char *md = tu_read_source("data/brochure.md", NULL);
    GString *longer = g_string_new(md);
    const char *more = strstr(md, "## Un réseau national");
    const char *end = strstr(md, "---");
    g_string_insert_len(longer, end - md, more, end - more);
    set_recto(longer->str, &r);
    assert_true(r.stepped_down);
    assert_true(r.body_size < style->body_size);
    assert_bar(&r, 1.0, 10);
    crpv_recto_report_clear(&r);
    g_string_free(longer, true);
}

/* ---- The PDF read back ------------------------------------------------- */

typedef struct {
    double x0, x1, baseline;
    GString *text;
} pdf_line;

/* The font size of character I of the page's text. */
static double size_at(GList *attrs, guint i)
{
    for (GList *l = attrs; l; l = l->next) {
        PopplerTextAttributes *a = l->data;
        if ((int)i >= a->start_index && (int)i <= a->end_index)
            return a->font_size;
    }
    return 0;
}

/* The page's text lines in the wide column (X >= SPLIT) or the narrow one,
 * from poppler's character boxes, at body sizes only. */
static GArray *pdf_lines(PopplerPage *page, double split, bool wide, double size)
{
    char *text = poppler_page_get_text(page);
    PopplerRectangle *rects = NULL;
    guint n_rects = 0;
    poppler_page_get_text_layout(page, &rects, &n_rects);
    GList *attrs = poppler_page_get_text_attributes(page);
    GArray *lines = g_array_new(false, false, sizeof(pdf_line));
    const char *p = text;
    for (guint i = 0; i < n_rects && *p; i++, p = g_utf8_next_char(p)) {
        gunichar c = g_utf8_get_char(p);
        if (fabs(size_at(attrs, i) - size) > 0.05 || c == '\n')
            continue;
        PopplerRectangle *r = &rects[i];
        if ((r->x1 >= split) != wide)
            continue;
        pdf_line *cur = lines->len ? &g_array_index(lines, pdf_line, lines->len - 1) : NULL;
        if (!cur || fabs(cur->baseline - r->y2) > 1 || r->x1 < cur->x1 - 1) {
            pdf_line nl = {r->x1, r->x2, r->y2, g_string_new(NULL)};
            g_array_append_val(lines, nl);
            cur = &g_array_index(lines, pdf_line, lines->len - 1);
        }
        if (c != ' ')
            cur->x1 = r->x2;
        g_string_append_unichar(cur->text, c);
    }
    g_free(rects);
    poppler_page_free_text_attributes(attrs);
    g_free(text);
    return lines;
}

static void free_lines(GArray *lines)
{
    for (guint i = 0; i < lines->len; i++)
        g_string_free(g_array_index(lines, pdf_line, i).text, true);
    g_array_free(lines, true);
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* The text of every element of ITER's tree, one line each, into OUT. */
static void structure_text(PopplerStructureElementIter *iter, GString *out)
{
    do {
        PopplerStructureElement *el = poppler_structure_element_iter_get_element(iter);
        if (poppler_structure_element_get_kind(el) == POPPLER_STRUCTURE_ELEMENT_PARAGRAPH) {
            char *t = poppler_structure_element_get_text(el, POPPLER_STRUCTURE_GET_TEXT_RECURSIVE);
            if (t)
                g_string_append_printf(out, "%s\n", t);
            g_free(t);
        }
        PopplerStructureElementIter *child = poppler_structure_element_iter_get_child(iter);
        if (child) {
            structure_text(child, out);
            poppler_structure_element_iter_free(child);
        }
        g_object_unref(el);
    } while (poppler_structure_element_iter_next(iter));
}

static void test_pdf_read_back(void **state)
{
    (void)state;
    g_autofree char *dir = tu_tmpdir();
    const char *argv[] = {"brochure", "--format", "pdf", "--out", dir, "-q", NULL};
    assert_int_equal(tu_run_crpv(NULL, NULL, NULL, argv), 0);
    g_autofree char *path = g_build_filename(dir, "brochure.pdf", NULL);
    g_autofree char *uri = g_filename_to_uri(path, NULL, NULL);
    PopplerDocument *doc = poppler_document_new_from_file(uri, NULL, NULL);
    assert_non_null(doc);
    PopplerPage *page = poppler_document_get_page(doc, 0);
    g_autofree char *all = poppler_page_get_text(page);
    assert_null(strstr(all, "\u00AD")); /* no soft hyphen */
    /* The structure gives paragraphs whole, the hyphenated word joined
     * (« terri- / toires » on the page). */
    PopplerStructureElementIter *iter = poppler_structure_element_iter_new(doc);
    assert_non_null(iter);
    GString *paragraphs = g_string_new(NULL);
    structure_text(iter, paragraphs);
    poppler_structure_element_iter_free(iter);
    assert_non_null(strstr(paragraphs->str, "les acteurs locaux et les territoires, aider"));
    /* (ASCII needles: this poppler-glib encodes the rest twice.) */
    assert_non_null(strstr(paragraphs->str, "certains depuis vingt ans, exercent aupr"));
    assert_non_null(strstr(paragraphs->str, "Pour mieux conna"));
    assert_non_null(strstr(paragraphs->str, "www.reseau-crpv.fr"));
    assert_null(strstr(paragraphs->str, "\u00AD"));
    g_string_free(paragraphs, true);

    /* Where the wide column starts: the recto's own geometry. */
    crpv_recto_report r = {0};
    g_autofree char *md = tu_read_source("data/brochure.md", NULL);
    set_recto(md, &r);
    double split = 0;
    for (size_t i = 0; i < r.n_lines; i++)
        if (r.lines[i].column == 1)
            split = r.lines[i].x - 1;
    GArray *wide = pdf_lines(page, split, true, r.body_size);
    GArray *narrow = pdf_lines(page, split, false, r.lead_size);
    assert_true(wide->len >= 20);
    /* Hyphens: at most one line in ten, never three in a row, not at the
     * column's end. */
    size_t hyphens = 0, run = 0;
    for (guint i = 0; i < wide->len; i++) {
        const GString *t = g_array_index(wide, pdf_line, i).text;
        gsize len = t->len;
        while (len > 0 && t->str[len - 1] == ' ')
            len--;
        bool h = len > 0 && t->str[len - 1] == '-';
        hyphens += h;
        run = h ? run + 1 : 0;
        assert_true(run < 3);
        if (i + 1 == wide->len)
            assert_false(h);
    }
    assert_true(hyphens * 10 <= wide->len);
    /* The reader sees the hyphens the typesetter reported, no more. */
    assert_int_equal(hyphens, crpv_recto_figures_of(&r).hyphens);
    /* Word spaces: gaps between words on a line, none over 1.6 times the
     * page's typical one. */
    GArray *gaps = g_array_new(false, false, sizeof(double));
    {
        char *text = poppler_page_get_text(page);
        PopplerRectangle *rects = NULL;
        guint n = 0;
        poppler_page_get_text_layout(page, &rects, &n);
        GList *attrs = poppler_page_get_text_attributes(page);
        const char *p = text;
        double prev_end = -1, prev_base = -1;
        bool after_space = false;
        for (guint i = 0; i < n && *p; i++, p = g_utf8_next_char(p)) {
            gunichar c = g_utf8_get_char(p);
            /* The running text: the wide column, at the body's size. */
            if (rects[i].x1 < split || (c != ' ' && fabs(size_at(attrs, i) - r.body_size) > 0.05)) {
                prev_end = -1;
                continue;
            }
            if (c == ' ') {
                after_space = true;
                continue;
            }
            if (c == '\n') {
                prev_end = -1;
                after_space = false;
                continue;
            }
            if (after_space && prev_end >= 0 && fabs(rects[i].y2 - prev_base) < 1) {
                double g = rects[i].x1 - prev_end;
                g_array_append_val(gaps, g);
            }
            after_space = false;
            prev_end = rects[i].x2;
            prev_base = rects[i].y2;
        }
        g_free(rects);
        g_free(text);
        poppler_page_free_text_attributes(attrs);
    }
    assert_true(gaps->len > 100);
    g_array_sort(gaps, cmp_double);
    double typical = g_array_index(gaps, double, gaps->len / 2);
    double widest = g_array_index(gaps, double, gaps->len - 1);
    print_message("typical %.2f widest %.2f\n", typical, widest);
    assert_true(widest <= 1.6 * typical);
    g_array_free(gaps, true);
    /* Facing lines on a common baseline, within 0.5 pt. */
    size_t facing = 0, common = 0;
    const pdf_line *wl = (const pdf_line *)wide->data;
    for (guint i = 0; i < narrow->len; i++) {
        double b = g_array_index(narrow, pdf_line, i).baseline;
        if (b < wl[0].baseline - 1 || b > wl[wide->len - 1].baseline + 1)
            continue;
        facing++;
        for (guint j = 0; j < wide->len; j++)
            if (fabs(wl[j].baseline - b) <= 0.5) {
                common++;
                break;
            }
    }
    assert_true(facing >= 5);
    assert_true(common * 10 >= facing * 8);
    free_lines(wide);
    free_lines(narrow);
    crpv_recto_report_clear(&r);
    g_object_unref(page);
    g_object_unref(doc);
    tu_rmtree(dir);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_shipped_prose),       cmocka_unit_test(test_reworded_prose),
        cmocka_unit_test(test_hard_text),           cmocka_unit_test(test_short_and_long_text),
        cmocka_unit_test(test_pdf_read_back),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
