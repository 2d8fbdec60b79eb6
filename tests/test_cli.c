/* End to end: the crpv program run as a user runs it, its exit codes, its
 * messages, and the files it writes, read back. */
#include "testutil.h"

#include <cairo.h>
#include <glib/gstdio.h>
#include <poppler.h>
#include <stdbool.h>
#include <string.h>
#include <unistd.h>
#include <libxml/HTMLparser.h>
#include <libxml/parser.h>
#include <libxml/xpath.h>
#include <libxml/xpathInternals.h>

#define RUN(cwd, out, err, ...) tu_run_crpv((cwd), (out), (err), (const char *const[]){__VA_ARGS__, NULL})

/* Fails unless every line of ERR is a warning (« FILE…: attention : … »):
 * the shipped directory has a centre without phone, which is worth a
 * warning but no error. */
static void assert_only_warnings(const char *err)
{
    g_auto(GStrv) lines = g_strsplit(err, "\n", -1);
    for (char **l = lines; *l; l++)
        if (**l && !strstr(*l, ": attention : "))
            fail_msg("not a warning on stderr: %s", *l);
}

static const char *const outputs[] = {
    "brochure.pdf", "brochure-1.svg", "brochure-2.svg", "brochure-1.png", "brochure-2.png",
    "carte.png",    "carte@2x.png",   "carte.pdf",      "carte.svg",      "carte.html",
};

static void test_help_and_usage(void **state)
{
    (void)state;
    g_autofree char *out = NULL, *err = NULL;
    assert_int_equal(RUN(NULL, &out, &err, "--help"), 0);
    assert_non_null(strstr(out, "Codes de sortie"));
    assert_non_null(strstr(out, "--centres FICHIER"));
    g_free(out), g_free(err);
    assert_int_equal(RUN(NULL, &out, &err, "publier"), 2);
    assert_non_null(strstr(err, "commande « publier » inconnue"));
    g_free(out), g_free(err);
    assert_int_equal(RUN(NULL, &out, &err, "map", "--format", "gif"), 2);
    g_free(out), g_free(err);
    assert_int_equal(RUN(NULL, &out, &err, "--nimporte"), 2);
    g_free(out), g_free(err);
    out = err = NULL;
    assert_int_equal(RUN(NULL, &out, &err, "--version"), 0);
    assert_non_null(strstr(out, "crpv "));
}

static void test_check_shipped_data(void **state)
{
    (void)state;
    g_autofree char *out = NULL, *err = NULL;
    assert_int_equal(RUN(NULL, &out, &err, "check"), 0);
    assert_non_null(strstr(out, "20 centres (19 actifs, 1 en préfiguration)"));
    assert_non_null(strstr(out, "Régions couvertes : 17 sur 18"));
    assert_non_null(strstr(out, "Régions sans centre de ressources : « Corse » (94)"));
    /* Warnings go to stderr, with or without --quiet. */
    assert_only_warnings(err);
    assert_non_null(strstr(err, "data/centres.csv:21: attention :"));
    g_autofree char *qout = NULL, *qerr = NULL;
    assert_int_equal(RUN(NULL, &qout, &qerr, "check", "--quiet"), 0);
    assert_string_equal(qout, "");
    assert_string_equal(qerr, err);
}

/* --verbose adds the recto's typesetting in figures. */
static void test_check_verbose_recto(void **state)
{
    (void)state;
    g_autofree char *out = NULL, *err = NULL;
    assert_int_equal(RUN(NULL, &out, &err, "check", "--verbose"), 0);
    const char *line = strstr(out, "Recto : ");
    assert_non_null(line);
    unsigned lines = 0, hyphens = 0;
    assert_int_equal(sscanf(line, "Recto : %u lignes de texte courant, %u terminées", &lines,
                            &hyphens),
                     2);
    assert_true(lines >= 20);
    assert_true(hyphens * 10 <= lines);
    assert_non_null(strstr(line, "ligne la plus lâche : espaces à "));
    /* The size chosen for the page: from the style's 9,5 pt up to 10,5 pt. */
    double size = 0;
    const char *corps = strstr(line, "corps ");
    assert_non_null(corps);
    g_autofree char *num = g_strndup(corps + 6, strcspn(corps + 6, "\u00a0 p"));
    g_strdelimit(num, ",", '.');
    size = g_ascii_strtod(num, NULL);
    assert_true(size >= 9.5 && size <= 10.5);
}

