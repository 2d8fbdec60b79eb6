/* Label placement: a greedy pass over candidate positions, most
 * constrained labels first, then a bounded repair for the labels the
 * greedy pass could not place. */
#include "labels.h"

#include <glib.h>
#include <limits.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

/* Distances in points. */
#define GAP 2.0        /* between a marker's rim and its label */
#define PAD 1.0        /* between a label and other labels, markers, obstacles */
#define LEADER_PAD 0.5 /* between a leader and the markers it passes */
#define N_ANGLES 16
#define MAX_CONFLICTS 3 /* labels a repair may move to free one place */
#define REPAIR_ROUNDS 3
#define REPAIR_CANDIDATES 24

/* Further rings, beyond GAP, for labels that need a leader. */
static const double ring_offsets[] = {5, 10, 16, 23, 31, 40, 50, 62, 75};
#define N_RINGS (sizeof ring_offsets / sizeof ring_offsets[0])
#define N_CANDIDATES (8 + N_RINGS * N_ANGLES)

typedef struct {
    crpv_rect box;
    bool leader;
    crpv_point from, to;
    double score;   /* lower is better, before the penalties that depend on placed labels */
    int static_bad; /* conflicts with bounds, markers and obstacles (0: usable) */
} candidate;

typedef struct {
    const crpv_label_request *req;
    size_t n;
    const crpv_obstacle *obs;
    size_t n_obs;
    candidate *cands; /* N_CANDIDATES per label, sorted by score, usable first */
    size_t *n_usable; /* usable candidates of each label */
    bool *placed;
    crpv_label_place *out;
    size_t *near; /* labels near the one whose candidates are built */
    size_t n_near;
} placer;

/* Geometry, exact: interiors only, touching does not count. */

static bool rects_overlap(crpv_rect a, crpv_rect b)
{
    return a.x0 < b.x1 && b.x0 < a.x1 && a.y0 < b.y1 && b.y0 < a.y1;
}

static crpv_rect inflate(crpv_rect r, double d)
{
    return (crpv_rect){r.x0 - d, r.y0 - d, r.x1 + d, r.y1 + d};
}

static inline double clamp(double v, double lo, double hi)
{
    return v < lo ? lo : v > hi ? hi : v;
}

static crpv_point nearest_in_rect(crpv_rect r, crpv_point p)
{
    return (crpv_point){clamp(p.x, r.x0, r.x1), clamp(p.y, r.y0, r.y1)};
}

static bool disc_overlaps_rect(crpv_point c, double radius, crpv_rect r)
{
    crpv_point q = nearest_in_rect(r, c);
    double dx = q.x - c.x, dy = q.y - c.y;
    return dx * dx + dy * dy < radius * radius;
}

static bool rect_inside(crpv_rect outer, crpv_rect inner, double eps)
{
    return inner.x0 >= outer.x0 - eps && inner.y0 >= outer.y0 - eps && inner.x1 <= outer.x1 + eps &&
           inner.y1 <= outer.y1 + eps;
}

/* Liang-Barsky: does segment AB pass through the interior of R? */
static bool segment_crosses_rect(crpv_point a, crpv_point b, crpv_rect r)
{
    double t0 = 0, t1 = 1;
    double dx = b.x - a.x, dy = b.y - a.y;
    double p[4] = {-dx, dx, -dy, dy};
    double q[4] = {a.x - r.x0, r.x1 - a.x, a.y - r.y0, r.y1 - a.y};
    for (int k = 0; k < 4; k++) {
        if (p[k] == 0) {
            if (q[k] <= 0)
                return false;
            continue;
        }
        double t = q[k] / p[k];
        if (p[k] < 0) {
            if (t > t0)
                t0 = t;
        } else if (t < t1) {
            t1 = t;
        }
        if (t0 >= t1)
            return false;
    }
    return t1 - t0 > 1e-12;
}

