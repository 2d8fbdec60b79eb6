/* The HTML fragment of the map: the PNG under an inline SVG of the same
 * proportions that holds the links, so that both scale together with
 * whatever width the page gives them, without a script. */
#include "htmlmap.h"

#include <math.h>
#include <string.h>

#include "svgmap.h"
#include "typeset.h"
#include "weblinks.h"

/* A marker's area is never smaller than a fingertip. */
#define MIN_TOUCH_RADIUS 8
/* Rings smaller than this (in pixels, either side) get no area. */
#define MIN_RING_PIXELS 3
/* Outlines of areas are kept to within this many pixels. */
#define SIMPLIFY_PIXELS 1.0
/* A coordinate past this is garbage, not geometry. */
#define MAX_COORD 1e7

typedef struct {
    double sx, sy; /* points to pixels */
    int width, height;
} pixel_space;

static long to_pixel(double v, double scale, int limit)
{
    double p = v * scale;
    if (!isfinite(p))
        return 0;
    return lround(CLAMP(p, 0, (double)limit));
}

/* A ring's bounding box, or an empty one when the ring is garbage (a
 * non-finite or absurd coordinate, too few points): garbage gets no area
 * and no say in which rings are holes. */
static crpv_rect ring_bounds(const crpv_ring *ring)
{
    crpv_rect r = {INFINITY, INFINITY, -INFINITY, -INFINITY};
    if (ring->n < 3)
        return r;
    for (size_t i = 0; i < ring->n; i++) {
        crpv_point p = ring->pts[i];
        if (!isfinite(p.x) || !isfinite(p.y) || fabs(p.x) > MAX_COORD || fabs(p.y) > MAX_COORD)
            return (crpv_rect){INFINITY, INFINITY, -INFINITY, -INFINITY};
        r.x0 = fmin(r.x0, p.x);
        r.y0 = fmin(r.y0, p.y);
        r.x1 = fmax(r.x1, p.x);
        r.y1 = fmax(r.y1, p.y);
    }
    return r;
}

typedef struct {
    long x, y;
} pixel;

/* Squared distance from P to segment AB. */
static double pixel_distance2(pixel p, pixel a, pixel b)
{
    double dx = (double)(b.x - a.x), dy = (double)(b.y - a.y);
    double len2 = dx * dx + dy * dy;
    double t = len2 > 0 ? ((double)(p.x - a.x) * dx + (double)(p.y - a.y) * dy) / len2 : 0;
    t = CLAMP(t, 0, 1);
    double ex = (double)a.x + t * dx - (double)p.x, ey = (double)a.y + t * dy - (double)p.y;
    return ex * ex + ey * ey;
}

/* Douglas-Peucker over the closed ring P of M pixels (index M is P[0]
 * again): a pointer does not need the outline finer than a pixel, and
 * the fragment stays small. Marks the vertices to keep. */
static void simplify_ring(const pixel *p, size_t m, bool *keep)
{
    GArray *stack = g_array_new(FALSE, FALSE, sizeof(size_t) * 2);
    size_t range[2] = {0, m};
    g_array_append_val(stack, range);
    keep[0] = true;
    while (stack->len) {
        size_t *top = &g_array_index(stack, size_t, 2 * (stack->len - 1));
        size_t lo = top[0], hi = top[1];
        g_array_set_size(stack, stack->len - 1);
        double far = 0;
        size_t at = 0;
        for (size_t i = lo + 1; i < hi; i++) {
            double d = pixel_distance2(p[i], p[lo], p[hi % m]);
            if (d > far) {
                far = d;
                at = i;
            }
        }
        if (far > SIMPLIFY_PIXELS * SIMPLIFY_PIXELS) {
            keep[at] = true;
            size_t left[2] = {lo, at}, right[2] = {at, hi};
            g_array_append_val(stack, left);
            g_array_append_val(stack, right);
        }
    }
    g_array_free(stack, TRUE);
}

