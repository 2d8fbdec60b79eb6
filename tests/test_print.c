/* The print file read back (PDF/X-4 output intent, boxes, exact CMYK
 * values, ink, plates separated by Ghostscript) and the accessible PDFs
 * (language, title, metadata, alternative text, links, untagged text). */
#include <cairo.h>
#include <math.h>
#include <qpdf/qpdf-c.h>
#include <string.h>
#include <tiffio.h>

#include "fonts.h"
#include "pdfcheck.h"
#include "pdfcontent.h"
#include "pdfpost.h"
#include "printpdf.h"
#include "style.h"
#include "testutil.h"

static char *out_dir;
static char *print_errors; /* what `crpv brochure --print` wrote on stderr */

/* NEEDLE in the LEN bytes at HAY, which may hold NUL bytes. */
static const char *find(const void *hay, size_t len, const char *needle)
{
    size_t n = strlen(needle);
    const char *h = hay;
    for (size_t i = 0; n <= len && i <= len - n; i++)
        if (h[i] == needle[0] && memcmp(h + i, needle, n) == 0)
            return h + i;
    return NULL;
}

static int setup(void **state)
{
    out_dir = tu_tmpdir();
    const char *print[] = {"brochure", "--print", "--format", "pdf", "--out", out_dir, "-q", NULL};
    const char *build[] = {"build", "--out", out_dir, "-q", NULL};
    if (tu_run_crpv(NULL, NULL, &print_errors, print) != 0 ||
        tu_run_crpv(NULL, NULL, NULL, build) != 0) {
        fprintf(stderr, "crpv failed: %s\n", print_errors ? print_errors : "");
        return -1;
    }
    return 0;
}

static int teardown(void **state)
{
    tu_rmtree(out_dir);
    g_free(out_dir);
    g_free(print_errors);
    return 0;
}

static GByteArray *read_out(const char *name)
{
    g_autofree char *path = g_build_filename(out_dir, name, NULL);
    gchar *data = NULL;
    gsize len = 0;
    assert_true(g_file_get_contents(path, &data, &len, NULL));
    return g_byte_array_new_take((guint8 *)data, len);
}

static crpv_pdfdoc *open_out(const char *name, GByteArray **bytes)
{
    *bytes = read_out(name);
    g_autoptr(GError) error = NULL;
    crpv_pdfdoc *doc = crpv_pdfdoc_open((*bytes)->data, (*bytes)->len, name, &error);
    assert_non_null(doc);
    return doc;
}

/* The PDF/X-4 structure: output intent with its profile, boxes on every
 * page, fonts embedded, no RGB left, the style's CMYK values exact. */
static void test_print_structure(void **state)
{
    GByteArray *bytes = NULL;
    g_autoptr(crpv_pdfdoc) doc = open_out("brochure-impression.pdf", &bytes);
    crpv_pdfdoc_facts f = crpv_pdfdoc_get_facts(doc);
    assert_true(f.output_intent_pdfx);
    assert_true(f.fonts > 0);
    assert_int_equal(f.fonts_embedded, f.fonts);
    assert_non_null(find(bytes->data, bytes->len, "/GTS_PDFXVersion (PDF/X-4)"));
    assert_non_null(find(bytes->data, bytes->len, "/Trapped /False"));
    assert_non_null(find(bytes->data, bytes->len, "/Info (Artifex CMYK SWOP Profile)"));
    /* Gs's profile is no registered condition: custom, and no registry. */
    assert_non_null(find(bytes->data, bytes->len, "/OutputConditionIdentifier (Custom)"));
    assert_null(find(bytes->data, bytes->len, "/RegistryName"));
    /* The default profile is said to be a stopgap, with how to give one. */
    assert_non_null(strstr(print_errors, "attention : profil de sortie par défaut"));
    assert_non_null(strstr(print_errors, "FOGRA39"));
    assert_non_null(strstr(print_errors, "--icc"));
    /* The print file has no structure (pdfwrite drops it): no PDF/UA claim. */
    assert_null(find(bytes->data, bytes->len, "<pdfuaid:part>"));
    assert_int_equal(crpv_pdfdoc_page_count(doc), 2);
    bool primary = false, marker = false;
    for (size_t i = 0; i < 2; i++) {
        crpv_rect trim, bleed;
        assert_true(crpv_pdfdoc_get_boxes(doc, i, &trim, &bleed));
        /* A4 trimmed, 3 mm of bleed around it. */
        assert_double_near(trim.x1 - trim.x0, 595.276, 0.01);
        assert_double_near(trim.y1 - trim.y0, 841.89, 0.01);
        assert_double_near(trim.x0 - bleed.x0, 3 * 72 / 25.4, 0.01);
        GByteArray *c = crpv_pdfdoc_page_content(doc, i);
        /* Ink within the bleed: the crop marks beyond are registration. */
        double area[4] = {bleed.x0, bleed.y0, bleed.x1, bleed.y1};
        crpv_pdf_page_facts pf = crpv_pdf_check_page_in((const char *)c->data, c->len, area);
        assert_true(crpv_pdf_check_page((const char *)c->data, c->len).max_ink > 399);
        assert_int_equal(pf.rgb_colors, 0);
        assert_int_equal(pf.text_multi_ink, 0);
        assert_true(pf.max_ink < 300);
        assert_true(pf.text_ops > 0);
        /* principale = #b5174f / 0 95 45 10, as declared. */
        primary = primary || find(c->data, c->len, "0 0.95 0.45 0.1 k");
        /* The markers in the raspberry's main ink alone, solid. */
        marker = marker || find(c->data, c->len, "0 1 0 0 k");
        assert_true(pf.min_text_size >= 6 - 0.005);
        g_byte_array_free(c, TRUE);
    }
    assert_true(primary);
    assert_true(marker);
    /* The preflight of the project's own brochure finds nothing to reject. */
    if (strstr(print_errors, "avant impression"))
        fail_msg("the preflight reports problems:\n%s", print_errors);
    g_byte_array_free(bytes, TRUE);
}

/* The print file's content streams read back: rules and text colours. */
typedef struct {
    double scale, width;   /* the CTM's scale (uniform, as gs writes it); line width */
    GArray *scales;        /* q/Q */
    GArray *overprints;    /* q/Q */
    bool overprint;        /* under the overprint ExtGState */
    size_t black_overprint, black_knockout, other_overprint;
    double fill[4], stroke[4];
    double min_white_rule; /* thinnest stroke in white (reversed), pt */
    size_t marker_text, neutral_multi_ink;
} press_scan;

static bool op_numbers(const crpv_pdf_op *op, size_t n, double *v)
{
    if (op->n_operands != n)
        return false;
    for (size_t i = 0; i < n; i++) {
        if (op->operands[i].kind != CRPV_PDF_NUMBER)
            return false;
        v[i] = op->operands[i].number;
    }
    return true;
}

static bool is_cmyk(const double *c, double cc, double m, double y, double k)
{
    return fabs(c[0] - cc) < 1e-3 && fabs(c[1] - m) < 1e-3 && fabs(c[2] - y) < 1e-3 &&
           fabs(c[3] - k) < 1e-3;
}

