#include "brochure.h"

#include <math.h>
#include <string.h>

#include "typeset.h"

#define BROCHURE_ERROR (g_quark_from_static_string("crpv-brochure-error"))
#define MM (72.0 / 25.4)

/* The grid, in millimetres unless said otherwise. */
#define GUTTER 6.0           /* between columns */
#define SLUG 6.0             /* print mode: room beyond the bleed for the crop marks */
#define CROP_LENGTH 5.0      /* crop mark length, starting at the bleed's edge */
#define TITLE_SIZE 23.0      /* points */
#define VERSO_TITLE_SIZE 13.0
#define H2_SIZE 12.5
#define LEADING_MAX 1.5      /* the body's line spacing, loosest to tightest */
#define LEADING_MIN 1.24
#define LEAD_SCALE 1.2       /* the introduction's size, relative to the body */
#define COLUMN_MIN_WIDTH 52.0 /* the directory's narrowest comfortable column */

typedef struct {
    const crpv_style *st;
    PangoContext *ctx;
    bool print;
    double bleed; /* points; 0 unless printing */
    double off;   /* points from the scene's edge to the trim box */
    double w, h;  /* trim size, points */
} env;

/* A page being composed: the content area in scene coordinates. */
typedef struct {
    crpv_scene *scene;
    double left, right, top, bottom;
} page;

/* ---- Small helpers ------------------------------------------------------ */

/* A font description that does not depend on the locale's decimal mark. */
static char *font_desc(const env *e, const char *face, double size)
{
    char num[G_ASCII_DTOSTR_BUF_SIZE];
    g_ascii_formatd(num, sizeof num, "%.2f", size);
    return g_strdup_printf("%s%s%s %s", e->st->font_family, *face ? " " : "", face, num);
}

static crpv_color tint(crpv_color c, double t)
{
    return (crpv_color){1 - t * (1 - c.r), 1 - t * (1 - c.g), 1 - t * (1 - c.b), 1};
}

static char *color_hex(crpv_color c)
{
    return g_strdup_printf("#%02x%02x%02x", (unsigned)lround(c.r * 255),
                           (unsigned)lround(c.g * 255), (unsigned)lround(c.b * 255));
}

static double text_height(const env *e, const char *font, const char *markup, double width,
                          bool justify, double leading)
{
    double h = 0;
    crpv_text_size(e->ctx, font, markup, width, justify, leading, NULL, &h);
    return h;
}

/* Adds a text box at X, Y, WIDTH wide, and returns its height. */
static double add_text(page *p, const env *e, crpv_role role, double x, double y, double width,
                       const char *font, const char *markup, crpv_color color, int align,
                       bool justify, double leading)
{
    double h = text_height(e, font, markup, width, justify, leading);
    crpv_item *t = crpv_scene_add_text(p->scene, role, (crpv_rect){x, y, x + width, y + h}, font,
                                       markup, color);
    t->align = align;
    t->justify = justify;
    t->line_height = leading;
    return h;
}

static void add_outline(page *p, const char *title, int level, double y)
{
    crpv_item *o = crpv_scene_add(p->scene, CRPV_ITEM_OUTLINE, CRPV_ROLE_NONE);
    o->text = g_strdup(title);
    o->level = level;
    o->box = (crpv_rect){p->left, y, p->right, y};
}

/* One LINK per line over the bytes START..END of the layout's text, the
 * layout drawn with its top-left corner at X, Y. */
static void add_link_rects(page *p, PangoLayout *layout, double x, double y, size_t start,
                           size_t end, const char *uri)
{
    const char *text = pango_layout_get_text(layout);
    PangoLayoutIter *it = pango_layout_get_iter(layout);
    do {
        PangoLayoutLine *line = pango_layout_iter_get_line_readonly(it);
        size_t ls = (size_t)line->start_index, le = ls + (size_t)line->length;
        if (end <= ls || start >= le)
            continue;
        size_t a = MAX(start, ls), b = MIN(end, le);
        /* Trailing spaces and joiners at a line's end are not worth a click. */
        while (b > a && (text[b - 1] == ' ' || text[b - 1] == '\n'))
            b--;
        if (b <= a)
            continue;
        int xa = 0, xb = 0;
        pango_layout_line_index_to_x(line, (int)a, 0, &xa);
        size_t last = (size_t)(g_utf8_prev_char(text + b) - text);
        pango_layout_line_index_to_x(line, (int)last, 1, &xb);
        PangoRectangle log;
        pango_layout_iter_get_line_extents(it, NULL, &log);
        double x0 = x + pango_units_to_double(MIN(xa, xb)) + pango_units_to_double(log.x);
        double x1 = x + pango_units_to_double(MAX(xa, xb)) + pango_units_to_double(log.x);
        double y0 = y + pango_units_to_double(log.y);
        double y1 = y0 + pango_units_to_double(log.height);
        crpv_scene_add_link(p->scene, (crpv_rect){x0, y0, x1, y1}, uri);
    } while (pango_layout_iter_next_line(it));
    pango_layout_iter_free(it);
}

/* ---- Pages -------------------------------------------------------------- */

static void add_crop_marks(page *p, const env *e)
{
    double o = e->off, b = e->bleed, len = CROP_LENGTH * MM;
    double xs[2] = {o, o + e->w}, ys[2] = {o, o + e->h};
    for (int i = 0; i < 2; i++)
        for (int j = 0; j < 2; j++) {
            double sx = i ? 1 : -1, sy = j ? 1 : -1;
            crpv_point h[2] = {{xs[i] + sx * b, ys[j]}, {xs[i] + sx * (b + len), ys[j]}};
            crpv_point v[2] = {{xs[i], ys[j] + sy * b}, {xs[i], ys[j] + sy * (b + len)}};
            crpv_item *m = crpv_scene_add(p->scene, CRPV_ITEM_POLYLINE, CRPV_ROLE_CROP_MARK);
            crpv_shape_add_ring(&m->shape, h, 2);
            crpv_shape_add_ring(&m->shape, v, 2);
            m->stroke = crpv_color_rgb(0x000000); /* registration: black on every plate */
            m->line_width = 0.25;
        }
}

/* A new page, INDEX from 0: the recto (even) has its inner margin on the
 * left, the verso on the right. */
static page new_page(const env *e, size_t index)
{
    const crpv_style *st = e->st;
    page p = {0};
    p.scene = crpv_scene_new(e->w + 2 * e->off, e->h + 2 * e->off);
    if (e->print)
        crpv_scene_set_trim(p.scene, (crpv_rect){e->off, e->off, e->off + e->w, e->off + e->h},
                            (crpv_rect){e->off - e->bleed, e->off - e->bleed,
                                        e->off + e->w + e->bleed, e->off + e->h + e->bleed});
    double ml = (index % 2 == 0 ? st->margin_inner : st->margin_outer) * MM;
    double mr = (index % 2 == 0 ? st->margin_outer : st->margin_inner) * MM;
    p.left = e->off + ml;
    p.right = e->off + e->w - mr;
    p.top = e->off + st->margin_top * MM;
    p.bottom = e->off + e->h - st->margin_bottom * MM;
    if (e->print)
        add_crop_marks(&p, e);
    crpv_scene_add_tag(p.scene, "Document");
    return p;
}