static bool finite_point(crpv_point p)
{
    return isfinite(p.x) && isfinite(p.y) && fabs(p.x) <= MAX_COORD && fabs(p.y) <= MAX_COORD;
}

/* The path data of ITEM's rings in pixels, simplified to a pixel, holes
 * kept (even-odd); empty when nothing is left. */
static void append_path_data(GString *d, const crpv_item *item, const pixel_space *px)
{
    size_t most = 0;
    for (size_t k = 0; k < item->shape.n_rings; k++)
        most = MAX(most, item->shape.rings[k].n);
    pixel *p = g_new(pixel, most + 1);
    bool *keep = g_new(bool, most + 1);
    for (size_t k = 0; k < item->shape.n_rings; k++) {
        const crpv_ring *ring = &item->shape.rings[k];
        crpv_rect b = ring_bounds(ring);
        if (!(b.x0 <= b.x1))
            continue;
        size_t m = 0;
        for (size_t i = 0; i < ring->n; i++) {
            pixel q = {to_pixel(ring->pts[i].x, px->sx, px->width),
                       to_pixel(ring->pts[i].y, px->sy, px->height)};
            if (m == 0 || q.x != p[m - 1].x || q.y != p[m - 1].y)
                p[m++] = q;
        }
        if (m > 1 && p[0].x == p[m - 1].x && p[0].y == p[m - 1].y)
            m--; /* the closing vertex is implied */
        long minx = px->width, miny = px->height, maxx = 0, maxy = 0;
        for (size_t i = 0; i < m; i++) {
            minx = MIN(minx, p[i].x);
            maxx = MAX(maxx, p[i].x);
            miny = MIN(miny, p[i].y);
            maxy = MAX(maxy, p[i].y);
        }
        if (m < 3 || maxx - minx < MIN_RING_PIXELS || maxy - miny < MIN_RING_PIXELS)
            continue;
        memset(keep, 0, m * sizeof *keep);
        simplify_ring(p, m, keep);
        size_t kept = 0;
        for (size_t i = 0; i < m; i++)
            kept += keep[i];
        if (kept < 3)
            continue;
        /* An absolute first point, then relative moves, with a separator
         * only where a number does not start with its minus sign. */
        size_t written = 0;
        long lx = 0, ly = 0;
        for (size_t i = 0; i < m; i++) {
            if (!keep[i])
                continue;
            long x = written ? p[i].x - lx : p[i].x, y = written ? p[i].y - ly : p[i].y;
            if (written == 0)
                g_string_append_c(d, 'M');
            else if (written == 1)
                g_string_append_c(d, 'l');
            else if (x >= 0)
                g_string_append_c(d, ' ');
            crpv_svgmap_append_int(d, x);
            if (y >= 0)
                g_string_append_c(d, ' ');
            crpv_svgmap_append_int(d, y);
            lx = p[i].x;
            ly = p[i].y;
            written++;
        }
        g_string_append_c(d, 'z');
    }
    g_free(keep);
    g_free(p);
}

static void append_title(GString *out, const char *title)
{
    if (title == NULL || title[0] == '\0')
        return;
    g_string_append(out, "<title>");
    crpv_svgmap_append_escaped(out, title);
    g_string_append(out, "</title>");
}

/* Opens a link to URI. HIDDEN: one that repeats a centre's, for the
 * pointer only, out of the tab order and of what a screen reader lists. */
static void open_link(GString *out, const char *uri, const char *name, bool hidden)
{
    g_string_append(out, "<a href=\"");
    crpv_svgmap_append_escaped(out, uri);
    g_string_append_c(out, '"');
    if (hidden) {
        g_string_append(out, " tabindex=\"-1\" aria-hidden=\"true\"");
    } else if (name && name[0]) {
        g_string_append(out, " aria-label=\"");
        crpv_svgmap_append_escaped(out, name);
        g_string_append_c(out, '"');
    }
    g_string_append_c(out, '>');
}

