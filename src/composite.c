#include "composite.h"

#include <math.h>
#include <string.h>

#include "color.h"
#include "freespace.h"
#include "labels.h"
#include "spatial.h"
#include "projection.h"
#include "simplify.h"
#include "typeset.h"

#define MAP_ERROR (g_quark_from_static_string("crpv-map-error"))
/* The region whose départements the Île-de-France inset shows. */
#define IDF_REGION "11"
#define IDF_INSET "idf"

typedef enum { STATUS_NONE, STATUS_PREFIGURATION, STATUS_ACTIF } status;

/* Where a territory the file moved next to the mainland is drawn: a
 * point P of its own projection (PROJ, borrowed from the map) lands on
 * the mainland's at AT + F * (P - FROM). */
typedef struct {
    crpv_projection *proj; /* NULL: the feature is not carried */
    double f;
    crpv_point from, at;
} placement;

typedef struct {
    char *code;                /* "metro", "01", ..., "idf" */
    char *title;               /* printed caption, NULL for metropolitan France */
    crpv_rect rect;            /* the frame on the map */
    crpv_projection *proj;     /* WGS 84 to the frame's CRS, borrowed from the map */
    double scale, ox, oy;      /* map x = ox + X * scale, y = oy - Y * scale */
    guint first_dep;           /* features from this index on are départements */
    crpv_rect content;         /* where its territories are drawn: under the caption */
    GPtrArray *features;       /* borrowed crpv_feature pointers */
    crpv_shape *shapes;        /* projected, simplified, in map points; owned */
    placement *placed;         /* per feature; owned */
} frame;

typedef struct {
    const crpv_centre *centre; /* borrowed from the directory */
    size_t number;             /* its number on the map and in the directory */
} unplaced_label;

struct crpv_map {
    crpv_scene *scene;
    GArray *frames;      /* of frame */
    GHashTable *projections; /* CRS -> owned crpv_projection: frames in one CRS share it */
    crpv_map_stats stats;
    const crpv_centre *emph; /* the centre a map is made for, borrowed; NULL for the network */
    bool classes_used[3];    /* the fills drawn, by status */
    bool marks_used[3];      /* the markers drawn, by mark_kind */
    bool locator;            /* the box round Île-de-France on the mainland is drawn */
    GArray *unplaced;    /* of unplaced_label: the centres whose label found no free
                          * place, drawn with their number only */
    crpv_freespace *room; /* what land and boxes take, made when a box must
                           * find a free place; NULL before; owned */
};

static void frame_clear(frame *f)
{
    g_free(f->code);
    g_free(f->title);
    if (f->shapes)
        for (guint i = 0; i < f->features->len; i++)
            crpv_shape_clear(&f->shapes[i]);
    g_free(f->shapes);
    g_free(f->placed);
    if (f->features)
        g_ptr_array_free(f->features, TRUE);
}

void crpv_map_free(crpv_map *map)
{
    if (!map)
        return;
    for (guint i = 0; i < map->frames->len; i++)
        frame_clear(&g_array_index(map->frames, frame, i));
    crpv_freespace_free(map->room);
    g_array_free(map->frames, TRUE);
    g_hash_table_destroy(map->projections);
    crpv_scene_free(map->scene);
    if (map->unplaced)
        g_array_free(map->unplaced, TRUE);
    g_free(map);
}

const crpv_centre *crpv_map_unplaced_label(const crpv_map *map, size_t i, size_t *number)
{
    if (!map->unplaced || i >= map->unplaced->len)
        return NULL;
    const unplaced_label *u = &g_array_index(map->unplaced, unplaced_label, i);
    if (number)
        *number = u->number;
    return u->centre;
}

const crpv_scene *crpv_map_scene(const crpv_map *map)
{
    return map->scene;
}

crpv_map_stats crpv_map_get_stats(const crpv_map *map)
{
    return map->stats;
}

size_t crpv_map_frame_count(const crpv_map *map)
{
    return map->frames->len;
}

static frame *nth_frame(const crpv_map *map, size_t i)
{
    return &g_array_index(map->frames, frame, i);
}

const char *crpv_map_frame_code(const crpv_map *map, size_t i)
{
    return nth_frame(map, i)->code;
}

crpv_rect crpv_map_frame_rect(const crpv_map *map, size_t i)
{
    return nth_frame(map, i)->rect;
}

double crpv_map_frame_scale(const crpv_map *map, size_t i)
{
    return nth_frame(map, i)->scale * 1000; /* the frames' CRSs are in metres */
}

static bool is_dep(const frame *f, guint j)
{
    return j >= f->first_dep;
}

/* Does C serve feature J of frame F? */
static bool serves_feature(const frame *f, guint j, const crpv_centre *c)
{
    const crpv_feature *feat = g_ptr_array_index(f->features, j);
    return is_dep(f, j) ? g_strcmp0(c->departement, feat->code) == 0
                        : crpv_centre_serves_region(c, feat->code);
}

const crpv_shape *crpv_map_frame_shapes(const crpv_map *map, size_t i, size_t *n)
{
    frame *f = nth_frame(map, i);
    *n = f->features->len;
    return f->shapes;
}

static crpv_point to_map(const frame *f, crpv_point p)
{
    return (crpv_point){f->ox + p.x * f->scale, f->oy - p.y * f->scale};
}

bool crpv_map_locate(const crpv_map *map, size_t i, double lon, double lat, crpv_point *out)
{
    frame *f = nth_frame(map, i);
    crpv_point p = {lon, lat};
    if (!crpv_projection_apply(f->proj, &p, 1, NULL))
        return false;
    *out = to_map(f, p);
    return true;
}

/* --- Statuses and links ------------------------------------------------ */

/* The status of a territory: the best of the centres serving it. A region
 * served by a centre based elsewhere (Pays de la Loire by RésO Villes)
 * counts as served. */
static status territory_status(const crpv_directory *dir, const char *code, bool departement,
                               const crpv_centre **first)
{
    status s = STATUS_NONE;
    *first = NULL;
    for (size_t i = 0; i < crpv_directory_count(dir); i++) {
        const crpv_centre *c = crpv_directory_nth(dir, i);
        bool serves = departement ? g_strcmp0(c->departement, code) == 0
                                  : crpv_centre_serves_region(c, code);
        if (!serves)
            continue;
        status cs = c->statut == CRPV_STATUT_ACTIF ? STATUS_ACTIF : STATUS_PREFIGURATION;
        if (!*first || cs > s)
            *first = c;
        if (cs > s)
            s = cs;
    }
    return s;
}

/* The link of a centre: its website, else its e-mail. New string or NULL. */
/* « Labo Cités (Auvergne-Rhône-Alpes) »: the territory tells apart the
 * centres that share a name. New string. */
static char *centre_link_name(const crpv_centre *c)
{
    g_autofree char *s = g_strdup_printf("%s (%s)", c->nom, c->territoire);
    return crpv_typo_french(s);
}

static char *centre_uri(const crpv_centre *c)
{
    if (c->site)
        return g_strdup(c->site);
    if (c->courriel)
        return g_strconcat("mailto:", c->courriel, NULL);
    return NULL;
}

/* --- Frames ------------------------------------------------------------- */

static bool is_inset_region(const crpv_style *style, const char *code)
{
    for (size_t i = 0; i < style->n_insets; i++)
        if (strcmp(style->insets[i].code, code) == 0)
            return true;
    return false;
}

static crpv_rect scale_rect(crpv_rect r, double k)
{
    return (crpv_rect){r.x0 * k, r.y0 * k, r.x1 * k, r.y1 * k};
}

/* The départements of Île-de-France: those whose inner point lies in the
 * region, the boundary files carrying no link between the two layers. */
static void idf_departements(const crpv_layer *regions, const crpv_layer *departements,
                             GPtrArray *out)
{
    const crpv_feature *idf = crpv_layer_find(regions, IDF_REGION);
    if (!idf)
        return;
    for (size_t i = 0; i < crpv_layer_count(departements); i++) {
        const crpv_feature *d = crpv_layer_nth(departements, i);
        if (!crpv_rect_intersects(d->bbox, idf->bbox))
            continue;
        /* Any point well inside will do: a tenth of the département's size
         * is plenty (its neighbours' poles lie far from Île-de-France), and
         * a finer search cost 7 % of `crpv map`. */
        double size = fmin(crpv_rect_width(d->bbox), crpv_rect_height(d->bbox));
        crpv_point inner = crpv_shape_pole(&d->shape, size / 10);
        if (crpv_shape_contains(&idf->shape, inner))
            g_ptr_array_add(out, (gpointer)d);
    }
}

static crpv_projection *projection_to(crpv_map *map, const char *crs, GError **error);

/* A moved feature's outline on the mainland's projection, in its true
 * shape: its displacement undone, projected in its own CRS, then scaled
 * and moved onto the place and size the file gave it (the area of its box
 * kept). Sets PL and returns the outline; a feature moved in metres is
 * already in its true shape, as projected in SHAPE. */