/* The directory as French Excel saves it: semicolons, BOM, CRLF, decimal
 * commas, Windows-1252. */
static char *excel_export(const char *csv, bool cp1252)
{
    GString *s = g_string_new(cp1252 ? "" : "\xef\xbb\xbf");
    bool quoted = false;
    for (const char *p = csv; *p; p++) {
        if (*p == '"')
            quoted = !quoted;
        if (*p == ',' && !quoted) {
            /* A comma between two digits is a decimal point in lon/lat. */
            g_string_append_c(s, ';');
        } else if (*p == '\n') {
            g_string_append(s, "\r\n");
        } else if (*p == '.' && p > csv && g_ascii_isdigit(p[-1]) && g_ascii_isdigit(p[1]) &&
                   s->len > 0 && s->str[s->len - 1] != ' ') {
            g_string_append_c(s, ',');
        } else {
            g_string_append_c(s, *p);
        }
    }
    if (!cp1252)
        return g_string_free(s, FALSE);
    /* Phone numbers and sites keep their dots only in names: none here. */
    gsize n = 0;
    char *conv = g_convert(s->str, (gssize)s->len, "WINDOWS-1252", "UTF-8", NULL, &n, NULL);
    g_string_free(s, TRUE);
    return conv;
}

static void test_check_excel_export(void **state)
{
    (void)state;
    g_autofree char *csv = tu_read_source("data/centres.csv", NULL);
    g_autofree char *dir = tu_tmpdir();
    for (int cp = 0; cp < 2; cp++) {
        g_autofree char *x = excel_export(csv, cp);
        g_autofree char *path = tu_write_file(dir, "annuaire.csv", x, strlen(x));
        g_autofree char *out = NULL, *err = NULL;
        int rc = RUN(NULL, &out, &err, "check", "--centres", path);
        if (rc != 0)
            fail_msg("exit %d: %s", rc, err);
        assert_non_null(strstr(out, "20 centres"));
    }
    tu_rmtree(dir);
}

static void test_broken_directory_reports_everything(void **state)
{
    (void)state;
    const char *csv = "id,nom,territoire,regions,telephone,site,lon,lat,statut\n"
                      "a,Centre A,Bretagne,53,02 00 00 00 00,www.a.fr,,,actif\n"
                      "a,Centre B,Bretagne,53,02 00 00 00 00,www.b.fr,,,actif\n"
                      "c,,Normandie,28,02 00 00 00 00,www.c.fr,,,actif\n"
                      "d,Centre D,Nulle part,99,02 00 00 00 00,javascript:alert(1),,,actif\n"
                      "e,Centre E,Bretagne,53,02 00 00 00 00,www.e.fr,abc,48,fermé\n";
    g_autofree char *dir = tu_tmpdir();
    g_autofree char *path = tu_write_file(dir, "centres.csv", csv, strlen(csv));
    g_autofree char *out = NULL, *err = NULL;
    assert_int_equal(RUN(NULL, &out, &err, "check", "--centres", path), 1);
    const char *lines[] = {":3:", ":4:", ":5:", ":6:"};
    for (size_t i = 0; i < G_N_ELEMENTS(lines); i++)
        if (!strstr(err, lines[i]))
            fail_msg("no error at line %s in:\n%s", lines[i], err);
    assert_non_null(strstr(err, "« a »"));
    assert_non_null(strstr(err, "99"));
    assert_non_null(strstr(err, "fermé"));
    tu_rmtree(dir);
}

static bool same_file(const char *a, const char *b)
{
    g_autofree char *da = NULL, *db = NULL;
    gsize la = 0, lb = 0;
    if (!g_file_get_contents(a, &da, &la, NULL) || !g_file_get_contents(b, &db, &lb, NULL))
        return false;
    return la == lb && memcmp(da, db, la) == 0;
}

static char *page_text(PopplerDocument *doc, int i)
{
    PopplerPage *p = poppler_document_get_page(doc, i);
    char *t = poppler_page_get_text(p);
    g_object_unref(p);
    return t;
}

