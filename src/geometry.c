/* Planar geometry: rectangles, shapes, containment, pole of inaccessibility. */
#include "geometry.h"

#include <glib.h>
#include <math.h>
#include <string.h>

crpv_rect crpv_rect_empty(void)
{
    return (crpv_rect){INFINITY, INFINITY, -INFINITY, -INFINITY};
}

bool crpv_rect_is_empty(crpv_rect r)
{
    /* Written so that NaN bounds also count as empty. */
    return !(r.x0 <= r.x1 && r.y0 <= r.y1);
}

crpv_rect crpv_rect_union(crpv_rect a, crpv_rect b)
{
    if (crpv_rect_is_empty(a))
        return b;
    if (crpv_rect_is_empty(b))
        return a;
    return (crpv_rect){fmin(a.x0, b.x0), fmin(a.y0, b.y0), fmax(a.x1, b.x1), fmax(a.y1, b.y1)};
}

crpv_rect crpv_rect_add_point(crpv_rect r, crpv_point p)
{
    if (crpv_rect_is_empty(r))
        return (crpv_rect){p.x, p.y, p.x, p.y};
    return (crpv_rect){fmin(r.x0, p.x), fmin(r.y0, p.y), fmax(r.x1, p.x), fmax(r.y1, p.y)};
}

crpv_rect crpv_rect_inflate(crpv_rect r, double d)
{
    if (crpv_rect_is_empty(r))
        return r;
    crpv_rect out = {r.x0 - d, r.y0 - d, r.x1 + d, r.y1 + d};
    /* Deflating past the centre leaves nothing. */
    return crpv_rect_is_empty(out) ? crpv_rect_empty() : out;
}

bool crpv_rect_intersects(crpv_rect a, crpv_rect b)
{
    if (crpv_rect_is_empty(a) || crpv_rect_is_empty(b))
        return false;
    return a.x0 < b.x1 && b.x0 < a.x1 && a.y0 < b.y1 && b.y0 < a.y1;
}

bool crpv_rect_contains_point(crpv_rect r, crpv_point p)
{
    return p.x >= r.x0 && p.x <= r.x1 && p.y >= r.y0 && p.y <= r.y1;
}

bool crpv_rect_contains_rect(crpv_rect a, crpv_rect b)
{
    /* An empty B is refused: it is almost always a bug upstream, and a
     * placement check should not pass on it. */
    if (crpv_rect_is_empty(a) || crpv_rect_is_empty(b))
        return false;
    return b.x0 >= a.x0 && b.x1 <= a.x1 && b.y0 >= a.y0 && b.y1 <= a.y1;
}

double crpv_rect_width(crpv_rect r)
{
    return crpv_rect_is_empty(r) ? 0.0 : r.x1 - r.x0;
}

double crpv_rect_height(crpv_rect r)
{
    return crpv_rect_is_empty(r) ? 0.0 : r.y1 - r.y0;
}

bool crpv_rect_intersects_disc(crpv_rect r, crpv_point c, double radius)
{
    if (crpv_rect_is_empty(r) || !(radius > 0))
        return false;
    double dx = c.x < r.x0 ? r.x0 - c.x : (c.x > r.x1 ? c.x - r.x1 : 0.0);
    double dy = c.y < r.y0 ? r.y0 - c.y : (c.y > r.y1 ? c.y - r.y1 : 0.0);
    return dx * dx + dy * dy < radius * radius;
}

void crpv_shape_add_ring(crpv_shape *shape, const crpv_point *pts, size_t n)
{
    shape->rings = g_renew(crpv_ring, shape->rings, shape->n_rings + 1);
    crpv_ring *ring = &shape->rings[shape->n_rings++];
    ring->n = n;
    ring->pts = n ? g_memdup2(pts, n * sizeof *pts) : NULL;
}

crpv_shape crpv_shape_copy(const crpv_shape *shape)
{
    crpv_shape out = {NULL, 0};
    if (!shape)
        return out;
    for (size_t i = 0; i < shape->n_rings; i++)
        crpv_shape_add_ring(&out, shape->rings[i].pts, shape->rings[i].n);
    return out;
}

void crpv_shape_clear(crpv_shape *shape)
{
    if (!shape)
        return;
    for (size_t i = 0; i < shape->n_rings; i++)
        g_free(shape->rings[i].pts);
    g_free(shape->rings);
    shape->rings = NULL;
    shape->n_rings = 0;
}

