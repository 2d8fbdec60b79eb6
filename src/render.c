#include "render.h"

#include <glib.h>
#include <math.h>
#include <string.h>
#include <pango/pangocairo.h>

#include "typeset.h"


static void set_color(cairo_t *cr, crpv_color c)
{
    cairo_set_source_rgba(cr, c.r, c.g, c.b, c.a);
}

static void ring_path(cairo_t *cr, const crpv_ring *ring, bool close)
{
    if (ring->n == 0)
        return;
    cairo_move_to(cr, ring->pts[0].x, ring->pts[0].y);
    for (size_t i = 1; i < ring->n; i++)
        cairo_line_to(cr, ring->pts[i].x, ring->pts[i].y);
    if (close)
        cairo_close_path(cr);
}

/* The item's stripes inside the current path, which is kept: lines
 * x + y = n * period across the path's extents, clipped to it. */
static void paint_hatch(cairo_t *cr, const crpv_item *item)
{
    double period = item->hatch_step * G_SQRT2;
    if (!(item->hatch.a > 0) || !(item->hatch_width > 0) || !(period > 0))
        return;
    cairo_path_t *path = cairo_copy_path(cr);
    double x0, y0, x1, y1;
    cairo_fill_extents(cr, &x0, &y0, &x1, &y1);
    cairo_save(cr);
    cairo_clip(cr);
    y0 -= item->hatch_width;
    y1 += item->hatch_width;
    for (double n = floor((x0 + y0) / period); n * period <= x1 + y1; n++) {
        double c = n * period;
        cairo_move_to(cr, c - y0, y0);
        cairo_line_to(cr, c - y1, y1);
    }
    set_color(cr, item->hatch);
    cairo_set_line_width(cr, item->hatch_width);
    cairo_set_line_cap(cr, CAIRO_LINE_CAP_BUTT);
    cairo_stroke(cr);
    cairo_restore(cr);
    cairo_append_path(cr, path);
    cairo_path_destroy(path);
}

/* Fills, hatches then strokes the current path, each only when its colour
 * shows. */
static void paint_path(cairo_t *cr, const crpv_item *item)
{
    if (item->fill.a > 0) {
        set_color(cr, item->fill);
        cairo_fill_preserve(cr);
    }
    paint_hatch(cr, item);
    if (item->stroke.a > 0 && item->line_width > 0) {
        set_color(cr, item->stroke);
        cairo_set_line_width(cr, item->line_width);
        cairo_stroke_preserve(cr);
    }
    cairo_new_path(cr);
}

/* A cairo tag attribute string quotes its values with single quotes:
 * escape them and backslashes so that no URI can break out. */
static char *link_attributes(const char *uri, const crpv_rect *rect)
{
    GString *s = g_string_new(NULL);
    if (rect)
        g_string_append_printf(s, "rect=[%.2f %.2f %.2f %.2f] ", rect->x0, rect->y0,
                               rect->x1 - rect->x0, rect->y1 - rect->y0);
    g_string_append(s, "uri='");
    for (const char *p = uri; *p; p++) {
        if (*p == '\'' || *p == '\\')
            g_string_append_c(s, '\\');
        g_string_append_c(s, *p);
    }
    g_string_append_c(s, '\'');
    return g_string_free(s, FALSE);
}

static void draw_text(cairo_t *cr, const crpv_item *item, PangoContext *ctx)
{
    double width = item->box.x1 - item->box.x0;
    /* A box measured to fit its text exactly must not wrap it again when
     * its width is rounded to Pango units; justified text keeps the exact
     * width it was set at. */
    if (!item->justify)
        width += 0.05;
    PangoLayout *layout = crpv_text_layout_shared(ctx, item->font, item->text, width, item->align,
                                                  item->justify, item->line_height);
    cairo_move_to(cr, item->box.x0, item->box.y0);
    if (item->halo) {
        /* One outline of the glyphs, stroked once under them: a path, not
         * text, so that the PDF's text layer holds each label once. */
        cairo_save(cr);
        pango_cairo_layout_path(cr, layout);
        cairo_set_source_rgb(cr, 1, 1, 1);
        cairo_set_line_width(cr, 1.6);
        cairo_set_line_join(cr, CAIRO_LINE_JOIN_ROUND);
        cairo_stroke(cr);
        cairo_restore(cr);
        cairo_move_to(cr, item->box.x0, item->box.y0);
    }
    set_color(cr, item->fill);
    pango_cairo_show_layout(cr, layout);
    g_object_unref(layout);
}