static char *press_op(void *user, const crpv_pdf_op *op)
{
    press_scan *s = user;
    double v[6];
    if (crpv_pdf_op_is(op, "q")) {
        g_array_append_val(s->scales, s->scale);
        g_array_append_val(s->overprints, s->overprint);
    } else if (crpv_pdf_op_is(op, "Q") && s->scales->len) {
        s->scale = g_array_index(s->scales, double, s->scales->len - 1);
        g_array_set_size(s->scales, s->scales->len - 1);
        s->overprint = g_array_index(s->overprints, bool, s->overprints->len - 1);
        g_array_set_size(s->overprints, s->overprints->len - 1);
    } else if (crpv_pdf_op_is(op, "gs") && op->n_operands == 1) {
        s->overprint = op->operands[0].len == 14 && !memcmp(op->operands[0].text, "/CRPVOverprint", 14);
    } else if ((crpv_pdf_op_is(op, "f") || crpv_pdf_op_is(op, "S") || crpv_pdf_op_is(op, "B*") ||
                crpv_pdf_op_is(op, "f*") || crpv_pdf_op_is(op, "B")) && s->overprint) {
        s->other_overprint++;
    } else if (crpv_pdf_op_is(op, "cm") && op_numbers(op, 6, v))
        s->scale *= sqrt(fabs(v[0] * v[3] - v[1] * v[2]));
    else if (crpv_pdf_op_is(op, "w") && op_numbers(op, 1, v))
        s->width = v[0] * s->scale;
    else if ((crpv_pdf_op_is(op, "k") || crpv_pdf_op_is(op, "K")) && op_numbers(op, 4, v)) {
        memcpy(op->name[0] == 'k' ? s->fill : s->stroke, v, 4 * sizeof(double));
        /* Nothing close to a grey in several inks (registration aside). */
        bool registration = is_cmyk(v, 1, 1, 1, 1);
        double hi = MAX(v[0], MAX(v[1], v[2])), lo = MIN(v[0], MIN(v[1], v[2]));
        if (!registration && lo > 0 && hi - lo < 0.1)
            s->neutral_multi_ink++;
    } else if ((crpv_pdf_op_is(op, "S") || crpv_pdf_op_is(op, "s") || crpv_pdf_op_is(op, "B") ||
                crpv_pdf_op_is(op, "B*") || crpv_pdf_op_is(op, "b") || crpv_pdf_op_is(op, "b*")) &&
               is_cmyk(s->stroke, 0, 0, 0, 0))
        s->min_white_rule = MIN(s->min_white_rule, s->width);
    else if (crpv_pdf_op_is(op, "Tj") || crpv_pdf_op_is(op, "TJ")) {
        if (is_cmyk(s->fill, 0, 1, 0, 0))
            s->marker_text++;
        bool black = is_cmyk(s->fill, 0, 0, 0, 1);
        if (black && s->overprint)
            s->black_overprint++;
        else if (black)
            s->black_knockout++;
        else if (s->overprint)
            s->other_overprint++;
    }
    return NULL;
}

/* The press's requests read back from the content streams: no grey in
 * four inks, white rules reversed out of the tints at least 0.5 pt, the
 * no-centre fill a black tint that holds, small brand text (the
 * directory's territories) in the markers' single ink. */
static void test_print_press(void **state)
{
    GByteArray *bytes = NULL;
    g_autoptr(crpv_pdfdoc) doc = open_out("brochure-impression.pdf", &bytes);
    size_t marker_text = 0;
    for (size_t i = 0; i < crpv_pdfdoc_page_count(doc); i++) {
        GByteArray *c = crpv_pdfdoc_page_content(doc, i);
        press_scan s = {.scale = 1, .width = 1, .scales = g_array_new(FALSE, FALSE, sizeof(double)),
                        .overprints = g_array_new(FALSE, FALSE, sizeof(bool)),
                        .min_white_rule = 100};
        g_string_free(crpv_pdf_content_scan((const char *)c->data, c->len, press_op, &s), TRUE);
        g_array_free(s.scales, TRUE);
        g_array_free(s.overprints, TRUE);
        g_print("page %zu: black text operators %zu overprinting, %zu knocking out; %zu other "
                "paintings overprinting\n",
                i + 1, s.black_overprint, s.black_knockout, s.other_overprint);
        /* Black text overprints; nothing else does. */
        assert_true(s.black_overprint > 0);
        assert_int_equal(s.black_knockout, 0);
        assert_int_equal(s.other_overprint, 0);
        g_print("page %zu: thinnest white rule %.3f pt, %zu texts in the marker ink, %zu "
                "near-greys in several inks\n",
                i + 1, s.min_white_rule, s.marker_text, s.neutral_multi_ink);
        assert_true(s.min_white_rule >= 0.5 - 1e-3);
        assert_int_equal(s.neutral_multi_ink, 0);
        marker_text += s.marker_text;
        if (i == 1) {
            assert_true(s.min_white_rule < 100); /* the map's borders are there */
            assert_non_null(find(c->data, c->len, "0 0 0 0.08 k"));
        }
        g_byte_array_free(c, TRUE);
    }
    /* The 20 territories of the directory, at least. */
    assert_true(marker_text >= 20);
    assert_null(find(bytes->data, bytes->len, "0 0.01 0.03 0.06 k"));
    assert_non_null(find(bytes->data, bytes->len, "/OP true"));
    assert_non_null(find(bytes->data, bytes->len, "/OPM 1"));
    g_byte_array_free(bytes, TRUE);
}

/* Ghostscript's inkcov (the share of each page each ink touches): both
 * pages read, black on every page, total under 300 %. The ink per pixel
 * is asserted on the separated plates below. */
static void test_print_inkcov(void **state)
{
    g_autofree char *path = g_build_filename(out_dir, "brochure-impression.pdf", NULL);
    const char *argv[] = {"gs", "-q", "-dSAFER", "-dBATCH", "-dNOPAUSE", "-sDEVICE=inkcov",
                          "-o", "-", path, NULL};
    g_autofree char *out = NULL;
    int status = 0;
    assert_true(g_spawn_sync(NULL, (char **)argv, NULL, G_SPAWN_SEARCH_PATH, NULL, NULL, &out,
                             NULL, &status, NULL));
    assert_true(g_spawn_check_wait_status(status, NULL));
    g_auto(GStrv) lines = g_strsplit(out, "\n", -1);
    int pages = 0;
    for (char **l = lines; *l; l++) {
        double v[4];
        if (sscanf(*l, "%lf %lf %lf %lf", &v[0], &v[1], &v[2], &v[3]) != 4)
            continue;
        pages++;
        assert_true(100 * (v[0] + v[1] + v[2] + v[3]) < 300);
        assert_true(v[3] > 0.05); /* text and rules are on the black plate */
    }
    assert_int_equal(pages, 2);
}

/* One separation of tiffsep as 8-bit ink coverage per pixel (0 none, 255
 * full), WIDTH x HEIGHT. */
