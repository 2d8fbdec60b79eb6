#include "printpdf.h"

#include <glib/gstdio.h>
#include <math.h>
#include <pango/pango.h>
#include <string.h>

#include "pdfcheck.h"
#include "pdfcontent.h"
#include "pdfpost.h"

#define PRINT_ERROR (g_quark_from_static_string("crpv-print-error"))

void crpv_preflight_clear(crpv_preflight *p)
{
    g_free(p->coverage);
    if (p->problems)
        g_ptr_array_unref(p->problems);
    if (p->notes)
        g_ptr_array_unref(p->notes);
    if (p->warnings)
        g_ptr_array_unref(p->warnings);
    memset(p, 0, sizeof *p);
}

static bool same_color(crpv_color a, crpv_color b)
{
    const double eps = 0.6 / 255;
    return fabs(a.r - b.r) < eps && fabs(a.g - b.g) < eps && fabs(a.b - b.b) < eps;
}

bool crpv_print_cmyk(const crpv_style *st, crpv_color c, crpv_cmyk *out)
{
    if (c.a <= 0)
        return false;
    if (same_color(c, crpv_color_rgb(CRPV_PRINT_REGISTRATION_KEY))) {
        *out = (crpv_cmyk){100, 100, 100, 100};
        return true;
    }
    /* The print brochure's markers, told apart from the raspberry's other
     * uses by their own screen value. */
    const crpv_print_color *marker = &st->print_colors[7];
    if (marker->has_print && !same_color(st->marker_print_key, st->marker) &&
        same_color(c, st->marker_print_key)) {
        *out = marker->print;
        return true;
    }
    for (size_t i = 0; i < st->n_print_colors; i++) {
        const crpv_print_color *pc = &st->print_colors[i];
        if (pc->has_print && pc->screen.a > 0 && same_color(c, pc->screen)) {
            *out = pc->print;
            return true;
        }
    }
    /* A tint: the colour mixed with the paper's white, T of the way; the
     * print file takes T of each of its inks. */
    for (size_t i = 0; i < st->n_print_colors; i++) {
        const crpv_print_color *pc = &st->print_colors[i];
        crpv_color s = pc->screen;
        double span = MAX(1 - s.r, MAX(1 - s.g, 1 - s.b));
        if (!pc->has_print || s.a <= 0 || span < 0.1)
            continue;
        double t = (1 - (span == 1 - s.r ? c.r : span == 1 - s.g ? c.g : c.b)) / span;
        if (t <= 0 || t >= 1)
            continue;
        crpv_color mix = {1 - t * (1 - s.r), 1 - t * (1 - s.g), 1 - t * (1 - s.b), 1};
        if (fabs(mix.r - c.r) < 1.5 / 255 && fabs(mix.g - c.g) < 1.5 / 255 &&
            fabs(mix.b - c.b) < 1.5 / 255) {
            *out = (crpv_cmyk){pc->print.c * t, pc->print.m * t, pc->print.y * t, pc->print.k * t};
            return true;
        }
    }
    /* A grey, or a near-grey (the warm grey outlining regions without a
     * centre), prints on the black plate alone, as dark as it looks: four
     * inks for a thin grey line would blur at the least misregistration. */
    if (crpv_print_is_neutral(c)) {
        *out = (crpv_cmyk){0, 0, 0, 100 * (1 - (c.r + c.g + c.b) / 3)};
        return true;
    }
    return false;
}

bool crpv_print_is_neutral(crpv_color c)
{
    double hi = MAX(c.r, MAX(c.g, c.b)), lo = MIN(c.r, MIN(c.g, c.b));
    return c.a > 0 && hi - lo <= CRPV_PRINT_NEUTRAL_SPREAD / 255.0 + 1e-9;
}

static guint32 be32(const guint8 *p)
{
    return (guint32)p[0] << 24 | (guint32)p[1] << 16 | (guint32)p[2] << 8 | p[3];
}