/* Squared distance from P to segment AB: squares spare a slow hypot(). */
static double segment_distance2(crpv_point a, crpv_point b, crpv_point p)
{
    double dx = b.x - a.x, dy = b.y - a.y;
    double len2 = dx * dx + dy * dy;
    double t = len2 > 0 ? ((p.x - a.x) * dx + (p.y - a.y) * dy) / len2 : 0;
    t = clamp(t, 0, 1);
    double ex = a.x + t * dx - p.x, ey = a.y + t * dy - p.y;
    return ex * ex + ey * ey;
}

/* Is segment AB nearer than D to P? */
static bool segment_near(crpv_point a, crpv_point b, crpv_point p, double d)
{
    if (p.x + d < (a.x < b.x ? a.x : b.x) || p.x - d > (a.x > b.x ? a.x : b.x) ||
        p.y + d < (a.y < b.y ? a.y : b.y) || p.y - d > (a.y > b.y ? a.y : b.y))
        return false;
    return segment_distance2(a, b, p) < d * d;
}

static double orient(crpv_point a, crpv_point b, crpv_point c)
{
    return (b.x - a.x) * (c.y - a.y) - (b.y - a.y) * (c.x - a.x);
}

static bool segments_cross(crpv_point a, crpv_point b, crpv_point c, crpv_point d)
{
    double o1 = orient(a, b, c), o2 = orient(a, b, d);
    double o3 = orient(c, d, a), o4 = orient(c, d, b);
    return ((o1 > 0 && o2 < 0) || (o1 < 0 && o2 > 0)) && ((o3 > 0 && o4 < 0) || (o3 < 0 && o4 > 0));
}

static bool obstacle_is_foreign(const crpv_obstacle *o, const crpv_label_request *r)
{
    return o->frame < 0 || o->frame != r->frame;
}

/* Candidates. */

static crpv_rect box_at(double x0, double y0, double w, double h)
{
    return (crpv_rect){x0, y0, x0 + w, y0 + h};
}

/* The eight classic positions, in order of preference: right, then the
 * right-hand corners (names read best after their point), then the left
 * side, then above and below. */
static crpv_rect classic_box(const crpv_label_request *r, int pos)
{
    double w = r->width, h = r->height;
    double d = r->radius + GAP, dd = d * (G_SQRT2 / 2);
    double ax = r->anchor.x, ay = r->anchor.y;
    switch (pos) {
    case 0:
        return box_at(ax + d, ay - h / 2, w, h); /* right */
    case 1:
        return box_at(ax + dd, ay - dd - h, w, h); /* top-right */
    case 2:
        return box_at(ax + dd, ay + dd, w, h); /* bottom-right */
    case 3:
        return box_at(ax - d - w, ay - h / 2, w, h); /* left */
    case 4:
        return box_at(ax - dd - w, ay - dd - h, w, h); /* top-left */
    case 5:
        return box_at(ax - dd - w, ay + dd, w, h); /* bottom-left */
    case 6:
        return box_at(ax - w / 2, ay - d - h, w, h); /* top */
    default:
        return box_at(ax - w / 2, ay + d, w, h); /* bottom */
    }
}

/* A box whose edge, seen from the marker in direction ANGLE, lies at
 * DIST from the marker's centre. */
static crpv_rect ring_box(const crpv_label_request *r, double angle, double dist)
{
    double ux = cos(angle), uy = sin(angle);
    double hw = r->width / 2, hh = r->height / 2;
    double tx = fabs(ux) > 1e-9 ? hw / fabs(ux) : INFINITY;
    double ty = fabs(uy) > 1e-9 ? hh / fabs(uy) : INFINITY;
    double t = fmin(tx, ty);
    double cx = r->anchor.x + (dist + t) * ux, cy = r->anchor.y + (dist + t) * uy;
    return (crpv_rect){cx - hw, cy - hh, cx + hw, cy + hh};
}

static void set_leader(candidate *c, const crpv_label_request *r)
{
    c->to = nearest_in_rect(c->box, r->anchor);
    double dx = c->to.x - r->anchor.x, dy = c->to.y - r->anchor.y;
    double len = hypot(dx, dy);
    c->from = r->anchor;
    if (len > 0) {
        c->from.x += dx / len * r->radius;
        c->from.y += dy / len * r->radius;
    }
}