/* The trim box, grown by the bleed when printing: where backgrounds that
 * touch the page's edge extend to. */
static double edge_left(const env *e)
{
    return e->off - e->bleed;
}

static double edge_right(const env *e)
{
    return e->off + e->w + e->bleed;
}

/* A heading of a width that splits its lines evenly: the narrowest width
 * that keeps the line count of the full measure. */
static double balanced_width(const env *e, const char *font, const char *markup, double width)
{
    PangoLayout *l = crpv_text_layout_new(e->ctx, font, markup, width, 0, false, 0);
    int lines = pango_layout_get_line_count(l);
    g_object_unref(l);
    if (lines <= 1)
        return width;
    double lo = width / lines, hi = width;
    for (int i = 0; i < 20 && hi - lo > 0.5; i++) {
        double mid = (lo + hi) / 2;
        l = crpv_text_layout_new(e->ctx, font, markup, mid, 0, false, 0);
        if (pango_layout_get_line_count(l) > lines)
            lo = mid;
        else
            hi = mid;
        g_object_unref(l);
    }
    return hi + 1;
}

/* ---- Splitting a paragraph between columns ------------------------------ */

/* The length of an entity's decoded text: "&amp;" is one byte. */
static size_t entity_length(const char *s, size_t len)
{
    if (len > 2 && s[1] == '#') {
        gunichar c = s[2] == 'x' ? (gunichar)g_ascii_strtoull(s + 3, NULL, 16)
                                 : (gunichar)g_ascii_strtoull(s + 2, NULL, 10);
        return (size_t)g_unichar_to_utf8(c, NULL);
    }
    return 1;
}

/* Cuts MARKUP where its text reaches byte AT: the first part ends with a
 * line separator, so that Pango still justifies its last line, and with a
 * visible hyphen when the cut falls on a soft hyphen; the second reopens
 * the spans the cut closed. */
static void split_markup(const char *markup, size_t at, bool hyphen, char **first,
                         char **second)
{
    GPtrArray *open = g_ptr_array_new_with_free_func(g_free);
    const char *p = markup;
    size_t pos = 0;
    while (*p && pos < at) {
        if (*p == '<') {
            const char *end = strchr(p, '>');
            if (!end)
                break;
            if (p[1] == '/') {
                if (open->len)
                    g_ptr_array_remove_index(open, open->len - 1);
            } else if (end[-1] != '/') {
                g_ptr_array_add(open, g_strndup(p, (size_t)(end - p + 1)));
            }
            p = end + 1;
        } else if (*p == '&') {
            const char *end = strchr(p, ';');
            size_t len = end ? (size_t)(end - p + 1) : 1;
            pos += entity_length(p, len);
            p += len;
        } else {
            pos++;
            p++;
        }
    }
    /* Tags right at the cut belong to the second part, except closings. */
    while (p[0] == '<' && p[1] == '/') {
        const char *end = strchr(p, '>');
        if (!end)
            break;
        if (open->len)
            g_ptr_array_remove_index(open, open->len - 1);
        p = end + 1;
    }
    size_t cut = (size_t)(p - markup);
    if (hyphen && cut >= 2 && (unsigned char)markup[cut - 2] == 0xc2 &&
        (unsigned char)markup[cut - 1] == 0xad)
        cut -= 2;
    GString *a = g_string_new_len(markup, (gssize)cut);
    if (hyphen)
        g_string_append(a, "-");
    g_string_append(a, "\u2028");
    GString *b = g_string_new(NULL);
    for (guint i = open->len; i-- > 0;) {
        const char *tag = g_ptr_array_index(open, i);
        size_t n = strcspn(tag + 1, " >");
        g_string_append_printf(a, "</%.*s>", (int)n, tag + 1);
    }
    for (guint i = 0; i < open->len; i++)
        g_string_append(b, g_ptr_array_index(open, i));
    g_string_append(b, p);
    *first = g_string_free(a, false);
    *second = g_string_free(b, false);
    g_ptr_array_unref(open);
}

/* ---- The recto ---------------------------------------------------------- */

typedef enum { EL_HEADING, EL_PARAGRAPH, EL_ITEM, EL_BOX } el_kind;

/* A unit of the recto's flow: one block, or the run of boxed blocks. */
typedef struct {
    el_kind kind;
    size_t first, last; /* blocks FIRST..LAST */
} element;

typedef struct {
    const env *e;
    const crpv_content *content;
    double x[2], width; /* columns */
    double top, bottom;
    char *body_font, *h2_font, *h3_font, *box_head_font, *bullet_font;
    double para_gap;
    double leading; /* the body's line spacing factor */
    double *heights; /* each element's height at that spacing */
} flow;

static const char *heading_font(const flow *f, int level)
{
    return level <= 2 ? f->h2_font : f->h3_font;
}

static double rule_room(void)
{
    return 3.2 * MM; /* the short rule over a heading, and its gap */
}

/* Height of a list item's text, after its bullet's indent. */
static double item_indent(const flow *f)
{
    return f->e->st->body_size * 1.3;
}

static double box_padding(void)
{
    return 4.0 * MM;
}

/* The boxed run drawn (P not NULL) or measured, in the column at X, Y.
 * Returns its height. */