char *crpv_icc_description(const guint8 *d, size_t len)
{
    if (len < 132 || be32(d) > len || memcmp(d + 12, "prtr", 4) || memcmp(d + 16, "CMYK", 4) ||
        memcmp(d + 36, "acsp", 4))
        return NULL;
    guint32 n = be32(d + 128);
    for (guint32 i = 0; i < n && 132 + 12 * (size_t)(i + 1) <= len; i++) {
        const guint8 *e = d + 132 + 12 * (size_t)i;
        size_t off = be32(e + 4), size = be32(e + 8);
        if (memcmp(e, "desc", 4) || off > len || size > len - off || size < 12)
            continue;
        const guint8 *t = d + off;
        if (!memcmp(t, "desc", 4)) {
            size_t count = be32(t + 8);
            if (count == 0 || count > size - 12)
                return NULL;
            char *s = g_strndup((const char *)t + 12, count);
            return g_utf8_validate(s, -1, NULL) ? s : (g_free(s), NULL);
        }
        if (!memcmp(t, "mluc", 4) && size >= 28) {
            size_t rlen = be32(t + 20), roff = be32(t + 24);
            if (roff > size || rlen > size - roff || rlen % 2)
                return NULL;
            gunichar2 *u = g_new0(gunichar2, rlen / 2 + 1);
            for (size_t k = 0; k < rlen / 2; k++)
                u[k] = (gunichar2)(t[roff + 2 * k] << 8 | t[roff + 2 * k + 1]);
            char *s = g_utf16_to_utf8(u, (glong)(rlen / 2), NULL, NULL, NULL);
            g_free(u);
            return s;
        }
    }
    return NULL;
}

typedef struct {
    const crpv_style *style;
    GHashTable *unknown; /* "#rrggbb" of colours left to the profile */
} recolour;

static char *fmt_ink(double v)
{
    char buf[G_ASCII_DTOSTR_BUF_SIZE];
    g_ascii_formatd(buf, sizeof buf, "%.4g", v / 100);
    return g_strdup(buf);
}

static char *recolour_op(void *user, const crpv_pdf_op *op)
{
    recolour *r = user;
    bool fill = crpv_pdf_op_is(op, "rg");
    if ((!fill && !crpv_pdf_op_is(op, "RG")) || op->n_operands != 3)
        return NULL;
    double v[3];
    for (int i = 0; i < 3; i++) {
        if (op->operands[i].kind != CRPV_PDF_NUMBER)
            return NULL;
        v[i] = op->operands[i].number;
    }
    crpv_cmyk k;
    crpv_color c = {v[0], v[1], v[2], 1};
    if (!crpv_print_cmyk(r->style, c, &k)) {
        g_hash_table_add(r->unknown,
                         g_strdup_printf("#%02x%02x%02x", (unsigned)lround(v[0] * 255),
                                         (unsigned)lround(v[1] * 255), (unsigned)lround(v[2] * 255)));
        return NULL;
    }
    g_autofree char *c0 = fmt_ink(k.c), *m0 = fmt_ink(k.m), *y0 = fmt_ink(k.y), *k0 = fmt_ink(k.k);
    return g_strdup_printf("%s %s %s %s %s", c0, m0, y0, k0, fill ? "k" : "K");
}

/* Ghostscript stores colours at a precision of its own (95 % comes back
 * as 94.92 %): the values the style declares are put back exactly. */
static char *snap_op(void *user, const crpv_pdf_op *op)
{
    const crpv_style *st = user;
    bool fill = crpv_pdf_op_is(op, "k");
    if ((!fill && !crpv_pdf_op_is(op, "K")) || op->n_operands != 4)
        return NULL;
    double v[4];
    for (int i = 0; i < 4; i++) {
        if (op->operands[i].kind != CRPV_PDF_NUMBER)
            return NULL;
        v[i] = op->operands[i].number * 100;
    }
    for (size_t i = 0; i < st->n_print_colors; i++) {
        const crpv_print_color *pc = &st->print_colors[i];
        const crpv_cmyk *k = &pc->print;
        if (!pc->has_print || fabs(v[0] - k->c) > 0.6 || fabs(v[1] - k->m) > 0.6 ||
            fabs(v[2] - k->y) > 0.6 || fabs(v[3] - k->k) > 0.6)
            continue;
        if (v[0] == k->c && v[1] == k->m && v[2] == k->y && v[3] == k->k)
            return NULL;
        g_autofree char *c0 = fmt_ink(k->c), *m0 = fmt_ink(k->m), *y0 = fmt_ink(k->y),
                        *k0 = fmt_ink(k->k);
        return g_strdup_printf("%s %s %s %s %s", c0, m0, y0, k0, fill ? "k" : "K");
    }
    return NULL;
}