static guint8 *read_plate(const char *path, int *width, int *height)
{
    TIFF *t = TIFFOpen(path, "r");
    assert_non_null(t);
    uint32_t w = 0, h = 0;
    uint16_t bits = 0, photometric = 0;
    TIFFGetField(t, TIFFTAG_IMAGEWIDTH, &w);
    TIFFGetField(t, TIFFTAG_IMAGELENGTH, &h);
    TIFFGetField(t, TIFFTAG_BITSPERSAMPLE, &bits);
    TIFFGetField(t, TIFFTAG_PHOTOMETRIC, &photometric);
    assert_int_equal(bits, 8);
    guint8 *px = g_malloc((size_t)w * h);
    for (uint32_t y = 0; y < h; y++)
        assert_true(TIFFReadScanline(t, px + (size_t)y * w, y, 0) >= 0);
    TIFFClose(t);
    /* White is zero ink: a "min is white" plate already counts ink. */
    if (photometric == PHOTOMETRIC_MINISBLACK)
        for (size_t i = 0; i < (size_t)w * h; i++)
            px[i] = (guint8)(255 - px[i]);
    *width = (int)w;
    *height = (int)h;
    return px;
}

/* Writes a plate as a PNG to look at, when CRPV_PLATES_DIR is set. */
static void save_plate(const guint8 *px, int w, int h, const char *name)
{
    const char *dir = g_getenv("CRPV_PLATES_DIR");
    if (!dir)
        return;
    cairo_surface_t *s = cairo_image_surface_create(CAIRO_FORMAT_RGB24, w, h);
    unsigned char *d = cairo_image_surface_get_data(s);
    int stride = cairo_image_surface_get_stride(s);
    for (int y = 0; y < h; y++)
        for (int x = 0; x < w; x++) {
            guint8 v = (guint8)(255 - px[(size_t)y * w + x]);
            ((uint32_t *)(d + (size_t)y * stride))[x] = 0xff000000u | v << 16 | v << 8 | v;
        }
    cairo_surface_mark_dirty(s);
    g_autofree char *path = g_strdup_printf("%s/%s.png", dir, name);
    cairo_surface_write_to_png(s, path);
    cairo_surface_destroy(s);
}

/* The plates of page PAGE at 100 dpi: text sits on the black plate alone,
 * so under 5 % of the pixels with at least 50 % black carry 10 % cyan;
 * total ink under 300 % pixel by pixel. Returns how many pixels carry at
 * least 50 % black. */
static size_t check_plates(int page)
{
    g_autofree char *dir = tu_tmpdir();
    g_autofree char *pdf = g_build_filename(out_dir, "brochure-impression.pdf", NULL);
    g_autofree char *o = g_strdup_printf("-sOutputFile=%s/p.tif", dir);
    g_autofree char *first = g_strdup_printf("-dFirstPage=%d", page);
    g_autofree char *last = g_strdup_printf("-dLastPage=%d", page);
    const char *argv[] = {"gs", "-q", "-dSAFER", "-dBATCH", "-dNOPAUSE", "-sDEVICE=tiffsep",
                          "-sCompression=none", "-r100", first, last, o, pdf, NULL};
    int status = 0;
    assert_true(g_spawn_sync(NULL, (char **)argv, NULL, G_SPAWN_SEARCH_PATH, NULL, NULL, NULL,
                             NULL, &status, NULL));
    assert_true(g_spawn_check_wait_status(status, NULL));
    const char *names[] = {"Cyan", "Magenta", "Yellow", "Black"};
    guint8 *plates[4];
    int w = 0, h = 0;
    for (int i = 0; i < 4; i++) {
        g_autofree char *path = g_strdup_printf("%s/p(%s).tif", dir, names[i]);
        int pw = 0, ph = 0;
        plates[i] = read_plate(path, &pw, &ph);
        assert_true(i == 0 || (pw == w && ph == h));
        w = pw;
        h = ph;
        g_autofree char *name = g_strdup_printf("page%d-%s", page, names[i]);
        save_plate(plates[i], w, h, name);
    }
    size_t dark = 0, dark_cyan = 0, black_only = 0, cyan = 0, black_on_tint = 0;
    int max_ink = 0;
    /* The bleed box: 6 mm of slug around it hold the crop marks. */
    int slug = (int)ceil(6 / 25.4 * 100) + 1;
    for (size_t i = 0; i < (size_t)w * h; i++) {
        int x = (int)(i % (size_t)w), y = (int)(i / (size_t)w);
        if (x < slug || y < slug || x >= w - slug || y >= h - slug)
            continue;
        max_ink = MAX(max_ink, plates[0][i] + plates[1][i] + plates[2][i] + plates[3][i]);
        cyan += plates[0][i] > 0;
        if (plates[3][i] < 128)
            continue;
        dark++;
        dark_cyan += plates[0][i] >= 26;
        black_on_tint += plates[3][i] > 250 && plates[1][i] >= 26;
        black_only += plates[0][i] < 3 && plates[1][i] < 3 && plates[2][i] < 3;
    }
    g_print("page %d at 100 dpi: %zu pixels with >= 50 %% black, %zu of them with >= 10 %% "
            "cyan, %zu on the black plate alone; %zu solid black over 10 %% magenta or more\n",
            page, dark, dark_cyan, black_only, black_on_tint);
    /* The map's names overprint the regions' tint: the magenta plate
     * keeps its tint under them, no white halo when out of register. */
    if (page == 2)
        assert_true(black_on_tint > 1000);
    assert_true(max_ink * 100 < 300 * 255);
    assert_true(dark_cyan * 20 < dark);
    /* No colour of the brochure has cyan: neither text, nor rules, nor
     * the grey outlines, whose four-ink mix once put cyan on this plate. */
    assert_int_equal(cyan, 0);
    /* The crop marks on every plate (registration): the top left mark,
     * along the trim's top edge, 1 to 6 mm from the page's edge. */
    int mark_y = (int)lround(9 / 25.4 * 100);
    for (int p = 0; p < 4; p++) {
        int inked = 0;
        for (int y = mark_y - 1; y <= mark_y + 1; y++)
            for (int x = (int)(2 / 25.4 * 100); x < (int)(5 / 25.4 * 100); x++)
                inked += plates[p][(size_t)y * w + x] > 128;
        if (!inked)
            fail_msg("page %d: no crop mark on the %s plate", page, names[p]);
    }
    for (int i = 0; i < 4; i++)
        g_free(plates[i]);
    tu_rmtree(dir);
    return dark;
}

/* Both pages' plates: the recto's text, the verso's map labels and
 * directory. */
static void test_print_plates(void **state)
{
    (void)state;
    assert_true(check_plates(1) > 10000); /* the text is there */
    assert_true(check_plates(2) > 5000);
}

/* Same inputs, same bytes: Ghostscript's and qpdf's dates and IDs pinned.
 * The run's summary, not silenced here, must not call a file with the
 * default US profile "nothing to report". */
static void test_print_reproducible(void **state)
{
    g_autofree char *dir = tu_tmpdir();
    g_autofree char *summary = NULL;
    const char *argv[] = {"brochure", "--print", "--format", "pdf", "--out", dir, NULL};
    assert_int_equal(tu_run_crpv(NULL, &summary, NULL, argv), 0);
    assert_non_null(strstr(summary, "Contrôle avant impression : 1 point à vérifier ("));
    assert_null(strstr(summary, "rien à signaler"));
    GByteArray *a = read_out("brochure-impression.pdf");
    g_autofree char *path = g_build_filename(dir, "brochure-impression.pdf", NULL);
    gchar *b = NULL;
    gsize blen = 0;
    assert_true(g_file_get_contents(path, &b, &blen, NULL));
    assert_int_equal(a->len, blen);
    assert_memory_equal(a->data, b, blen);
    g_free(b);
    g_byte_array_free(a, TRUE);
    tu_rmtree(dir);
}

