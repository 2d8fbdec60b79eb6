#include "paragraph.h"

#include <math.h>
#include <string.h>

#include "linebreak.h"
#include "typeset.h"

#define NO_LIGATURES "liga=0, clig=0"
#define SHY 0x00AD
#define WJ 0x2060
#define LSEP 0x2028

/* A hyphen costs the demerits of a line whose spaces stretch to 145 %:
 * more than a slightly loose line, less than a gaping one (TeX's 50
 * hyphenates a quarter of the lines at this measure; see bench/). */
#define HYPHEN_PENALTY 100.0
/* A break inside a web address, after a slash: rare, and better than a
 * line whose spaces gape. */
#define URL_PENALTY 300.0
/* Justified spaces: from 80 % to 150 % of the natural space. */
#define SPACE_STRETCH 0.5
#define SPACE_SHRINK 0.2
/* Justified glyphs may be widened or narrowed by this share, as pdfTeX's
 * font expansion and InDesign's glyph scaling do: unseen at 3 %. */
#define EXPANSION 0.03
/* Ragged lines: a line short of the measure by this share of it is as bad
 * as a justified line with all its stretch used. */
#define RAG 0.3
/* Titles: breaking after an article or a preposition, or before « de ». */
#define SENSE_PENALTY 3000.0

static bool is_letter(gunichar c)
{
    return g_unichar_isalpha(c) || g_unichar_ismark(c);
}

/* Words after which a title never breaks: what they introduce follows. */
static bool binds_forward(const char *w, size_t len)
{
    static const char *const words[] = {"de", "des", "du", "d’", "la", "le", "les", "l’", "un",
                                        "une", "à", "au", "aux", "et", "ou", "en", "pour", "par",
                                        "sur", "avec", "dans", "sans", "chez", "vers"};
    for (size_t i = 0; i < G_N_ELEMENTS(words); i++)
        if (strlen(words[i]) == len && g_ascii_strncasecmp(words[i], w, len) == 0)
            return true;
    return false;
}

/* Words a title never starts a line with: they attach to what precedes
 * (« centres de ressources »). */
static bool binds_backward(const char *w, size_t len)
{
    static const char *const words[] = {"de", "des", "du"};
    for (size_t i = 0; i < G_N_ELEMENTS(words); i++)
        if (strlen(words[i]) == len && strncmp(words[i], w, len) == 0)
            return true;
    return len >= 4 && strncmp(w, "d’", 4) == 0;
}

/* The logical width of every character of LAYOUT's text, indexed by byte
 * (0 inside a character), and the width of a hyphen in the font of every
 * soft hyphen. */
static void char_widths(PangoLayout *layout, const char *text, double *widths,
                        double *hyphen_widths)
{
    PangoGlyphString *hy = pango_glyph_string_new();
    PangoFont *hy_font = NULL;
    double hy_width = 0;
    PangoLayoutIter *it = pango_layout_get_iter(layout);
    do {
        PangoLayoutRun *run = pango_layout_iter_get_run_readonly(it);
        if (!run)
            continue;
        PangoItem *item = run->item;
        int n_chars = item->num_chars;
        int *lw = g_new(int, (size_t)MAX(n_chars, 1));
        pango_glyph_item_get_logical_widths(run, text, lw);
        const char *p = text + item->offset;
        for (int k = 0; k < n_chars; k++, p = g_utf8_next_char(p)) {
            size_t b = (size_t)(p - text);
            widths[b] = pango_units_to_double(lw[k]);
            if (g_utf8_get_char(p) == SHY) {
                if (item->analysis.font != hy_font) {
                    hy_font = item->analysis.font;
                    pango_shape("-", 1, &item->analysis, hy);
                    hy_width = pango_units_to_double(pango_glyph_string_get_width(hy));
                }
                hyphen_widths[b] = hy_width;
                widths[b] = 0; /* invisible unless the line breaks there */
            }
        }
        g_free(lw);
    } while (pango_layout_iter_next_run(it));
    pango_layout_iter_free(it);
    pango_glyph_string_free(hy);
}

/* Appends the markup of TEXT's bytes [A, B) with the attributes of ATTRS,
 * without soft hyphens or word joiners; SUBST, when given, is written in
 * their place with their attributes. */