static crpv_rect zone_of(const crpv_label_request *r)
{
    double ex = r->radius + GAP + r->width, ey = r->radius + GAP + r->height;
    return (crpv_rect){r->anchor.x - ex, r->anchor.y - ey, r->anchor.x + ex, r->anchor.y + ey};
}

static double distance_to_rect(crpv_rect r, crpv_point p)
{
    crpv_point q = nearest_in_rect(r, p);
    return sqrt((q.x - p.x) * (q.x - p.x) + (q.y - p.y) * (q.y - p.y));
}

/* Penalties for crowding: a label that takes the places where a neighbour's
 * label would sit (in proportion to the overlap), and a label nearer to
 * another marker than to its own, which reads as that marker's name. */
static double crowding_penalty(const placer *p, size_t i, const candidate *c)
{
    crpv_rect b = c->box;
    double area = (b.x1 - b.x0) * (b.y1 - b.y0);
    double own = distance_to_rect(b, p->req[i].anchor) - p->req[i].radius;
    double sum = 0;
    for (size_t k = 0; k < p->n_near; k++) {
        size_t j = p->near[k];
        if (j == i)
            continue;
        const crpv_label_request *r = &p->req[j];
        crpv_rect zone = zone_of(r);
        if (!rects_overlap(zone, b))
            continue;
        if (area > 0) {
            double ox = fmin(zone.x1, b.x1) - fmax(zone.x0, b.x0);
            double oy = fmin(zone.y1, b.y1) - fmax(zone.y0, b.y0);
            sum += 0.5 * ox * oy / area;
        }
        double other = distance_to_rect(b, r->anchor) - r->radius;
        if (c->leader ? other < 2 * GAP : other < own + 2 * GAP)
            sum += c->leader ? 0.5 : 1.5;
    }
    return sum;
}

/* Does the box, placed without a leader for R, sit at least as near
 * marker M as its own (plus the margin)? */
static bool nearer_other(const crpv_label_request *r, const crpv_label_request *m, crpv_rect box)
{
    if (r->no_marker || m->no_marker || m == r)
        return false;
    double own = distance_to_rect(box, r->anchor) - r->radius;
    double other = distance_to_rect(box, m->anchor) - m->radius;
    return other < own + CRPV_LABEL_NEAREST_MARGIN;
}

/* Conflicts of C, a candidate for label I, with everything fixed: bounds,
 * every marker, foreign obstacles. */
static int static_conflicts(const placer *p, size_t i, const candidate *c)
{
    const crpv_label_request *r = &p->req[i];
    int bad = 0;
    if (!rect_inside(r->bounds, c->box, 1e-9))
        bad += 2;
    if (!c->leader)
        for (size_t k = 0; k < p->n_near; k++)
            if (nearer_other(r, &p->req[p->near[k]], c->box))
                bad++;
    crpv_rect padded = inflate(c->box, PAD);
    for (size_t k = 0; k < p->n_near; k++) {
        size_t j = p->near[k];
        const crpv_label_request *m = &p->req[j];
        if (disc_overlaps_rect(m->anchor, m->radius, padded))
            bad++;
        else if (c->leader && j != i &&
                 segment_near(c->from, c->to, m->anchor, m->radius + LEADER_PAD))
            bad++;
    }
    for (size_t k = 0; k < p->n_obs; k++) {
        const crpv_obstacle *o = &p->obs[k];
        if (!obstacle_is_foreign(o, r))
            continue;
        if (rects_overlap(padded, o->box) ||
            (c->leader && o->frame != CRPV_OBSTACLE_LINE &&
             segment_crosses_rect(c->from, c->to, o->box)))
            bad++;
    }
    return bad;
}

static int compare_candidates(const void *a, const void *b)
{
    const candidate *x = a, *y = b;
    if ((x->static_bad == 0) != (y->static_bad == 0))
        return x->static_bad == 0 ? -1 : 1;
    if (x->score != y->score)
        return x->score < y->score ? -1 : 1;
    return 0;
}