/* The print file's text reads as written: Ghostscript rewrites the text
 * maps, and a ligature glyph ("ti", "fi") came back as unrelated
 * characters, so no text may be set with ligatures. */
static void test_print_text_reads(void **state)
{
    (void)state;
    g_autofree char *path = g_build_filename(out_dir, "brochure-impression.pdf", NULL);
    const char *argv[] = {"pdftotext", "-f", "2", "-l", "2", path, "-", NULL};
    g_autofree char *out = NULL;
    int status = 0;
    assert_true(g_spawn_sync(NULL, (char **)argv, NULL, G_SPAWN_SEARCH_PATH, NULL, NULL, &out,
                             NULL, &status, NULL));
    assert_true(g_spawn_check_wait_status(status, NULL));
    const char *words[] = {"Réseau national", "Politique de la ville", "Martinique", "Mayotte",
                           "préfiguration"};
    for (size_t i = 0; i < G_N_ELEMENTS(words); i++)
        if (!strstr(out, words[i]))
            fail_msg("« %s » not in the print file's page 2:\n%s", words[i], out);
}

/* Whether, in OUT (pdfinfo -struct-text), TEXT is the content of a Link:
 * its quoted line follows the Link's line and its annotation's. */
static bool link_holds(const char *out, const char *text)
{
    g_autofree char *quoted = g_strdup_printf("\"%s\"\n", text);
    const char *at = strstr(out, quoted);
    if (!at)
        return false;
    g_autofree char *before = g_strndup(out, (size_t)(at - out));
    char **lines = g_strsplit(before, "\n", -1);
    guint n = g_strv_length(lines);
    bool ok = n >= 3 && strstr(lines[n - 3], "Link (inline)") && strstr(lines[n - 2], "Object ");
    g_strfreev(lines);
    return ok;
}

/* A structure element as read back with qpdf. */
typedef struct {
    char *type;     /* "Figure", "Link"... */
    int depth;      /* 0: the Document */
    bool in_figure; /* under a Figure */
    char *alt;      /* its /Alt, or NULL */
    char *contents; /* Link: its annotation's /Contents, or NULL */
    size_t objrs, mcids;
    bool parent_ok; /* Link: the parent tree, by the annotation's /StructParent, points here */
} elem;

typedef struct {
    GPtrArray *elems;    /* of elem, depth first */
    size_t annots;       /* link annotations, every page */
    bool parent_tree_ok; /* no page's parent-tree array ends with null */
    long long outline_count;
} tree;

static void elem_free(gpointer p)
{
    elem *e = p;
    g_free(e->type);
    g_free(e->alt);
    g_free(e->contents);
    g_free(e);
}

static void tree_clear(tree *t)
{
    g_ptr_array_unref(t->elems);
}

/* The parent-tree value for KEY. */
static qpdf_oh parent_of(qpdf_data q, long long key)
{
    qpdf_oh nums = qpdf_oh_get_key(
        q, qpdf_oh_get_key(q, qpdf_oh_get_key(q, qpdf_get_root(q), "/StructTreeRoot"), "/ParentTree"),
        "/Nums");
    int n = qpdf_oh_get_array_n_items(q, nums);
    for (int i = 0; i + 1 < n; i += 2)
        if (qpdf_oh_get_int_value(q, qpdf_oh_get_array_item(q, nums, i)) == key)
            return qpdf_oh_get_array_item(q, nums, i + 1);
    return qpdf_oh_new_null(q);
}

static void walk(qpdf_data q, qpdf_oh oh, int depth, bool in_figure, tree *t)
{
    if (qpdf_oh_is_array(q, oh)) {
        for (int i = 0; i < qpdf_oh_get_array_n_items(q, oh); i++)
            walk(q, qpdf_oh_get_array_item(q, oh, i), depth, in_figure, t);
        return;
    }
    if (!qpdf_oh_is_dictionary(q, oh) || !qpdf_oh_has_key(q, oh, "/S"))
        return;
    elem *e = g_new0(elem, 1);
    e->type = g_strdup(qpdf_oh_get_name(q, qpdf_oh_get_key(q, oh, "/S")) + 1);
    e->depth = depth;
    e->in_figure = in_figure;
    if (qpdf_oh_is_string(q, qpdf_oh_get_key(q, oh, "/Alt")))
        e->alt = g_strdup(qpdf_oh_get_utf8_value(q, qpdf_oh_get_key(q, oh, "/Alt")));
    g_ptr_array_add(t->elems, e);
    qpdf_oh k = qpdf_oh_get_key(q, oh, "/K");
    int n = qpdf_oh_is_array(q, k) ? qpdf_oh_get_array_n_items(q, k) : 1;
    for (int i = 0; i < n; i++) {
        qpdf_oh kid = qpdf_oh_is_array(q, k) ? qpdf_oh_get_array_item(q, k, i) : k;
        if (qpdf_oh_is_integer(q, kid) ||
            qpdf_oh_is_name_and_equals(q, qpdf_oh_get_key(q, kid, "/Type"), "/MCR")) {
            e->mcids++;
        } else if (qpdf_oh_is_name_and_equals(q, qpdf_oh_get_key(q, kid, "/Type"), "/OBJR")) {
            e->objrs++;
            qpdf_oh an = qpdf_oh_get_key(q, kid, "/Obj");
            if (qpdf_oh_is_string(q, qpdf_oh_get_key(q, an, "/Contents")))
                e->contents = g_strdup(qpdf_oh_get_utf8_value(q, qpdf_oh_get_key(q, an, "/Contents")));
            qpdf_oh sp = qpdf_oh_get_key(q, an, "/StructParent");
            e->parent_ok = qpdf_oh_is_integer(q, sp) &&
                           qpdf_oh_get_object_id(q, parent_of(q, qpdf_oh_get_int_value(q, sp))) ==
                               qpdf_oh_get_object_id(q, oh);
        }
    }
    walk(q, k, depth + 1, in_figure || !strcmp(e->type, "Figure"), t);
}

/* NAME's structure tree, link annotations, parent tree and outline root. */
static tree read_tree(const char *name)
{
    g_autofree char *path = g_build_filename(out_dir, name, NULL);
    qpdf_data q = qpdf_init();
    assert_false(qpdf_read(q, path, NULL) & QPDF_ERRORS);
    tree t = {g_ptr_array_new_with_free_func(elem_free), 0, true, 0};
    qpdf_oh root = qpdf_oh_get_key(q, qpdf_get_root(q), "/StructTreeRoot");
    walk(q, qpdf_oh_get_key(q, root, "/K"), 0, false, &t);
    for (int p = 0; p < qpdf_get_num_pages(q); p++) {
        qpdf_oh pg = qpdf_get_page_n(q, (size_t)p);
        qpdf_oh annots = qpdf_oh_get_key(q, pg, "/Annots");
        for (int a = 0; qpdf_oh_is_array(q, annots) && a < qpdf_oh_get_array_n_items(q, annots); a++)
            t.annots += qpdf_oh_is_name_and_equals(
                q, qpdf_oh_get_key(q, qpdf_oh_get_array_item(q, annots, a), "/Subtype"), "/Link");
        qpdf_oh sp = qpdf_oh_get_key(q, pg, "/StructParents");
        if (!qpdf_oh_is_integer(q, sp))
            continue;
        qpdf_oh entry = parent_of(q, qpdf_oh_get_int_value(q, sp));
        int n = qpdf_oh_get_array_n_items(q, entry);
        if (n > 0 && qpdf_oh_is_null(q, qpdf_oh_get_array_item(q, entry, n - 1)))
            t.parent_tree_ok = false;
    }
    qpdf_oh count = qpdf_oh_get_key(q, qpdf_oh_get_key(q, qpdf_get_root(q), "/Outlines"), "/Count");
    t.outline_count = qpdf_oh_is_integer(q, count) ? qpdf_oh_get_int_value(q, count) : 0;
    qpdf_cleanup(&q);
    return t;
}