/* Black text overprints: painted with 0 0 0 1 k, it is set under an
 * ExtGState with /OP and /op (and /OPM 1, so that its zero C, M and Y leave
 * the plates below alone), and knock-out is restored before anything else
 * is painted; white or coloured text keeps knocking out. Misregistration
 * then shows no white halo around black text on a tint. */
#define OVERPRINT_GS "/CRPVOverprint"
#define KNOCKOUT_GS "/CRPVKnockout"
enum { OP_OFF, OP_ON, OP_UNKNOWN };
typedef struct {
    bool black;     /* the fill colour is black ink alone, solid */
    int overprint;  /* OP_*: what the graphics state does */
} op_state;
typedef struct {
    op_state now;
    GArray *saved;  /* of op_state: q/Q */
    size_t texts;   /* text operators set to overprint */
} overprint;

static void overprint_begin(void *user)
{
    overprint *o = user;
    /* A form XObject starts with its caller's state: knock-out, since
     * the caller restores it before Do, and a fill colour unknown. */
    o->now = (op_state){false, OP_OFF};
    g_array_set_size(o->saved, 0);
}

static bool is_any(const crpv_pdf_op *op, const char *const *names, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (crpv_pdf_op_is(op, names[i]))
            return true;
    return false;
}

/* OP's own text, operands included, prefixed with "PREFIX gs ". */
static char *with_gs(const crpv_pdf_op *op, const char *prefix)
{
    const char *from = op->n_operands ? op->operands[0].text : op->name;
    int len = (int)(op->name + op->name_len - from);
    return g_strdup_printf("%s gs %.*s", prefix, len, from);
}

static char *overprint_op(void *user, const crpv_pdf_op *op)
{
    overprint *o = user;
    static const char *const texts[] = {"Tj", "TJ", "'", "\""};
    static const char *const paints[] = {"S", "s", "f", "F", "f*", "B", "B*",
                                         "b", "b*", "sh", "Do", "BI"};
    if (crpv_pdf_op_is(op, "q")) {
        g_array_append_val(o->saved, o->now);
    } else if (crpv_pdf_op_is(op, "Q")) {
        if (o->saved->len) {
            o->now = g_array_index(o->saved, op_state, o->saved->len - 1);
            g_array_set_size(o->saved, o->saved->len - 1);
        }
    } else if (crpv_pdf_op_is(op, "k")) {
        bool black = op->n_operands == 4;
        for (size_t i = 0; black && i < 4; i++)
            black = op->operands[i].kind == CRPV_PDF_NUMBER &&
                    op->operands[i].number == (i == 3 ? 1 : 0);
        o->now.black = black;
    } else if (crpv_pdf_op_is(op, "g") || crpv_pdf_op_is(op, "rg") || crpv_pdf_op_is(op, "sc") ||
               crpv_pdf_op_is(op, "scn") || crpv_pdf_op_is(op, "cs")) {
        o->now.black = false;
    } else if (crpv_pdf_op_is(op, "gs")) {
        /* Gs's own states (opacity) may say anything of overprint. */
        bool ours = op->n_operands == 1 && op->operands[0].kind == CRPV_PDF_NAME &&
                    (op->operands[0].len == strlen(OVERPRINT_GS) &&
                     !memcmp(op->operands[0].text, OVERPRINT_GS, op->operands[0].len));
        if (!ours)
            o->now.overprint = OP_UNKNOWN;
    } else if (is_any(op, texts, G_N_ELEMENTS(texts))) {
        if (o->now.black && o->now.overprint != OP_ON) {
            o->now.overprint = OP_ON;
            o->texts++;
            return with_gs(op, OVERPRINT_GS);
        }
        if (!o->now.black && o->now.overprint != OP_OFF) {
            o->now.overprint = OP_OFF;
            return with_gs(op, KNOCKOUT_GS);
        }
        if (o->now.black)
            o->texts++;
    } else if (is_any(op, paints, G_N_ELEMENTS(paints)) && o->now.overprint != OP_OFF) {
        o->now.overprint = OP_OFF;
        return with_gs(op, KNOCKOUT_GS);
    }
    return NULL;
}