crpv_rect crpv_shape_bbox(const crpv_shape *shape)
{
    /* Plain comparisons in the loop: this runs over every vertex read. */
    double x0 = INFINITY, y0 = INFINITY, x1 = -INFINITY, y1 = -INFINITY;
    bool any = false;
    for (size_t i = 0; i < shape->n_rings; i++)
        for (size_t j = 0; j < shape->rings[i].n; j++) {
            crpv_point p = shape->rings[i].pts[j];
            x0 = p.x < x0 ? p.x : x0;
            x1 = p.x > x1 ? p.x : x1;
            y0 = p.y < y0 ? p.y : y0;
            y1 = p.y > y1 ? p.y : y1;
            any = true;
        }
    return any ? (crpv_rect){x0, y0, x1, y1} : crpv_rect_empty();
}

size_t crpv_shape_n_points(const crpv_shape *shape)
{
    size_t n = 0;
    for (size_t i = 0; i < shape->n_rings; i++)
        n += shape->rings[i].n;
    return n;
}

/* Every loop below walks the edges i -> (i + 1) % n, so that a ring that
 * is not explicitly closed still counts as closed; the closing edge of a
 * closed ring is degenerate and changes nothing. */

bool crpv_shape_contains(const crpv_shape *shape, crpv_point p)
{
    bool inside = false;
    for (size_t r = 0; r < shape->n_rings; r++) {
        const crpv_point *pts = shape->rings[r].pts;
        size_t n = shape->rings[r].n;
        for (size_t i = 0, j = n ? n - 1 : 0; i < n; j = i++) {
            const crpv_point a = pts[i], b = pts[j];
            if ((a.y > p.y) != (b.y > p.y) && p.x < (b.x - a.x) * (p.y - a.y) / (b.y - a.y) + a.x)
                inside = !inside;
        }
    }
    return inside;
}

double crpv_ring_area(const crpv_ring *ring)
{
    double sum = 0.0;
    size_t n = ring->n;
    for (size_t i = 0; i < n; i++) {
        const crpv_point a = ring->pts[i], b = ring->pts[(i + 1) % n];
        sum += a.x * b.y - b.x * a.y;
    }
    return sum / 2.0;
}

static double segment_dist2(crpv_point p, crpv_point a, crpv_point b)
{
    double x = a.x, y = a.y, dx = b.x - x, dy = b.y - y;
    if (dx != 0.0 || dy != 0.0) {
        double t = ((p.x - x) * dx + (p.y - y) * dy) / (dx * dx + dy * dy);
        if (t > 1.0) {
            x = b.x;
            y = b.y;
        } else if (t > 0.0) {
            x += dx * t;
            y += dy * t;
        }
    }
    dx = p.x - x;
    dy = p.y - y;
    return dx * dx + dy * dy;
}

double crpv_shape_signed_distance(const crpv_shape *shape, crpv_point p)
{
    bool inside = false;
    double best = INFINITY;
    for (size_t r = 0; r < shape->n_rings; r++) {
        const crpv_point *pts = shape->rings[r].pts;
        size_t n = shape->rings[r].n;
        for (size_t i = 0, j = n ? n - 1 : 0; i < n; j = i++) {
            const crpv_point a = pts[i], b = pts[j];
            if ((a.y > p.y) != (b.y > p.y) && p.x < (b.x - a.x) * (p.y - a.y) / (b.y - a.y) + a.x)
                inside = !inside;
            double d2 = segment_dist2(p, a, b);
            if (d2 < best)
                best = d2;
        }
    }
    double d = sqrt(best);
    return inside ? d : -d;
}

/* Polylabel (Mapbox, ISC licence), reimplemented: square cells in a
 * priority queue ordered by the best distance any point of the cell could
 * reach; cells that cannot beat the best found by more than the precision
 * are dropped. */
typedef struct {
    double x, y; /* centre */
    double h;    /* half size */
    double d;    /* signed distance from the centre to the outline */
    double max;  /* upper bound of the distance inside the cell */
} pole_cell;

static pole_cell make_cell(const crpv_shape *shape, double x, double y, double h)
{
    pole_cell c = {x, y, h, crpv_shape_signed_distance(shape, (crpv_point){x, y}), 0};
    c.max = c.d + h * G_SQRT2;
    return c;
}

