/* Topology-preserving simplification, after TopoJSON and mapshaper: the
 * rings are cut into arcs at junctions, each arc is simplified once with
 * Douglas-Peucker in a canonical direction, so a border shared by two
 * shapes comes out the same on both sides.
 *
 * Vertices are identified by their exact coordinates: neighbouring shapes
 * of clean data (and their projection, which is deterministic) share
 * identical vertices. A vertex is a junction when its neighbours along
 * the rings are not the same pair in every ring that passes through it:
 * where three shapes meet, where a shared border starts or ends, where a
 * ring touches itself. */
#include "simplify.h"

#include <glib.h>
#include <math.h>
#include <stdint.h>
#include <string.h>

typedef struct {
    /* Distinct vertices. */
    crpv_point *pts;
    size_t n_pts;
    int32_t *nb_a, *nb_b; /* first neighbour pair seen, sorted; -1: none */
    uint8_t *junction, *keep, *done;
    /* Open-addressing hash of the coordinates: slot -> vertex id + 1. */
    uint32_t *slots;
    size_t mask;
} vertex_table;

static uint64_t mix64(uint64_t h)
{
    h ^= h >> 33;
    h *= 0xff51afd7ed558ccdULL;
    h ^= h >> 33;
    h *= 0xc4ceb9fe1a85ec53ULL;
    h ^= h >> 33;
    return h;
}

static bool same_point(crpv_point a, crpv_point b)
{
    return memcmp(&a, &b, sizeof a) == 0;
}

static int32_t vertex_id(vertex_table *t, crpv_point p)
{
    /* -0.0 and 0.0 are the same place but not the same bytes. */
    p.x += 0.0;
    p.y += 0.0;
    uint64_t bx, by;
    memcpy(&bx, &p.x, 8);
    memcpy(&by, &p.y, 8);
    size_t slot = (size_t)mix64(bx ^ mix64(by + 0x9e3779b97f4a7c15ULL)) & t->mask;
    for (;;) {
        uint32_t v = t->slots[slot];
        if (v == 0) {
            t->pts[t->n_pts] = p;
            t->slots[slot] = (uint32_t)++t->n_pts;
            return (int32_t)(t->n_pts - 1);
        }
        if (same_point(t->pts[v - 1], p))
            return (int32_t)(v - 1);
        slot = (slot + 1) & t->mask;
    }
}

static bool point_less(crpv_point a, crpv_point b)
{
    return a.x < b.x || (a.x == b.x && a.y < b.y);
}

typedef struct {
    int32_t *ids;    /* the arc, in canonical order */
    crpv_point *pts; /* their coordinates, contiguous for speed */
    uint8_t *keep;
    size_t *stack;
    size_t cap;
} arc_scratch;

static void scratch_reserve(arc_scratch *s, size_t n)
{
    if (n <= s->cap)
        return;
    s->cap = MAX(n, s->cap * 2);
    s->ids = g_renew(int32_t, s->ids, s->cap);
    s->pts = g_renew(crpv_point, s->pts, s->cap);
    s->keep = g_renew(uint8_t, s->keep, s->cap);
    s->stack = g_renew(size_t, s->stack, 2 * s->cap);
}

/* Douglas-Peucker over the K+1 ids of S->ids, without recursion; the kept
 * vertices and all the interior ones are marked in T. */
static void simplify_arc(vertex_table *t, arc_scratch *s, size_t k, double tol2)
{
    const int32_t *ids = s->ids;
    crpv_point *pts = s->pts;
    for (size_t m = 0; m <= k; m++)
        pts[m] = t->pts[ids[m]];
    memset(s->keep, 0, k + 1);
    s->keep[0] = s->keep[k] = 1;
    size_t top = 0;
    s->stack[top++] = 0;
    s->stack[top++] = k;
    while (top > 0) {
        size_t j = s->stack[--top], i = s->stack[--top];
        if (j <= i + 1)
            continue;
        /* Distance to the segment (not the line): an arc may come back
         * to where it started. */
        crpv_point a = pts[i];
        double dx = pts[j].x - a.x, dy = pts[j].y - a.y, len2 = dx * dx + dy * dy;
        double inv = len2 > 0 ? 1 / len2 : 0;
        double best = -1;
        size_t at = i;
        for (size_t m = i + 1; m < j; m++) {
            double px = pts[m].x - a.x, py = pts[m].y - a.y;
            double u = (px * dx + py * dy) * inv;
            u = u < 0 ? 0 : u > 1 ? 1 : u;
            double ex = px - u * dx, ey = py - u * dy, d = ex * ex + ey * ey;
            if (d > best) {
                best = d;
                at = m;
            }
        }
        if (best > tol2) {
            s->keep[at] = 1;
            s->stack[top++] = i;
            s->stack[top++] = at;
            s->stack[top++] = at;
            s->stack[top++] = j;
        }
    }
    for (size_t m = 0; m <= k; m++) {
        if (s->keep[m])
            t->keep[ids[m]] = 1;
        if (m > 0 && m < k)
            t->done[ids[m]] = 1;
    }
}

