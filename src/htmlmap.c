/* The HTML fragment of the map: the PNG with an image map. */
#include "htmlmap.h"

#include <math.h>
#include <string.h>

#include "svgmap.h"

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

static void append_area_start(GString *out, const char *shape)
{
    g_string_append_printf(out, "<area shape=\"%s\" coords=\"", shape);
}

/* href, alt and title: the item's title, or its key, or the link. */
static void append_area_end(GString *out, const crpv_item *item)
{
    const char *name = item->title && item->title[0] ? item->title
                       : item->key && item->key[0]   ? item->key
                                                     : item->uri;
    g_string_append(out, "\" href=\"");
    crpv_svgmap_append_escaped(out, item->uri);
    g_string_append(out, "\" alt=\"");
    crpv_svgmap_append_escaped(out, name);
    g_string_append(out, "\" title=\"");
    crpv_svgmap_append_escaped(out, name);
    g_string_append(out, "\">\n");
}

static void write_circle(GString *out, const crpv_item *item, const pixel_space *px)
{
    if (!isfinite(item->center.x) || !isfinite(item->center.y) || !isfinite(item->radius))
        return;
    long r = lround(fmax(item->radius * fmin(px->sx, px->sy), MIN_TOUCH_RADIUS));
    append_area_start(out, "circle");
    g_string_append_printf(out, "%ld,%ld,%ld", to_pixel(item->center.x, px->sx, px->width),
                           to_pixel(item->center.y, px->sy, px->height), r);
    append_area_end(out, item);
}

static void write_rect(GString *out, const crpv_item *item, const pixel_space *px)
{
    crpv_rect b = item->box;
    long x0 = to_pixel(b.x0, px->sx, px->width), y0 = to_pixel(b.y0, px->sy, px->height);
    long x1 = to_pixel(b.x1, px->sx, px->width), y1 = to_pixel(b.y1, px->sy, px->height);
    if (x1 <= x0 || y1 <= y0)
        return;
    append_area_start(out, "rect");
    g_string_append_printf(out, "%ld,%ld,%ld,%ld", x0, y0, x1, y1);
    append_area_end(out, item);
}

/* Even-odd containment of P in RING (any closure). */
static bool ring_contains(const crpv_ring *ring, crpv_point p)
{
    bool in = false;
    for (size_t i = 0, j = ring->n - 1; i < ring->n; j = i++) {
        crpv_point a = ring->pts[i], b = ring->pts[j];
        if ((a.y > p.y) != (b.y > p.y) && p.x < (b.x - a.x) * (p.y - a.y) / (b.y - a.y) + a.x)
            in = !in;
    }
    return in;
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

/* A ring is a hole when it lies inside an odd number of the shape's other
 * rings; orientation cannot tell, projections may flip it. */
static bool is_outer(const crpv_shape *shape, const crpv_rect *bounds, size_t k)
{
    if (!(bounds[k].x0 <= bounds[k].x1))
        return false;
    crpv_point p = shape->rings[k].pts[0];
    size_t inside = 0;
    for (size_t j = 0; j < shape->n_rings; j++) {
        const crpv_rect *b = &bounds[j];
        if (j != k && p.x >= b->x0 && p.x <= b->x1 && p.y >= b->y0 && p.y <= b->y1 &&
            ring_contains(&shape->rings[j], p))
            inside++;
    }
    return inside % 2 == 0;
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

static void write_polygons(GString *out, const crpv_item *item, const pixel_space *px)
{
    size_t n_rings = item->shape.n_rings;
    crpv_rect *bounds = g_new(crpv_rect, n_rings);
    size_t most = 0;
    for (size_t k = 0; k < n_rings; k++) {
        bounds[k] = ring_bounds(&item->shape.rings[k]);
        most = MAX(most, item->shape.rings[k].n);
    }
    pixel *p = g_new(pixel, most + 1);
    bool *keep = g_new(bool, most + 1);
    for (size_t k = 0; k < n_rings; k++) {
        const crpv_ring *ring = &item->shape.rings[k];
        if (!is_outer(&item->shape, bounds, k))
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
        append_area_start(out, "poly");
        bool first = true;
        for (size_t i = 0; i < m; i++) {
            if (!keep[i])
                continue;
            if (!first)
                g_string_append_c(out, ',');
            crpv_svgmap_append_int(out, p[i].x);
            g_string_append_c(out, ',');
            crpv_svgmap_append_int(out, p[i].y);
            first = false;
        }
        append_area_end(out, item);
    }
    g_free(keep);
    g_free(p);
    g_free(bounds);
}

static bool linkable(const crpv_item *item)
{
    return crpv_svgmap_uri_allowed(item->uri) &&
           (item->kind == CRPV_ITEM_SHAPE || item->kind == CRPV_ITEM_DISC ||
            item->kind == CRPV_ITEM_LINK || item->kind == CRPV_ITEM_TEXT);
}

GString *crpv_htmlmap_write(const crpv_scene *scene, const char *image_url,
                            const char *image_2x_url, int pixel_width, int pixel_height,
                            const char *alt)
{
    GString *out = g_string_sized_new(16 * 1024);
    double w = crpv_scene_width(scene), h = crpv_scene_height(scene);
    pixel_space px = {
        .sx = w > 0 ? pixel_width / w : 0,
        .sy = h > 0 ? pixel_height / h : 0,
        .width = MAX(pixel_width, 0),
        .height = MAX(pixel_height, 0),
    };

    g_string_append(out, "<figure class=\"crpv-carte\">\n<img src=\"");
    crpv_svgmap_append_escaped(out, image_url);
    g_string_append_c(out, '"');
    if (image_2x_url) {
        g_string_append(out, " srcset=\"");
        crpv_svgmap_append_escaped(out, image_url);
        g_string_append(out, " 1x, ");
        crpv_svgmap_append_escaped(out, image_2x_url);
        g_string_append(out, " 2x\"");
    }
    g_string_append_printf(out, " width=\"%d\" height=\"%d\" alt=\"", px.width, px.height);
    crpv_svgmap_append_escaped(out, alt);
    g_string_append(out, "\" usemap=\"#crpv-carte\">\n<map name=\"crpv-carte\">\n");

    /* The first area under the pointer wins: markers, then the small
     * boxes (labels, links), then the territories beneath them. */
    size_t n = crpv_scene_count(scene);
    for (int pass = 0; pass < 3; pass++) {
        for (size_t i = 0; i < n; i++) {
            const crpv_item *item = crpv_scene_nth(scene, i);
            if (!linkable(item))
                continue;
            if (pass == 0 && item->kind == CRPV_ITEM_DISC)
                write_circle(out, item, &px);
            else if (pass == 1 && (item->kind == CRPV_ITEM_LINK || item->kind == CRPV_ITEM_TEXT))
                write_rect(out, item, &px);
            else if (pass == 2 && item->kind == CRPV_ITEM_SHAPE)
                write_polygons(out, item, &px);
        }
    }
    g_string_append(out, "</map>\n");

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
        crpv_svgmap_append_escaped(out, credit->str);
        g_string_append(out, "</figcaption>\n");
    }
    g_string_free(credit, TRUE);
    g_string_append(out, "</figure>\n");
    return out;
}