/* A line of set text, its spaces widened so that it ends exactly where
 * the line breaker said: the glyph strings Pango shaped, adjusted. */
static void draw_line(cairo_t *cr, const crpv_item *item, PangoContext *ctx)
{
    PangoLayout *layout = crpv_text_layout_new(ctx, item->font, item->text, 0, 0, false, 0);
    PangoLayoutLine *line = pango_layout_get_line(layout, 0);
    double scale = item->glyph_scale > 0 ? item->glyph_scale : 1;
    if (line && item->justify) {
        const char *text = pango_layout_get_text(layout);
        /* Spaces at the line's end stay as they are. */
        int end = (int)strlen(text);
        while (end > 0 && text[end - 1] == ' ')
            end--;
        int natural = 0, spaces = 0;
        for (GSList *r = line->runs; r; r = r->next) {
            PangoGlyphItem *run = r->data;
            for (int g = 0; g < run->glyphs->num_glyphs; g++) {
                int at = run->item->offset + run->glyphs->log_clusters[g];
                if (at >= end)
                    continue;
                natural += run->glyphs->glyphs[g].geometry.width;
                spaces += text[at] == ' ';
            }
        }
        double extra = (item->box.x1 - item->box.x0) / scale * PANGO_SCALE - natural;
        /* Shared out in whole Pango units, the remainder spread so that the
         * line's end lands where it should. */
        int k = 0;
        for (GSList *r = line->runs; r && spaces > 0; r = r->next) {
            PangoGlyphItem *run = r->data;
            for (int g = 0; g < run->glyphs->num_glyphs; g++) {
                int at = run->item->offset + run->glyphs->log_clusters[g];
                if (at >= end || text[at] != ' ')
                    continue;
                int before = (int)lround(extra * k / spaces);
                int after = (int)lround(extra * (k + 1) / spaces);
                run->glyphs->glyphs[g].geometry.width += after - before;
                k++;
            }
        }
    }
    if (line) {
        cairo_save(cr);
        cairo_translate(cr, item->box.x0, item->baseline);
        cairo_scale(cr, scale, 1);
        cairo_move_to(cr, 0, 0);
        set_color(cr, item->fill);
        pango_cairo_show_layout_line(cr, line);
        cairo_restore(cr);
    }
    g_object_unref(layout);
}

/* Only items with a small, meaningful area carry their link in the PDF: a
 * region's bounding box would cover its neighbours. */
static bool linked(const crpv_item *item)
{
    return item->uri && (item->kind == CRPV_ITEM_TEXT || item->kind == CRPV_ITEM_DISC ||
                         item->kind == CRPV_ITEM_LINE);
}

/* Whether ITEM paints anything: Cairo 1.16 fails on an element whose
 * marked content stays empty. */
static bool draws(const crpv_item *item)
{
    switch (item->kind) {
    case CRPV_ITEM_TEXT:
    case CRPV_ITEM_LINE:
        return item->text && *item->text && item->fill.a > 0;
    case CRPV_ITEM_SHAPE:
    case CRPV_ITEM_POLYLINE:
        if (item->shape.n_rings == 0)
            return false;
        /* fall through */
    case CRPV_ITEM_RECT:
    case CRPV_ITEM_DISC:
        return item->fill.a > 0 || item->hatch.a > 0 || (item->stroke.a > 0 && item->line_width > 0);
    default:
        return false;
    }
}

/* For each TAG_BEGIN of SCENE, whether its element will have children
 * (nested elements or, with LINKS, links): a new array of gboolean, one per item. */