/* Sets DOC's black text to overprint; returns how many text operators. */
static size_t overprint_black_text(crpv_pdfdoc *doc)
{
    overprint o = {.saved = g_array_new(FALSE, FALSE, sizeof(op_state))};
    crpv_pdfdoc_add_ext_gstate(doc, OVERPRINT_GS,
                               "<< /Type /ExtGState /OP true /op true /OPM 1 >>");
    crpv_pdfdoc_add_ext_gstate(doc, KNOCKOUT_GS,
                               "<< /Type /ExtGState /OP false /op false /OPM 0 >>");
    crpv_pdfdoc_rewrite_streams(doc, overprint_begin, overprint_op, &o);
    g_array_free(o.saved, TRUE);
    return o.texts;
}

static bool read_file(const char *path, GByteArray **out, GError **error)
{
    gchar *data = NULL;
    gsize len = 0;
    if (!g_file_get_contents(path, &data, &len, error))
        return false;
    *out = g_byte_array_new_take((guint8 *)data, len);
    return true;
}

/* Runs Ghostscript with ARGV (NULL-terminated); its messages go into ERROR. */
static bool run_gs(const char *const *argv, char **out, GError **error)
{
    g_autofree char *err = NULL;
    int status = 0;
    GError *local = NULL;
    if (!g_spawn_sync(NULL, (char **)argv, NULL, G_SPAWN_SEARCH_PATH, NULL, NULL, out, &err,
                      &status, &local)) {
        g_set_error(error, G_FILE_ERROR, G_FILE_ERROR_NOENT,
                    "Ghostscript (gs) introuvable ou impossible à lancer : %s ; installez le "
                    "paquet ghostscript",
                    local->message);
        g_error_free(local);
        return false;
    }
    if (!g_spawn_check_wait_status(status, NULL)) {
        g_set_error(error, G_FILE_ERROR, G_FILE_ERROR_FAILED, "échec de Ghostscript : %s",
                    err && *err ? g_strstrip(err) : "raison inconnue");
        return false;
    }
    return true;
}

/* Average amount of each ink per page, from Ghostscript's ink_cov device
 * (inkcov counts the area an ink touches, not how much of it). */
static double *ink_coverage(const char *path, size_t pages, GError **error)
{
    const char *argv[] = {"gs", "-q", "-dSAFER", "-dBATCH", "-dNOPAUSE", "-sDEVICE=ink_cov",
                          "-r72", "-o", "-", path, NULL};
    g_autofree char *out = NULL;
    if (!run_gs(argv, &out, error))
        return NULL;
    double *cov = g_new0(double, 4 * pages);
    g_auto(GStrv) lines = g_strsplit(out ? out : "", "\n", -1);
    size_t p = 0;
    for (char **l = lines; *l && p < pages; l++) {
        double v[4];
        char *s = *l, *end = NULL;
        int k = 0;
        for (; k < 4; k++, s = end) {
            v[k] = g_ascii_strtod(s, &end);
            if (end == s)
                break;
        }
        if (k == 4 && strstr(s, "CMYK")) {
            for (k = 0; k < 4; k++)
                cov[4 * p + k] = v[k];
            p++;
        }
    }
    return cov;
}

static void problem(crpv_preflight *r, const char *fmt, ...) G_GNUC_PRINTF(2, 3);
static void problem(crpv_preflight *r, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    g_ptr_array_add(r->problems, g_strdup_vprintf(fmt, ap));
    va_end(ap);
}