static void append_rect(GString *out, crpv_rect b, const pixel_space *px)
{
    long x0 = to_pixel(b.x0, px->sx, px->width), y0 = to_pixel(b.y0, px->sy, px->height);
    long x1 = to_pixel(b.x1, px->sx, px->width), y1 = to_pixel(b.y1, px->sy, px->height);
    if (!isfinite(b.x0 + b.y0 + b.x1 + b.y1) || x1 <= x0 || y1 <= y0)
        return;
    g_string_append_printf(out, "<rect x=\"%ld\" y=\"%ld\" width=\"%ld\" height=\"%ld\"/>",
                           x0, y0, x1 - x0, y1 - y0);
}

/* A territory, a link box or a disc of its own or repeating a centre's. */
static void write_other(GString *out, const crpv_item *item, const crpv_web_item *web,
                        const char *uri, const pixel_space *px)
{
    GString *shape = g_string_new(NULL);
    if (item->kind == CRPV_ITEM_SHAPE) {
        GString *d = g_string_new(NULL);
        append_path_data(d, item, px);
        if (d->len)
            g_string_append_printf(shape, "<path d=\"%s\">", d->str);
        g_string_free(d, TRUE);
    } else if (item->kind == CRPV_ITEM_DISC) {
        if (finite_point(item->center) && isfinite(item->radius))
            g_string_append_printf(
                shape, "<circle cx=\"%ld\" cy=\"%ld\" r=\"%ld\">",
                to_pixel(item->center.x, px->sx, px->width),
                to_pixel(item->center.y, px->sy, px->height),
                lround(fmax(item->radius * fmin(px->sx, px->sy), MIN_TOUCH_RADIUS)));
    } else if (item->kind == CRPV_ITEM_LINK || item->kind == CRPV_ITEM_TEXT) {
        append_rect(shape, item->box, px);
        if (shape->len)
            g_string_truncate(shape, shape->len - 2), g_string_append_c(shape, '>');
    }
    if (shape->len) {
        const char *name = web->title && web->title[0] ? web->title
                           : item->key && item->key[0] ? item->key
                                                       : uri;
        if (uri)
            open_link(out, uri, name, web->link == CRPV_WEB_DUPLICATE);
        g_string_append(out, shape->str);
        append_title(out, name);
        const char *tag = item->kind == CRPV_ITEM_SHAPE    ? "path"
                          : item->kind == CRPV_ITEM_DISC ? "circle"
                                                         : "rect";
        g_string_append_printf(out, "</%s>", tag);
        if (uri)
            g_string_append(out, "</a>");
        g_string_append_c(out, '\n');
    }
    g_string_free(shape, TRUE);
}

/* The reach of centre C's marker in pixels: at least a fingertip, but
 * never past half the way to another marker. */
static double touch_radius(const crpv_weblinks *links, size_t c, const pixel_space *px)
{
    const crpv_web_centre *wc = crpv_weblinks_centre(links, c);
    double k = fmin(px->sx, px->sy);
    double drawn = wc->radius * k, reach = fmax(drawn, MIN_TOUCH_RADIUS);
    for (size_t j = 0; j < crpv_weblinks_centre_count(links); j++) {
        const crpv_web_centre *o = crpv_weblinks_centre(links, j);
        if (j == c || !finite_point(o->center))
            continue;
        double d = hypot((o->center.x - wc->center.x) * px->sx,
                         (o->center.y - wc->center.y) * px->sy);
        reach = fmin(reach, fmax(drawn, d / 2));
    }
    return reach;
}