typedef struct {
    pole_cell *cells;
    size_t n, cap;
} cell_heap;

/* Max-heap on MAX; ties broken on position so the result never depends on
 * anything but the input. */
static bool cell_before(const pole_cell *a, const pole_cell *b)
{
    if (a->max != b->max)
        return a->max > b->max;
    if (a->y != b->y)
        return a->y < b->y;
    return a->x < b->x;
}

static void heap_push(cell_heap *h, pole_cell c)
{
    if (h->n == h->cap) {
        h->cap = h->cap ? h->cap * 2 : 64;
        h->cells = g_renew(pole_cell, h->cells, h->cap);
    }
    size_t i = h->n++;
    while (i > 0) {
        size_t parent = (i - 1) / 2;
        if (!cell_before(&c, &h->cells[parent]))
            break;
        h->cells[i] = h->cells[parent];
        i = parent;
    }
    h->cells[i] = c;
}

static pole_cell heap_pop(cell_heap *h)
{
    pole_cell top = h->cells[0];
    pole_cell last = h->cells[--h->n];
    size_t i = 0;
    for (;;) {
        size_t l = 2 * i + 1, r = l + 1, m = i;
        const pole_cell *best = &last;
        if (l < h->n && cell_before(&h->cells[l], best)) {
            m = l;
            best = &h->cells[l];
        }
        if (r < h->n && cell_before(&h->cells[r], best))
            m = r;
        if (m == i)
            break;
        h->cells[i] = h->cells[m];
        i = m;
    }
    if (h->n > 0)
        h->cells[i] = last;
    return top;
}

/* Area centroid of the largest ring: polylabel's first guess. */
static crpv_point largest_ring_centroid(const crpv_shape *shape)
{
    const crpv_ring *big = NULL;
    double big_area = -1.0;
    for (size_t r = 0; r < shape->n_rings; r++) {
        double a = fabs(crpv_ring_area(&shape->rings[r]));
        if (a > big_area) {
            big_area = a;
            big = &shape->rings[r];
        }
    }
    double cx = 0, cy = 0, area = 0;
    for (size_t i = 0; i < big->n; i++) {
        crpv_point a = big->pts[i], b = big->pts[(i + 1) % big->n];
        double f = a.x * b.y - b.x * a.y;
        cx += (a.x + b.x) * f;
        cy += (a.y + b.y) * f;
        area += f * 3;
    }
    if (area == 0.0)
        return big->n ? big->pts[0] : (crpv_point){0, 0};
    return (crpv_point){cx / area, cy / area};
}

crpv_point crpv_shape_pole(const crpv_shape *shape, double precision)
{
    crpv_rect box = crpv_shape_bbox(shape);
    if (crpv_rect_is_empty(box))
        return (crpv_point){0, 0};
    double w = crpv_rect_width(box), h = crpv_rect_height(box);
    if (!isfinite(w) || !isfinite(h))
        return (crpv_point){box.x0, box.y0};
    /* A zero or absurd precision would never stop: bound it by the size. */
    double floor_precision = fmax(w, h) * 1e-9;
    if (!(precision > floor_precision))
        precision = floor_precision;
    double cell_size = fmax(precision, fmin(w, h));
    if (cell_size <= 0.0)
        return (crpv_point){box.x0, box.y0};
    /* A very thin bounding box would need too many first cells. */
    while ((w / cell_size) * (h / cell_size) > 10000.0)
        cell_size *= 2.0;

    cell_heap heap = {NULL, 0, 0};
    double half = cell_size / 2.0;
    for (double x = box.x0; x < box.x1; x += cell_size)
        for (double y = box.y0; y < box.y1; y += cell_size)
            heap_push(&heap, make_cell(shape, x + half, y + half, half));
    if (heap.n == 0) /* zero width or height */
        heap_push(&heap, make_cell(shape, box.x0 + w / 2, box.y0 + h / 2, fmax(w, h) / 2));

    crpv_point c = largest_ring_centroid(shape);
    pole_cell best = make_cell(shape, c.x, c.y, 0);
    pole_cell mid = make_cell(shape, box.x0 + w / 2, box.y0 + h / 2, 0);
    if (mid.d > best.d)
        best = mid;

    /* The cell count is bounded by the precision floor above; the
     * iteration cap is only a safety net against pathological input. */
    for (size_t iter = 0; heap.n > 0 && iter < 1000000; iter++) {
        pole_cell cell = heap_pop(&heap);
        if (cell.d > best.d)
            best = cell;
        if (cell.max - best.d <= precision)
            continue;
        double q = cell.h / 2;
        heap_push(&heap, make_cell(shape, cell.x - q, cell.y - q, q));
        heap_push(&heap, make_cell(shape, cell.x + q, cell.y - q, q));
        heap_push(&heap, make_cell(shape, cell.x - q, cell.y + q, q));
        heap_push(&heap, make_cell(shape, cell.x + q, cell.y + q, q));
    }
    g_free(heap.cells);
    return (crpv_point){best.x, best.y};
}