static void test_build_everything(void **state)
{
    (void)state;
    g_autofree char *dir = tu_tmpdir();
    g_autofree char *out = NULL, *err = NULL;
    int rc = RUN(NULL, &out, &err, "build", "--out", dir);
    if (rc != 0)
        fail_msg("exit %d: %s", rc, err);
    assert_only_warnings(err);
    assert_non_null(strstr(out, "fichiers écrits"));
    for (size_t i = 0; i < G_N_ELEMENTS(outputs); i++) {
        g_autofree char *p = g_build_filename(dir, outputs[i], NULL);
        if (!g_file_test(p, G_FILE_TEST_IS_REGULAR))
            fail_msg("missing %s", outputs[i]);
    }
    /* No temporary file left behind. */
    GDir *d = g_dir_open(dir, 0, NULL);
    const char *name;
    while ((name = g_dir_read_name(d)))
        assert_true(name[0] != '.');
    g_dir_close(d);

    g_autofree char *png = g_build_filename(dir, "carte.png", NULL);
    cairo_surface_t *img = cairo_image_surface_create_from_png(png);
    assert_int_equal(cairo_image_surface_get_width(img), 1200);
    int h1 = cairo_image_surface_get_height(img);
    cairo_surface_destroy(img);
    g_autofree char *png2 = g_build_filename(dir, "carte@2x.png", NULL);
    img = cairo_image_surface_create_from_png(png2);
    /* Exactly twice, for srcset's 2x. */
    assert_int_equal(cairo_image_surface_get_width(img), 2400);
    assert_int_equal(cairo_image_surface_get_height(img), 2 * h1);
    cairo_surface_destroy(img);

    /* The map's PDF holds each label's text once: a halo is a path. */
    g_autofree char *map_pdf = g_build_filename(dir, "carte.pdf", NULL);
    g_autofree char *map_uri = g_filename_to_uri(map_pdf, NULL, NULL);
    PopplerDocument *map_doc = poppler_document_new_from_file(map_uri, NULL, NULL);
    assert_non_null(map_doc);
    PopplerPage *map_page = poppler_document_get_page(map_doc, 0);
    g_autofree char *map_text = poppler_page_get_text(map_page);
    const char *labels[] = {"Seine-Saint-Denis", "Grand Est", "Normandie", "Essonne",
                            "Occitanie (Toulouse)", "Corse", "Échelles différentes",
                            "Source : IGN – Admin Express COG 2018"};
    for (size_t i = 0; i < G_N_ELEMENTS(labels); i++) {
        size_t count = 0;
        for (const char *q = map_text; (q = strstr(q, labels[i])); q++)
            count++;
        if (count != 1)
            fail_msg("« %s » %zu times in carte.pdf", labels[i], count);
    }
    g_object_unref(map_page);
    g_object_unref(map_doc);

    /* The brochure, read back. */
    g_autofree char *pdf = g_build_filename(dir, "brochure.pdf", NULL);
    g_autofree char *uri = g_filename_to_uri(pdf, NULL, NULL);
    g_autoptr(GError) error = NULL;
    PopplerDocument *doc = poppler_document_new_from_file(uri, NULL, &error);
    assert_non_null(doc);
    assert_int_equal(poppler_document_get_n_pages(doc), 2);
    g_autofree char *title = poppler_document_get_title(doc);
    assert_non_null(strstr(title, "centres de ressources"));
    g_autofree char *subject = poppler_document_get_subject(doc);
    g_autofree char *author = poppler_document_get_author(doc);
    g_autofree char *keywords = poppler_document_get_keywords(doc);
    assert_non_null(subject);
    assert_non_null(author);
    assert_non_null(keywords);
    assert_int_equal(poppler_document_get_creation_date(doc), 1700000000);

    g_autofree char *raw = page_text(doc, 1);
    g_autofree char *text = tu_squeeze(raw);
    g_autofree char *csv = tu_read_source("data/centres.csv", NULL);
    g_auto(GStrv) rows = g_strsplit(csv, "\n", -1);
    size_t checked = 0;
    for (char **row = rows + 1; *row && **row; row++) {
        g_auto(GStrv) f = g_strsplit(*row, ",", -1);
        /* nom, territoire, telephone, site or courriel */
        int cols[] = {1, 3, 6, 7, 8};
        for (size_t c = 0; c < G_N_ELEMENTS(cols); c++) {
            g_autofree char *want = tu_squeeze(f[cols[c]]);
            if (cols[c] == 6) {
                g_autofree char *first = g_strdup(want);
                char *plus = strstr(first, " + ");
                if (plus)
                    *plus = 0;
                g_free(want);
                want = g_strdup(first);
            }
            if (*want && !strstr(text, want))
                fail_msg("« %s » missing from the verso", want);
            checked++;
        }
    }
    assert_true(checked >= 100);

    /* One link per website, e-mail and phone. */
    PopplerPage *verso = poppler_document_get_page(doc, 1);
    GList *links = poppler_page_get_link_mapping(verso);
    GHashTable *uris = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
    for (GList *l = links; l; l = l->next) {
        PopplerLinkMapping *m = l->data;
        if (m->action->type == POPPLER_ACTION_URI)
            g_hash_table_add(uris, g_strdup(m->action->uri.uri));
    }
    poppler_page_free_link_mapping(links);
    assert_true(g_hash_table_contains(uris, "https://www.labo-cites.org"));
    assert_true(g_hash_table_contains(uris, "mailto:catherine.halpern@paris.fr"));
    assert_true(g_hash_table_contains(uris, "tel:+33478770143"));
    assert_true(g_hash_table_contains(uris, "tel:+33467070242"));
    g_hash_table_destroy(uris);
    g_object_unref(verso);

    /* Fonts embedded and subset, none from the system. */
    PopplerFontInfo *fi = poppler_font_info_new(doc);
    PopplerFontsIter *it = NULL;
    size_t n_fonts = 0;
    while (poppler_font_info_scan(fi, 2, &it)) {
        if (!it)
            continue;
        do {
            assert_true(poppler_fonts_iter_is_embedded(it));
            assert_true(poppler_fonts_iter_is_subset(it));
            assert_non_null(strstr(poppler_fonts_iter_get_name(it), "Lato"));
            n_fonts++;
        } while (poppler_fonts_iter_next(it));
        poppler_fonts_iter_free(it);
        it = NULL;
    }
    poppler_font_info_free(fi);
    assert_true(n_fonts >= 2);

    /* Bookmarks and the structure tree of a tagged PDF. */
    PopplerIndexIter *idx = poppler_index_iter_new(doc);
    assert_non_null(idx);
    poppler_index_iter_free(idx);
    PopplerStructureElementIter *st = poppler_structure_element_iter_new(doc);
    assert_non_null(st);
    poppler_structure_element_iter_free(st);
    g_object_unref(doc);
    tu_rmtree(dir);
}