static double draw_box(const flow *f, page *p, const element *el, double x, double y)
{
    const env *e = f->e;
    double pad = box_padding(), inner = f->width - 2 * pad;
    double cy = y + pad;
    size_t rect_index = p ? crpv_scene_count(p->scene) : 0;
    if (p) {
        crpv_scene_add_rect(p->scene, CRPV_ROLE_BACKGROUND, (crpv_rect){x, y, x + f->width, y},
                            tint(e->st->primary, 0.09), crpv_color_none(), 0);
        crpv_scene_add_tag(p->scene, "Div");
    }
    bool in_list = false;
    for (size_t i = el->first; i <= el->last; i++) {
        const crpv_block *b = crpv_content_nth(f->content, i);
        if (b->kind != CRPV_BLOCK_LIST_ITEM && in_list) {
            if (p)
                crpv_scene_end_tag(p->scene);
            in_list = false;
        }
        double h = 0;
        if (b->kind == CRPV_BLOCK_HEADING) {
            if (i > el->first)
                cy += f->para_gap;
            if (p) {
                crpv_scene_add_tag(p->scene, b->level <= 2 ? "H2" : "H3");
                add_outline(p, b->title, 2, cy);
                h = add_text(p, e, CRPV_ROLE_HEADING, x + pad, cy, inner, f->box_head_font,
                             b->markup, e->st->primary, 0, false, 1.15);
                crpv_scene_end_tag(p->scene);
            } else {
                h = text_height(e, f->box_head_font, b->markup, inner, false, 1.15);
            }
            cy += h + 0.4 * f->para_gap;
        } else if (b->kind == CRPV_BLOCK_LIST_ITEM) {
            double ind = item_indent(f) * b->level;
            if (p && !in_list)
                crpv_scene_add_tag(p->scene, "L");
            in_list = true;
            cy += 0.45 * f->para_gap;
            if (p) {
                crpv_scene_add_tag(p->scene, "LI");
                crpv_scene_add_tag(p->scene, "Lbl");
                add_text(p, e, CRPV_ROLE_BODY, x + pad + ind - item_indent(f), cy, item_indent(f),
                         f->bullet_font, "›", e->st->primary, 0, false, f->leading);
                crpv_scene_end_tag(p->scene);
                crpv_scene_add_tag(p->scene, "LBody");
                h = add_text(p, e, CRPV_ROLE_BODY, x + pad + ind, cy, inner - ind, f->body_font,
                             b->markup, e->st->text, 0, false, 1.25);
                crpv_scene_end_tag(p->scene);
                crpv_scene_end_tag(p->scene);
            } else {
                h = text_height(e, f->body_font, b->markup, inner - ind, false, 1.25);
            }
            cy += h;
        } else if (b->kind == CRPV_BLOCK_PARAGRAPH) {
            if (i > el->first)
                cy += f->para_gap;
            if (p) {
                crpv_scene_add_tag(p->scene, "P");
                h = add_text(p, e, CRPV_ROLE_BODY, x + pad, cy, inner, f->body_font, b->markup,
                             e->st->text, 0, true, f->leading);
                crpv_scene_end_tag(p->scene);
            } else {
                h = text_height(e, f->body_font, b->markup, inner, true, f->leading);
            }
            cy += h;
        }
    }
    if (p) {
        if (in_list)
            crpv_scene_end_tag(p->scene);
        crpv_scene_end_tag(p->scene);
        crpv_scene_nth(p->scene, rect_index)->box.y1 = cy + pad;
        /* A bar in the network's colour on the box's left edge. */
        crpv_scene_add_rect(p->scene, CRPV_ROLE_BACKGROUND,
                            (crpv_rect){x, y, x + 1.2 * MM, cy + pad}, e->st->primary,
                            crpv_color_none(), 0);
    }
    return cy + pad - y;
}

static double draw_heading(const flow *f, page *p, const crpv_block *b, double x, double y)
{
    const env *e = f->e;
    const char *font = heading_font(f, b->level);
    if (!p)
        return rule_room() + text_height(e, font, b->markup, f->width, false, 1.1);
    crpv_scene_add_rect(p->scene, CRPV_ROLE_HEADING, (crpv_rect){x, y, x + 9 * MM, y + 1.1 * MM},
                        e->st->primary, crpv_color_none(), 0);
    crpv_scene_add_tag(p->scene, b->level <= 2 ? "H2" : "H3");
    add_outline(p, b->title, b->level, y);
    double h = add_text(p, e, CRPV_ROLE_HEADING, x, y + rule_room(), f->width, font, b->markup,
                        e->st->primary, 0, false, 1.1);
    crpv_scene_end_tag(p->scene);
    return rule_room() + h;
}

static double draw_item(const flow *f, page *p, const crpv_block *b, double x, double y)
{
    const env *e = f->e;
    double ind = item_indent(f) * b->level;
    if (!p)
        return text_height(e, f->body_font, b->markup, f->width - ind, true, f->leading);
    crpv_scene_add_tag(p->scene, "L");
    crpv_scene_add_tag(p->scene, "LI");
    crpv_scene_add_tag(p->scene, "Lbl");
    add_text(p, e, CRPV_ROLE_BODY, x + ind - item_indent(f), y, item_indent(f), f->bullet_font,
             "›", e->st->primary, 0, false, f->leading);
    crpv_scene_end_tag(p->scene);
    crpv_scene_add_tag(p->scene, "LBody");
    double h = add_text(p, e, CRPV_ROLE_BODY, x + ind, y, f->width - ind, f->body_font,
                        b->markup, e->st->text, 0, true, f->leading);
    crpv_scene_end_tag(p->scene);
    crpv_scene_end_tag(p->scene);
    crpv_scene_end_tag(p->scene);
    return h;
}

/* Where a paragraph may be cut so that K of its lines stay in the column:
 * the two parts' markup and heights. False when no cut leaves at least two
 * lines on each side within ROOM. */
static bool find_split(const flow *f, const crpv_block *b, double room, char **first,
                       char **second, double *h1, double *h2)
{
    const env *e = f->e;
    PangoLayout *l =
        crpv_text_layout_new(e->ctx, f->body_font, b->markup, f->width, 0, true, f->leading);
    int n = pango_layout_get_line_count(l);
    const char *text = pango_layout_get_text(l);
    bool found = false;
    /* Line bottoms from the whole layout guess where to cut; the part is
     * then laid out alone to be sure. */
    double *bottoms = g_new0(double, (size_t)n);
    PangoLayoutIter *it = pango_layout_get_iter(l);
    for (int k = 0; k < n; k++, pango_layout_iter_next_line(it)) {
        PangoRectangle log;
        pango_layout_iter_get_line_extents(it, NULL, &log);
        bottoms[k] = pango_units_to_double(log.y + log.height);
    }
    pango_layout_iter_free(it);
    for (int k = n - 2; k >= 2 && !found; k--) {
        if (bottoms[k - 1] > room + f->e->st->body_size)
            continue;
        PangoLayoutLine *line = pango_layout_get_line_readonly(l, k);
        size_t at = (size_t)line->start_index;
        bool soft = at >= 2 && (unsigned char)text[at - 2] == 0xc2 &&
                    (unsigned char)text[at - 1] == 0xad;
        char *a = NULL, *c = NULL;
        split_markup(b->markup, at, soft, &a, &c);
        double ha = text_height(e, f->body_font, a, f->width, true, f->leading);
        if (ha <= room) {
            *first = a;
            *second = c;
            *h1 = ha;
            *h2 = text_height(e, f->body_font, c, f->width, true, f->leading);
            found = true;
        } else {
            g_free(a);
            g_free(c);
        }
    }
    g_free(bottoms);
    g_object_unref(l);
    return found;
}