static bool carry_outline(crpv_map *map, const crpv_feature *feat, crpv_shape *shape,
                          placement *pl, GError **error)
{
    const crpv_carry *c = feat->carry;
    pl->proj = projection_to(map, c->crs, error);
    if (!pl->proj)
        return false;
    if (c->metric) {
        *pl = (placement){pl->proj, c->scale, {0, 0}, c->offset};
        return true;
    }
    crpv_shape own = crpv_shape_copy(&feat->shape);
    for (size_t r = 0; r < own.n_rings; r++)
        for (size_t k = 0; k < own.rings[r].n; k++) {
            crpv_point *q = &own.rings[r].pts[k];
            *q = (crpv_point){(q->x - c->offset.x) / c->scale, (q->y - c->offset.y) / c->scale};
        }
    if (!crpv_projection_apply_shape(pl->proj, &own, error)) {
        crpv_shape_clear(&own);
        return false;
    }
    crpv_rect a = crpv_shape_bbox(&own), b = crpv_shape_bbox(shape);
    pl->f = sqrt(crpv_rect_width(b) * crpv_rect_height(b) /
                 (crpv_rect_width(a) * crpv_rect_height(a)));
    pl->from = (crpv_point){(a.x0 + a.x1) / 2, (a.y0 + a.y1) / 2};
    pl->at = (crpv_point){(b.x0 + b.x1) / 2, (b.y0 + b.y1) / 2};
    for (size_t r = 0; r < own.n_rings; r++)
        for (size_t k = 0; k < own.rings[r].n; k++) {
            crpv_point *q = &own.rings[r].pts[k];
            *q = (crpv_point){pl->at.x + pl->f * (q->x - pl->from.x),
                              pl->at.y + pl->f * (q->y - pl->from.y)};
        }
    crpv_shape_clear(shape);
    *shape = own;
    return true;
}

/* Projects the frame's features into its CRS (metres). On the mainland's
 * frame, whose CRS is METRO_CRS (NULL for an inset), territories the
 * file moved are drawn in their true shape where it put them. */
static bool frame_project(crpv_map *map, frame *f, const char *metro_crs, GError **error)
{
    size_t n = f->features->len;
    f->shapes = g_new0(crpv_shape, n);
    f->placed = g_new0(placement, n);
    for (size_t i = 0; i < n; i++) {
        const crpv_feature *feat = g_ptr_array_index(f->features, i);
        f->shapes[i] = crpv_shape_copy(&feat->shape);
        if (!crpv_projection_apply_shape(f->proj, &f->shapes[i], error))
            return false;
        if (metro_crs && feat->moved && feat->carry && f->shapes[i].n_rings > 0 &&
            (!feat->carry->metric || strcmp(feat->carry->target_crs, metro_crs) == 0) &&
            !carry_outline(map, feat, &f->shapes[i], &f->placed[i], error))
            return false;
    }
    return true;
}

static crpv_rect shapes_extent(const crpv_shape *shapes, size_t n)
{
    crpv_rect extent = crpv_rect_empty();
    for (size_t i = 0; i < n; i++)
        extent = crpv_rect_union(extent, crpv_shape_bbox(&shapes[i]));
    return extent;
}

/* Scales the projected shapes by SCALE so that the point MID of the CRS
 * falls at the middle of the frame's content, simplifies them to
 * TOLERANCE, and cuts what falls outside the content when CLIP. */
static void frame_place(frame *f, double scale, crpv_point mid, double tolerance, bool clip,
                        crpv_map_stats *stats)
{
    size_t n = f->features->len;
    crpv_rect c = f->content;
    f->scale = scale;
    f->ox = (c.x0 + c.x1) / 2 - mid.x * scale;
    f->oy = (c.y0 + c.y1) / 2 + mid.y * scale;
    for (size_t i = 0; i < n; i++)
        for (size_t r = 0; r < f->shapes[i].n_rings; r++) {
            crpv_ring *ring = &f->shapes[i].rings[r];
            for (size_t k = 0; k < ring->n; k++)
                ring->pts[k] = to_map(f, ring->pts[k]);
        }
    crpv_simplify_stats st = crpv_simplify_shapes(f->shapes, n, tolerance);
    stats->vertices_in += st.vertices_in;
    stats->vertices_out += st.vertices_out;
    if (!clip)
        return;
    for (size_t i = 0; i < n; i++) {
        if (crpv_rect_contains_rect(c, crpv_shape_bbox(&f->shapes[i])))
            continue;
        crpv_shape cut = crpv_shape_clip_rect(&f->shapes[i], c);
        crpv_shape_clear(&f->shapes[i]);
        f->shapes[i] = cut;
    }
}

/* Fits the frame's whole extent in its content, keeping proportions,
 * centred, PAD points inside. */
static bool frame_fit(frame *f, double pad, double tolerance, crpv_map_stats *stats,
                      GError **error)
{
    crpv_rect extent = shapes_extent(f->shapes, f->features->len);
    if (crpv_rect_is_empty(extent) && strcmp(f->code, "metro") != 0) {
        /* An inset whose territory the boundaries know only by its code
         * (a file without the overseas regions): drawn empty, its caption
         * and markers kept. */
        f->scale = 1;
        f->ox = (f->content.x0 + f->content.x1) / 2;
        f->oy = (f->content.y0 + f->content.y1) / 2;
        return true;
    }
    if (crpv_rect_is_empty(extent) || crpv_rect_width(extent) <= 0 ||
        crpv_rect_height(extent) <= 0) {
        g_set_error(error, MAP_ERROR, 1, "cadre « %s » : aucun contour à dessiner", f->code);
        return false;
    }
    double w = crpv_rect_width(f->content) - 2 * pad, h = crpv_rect_height(f->content) - 2 * pad;
    double scale = fmin(w / crpv_rect_width(extent), h / crpv_rect_height(extent));
    crpv_point mid = {(extent.x0 + extent.x1) / 2, (extent.y0 + extent.y1) / 2};
    frame_place(f, scale, mid, tolerance, false, stats);
    return true;
}

static bool segment_hits_rect(crpv_point a, crpv_point b, crpv_rect r)
{
    /* Liang-Barsky clipping: does any part of AB lie inside R? */
    double t0 = 0, t1 = 1, dx = b.x - a.x, dy = b.y - a.y;
    double p[4] = {-dx, dx, -dy, dy};
    double q[4] = {a.x - r.x0, r.x1 - a.x, a.y - r.y0, r.y1 - a.y};
    for (int i = 0; i < 4; i++) {
        if (p[i] == 0) {
            if (q[i] < 0)
                return false;
        } else {
            double t = q[i] / p[i];
            if (p[i] < 0 && t > t0)
                t0 = t;
            else if (p[i] > 0 && t < t1)
                t1 = t;
            if (t0 > t1)
                return false;
        }
    }
    return true;
}

/* True when R covers any part of the shapes: an edge crossing it, or R
 * lying wholly inside one. */
static bool rect_hits_shapes(crpv_rect r, const crpv_shape *shapes, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        if (!crpv_rect_intersects(r, crpv_shape_bbox(&shapes[i])))
            continue;
        if (crpv_shape_contains(&shapes[i], (crpv_point){r.x0, r.y0}))
            return true;
        for (size_t k = 0; k < shapes[i].n_rings; k++) {
            const crpv_ring *ring = &shapes[i].rings[k];
            for (size_t j = 0; j + 1 < ring->n; j++)
                if (segment_hits_rect(ring->pts[j], ring->pts[j + 1], r))
                    return true;
        }
    }
    return false;
}

/* The transformation from WGS 84 to CRS, made once per map: creating one
 * costs PROJ a search of its database. Borrowed; NULL with ERROR set. */
static crpv_projection *projection_to(crpv_map *map, const char *crs, GError **error)
{
    crpv_projection *p = g_hash_table_lookup(map->projections, crs);
    if (!p) {
        p = crpv_projection_new("EPSG:4326", crs, error);
        if (p)
            g_hash_table_insert(map->projections, g_strdup(crs), p);
    }
    return p;
}

/* The strip at the top of an inset that its caption takes, in points. */
static const double caption_height = 9;
static const double marker_radius = 5.2; /* points */

/* A label names the territory; when two centres share one (Occitanie),
 * their cities tell them apart. */
static char *label_text(const crpv_map_input *in, const crpv_centre *c, GHashTable *shared)
{
    if (strcmp(in->style->label_field, "nom") == 0)
        return g_strdup(c->nom);
    if (c->ville && GPOINTER_TO_UINT(g_hash_table_lookup(shared, c->territoire)) > 1)
        return g_strdup_printf("%s (%s)", c->territoire, c->ville);
    return g_strdup(c->territoire);
}

/* How many centres each territory has (borrowed keys), counted once
 * rather than by a search of the directory for each label. */