static void test_reproducible(void **state)
{
    (void)state;
    g_autofree char *a = tu_tmpdir(), *b = tu_tmpdir();
    assert_int_equal(RUN(NULL, NULL, NULL, "build", "-q", "--out", a), 0);
    assert_int_equal(RUN(NULL, NULL, NULL, "build", "-q", "--out", b), 0);
    for (size_t i = 0; i < G_N_ELEMENTS(outputs); i++) {
        g_autofree char *pa = g_build_filename(a, outputs[i], NULL);
        g_autofree char *pb = g_build_filename(b, outputs[i], NULL);
        if (!same_file(pa, pb))
            fail_msg("%s differs between two builds", outputs[i]);
    }
    tu_rmtree(a);
    tu_rmtree(b);
}

static void test_failures_keep_previous_outputs(void **state)
{
    (void)state;
    g_autofree char *dir = tu_tmpdir();
    assert_int_equal(RUN(NULL, NULL, NULL, "map", "-q", "--out", dir), 0);
    g_autofree char *svg = g_build_filename(dir, "carte.svg", NULL);
    g_autofree char *before = NULL;
    gsize len = 0;
    assert_true(g_file_get_contents(svg, &before, &len, NULL));

    /* A broken directory: exit 1, nothing written. */
    const char *csv = "id,nom,territoire,regions,statut\nx,X,X,99,actif\n";
    g_autofree char *bad = tu_write_file(dir, "mauvais.csv", csv, strlen(csv));
    g_autofree char *err = NULL;
    assert_int_equal(RUN(NULL, NULL, &err, "map", "--out", dir, "--centres", bad), 1);
    assert_non_null(strstr(err, "mauvais.csv:2:"));
    g_autofree char *after = NULL;
    assert_true(g_file_get_contents(svg, &after, &len, NULL));
    assert_string_equal(before, after);

    /* An output folder that cannot be made: exit 3 with a message. */
    g_autofree char *blocker = tu_write_file(dir, "fichier", "x", 1);
    g_autofree char *inside = g_build_filename(blocker, "sorties", NULL);
    g_free(err);
    err = NULL;
    assert_int_equal(RUN(NULL, NULL, &err, "map", "--out", inside), 3);
    assert_non_null(strstr(err, "sorties"));

    /* A read-only folder, where permissions apply (not to root). */
    if (geteuid() != 0) {
        g_chmod(dir, 0555);
        g_free(err);
        err = NULL;
        assert_int_equal(RUN(NULL, NULL, &err, "map", "--out", dir), 3);
        g_chmod(dir, 0755);
        g_free(after);
        after = NULL;
        assert_true(g_file_get_contents(svg, &after, &len, NULL));
        assert_string_equal(before, after);
    }
    tu_rmtree(dir);
}