/* A centre's one link: its marker (disc and number) and its label. */
static void write_centre(GString *out, const crpv_scene *scene, const crpv_weblinks *links,
                         size_t c, const pixel_space *px)
{
    const crpv_web_centre *wc = crpv_weblinks_centre(links, c);
    GString *body = g_string_new(NULL);
    if (finite_point(wc->center) && isfinite(wc->radius) && wc->radius > 0) {
        g_string_append(body, "<circle cx=\"");
        crpv_svgmap_append_int(body, to_pixel(wc->center.x, px->sx, px->width));
        g_string_append(body, "\" cy=\"");
        crpv_svgmap_append_int(body, to_pixel(wc->center.y, px->sy, px->height));
        g_string_append_printf(body, "\" r=\"%.1f\"/>", touch_radius(links, c, px));
    }
    for (size_t k = 0; k < wc->n_items; k++) {
        const crpv_item *it = crpv_scene_nth(scene, wc->items[k]);
        /* The number lies on the disc; a label needs its own box. */
        if (it->kind == CRPV_ITEM_TEXT && it->role != CRPV_ROLE_MARKER)
            append_rect(body, it->box, px);
    }
    if (body->len) {
        open_link(out, wc->uri, wc->name, false);
        append_title(out, wc->name);
        g_string_append(out, body->str);
        g_string_append(out, "</a>\n");
    }
    g_string_free(body, TRUE);
}

/* The centres without a link (no site nor e-mail): each is still named,
 * once, by its marker, so that the fragment holds every centre. */
static void write_unlinked_centres(GString *out, const crpv_scene *scene,
                                   const crpv_weblinks *links, const pixel_space *px)
{
    GHashTable *seen = g_hash_table_new(g_str_hash, g_str_equal); /* borrowed keys */
    for (size_t c = 0; c < crpv_weblinks_centre_count(links); c++)
        g_hash_table_add(seen, (gpointer)crpv_weblinks_centre(links, c)->key);
    for (size_t i = 0; i < crpv_scene_count(scene); i++) {
        const crpv_item *it = crpv_scene_nth(scene, i);
        if (it->kind != CRPV_ITEM_DISC || it->role != CRPV_ROLE_MARKER || !it->key ||
            !it->key[0] || g_hash_table_contains(seen, it->key) || !finite_point(it->center) ||
            !isfinite(it->radius))
            continue;
        g_hash_table_add(seen, (gpointer)it->key);
        g_autofree char *name =
            crpv_typo_french(it->title && it->title[0] ? it->title : it->key);
        g_string_append(out, "<g role=\"img\" aria-label=\"");
        crpv_svgmap_append_escaped(out, name);
        g_string_append(out, "\">");
        append_title(out, name);
        g_string_append_printf(out, "<circle cx=\"%ld\" cy=\"%ld\" r=\"%ld\"/></g>\n",
                               to_pixel(it->center.x, px->sx, px->width),
                               to_pixel(it->center.y, px->sy, px->height),
                               lround(fmax(it->radius * fmin(px->sx, px->sy), 1)));
    }
    g_hash_table_destroy(seen);
}

static void append_src(GString *out, const char *url)
{
    crpv_svgmap_append_escaped(out, url);
}