static double element_height(const flow *f, const element *el)
{
    const crpv_block *b = crpv_content_nth(f->content, el->first);
    switch (el->kind) {
    case EL_BOX:
        return draw_box(f, NULL, el, 0, 0);
    case EL_HEADING:
        return draw_heading(f, NULL, b, 0, 0);
    case EL_ITEM:
        return draw_item(f, NULL, b, 0, 0);
    case EL_PARAGRAPH:
        return text_height(f->e, f->body_font, b->markup, f->width, true, f->leading);
    }
    return 0;
}

static void measure_elements(flow *f, const element *els, size_t n)
{
    g_free(f->heights);
    f->heights = g_new0(double, n + 1);
    for (size_t i = 0; i < n; i++)
        f->heights[i] = element_height(f, &els[i]);
}

/* The space above an element, unless it starts a column. */
static double space_before(const flow *f, const element *el, const element *prev)
{
    if (!prev)
        return 0;
    if (el->kind == EL_HEADING || el->kind == EL_BOX || prev->kind == EL_BOX)
        return 2.6 * f->para_gap;
    if (prev->kind == EL_HEADING)
        return 0.55 * f->para_gap;
    if (el->kind == EL_ITEM && prev->kind == EL_ITEM)
        return 0.35 * f->para_gap;
    return f->para_gap;
}

/* Flows the elements into the two columns, between F's top and BOTTOM;
 * draws them when P is not NULL. Returns the height that did not fit (0
 * when everything did), and the index of the first element left out. */
static double flow_columns(const flow *f, page *p, const element *els, size_t n, double bottom,
                           size_t *left_out)
{
    size_t col = 0;
    double y = f->top;
    const element *prev = NULL;
    for (size_t i = 0; i < n; i++) {
        const element *el = &els[i];
        const crpv_block *b = crpv_content_nth(f->content, el->first);
        double h = f->heights[i];
        double gap = space_before(f, el, prev);
        /* A heading keeps at least two lines of what follows. */
        double keep = h;
        if (el->kind == EL_HEADING && i + 1 < n) {
            double next = f->heights[i + 1];
            double two_lines = 2 * f->e->st->body_size * f->leading;
            keep += 0.55 * f->para_gap +
                    (els[i + 1].kind == EL_PARAGRAPH ? MIN(next, two_lines) : next);
        }
        if (y + gap + keep > bottom && el->kind == EL_PARAGRAPH) {
            char *a = NULL, *c = NULL;
            double h1 = 0, h2 = 0;
            if (col == 0 && find_split(f, b, bottom - y - gap, &a, &c, &h1, &h2)) {
                if (p) {
                    crpv_scene_add_tag(p->scene, "P");
                    add_text(p, f->e, CRPV_ROLE_BODY, f->x[0], y + gap, f->width, f->body_font, a,
                             f->e->st->text, 0, true, f->leading);
                    add_text(p, f->e, CRPV_ROLE_BODY, f->x[1], f->top, f->width, f->body_font, c,
                             f->e->st->text, 0, true, f->leading);
                    crpv_scene_end_tag(p->scene);
                }
                g_free(a);
                g_free(c);
                if (f->top + h2 > bottom) {
                    double rest = f->top + h2 - bottom;
                    for (size_t j = i + 1; j < n; j++)
                        rest += f->heights[j] + f->para_gap;
                    *left_out = i;
                    return rest;
                }
                col = 1;
                y = f->top + h2;
                prev = el;
                continue;
            }
        }
        if (y + gap + keep > bottom && prev) {
            if (col == 1) {
                double rest = 0;
                for (size_t j = i; j < n; j++)
                    rest += f->heights[j] + f->para_gap;
                *left_out = i;
                return rest;
            }
            col = 1;
            y = f->top;
            gap = 0;
        }
        if (y + gap + h > bottom) {
            *left_out = i;
            return y + gap + h - bottom;
        }
        y += gap;
        if (p) {
            switch (el->kind) {
            case EL_BOX:
                draw_box(f, p, el, f->x[col], y);
                break;
            case EL_HEADING:
                draw_heading(f, p, b, f->x[col], y);
                break;
            case EL_ITEM:
                draw_item(f, p, b, f->x[col], y);
                break;
            case EL_PARAGRAPH:
                crpv_scene_add_tag(p->scene, "P");
                add_text(p, f->e, CRPV_ROLE_BODY, f->x[col], y, f->width, f->body_font, b->markup,
                         f->e->st->text, 0, true, f->leading);
                crpv_scene_end_tag(p->scene);
                break;
            }
        }
        y += h;
        prev = el;
    }
    return 0;
}

/* Markup of a block with the link spans as they are, for text set on a
 * coloured background: the same text, another colour. */
static double draw_call(page *p, const env *e, const crpv_content *content, size_t first,
                        size_t n_blocks, double y_bottom, bool draw)
{
    double pad_v = 4.2 * MM, pad_h = 6 * MM;
    double width = p->right - p->left - 2 * pad_h;
    g_autofree char *font = font_desc(e, "", e->st->body_size * 1.25);
    double h = 0;
    for (size_t i = first; i < first + n_blocks; i++) {
        const crpv_block *b = crpv_content_nth(content, i);
        if (b->kind == CRPV_BLOCK_BREAK)
            continue;
        h += (h > 0 ? 2 : 0) + text_height(e, font, b->markup, width, false, 1.2);
    }
    if (h == 0)
        return 0;
    double total = h + 2 * pad_v, y = y_bottom - total + pad_v;
    if (!draw)
        return total;
    crpv_scene_add_rect(p->scene, CRPV_ROLE_BACKGROUND,
                        (crpv_rect){p->left, y_bottom - total, p->right, y_bottom},
                        e->st->primary, crpv_color_none(), 0);
    for (size_t i = first; i < first + n_blocks; i++) {
        const crpv_block *b = crpv_content_nth(content, i);
        if (b->kind == CRPV_BLOCK_BREAK)
            continue;
        crpv_scene_add_tag(p->scene, "P");
        PangoLayout *l = crpv_text_layout_new(e->ctx, font, b->markup, width, 1, false, 1.2);
        double bh = add_text(p, e, CRPV_ROLE_BODY, p->left + pad_h, y, width, font, b->markup,
                             crpv_color_rgb(0xffffff), 1, false, 1.2);
        for (size_t k = 0; k < b->n_links; k++)
            add_link_rects(p, l, p->left + pad_h, y, b->links[k].start, b->links[k].end,
                           b->links[k].uri);
        g_object_unref(l);
        crpv_scene_end_tag(p->scene);
        y += bh + 2;
    }
    return total;
}