static void test_map_formats(void **state)
{
    (void)state;
    g_autofree char *dir = tu_tmpdir();
    assert_int_equal(RUN(NULL, NULL, NULL, "map", "-q", "--format", "png", "--width", "800",
                         "--out", dir),
                     0);
    g_autofree char *png = g_build_filename(dir, "carte.png", NULL);
    g_autofree char *svg = g_build_filename(dir, "carte.svg", NULL);
    cairo_surface_t *img = cairo_image_surface_create_from_png(png);
    assert_int_equal(cairo_image_surface_get_width(img), 800);
    cairo_surface_destroy(img);
    assert_false(g_file_test(svg, G_FILE_TEST_EXISTS));
    assert_int_equal(RUN(NULL, NULL, NULL, "map", "-q", "--format", "png", "--scale", "3",
                         "--out", dir),
                     0);
    g_autofree char *png3 = g_build_filename(dir, "carte@3x.png", NULL);
    img = cairo_image_surface_create_from_png(png3);
    assert_int_equal(cairo_image_surface_get_width(img), 3600);
    cairo_surface_destroy(img);
    tu_rmtree(dir);
}

/* map --centre ID and --each: one map per centre; an unknown id is a
 * usage error that writes nothing. */
static void test_centre_maps(void **state)
{
    (void)state;
    g_autofree char *dir = tu_tmpdir();
    g_autofree char *out = NULL, *err = NULL;
    assert_int_equal(RUN(NULL, &out, &err, "map", "--centre", "inconnu", "--out", dir), 2);
    assert_non_null(strstr(err, "centre « inconnu » inconnu de l’annuaire"));
    g_autofree char *none = g_build_filename(dir, "carte-inconnu.png", NULL);
    assert_false(g_file_test(none, G_FILE_TEST_EXISTS));
    assert_int_equal(RUN(NULL, NULL, NULL, "build", "--centre", "oriv", "--out", dir), 2);
    assert_int_equal(RUN(NULL, NULL, NULL, "map", "-q", "--centre", "oriv", "--out", dir), 0);
    const char *names[] = {"carte-oriv.png", "carte-oriv.svg"};
    for (size_t i = 0; i < G_N_ELEMENTS(names); i++) {
        g_autofree char *p = g_build_filename(dir, names[i], NULL);
        assert_true(g_file_test(p, G_FILE_TEST_IS_REGULAR));
    }
    g_autofree char *main_png = g_build_filename(dir, "carte.png", NULL);
    assert_false(g_file_test(main_png, G_FILE_TEST_EXISTS));
    assert_int_equal(RUN(NULL, NULL, NULL, "map", "-q", "--each", "--format", "svg", "--out", dir),
                     0);
    g_autofree char *csv = tu_read_source("data/centres.csv", NULL);
    g_auto(GStrv) rows = g_strsplit(csv, "\n", -1);
    for (char **row = rows + 1; *row && **row; row++) {
        g_autofree char *id = g_strndup(*row, strcspn(*row, ","));
        g_autofree char *name = g_strdup_printf("carte-%s.svg", id);
        g_autofree char *p = g_build_filename(dir, name, NULL);
        if (!g_file_test(p, G_FILE_TEST_IS_REGULAR))
            fail_msg("missing %s", name);
    }
    tu_rmtree(dir);
}

static void test_placeholders_follow_directory(void **state)
{
    (void)state;
    g_autofree char *csv = tu_read_source("data/centres.csv", NULL);
    /* Without the Guadeloupe centre: 16 regions, 4 overseas. */
    char *guadeloupe = strstr(csv, "crpv-guadeloupe");
    assert_non_null(guadeloupe);
    *guadeloupe = 0;
    g_autofree char *dir = tu_tmpdir();
    g_autofree char *path = tu_write_file(dir, "centres.csv", csv, strlen(csv));
    assert_int_equal(RUN(NULL, NULL, NULL, "brochure", "-q", "--format", "pdf", "--centres",
                         path, "--out", dir),
                     0);
    g_autofree char *pdf = g_build_filename(dir, "brochure.pdf", NULL);
    g_autofree char *uri = g_filename_to_uri(pdf, NULL, NULL);
    PopplerDocument *doc = poppler_document_new_from_file(uri, NULL, NULL);
    assert_non_null(doc);
    g_autofree char *raw = page_text(doc, 0);
    g_autofree char *text = tu_squeeze(raw);
    if (!strstr(text, "16 régions (dont 4 en outre"))
        fail_msg("counts not updated in:\n%s", text);
    g_object_unref(doc);
    tu_rmtree(dir);
}