static void append_markup(GString *out, const char *text, PangoAttrList *attrs, size_t a,
                          size_t b, const char *subst)
{
    PangoAttrIterator *it = pango_attr_list_get_iterator(attrs);
    do {
        gint s, e;
        pango_attr_iterator_range(it, &s, &e);
        size_t from = MAX(a, (size_t)s), to = e == G_MAXINT ? b : MIN(b, (size_t)e);
        if (from >= to)
            continue;
        GString *open = g_string_new(NULL);
        GSList *list = pango_attr_iterator_get_attrs(it);
        for (GSList *l = list; l; l = l->next) {
            PangoAttribute *at = l->data;
            switch (at->klass->type) {
            case PANGO_ATTR_WEIGHT:
                g_string_append_printf(open, " weight=\"%d\"", ((PangoAttrInt *)at)->value);
                break;
            case PANGO_ATTR_STYLE:
                g_string_append(open, ((PangoAttrInt *)at)->value == PANGO_STYLE_NORMAL
                                          ? " style=\"normal\""
                                          : " style=\"italic\"");
                break;
            case PANGO_ATTR_UNDERLINE:
                g_string_append_printf(open, " underline=\"%s\"",
                                       ((PangoAttrInt *)at)->value ? "single" : "none");
                break;
            case PANGO_ATTR_FOREGROUND: {
                PangoColor c = ((PangoAttrColor *)at)->color;
                g_string_append_printf(open, " foreground=\"#%02x%02x%02x\"", c.red >> 8,
                                       c.green >> 8, c.blue >> 8);
                break;
            }
            default:
                break;
            }
        }
        g_slist_free_full(list, (GDestroyNotify)pango_attribute_destroy);
        if (open->len)
            g_string_append_printf(out, "<span%s>", open->str);
        if (subst)
            g_string_append(out, subst);
        for (const char *p = text + from; !subst && p < text + to; p = g_utf8_next_char(p)) {
            gunichar c = g_utf8_get_char(p);
            if (c == SHY || c == WJ || c == '\n' || c == LSEP)
                continue;
            /* A no-break space is drawn with the space's glyph: written as
             * a space, it needs no /ActualText in the PDF, which cuts
             * paragraphs short in some readers' structure text. */
            if (c == 0x00A0) {
                g_string_append_c(out, ' ');
                continue;
            }
            const char *next = g_utf8_next_char(p);
            g_autofree char *esc = g_markup_escape_text(p, next - p);
            g_string_append(out, esc);
        }
        if (open->len)
            g_string_append(out, "</span>");
        g_string_free(open, true);
    } while (pango_attr_iterator_next(it));
    pango_attr_iterator_destroy(it);
}

/* Items of the paragraph, with the byte of the text where each starts. */
typedef struct {
    GArray *items; /* of crpv_lb_item */
    GArray *bytes; /* of size_t */
} item_list;

static void add_item(item_list *l, crpv_lb_item it, size_t byte)
{
    g_array_append_val(l->items, it);
    g_array_append_val(l->bytes, byte);
}

static crpv_lb_item *last_item(item_list *l)
{
    return l->items->len ? &g_array_index(l->items, crpv_lb_item, l->items->len - 1) : NULL;
}

static void add_width(item_list *l, double w, double expansion, size_t byte)
{
    crpv_lb_item *last = last_item(l);
    if (!last || last->kind != CRPV_LB_BOX) {
        add_item(l, (crpv_lb_item){.kind = CRPV_LB_BOX}, byte);
        last = last_item(l);
    }
    last->width += w;
    last->stretch += w * expansion;
    last->shrink += w * expansion;
}

/* The word of TEXT that ends just before byte END (letters and ’). */
static const char *word_before(const char *text, size_t end, size_t *len)
{
    const char *e = text + end, *s = e;
    while (s > text) {
        const char *prev = g_utf8_prev_char(s);
        gunichar c = g_utf8_get_char(prev);
        if (!is_letter(c) && c != 0x2019)
            break;
        s = prev;
    }
    *len = (size_t)(e - s);
    return s;
}