/* Links inside an ordinary text block: one LINK per line of each. */
static void add_block_links(page *p, const env *e, const crpv_block *b, const char *font,
                            double x, double y, double width, int align, bool justify,
                            double leading)
{
    if (b->n_links == 0)
        return;
    PangoLayout *l = crpv_text_layout_new(e->ctx, font, b->markup, width, align, justify, leading);
    for (size_t k = 0; k < b->n_links; k++)
        add_link_rects(p, l, x, y, b->links[k].start, b->links[k].end, b->links[k].uri);
    g_object_unref(l);
}

/* The introduction's paragraphs FIRST..END (excluded) across the page:
 * their height, or drawn from Y when P is given. */
static double lead_height(const env *e, const crpv_content *content, size_t first, size_t end,
                          const char *font, double width)
{
    double h = 0;
    for (size_t i = first; i < end; i++)
        h += (i > first ? e->st->body_size * 0.6 : 0) +
             text_height(e, font, crpv_content_nth(content, i)->markup, width, true, 1.35);
    return h;
}

static void draw_lead(page *p, const env *e, const crpv_content *content, size_t first,
                      size_t end, const char *font, double y)
{
    double width = p->right - p->left;
    for (size_t i = first; i < end; i++) {
        const crpv_block *b = crpv_content_nth(content, i);
        if (i > first)
            y += e->st->body_size * 0.6;
        crpv_scene_add_tag(p->scene, "P");
        double h = add_text(p, e, CRPV_ROLE_BODY, p->left, y, width, font, b->markup,
                            e->st->text, 0, true, 1.35);
        add_block_links(p, e, b, font, p->left, y, width, 0, true, 1.35);
        crpv_scene_end_tag(p->scene);
        y += h;
    }
}

static bool compose_recto(const env *e, const crpv_content *content, GPtrArray *pages,
                          GError **error)
{
    const crpv_style *st = e->st;
    size_t n = crpv_content_count(content);
    page p = new_page(e, 0);
    double cw = p.right - p.left;

    /* The title: the first level-1 heading, on a band bleeding off the top. */
    size_t i = 0;
    const crpv_block *title = NULL;
    if (n > 0 && crpv_content_nth(content, 0)->kind == CRPV_BLOCK_HEADING &&
        crpv_content_nth(content, 0)->level == 1) {
        title = crpv_content_nth(content, 0);
        i = 1;
    }
    double y = p.top;
    if (title) {
        g_autofree char *tfont = font_desc(e, "Black", TITLE_SIZE);
        double tw = balanced_width(e, tfont, title->markup, cw * 0.82);
        double th = text_height(e, tfont, title->markup, tw, false, 1.05);
        double band_bottom = p.top + 2 * MM + th + 9 * MM;
        crpv_scene_add_rect(p.scene, CRPV_ROLE_BACKGROUND,
                            (crpv_rect){edge_left(e), e->off - e->bleed, edge_right(e),
                                        band_bottom},
                            st->primary, crpv_color_none(), 0);
        /* A thin light rule under the title, the band's only ornament. */
        crpv_scene_add_tag(p.scene, "H1");
        add_outline(&p, title->title, 1, p.top);
        add_text(&p, e, CRPV_ROLE_TITLE, p.left, p.top + 2 * MM, tw, tfont, title->markup,
                 crpv_color_rgb(0xffffff), 0, false, 1.05);
        crpv_scene_end_tag(p.scene);
        crpv_scene_add_rect(p.scene, CRPV_ROLE_HEADING,
                            (crpv_rect){p.left, band_bottom - 4.5 * MM, p.left + 18 * MM,
                                        band_bottom - 4.5 * MM + 0.8},
                            tint(crpv_color_rgb(0xffffff), 0.8), crpv_color_none(), 0);
        y = band_bottom + 8 * MM;
    }

    /* The introduction: the paragraphs before anything else, across the
     * page; drawn once its size is known. */
    size_t lead_first = i;
    while (i < n && crpv_content_nth(content, i)->kind == CRPV_BLOCK_PARAGRAPH &&
           !crpv_content_nth(content, i)->boxed)
        i++;
    size_t lead_end = i;

    /* The body's elements, up to the break that starts the call. */
    GArray *els = g_array_new(FALSE, TRUE, sizeof(element));
    size_t call_first = n;
    for (; i < n; i++) {
        const crpv_block *b = crpv_content_nth(content, i);
        if (b->kind == CRPV_BLOCK_BREAK && !b->boxed) {
            call_first = i + 1;
            break;
        }
        if (b->kind == CRPV_BLOCK_BREAK)
            continue;
        element el = {EL_PARAGRAPH, i, i};
        if (b->boxed) {
            el.kind = EL_BOX;
            while (el.last + 1 < n && crpv_content_nth(content, el.last + 1)->boxed)
                el.last++;
            i = el.last;
        } else if (b->kind == CRPV_BLOCK_HEADING) {
            el.kind = EL_HEADING;
        } else if (b->kind == CRPV_BLOCK_LIST_ITEM) {
            el.kind = EL_ITEM;
        }
        g_array_append_val(els, el);
    }

    double call_h = draw_call(&p, e, content, call_first, n - call_first, p.bottom, false);
    double bottom = p.bottom - (call_h > 0 ? call_h + 8 * MM : 0);

    flow f = {.e = e, .content = content};
    f.width = (cw - GUTTER * MM) / 2;
    f.x[0] = p.left;
    f.x[1] = p.left + f.width + GUTTER * MM;
    f.top = y;
    f.bottom = bottom;
    f.body_font = font_desc(e, "", st->body_size);
    f.h2_font = font_desc(e, "Black", H2_SIZE);
    f.h3_font = font_desc(e, "Bold", st->body_size * 1.1);
    f.box_head_font = font_desc(e, "Black", st->body_size * 1.2);
    f.bullet_font = font_desc(e, "Black", st->body_size);
    f.para_gap = st->body_size * 0.55;

    size_t left_out = 0;
    const element *ev = (const element *)els->data;
    /* The loosest setting that fits, a larger introduction first, then the
     * loosest line spacing: a short text breathes rather than leave a hole
     * above the call, a long one tightens before it overflows. */
    static const double lead_scales[] = {LEAD_SCALE, 1.1, 1.0};
    double over = 0, lead_over = 0, lead_scale = LEAD_SCALE, lead_h = 0;
    bool ok = false;
    for (size_t k = 0; k < G_N_ELEMENTS(lead_scales) && !ok; k++) {
        lead_scale = lead_scales[k];
        g_autofree char *font = font_desc(e, "", st->body_size * lead_scale);
        lead_h = lead_height(e, content, lead_first, lead_end, font, cw);
        f.top = y + (lead_h > 0 ? lead_h + 8 * MM : 0);
        /* The spacings are tried by halves: the text's height grows with
         * them. LO fits (once known), HI is the first step that does not. */
        int steps = (int)lround((LEADING_MAX - LEADING_MIN) / 0.02);
        int lo = -1, hi = steps + 1; /* step S is LEADING_MIN + 0.02 S */
        while (hi - lo > 1) {
            int mid = (lo + hi) / 2;
            f.leading = LEADING_MIN + 0.02 * mid;
            measure_elements(&f, ev, els->len);
            if (flow_columns(&f, NULL, ev, els->len, bottom, &left_out) <= 0)
                lo = mid;
            else
                hi = mid;
        }
        f.leading = LEADING_MIN + 0.02 * MAX(lo, 0);
        measure_elements(&f, ev, els->len);
        over = flow_columns(&f, NULL, ev, els->len, bottom, &left_out);
        /* The introduction itself must fit: without a title, or with no
         * heading after it, it may be the whole text, and the columns
         * below it then have nothing to overflow. */
        lead_over = f.top - bottom;
        ok = lo >= 0 && lead_over <= 0;
    }
    if (ok) {
        g_autofree char *font = font_desc(e, "", st->body_size * lead_scale);
        draw_lead(&p, e, content, lead_first, lead_end, font, y);
        /* Balance the columns: the shortest bottom that still holds everything. */
        double lo = f.top, hi = bottom;
        for (int k = 0; k < 24 && hi - lo > 0.5; k++) {
            double mid = (lo + hi) / 2;
            if (flow_columns(&f, NULL, ev, els->len, mid, &left_out) > 0)
                lo = mid;
            else
                hi = mid;
        }
        flow_columns(&f, &p, ev, els->len, hi, &left_out);
        draw_call(&p, e, content, call_first, n - call_first, p.bottom, true);
        crpv_scene_end_tag(p.scene);
        g_ptr_array_add(pages, p.scene);
    } else {
        bool in_lead = lead_over > 0 || els->len == 0;
        const crpv_block *b = crpv_content_nth(
            content, in_lead ? MIN(lead_first, n - 1) : ev[left_out].first);
        g_set_error(error, BROCHURE_ERROR, 1,
                    "%s:%d: le texte du recto déborde de la page de %.0f mm",
                    crpv_content_path(content), b ? b->line : 1,
                    ceil((in_lead ? fmax(lead_over, 0) + fmax(over, 0) : over) / MM));
        crpv_scene_free(p.scene);
    }
    g_free(f.body_font);
    g_free(f.h2_font);
    g_free(f.h3_font);
    g_free(f.box_head_font);
    g_free(f.bullet_font);
    g_free(f.heights);
    g_array_free(els, TRUE);
    return ok;
}