static GHashTable *territory_counts(const crpv_directory *dir)
{
    GHashTable *t = g_hash_table_new(g_str_hash, g_str_equal);
    for (size_t i = 0; i < crpv_directory_count(dir); i++) {
        const char *key = crpv_directory_nth(dir, i)->territoire;
        g_hash_table_insert(t, (gpointer)key,
                            GUINT_TO_POINTER(GPOINTER_TO_UINT(g_hash_table_lookup(t, key)) + 1));
    }
    return t;
}

static const char *const label_font = "Bold 6.5";
static const double label_wrap = 92; /* points: longer labels go on two lines */

static char *font_desc(const crpv_style *st, const char *rest)
{
    return g_strdup_printf("%s %s", st->font_family, rest);
}

/* The part of Île-de-France the inset must show whole, in its CRS: the
 * départements with a centre and the centres' cities. Empty when none. */
static crpv_rect idf_focus(const frame *f, const crpv_map_input *in)
{
    crpv_rect focus = crpv_rect_empty();
    for (size_t i = 0; i < crpv_directory_count(in->directory); i++) {
        const crpv_centre *c = crpv_directory_nth(in->directory, i);
        for (guint j = f->first_dep; j < f->features->len; j++) {
            if (!serves_feature(f, j, c))
                continue;
            focus = crpv_rect_union(focus, crpv_shape_bbox(&f->shapes[j]));
            crpv_point p = {c->lon, c->lat};
            if (c->has_coords && crpv_projection_apply(f->proj, &p, 1, NULL))
                focus = crpv_rect_add_point(focus, p);
        }
    }
    return focus;
}

/* Frames lie wholly inside the image, their strokes included, 4 points
 * in from its edges. */
static crpv_rect inside_image(crpv_rect r, double w, double h, double stroke)
{
    double m = stroke / 2 + 4;
    return (crpv_rect){fmax(r.x0, m), fmax(r.y0, m), fmin(r.x1, w - m), fmin(r.y1, h - m)};
}

/* The map's room, made on first use from the mainland's land and the
 * frames placed so far, 4 points in from the image's edges. */
static crpv_freespace *room(crpv_map *map, double k)
{
    if (!map->room) {
        double W = crpv_scene_width(map->scene), H = crpv_scene_height(map->scene);
        map->room = crpv_freespace_new((crpv_rect){4 * k, 4 * k, W - 4 * k, H - 4 * k}, k);
        frame *metro = nth_frame(map, 0);
        crpv_freespace_add_shapes(map->room, metro->shapes, metro->features->len);
        for (guint i = 1; i < map->frames->len; i++)
            crpv_freespace_add_rect(map->room, nth_frame(map, i)->rect);
    }
    return map->room;
}

/* An inset's frame WANT, or, when it would cover land or another frame
 * (overseas regions that the file moved next to the mainland, where the
 * style puts the inset), the free place of its size nearest it, 4 points
 * clear of everything. WANT stays when there is none. */
static crpv_rect clear_of_land(crpv_map *map, crpv_rect want, double k)
{
    frame *metro = nth_frame(map, 0);
    crpv_rect near = crpv_rect_inflate(want, 4 * k);
    bool clear = !rect_hits_shapes(near, metro->shapes, metro->features->len);
    for (guint i = 1; clear && i < map->frames->len; i++)
        clear = !crpv_rect_intersects(near, nth_frame(map, i)->rect);
    crpv_rect got = want;
    if (!clear)
        crpv_freespace_find(room(map, k), crpv_rect_width(want), crpv_rect_height(want), 4 * k,
                            (crpv_point){(want.x0 + want.x1) / 2, (want.y0 + want.y1) / 2},
                            &got);
    if (map->room)
        crpv_freespace_add_rect(map->room, got);
    return got;
}

static bool add_frames(crpv_map *map, const crpv_map_input *in, double k, double tolerance,
                       GError **error)
{
    const crpv_style *st = in->style;
    double W = crpv_scene_width(map->scene), H = crpv_scene_height(map->scene);
    GPtrArray *idf_deps = g_ptr_array_new();
    if (in->departements && is_inset_region(st, IDF_INSET))
        idf_departements(in->regions, in->departements, idf_deps);
    frame metro = {0};
    metro.code = g_strdup("metro");
    metro.rect = scale_rect(st->metro_frame, k);
    metro.content = metro.rect;
    metro.features = g_ptr_array_new();
    for (size_t i = 0; i < crpv_layer_count(in->regions); i++) {
        const crpv_feature *f = crpv_layer_nth(in->regions, i);
        /* Île-de-France shows its départements, as its inset does, so
         * that both say which are served. */
        if (!is_inset_region(st, f->code) &&
            !(idf_deps->len && strcmp(f->code, IDF_REGION) == 0))
            g_ptr_array_add(metro.features, (gpointer)f);
    }
    metro.first_dep = metro.features->len;
    for (guint i = 0; i < idf_deps->len; i++)
        g_ptr_array_add(metro.features, g_ptr_array_index(idf_deps, i));
    metro.proj = projection_to(map, st->metro_crs, error);
    g_array_append_val(map->frames, metro);
    if (!metro.proj || !frame_project(map, nth_frame(map, 0), st->metro_crs, error) ||
        !frame_fit(nth_frame(map, 0), (marker_radius + 1) * k, tolerance, &map->stats, error)) {
        g_ptr_array_free(idf_deps, TRUE);
        return false;
    }
    double metro_scale = nth_frame(map, 0)->scale;
    guint metro_features_n = nth_frame(map, 0)->first_dep; /* its regions */

    for (size_t i = 0; i < st->n_insets; i++) {
        const crpv_inset_style *is = &st->insets[i];
        frame f = {0};
        f.features = g_ptr_array_new();
        bool idf = strcmp(is->code, IDF_INSET) == 0;
        if (idf) {
            /* Around the départements, the neighbouring regions in their
             * own colours, as the main map shows them: the window never
             * reads as sea. Only regions whose box meets Île-de-France's
             * are projected; the window's clip drops what falls out. */
            const crpv_feature *region =
                idf_deps->len ? crpv_layer_find(in->regions, IDF_REGION) : NULL;
            for (guint j = 0; region && j < metro_features_n; j++) {
                const crpv_feature *r = g_ptr_array_index(nth_frame(map, 0)->features, j);
                if (crpv_rect_intersects(crpv_rect_inflate(region->bbox, 0.5), r->bbox))
                    g_ptr_array_add(f.features, (gpointer)r);
            }
            f.first_dep = f.features->len;
            for (guint j = 0; j < idf_deps->len; j++)
                g_ptr_array_add(f.features, g_ptr_array_index(idf_deps, j));
        } else {
            const crpv_feature *r = crpv_layer_find(in->regions, is->code);
            if (r)
                g_ptr_array_add(f.features, (gpointer)r);
            f.first_dep = 1;
        }
        if (f.features->len == 0) { /* boundaries without this territory: no inset */
            g_ptr_array_free(f.features, TRUE);
            continue;
        }
        f.code = g_strdup(is->code);
        f.title = g_strdup(is->title);
        f.rect = inside_image(scale_rect(is->frame, k), W, H, 0.5 * k);
        f.rect = clear_of_land(map, f.rect, k);
        f.content = (crpv_rect){f.rect.x0, f.rect.y0 + caption_height * k, f.rect.x1, f.rect.y1};
        f.proj = projection_to(map, is->crs, error);
        g_array_append_val(map->frames, f);
        frame *fp = nth_frame(map, map->frames->len - 1);
        if (!f.proj || !frame_project(map, fp, NULL, error)) {
            g_ptr_array_free(idf_deps, TRUE);
            return false;
        }
        /* Markers sit at cities, which may be on the coast: the territory
         * keeps a marker's width from the edges and the caption. */
        double pad = (marker_radius + 1.5) * k;
        if (!idf) {
            if (!frame_fit(fp, pad, tolerance, &map->stats, error)) {
                g_ptr_array_free(idf_deps, TRUE);
                return false;
            }
            continue;
        }
        /* Île-de-France: a window on the départements with a centre,
         * whole, with their centres' markers, as large as the frame
         * allows up to CRPV_MAP_IDF_ZOOM times the mainland's scale. */
        crpv_rect focus = idf_focus(fp, in);
        if (crpv_rect_is_empty(focus))
            focus = shapes_extent(fp->shapes + fp->first_dep, fp->features->len - fp->first_dep);
        double scale = CRPV_MAP_IDF_ZOOM * metro_scale, edge = 1 * k;
        double w = crpv_rect_width(fp->content) - 2 * edge,
               h = crpv_rect_height(fp->content) - 2 * edge;
        if (crpv_rect_width(focus) * scale > w)
            scale = w / crpv_rect_width(focus);
        if (crpv_rect_height(focus) * scale > h)
            scale = h / crpv_rect_height(focus);
        frame_place(fp, scale, (crpv_point){(focus.x0 + focus.x1) / 2, (focus.y0 + focus.y1) / 2},
                    tolerance, true, &map->stats);
    }
    g_ptr_array_free(idf_deps, TRUE);
    return true;
}

