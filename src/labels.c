/* Label placement: a greedy pass over candidate positions, most
 * constrained labels first, then a bounded repair for the labels the
 * greedy pass could not place. */
#include "labels.h"

#include <glib.h>
#include "spatial.h"
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
    const size_t *near; /* labels near the candidate being weighed, in increasing order
                         * (borrowed from ZONES' last answer) */
    size_t n_near;
    crpv_grid *zones;  /* every label's zone (zone_of), which holds its marker */
    crpv_grid *discs;  /* every marker's disc */
    crpv_grid *placed_at; /* the extents (extent_of) of every place a label was put at:
                           * a superset of the placed labels, each tested exactly */
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

static bool leader_too_long(crpv_point from, crpv_point to, double radius)
{
    return hypot(to.x - from.x, to.y - from.y) >
           CRPV_LABEL_LEADER_MAX_DIAMETERS * 2 * radius + 1e-9;
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

/* The box of a candidate or a place with its leader, if any. */
static crpv_rect extent_of(crpv_rect box, bool leader, crpv_point from, crpv_point to)
{
    if (leader) {
        box.x0 = fmin(box.x0, fmin(from.x, to.x));
        box.y0 = fmin(box.y0, fmin(from.y, to.y));
        box.x1 = fmax(box.x1, fmax(from.x, to.x));
        box.y1 = fmax(box.y1, fmax(from.y, to.y));
    }
    return box;
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
    if (c->leader && leader_too_long(c->from, c->to, r->radius))
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

/* What lies under box B, sampled on a 5 x 2 grid: the share over another
 * territory than the label's own, and the share off the ground most of
 * the box lies on (0 when the box sits on one ground: its territory, or
 * the sea). BOXES: the grounds' bounding boxes. */
static void ground_shares(const crpv_label_request *r, const crpv_rect *boxes, crpv_rect b,
                          double *foreign, double *mixed)
{
    enum { N = 10 };
    const crpv_shape *under[N];
    int n_foreign = 0;
    for (int gy = 0, s = 0; gy < 2; gy++)
        for (int gx = 0; gx < 5; gx++, s++) {
            crpv_point q = {b.x0 + (gx + 0.5) / 5 * (b.x1 - b.x0),
                            b.y0 + (gy + 0.5) / 2 * (b.y1 - b.y0)};
            under[s] = NULL; /* the sea */
            for (size_t g = 0; g < r->n_grounds && !under[s]; g++)
                if (r->grounds[g].n_rings && crpv_rect_contains_point(boxes[g], q) &&
                    crpv_shape_contains(&r->grounds[g], q))
                    under[s] = &r->grounds[g];
            n_foreign += under[s] && under[s] != r->ground;
        }
    int most = 0;
    for (int s = 0; s < N; s++) {
        int same = 0;
        for (int t = 0; t < N; t++)
            same += under[t] == under[s];
        most = same > most ? same : most;
    }
    *foreign = n_foreign / (double)N;
    *mixed = 1 - most / (double)N;
}

/* What a label wholly over another territory costs: more than moving it
 * round its marker (the classic positions cost 0 to 7), less than a
 * leader line; a box across a border or a coast, half that. */
#define FOREIGN_WEIGHT 14.0
#define MIXED_WEIGHT 5.0
#define GROUND_RINGS 3

/* Sets P's near list to the markers near candidate C of label I: all
 * those static_conflicts() can count (a disc under the padded box or the
 * leader, or, for a label without a leader, a marker nearer than its own),
 * in no particular order: it counts. */
static void near_markers(placer *p, size_t i, const candidate *c)
{
    const crpv_label_request *r = &p->req[i];
    double reach = PAD + LEADER_PAD + 1;
    if (!c->leader)
        reach = fmax(reach, distance_to_rect(c->box, r->anchor) - r->radius +
                                CRPV_LABEL_NEAREST_MARGIN + 1);
    crpv_rect q = inflate(extent_of(c->box, c->leader, c->from, c->to), reach);
    p->n_near = crpv_grid_query_unordered(p->discs, q, &p->near);
    crpv_cost_add_candidates(1);
    crpv_cost_add_pairs(p->n_near);
}

/* Sets P's near list to the labels whose zones overlap candidate C's box,
 * all crowding_penalty() can count, in increasing order: it sums. */
static void near_zones(placer *p, const candidate *c)
{
    p->n_near = crpv_grid_query(p->zones, inflate(c->box, 1), &p->near);
    crpv_cost_add_pairs(p->n_near);
}

/* Does candidate C's padded box lie over any marker's disc? */
static bool box_over_marker(placer *p, const candidate *c)
{
    crpv_rect padded = inflate(c->box, PAD);
    const size_t *ids;
    size_t n = crpv_grid_query_unordered(p->discs, padded, &ids);
    crpv_cost_add_candidates(1);
    for (size_t k = 0; k < n; k++) {
        const crpv_label_request *m = &p->req[ids[k]];
        if (disc_overlaps_rect(m->anchor, m->radius, padded)) {
            crpv_cost_add_pairs(k + 1); /* the tests made */
            return true;
        }
    }
    crpv_cost_add_pairs(n);
    return false;
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
    size_t usable = 0;
    /* The grounds' boxes once per label, not per candidate and point. */
    crpv_rect *boxes = g_new(crpv_rect, r->n_grounds ? r->n_grounds : 1);
    for (size_t g = 0; g < r->n_grounds; g++)
        boxes[g] = crpv_shape_bbox(&r->grounds[g]);
    for (k = 0; k < N_CANDIDATES; k++) {
        /* A leader over the cap is refused before anything is looked up:
         * the far rings would otherwise be the most costly to weigh. */
        if (cs[k].leader && leader_too_long(cs[k].from, cs[k].to, r->radius)) {
            cs[k].static_bad = 2;
            cs[k].score += r->n_grounds ? FOREIGN_WEIGHT : 0;
            continue;
        }
        /* Where markers are dense, most places lie over one: a query of
         * the box alone refuses them before the wider one a usable place
         * needs (only usable places are ever used, so the count of
         * conflicts of a refused one does not matter). */
        if (box_over_marker(p, &cs[k])) {
            cs[k].static_bad = 1;
            cs[k].score += r->n_grounds ? FOREIGN_WEIGHT : 0;
            continue;
        }
        near_markers(p, i, &cs[k]);
        cs[k].static_bad = static_conflicts(p, i, &cs[k]);
        /* Crowding orders the usable places; among the others, which only
         * a label without any free place uses, the place's own preference
         * is enough, and where markers are dense that spares most of the
         * work. */
        if (cs[k].static_bad == 0) {
            near_zones(p, &cs[k]);
            cs[k].score += crowding_penalty(p, i, &cs[k]);
        }
        /* Only usable places are weighed by their ground, and only those
         * near the marker (the classic ones and the first rings): further
         * ones, behind a leader, already cost more, and the sampling is
         * the placement's main cost. */
        if (r->n_grounds && cs[k].static_bad == 0 && k < 8 + GROUND_RINGS * N_ANGLES) {
            double foreign, mixed;
            ground_shares(r, boxes, cs[k].box, &foreign, &mixed);
            cs[k].score += FOREIGN_WEIGHT * foreign + MIXED_WEIGHT * mixed;
        } else if (r->n_grounds) {
            /* Unweighed: counted as over another territory, so that a far
             * place never wins over a near one by its ground alone. */
            cs[k].score += FOREIGN_WEIGHT;
        }
        if (cs[k].static_bad == 0)
            usable++;
    }
    /* qsort is not stable; the index breaks ties so that equal scores keep
     * their order on every libc. */
    for (k = 0; k < N_CANDIDATES; k++)
        cs[k].score += (double)k * 1e-9;
    qsort(cs, N_CANDIDATES, sizeof *cs, compare_candidates);
    p->n_usable[i] = usable;
    g_free(boxes);
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
    /* Crossed leaders make the reader guess which name is whose. */
    if (c->leader && q->leader && segments_cross(c->from, c->to, q->leader_from, q->leader_to))
        return true;
    return false;
}

/* The labels ever put where candidate C could clash with them or cross
 * their leaders, in no particular order (borrowed from P's grid): what
 * the callers make of them (a yes or no, a count, a sum of equal
 * penalties, a set) does not depend on it. The caller checks which are
 * placed there now. */
static size_t placed_near(const placer *p, const candidate *c, const size_t **ids)
{
    crpv_cost_add_candidates(1);
    size_t n = crpv_grid_query_unordered(p->placed_at,
                               inflate(extent_of(c->box, c->leader, c->from, c->to), PAD + 0.5),
                               ids);
    crpv_cost_add_pairs(n);
    return n;
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
    if (placed)
        crpv_grid_insert(p->placed_at, i, extent_of(c->box, c->leader, c->from, c->to));
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
        const size_t *ids;
        size_t n_ids = placed_near(p, c, &ids);
        bool free = true;
        for (size_t q = 0; q < n_ids && free; q++)
            free = !(ids[q] != i && p->placed[ids[q]] && clashes_with(p, c, ids[q]));
        if (!free)
            continue;
        double s = c->score;
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
        const size_t *ids;
        /* Markers are counted by their discs: a query of the zones, as
         * wide as their labels, would answer many more, far ones. */
        size_t n_ids = crpv_grid_query_unordered(
            p->discs, inflate((crpv_rect){r->anchor.x, r->anchor.y, r->anchor.x, r->anchor.y}, reach),
            &ids);
        crpv_cost_add_pairs(n_ids);
        for (size_t q = 0; q < n_ids; q++) {
            size_t j = ids[q];
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
    /* What an attempt changes (label I and its blockers), to undo it. */
    crpv_label_place saved_out[MAX_CONFLICTS + 1];
    bool saved_placed[MAX_CONFLICTS + 1];
    size_t blockers[MAX_CONFLICTS];
    bool done = false;
    size_t tried = 0;
    for (size_t k = 0; k < p->n_usable[i] && tried < REPAIR_CANDIDATES && !done; k++) {
        const candidate *c = &cs[k];
        size_t nb = 0;
        bool too_many = false;
        const size_t *ids;
        size_t n_ids = placed_near(p, c, &ids);
        for (size_t q = 0; q < n_ids && !too_many; q++) {
            size_t j = ids[q];
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
        saved_out[nb] = p->out[i];
        saved_placed[nb] = p->placed[i];
        for (size_t b = 0; b < nb; b++) {
            saved_out[b] = p->out[blockers[b]];
            saved_placed[b] = p->placed[blockers[b]];
        }
        for (size_t b = 0; b < nb; b++)
            p->placed[blockers[b]] = false;
        set_place(p, i, c, true);
        /* Re-place the blockers in the global order (after saving, which
         * keeps the order the undo needs). */
        size_t saved_ids[MAX_CONFLICTS + 1];
        memcpy(saved_ids, blockers, nb * sizeof *blockers);
        saved_ids[nb] = i;
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
            /* Every place restored was filed in the grid when it was set. */
            for (size_t b = 0; b <= nb; b++) {
                p->out[saved_ids[b]] = saved_out[b];
                p->placed[saved_ids[b]] = saved_placed[b];
            }
        }
    }
    return done;
}

/* For a label without a free place, which is not drawn: its first
 * candidate, to say where it would have gone. */
static void place_unplaced(placer *p, size_t i)
{
    set_place(p, i, &p->cands[i * N_CANDIDATES], false);
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
    };
    /* Cells about the size of a marker's surroundings: a query reads the
     * few cells a candidate covers. */
    crpv_rect extent = crpv_rect_empty();
    double cell = 0;
    for (size_t i = 0; i < n; i++) {
        crpv_rect z = zone_of(&requests[i]);
        extent = crpv_rect_union(extent, z);
        cell += ((z.x1 - z.x0) + (z.y1 - z.y0)) / 4;
    }
    cell = fmax(cell / (double)n, 1);
    p.zones = crpv_grid_new(extent, cell);
    double radii = 0;
    for (size_t i = 0; i < n; i++)
        radii += requests[i].radius;
    p.discs = crpv_grid_new(extent, fmax(4 * radii / (double)n, 4));
    p.placed_at = crpv_grid_new(inflate(extent, 100), cell);
    for (size_t i = 0; i < n; i++)
    {
        crpv_grid_insert(p.zones, i, zone_of(&requests[i]));
        const crpv_label_request *r = &requests[i];
        crpv_grid_insert(p.discs, i,
                         (crpv_rect){r->anchor.x - r->radius, r->anchor.y - r->radius,
                                     r->anchor.x + r->radius, r->anchor.y + r->radius});
    }
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
            place_unplaced(&p, i);
            failed++;
        }
    }
    g_free(rank);
    g_free(order);
    g_free(p.cands);
    g_free(p.n_usable);
    g_free(p.placed);
    crpv_grid_free(p.zones);
    crpv_grid_free(p.discs);
    crpv_grid_free(p.placed_at);
    return failed;
}