static gboolean *tags_with_children(const crpv_scene *scene, bool links)
{
    size_t n = crpv_scene_count(scene);
    gboolean *has = g_new0(gboolean, n);
    GArray *open = g_array_new(FALSE, FALSE, sizeof(size_t));
    for (size_t i = 0; i < n; i++) {
        const crpv_item *item = crpv_scene_nth(scene, i);
        bool child = item->kind == CRPV_ITEM_TAG_BEGIN ||
                     (links && (linked(item) || (item->kind == CRPV_ITEM_LINK && item->uri)));
        if (child && open->len)
            has[g_array_index(open, size_t, open->len - 1)] = TRUE;
        if (item->kind == CRPV_ITEM_TAG_BEGIN)
            g_array_append_val(open, i);
        else if (item->kind == CRPV_ITEM_TAG_END && open->len)
            g_array_set_size(open, open->len - 1);
    }
    g_array_free(open, TRUE);
    return has;
}

static void render(cairo_t *cr, const crpv_scene *scene, PangoContext *ctx, bool links);

void crpv_render_scene(cairo_t *cr, const crpv_scene *scene, PangoContext *ctx)
{
    render(cr, scene, ctx, true);
}

void crpv_render_scene_unlinked(cairo_t *cr, const crpv_scene *scene, PangoContext *ctx)
{
    render(cr, scene, ctx, false);
}

static void string_free(gpointer s)
{
    g_string_free(s, TRUE);
}

void crpv_render_links(cairo_t *cr, const crpv_scene *scene)
{
    /* URI -> GString of rectangles, in order of first appearance. */
    GHashTable *rects = g_hash_table_new_full(g_str_hash, g_str_equal, NULL,
                                              string_free);
    GPtrArray *order = g_ptr_array_new();
    for (size_t i = 0; i < crpv_scene_count(scene); i++) {
        const crpv_item *item = crpv_scene_nth(scene, i);
        if (!linked(item) && !(item->kind == CRPV_ITEM_LINK && item->uri))
            continue;
        GString *r = g_hash_table_lookup(rects, item->uri);
        if (!r) {
            r = g_string_new(NULL);
            g_hash_table_insert(rects, item->uri, r);
            g_ptr_array_add(order, item->uri);
        }
        g_string_append_printf(r, "%s%.2f %.2f %.2f %.2f", r->len ? " " : "", item->box.x0,
                               item->box.y0, item->box.x1 - item->box.x0,
                               item->box.y1 - item->box.y0);
    }
    for (guint i = 0; i < order->len; i++) {
        const char *uri = g_ptr_array_index(order, i);
        g_autofree char *a = link_attributes(uri, NULL);
        g_autofree char *attrs =
            g_strdup_printf("rect=[%s] %s", ((GString *)g_hash_table_lookup(rects, uri))->str, a);
        cairo_tag_begin(cr, CAIRO_TAG_LINK, attrs);
        cairo_tag_end(cr, CAIRO_TAG_LINK);
    }
    g_ptr_array_free(order, TRUE);
    g_hash_table_destroy(rects);
}