/* --- Markers and labels ------------------------------------------------- */

typedef struct {
    const crpv_centre *centre;
    size_t number; /* 1-based, the directory's order */
    size_t frame;
    crpv_point at;
    char *label;   /* plain text, NULL when the frame's caption names it */
} marker;

static size_t frame_of_centre(const crpv_map *map, const crpv_centre *c)
{
    for (size_t i = 1; i < map->frames->len; i++) {
        frame *f = nth_frame(map, i);
        /* Its own territories only: the Île-de-France inset's neighbouring
         * regions are a backdrop. */
        for (guint j = strcmp(f->code, IDF_INSET) == 0 ? f->first_dep : 0; j < f->features->len; j++)
            if (serves_feature(f, j, c))
                return i;
    }
    return 0;
}

/* The shape of C's territory in frame F: its département, else the first
 * of its regions found there. */
static const crpv_shape *territory_shape(const frame *f, const crpv_centre *c)
{
    for (guint j = strcmp(f->code, IDF_INSET) == 0 ? f->first_dep : 0; j < f->features->len; j++)
        if (serves_feature(f, j, c) && f->shapes[j].n_rings)
            return &f->shapes[j];
    return NULL;
}

/* The placement of C's territory in frame F when the file moved it and
 * its displacement is known, else NULL. Borrowed. */
static const placement *carried(const frame *f, const crpv_centre *c)
{
    for (guint j = strcmp(f->code, IDF_INSET) == 0 ? f->first_dep : 0; j < f->features->len; j++)
        if (serves_feature(f, j, c) && f->shapes[j].n_rings)
            return f->placed && f->placed[j].proj ? &f->placed[j] : NULL;
    return NULL;
}

static void place_markers(crpv_map *map, const crpv_map_input *in, double k, GArray *markers)
{
    GHashTable *shared = territory_counts(in->directory);
    for (size_t i = 0; i < crpv_directory_count(in->directory); i++) {
        const crpv_centre *c = crpv_directory_nth(in->directory, i);
        marker m = {c, i + 1, frame_of_centre(map, c), {0, 0}, NULL};
        frame *f = nth_frame(map, m.frame);
        bool placed = false;
        const placement *pl = carried(f, c);
        if (c->has_coords && pl) {
            /* In a territory the file moved: carried as its outline was. */
            crpv_point p = {c->lon, c->lat};
            if (crpv_projection_apply(pl->proj, &p, 1, NULL)) {
                p = (crpv_point){pl->at.x + pl->f * (p.x - pl->from.x),
                                 pl->at.y + pl->f * (p.y - pl->from.y)};
                m.at = to_map(f, p);
                placed = crpv_rect_contains_point(f->rect, m.at);
            }
        } else if (c->has_coords) {
            crpv_point p = {c->lon, c->lat};
            if (crpv_projection_apply(f->proj, &p, 1, NULL)) {
                m.at = to_map(f, p);
                placed = crpv_rect_contains_point(m.frame ? f->content : f->rect, m.at);
            }
        }
        if (!placed) {
            /* No city: the point of the territory farthest from its edges,
             * which, unlike the centroid, is always inside. */
            const crpv_shape *shape = territory_shape(f, c);
            m.at = shape && shape->n_rings ? crpv_shape_pole(shape, 0.25 * k)
                                           : (crpv_point){(f->content.x0 + f->content.x1) / 2,
                                                          (f->content.y0 + f->content.y1) / 2};
        }
        m.label = label_text(in, c, shared);
        if (f->title && strcmp(f->title, m.label) == 0)
            g_clear_pointer(&m.label, g_free);
        g_array_append_val(markers, m);
    }
    g_hash_table_unref(shared);
}

/* Markers of one frame that would overlap (Paris and Saint-Denis, a few
 * kilometres apart) are pushed apart just enough to be read, each by half
 * the overlap, so that both stay near their cities. Pairs are taken in
 * the order of an all-pairs loop (I, then J > I), each with the positions
 * of the moment; a grid of cells at least the wanted distance wide gives
 * only the J near marker I's cell, which is all that loop would move. */
static void separate_markers(GArray *markers, double radius)
{
    double want = 2 * radius + 0.8;
    guint n = markers->len;
    if (n < 2)
        return;
    crpv_rect extent = crpv_rect_empty();
    for (guint i = 0; i < n; i++)
        extent = crpv_rect_add_point(extent, g_array_index(markers, marker, i).at);
    crpv_grid *grid = crpv_grid_new(extent, want);
#define POINT_BOX(p) ((crpv_rect){(p).x, (p).y, (p).x, (p).y})
    for (guint i = 0; i < n; i++)
        crpv_grid_insert(grid, i, POINT_BOX(g_array_index(markers, marker, i).at));
    GArray *todo = g_array_new(FALSE, FALSE, sizeof(size_t)); /* the J left for I, increasing */
    GArray *merged = g_array_new(FALSE, FALSE, sizeof(size_t));
    for (int iter = 0; iter < 60; iter++) {
        bool moved = false;
        for (guint i = 0; i < n; i++) {
            marker *a = &g_array_index(markers, marker, i);
            size_t cell = crpv_grid_cell(grid, a->at);
            const size_t *ids;
            size_t n_ids = crpv_grid_query(
                grid, crpv_rect_inflate(crpv_grid_cell_box(grid, a->at), want), &ids);
            g_array_set_size(todo, 0);
            for (size_t q = 0; q < n_ids; q++)
                if (ids[q] > i)
                    g_array_append_val(todo, ids[q]);
            for (guint t = 0; t < todo->len; t++) {
                size_t j = g_array_index(todo, size_t, t);
                marker *b = &g_array_index(markers, marker, j);
                crpv_cost_add_pairs(1);
                if (a->frame != b->frame)
                    continue;
                double dx = b->at.x - a->at.x, dy = b->at.y - a->at.y;
                /* Clearly apart: hypot(), slow, only for the others. */
                if (dx * dx + dy * dy > want * want * (1 + 1e-9))
                    continue;
                double d = hypot(dx, dy);
                if (d >= want - 1e-9)
                    continue;
                crpv_point a0 = a->at, b0 = b->at;
                if (d < 1e-9) { /* the same point: split along x, by order */
                    dx = 1;
                    dy = 0;
                    d = 1;
                    a->at.x -= 1e-3;
                }
                double push = (want - hypot(b->at.x - a->at.x, b->at.y - a->at.y)) / 2;
                a->at.x -= dx / d * push;
                a->at.y -= dy / d * push;
                b->at.x += dx / d * push;
                b->at.y += dy / d * push;
                moved = true;
                crpv_grid_remove(grid, i, POINT_BOX(a0));
                crpv_grid_insert(grid, i, POINT_BOX(a->at));
                crpv_grid_remove(grid, j, POINT_BOX(b0));
                crpv_grid_insert(grid, j, POINT_BOX(b->at));
                if (crpv_grid_cell(grid, a->at) == cell)
                    continue;
                /* Marker I changed cells: the J after this one near its new
                 * cell join those left (the others have not moved). */
                cell = crpv_grid_cell(grid, a->at);
                n_ids = crpv_grid_query(
                    grid, crpv_rect_inflate(crpv_grid_cell_box(grid, a->at), want), &ids);
                g_array_set_size(merged, 0);
                size_t q = 0;
                guint r = t + 1;
                while (q < n_ids || r < todo->len) {
                    size_t next;
                    if (q < n_ids && ids[q] <= j) {
                        q++;
                        continue;
                    }
                    if (r >= todo->len || (q < n_ids && ids[q] < g_array_index(todo, size_t, r)))
                        next = ids[q++];
                    else if (q < n_ids && ids[q] == g_array_index(todo, size_t, r))
                        next = ids[q++], r++;
                    else
                        next = g_array_index(todo, size_t, r++);
                    g_array_append_val(merged, next);
                }
                GArray *swap = todo;
                todo = merged;
                merged = swap;
                t = (guint)-1; /* the loop's increment makes it 0 */
            }
        }
        if (!moved)
            break;
    }
#undef POINT_BOX
    g_array_free(todo, TRUE);
    g_array_free(merged, TRUE);
    crpv_grid_free(grid);
}

/* --- Scene -------------------------------------------------------------- */

static crpv_color status_color(const crpv_style *st, status s)
{
    return s == STATUS_ACTIF ? st->served : s == STATUS_PREFIGURATION ? st->secondary : st->neutral;
}

static status centre_status(const crpv_centre *c)
{
    return c->statut == CRPV_STATUT_ACTIF ? STATUS_ACTIF : STATUS_PREFIGURATION;
}

/* Outlines: white between coloured territories; grey round those without
 * a centre, 3:1 from the paper (WCAG's bar for a shape's boundary) so
 * that a light territory never reads as blank paper. */
static const unsigned none_outline = 0x8f8a82;

/* The préfiguration class's stripes, in points at print size: a third of
 * the ground white, fine enough to read as a tint and coarse enough to
 * survive the 1x PNG. */