static const char *word_after(const char *text, size_t start, size_t *len)
{
    const char *s = text + start, *e = s;
    while (*e && (is_letter(g_utf8_get_char(e)) || g_utf8_get_char(e) == 0x2019))
        e = g_utf8_next_char(e);
    *len = (size_t)(e - s);
    return s;
}

static void build_items(item_list *l, const char *text, const double *cw, const double *hw,
                        const crpv_set_options *o, double space_ref)
{
    double hyphen_penalty = o->hyphen_penalty >= 0 ? o->hyphen_penalty : HYPHEN_PENALTY;
    bool justified = o->mode == CRPV_SET_JUSTIFIED;
    gunichar prev = 0;
    for (const char *p = text; *p; p = g_utf8_next_char(p)) {
        size_t b = (size_t)(p - text);
        gunichar c = g_utf8_get_char(p);
        const char *next = g_utf8_next_char(p);
        gunichar nc = g_utf8_get_char(next);
        if (c == ' ') {
            crpv_lb_item *last = last_item(l);
            if (last && last->kind == CRPV_LB_GLUE) {
                last->width += cw[b];
                continue;
            }
            if (o->mode == CRPV_SET_TITLE) {
                size_t wl, nl;
                const char *w = word_before(text, b, &wl);
                const char *nw = word_after(text, (size_t)(next - text), &nl);
                if (binds_forward(w, wl) || binds_backward(nw, nl))
                    add_item(l, (crpv_lb_item){.kind = CRPV_LB_PENALTY, .penalty = SENSE_PENALTY},
                             b);
            }
            double w = cw[b];
            crpv_lb_item g = {.kind = CRPV_LB_GLUE, .width = w};
            if (justified) {
                g.stretch = SPACE_STRETCH * space_ref;
                g.shrink = SPACE_SHRINK * space_ref;
            }
            add_item(l, g, b);
        } else if (c == '\n' || c == LSEP) {
            add_item(l, (crpv_lb_item){.kind = CRPV_LB_GLUE, .stretch = CRPV_LB_FIL}, b);
            add_item(l, (crpv_lb_item){.kind = CRPV_LB_PENALTY, .penalty = -CRPV_LB_INFINITY}, b);
        } else if (c == SHY) {
            if (justified && is_letter(prev) && is_letter(nc))
                add_item(l,
                         (crpv_lb_item){.kind = CRPV_LB_PENALTY,
                                        .width = hw[b],
                                        .penalty = hyphen_penalty,
                                        .flagged = true},
                         b);
            continue; /* PREV stays the letter before */
        } else if (c == WJ) {
            /* A joined address may break after a slash (« https:// »,
             * « …/chemin/ ») or an at sign, never elsewhere, no hyphen
             * added. */
            if ((prev == '/' || prev == '@') && nc != '/' && nc != 0 && !g_unichar_isspace(nc))
                add_item(l, (crpv_lb_item){.kind = CRPV_LB_PENALTY, .penalty = URL_PENALTY}, b);
            continue;
        } else {
            add_width(l, cw[b], justified ? EXPANSION : 0, b);
            /* After a hyphen between letters (« inter-acteurs »), a break
             * that adds nothing: as dear as a hyphenation, since the line
             * ends in a hyphen all the same. Joined ones (URLs) stay. */
            if ((c == '-' || c == 0x2010) && is_letter(prev) && is_letter(nc))
                add_item(l,
                         (crpv_lb_item){.kind = CRPV_LB_PENALTY,
                                        .penalty = justified ? hyphen_penalty : 1000,
                                        .flagged = true},
                         (size_t)(next - text));
        }
        prev = c;
    }
    size_t end = strlen(text);
    crpv_lb_item fill = {.kind = CRPV_LB_GLUE, .stretch = CRPV_LB_FIL};
    if (o->mode == CRPV_SET_TITLE)
        fill.stretch = RAG * o->width; /* the last line counts in the balance */
    add_item(l, fill, end);
    add_item(l, (crpv_lb_item){.kind = CRPV_LB_PENALTY, .penalty = -CRPV_LB_INFINITY}, end);
}

/* Cuts line SL (bytes START..B of TEXT) at the options' cuts. SPACE: the
 * line ends at a space, kept after its last piece. */