static void build_candidates(placer *p, size_t i)
{
    const crpv_label_request *r = &p->req[i];
    candidate *cs = p->cands + i * N_CANDIDATES;
    size_t k = 0;
    for (int pos = 0; pos < 8; pos++, k++) {
        cs[k] = (candidate){.box = classic_box(r, pos), .score = pos};
    }
    for (size_t ring = 0; ring < N_RINGS; ring++) {
        double dist = r->radius + GAP + ring_offsets[ring];
        for (int a = 0; a < N_ANGLES; a++, k++) {
            double angle = 2 * G_PI * a / N_ANGLES;
            cs[k] = (candidate){.box = ring_box(r, angle, dist), .leader = true};
            /* After every classic position; nearer first, the right-hand
             * side and the top preferred a little. */
            cs[k].score =
                10 + 0.25 * ring_offsets[ring] + 0.5 * (1 - cos(angle)) + 0.1 * (1 + sin(angle));
            set_leader(&cs[k], r);
        }
    }
    /* Only the markers whose surroundings reach some candidate matter:
     * the others are skipped once rather than for every candidate. */
    crpv_rect reach = cs[0].box;
    for (k = 1; k < N_CANDIDATES; k++) {
        reach.x0 = fmin(reach.x0, cs[k].box.x0);
        reach.y0 = fmin(reach.y0, cs[k].box.y0);
        reach.x1 = fmax(reach.x1, cs[k].box.x1);
        reach.y1 = fmax(reach.y1, cs[k].box.y1);
    }
    reach = inflate(reach, PAD + LEADER_PAD + 1);
    p->n_near = 0;
    for (size_t j = 0; j < p->n; j++) {
        if (j == i || rects_overlap(zone_of(&p->req[j]), reach))
            p->near[p->n_near++] = j;
    }
    size_t usable = 0;
    for (k = 0; k < N_CANDIDATES; k++) {
        cs[k].score += crowding_penalty(p, i, &cs[k]);
        cs[k].static_bad = static_conflicts(p, i, &cs[k]);
        if (cs[k].static_bad == 0)
            usable++;
    }
    /* qsort is not stable; the index breaks ties so that equal scores keep
     * their order on every libc. */
    for (k = 0; k < N_CANDIDATES; k++)
        cs[k].score += (double)k * 1e-9;
    qsort(cs, N_CANDIDATES, sizeof *cs, compare_candidates);
    p->n_usable[i] = usable;
}

/* Does candidate C clash with placed label J (padded boxes, leaders)? */
static bool clashes_with(const placer *p, const candidate *c, size_t j)
{
    const crpv_label_place *q = &p->out[j];
    if (rects_overlap(inflate(c->box, PAD), q->box))
        return true;
    if (q->leader && segment_crosses_rect(q->leader_from, q->leader_to, inflate(c->box, PAD / 2)))
        return true;
    if (c->leader && segment_crosses_rect(c->from, c->to, inflate(q->box, PAD / 2)))
        return true;
    return false;
}

/* Penalty for crossing placed leaders: allowed, but ugly. */
static double crossing_penalty(const placer *p, const candidate *c, size_t i)
{
    if (!c->leader)
        return 0;
    double pen = 0;
    for (size_t j = 0; j < p->n; j++) {
        if (j != i && p->placed[j] && p->out[j].leader &&
            segments_cross(c->from, c->to, p->out[j].leader_from, p->out[j].leader_to))
            pen += 5;
    }
    return pen;
}

static void set_place(placer *p, size_t i, const candidate *c, bool placed)
{
    p->out[i] = (crpv_label_place){
        .box = c->box,
        .leader = c->leader,
        .leader_from = c->leader ? c->from : (crpv_point){0, 0},
        .leader_to = c->leader ? c->to : (crpv_point){0, 0},
        .placed = placed,
    };
    p->placed[i] = placed;
}