static void test_print_version(void **state)
{
    (void)state;
    g_autofree char *dir = tu_tmpdir();
    assert_int_equal(
        RUN(NULL, NULL, NULL, "brochure", "-q", "--print", "--format", "pdf", "--out", dir), 0);
    g_autofree char *pdf = g_build_filename(dir, "brochure-impression.pdf", NULL);
    g_autofree char *uri = g_filename_to_uri(pdf, NULL, NULL);
    PopplerDocument *doc = poppler_document_new_from_file(uri, NULL, NULL);
    assert_non_null(doc);
    PopplerPage *p = poppler_document_get_page(doc, 0);
    double w = 0, h = 0;
    poppler_page_get_size(p, &w, &h);
    /* A4 plus at least 3 mm of bleed on each side. */
    assert_true(w >= 595.28 + 2 * 3 * 72 / 25.4 - 0.01);
    assert_true(h >= 841.89 + 2 * 3 * 72 / 25.4 - 0.01);
    g_object_unref(p);
    g_object_unref(doc);

    /* The print shop's boxes: the A4 trim and the 3 mm bleed, in every
     * page object, and a cross-reference table that still points at every
     * object after they were written in. */
    g_autofree char *data = NULL;
    gsize len = 0;
    assert_true(g_file_get_contents(pdf, &data, &len, NULL));
    size_t trims = 0, bleeds = 0;
    const char *tb = NULL;
    for (size_t i = 0; i + 10 < len; i++) {
        if (memcmp(data + i, "/TrimBox [", 10) == 0 && !tb)
            tb = data + i;
        trims += memcmp(data + i, "/TrimBox [", 10) == 0;
        bleeds += memcmp(data + i, "/BleedBox [", 10) == 0;
    }
    assert_int_equal(trims, 2);
    assert_int_equal(bleeds, 2);
    const char *sx = NULL;
    for (size_t i = 0; i + 9 < len; i++)
        if (memcmp(data + i, "startxref", 9) == 0)
            sx = data + i;
    assert_non_null(sx);
    size_t xref = strtoul(sx + 10, NULL, 10);
    assert_true(xref + 4 < len && memcmp(data + xref, "xref", 4) == 0);
    unsigned first = 0, count = 0;
    int head = 0;
    assert_int_equal(sscanf(data + xref + 5, "%u %u\n%n", &first, &count, &head), 2);
    for (unsigned k = 1; k < count; k++) {
        const char *row = data + xref + 5 + head + (size_t)k * 20;
        size_t off = strtoul(row, NULL, 10);
        g_autofree char *want = g_strdup_printf("%u 0 obj", k);
        assert_true(off + strlen(want) < len);
        if (memcmp(data + off, want, strlen(want)) != 0)
            fail_msg("object %u is not at offset %zu", k, off);
    }
    /* Trim box: A4, 9 mm inside the sheet (3 mm bleed, 6 mm for the marks). */
    double x0 = 0, y0 = 0, x1 = 0, y1 = 0;
    assert_non_null(tb);
    assert_int_equal(sscanf(tb + 10, "%lf %lf %lf %lf", &x0, &y0, &x1, &y1), 4);
    assert_double_near(x1 - x0, 595.2756, 0.01);
    assert_double_near(y1 - y0, 841.8898, 0.01);
    assert_double_near(x0, 9 * 72 / 25.4, 0.01);
    tu_rmtree(dir);
}

/* Collects the values of an XPath expression's nodes. */
static GPtrArray *xpath_values(xmlDocPtr doc, const char *expr, bool svg)
{
    GPtrArray *out = g_ptr_array_new_with_free_func(g_free);
    xmlXPathContextPtr xc = xmlXPathNewContext(doc);
    if (svg)
        xmlXPathRegisterNs(xc, BAD_CAST "s", BAD_CAST "http://www.w3.org/2000/svg");
    xmlXPathObjectPtr r = xmlXPathEvalExpression(BAD_CAST expr, xc);
    for (int i = 0; r && r->nodesetval && i < r->nodesetval->nodeNr; i++) {
        xmlChar *v = xmlNodeGetContent(r->nodesetval->nodeTab[i]);
        g_ptr_array_add(out, g_strdup((const char *)v));
        xmlFree(v);
    }
    xmlXPathFreeObject(r);
    xmlXPathFreeContext(xc);
    return out;
}