bool crpv_labels_check(const crpv_label_request *requests, size_t n, const crpv_obstacle *obstacles,
                       size_t n_obstacles, const crpv_label_place *places)
{
    const double eps = 1e-6;
    for (size_t i = 0; i < n; i++) {
        const crpv_label_request *r = &requests[i];
        const crpv_label_place *pl = &places[i];
        if (!pl->placed)
            continue; /* not drawn */
        crpv_rect box = inflate(pl->box, -eps); /* touching is not overlapping */
        if (!rect_inside(r->bounds, pl->box, eps))
            return false;
        if (pl->leader && leader_too_long(pl->leader_from, pl->leader_to, r->radius))
            return false;
        for (size_t j = 0; j < n; j++) {
            if (disc_overlaps_rect(requests[j].anchor, requests[j].radius, box))
                return false;
            if (j > i && places[j].placed && rects_overlap(box, places[j].box))
                return false;
            if (j != i && !pl->leader && nearer_other(r, &requests[j], pl->box))
                return false;
            if (j != i && pl->leader) {
                if (j > i && places[j].placed && places[j].leader &&
                    segments_cross(pl->leader_from, pl->leader_to, places[j].leader_from,
                                   places[j].leader_to))
                    return false;
                if (places[j].placed &&
                    segment_crosses_rect(pl->leader_from, pl->leader_to,
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