bool crpv_shape_near(const crpv_shape *shape, crpv_point p, double distance)
{
    if (crpv_shape_contains(shape, p))
        return true;
    double d2 = distance * distance;
    for (size_t r = 0; r < shape->n_rings; r++) {
        const crpv_point *pts = shape->rings[r].pts;
        size_t n = shape->rings[r].n;
        for (size_t i = 0, j = n ? n - 1 : 0; i < n; j = i++) {
            const crpv_point a = pts[i], b = pts[j];
            if (fmin(a.x, b.x) - distance > p.x || fmax(a.x, b.x) + distance < p.x ||
                fmin(a.y, b.y) - distance > p.y || fmax(a.y, b.y) + distance < p.y)
                continue;
            if (segment_dist2(p, a, b) <= d2)
                return true;
        }
    }
    return false;
}

/* Sutherland-Hodgman against one edge of a rectangle: SIDE 0..3 is
 * x >= x0, x <= x1, y >= y0, y <= y1. */
static bool inside_edge(crpv_point p, crpv_rect r, int side)
{
    switch (side) {
    case 0:
        return p.x >= r.x0;
    case 1:
        return p.x <= r.x1;
    case 2:
        return p.y >= r.y0;
    default:
        return p.y <= r.y1;
    }
}

static crpv_point cross_edge(crpv_point a, crpv_point b, crpv_rect r, int side)
{
    double t;
    if (side < 2) {
        double x = side == 0 ? r.x0 : r.x1;
        t = (x - a.x) / (b.x - a.x);
        return (crpv_point){x, a.y + t * (b.y - a.y)};
    }
    double y = side == 2 ? r.y0 : r.y1;
    t = (y - a.y) / (b.y - a.y);
    return (crpv_point){a.x + t * (b.x - a.x), y};
}

crpv_shape crpv_shape_clip_rect(const crpv_shape *shape, crpv_rect r)
{
    crpv_shape out = {NULL, 0};
    GArray *cur = g_array_new(FALSE, FALSE, sizeof(crpv_point));
    GArray *next = g_array_new(FALSE, FALSE, sizeof(crpv_point));
    for (size_t k = 0; k < shape->n_rings; k++) {
        const crpv_ring *ring = &shape->rings[k];
        g_array_set_size(cur, 0);
        /* Work on the open ring: the closing point is added back. */
        if (ring->n < 4)
            continue;
        g_array_append_vals(cur, ring->pts, (guint)(ring->n - 1));
        for (int side = 0; side < 4 && cur->len; side++) {
            g_array_set_size(next, 0);
            for (guint i = 0; i < cur->len; i++) {
                crpv_point a = g_array_index(cur, crpv_point, i);
                crpv_point b = g_array_index(cur, crpv_point, (i + 1) % cur->len);
                bool ia = inside_edge(a, r, side), ib = inside_edge(b, r, side);
                if (ia)
                    g_array_append_val(next, a);
                if (ia != ib) {
                    crpv_point c = cross_edge(a, b, r, side);
                    g_array_append_val(next, c);
                }
            }
            GArray *t = cur;
            cur = next;
            next = t;
        }
        if (cur->len < 3)
            continue;
        crpv_point first = g_array_index(cur, crpv_point, 0);
        g_array_append_val(cur, first);
        crpv_shape_add_ring(&out, (const crpv_point *)cur->data, cur->len);
    }
    g_array_free(cur, TRUE);
    g_array_free(next, TRUE);
    return out;
}