static const double hatch_width = 0.9, hatch_step = 2.7;

/* Gives item IT the fill of class S, with its stripes for préfiguration:
 * territories and legend swatches alike. */
static void set_class_fill(crpv_item *it, const crpv_style *st, status s, double k)
{
    it->fill = status_color(st, s);
    if (s == STATUS_PREFIGURATION) {
        it->hatch = st->hatch;
        it->hatch_width = hatch_width * k;
        it->hatch_step = hatch_step * k;
    }
}
/* The muted markers and labels of a map made for one centre. */
static const unsigned muted_marker = 0xdcdad6, muted_text = 0x4a4a4a;
static const unsigned locator_stroke = 0x4a4a4a;

static void draw_territories(crpv_map *map, const crpv_map_input *in, double k)
{
    const crpv_style *st = in->style;
    for (guint fi = 0; fi < map->frames->len; fi++) {
        frame *f = nth_frame(map, fi);
        if (fi > 0) {
            crpv_item *bg = crpv_scene_add_rect(map->scene, CRPV_ROLE_BACKGROUND, f->rect,
                                                st->sea.a > 0 ? st->sea : crpv_color_rgb(0xffffff),
                                                crpv_color_none(), 0);
            bg->frame = (int)fi;
        }
        for (guint j = 0; j < f->features->len; j++) {
            if (f->shapes[j].n_rings == 0)
                continue; /* outside the inset's window */
            const crpv_feature *feat = g_ptr_array_index(f->features, j);
            const crpv_centre *first = NULL;
            status s = territory_status(in->directory, feat->code, is_dep(f, j), &first);
            if (map->emph)
                s = serves_feature(f, j, map->emph) ? centre_status(map->emph) : STATUS_NONE;
            map->classes_used[s] = true;
            crpv_item *it = crpv_scene_add(map->scene, CRPV_ITEM_SHAPE,
                                           is_dep(f, j) ? CRPV_ROLE_DEPARTEMENT : CRPV_ROLE_REGION);
            it->shape = crpv_shape_copy(&f->shapes[j]);
            it->box = crpv_shape_bbox(&it->shape);
            set_class_fill(it, st, s, k);
            it->stroke = s == STATUS_NONE ? crpv_color_rgb(none_outline) : st->border;
            it->line_width = (is_dep(f, j) ? 0.4 : 0.5) * k;
            it->key = g_strdup(feat->code);
            it->frame = (int)fi;
            if (first) {
                it->uri = centre_uri(first);
                it->link_name = centre_link_name(first);
                it->title = g_strdup_printf("%s : %s", feat->nom, first->nom);
            } else {
                it->title = g_strdup_printf("%s : pas de centre de ressources", feat->nom);
            }
        }
    }
}

/* The inset's window as a rectangle on metropolitan France, when both
 * frames share a projection. */
static bool window_on_metro(const frame *metro, const frame *f, crpv_rect *out)
{
    if (f->proj != metro->proj)
        return false;
    crpv_rect c = f->content;
    crpv_point a = {(c.x0 - f->ox) / f->scale, (f->oy - c.y0) / f->scale};
    crpv_point b = {(c.x1 - f->ox) / f->scale, (f->oy - c.y1) / f->scale};
    a = to_map(metro, a);
    b = to_map(metro, b);
    *out = (crpv_rect){fmin(a.x, b.x), fmin(a.y, b.y), fmax(a.x, b.x), fmax(a.y, b.y)};
    return true;
}

static void draw_frames(crpv_map *map, const crpv_map_input *in, double k, GArray *obstacles)
{
    const crpv_style *st = in->style;
    g_autofree char *font = font_desc(st, "Bold 6");
    for (guint fi = 1; fi < map->frames->len; fi++) {
        frame *f = nth_frame(map, fi);
        crpv_item *it = crpv_scene_add_rect(map->scene, CRPV_ROLE_FRAME, f->rect,
                                            crpv_color_none(), crpv_color_rgb(0x9a9a9a), 0.5 * k);
        it->frame = (int)fi;
        it->key = g_strdup(f->code);
        it->title = g_strdup(f->title);
        g_array_append_val(obstacles, ((crpv_obstacle){f->rect, (int)fi}));
        /* The caption sits in the strip at the frame's top, which the
         * territory leaves free. */
        g_autofree char *markup = crpv_markup_escape(f->title);
        double w = 0, h = 0;
        crpv_text_size(in->ctx, font, markup, -1, false, 0, &w, &h);
        crpv_rect box = {f->rect.x0 + 2.5 * k, f->rect.y0 + 1.2 * k, f->rect.x0 + 2.5 * k + w,
                         f->rect.y0 + 1.2 * k + h};
        crpv_item *t = crpv_scene_add_text(map->scene, CRPV_ROLE_FRAME_TITLE, box, font, markup,
                                           crpv_color_rgb(0x4a4a4a));
        t->frame = (int)fi;
        g_array_append_val(obstacles, ((crpv_obstacle){box, -1}));
    }
    /* On metropolitan France, a box round the inset's window points at
     * the enlargement. */
    frame *metro = nth_frame(map, 0);
    for (guint fi = 1; fi < map->frames->len; fi++) {
        frame *f = nth_frame(map, fi);
        crpv_rect r;
        if (strcmp(f->code, IDF_INSET) != 0 || !window_on_metro(metro, f, &r))
            continue;
        crpv_item *it = crpv_scene_add_rect(map->scene, CRPV_ROLE_FRAME, r, crpv_color_none(),
                                            crpv_color_rgb(locator_stroke), 0.5 * k);
        it->frame = 0;
        it->key = g_strdup("zoom-idf");
        it->title = g_strdup_printf("%s, agrandie dans son encart", f->title);
        map->locator = true;
        /* Labels may sit inside or outside the box, never across its
         * edges: each edge is an obstacle of its own. */
        double e = 0.25 * k;
        crpv_rect edges[] = {{r.x0 - e, r.y0 - e, r.x1 + e, r.y0 + e},
                             {r.x0 - e, r.y1 - e, r.x1 + e, r.y1 + e},
                             {r.x0 - e, r.y0 - e, r.x0 + e, r.y1 + e},
                             {r.x1 - e, r.y0 - e, r.x1 + e, r.y1 + e}};
        for (size_t q = 0; q < G_N_ELEMENTS(edges); q++)
            g_array_append_val(obstacles, ((crpv_obstacle){edges[q], CRPV_OBSTACLE_LINE}));
    }
}

/* « Échelles différentes » in italics beside AREA: below it where the map
 * leaves room, else above; an obstacle to labels and to the legend. */
static void add_scale_note(crpv_map *map, const crpv_map_input *in, double k, crpv_rect area,
                           GArray *obstacles)
{
    g_autofree char *font = font_desc(in->style, "Italic 6");
    const char *text = "Échelles différentes";
    double w = 0, h = 0;
    crpv_text_size(in->ctx, font, text, -1, false, 0, &w, &h);
    double H = crpv_scene_height(map->scene);
    crpv_rect box = {area.x0 + 1.5 * k, area.y1 + 1.5 * k, area.x0 + 1.5 * k + w,
                     area.y1 + 1.5 * k + h};
    if (box.y1 > H - 0.5) /* no room below: above */
        box = (crpv_rect){box.x0, area.y0 - 1.5 * k - h, box.x1, area.y0 - 1.5 * k};
    crpv_scene_add_text(map->scene, CRPV_ROLE_NOTE, box, font, text, crpv_color_rgb(0x4a4a4a));
    g_array_append_val(obstacles, ((crpv_obstacle){box, -1}));
}

/* Overseas insets fitted each to its frame have scales of their own; so
 * have the territories the file moved next to the mainland, when it
 * shrank or enlarged them. The reader is told so, next to them. */
static void draw_scale_note(crpv_map *map, const crpv_map_input *in, double k, GArray *obstacles)
{
    double lo = INFINITY, hi = 0;
    crpv_rect column = crpv_rect_empty();
    for (guint fi = 1; fi < map->frames->len; fi++) {
        frame *f = nth_frame(map, fi);
        if (strcmp(f->code, IDF_INSET) == 0)
            continue;
        lo = fmin(lo, f->scale);
        hi = fmax(hi, f->scale);
        column = crpv_rect_union(column, f->rect);
    }
    if (!crpv_rect_is_empty(column) && hi > lo * 1.02)
        add_scale_note(map, in, k, column, obstacles);
    /* Moved territories: F is their scale over the mainland's. */
    frame *metro = nth_frame(map, 0);
    crpv_rect moved = crpv_rect_empty();
    bool differ = false;
    for (guint j = 0; metro->placed && j < metro->features->len; j++) {
        if (!metro->placed[j].proj || metro->shapes[j].n_rings == 0)
            continue;
        moved = crpv_rect_union(moved, crpv_shape_bbox(&metro->shapes[j]));
        differ = differ || fabs(metro->placed[j].f - 1) > 0.02;
    }
    if (!crpv_rect_is_empty(moved) && differ)
        add_scale_note(map, in, k, moved, obstacles);
}