static void check_accessible(const char *name, size_t *untagged_per_page, size_t max_pages)
{
    GByteArray *bytes = NULL;
    g_autoptr(crpv_pdfdoc) doc = open_out(name, &bytes);
    crpv_pdfdoc_facts f = crpv_pdfdoc_get_facts(doc);
    assert_true(f.tagged);
    assert_true(f.lang);
    assert_non_null(find(bytes->data, bytes->len, "/Lang (fr-FR)"));
    assert_true(f.display_doc_title);
    assert_true(f.xmp);
    assert_int_equal(f.document_roots, 1);
    assert_true(f.figures >= 1);
    assert_int_equal(f.figures_with_alt, f.figures);
    assert_true(f.links > 0);
    assert_int_equal(f.links_with_contents, f.links);
    assert_int_equal(f.links_in_link_elements, f.links);
    assert_int_equal(f.pages_with_tabs, f.pages_with_links);
    /* XMP: the title, and PDF/UA-1 declared. */
    assert_non_null(find(bytes->data, bytes->len, "<dc:title><rdf:Alt><rdf:li"));
    assert_non_null(find(bytes->data, bytes->len, "<pdfuaid:part>1</pdfuaid:part>"));
    /* The placeholders the renderer uses are resolved. */
    assert_null(find(bytes->data, bytes->len, "/NonStruct"));
    assert_null(find(bytes->data, bytes->len, "/Private"));
    for (size_t i = 0; i < crpv_pdfdoc_page_count(doc) && i < max_pages; i++) {
        GByteArray *c = crpv_pdfdoc_page_content(doc, i);
        crpv_pdf_page_facts pf = crpv_pdf_check_page((const char *)c->data, c->len);
        untagged_per_page[i] = pf.text_untagged;
        g_print("%s page %zu: %zu text operators, %zu tagged, %zu artifacts, %zu untagged\n",
                name, i + 1, pf.text_ops, pf.text_tagged, pf.text_artifact, pf.text_untagged);
        g_byte_array_free(c, TRUE);
    }
    g_byte_array_free(bytes, TRUE);
}

static void test_map_accessible(void **state)
{
    size_t untagged[1] = {0};
    check_accessible("carte.pdf", untagged, 1);
    assert_int_equal(untagged[0], 0);
    /* The alternative text: a concise summary, the map's own territories,
     * French typography. */
    for (int f = 0; f < 2; f++) {
        tree t = read_tree(f ? "brochure.pdf" : "carte.pdf");
        const elem *fig = NULL;
        for (guint i = 0; i < t.elems->len && !fig; i++)
            if (!strcmp(((elem *)g_ptr_array_index(t.elems, i))->type, "Figure"))
                fig = g_ptr_array_index(t.elems, i);
        assert_non_null(fig);
        assert_non_null(fig->alt);
        g_print("%s /Alt (%ld characters): %s\n", f ? "brochure.pdf" : "carte.pdf",
                g_utf8_strlen(fig->alt, -1), fig->alt);
        assert_true(g_utf8_strlen(fig->alt, -1) < 600);
        assert_non_null(strstr(fig->alt, "20 centres"));
        assert_non_null(strstr(fig->alt, "dont 1 en préfiguration"));
        assert_non_null(strstr(fig->alt, "Bretagne-Pays de la Loire"));
        assert_null(strstr(fig->alt, "Bretagne ;"));
        assert_non_null(strstr(fig->alt, "Île-de-France (Seine-Saint-Denis, Val-d’Oise"));
        assert_non_null(strstr(fig->alt, "Occitanie (2 centres)"));
        assert_non_null(strstr(fig->alt, "Guadeloupe (en préfiguration)"));
        assert_non_null(strstr(fig->alt, "Sans centre : Corse."));
        assert_null(strchr(fig->alt, '\''));
        assert_null(strstr(fig->alt, " - "));
        tree_clear(&t);
    }
}

/* carte.pdf: the map's links after its Figure, which has none (readers skip
 * a figure's children), one per centre, each naming its centre. */
static void test_map_links_outside_figure(void **state)
{
    (void)state;
    tree t = read_tree("carte.pdf");
    size_t links = 0;
    bool after_figure = false;
    for (guint i = 0; i < t.elems->len; i++) {
        const elem *e = g_ptr_array_index(t.elems, i);
        if (!strcmp(e->type, "Figure")) {
            assert_int_equal(e->depth, 1); /* under the Document */
            after_figure = true;
        }
        assert_false(e->in_figure && !strcmp(e->type, "Link"));
        if (strcmp(e->type, "Link"))
            continue;
        links++;
        assert_true(after_figure);
        assert_int_equal(e->depth, 1);
        assert_int_equal(e->objrs, 1);
        assert_true(e->parent_ok);
        assert_non_null(e->contents);
        assert_true(g_str_has_suffix(e->contents, " – site web") ||
                    g_str_has_suffix(e->contents, " – courriel"));
    }
    assert_int_equal(links, 19); /* the 20 centres, one without site nor e-mail */
    assert_int_equal(t.annots, links);
    bool labo = false;
    for (guint i = 0; i < t.elems->len; i++) {
        const elem *e = g_ptr_array_index(t.elems, i);
        labo |= !g_strcmp0(e->contents, "Labo Cités (Auvergne-Rhône-Alpes) – site web");
    }
    assert_true(labo);
    assert_true(t.parent_tree_ok);
    tree_clear(&t);
}

/* brochure.pdf: no link in the map's Figure (the directory has them), each
 * directory link holding its visible text; one H1 (page 1), the map's
 * caption an H2; the outline root open; the parent tree tight. */