GString *crpv_htmlmap_write(const crpv_scene *scene, const crpv_htmlmap_options *opt)
{
    GString *out = g_string_sized_new(16 * 1024);
    double w = crpv_scene_width(scene), h = crpv_scene_height(scene);
    pixel_space px = {
        .sx = w > 0 ? opt->pixel_width / w : 0,
        .sy = h > 0 ? opt->pixel_height / h : 0,
        .width = MAX(opt->pixel_width, 0),
        .height = MAX(opt->pixel_height, 0),
    };

    /* The image and the links over it share one box, whose height follows
     * the width the page gives it. */
    /* Its own margins (a figure has 40 px each side by default), and never
     * wider than the 1x image: past it, even the 2x image would be
     * enlarged beyond its sharpness on a dense screen. */
    g_string_append_printf(out,
                           "<figure class=\"crpv-carte\" style=\"margin:0;max-width:%dpx\">\n"
                           "<div style=\"position:relative\">\n<img src=\"",
                           px.width);
    append_src(out, opt->image_url);
    g_string_append_c(out, '"');
    if (opt->image_2x_url) {
        /* Widths, not densities: the browser picks by the width the page
         * gives the image, which SIZES states. */
        g_string_append(out, " srcset=\"");
        append_src(out, opt->image_url);
        g_string_append_printf(out, " %dw, ", px.width);
        append_src(out, opt->image_2x_url);
        g_string_append_printf(out, " %dw\" sizes=\"(max-width: %dpx) 100vw, %dpx\"",
                               2 * px.width, px.width, px.width);
    }
    g_string_append_printf(out, " width=\"%d\" height=\"%d\" alt=\"", px.width, px.height);
    g_autofree char *alt = opt->alt ? crpv_typo_french(opt->alt) : NULL;
    crpv_svgmap_append_escaped(out, alt);
    g_string_append(out, "\" style=\"display:block;width:100%;max-width:100%;height:auto\">\n");
    g_string_append_printf(out,
                           "<svg viewBox=\"0 0 %d %d\" preserveAspectRatio=\"none\" "
                           "role=\"group\" aria-label=\"Sites des centres de ressources\" "
                           "style=\"position:absolute;left:0;top:0;width:100%%;height:100%%;"
                           "overflow:hidden\" fill=\"#000\" fill-opacity=\"0\">\n",
                           px.width, px.height);
    /* The links are invisible over the image, but show where the keyboard
     * is. */
    g_string_append(out, "<style>.crpv-carte a:focus>*{stroke:#000;stroke-width:3px;"
                         "stroke-opacity:1}</style>\n");

    crpv_weblinks *links = crpv_weblinks_new(scene, opt->directory);
    size_t n = crpv_scene_count(scene);
    /* The first shape under the pointer is the topmost: territories, then
     * link boxes, then the centres' markers and labels above all. */
    for (int pass = 0; pass < 2; pass++) {
        for (size_t i = 0; i < n; i++) {
            const crpv_item *item = crpv_scene_nth(scene, i);
            const crpv_web_item *web = crpv_weblinks_item(links, i);
            if ((item->kind == CRPV_ITEM_SHAPE) != (pass == 0))
                continue;
            const char *uri = web->link == CRPV_WEB_DUPLICATE
                                  ? crpv_weblinks_centre(links, web->centre)->uri
                              : web->link == CRPV_WEB_OWN ? item->uri
                                                          : NULL;
            /* Without a link, a territory is drawn only to say which
             * centres serve it. */
            bool named = web->served_by > 1;
            if (uri || (named && item->kind == CRPV_ITEM_SHAPE))
                write_other(out, item, web, uri, &px);
        }
    }
    for (size_t c = 0; c < crpv_weblinks_centre_count(links); c++)
        write_centre(out, scene, links, c, &px);
    write_unlinked_centres(out, scene, links, &px);
    crpv_weblinks_free(links);
    g_string_append(out, "</svg>\n</div>\n");

    GString *credit = g_string_new(NULL);
    for (size_t i = 0; i < n; i++) {
        const crpv_item *item = crpv_scene_nth(scene, i);
        if (item->kind != CRPV_ITEM_TEXT || item->role != CRPV_ROLE_CREDIT)
            continue;
        char *plain = crpv_svgmap_plain_text(item->text);
        g_strdelimit(plain, "\n", ' ');
        if (credit->len)
            g_string_append_c(credit, ' ');
        g_string_append(credit, g_strstrip(plain));
        g_free(plain);
    }
    if (credit->len) {
        g_string_append(out, "<figcaption>");
        g_autofree char *typo = crpv_typo_french(credit->str);
        crpv_svgmap_append_escaped(out, typo);
        g_string_append(out, "</figcaption>\n");
    }
    g_string_free(credit, TRUE);
    g_string_append(out, "</figure>\n");
    return out;
}