static char *fr_number(double v)
{
    char *s = g_strdup_printf("%.1f", v);
    size_t n = strlen(s);
    if (n > 2 && !strcmp(s + n - 2, ".0"))
        s[n - 2] = 0;
    return g_strdelimit(s, ".", ',');
}

/* The inks an area printed in C uses, or 4 when the profile decides. */
static int inks(const crpv_style *st, crpv_color c)
{
    crpv_cmyk k;
    if (!crpv_print_cmyk(st, c, &k))
        return 4;
    return (k.c > 0) + (k.m > 0) + (k.y > 0) + (k.k > 0);
}

/* White text under 8 pt over an area of more than one ink: the thinnest
 * strokes fill in when the plates are slightly out of register. */
static void check_knockouts(const crpv_scene *const *pages, size_t n, const crpv_style *st,
                            crpv_preflight *r)
{
    for (size_t p = 0; p < n; p++) {
        const crpv_scene *sc = pages[p];
        for (size_t i = 0; i < crpv_scene_count(sc); i++) {
            const crpv_item *t = crpv_scene_nth(sc, i);
            if (t->kind != CRPV_ITEM_TEXT || !t->font || t->fill.a <= 0 || t->fill.r < 0.99 ||
                t->fill.g < 0.99 || t->fill.b < 0.99)
                continue;
            PangoFontDescription *fd = pango_font_description_from_string(t->font);
            double size = pango_font_description_get_size(fd) / (double)PANGO_SCALE;
            pango_font_description_free(fd);
            if (size >= 8)
                continue;
            double cx = (t->box.x0 + t->box.x1) / 2, cy = (t->box.y0 + t->box.y1) / 2;
            for (size_t j = i; j-- > 0;) {
                const crpv_item *b = crpv_scene_nth(sc, j);
                bool under = false;
                if (b->kind == CRPV_ITEM_DISC && b->fill.a > 0)
                    under = hypot(cx - b->center.x, cy - b->center.y) < b->radius;
                else if (b->kind == CRPV_ITEM_RECT && b->fill.a > 0)
                    under = cx > b->box.x0 && cx < b->box.x1 && cy > b->box.y0 && cy < b->box.y1;
                if (!under)
                    continue;
                if (inks(st, b->fill) > 1) {
                    r->white_knockouts++;
                }
                break;
            }
        }
    }
    if (r->white_knockouts) {
        g_autofree char *size = fr_number(8);
        problem(r,
                "%zu texte(s) blanc(s) de moins de %s pt en réserve dans un aplat de plusieurs "
                "encres : le moindre décalage des plaques les bouche",
                r->white_knockouts, size);
    }
}