/* Places label I at its best free candidate; false when there is none. */
static bool place_one(placer *p, size_t i)
{
    const candidate *cs = p->cands + i * N_CANDIDATES;
    const candidate *best = NULL;
    double best_score = INFINITY;
    for (size_t k = 0; k < p->n_usable[i]; k++) {
        const candidate *c = &cs[k];
        if (c->score >= best_score)
            break; /* sorted, and penalties only add */
        bool free = true;
        for (size_t j = 0; j < p->n && free; j++)
            free = !(j != i && p->placed[j] && clashes_with(p, c, j));
        if (!free)
            continue;
        double s = c->score + crossing_penalty(p, c, i);
        if (s < best_score) {
            best_score = s;
            best = c;
        }
    }
    if (best == NULL)
        return false;
    set_place(p, i, best, true);
    return true;
}

typedef struct {
    size_t index;
    size_t neighbours;
    size_t usable;
} order_key;

static int compare_order(const void *a, const void *b)
{
    const order_key *x = a, *y = b;
    if (x->neighbours != y->neighbours)
        return x->neighbours > y->neighbours ? -1 : 1;
    if (x->usable != y->usable)
        return x->usable < y->usable ? -1 : 1;
    return x->index < y->index ? -1 : x->index > y->index;
}

/* Most constrained first: most markers nearby, then fewest usable places. */
static size_t *placement_order(const placer *p)
{
    order_key *keys = g_new(order_key, p->n);
    for (size_t i = 0; i < p->n; i++) {
        const crpv_label_request *r = &p->req[i];
        double reach = 1.2 * (r->width + r->radius + GAP);
        size_t count = 0;
        for (size_t j = 0; j < p->n; j++) {
            double dx = p->req[j].anchor.x - r->anchor.x, dy = p->req[j].anchor.y - r->anchor.y;
            double d = reach + p->req[j].radius;
            if (j != i && dx * dx + dy * dy < d * d)
                count++;
        }
        keys[i] = (order_key){i, count, p->n_usable[i]};
    }
    qsort(keys, p->n, sizeof *keys, compare_order);
    size_t *order = g_new(size_t, p->n);
    for (size_t i = 0; i < p->n; i++)
        order[i] = keys[i].index;
    g_free(keys);
    return order;
}

/* Frees a place for failed label I by moving up to MAX_CONFLICTS placed
 * labels that block one of its candidates; keeps the change only when all
 * of them find a new place. */
static bool repair_one(placer *p, size_t i, const size_t *rank)
{
    const candidate *cs = p->cands + i * N_CANDIDATES;
    crpv_label_place *saved_out = g_new(crpv_label_place, p->n);
    bool *saved_placed = g_new(bool, p->n);
    size_t blockers[MAX_CONFLICTS];
    bool done = false;
    size_t tried = 0;
    for (size_t k = 0; k < p->n_usable[i] && tried < REPAIR_CANDIDATES && !done; k++) {
        const candidate *c = &cs[k];
        size_t nb = 0;
        bool too_many = false;
        for (size_t j = 0; j < p->n && !too_many; j++) {
            if (j != i && p->placed[j] && clashes_with(p, c, j)) {
                if (nb == MAX_CONFLICTS)
                    too_many = true;
                else
                    blockers[nb++] = j;
            }
        }
        if (too_many || nb == 0)
            continue;
        tried++;
        memcpy(saved_out, p->out, p->n * sizeof *saved_out);
        memcpy(saved_placed, p->placed, p->n * sizeof *saved_placed);
        for (size_t b = 0; b < nb; b++)
            p->placed[blockers[b]] = false;
        set_place(p, i, c, true);
        /* Re-place the blockers in the global order. */
        for (size_t a = 0; a < nb; a++) {
            for (size_t b = a + 1; b < nb; b++) {
                if (rank[blockers[b]] < rank[blockers[a]]) {
                    size_t t = blockers[a];
                    blockers[a] = blockers[b];
                    blockers[b] = t;
                }
            }
        }
        done = true;
        for (size_t b = 0; b < nb && done; b++)
            done = place_one(p, blockers[b]);
        if (!done) {
            memcpy(p->out, saved_out, p->n * sizeof *saved_out);
            memcpy(p->placed, saved_placed, p->n * sizeof *saved_placed);
        }
    }
    g_free(saved_out);
    g_free(saved_placed);
    return done;
}