static void cut_line(crpv_set_line *sl, const char *text, PangoAttrList *attrs, const double *cw,
                     const double *hw, const crpv_set_options *o, size_t b, bool space)
{
    GArray *segs = g_array_new(false, true, sizeof(crpv_set_segment));
    size_t from = sl->start;
    double x = 0;
    for (size_t c = 0; c <= o->n_cuts; c++) {
        size_t to = c < o->n_cuts ? o->cuts[c] : b;
        if (to <= from || to > b)
            continue;
        crpv_set_segment sg = {.x = x, .start = from, .end = to};
        for (size_t i = from; i < to; i++)
            sg.width += cw[i];
        GString *mk = g_string_new("<span font_features=\"" NO_LIGATURES "\">");
        append_markup(mk, text, attrs, from, to, NULL);
        if (to == b && sl->hyphen && b < strlen(text) && g_utf8_get_char(text + b) == SHY) {
            append_markup(mk, text, attrs, b, b + 2, "-");
            sg.width += hw[b];
        } else if (to == b && space) {
            g_string_append_c(mk, ' ');
        }
        g_string_append(mk, "</span>");
        sg.markup = g_string_free(mk, false);
        g_array_append_val(segs, sg);
        x += sg.width;
        from = to;
    }
    sl->n_segments = segs->len;
    sl->segments = (crpv_set_segment *)g_array_free(segs, false);
}