static bool has_value(GPtrArray *values, const char *want)
{
    for (guint i = 0; i < values->len; i++)
        if (strcmp(g_ptr_array_index(values, i), want) == 0)
            return true;
    return false;
}

/* The web SVG and HTML of the real map: they parse, link every centre's
 * site, and the SVG's text holds every marker's number and label. */
static void test_web_map(void **state)
{
    (void)state;
    g_autofree char *dir = tu_tmpdir();
    assert_int_equal(RUN(NULL, NULL, NULL, "map", "-q", "--url-base",
                         "https://www.exemple.fr/images/carte", "--out", dir),
                     0);
    g_autofree char *svg = g_build_filename(dir, "carte.svg", NULL);
    g_autofree char *html = g_build_filename(dir, "carte.html", NULL);
    xmlDocPtr sdoc = xmlReadFile(svg, NULL, XML_PARSE_NONET | XML_PARSE_NOERROR);
    assert_non_null(sdoc);
    GPtrArray *hrefs = xpath_values(sdoc, "//s:a/@href", true);
    GPtrArray *texts = xpath_values(sdoc, "//s:text", true);
    htmlDocPtr hdoc = htmlReadFile(html, "UTF-8", HTML_PARSE_NONET | HTML_PARSE_NOERROR);
    assert_non_null(hdoc);
    GPtrArray *areas = xpath_values(hdoc, "//svg//a/@href", false);
    g_autofree char *csv = tu_read_source("data/centres.csv", NULL);
    g_auto(GStrv) rows = g_strsplit(csv, "\n", -1);
    int number = 0;
    for (char **row = rows + 1; *row && **row; row++) {
        g_auto(GStrv) f = g_strsplit(*row, ",", -1);
        number++;
        if (*f[7]) {
            g_autofree char *uri = g_strconcat("https://", f[7], NULL);
            if (!has_value(hrefs, uri) || !has_value(areas, uri))
                fail_msg("no link to %s", uri);
        }
        g_autofree char *num = g_strdup_printf("%d", number);
        assert_true(has_value(texts, num));
    }
    assert_true(has_value(texts, "Hauts-de-France"));
    assert_true(has_value(texts, "Source : IGN – Admin Express COG 2018"));
    for (guint i = 0; i < hrefs->len; i++) {
        const char *h = g_ptr_array_index(hrefs, i);
        assert_true(g_str_has_prefix(h, "https://") || g_str_has_prefix(h, "http://") ||
                    g_str_has_prefix(h, "mailto:") || g_str_has_prefix(h, "tel:"));
    }
    g_ptr_array_free(hrefs, TRUE);
    g_ptr_array_free(texts, TRUE);
    g_ptr_array_free(areas, TRUE);
    /* --url-base puts the images' folder into the fragment. */
    GPtrArray *src = xpath_values(hdoc, "//img/@src", false);
    GPtrArray *srcset = xpath_values(hdoc, "//img/@srcset", false);
    assert_int_equal(src->len, 1);
    assert_string_equal(g_ptr_array_index(src, 0), "https://www.exemple.fr/images/carte/carte.png");
    assert_string_equal(g_ptr_array_index(srcset, 0),
                        "https://www.exemple.fr/images/carte/carte.png 1200w, "
                        "https://www.exemple.fr/images/carte/carte@2x.png 2400w");
    g_ptr_array_free(src, TRUE);
    g_ptr_array_free(srcset, TRUE);
    xmlFreeDoc(sdoc);
    xmlFreeDoc(hdoc);
    tu_rmtree(dir);
}

/* A --url-base that would break out of an attribute, or given to a
 * command without a map, is a usage error. */
static void test_url_base_refused(void **state)
{
    (void)state;
    g_autofree char *dir = tu_tmpdir();
    tu_rmtree(dir);
    g_autofree char *err = NULL;
    assert_int_equal(RUN(NULL, NULL, &err, "map", "--url-base", "https://a.fr/\"x", "--out", dir),
                     2);
    assert_non_null(strstr(err, "--url-base"));
    assert_false(g_file_test(dir, G_FILE_TEST_EXISTS));
    g_free(err);
    err = NULL;
    assert_int_equal(RUN(NULL, NULL, &err, "brochure", "--url-base", "/img/", "--out", dir), 2);
    assert_false(g_file_test(dir, G_FILE_TEST_EXISTS));
}