/* For a label without a free place: the candidate that clashes least. */
static void place_least_bad(placer *p, size_t i)
{
    const candidate *cs = p->cands + i * N_CANDIDATES;
    const candidate *best = &cs[0];
    int best_bad = INT_MAX;
    double best_score = INFINITY;
    for (size_t k = 0; k < N_CANDIDATES; k++) {
        const candidate *c = &cs[k];
        int bad = c->static_bad;
        for (size_t j = 0; j < p->n && bad <= best_bad; j++)
            bad += j != i && p->placed[j] && clashes_with(p, c, j);
        if (bad < best_bad || (bad == best_bad && c->score < best_score)) {
            best_bad = bad;
            best_score = c->score;
            best = c;
        }
    }
    set_place(p, i, best, false);
}

size_t crpv_labels_place(const crpv_label_request *requests, size_t n,
                         const crpv_obstacle *obstacles, size_t n_obstacles, crpv_label_place *out)
{
    if (n == 0)
        return 0;
    placer p = {
        .req = requests,
        .n = n,
        .obs = obstacles,
        .n_obs = obstacles ? n_obstacles : 0,
        .cands = g_new(candidate, n * N_CANDIDATES),
        .n_usable = g_new0(size_t, n),
        .placed = g_new0(bool, n),
        .out = out,
        .near = g_new(size_t, n),
    };
    for (size_t i = 0; i < n; i++)
        build_candidates(&p, i);
    size_t *order = placement_order(&p);
    size_t *rank = g_new(size_t, n);
    for (size_t k = 0; k < n; k++)
        rank[order[k]] = k;

    for (size_t k = 0; k < n; k++)
        place_one(&p, order[k]);
    for (int round = 0; round < REPAIR_ROUNDS; round++) {
        bool progress = false, missing = false;
        for (size_t k = 0; k < n; k++) {
            size_t i = order[k];
            if (p.placed[i])
                continue;
            if (place_one(&p, i) || repair_one(&p, i, rank))
                progress = true;
            else
                missing = true;
        }
        if (!missing || !progress)
            break;
    }
    size_t failed = 0;
    for (size_t k = 0; k < n; k++) {
        size_t i = order[k];
        if (!p.placed[i]) {
            place_least_bad(&p, i);
            failed++;
        }
    }
    g_free(rank);
    g_free(order);
    g_free(p.cands);
    g_free(p.n_usable);
    g_free(p.placed);
    g_free(p.near);
    return failed;
}

bool crpv_labels_check(const crpv_label_request *requests, size_t n, const crpv_obstacle *obstacles,
                       size_t n_obstacles, const crpv_label_place *places)
{
    const double eps = 1e-6;
    for (size_t i = 0; i < n; i++) {
        const crpv_label_request *r = &requests[i];
        const crpv_label_place *pl = &places[i];
        crpv_rect box = inflate(pl->box, -eps); /* touching is not overlapping */
        if (!rect_inside(r->bounds, pl->box, eps))
            return false;
        for (size_t j = 0; j < n; j++) {
            if (disc_overlaps_rect(requests[j].anchor, requests[j].radius, box))
                return false;
            if (j > i && rects_overlap(box, places[j].box))
                return false;
            if (j != i && !pl->leader && nearer_other(r, &requests[j], pl->box))
                return false;
            if (j != i && pl->leader) {
                if (segment_crosses_rect(pl->leader_from, pl->leader_to,
                                         inflate(places[j].box, -eps)))
                    return false;
                if (segment_near(pl->leader_from, pl->leader_to, requests[j].anchor,
                                 requests[j].radius - eps))
                    return false;
            }
        }
        for (size_t k = 0; obstacles && k < n_obstacles; k++) {
            if (obstacle_is_foreign(&obstacles[k], r) && rects_overlap(box, obstacles[k].box))
                return false;
        }
    }
    return true;
}