crpv_setting *crpv_set_paragraph(PangoContext *ctx, const char *markup,
                                 const crpv_set_options *o)
{
    crpv_setting *st = g_new0(crpv_setting, 1);
    PangoAttrList *attrs = NULL;
    char *text = NULL;
    if (!pango_parse_markup(markup ? markup : "", -1, 0, &attrs, &text, NULL, NULL)) {
        attrs = pango_attr_list_new();
        text = g_strdup(markup ? markup : "");
    }
    /* No ligatures: each glyph then stands for one character, which is
     * what a PDF reader's text extraction follows best. */
    pango_attr_list_insert_before(attrs, pango_attr_font_features_new(NO_LIGATURES));
    PangoFontDescription *desc = pango_font_description_from_string(o->font ? o->font : "");
    PangoLayout *layout = pango_layout_new(ctx);
    pango_layout_set_font_description(layout, desc);
    pango_layout_set_width(layout, -1);
    pango_layout_set_text(layout, text, -1);
    pango_layout_set_attributes(layout, attrs);
    PangoFontMetrics *m = pango_context_get_metrics(ctx, desc, NULL);
    st->ascent = pango_units_to_double(pango_font_metrics_get_ascent(m));
    st->descent = pango_units_to_double(pango_font_metrics_get_descent(m));
    pango_font_metrics_unref(m);

    size_t len = strlen(text);
    double *cw = g_new0(double, len + 1);
    double *hw = g_new0(double, len + 1);
    char_widths(layout, text, cw, hw);
    /* The space's natural width in the paragraph's own font: the unit of
     * every space's stretch, bold or not. */
    double space_ref = 0;
    {
        PangoLayout *sp = pango_layout_new(ctx);
        pango_layout_set_font_description(sp, desc);
        pango_layout_set_text(sp, " ", 1);
        int w = 0;
        pango_layout_get_size(sp, &w, NULL);
        space_ref = pango_units_to_double(w);
        g_object_unref(sp);
    }
    pango_font_description_free(desc);

    item_list l = {g_array_new(false, false, sizeof(crpv_lb_item)),
                   g_array_new(false, false, sizeof(size_t))};
    build_items(&l, text, cw, hw, o, space_ref);
    crpv_lb_params params = crpv_lb_params_default();
    /* Spaces at most 150 % of their width, in the first pass. */
    params.tolerance = 100;
    if (o->mode != CRPV_SET_JUSTIFIED) {
        params.line_end_stretch = RAG * o->width;
        params.tolerance = 10000; /* a ragged line is never impossible */
    }
    double first = (o->first_width > 0 ? o->first_width : o->width) - o->indent;
    double widths[2] = {first, o->width};
    crpv_lb_line *lines = NULL;
    size_t n = crpv_linebreak((const crpv_lb_item *)l.items->data, l.items->len, widths, 2,
                              &params, &lines);
    st->lines = g_new0(crpv_set_line, MAX(n, 1));
    st->n_lines = n;
    for (size_t k = 0; k < n; k++) {
        const crpv_lb_line *ln = &lines[k];
        crpv_set_line *sl = &st->lines[k];
        size_t a = ln->start < l.items->len ? g_array_index(l.bytes, size_t, ln->start) : len;
        size_t b = ln->end < l.items->len ? g_array_index(l.bytes, size_t, ln->end) : len;
        const crpv_lb_item *brk =
            ln->end < l.items->len ? &g_array_index(l.items, crpv_lb_item, ln->end) : NULL;
        bool forced = brk && brk->kind == CRPV_LB_PENALTY && brk->penalty <= -CRPV_LB_INFINITY;
        GString *mk = g_string_new("<span font_features=\"" NO_LIGATURES "\">");
        append_markup(mk, text, attrs, a, MAX(a, b), NULL);
        /* A hyphen only where the break is at a soft hyphen: an explicit
         * one is already in the text. */
        sl->hyphen = ln->hyphen;
        if (ln->hyphen && b < len && g_utf8_get_char(text + b) == SHY) {
            GString *hy = g_string_new("<span font_features=\"" NO_LIGATURES "\">");
            append_markup(hy, text, attrs, b, b + 2, "-");
            g_string_append(hy, "</span>");
            sl->hyphen_markup = g_string_free(hy, false);
            sl->hyphen_width = hw[b];
        }
        /* A space after the line, so that a reader's text extraction does
         * not glue its last word to the next line's first. */
        else if (!forced && brk && brk->kind == CRPV_LB_GLUE && k + 1 < n)
            g_string_append_c(mk, ' ');
        g_string_append(mk, "</span>");
        sl->markup = g_string_free(mk, false);
        sl->start = a;
        sl->end = b;
        sl->x = k == 0 ? o->indent : 0;
        sl->natural = ln->natural;
        sl->ratio = ln->ratio;
        sl->last = k + 1 == n;
        /* A last line that had to shrink is set to the measure as well. */
        sl->justified = o->mode == CRPV_SET_JUSTIFIED && ((!forced && !sl->last) || ln->ratio < 0);
        sl->width = sl->justified ? widths[k == 0 ? 0 : 1] : ln->natural;
        sl->glyph_scale = 1;
        if (sl->justified)
            sl->glyph_scale = 1 + CLAMP(ln->ratio, -1, 1) * EXPANSION;
        /* A line that could only fill the measure by gaping (an address
         * that may not break) keeps its spaces at their widest and ends
         * short instead, as a ragged line does. */
        if (sl->justified && ln->ratio > 1) {
            sl->width = ln->natural + (sl->width - ln->natural) / ln->ratio;
            sl->ratio = 1;
            sl->short_line = true;
        }
        if (o->n_cuts > 0 && !sl->justified)
            cut_line(sl, text, attrs, cw, hw, o, b, brk && brk->kind == CRPV_LB_GLUE && k + 1 < n);
    }
    g_free(lines);
    g_array_free(l.items, true);
    g_array_free(l.bytes, true);
    g_free(cw);
    g_free(hw);
    g_object_unref(layout);
    pango_attr_list_unref(attrs);
    g_free(text);
    return st;
}

void crpv_setting_free(crpv_setting *setting)
{
    if (!setting)
        return;
    for (size_t i = 0; i < setting->n_lines; i++) {
        g_free(setting->lines[i].markup);
        g_free(setting->lines[i].hyphen_markup);
        for (size_t k = 0; k < setting->lines[i].n_segments; k++)
            g_free(setting->lines[i].segments[k].markup);
        g_free(setting->lines[i].segments);
    }
    g_free(setting->lines);
    g_free(setting);
}

double crpv_setting_width(const crpv_setting *setting)
{
    double w = 0;
    for (size_t i = 0; i < setting->n_lines; i++)
        w = MAX(w, setting->lines[i].natural);
    return w;
}

double crpv_set_space_percent(double ratio)
{
    return 100 * (1 + (ratio >= 0 ? SPACE_STRETCH : SPACE_SHRINK) * ratio);
}