static void test_brochure_structure(void **state)
{
    (void)state;
    tree t = read_tree("brochure.pdf");
    size_t h1 = 0, h2 = 0, links = 0, with_text = 0;
    for (guint i = 0; i < t.elems->len; i++) {
        const elem *e = g_ptr_array_index(t.elems, i);
        assert_false(e->in_figure && !strcmp(e->type, "Link"));
        h1 += !strcmp(e->type, "H1");
        h2 += !strcmp(e->type, "H2");
        if (!strcmp(e->type, "Link")) {
            links++;
            with_text += e->mcids > 0;
            assert_int_equal(e->objrs, 1);
            assert_true(e->parent_ok);
        }
    }
    assert_int_equal(h1, 1);
    assert_true(h2 >= 4);
    assert_true(links >= 40);
    assert_int_equal(t.annots, links);
    /* The recto's call (its site) and every directory link: text within. */
    assert_int_equal(with_text, links);
    assert_true(t.parent_tree_ok);
    assert_true(t.outline_count > 0);
    tree_clear(&t);
    /* The headings as poppler reads them. */
    g_autofree char *path = g_build_filename(out_dir, "brochure.pdf", NULL);
    const char *argv[] = {"pdfinfo", "-struct-text", path, NULL};
    g_autofree char *out = NULL;
    int status = 0;
    assert_true(g_spawn_sync(NULL, (char **)argv, NULL, G_SPAWN_SEARCH_PATH, NULL, NULL, &out,
                             NULL, &status, NULL));
    assert_non_null(strstr(out, "H2 (block)\n    \"Carte des 20 centres de ressources "
                                "Politique de la ville\""));
    size_t titles = 0;
    for (const char *p = out; (p = strstr(p, "Réseau national des centres")); p++)
        titles++;
    assert_int_equal(titles, 1); /* page 2's running head is an artifact */
    /* The recto's bullets: artifacts, their list said to be bulleted. */
    assert_null(strstr(out, "\"›\""));
    assert_non_null(strstr(out, "/ListNumbering /Disc"));
    assert_true(link_holds(out, "04 78 77 01 43 "));
    assert_true(link_holds(out, "www.labo-cites.org"));
}

/* TEXT without spaces, hyphens (hard or soft) and line breaks: how a
 * paragraph reads once its lines are joined. New string. */
static char *squeeze(const char *text)
{
    GString *s = g_string_new(NULL);
    for (const char *p = text; *p; p = g_utf8_next_char(p)) {
        gunichar c = g_utf8_get_char(p);
        if (!g_unichar_isspace(c) && c != '-' && c != 0xad && c != 0xa0 && c != 0x202f)
            g_string_append_unichar(s, c);
    }
    return g_string_free(s, FALSE);
}

/* poppler reads the first paragraph whole from the structure, ligatures
 * and soft hyphens included (it used to stop at "Les centres de res"). */
static void test_struct_text_whole(void **state)
{
    g_autofree char *path = g_build_filename(out_dir, "brochure.pdf", NULL);
    const char *argv[] = {"pdfinfo", "-struct-text", path, NULL};
    g_autofree char *out = NULL;
    int status = 0;
    assert_true(g_spawn_sync(NULL, (char **)argv, NULL, G_SPAWN_SEARCH_PATH, NULL, NULL, &out,
                             NULL, &status, NULL));
    assert_true(g_spawn_check_wait_status(status, NULL));
    g_autofree char *all = squeeze(out);
    g_autofree char *first = squeeze(
        "\"Les centres de ressources Politique de la ville, implantés dans 16 régions (dont 4 en "
        "outre-mer), certains depuis vingt ans, exercent auprès des acteurs des secteurs "
        "prioritaires de la politique de la ville (cohésion sociale, développement économique "
        "et rénovation urbaine) une mission de qualification et d’animation de la réflexion "
        "collective avec le soutien de toutes les institutions concernées, en particulier État "
        "et collectivités territoriales. Forts de leur expérience, ils ont acquis une véritable "
        "légitimité.\"");
    /* The ligatures come back as their letters, "fi" (U+FB01) aside. */
    g_autofree char *ligatures = g_strdup(all);
    GString *plain = g_string_new(NULL);
    for (const char *p = ligatures; *p; p = g_utf8_next_char(p)) {
        gunichar c = g_utf8_get_char(p);
        if (c == 0xfb01)
            g_string_append(plain, "fi");
        else if (c == 0xfb02)
            g_string_append(plain, "fl");
        else
            g_string_append_unichar(plain, c);
    }
    assert_non_null(strstr(plain->str, first));
    g_string_free(plain, TRUE);
}

static void test_brochure_accessible(void **state)
{
    size_t untagged[2] = {0, 0};
    check_accessible("brochure.pdf", untagged, 2);
    /* The text the layout leaves untagged (reported above) must not grow:
     * on page 1, the closing call only, whose paragraph holds links, and
     * Cairo 1.16 marks the content of childless elements alone. */
    assert_int_equal(untagged[0], 0);
    assert_int_equal(untagged[1], 0);
}

/* The directory's entries whole in their LBody, names on two lines with
 * their words apart; each map label once in the text. */
static void test_directory_struct_text(void **state)
{
    (void)state;
    g_autofree char *path = g_build_filename(out_dir, "brochure.pdf", NULL);
    const char *argv[] = {"pdfinfo", "-struct-text", path, NULL};
    g_autofree char *out = NULL;
    int status = 0;
    assert_true(g_spawn_sync(NULL, (char **)argv, NULL, G_SPAWN_SEARCH_PATH, NULL, NULL, &out,
                             NULL, &status, NULL));
    assert_true(g_spawn_check_wait_status(status, NULL));
    /* An entry's text is its paragraph's, its links' (their visible text)
     * within, in reading order. */
    GString *read = g_string_new(NULL);
    for (char **line = g_strsplit(out, "\n", -1), **l = line; *l || (g_strfreev(line), 0); l++) {
        const char *q = *l + strspn(*l, " ");
        if (*q == '"' && g_str_has_suffix(q, "\""))
            g_string_append_len(read, q + 1, (gssize)strlen(q) - 2);
    }
    const char *entries[] = {
        "Pôle de Ressources Ville et Développement Social Val-d’Oise 01 34 05 17 17 "
        "www.poleressources95.org",
        "Observatoire Régional de l’Intégration et de la Ville (ORIV) Grand Est 03 88 14 35 89 "
        "www.oriv.org",
        "Centre de ressources Politique de la ville Guadeloupe en préfiguration"};
    for (size_t i = 0; i < G_N_ELEMENTS(entries); i++)
        if (!strstr(read->str, entries[i]))
            fail_msg("%s not whole in the structure:\n%s", entries[i], out);
    /* The phone is its Link's text. */
    assert_true(link_holds(out, "01 34 05 17 17 "));
    g_string_free(read, TRUE);
    /* The page's text: a label of the map (« Nouvelle-Aquitaine ») once on
     * the map, once in the directory. */
    const char *txt[] = {"pdftotext", "-f", "2", "-l", "2", path, "-", NULL};
    g_autofree char *text = NULL;
    assert_true(g_spawn_sync(NULL, (char **)txt, NULL, G_SPAWN_SEARCH_PATH, NULL, NULL, &text,
                             NULL, &status, NULL));
    size_t n = 0;
    for (const char *p = text; (p = strstr(p, "Nouvelle-Aquitaine")); p++)
        n++;
    assert_int_equal(n, 2);
}

/* Screen colours to print values: declared, tints of declared, greys on
 * the black plate, the rest left to the profile. */