static void render(cairo_t *cr, const crpv_scene *scene, PangoContext *ctx, bool links)
{
    /* Structure tags must be closed by name: keep the open ones. */
    GPtrArray *open_tags = g_ptr_array_new();
    /* Cairo 1.16 marks the content of childless elements only: an
     * element's own content beside its children (the map's drawing and
     * legend beside its links) goes into a placeholder child, which the
     * PDF's finishing folds back into it (pdfpost.c). */
    gboolean *parent = tags_with_children(scene, links);
    GArray *open_parent = g_array_new(FALSE, FALSE, sizeof(gboolean));
    bool own = false;
    cairo_save(cr);
    /* Bevel joins: at the map's hairline widths they look the same as
     * round ones, and Cairo strokes (and, for PDF, measures) them several
     * times faster over thousands of vertices. */
    cairo_set_line_join(cr, CAIRO_LINE_JOIN_BEVEL);
    cairo_set_line_cap(cr, CAIRO_LINE_CAP_ROUND);
    for (size_t i = 0; i < crpv_scene_count(scene); i++) {
        const crpv_item *item = crpv_scene_nth(scene, i);
        bool link = links && linked(item);
        bool content = !link && item->kind != CRPV_ITEM_LINK &&
                       item->kind != CRPV_ITEM_TAG_BEGIN && item->kind != CRPV_ITEM_TAG_END &&
                       item->kind != CRPV_ITEM_OUTLINE;
        /* Text always; graphics in a figure, which they make up, where
         * elsewhere they are decoration, left to become artifacts. */
        bool in_parent = open_parent->len &&
                         g_array_index(open_parent, gboolean, open_parent->len - 1) &&
                         (item->kind == CRPV_ITEM_TEXT || item->kind == CRPV_ITEM_LINE ||
                          !strcmp(g_ptr_array_index(open_tags, open_tags->len - 1), "Figure"));
        if (own && (!content || !in_parent)) {
            cairo_tag_end(cr, CRPV_TAG_OWN_CONTENT);
            own = false;
        }
        if (content && in_parent && !own && draws(item)) {
            cairo_tag_begin(cr, CRPV_TAG_OWN_CONTENT, "");
            own = true;
        }
        g_autofree char *attrs = link ? link_attributes(item->uri, NULL) : NULL;
        if (link)
            cairo_tag_begin(cr, CAIRO_TAG_LINK, attrs);
        switch (item->kind) {
        case CRPV_ITEM_SHAPE:
            cairo_set_fill_rule(cr, CAIRO_FILL_RULE_EVEN_ODD);
            for (size_t r = 0; r < item->shape.n_rings; r++)
                ring_path(cr, &item->shape.rings[r], true);
            paint_path(cr, item);
            break;
        case CRPV_ITEM_POLYLINE:
            for (size_t r = 0; r < item->shape.n_rings; r++)
                ring_path(cr, &item->shape.rings[r], false);
            paint_path(cr, &(crpv_item){.stroke = item->stroke, .line_width = item->line_width});
            break;
        case CRPV_ITEM_RECT:
            cairo_rectangle(cr, item->box.x0, item->box.y0, item->box.x1 - item->box.x0,
                            item->box.y1 - item->box.y0);
            paint_path(cr, item);
            break;
        case CRPV_ITEM_DISC:
            cairo_new_sub_path(cr);
            cairo_arc(cr, item->center.x, item->center.y, item->radius, 0, 2 * G_PI);
            paint_path(cr, item);
            break;
        case CRPV_ITEM_TEXT:
            if (item->text && *item->text)
                draw_text(cr, item, ctx);
            break;
        case CRPV_ITEM_LINK: {
            g_autofree char *a = link_attributes(item->uri ? item->uri : "", &item->box);
            if (item->uri && links) {
                cairo_tag_begin(cr, CAIRO_TAG_LINK, a);
                cairo_tag_end(cr, CAIRO_TAG_LINK);
            }
            break;
        }
        case CRPV_ITEM_TAG_BEGIN:
            cairo_tag_begin(cr, item->text, "");
            g_ptr_array_add(open_tags, item->text);
            g_array_append_val(open_parent, parent[i]);
            break;
        case CRPV_ITEM_TAG_END:
            if (open_tags->len) {
                cairo_tag_end(cr, g_ptr_array_index(open_tags, open_tags->len - 1));
                g_ptr_array_set_size(open_tags, open_tags->len - 1);
                g_array_set_size(open_parent, open_parent->len - 1);
            }
            break;
        case CRPV_ITEM_OUTLINE:
            break; /* bookmarks belong to the document: the output module adds them */
        case CRPV_ITEM_LINE:
            if (item->text && *item->text)
                draw_line(cr, item, ctx);
            break;
        }
        if (link)
            cairo_tag_end(cr, CAIRO_TAG_LINK);
    }
    if (own)
        cairo_tag_end(cr, CRPV_TAG_OWN_CONTENT);
    g_free(parent);
    g_array_free(open_parent, TRUE);
    while (open_tags->len) {
        cairo_tag_end(cr, g_ptr_array_index(open_tags, open_tags->len - 1));
        g_ptr_array_set_size(open_tags, open_tags->len - 1);
    }
    g_ptr_array_free(open_tags, TRUE);
    cairo_restore(cr);
}