bool crpv_print_check(const char *name, const GByteArray *pdf, const crpv_style *st,
                      crpv_preflight *r, GError **error)
{
    if (!r->problems)
        r->problems = g_ptr_array_new_with_free_func(g_free);
    if (!r->notes)
        r->notes = g_ptr_array_new_with_free_func(g_free);
    if (!r->warnings)
        r->warnings = g_ptr_array_new_with_free_func(g_free);
    g_autoptr(crpv_pdfdoc) doc = crpv_pdfdoc_open(pdf->data, pdf->len, name, error);
    if (!doc)
        return false;
    crpv_pdfdoc_facts f = crpv_pdfdoc_get_facts(doc);
    r->fonts = f.fonts;
    r->fonts_embedded = f.fonts_embedded;
    r->output_intent = f.output_intent_pdfx;
    r->pages = crpv_pdfdoc_page_count(doc);
    if (f.fonts_embedded < f.fonts)
        problem(r, "%zu police(s) non incorporée(s)", f.fonts - f.fonts_embedded);
    if (!f.output_intent_pdfx)
        problem(r, "pas de mode de sortie PDF/X (OutputIntents) avec son profil ICC");
    for (size_t i = 0; i < r->pages; i++) {
        crpv_rect trim, bleed;
        bool boxes = crpv_pdfdoc_get_boxes(doc, i, &trim, &bleed);
        if (boxes)
            r->pages_with_boxes++;
        else
            problem(r, "page %zu : pas de TrimBox ni de BleedBox (format fini et fond perdu)",
                    i + 1);
        /* The ink limit within the bleed: the crop marks beyond are in
         * registration colour, every ink solid. */
        double area[4] = {bleed.x0, bleed.y0, bleed.x1, bleed.y1};
        GByteArray *c = crpv_pdfdoc_page_content(doc, i);
        crpv_pdf_page_facts pf =
            crpv_pdf_check_page_in((const char *)c->data, c->len, boxes ? area : NULL);
        g_byte_array_free(c, TRUE);
        if (pf.min_text_size > 0 &&
            (r->min_text_size == 0 || pf.min_text_size < r->min_text_size))
            r->min_text_size = pf.min_text_size;
        r->max_ink = MAX(r->max_ink, pf.max_ink);
        r->text_multi_ink += pf.text_multi_ink;
        r->rgb_colors += pf.rgb_colors;
        if (pf.min_text_size > 0 && pf.min_text_size < 6 - 0.05) {
            g_autofree char *s = fr_number(pf.min_text_size);
            problem(r, "page %zu : texte de %s pt, sous le minimum de 6 pt", i + 1, s);
        }
        if (pf.text_multi_ink)
            problem(r, "page %zu : %zu texte(s) foncé(s) imprimé(s) en plusieurs encres au lieu du "
                       "noir seul",
                    i + 1, pf.text_multi_ink);
        if (pf.rgb_colors)
            problem(r, "page %zu : %zu couleur(s) restée(s) en RVB", i + 1, pf.rgb_colors);
    }
    if (r->max_ink > st->max_ink + 0.5) {
        g_autofree char *a = fr_number(r->max_ink), *b = fr_number(st->max_ink);
        problem(r, "encrage total de %s %%, au-delà de la limite de %s %%", a, b);
    }
    return true;
}