/* A marker as the map and the legend draw it: a disc in the network's
 * colour for an active centre, a ring for one being set up, grey on a map
 * made for another centre. */
typedef enum { MARK_ACTIF, MARK_PREFIGURATION, MARK_MUTED } mark_kind;

static void style_marker(const crpv_style *st, mark_kind kind, double k, crpv_item *d,
                         crpv_color *number)
{
    switch (kind) {
    case MARK_ACTIF:
        d->fill = st->marker;
        d->stroke = crpv_color_rgb(0xffffff);
        /* A wide white ring: the disc is only 1.8:1 from the served fill. */
        d->line_width = 1.1 * k;
        *number = st->marker_text;
        break;
    case MARK_PREFIGURATION:
        d->fill = crpv_color_rgb(0xffffff);
        d->stroke = st->marker;
        d->line_width = 1.2 * k;
        *number = st->marker;
        break;
    case MARK_MUTED:
        d->fill = crpv_color_rgb(muted_marker);
        d->stroke = crpv_color_rgb(0xffffff);
        d->line_width = 1.1 * k;
        *number = crpv_color_rgb(muted_text);
        break;
    }
}

static mark_kind marker_kind(const crpv_map *map, const crpv_centre *c)
{
    if (map->emph && map->emph != c)
        return MARK_MUTED;
    return c->statut == CRPV_STATUT_ACTIF ? MARK_ACTIF : MARK_PREFIGURATION;
}

typedef struct {
    bool disc;          /* a marker, else a fill swatch */
    bool box;           /* the locator's box (a swatch with no fill) */
    status cls;         /* the swatch's class */
    mark_kind mark;
    char *text;         /* owned */
} legend_row;

/* The legend's rows: every symbol the map uses, and only those. */
static GArray *legend_rows(const crpv_map *map, const crpv_style *st)
{
    GArray *rows = g_array_new(FALSE, TRUE, sizeof(legend_row));
    legend_row r;
    if (map->emph) {
        status s = centre_status(map->emph);
        r = (legend_row){false, false, s, MARK_ACTIF,
                         g_strdup(s == STATUS_ACTIF ? "Territoire de ce centre"
                                                    : "Territoire de ce centre, en préfiguration")};
        g_array_append_val(rows, r);
        if (map->classes_used[STATUS_NONE]) {
            r = (legend_row){false, false, STATUS_NONE, MARK_ACTIF, g_strdup("Autres territoires")};
            g_array_append_val(rows, r);
        }
        r = (legend_row){true, false, STATUS_NONE, s == STATUS_ACTIF ? MARK_ACTIF : MARK_PREFIGURATION,
                         g_strdup("Ce centre")};
        g_array_append_val(rows, r);
        if (map->marks_used[MARK_MUTED]) {
            r = (legend_row){true, false, STATUS_NONE, MARK_MUTED,
                             g_strdup("Autres centres, numérotés comme dans l’annuaire")};
            g_array_append_val(rows, r);
        }
        goto locator;
    }
    static const char *const fills[] = {"Pas de centre de ressources",
                                        "Territoire d’un centre en préfiguration",
                                        "Territoire doté d’un centre"};
    for (int s = STATUS_ACTIF; s >= STATUS_NONE; s--)
        if (map->classes_used[s]) {
            r = (legend_row){false, false, (status)s, MARK_ACTIF, g_strdup(fills[s])};
            g_array_append_val(rows, r);
        }
    if (map->marks_used[MARK_ACTIF]) {
        r = (legend_row){true, false, STATUS_NONE, MARK_ACTIF,
                         g_strdup("Centre, numéroté comme dans l’annuaire")};
        g_array_append_val(rows, r);
    }
    if (map->marks_used[MARK_PREFIGURATION]) {
        r = (legend_row){true, false, STATUS_NONE, MARK_PREFIGURATION, g_strdup("Centre en préfiguration")};
        g_array_append_val(rows, r);
    }
locator:
    if (map->locator) {
        r = (legend_row){false, true, STATUS_NONE, MARK_ACTIF,
                         g_strdup("Partie agrandie dans l’encart")};
        g_array_append_val(rows, r);
    }
    return rows;
}

/* Legend and credit, placed where they cover no land: the corners of the
 * map are tried in turn. */
static void draw_legend_and_credit(crpv_map *map, const crpv_map_input *in, double k,
                                   GArray *obstacles, const GArray *markers)
{
    const crpv_style *st = in->style;
    crpv_scene *sc = map->scene;
    double W = crpv_scene_width(sc), H = crpv_scene_height(sc);
    frame *metro = nth_frame(map, 0);

    /* 6 points at print size at least. */
    g_autofree char *credit_font = font_desc(st, "Italic 6");
    g_autofree char *credit = crpv_markup_escape(st->credit);
    double cw = 0, ch = 0;
    crpv_text_size(in->ctx, credit_font, credit, -1, false, 0, &cw, &ch);
    /* 4 points in from the image's edges, as every frame. */
    crpv_rect cbox = {W - cw - 4 * k, H - ch - 4 * k, W - 4 * k, H - 4 * k};
    crpv_item *ct = crpv_scene_add_text(sc, CRPV_ROLE_CREDIT, cbox, credit_font, credit,
                                        crpv_color_rgb(0x4a4a4a));
    ct->align = 2;
    g_array_append_val(obstacles, ((crpv_obstacle){cbox, -1}));

    if (!st->legend)
        return;
    GArray *rows = legend_rows(map, st);
    g_autofree char *font = font_desc(st, "6");
    /* Rows of swatches 9 points apart; marker rows taller, their discs as
     * large as the map's. */
    double radius = marker_radius * k;
    double sw = 2 * radius + 1.2 * k, gap = 3 * k, lh = 9 * k, dh = 2 * radius + 2 * k, tw = 0,
           lhgt = 0;
    for (guint i = 0; i < rows->len; i++) {
        double w = 0, h = 0;
        legend_row *row = &g_array_index(rows, legend_row, i);
        crpv_text_size(in->ctx, font, row->text, -1, false, 0, &w, &h);
        tw = fmax(tw, w);
        lhgt += row->disc ? dh : lh;
    }
    double lw = sw + gap + tw + 2 * k;
    crpv_rect m = metro->rect;
    /* First along the bottom of the map, from the right, 4 points clear of
     * the land and of the credit line: the sea south of the mainland,
     * beside Corse. Then the corners. */
    GArray *cands = g_array_new(FALSE, FALSE, sizeof(crpv_rect));
    double bottom = fmin(m.y1, H - 4 * k);
    for (double x1 = m.x1 - 4 * k; x1 - lw >= m.x0; x1 -= 2 * k)
        g_array_append_val(cands, ((crpv_rect){x1 - lw, bottom - lhgt, x1, bottom}));
    crpv_rect corners[] = {
        {m.x0, m.y1 - lhgt, m.x0 + lw, m.y1},                 /* bottom left */
        {m.x0, m.y0 + 4 * k, m.x0 + lw, m.y0 + 4 * k + lhgt}, /* top left */
        {m.x1 - lw, m.y0 + 4 * k, m.x1, m.y0 + 4 * k + lhgt}, /* top right */
    };
    g_array_append_vals(cands, corners, G_N_ELEMENTS(corners));
    crpv_rect box = corners[0];
    bool clear_found = false;
    for (guint i = 0; i < cands->len; i++) {
        crpv_rect c = g_array_index(cands, crpv_rect, i);
        /* The obstacles first: they are few, the coasts long. */
        bool clear = true;
        for (guint o = 0; clear && o < obstacles->len; o++)
            clear = !crpv_rect_intersects(crpv_rect_inflate(c, 4 * k),
                                          g_array_index(obstacles, crpv_obstacle, o).box);
        clear = clear && !rect_hits_shapes(crpv_rect_inflate(c, 4 * k), metro->shapes,
                                           metro->features->len);
        if (clear) {
            box = c;
            clear_found = true;
            break;
        }
    }
    g_array_free(cands, TRUE);
    if (!clear_found) {
        /* Nowhere along the bottom nor in a corner (overseas regions moved
         * below the mainland): the free place nearest the bottom left
         * corner, clear of the land, the frames, the texts and the
         * markers. */
        crpv_freespace *fs = room(map, k);
        for (guint o = 0; o < obstacles->len; o++)
            crpv_freespace_add_rect(fs, g_array_index(obstacles, crpv_obstacle, o).box);
        for (guint i = 0; i < markers->len; i++) {
            crpv_point c = g_array_index(markers, marker, i).at;
            crpv_freespace_add_rect(fs, crpv_rect_inflate((crpv_rect){c.x, c.y, c.x, c.y}, radius));
        }
        crpv_freespace_find(fs, lw, lhgt, 4 * k, (crpv_point){m.x0, m.y1}, &box);
    }
    g_array_append_val(obstacles, ((crpv_obstacle){box, -1}));
    double y = box.y0;
    for (guint i = 0; i < rows->len; i++) {
        legend_row *row = &g_array_index(rows, legend_row, i);
        double rh = row->disc ? dh : lh, mid = y + rh / 2;
        if (row->box) {
            crpv_item *r = crpv_scene_add_rect(
                sc, CRPV_ROLE_LEGEND, (crpv_rect){box.x0 + 1 * k, mid - 3 * k, box.x0 + sw - 1 * k, mid + 3 * k},
                crpv_color_none(), crpv_color_rgb(locator_stroke), 0.5 * k);
            r->key = g_strdup("locator");
        } else if (!row->disc) {
            /* The swatch as the map draws the class: its fill, stripes
             * and outline. */
            crpv_item *r = crpv_scene_add_rect(
                sc, CRPV_ROLE_LEGEND, (crpv_rect){box.x0, mid - 3 * k, box.x0 + sw, mid + 3 * k},
                crpv_color_none(),
                row->cls == STATUS_NONE ? crpv_color_rgb(none_outline) : st->border, 0.4 * k);
            set_class_fill(r, st, row->cls, k);
            r->key = g_strdup("fill");
        } else {
            crpv_color number;
            crpv_item *d = crpv_scene_add(sc, CRPV_ITEM_DISC, CRPV_ROLE_LEGEND);
            d->center = (crpv_point){box.x0 + sw / 2, mid};
            d->radius = radius;
            d->box = (crpv_rect){d->center.x - d->radius, d->center.y - d->radius,
                                 d->center.x + d->radius, d->center.y + d->radius};
            style_marker(st, row->mark, k, d, &number);
            d->key = g_strdup(row->mark == MARK_ACTIF           ? "marker-actif"
                              : row->mark == MARK_PREFIGURATION ? "marker-prefiguration"
                                                                : "marker-muted");
        }
        crpv_scene_add_text(sc, CRPV_ROLE_LEGEND,
                            (crpv_rect){box.x0 + sw + gap, mid - lh / 2, box.x1, mid + lh / 2},
                            font, row->text, st->text);
        g_free(row->text);
        y += rh;
    }
    g_array_free(rows, TRUE);
}