/* ---- The verso: map and directory --------------------------------------- */

/* One directory entry's text, with the byte ranges of its links in the
 * text Pango lays out. */
typedef struct {
    char *markup;
    GArray *links; /* of crpv_link, uri owned */
    double height;
    size_t page, column;
    double y;
} entry;

/* Builds markup and plain text side by side, so that link ranges index the
 * laid-out text exactly. */
typedef struct {
    GString *markup;
    size_t plain;
} builder;

static void put(builder *b, const char *text, const char *open, const char *close)
{
    g_autofree char *esc = crpv_markup_escape(text);
    if (open)
        g_string_append(b->markup, open);
    g_string_append(b->markup, esc);
    if (close)
        g_string_append(b->markup, close);
    b->plain += strlen(text);
}

static void put_link(builder *b, GArray *links, const char *text, const char *uri)
{
    crpv_link l = {g_strdup(uri), b->plain, 0};
    put(b, text, NULL, NULL);
    l.end = b->plain;
    g_array_append_val(links, l);
}

/* tel: URI of a phone as printed: digits only, a French 0X number as +33X. */
static char *phone_uri(const char *phone)
{
    GString *d = g_string_new(NULL);
    for (const char *p = phone; *p; p++)
        if (g_ascii_isdigit(*p))
            g_string_append_c(d, *p);
    const char *first = phone + strspn(phone, " ");
    GString *u = g_string_new("tel:");
    if (*first == '+')
        g_string_append_c(u, '+');
    else if (d->len == 10 && d->str[0] == '0') {
        g_string_append(u, "+33");
        g_string_erase(d, 0, 1);
    }
    g_string_append(u, d->str);
    g_string_free(d, true);
    return g_string_free(u, false);
}

static entry make_entry(const crpv_centre *c, const crpv_style *st)
{
    entry en = {0};
    en.links = g_array_new(FALSE, TRUE, sizeof(crpv_link));
    builder b = {g_string_new(NULL), 0};
    g_autofree char *nom = crpv_typo_french(c->nom);
    put(&b, nom, "<b>", "</b>");
    if (c->ancien_nom) {
        g_autofree char *ancien = crpv_typo_french(c->ancien_nom);
        g_autofree char *ex = g_strdup_printf("\u00a0(ex-%s)", ancien);
        put(&b, ex, NULL, NULL);
    }
    put(&b, "\n", NULL, NULL);
    g_autofree char *terr = crpv_typo_french(c->territoire);
    g_autofree char *hex = color_hex(st->primary);
    g_autofree char *open = g_strdup_printf("<span foreground=\"%s\">", hex);
    put(&b, terr, open, "</span>");
    for (char **t = c->telephones; t && *t; t++) {
        put(&b, "\n", NULL, NULL);
        g_autofree char *shown = crpv_typo_protect(*t);
        g_autofree char *uri = phone_uri(*t);
        put_link(&b, en.links, shown, uri);
    }
    if (c->site) {
        put(&b, "\n", NULL, NULL);
        g_autofree char *shown = crpv_typo_protect(c->site_label ? c->site_label : c->site);
        put_link(&b, en.links, shown, c->site);
    }
    if (c->courriel) {
        put(&b, "\n", NULL, NULL);
        g_autofree char *shown = crpv_typo_protect(c->courriel);
        g_autofree char *uri = g_strconcat("mailto:", c->courriel, NULL);
        put_link(&b, en.links, shown, uri);
    }
    if (c->statut == CRPV_STATUT_PREFIGURATION) {
        put(&b, "\n", NULL, NULL);
        put(&b, "en préfiguration", "<i>", "</i>");
    }
    en.markup = g_string_free(b.markup, false);
    return en;
}

static void entries_free(entry *entries, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        g_free(entries[i].markup);
        for (guint k = 0; k < entries[i].links->len; k++)
            g_free(g_array_index(entries[i].links, crpv_link, k).uri);
        g_array_free(entries[i].links, TRUE);
    }
    g_free(entries);
}

typedef struct {
    double size;
    size_t columns;
    double col_width, indent, gap, leading;
    char *font;
} dir_setting;

static void setting_init(dir_setting *s, const env *e, double width, double size, size_t columns)
{
    s->size = size;
    s->columns = columns;
    s->col_width = (width - (double)(columns - 1) * 4.5 * MM) / (double)columns;
    s->indent = size * 1.55 + 1.6 * MM;
    s->gap = size * 0.95;
    s->leading = 1.18;
    g_free(s->font);
    s->font = font_desc(e, "", size);
}