GByteArray *crpv_print_pdf(const char *name, const GByteArray *pdf, const crpv_scene *const *pages,
                           size_t n, const crpv_style *st, const char *icc_path,
                           const crpv_pdf_info *info, crpv_preflight *report, GError **error)
{
    const char *profile = icc_path ? icc_path
                          : st->icc_profile ? st->icc_profile
                                            : CRPV_DEFAULT_CMYK_PROFILE;
    g_autoptr(GByteArray) icc = NULL;
    GError *local = NULL;
    if (!read_file(profile, &icc, &local)) {
        g_set_error(error, G_FILE_ERROR, local->code, "%s : profil ICC illisible : %s", profile,
                    local->message);
        g_error_free(local);
        return NULL;
    }
    g_autofree char *desc = crpv_icc_description(icc->data, icc->len);
    if (!desc) {
        g_set_error(error, PRINT_ERROR, 1,
                    "%s : ce n’est pas un profil ICC de sortie CMJN (imprimante, espace CMYK)",
                    profile);
        return NULL;
    }
    /* The colours the style declares, in exact CMYK, before Ghostscript. */
    g_autoptr(crpv_pdfdoc) rgb = crpv_pdfdoc_open(pdf->data, pdf->len, name, error);
    if (!rgb)
        return NULL;
    recolour rc = {st, g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL)};
    crpv_pdfdoc_rewrite_content(rgb, recolour_op, &rc);
    g_autoptr(GByteArray) cmyk = crpv_pdfdoc_write(rgb, error);
    size_t n_pages = crpv_pdfdoc_page_count(rgb);
    crpv_rect *trims = g_new0(crpv_rect, 2 * n_pages);
    for (size_t i = 0; i < n_pages; i++)
        if (!crpv_pdfdoc_get_boxes(rgb, i, &trims[2 * i], &trims[2 * i + 1]))
            trims[2 * i].x1 = -1;
    g_autofree char *dir = cmyk ? g_dir_make_tmp("crpv-XXXXXX", error) : NULL;
    GByteArray *out = NULL;
    if (dir) {
        g_autofree char *in_path = g_build_filename(dir, "entree.pdf", NULL);
        g_autofree char *out_path = g_build_filename(dir, "sortie.pdf", NULL);
        g_autofree char *o_icc = g_strdup_printf("-sOutputICCProfile=%s", profile);
        g_autofree char *d_icc = g_strdup_printf("-sDefaultCMYKProfile=%s", profile);
        g_autofree char *o_file = g_strdup_printf("-sOutputFile=%s", out_path);
        /* DeviceCMYK passes through unchanged (the default CMYK space is
         * the output one), black is preserved in any CMYK to CMYK step,
         * and what is left in RGB goes through the profile. */
        const char *argv[] = {"gs", "-q", "-dSAFER", "-dBATCH", "-dNOPAUSE", "-sDEVICE=pdfwrite",
                              "-dCompatibilityLevel=1.6", "-sColorConversionStrategy=CMYK",
                              "-sProcessColorModel=DeviceCMYK", o_icc, d_icc, "-dKPreserve=2",
                              "-dEmbedAllFonts=true", "-dSubsetFonts=true",
                              "-dAutoRotatePages=/None", "-dPreserveAnnots=false", o_file,
                              in_path, NULL};
        GByteArray *converted = NULL;
        if (g_file_set_contents(in_path, (const char *)cmyk->data, cmyk->len, error) &&
            run_gs(argv, NULL, error) && read_file(out_path, &converted, error)) {
            crpv_pdfdoc *x = crpv_pdfdoc_open(converted->data, converted->len, name, error);
            g_byte_array_free(converted, TRUE);
            if (x) {
                for (size_t i = 0; i < n_pages && i < crpv_pdfdoc_page_count(x); i++)
                    if (trims[2 * i].x1 >= 0)
                        crpv_pdfdoc_set_boxes(x, i, trims[2 * i], trims[2 * i + 1]);
                crpv_pdfdoc_rewrite_content(x, snap_op, (void *)st);
                overprint_black_text(x);
                crpv_pdfdoc_make_pdfx(x, icc->data, icc->len, desc, st->output_condition);
                crpv_pdfdoc_meta meta = {info->title,    info->subject, info->author,
                                         info->keywords, info->creator, info->date};
                crpv_pdfdoc_set_meta(x, &meta);
                out = crpv_pdfdoc_write(x, error);
                crpv_pdfdoc_free(x);
            }
        }
        if (out && crpv_print_check(name, out, st, report, error)) {
            if (g_file_set_contents(out_path, (const char *)out->data, out->len, NULL))
                report->coverage = ink_coverage(out_path, report->pages, NULL);
            check_knockouts(pages, n, st, report);
            g_ptr_array_add(report->notes,
                            g_strdup_printf("profil de sortie : %s (%s)", desc, profile));
            if (!strcmp(profile, CRPV_DEFAULT_CMYK_PROFILE))
                g_ptr_array_add(
                    report->warnings,
                    g_strdup_printf("profil de sortie par défaut (%s, presse offset américaine) : "
                                    "un imprimeur français attend le sien, en général ISO Coated "
                                    "v2 (FOGRA39) ou PSO Coated v3 (FOGRA51) ; donnez-le avec "
                                    "--icc FICHIER.icc ou, dans le style, « profil = » et "
                                    "« condition = » sous [impression]",
                                    desc));
            GHashTableIter it;
            gpointer key;
            g_hash_table_iter_init(&it, rc.unknown);
            GPtrArray *names = g_ptr_array_new();
            while (g_hash_table_iter_next(&it, &key, NULL))
                g_ptr_array_add(names, key);
            g_ptr_array_sort(names, (GCompareFunc)g_strcmp0);
            for (guint i = 0; i < names->len; i++)
                g_ptr_array_add(report->notes,
                                g_strdup_printf("couleur %s sans valeur CMJN déclarée : convertie "
                                                "par le profil",
                                                *(char **)&names->pdata[i]));
            g_ptr_array_free(names, TRUE);
        } else if (out) {
            g_byte_array_free(out, TRUE);
            out = NULL;
        }
        g_unlink(in_path);
        g_unlink(out_path);
        g_rmdir(dir);
    }
    g_free(trims);
    g_hash_table_destroy(rc.unknown);
    if (!out && error && *error && !g_str_has_prefix((*error)->message, name))
        g_prefix_error(error, "%s : ", name);
    return out;
}