static size_t count_lines(const char *s)
{
    size_t n = 0;
    for (; *s; s++)
        n += *s == '\n';
    return n;
}

/* Outside a working folder, or without a folder a run needs, one line
 * that says what was looked for and how to fix it. */
static void test_working_folder_diagnosis(void **state)
{
    (void)state;
    g_autofree char *empty = tu_tmpdir();
    const char *commands[] = {"build", "check", "map"};
    for (size_t i = 0; i < G_N_ELEMENTS(commands); i++) {
        g_autofree char *out = NULL, *err = NULL;
        assert_int_equal(RUN(empty, &out, &err, commands[i]), 3);
        assert_int_equal(count_lines(err), 1);
        assert_non_null(strstr(err, "n’est pas un dossier de travail"));
        assert_non_null(strstr(err, "crpv init DOSSIER"));
        assert_non_null(strstr(err, "--data DIR"));
        assert_string_equal(out, "");
    }
    g_autofree char *out = NULL, *err = NULL;
    assert_int_equal(RUN(empty, &out, &err, "check", "--data", "ailleurs"), 3);
    assert_int_equal(count_lines(err), 1);
    assert_non_null(strstr(err, "« ailleurs » introuvable (--data)"));
    g_free(out), g_free(err);
    /* A missing fonts folder is missing, not unreadable. */
    assert_int_equal(RUN(NULL, &out, &err, "build", "--fonts", "nulle-part", "--out", empty), 3);
    assert_int_equal(count_lines(err), 1);
    assert_non_null(strstr(err, "polices « nulle-part » introuvable"));
    assert_null(strstr(err, "illisible"));
    g_free(out), g_free(err);
    assert_int_equal(RUN(NULL, &out, &err, "check", "--geo", "nulle-part"), 3);
    assert_int_equal(count_lines(err), 1);
    assert_non_null(strstr(err, "contours « nulle-part » introuvable (--geo)"));
    g_free(out), g_free(err);
    /* init needs its folder, and only one. */
    assert_int_equal(RUN(empty, &out, &err, "init"), 2);
    assert_non_null(strstr(err, "crpv init DOSSIER"));
    g_free(out), g_free(err);
    assert_int_equal(RUN(empty, &out, &err, "init", "a", "b"), 2);
    assert_non_null(strstr(err, "« b » en trop"));
    g_free(out), g_free(err);
    out = err = NULL;
    /* Nothing was written in the empty folder. */
    GDir *d = g_dir_open(empty, 0, NULL);
    assert_non_null(d);
    assert_null(g_dir_read_name(d));
    g_dir_close(d);
    tu_rmtree(empty);
}

/* The GNU form: program and version, copyright, licence, no warranty. */
static void test_version(void **state)
{
    (void)state;
    g_autofree char *out = NULL, *err = NULL;
    assert_int_equal(RUN(NULL, &out, &err, "--version"), 0);
    g_auto(GStrv) lines = g_strsplit(out, "\n", -1);
    assert_true(g_strv_length(lines) >= 4);
    assert_true(g_str_has_prefix(lines[0], "crpv "));
    assert_true(g_ascii_isdigit(lines[0][5]));
    assert_true(g_str_has_prefix(lines[1], "Copyright © "));
    assert_non_null(strstr(out, "Licence MIT"));
    assert_non_null(strstr(out, "AUCUNE GARANTIE"));
    assert_string_equal(err, "");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_help_and_usage),
        cmocka_unit_test(test_check_shipped_data),
        cmocka_unit_test(test_check_verbose_recto),
        cmocka_unit_test(test_check_excel_export),
        cmocka_unit_test(test_broken_directory_reports_everything),
        cmocka_unit_test(test_build_everything),
        cmocka_unit_test(test_reproducible),
        cmocka_unit_test(test_failures_keep_previous_outputs),
        cmocka_unit_test(test_map_formats),
        cmocka_unit_test(test_centre_maps),
        cmocka_unit_test(test_placeholders_follow_directory),
        cmocka_unit_test(test_print_version),
        cmocka_unit_test(test_web_map),
        cmocka_unit_test(test_url_base_refused),
        cmocka_unit_test(test_working_folder_diagnosis),
        cmocka_unit_test(test_version),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