/* Places the entries, in order, column by column: the first page's
 * columns run from FIRST_TOP down to BOTTOM, the next pages' from
 * NEXT_TOP. With MAX_PAGES, fails rather than use more; returns the page
 * count, 0 on failure. */
static size_t place_entries(entry *en, size_t n, const dir_setting *s, double first_top,
                            double next_top, double bottom, size_t max_pages)
{
    size_t pg = 0, col = 0;
    double top = first_top, y = top;
    for (size_t i = 0; i < n; i++) {
        double h = en[i].height;
        if (y > top && y + h > bottom) {
            col++;
            if (col == s->columns) {
                col = 0;
                pg++;
                top = next_top;
                if (pg >= max_pages)
                    return 0;
            }
            y = top;
        }
        if (y + h > bottom)
            return 0; /* taller than a whole column */
        en[i].page = pg;
        en[i].column = col;
        en[i].y = y;
        y += h + s->gap;
    }
    return pg + 1;
}

/* Measures the entries in setting S. False when one does not fit its
 * column's width: a website or an e-mail address never breaks. */
static bool measure_entries(const env *e, entry *en, size_t n, const dir_setting *s)
{
    double width = s->col_width - s->indent;
    bool fits = true;
    for (size_t i = 0; i < n; i++) {
        PangoLayout *l =
            crpv_text_layout_new(e->ctx, s->font, en[i].markup, width, 0, false, s->leading);
        PangoRectangle log;
        pango_layout_get_extents(l, NULL, &log);
        en[i].height = pango_units_to_double(log.height);
        if (pango_units_to_double(log.x + log.width) > width + 0.01)
            fits = false;
        g_object_unref(l);
    }
    return fits;
}

/* The title line at the top of every verso page; returns its bottom. */
static double verso_title(page *p, const env *e, const crpv_content *content,
                          const crpv_directory *dir, bool first)
{
    const crpv_block *title = NULL;
    if (crpv_content_count(content) > 0 && crpv_content_nth(content, 0)->kind ==
                                               CRPV_BLOCK_HEADING)
        title = crpv_content_nth(content, 0);
    g_autofree char *font = font_desc(e, "Black", VERSO_TITLE_SIZE);
    g_autofree char *sub_font = font_desc(e, "", e->st->body_size);
    double w = p->right - p->left;
    double y = p->top;
    if (title) {
        crpv_scene_add_tag(p->scene, "H1");
        y += add_text(p, e, CRPV_ROLE_TITLE, p->left, y, w, font, title->markup, e->st->primary,
                      0, false, 1.1);
        crpv_scene_end_tag(p->scene);
    }
    g_autofree char *mt = first ? crpv_map_title(dir) : g_strdup("Annuaire des centres (suite)");
    g_autofree char *sub = crpv_markup_escape(mt);
    crpv_scene_add_tag(p->scene, "P");
    y += 1 * MM;
    y += add_text(p, e, CRPV_ROLE_HEADING, p->left, y, w, sub_font, sub, e->st->text, 0, false,
                  1.1);
    crpv_scene_end_tag(p->scene);
    y += 2.2 * MM;
    crpv_scene_add_rect(p->scene, CRPV_ROLE_HEADING, (crpv_rect){p->left, y, p->right, y + 0.8},
                        e->st->primary, crpv_color_none(), 0);
    return y + 0.8;
}

static void draw_entries(page *p, const env *e, const entry *en, const crpv_directory *dir,
                         size_t n, size_t pg, const dir_setting *s)
{
    g_autofree char *badge_font = font_desc(e, "Bold", s->size * 0.82);
    double r = s->size * 0.78;
    bool open = false;
    for (size_t i = 0; i < n; i++) {
        if (en[i].page != pg)
            continue;
        if (!open)
            crpv_scene_add_tag(p->scene, "L");
        open = true;
        const crpv_centre *c = crpv_directory_nth(dir, i);
        double x = p->left + (double)en[i].column * (s->col_width + 4.5 * MM);
        double y = en[i].y;
        crpv_scene_add_tag(p->scene, "LI");
        /* The badge matches the map's marker: same number, same colours. */
        crpv_scene_add_tag(p->scene, "Lbl");
        double cy = y + s->size * 0.62;
        crpv_item *d = crpv_scene_add(p->scene, CRPV_ITEM_DISC, CRPV_ROLE_NONE);
        d->center = (crpv_point){x + r, cy};
        d->radius = r;
        d->box = (crpv_rect){x, cy - r, x + 2 * r, cy + r};
        d->fill = c->statut == CRPV_STATUT_ACTIF ? e->st->marker : crpv_color_rgb(0x8a8fa0);
        d->key = g_strdup(c->id);
        g_autofree char *num = g_strdup_printf("%zu", i + 1);
        double nh = text_height(e, badge_font, num, 2 * r, false, 0);
        crpv_item *t = crpv_scene_add_text(p->scene, CRPV_ROLE_NONE,
                                           (crpv_rect){x, cy - nh / 2, x + 2 * r, cy + nh / 2},
                                           badge_font, num, e->st->marker_text);
        t->align = 1;
        t->key = g_strdup(c->id);
        crpv_scene_end_tag(p->scene);
        crpv_scene_add_tag(p->scene, "LBody");
        double tx = x + s->indent, tw = s->col_width - s->indent;
        crpv_item *it = crpv_scene_add_text(p->scene, CRPV_ROLE_ENTRY,
                                            (crpv_rect){tx, y, tx + tw, y + en[i].height},
                                            s->font, en[i].markup, e->st->text);
        it->line_height = s->leading;
        it->key = g_strdup(c->id);
        it->title = g_strdup(c->nom);
        PangoLayout *l = crpv_text_layout_new(e->ctx, s->font, en[i].markup, tw, 0, false,
                                              s->leading);
        for (guint k = 0; k < en[i].links->len; k++) {
            const crpv_link *lk = &g_array_index(en[i].links, crpv_link, k);
            add_link_rects(p, l, tx, y, lk->start, lk->end, lk->uri);
        }
        g_object_unref(l);
        crpv_scene_end_tag(p->scene);
        crpv_scene_end_tag(p->scene);
    }
    if (open)
        crpv_scene_end_tag(p->scene);
}

double crpv_brochure_map_width(const crpv_style *style)
{
    return (style->page_width - style->margin_inner - style->margin_outer) * MM;
}