/* The label's markup with its line breaks made explicit, where Pango
 * would wrap it at WIDTH: every writer, the SVG one included, then breaks
 * the same lines. */
static char *wrapped_label(PangoContext *ctx, const char *font, const char *text, double width)
{
    g_autofree char *markup = crpv_markup_escape(text);
    PangoLayout *layout = crpv_text_layout_shared(ctx, font, markup, width, 1, false, 0);
    const char *plain = pango_layout_get_text(layout);
    GString *out = g_string_new(NULL);
    for (GSList *l = pango_layout_get_lines_readonly(layout); l; l = l->next) {
        PangoLayoutLine *line = l->data;
        g_autofree char *part = g_strstrip(g_strndup(plain + line->start_index, (gsize)line->length));
        g_autofree char *esc = crpv_markup_escape(part);
        if (out->len)
            g_string_append_c(out, '\n');
        g_string_append(out, esc);
    }
    g_object_unref(layout);
    return g_string_free(out, FALSE);
}

/* The names of the regions without a centre (Corse), so that the reader
 * sees them as such and not as a blank: one per region of metropolitan
 * France; an inset's caption names its own. */
typedef struct {
    char *markup;
    const char *code;
    crpv_point at;
    double radius; /* half the territory's width: the name sits beside it */
} place_name;

static GArray *place_names(const crpv_map *map, const crpv_map_input *in, double k)
{
    GArray *names = g_array_new(FALSE, TRUE, sizeof(place_name));
    if (map->emph)
        return names;
    frame *metro = nth_frame(map, 0);
    for (guint j = 0; j < metro->first_dep; j++) {
        const crpv_feature *feat = g_ptr_array_index(metro->features, j);
        const crpv_centre *first = NULL;
        if (territory_status(in->directory, feat->code, false, &first) != STATUS_NONE)
            continue;
        crpv_rect b = crpv_shape_bbox(&metro->shapes[j]);
        crpv_point at = crpv_shape_pole(&metro->shapes[j], 0.5 * k);
        place_name p = {g_strdup_printf("%s\n<i>sans centre</i>", feat->nom), feat->code, at,
                        fmax(at.x - b.x0, b.x1 - at.x)};
        g_array_append_val(names, p);
    }
    return names;
}

/* The smallest contrast, under the three visions, between text item I's
 * colour and what lies under its box. */
static double ground_contrast(const crpv_scene *sc, size_t i, crpv_grid *fills)
{
    const crpv_item *t = crpv_scene_nth(sc, i);
    double worst = INFINITY;
    const size_t *ids;
    size_t n_ids = crpv_grid_query(fills, t->box, &ids); /* increasing: painted in order */
    for (int gy = 0; gy < 3; gy++)
        for (int gx = 0; gx < 6; gx++) {
            crpv_point p = {t->box.x0 + (gx + 0.5) / 6 * (t->box.x1 - t->box.x0),
                            t->box.y0 + (gy + 0.5) / 3 * (t->box.y1 - t->box.y0)};
            worst = fmin(worst, crpv_color_contrast_all(
                                    t->fill, crpv_scene_color_at_items(sc, p, i, ids, n_ids)));
        }
    return worst;
}

static void draw_markers(crpv_map *map, const crpv_map_input *in, double k, GArray *markers,
                         GArray *obstacles)
{
    const crpv_style *st = in->style;
    crpv_scene *sc = map->scene;
    double radius = marker_radius * k;
    g_autofree char *lfont = font_desc(st, label_font);
    const double number_size = 6;
    g_autofree char *nfont = g_strdup_printf("%s Black %g", st->font_family, number_size);
    g_autofree char *pfont = font_desc(st, "6");
    GArray *names = place_names(map, in, k);

    /* Labels first, as data: their places depend on every marker. */
    size_t n = markers->len, total = n + names->len;
    crpv_label_request *req = g_new0(crpv_label_request, total);
    crpv_label_place *places = g_new0(crpv_label_place, total);
    char **markups = g_new0(char *, total); /* NULL for a marker without a label */
    crpv_rect whole = {0, 0, crpv_scene_width(sc), crpv_scene_height(sc)};
    /* Markers without a label still block others' labels: they go in as
     * requests of size zero, which always fit. */
    for (size_t i = 0; i < n; i++) {
        marker *m = &g_array_index(markers, marker, i);
        crpv_label_request *r = &req[i];
        r->anchor = m->at;
        r->radius = radius;
        r->frame = (int)m->frame;
        r->bounds = m->frame == 0 ? whole : nth_frame(map, m->frame)->content;
        frame *mf = nth_frame(map, m->frame);
        r->ground = territory_shape(mf, m->centre);
        r->grounds = mf->shapes;
        r->n_grounds = mf->features->len;
        if (m->label) {
            markups[i] = wrapped_label(in->ctx, lfont, m->label, label_wrap * k);
            crpv_text_size(in->ctx, lfont, markups[i], -1, false, 0, &r->width, &r->height);
        }
    }
    for (guint q = 0; q < names->len; q++) {
        place_name *p = &g_array_index(names, place_name, q);
        crpv_label_request *r = &req[n + q];
        r->anchor = p->at;
        r->radius = p->radius;
        r->frame = 0;
        r->bounds = whole;
        r->no_marker = true;
        markups[n + q] = g_strdup(p->markup);
        crpv_text_size(in->ctx, pfont, markups[n + q], -1, false, 0, &r->width, &r->height);
    }
    map->stats.labels_unplaced =
        crpv_labels_place(req, total, (const crpv_obstacle *)obstacles->data, obstacles->len,
                          places);

    /* A label without a free place is not drawn: its centre keeps its
     * numbered marker, which the directory explains, and is reported. */
    if (!map->unplaced)
        map->unplaced = g_array_new(FALSE, FALSE, sizeof(unplaced_label));
    for (size_t q = 0; q < n; q++) {
        const marker *m = &g_array_index(markers, marker, q);
        if (markups[q] && !places[q].placed)
            g_array_append_val(map->unplaced, ((unplaced_label){m->centre, m->number}));
    }
    for (size_t q = 0; q < total; q++)
        if (markups[q] && !places[q].placed)
            g_clear_pointer(&markups[q], g_free);
    for (size_t q = 0; q < total; q++) {
        if (!markups[q] || !places[q].leader)
            continue;
        crpv_item *l = crpv_scene_add(sc, CRPV_ITEM_POLYLINE, CRPV_ROLE_LEADER);
        crpv_point pts[2] = {places[q].leader_from, places[q].leader_to};
        crpv_shape_add_ring(&l->shape, pts, 2);
        l->stroke = crpv_color_rgb(0x444444);
        l->line_width = 0.5 * k;
        l->frame = req[q].frame;
        l->key = q < n ? g_strdup(g_array_index(markers, marker, q).centre->id) : NULL;
    }
    for (size_t i = 0; i < n; i++) {
        marker *m = &g_array_index(markers, marker, i);
        crpv_item *d = crpv_scene_add(sc, CRPV_ITEM_DISC, CRPV_ROLE_MARKER);
        d->center = m->at;
        d->radius = radius;
        d->box = (crpv_rect){m->at.x - radius, m->at.y - radius, m->at.x + radius,
                             m->at.y + radius};
        mark_kind kind = marker_kind(map, m->centre);
        map->marks_used[kind] = true;
        crpv_color number;
        style_marker(st, kind, k, d, &number);
        d->text = g_strdup_printf("%zu", m->number);
        d->key = g_strdup(m->centre->id);
        d->uri = centre_uri(m->centre);
        d->link_name = centre_link_name(m->centre);
        d->title = g_strdup_printf("%zu. %s (%s)%s", m->number, m->centre->nom,
                                   m->centre->territoire,
                                   m->centre->statut == CRPV_STATUT_ACTIF ? ""
                                                                          : ", en préfiguration");
        d->frame = (int)m->frame;
        double w = 0, h = 0;
        crpv_text_size(in->ctx, nfont, d->text, -1, false, 0, &w, &h);
        /* From three digits on, a smaller size keeps the number inside its
         * disc: the box of its figures (their height about 0.72 of the
         * size) within 92 % of the radius. */
        g_autofree char *small = NULL;
        double fit = 0.92 * radius / (hypot(w, 0.72 * number_size) / 2);
        if (fit < 1) {
            small = g_strdup_printf("%s Black %.2f", st->font_family, number_size * fit);
            crpv_text_size(in->ctx, small, d->text, -1, false, 0, &w, &h);
        }
        crpv_item *t = crpv_scene_add_text(
            sc, CRPV_ROLE_MARKER, (crpv_rect){m->at.x - w / 2, m->at.y - h / 2, m->at.x + w / 2,
                                              m->at.y + h / 2},
            small ? small : nfont, d->text, number);
        t->align = 1;
        t->key = g_strdup(m->centre->id);
        t->frame = (int)m->frame;
    }
    for (size_t q = 0; q < total; q++) {
        if (!markups[q])
            continue;
        if (q >= n) {
            place_name *p = &g_array_index(names, place_name, q - n);
            crpv_item *t = crpv_scene_add_text(sc, CRPV_ROLE_PLACE_NAME, places[q].box, pfont,
                                               markups[q], crpv_color_rgb(muted_text));
            t->align = 1;
            t->key = g_strdup(p->code);
            t->frame = 0;
            continue;
        }
        marker *m = &g_array_index(markers, marker, q);
        bool muted = map->emph && map->emph != m->centre;
        crpv_item *t = crpv_scene_add_text(sc, CRPV_ROLE_LABEL, places[q].box, lfont, markups[q],
                                           muted ? crpv_color_rgb(muted_text) : st->map_text);
        t->align = 1;
        t->key = g_strdup(m->centre->id);
        t->uri = centre_uri(m->centre);
        t->link_name = centre_link_name(m->centre);
        t->title = g_strdup(m->centre->nom);
        t->frame = req[q].frame;
    }
    for (size_t q = 0; q < total; q++)
        g_free(markups[q]);
    for (guint q = 0; q < names->len; q++)
        g_free(g_array_index(names, place_name, q).markup);
    g_array_free(names, TRUE);
    g_free(markups);
    g_free(req);
    g_free(places);
}