static void test_print_cmyk(void **state)
{
    g_autoptr(crpv_style) st = crpv_style_new_default();
    crpv_cmyk k;
    assert_true(crpv_print_cmyk(st, crpv_color_rgb(0xb5174f), &k));
    assert_double_near(k.c, 0, 1e-9);
    assert_double_near(k.m, 95, 1e-9);
    assert_double_near(k.y, 45, 1e-9);
    assert_double_near(k.k, 10, 1e-9);
    /* The text's soft black prints as 100 % black, not as a screen. */
    assert_true(crpv_print_cmyk(st, crpv_color_rgb(0x2b2b2b), &k));
    assert_double_near(k.k, 100, 1e-9);
    /* A 9 % tint of the raspberry: 9 % of each of its inks. */
    assert_true(crpv_print_cmyk(st, (crpv_color){0.973882, 0.918118, 0.937882, 1}, &k));
    assert_double_near(k.m, 95 * 0.09, 0.3);
    assert_double_near(k.k, 10 * 0.09, 0.1);
    assert_double_near(k.c, 0, 1e-9);
    /* Greys: the black plate alone, lighter than the text's black as
     * screens of it. */
    assert_true(crpv_print_cmyk(st, crpv_color_rgb(0x555555), &k));
    assert_double_near(k.k, 100 * (1 - 0x55 / 255.0) / (1 - 0x2b / 255.0), 0.2);
    assert_double_near(k.c + k.m + k.y, 0, 1e-9);
    assert_true(crpv_print_cmyk(st, crpv_color_rgb(0x000000), &k));
    assert_double_near(k.k, 100, 1e-9);
    /* The warm grey outlining regions without a centre: a near-grey, on
     * the black plate alone. */
    assert_true(crpv_print_is_neutral(crpv_color_rgb(0x8f8a82)));
    assert_true(crpv_print_cmyk(st, crpv_color_rgb(0x8f8a82), &k));
    assert_double_near(k.c + k.m + k.y, 0, 1e-9);
    assert_double_near(k.k, 100 * (1 - (0x8f + 0x8a + 0x82) / 765.0), 0.01);
    /* The blue-grey of pending markers is a colour, declared K 50. */
    assert_false(crpv_print_is_neutral(crpv_color_rgb(0x8a8fa0)));
    /* Regions without a centre: a black tint that holds, not 1 % magenta. */
    assert_true(crpv_print_cmyk(st, crpv_color_rgb(0xefede8), &k));
    assert_double_near(k.c + k.m + k.y, 0, 1e-9);
    assert_true(k.k >= 5);
    /* The crop marks' key: registration, every ink solid. */
    assert_true(crpv_print_cmyk(st, crpv_color_rgb(CRPV_PRINT_REGISTRATION_KEY), &k));
    assert_double_near(k.c + k.m + k.y + k.k, 400, 1e-9);
    /* A colour nobody declared goes through the profile. */
    assert_false(crpv_print_cmyk(st, crpv_color_rgb(0x3d8a2f), &k));
    assert_false(crpv_print_cmyk(st, crpv_color_none(), &k));
}

/* The profile names itself: version 2 ('desc') and 4 ('mluc') tags. */
static void test_icc_description(void **state)
{
    gchar *data = NULL;
    gsize len = 0;
    assert_true(g_file_get_contents(CRPV_DEFAULT_CMYK_PROFILE, &data, &len, NULL));
    g_autofree char *d = crpv_icc_description((const guint8 *)data, len);
    assert_string_equal(d, "Artifex CMYK SWOP Profile");
    /* Cut short or not CMYK: refused. */
    assert_null(crpv_icc_description((const guint8 *)data, 100));
    data[16] = 'R';
    assert_null(crpv_icc_description((const guint8 *)data, len));
    g_free(data);
    assert_true(g_file_get_contents("/usr/share/color/icc/ghostscript/ps_cmyk.icc", &data, &len,
                                    NULL));
    g_autofree char *d4 = crpv_icc_description((const guint8 *)data, len);
    assert_string_equal(d4, "Artifex PS CMYK Profile");
    g_free(data);
}

static char *upper_rg(void *user, const crpv_pdf_op *op)
{
    (*(int *)user)++;
    return crpv_pdf_op_is(op, "rg") ? g_strdup("0 0 0 1 k") : NULL;
}

/* The content scanner: strings, comments and inline images are skipped
 * whole; a replaced operator takes its operands with it. */
static void test_content_scan(void **state)
{
    const char *in = "q 1 0 0 -1 0 842 cm\n0.5 0.2 0.1 rg BT (a rg \\) b) Tj ET\n"
                     "% 1 1 1 rg comment\n/P << /MCID 3 >> BDC <00ff> Tj EMC\n"
                     "BI /W 1 /H 1 ID \x01rg\x02 EI Q";
    int ops = 0;
    GString *out = crpv_pdf_content_scan(in, strlen(in), upper_rg, &ops);
    assert_string_equal(out->str, "q 1 0 0 -1 0 842 cm\n0 0 0 1 k BT (a rg \\) b) Tj ET\n"
                                  "% 1 1 1 rg comment\n/P << /MCID 3 >> BDC <00ff> Tj EMC\n"
                                  "BI /W 1 /H 1 ID \x01rg\x02 EI Q");
    /* q cm rg BT Tj ET BDC Tj EMC BI ID Q: the image's data and EI skipped */
    assert_int_equal(ops, 12);
    g_string_free(out, TRUE);
    crpv_pdf_page_facts f = crpv_pdf_check_page(in, strlen(in));
    assert_int_equal(f.text_ops, 2);
    assert_int_equal(f.text_tagged, 1);
    assert_int_equal(f.text_untagged, 1);
    assert_int_equal(f.rgb_colors, 1);
    const char *t = "q 2 0 0 2 0 0 cm BT 0 0 0 1 k /F1 1 Tf 3 0 0 3 0 0 Tm (x) Tj ET Q "
                    "BT 0.6 0.2 0 0.9 k /F1 9 Tf (y) Tj ET";
    f = crpv_pdf_check_page(t, strlen(t));
    assert_double_near(f.min_text_size, 6, 1e-9);
    assert_double_near(f.max_ink, 170, 1e-9);
    assert_int_equal(f.text_multi_ink, 1);
}

/* A small page with a 6-pt white number on a marker disc and a 5-pt
 * line, made into a print file. */
/* A one-page print file: a marker disc in DISC with its 6-pt white
 * number, body text, a 5-pt credit. */
static GByteArray *small_print(const crpv_style *st, crpv_color disc, crpv_preflight *report)
{
    g_autoptr(GError) error = NULL;
    PangoContext *ctx = crpv_fonts_context_new("fonts", &error);
    assert_non_null(ctx);
    crpv_scene *sc = crpv_scene_new(220, 220);
    crpv_scene_set_trim(sc, (crpv_rect){10, 10, 210, 210}, (crpv_rect){2, 2, 218, 218});
    crpv_item *d = crpv_scene_add(sc, CRPV_ITEM_DISC, CRPV_ROLE_MARKER);
    d->center = (crpv_point){60, 60};
    d->radius = 8;
    d->fill = disc;
    crpv_scene_add_text(sc, CRPV_ROLE_MARKER, (crpv_rect){56, 56, 64, 64}, "Lato Bold 6", "1",
                        st->marker_text);
    crpv_scene_add_text(sc, CRPV_ROLE_BODY, (crpv_rect){20, 120, 200, 140}, "Lato 10",
                        "Texte courant", st->text);
    crpv_scene_add_text(sc, CRPV_ROLE_CREDIT, (crpv_rect){20, 160, 200, 170}, "Lato 5",
                        "Source en petit", crpv_color_rgb(0x555555));
    const crpv_scene *pages[] = {sc};
    crpv_pdf_info info = {"Essai", NULL, NULL, NULL, "crpv", 1700000000, NULL};
    GByteArray *rgb = crpv_output_pdf("essai.pdf", pages, 1, ctx, &info, &error);
    assert_non_null(rgb);
    GByteArray *out = crpv_print_pdf("essai.pdf", rgb, pages, 1, st, NULL, &info, report, &error);
    assert_non_null(out);
    g_byte_array_free(rgb, TRUE);
    crpv_scene_free(sc);
    g_object_unref(ctx);
    return out;
}