static bool compose_verso(const env *e, const crpv_brochure_input *in, GPtrArray *pages,
                          crpv_brochure_stats *stats, GError **error)
{
    const crpv_style *st = e->st;
    const crpv_directory *dir = in->map->directory;
    size_t first_index = pages->len;
    page p = new_page(e, first_index);
    double cw = p.right - p.left;
    double y = verso_title(&p, e, in->content, dir, true) + 5 * MM;

    /* The map composed once for every output, when it was composed at
     * this page's width. */
    crpv_map *own = NULL;
    const crpv_map *map = in->composed;
    if (!map || fabs(crpv_scene_width(crpv_map_scene(map)) - cw) > 1e-6) {
        map = own = crpv_map_compose(in->map, cw, 0.2, error);
        if (!map) {
            crpv_scene_free(p.scene);
            return false;
        }
    }
    const crpv_scene *ms = crpv_map_scene(map);
    add_outline(&p, "Carte du réseau", 1, y);
    crpv_scene_add_tag(p.scene, "Figure");
    crpv_scene_append(p.scene, ms, p.left, y);
    crpv_scene_end_tag(p.scene);
    y += crpv_scene_height(ms) + 6 * MM;
    crpv_map_free(own);

    /* The directory: the body size in as few columns as read well, then
     * tighter, then onto more pages. */
    size_t n = crpv_directory_count(dir);
    entry *en = g_new0(entry, n);
    for (size_t i = 0; i < n; i++)
        en[i] = make_entry(crpv_directory_nth(dir, i), st);
    size_t base = MAX(1, (size_t)floor((cw + 4.5 * MM) / ((COLUMN_MIN_WIDTH + 4.5) * MM)));
    dir_setting s = {0};
    size_t npages = 0;
    double next_top = 0;
    {
        /* Where the directory starts on the pages after the first. */
        page probe = new_page(e, first_index + 1);
        next_top = verso_title(&probe, e, in->content, dir, false) + 5 * MM;
        crpv_scene_free(probe.scene);
    }
    double min_size = MIN(st->min_directory_size, st->body_size);
    /* For each column count, the largest size in 0.25 pt steps that holds
     * the directory on this page, found by halves; the larger wins, the
     * fewer columns on a tie. */
    int steps = (int)floor((st->body_size - min_size) / 0.25 + 1e-9);
    /* The fewest pages the directory needs, in its tightest setting whose
     * columns hold every line. */
    size_t max_pages = 0;
    for (size_t c = base + 1; c >= 1 && !max_pages; c--) {
        setting_init(&s, e, cw, min_size, c);
        if (measure_entries(e, en, n, &s) || c == 1)
            max_pages = place_entries(en, n, &s, y, next_top, p.bottom, (size_t)-1);
    }
    if (max_pages) {
        /* For each column count, the largest size in 0.25 pt steps that
         * holds the directory on those pages, found by halves; the larger
         * wins, the fewer columns on a tie. */
        int best = steps + 1;
        size_t best_columns = base;
        for (size_t c = base; c <= base + 1; c++) {
            int lo = -1, hi = steps + 1; /* step K is body_size - 0.25 K; HI fits */
            while (hi - lo > 1) {
                int mid = (lo + hi) / 2;
                setting_init(&s, e, cw, st->body_size - 0.25 * mid, c);
                if (measure_entries(e, en, n, &s) &&
                    place_entries(en, n, &s, y, next_top, p.bottom, max_pages))
                    hi = mid;
                else
                    lo = mid;
            }
            if (hi < best) {
                best = hi;
                best_columns = c;
            }
        }
        if (best <= steps) {
            setting_init(&s, e, cw, st->body_size - 0.25 * best, best_columns);
            measure_entries(e, en, n, &s);
            npages = place_entries(en, n, &s, y, next_top, p.bottom, max_pages);
        } else {
            npages = max_pages; /* the tightest setting, left in S */
            for (size_t c = base + 1; c >= 1; c--) {
                setting_init(&s, e, cw, min_size, c);
                if (measure_entries(e, en, n, &s) || c == 1)
                    break;
            }
            place_entries(en, n, &s, y, next_top, p.bottom, (size_t)-1);
        }
    }
    if (!npages) {
        g_set_error(error, BROCHURE_ERROR, 2,
                    "une fiche de l’annuaire est plus haute qu’une colonne entière");
        g_free(s.font);
        entries_free(en, n);
        crpv_scene_free(p.scene);
        return false;
    }
    /* Balance the last page's columns: its lowest bottom that holds them. */
    {
        double top = npages == 1 ? y : next_top;
        double lo = top, hi = p.bottom;
        size_t from = 0;
        while (from < n && en[from].page + 1 < npages)
            from++;
        /* The loosest spacing between entries whose balanced columns still
         * fit: the page is filled rather than left with a hole. */
        double gap = s.gap;
        for (double g = 1.8 * gap; g >= gap - 1e-9; g -= 0.1 * gap) {
            s.gap = g;
            lo = top;
            hi = p.bottom;
            if (!place_entries(en + from, n - from, &s, top, top, hi, 1))
                continue;
            for (int k = 0; k < 24 && hi - lo > 0.5; k++) {
                double mid = (lo + hi) / 2;
                if (place_entries(en + from, n - from, &s, top, top, mid, 1))
                    hi = mid;
                else
                    lo = mid;
            }
            break;
        }
        place_entries(en + from, n - from, &s, top, top, hi, 1);
        for (size_t i = from; i < n; i++)
            en[i].page = npages - 1;
    }

    for (size_t pg = 0; pg < npages; pg++) {
        if (pg > 0) {
            p = new_page(e, first_index + pg);
            verso_title(&p, e, in->content, dir, false);
        }
        double top = pg == 0 ? y : next_top;
        if (pg == 0)
            add_outline(&p, "Annuaire des centres", 1, top);
        draw_entries(&p, e, en, dir, n, pg, &s);
        crpv_scene_end_tag(p.scene);
        g_ptr_array_add(pages, p.scene);
    }
    if (stats) {
        stats->directory_size = s.size;
        stats->directory_columns = s.columns;
    }
    g_free(s.font);
    entries_free(en, n);
    return true;
}

GPtrArray *crpv_brochure_compose(const crpv_brochure_input *in, crpv_brochure_stats *stats,
                                 GError **error)
{
    const crpv_style *st = in->map->style;
    env e = {.st = st, .ctx = in->map->ctx, .print = in->print};
    e.w = st->page_width * MM;
    e.h = st->page_height * MM;
    if (in->print) {
        e.bleed = st->bleed * MM;
        e.off = (st->bleed + SLUG) * MM;
    }
    GPtrArray *pages = g_ptr_array_new_with_free_func((GDestroyNotify)crpv_scene_free);
    if (!compose_recto(&e, in->content, pages, error) ||
        !compose_verso(&e, in, pages, stats, error)) {
        g_ptr_array_unref(pages);
        return NULL;
    }
    if (stats)
        stats->pages = pages->len;
    return pages;
}
