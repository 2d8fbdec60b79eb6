#include "page.h"

#include <math.h>

#include "printpdf.h"
#include "typeset.h"

#define CROP_LENGTH 5.0 /* crop mark length, starting at the bleed's edge, mm */

/* A font description that does not depend on the locale's decimal mark. */
char *crpv_page_font(const crpv_page_env *e, const char *face, double size)
{
    char num[G_ASCII_DTOSTR_BUF_SIZE];
    g_ascii_formatd(num, sizeof num, "%.2f", size);
    return g_strdup_printf("%s%s%s %s", e->st->font_family, *face ? " " : "", face, num);
}

crpv_color crpv_tint(crpv_color c, double t)
{
    return (crpv_color){1 - t * (1 - c.r), 1 - t * (1 - c.g), 1 - t * (1 - c.b), 1};
}

double crpv_page_text_height(const crpv_page_env *e, const char *font, const char *markup, double width,
                          bool justify, double leading)
{
    double h = 0;
    crpv_text_size(e->ctx, font, markup, width, justify, leading, NULL, &h);
    return h;
}

/* Adds a text box at X, Y, WIDTH wide, and returns its height. */
double crpv_page_add_text(crpv_page *p, const crpv_page_env *e, crpv_role role, double x, double y, double width,
                       const char *font, const char *markup, crpv_color color, int align,
                       bool justify, double leading)
{
    double h = crpv_page_text_height(e, font, markup, width, justify, leading);
    crpv_item *t = crpv_scene_add_text(p->scene, role, (crpv_rect){x, y, x + width, y + h}, font,
                                       markup, color);
    t->align = align;
    t->justify = justify;
    t->line_height = leading;
    return h;
}

void crpv_page_add_outline(crpv_page *p, const char *title, int level, double y)
{
    crpv_item *o = crpv_scene_add(p->scene, CRPV_ITEM_OUTLINE, CRPV_ROLE_NONE);
    o->text = g_strdup(title);
    o->level = level;
    o->box = (crpv_rect){p->left, y, p->right, y};
}

/* One LINK per line over the bytes START..END of the layout's text, the
 * layout drawn with its top-left corner at X, Y. */
void crpv_page_add_link_rects(crpv_page *p, PangoLayout *layout, double x, double y, size_t start,
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

static void add_crop_marks(crpv_page *p, const crpv_page_env *e)
{
    double o = e->off, b = e->bleed, len = CROP_LENGTH * CRPV_MM;
    double xs[2] = {o, o + e->w}, ys[2] = {o, o + e->h};
    for (int i = 0; i < 2; i++)
        for (int j = 0; j < 2; j++) {
            double sx = i ? 1 : -1, sy = j ? 1 : -1;
            crpv_point h[2] = {{xs[i] + sx * b, ys[j]}, {xs[i] + sx * (b + len), ys[j]}};
            crpv_point v[2] = {{xs[i], ys[j] + sy * b}, {xs[i], ys[j] + sy * (b + len)}};
            crpv_item *m = crpv_scene_add(p->scene, CRPV_ITEM_POLYLINE, CRPV_ROLE_CROP_MARK);
            crpv_shape_add_ring(&m->shape, h, 2);
            crpv_shape_add_ring(&m->shape, v, 2);
            m->stroke = crpv_color_rgb(CRPV_PRINT_REGISTRATION_KEY); /* every plate */
            m->line_width = 0.25;
        }
}

/* A new page, INDEX from 0: the recto (even) has its inner margin on the
 * left, the verso on the right. */
crpv_page crpv_page_new(const crpv_page_env *e, size_t index)
{
    const crpv_style *st = e->st;
    crpv_page p = {0};
    p.scene = crpv_scene_new(e->w + 2 * e->off, e->h + 2 * e->off);
    if (e->print)
        crpv_scene_set_trim(p.scene, (crpv_rect){e->off, e->off, e->off + e->w, e->off + e->h},
                            (crpv_rect){e->off - e->bleed, e->off - e->bleed,
                                        e->off + e->w + e->bleed, e->off + e->h + e->bleed});
    double ml = (index % 2 == 0 ? st->margin_inner : st->margin_outer) * CRPV_MM;
    double mr = (index % 2 == 0 ? st->margin_outer : st->margin_inner) * CRPV_MM;
    p.left = e->off + ml;
    p.right = e->off + e->w - mr;
    p.top = e->off + st->margin_top * CRPV_MM;
    p.bottom = e->off + e->h - st->margin_bottom * CRPV_MM;
    if (e->print)
        add_crop_marks(&p, e);
    return p;
}

/* The trim box, grown by the bleed when printing: where backgrounds that
 * touch the page's edge extend to. */
double crpv_page_edge_left(const crpv_page_env *e)
{
    return e->off - e->bleed;
}

double crpv_page_edge_right(const crpv_page_env *e)
{
    return e->off + e->w + e->bleed;
}