/* Labels read without a halo where the ground under them is light enough;
 * elsewhere, and only there, they get one. */
static void set_halos(crpv_map *map)
{
    crpv_scene *sc = map->scene;
    /* The filled items by place, so that each label looks only at what
     * lies near it. */
    crpv_grid *fills = crpv_grid_new((crpv_rect){0, 0, crpv_scene_width(sc), crpv_scene_height(sc)},
                                     fmax(crpv_scene_width(sc) / 64, 1));
    for (size_t i = 0; i < crpv_scene_count(sc); i++) {
        crpv_rect box;
        if (crpv_scene_fill_box(sc, i, &box))
            crpv_grid_insert(fills, i, box);
    }
    for (size_t i = 0; i < crpv_scene_count(sc); i++) {
        crpv_item *t = crpv_scene_nth(sc, i);
        if (t->kind != CRPV_ITEM_TEXT || t->role == CRPV_ROLE_MARKER)
            continue;
        bool need = ground_contrast(sc, i, fills) < CRPV_TEXT_CONTRAST;
        crpv_scene_nth(sc, i)->halo = need;
    }
    crpv_grid_free(fills);
}

crpv_map *crpv_map_compose(const crpv_map_input *in, double width, double tolerance,
                           GError **error)
{
    return crpv_map_compose_for(in, NULL, width, tolerance, error);
}

crpv_map *crpv_map_compose_for(const crpv_map_input *in, const char *centre, double width,
                               double tolerance, GError **error)
{
    const crpv_style *st = in->style;
    if (crpv_directory_count(in->directory) > CRPV_MAP_MAX_CENTRES) {
        g_set_error(error, MAP_ERROR, 3, "%zu centres : la carte en dessine %d au plus",
                    crpv_directory_count(in->directory), CRPV_MAP_MAX_CENTRES);
        return NULL;
    }
    double k = width / st->map_width;
    crpv_map *map = g_new0(crpv_map, 1);
    map->frames = g_array_new(FALSE, TRUE, sizeof(frame));
    map->projections = g_hash_table_new_full(g_str_hash, g_str_equal, g_free,
                                             (GDestroyNotify)crpv_projection_free);
    map->scene = crpv_scene_new(width, st->map_height * k);
    if (centre) {
        for (size_t i = 0; i < crpv_directory_count(in->directory); i++)
            if (strcmp(crpv_directory_nth(in->directory, i)->id, centre) == 0)
                map->emph = crpv_directory_nth(in->directory, i);
        if (!map->emph) {
            g_set_error(error, MAP_ERROR, 2, "centre « %s » absent de l’annuaire", centre);
            crpv_map_free(map);
            return NULL;
        }
    }
    if (!add_frames(map, in, k, tolerance, error)) {
        crpv_map_free(map);
        return NULL;
    }
    if (st->sea.a > 0)
        crpv_scene_add_rect(map->scene, CRPV_ROLE_LAND, nth_frame(map, 0)->rect, st->sea,
                            crpv_color_none(), 0);
    draw_territories(map, in, k);
    GArray *obstacles = g_array_new(FALSE, TRUE, sizeof(crpv_obstacle));
    draw_frames(map, in, k, obstacles);
    draw_scale_note(map, in, k, obstacles);
    GArray *markers = g_array_new(FALSE, TRUE, sizeof(marker));
    place_markers(map, in, k, markers);
    separate_markers(markers, marker_radius * k);
    /* A marker pushed apart, or at the very edge of the land, stays
     * wholly inside its frame. */
    for (guint i = 0; i < markers->len; i++) {
        marker *m = &g_array_index(markers, marker, i);
        crpv_rect c = m->frame ? nth_frame(map, m->frame)->content
                               : (crpv_rect){0, 0, crpv_scene_width(map->scene),
                                             crpv_scene_height(map->scene)};
        c = crpv_rect_inflate(c, -(marker_radius + 1) * k);
        m->at.x = fmin(fmax(m->at.x, c.x0), c.x1);
        m->at.y = fmin(fmax(m->at.y, c.y0), c.y1);
    }
    for (guint i = 0; i < markers->len; i++)
        map->marks_used[marker_kind(map, g_array_index(markers, marker, i).centre)] = true;
    draw_legend_and_credit(map, in, k, obstacles, markers);
    draw_markers(map, in, k, markers, obstacles);
    set_halos(map);
    for (guint i = 0; i < markers->len; i++)
        g_free(g_array_index(markers, marker, i).label);
    g_array_free(markers, TRUE);
    g_array_free(obstacles, TRUE);
    return map;
}

char *crpv_map_title(const crpv_directory *dir)
{
    crpv_directory_stats s = crpv_directory_get_stats(dir);
    return g_strdup_printf("Carte des %zu centres de ressources Politique de la ville", s.centres);
}

char *crpv_map_description(const crpv_directory *dir)
{
    crpv_directory_stats s = crpv_directory_get_stats(dir);
    GString *d = g_string_new(NULL);
    g_string_append_printf(d,
                           "Carte de la France métropolitaine et des régions d’outre-mer "
                           "montrant les %zu centres de ressources Politique de la ville, dont "
                           "%zu en outre-mer et %zu en préfiguration, présents dans %zu régions. ",
                           s.centres, s.outremer, s.prefiguration, s.regions);
    for (size_t i = 0; i < crpv_directory_count(dir); i++) {
        const crpv_centre *c = crpv_directory_nth(dir, i);
        g_string_append_printf(d, "%zu : %s (%s)%s", i + 1, c->nom, c->territoire,
                               i + 1 < crpv_directory_count(dir) ? " ; " : ".");
    }
    return g_string_free(d, FALSE);
}