static bool has_problem(const crpv_preflight *r, const char *what)
{
    for (guint i = 0; i < r->problems->len; i++)
        if (strstr(g_ptr_array_index(r->problems, i), what))
            return true;
    return false;
}

/* The preflight reports what a print shop would reject: the 5-pt line,
 * and white 6-pt numbers knocked out of discs printed in several inks (the
 * default markers, in the raspberry's three inks); markers on the black
 * plate alone pass. */
static void test_preflight(void **state)
{
    g_autoptr(GError) error = NULL;
    const char *ini = "[couleurs]\nmarqueur = #1f2a44 / 0 0 0 100\n";
    g_autoptr(crpv_style) black = crpv_style_parse(ini, strlen(ini), "style.ini", &error);
    assert_non_null(black);
    crpv_preflight r = {0};
    GByteArray *pdf = small_print(black, black->marker, &r);
    assert_double_near(r.min_text_size, 5, 0.01);
    assert_true(has_problem(&r, "texte de 5 pt, sous le minimum de 6 pt"));
    assert_int_equal(r.white_knockouts, 0);
    assert_int_equal(r.text_multi_ink, 0);
    assert_int_equal(r.rgb_colors, 0);
    assert_true(r.output_intent);
    assert_int_equal(r.pages_with_boxes, 1);
    assert_int_equal(r.fonts_embedded, r.fonts);
    assert_non_null(r.coverage);
    /* Gs's SWOP profile: a warning, not a problem. */
    assert_int_equal(r.warnings->len, 1);
    g_byte_array_free(pdf, TRUE);
    crpv_preflight_clear(&r);

    /* A registered condition is named with its registry. */
    const char *fogra = "[impression]\ncondition = FOGRA39\n";
    g_autoptr(crpv_style) registered = crpv_style_parse(fogra, strlen(fogra), "style.ini", &error);
    assert_non_null(registered);
    pdf = small_print(registered, registered->marker_print_key, &r);
    assert_non_null(find(pdf->data, pdf->len, "/OutputConditionIdentifier (FOGRA39)"));
    assert_non_null(find(pdf->data, pdf->len, "/RegistryName (http://www.color.org)"));
    g_byte_array_free(pdf, TRUE);
    crpv_preflight_clear(&r);

    /* The raspberry's three inks under a white number: rejected. */
    g_autoptr(crpv_style) st = crpv_style_new_default();
    pdf = small_print(st, st->primary, &r);
    assert_int_equal(r.white_knockouts, 1);
    assert_true(has_problem(&r, "en réserve dans un aplat de plusieurs encres"));
    g_byte_array_free(pdf, TRUE);
    crpv_preflight_clear(&r);

    /* The print brochure's markers, in their own key colour: magenta
     * alone, exactly, and nothing to report about them. */
    pdf = small_print(st, st->marker_print_key, &r);
    assert_int_equal(r.white_knockouts, 0);
    assert_false(has_problem(&r, "en réserve"));
    g_autoptr(GError) err = NULL;
    g_autoptr(crpv_pdfdoc) doc = crpv_pdfdoc_open(pdf->data, pdf->len, "essai.pdf", &err);
    assert_non_null(doc);
    GByteArray *c = crpv_pdfdoc_page_content(doc, 0);
    assert_non_null(find(c->data, c->len, "0 1 0 0 k"));
    assert_null(find(c->data, c->len, "0 0.95 0.45 0.1 k"));
    g_byte_array_free(c, TRUE);
    g_byte_array_free(pdf, TRUE);
    crpv_preflight_clear(&r);
}

/* A profile that is not a CMYK output profile is refused, in French. */
static void test_bad_profile(void **state)
{
    g_autoptr(crpv_style) st = crpv_style_new_default();
    g_autoptr(GError) error = NULL;
    GByteArray fake = {(guint8 *)"%PDF-1.5", 8};
    crpv_preflight r = {0};
    assert_null(crpv_print_pdf("x.pdf", &fake, NULL, 0, st,
                               "/usr/share/color/icc/ghostscript/default_rgb.icc", NULL, &r,
                               &error));
    assert_non_null(strstr(error->message, "ce n’est pas un profil ICC de sortie CMJN"));
    crpv_preflight_clear(&r);
}

/* The print shop's profile on the command line: a file that cannot be
 * read is an I/O error (3), a profile that is not CMYK an input error (1),
 * --icc without --print a usage error (2); nothing is written. */
static void test_icc_option(void **state)
{
    g_autofree char *dir = tu_tmpdir();
    g_autofree char *err = NULL;
    const char *missing[] = {"brochure", "--print", "--format", "pdf", "--icc",
                             "absent.icc", "--out", dir, "-q", NULL};
    assert_int_equal(tu_run_crpv(NULL, NULL, &err, missing), 3);
    assert_non_null(strstr(err, "absent.icc : profil ICC illisible"));
    g_clear_pointer(&err, g_free);
    const char *rgb[] = {"brochure", "--print", "--format", "pdf", "--icc",
                         "/usr/share/color/icc/ghostscript/default_rgb.icc", "--out", dir, "-q",
                         NULL};
    assert_int_equal(tu_run_crpv(NULL, NULL, &err, rgb), 1);
    assert_non_null(strstr(err, "ce n’est pas un profil ICC de sortie CMJN"));
    g_clear_pointer(&err, g_free);
    const char *usage[] = {"brochure", "--icc", "x.icc", "--out", dir, NULL};
    assert_int_equal(tu_run_crpv(NULL, NULL, &err, usage), 2);
    assert_non_null(strstr(err, "--icc ne vaut qu’avec --print"));
    g_autofree char *pdf = g_build_filename(dir, "brochure-impression.pdf", NULL);
    assert_false(g_file_test(pdf, G_FILE_TEST_EXISTS));
    tu_rmtree(dir);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_print_structure),   cmocka_unit_test(test_print_inkcov),
        cmocka_unit_test(test_print_plates),      cmocka_unit_test(test_print_reproducible),
        cmocka_unit_test(test_print_text_reads),  cmocka_unit_test(test_print_press),
        cmocka_unit_test(test_map_accessible),    cmocka_unit_test(test_brochure_accessible),
        cmocka_unit_test(test_map_links_outside_figure),
        cmocka_unit_test(test_brochure_structure),
        cmocka_unit_test(test_struct_text_whole), cmocka_unit_test(test_directory_struct_text),
        cmocka_unit_test(test_print_cmyk),        cmocka_unit_test(test_icc_description),
        cmocka_unit_test(test_content_scan),      cmocka_unit_test(test_preflight),
        cmocka_unit_test(test_bad_profile),       cmocka_unit_test(test_icc_option),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