/* A ring as a cyclic sequence of vertex ids, without the closing repeat
 * or consecutive duplicates. */
typedef struct {
    size_t shape, index; /* where it came from */
    size_t off, m;       /* in the flat id array */
    double area;         /* of the original, absolute */
} ring_ref;

crpv_simplify_stats crpv_simplify_shapes(crpv_shape *shapes, size_t n, double tolerance)
{
    crpv_simplify_stats stats = {0, 0};
    size_t n_occ = 0, n_rings = 0;
    for (size_t i = 0; i < n; i++) {
        n_occ += crpv_shape_n_points(&shapes[i]);
        n_rings += shapes[i].n_rings;
    }
    stats.vertices_in = stats.vertices_out = n_occ;
    /* Nothing to do, or too large for 32-bit ids (the map has ~10^5). */
    if (!(tolerance > 0) || n_occ == 0 || n_occ >= INT32_MAX / 2)
        return stats;
    double tol2 = tolerance * tolerance;

    vertex_table t = {0};
    size_t cap = 16;
    while (cap < 2 * n_occ)
        cap *= 2;
    t.mask = cap - 1;
    t.slots = g_new0(uint32_t, cap);
    t.pts = g_new(crpv_point, n_occ);
    int32_t *seq = g_new(int32_t, n_occ);
    ring_ref *refs = g_new(ring_ref, n_rings);
    size_t n_seq = 0, r = 0;
    for (size_t i = 0; i < n; i++) {
        for (size_t k = 0; k < shapes[i].n_rings; k++, r++) {
            const crpv_ring *ring = &shapes[i].rings[k];
            ring_ref *ref = &refs[r];
            ref->shape = i;
            ref->index = k;
            ref->off = n_seq;
            ref->area = fabs(crpv_ring_area(ring));
            for (size_t j = 0; j < ring->n; j++) {
                int32_t id = vertex_id(&t, ring->pts[j]);
                if (n_seq > ref->off && seq[n_seq - 1] == id)
                    continue;
                seq[n_seq++] = id;
            }
            if (n_seq - ref->off > 1 && seq[ref->off] == seq[n_seq - 1])
                n_seq--;
            ref->m = n_seq - ref->off;
        }
    }

    t.nb_a = g_new(int32_t, t.n_pts);
    t.nb_b = g_new(int32_t, t.n_pts);
    for (size_t v = 0; v < t.n_pts; v++)
        t.nb_a[v] = t.nb_b[v] = -1;
    t.junction = g_new0(uint8_t, t.n_pts);
    t.keep = g_new0(uint8_t, t.n_pts);
    t.done = g_new0(uint8_t, t.n_pts);

    for (r = 0; r < n_rings; r++) {
        const int32_t *s = seq + refs[r].off;
        size_t m = refs[r].m;
        if (m < 3)
            continue;
        for (size_t i = 0; i < m; i++) {
            int32_t v = s[i], p = s[(i + m - 1) % m], q = s[(i + 1) % m];
            int32_t a = MIN(p, q), b = MAX(p, q);
            if (t.nb_a[v] < 0) {
                t.nb_a[v] = a;
                t.nb_b[v] = b;
            } else if (t.nb_a[v] != a || t.nb_b[v] != b) {
                t.junction[v] = 1;
            }
        }
    }

    arc_scratch scratch = {0};
    for (r = 0; r < n_rings; r++) {
        const int32_t *s = seq + refs[r].off;
        size_t m = refs[r].m;
        if (m < 3)
            continue;
        scratch_reserve(&scratch, m + 1);
        size_t first_j = m;
        for (size_t i = 0; i < m; i++) {
            if (t.junction[s[i]]) {
                t.keep[s[i]] = 1;
                if (first_j == m)
                    first_j = i;
            }
        }
        if (first_j == m) {
            /* A ring with no junction (an island, or an enclave and the
             * hole around it): start at its smallest vertex, towards the
             * smaller neighbour, so that both sides agree. */
            size_t start = 0;
            for (size_t i = 1; i < m; i++)
                if (point_less(t.pts[s[i]], t.pts[s[start]]))
                    start = i;
            if (t.done[s[start]] || t.keep[s[start]])
                continue;
            bool forward = point_less(t.pts[s[(start + 1) % m]], t.pts[s[(start + m - 1) % m]]);
            for (size_t i = 0; i <= m; i++)
                scratch.ids[i] = s[forward ? (start + i) % m : (start + m - i % m) % m];
            simplify_arc(&t, &scratch, m, tol2);
            t.done[s[start]] = 1;
            continue;
        }
        /* Arcs from each junction to the next, around the ring. */
        size_t i = first_j;
        do {
            size_t j = (i + 1) % m, len = 1;
            while (!t.junction[s[j]]) {
                j = (j + 1) % m;
                len++;
            }
            if (len > 1 && !t.done[s[(i + 1) % m]]) {
                int32_t a = s[i], b = s[j];
                bool reverse = point_less(t.pts[b], t.pts[a]);
                if (a == b)
                    reverse = point_less(t.pts[s[(j + m - 1) % m]], t.pts[s[(i + 1) % m]]);
                for (size_t k = 0; k <= len; k++) {
                    size_t pos = reverse ? i + len - k : i + k;
                    scratch.ids[k] = s[pos % m];
                }
                simplify_arc(&t, &scratch, len, tol2);
            }
            i = j;
        } while (i != first_j);
    }

    /* Rebuild the rings from the kept vertices. */
    size_t *largest = g_new0(size_t, n);
    double *largest_area = g_new(double, n);
    for (size_t i = 0; i < n; i++)
        largest_area[i] = -1;
    for (r = 0; r < n_rings; r++) {
        if (refs[r].area > largest_area[refs[r].shape]) {
            largest_area[refs[r].shape] = refs[r].area;
            largest[refs[r].shape] = refs[r].index;
        }
    }
    crpv_point *buf = g_new(crpv_point, n_occ + 1);
    stats.vertices_out = 0;
    r = 0;
    for (size_t i = 0; i < n; i++) {
        crpv_shape out = {NULL, 0};
        for (size_t k = 0; k < shapes[i].n_rings; k++, r++) {
            const int32_t *s = seq + refs[r].off;
            size_t m = refs[r].m, kept = 0;
            for (size_t j = 0; j < m && m >= 3; j++)
                if (t.keep[s[j]])
                    buf[kept++] = t.pts[s[j]];
            crpv_ring ring = {buf, kept};
            bool collapsed = kept < 3 || fabs(crpv_ring_area(&ring)) < tol2;
            if (collapsed && k != largest[i])
                continue;
            if (kept < 3) {
                /* The largest ring never disappears: keep it as it was. */
                crpv_shape_add_ring(&out, shapes[i].rings[k].pts, shapes[i].rings[k].n);
            } else {
                buf[kept++] = buf[0];
                crpv_shape_add_ring(&out, buf, kept);
            }
            stats.vertices_out += out.rings[out.n_rings - 1].n;
        }
        crpv_shape_clear(&shapes[i]);
        shapes[i] = out;
    }

    g_free(buf);
    g_free(largest);
    g_free(largest_area);
    g_free(scratch.ids);
    g_free(scratch.pts);
    g_free(scratch.keep);
    g_free(scratch.stack);
    g_free(t.pts);
    g_free(t.slots);
    g_free(t.nb_a);
    g_free(t.nb_b);
    g_free(t.junction);
    g_free(t.keep);
    g_free(t.done);
    g_free(seq);
    g_free(refs);
    return stats;
}
