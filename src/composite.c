#include "composite.h"

#include <math.h>
#include <string.h>

#include "labels.h"
#include "projection.h"
#include "simplify.h"
#include "typeset.h"

#define MAP_ERROR (g_quark_from_static_string("crpv-map-error"))
/* The region whose départements the Île-de-France inset shows. */
#define IDF_REGION "11"
#define IDF_INSET "idf"

typedef enum { STATUS_NONE, STATUS_PREFIGURATION, STATUS_ACTIF } status;

typedef struct {
    char *code;                /* "metro", "01", ..., "idf" */
    char *title;               /* printed caption, NULL for metropolitan France */
    crpv_rect rect;            /* the frame on the map */
    crpv_projection *proj;     /* WGS 84 to the frame's CRS, borrowed from the map */
    double scale, ox, oy;      /* map x = ox + X * scale, y = oy - Y * scale */
    bool departements;         /* the features are départements */
    GPtrArray *features;       /* borrowed crpv_feature pointers */
    crpv_shape *shapes;        /* projected, simplified, in map points; owned */
} frame;

struct crpv_map {
    crpv_scene *scene;
    GArray *frames;      /* of frame */
    GHashTable *projections; /* CRS -> owned crpv_projection: frames in one CRS share it */
    crpv_map_stats stats;
    GPtrArray *unplaced; /* names of the centres whose label found no free place */
};

static void frame_clear(frame *f)
{
    g_free(f->code);
    g_free(f->title);
    if (f->shapes)
        for (guint i = 0; i < f->features->len; i++)
            crpv_shape_clear(&f->shapes[i]);
    g_free(f->shapes);
    if (f->features)
        g_ptr_array_free(f->features, TRUE);
}

void crpv_map_free(crpv_map *map)
{
    if (!map)
        return;
    for (guint i = 0; i < map->frames->len; i++)
        frame_clear(&g_array_index(map->frames, frame, i));
    g_array_free(map->frames, TRUE);
    g_hash_table_destroy(map->projections);
    crpv_scene_free(map->scene);
    if (map->unplaced)
        g_ptr_array_unref(map->unplaced);
    g_free(map);
}

const char *crpv_map_unplaced_label(const crpv_map *map, size_t i)
{
    return map->unplaced && i < map->unplaced->len ? map->unplaced->pdata[i] : NULL;
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
        /* Any point well inside will do: a precision of a hundredth of the
         * département's size is plenty. */
        double size = fmin(crpv_rect_width(d->bbox), crpv_rect_height(d->bbox));
        crpv_point inner = crpv_shape_pole(&d->shape, size / 100);
        if (crpv_shape_contains(&idf->shape, inner))
            g_ptr_array_add(out, (gpointer)d);
    }
}

/* Projects the frame's features and fits them in its rectangle, keeping
 * proportions, centred, PAD points inside. */
static bool frame_project(frame *f, double pad, double top, double tolerance,
                          crpv_map_stats *stats, GError **error)
{
    size_t n = f->features->len;
    f->shapes = g_new0(crpv_shape, n);
    crpv_rect extent = crpv_rect_empty();
    for (size_t i = 0; i < n; i++) {
        const crpv_feature *feat = g_ptr_array_index(f->features, i);
        f->shapes[i] = crpv_shape_copy(&feat->shape);
        if (!crpv_projection_apply_shape(f->proj, &f->shapes[i], error))
            return false;
        extent = crpv_rect_union(extent, crpv_shape_bbox(&f->shapes[i]));
    }
    if (crpv_rect_is_empty(extent) || crpv_rect_width(extent) <= 0 ||
        crpv_rect_height(extent) <= 0) {
        g_set_error(error, MAP_ERROR, 1, "cadre « %s » : aucun contour à dessiner", f->code);
        return false;
    }
    /* TOP keeps a strip free for the frame's caption. */
    double w = crpv_rect_width(f->rect) - 2 * pad, h = crpv_rect_height(f->rect) - 2 * pad - top;
    f->scale = fmin(w / crpv_rect_width(extent), h / crpv_rect_height(extent));
    double used_w = crpv_rect_width(extent) * f->scale;
    double used_h = crpv_rect_height(extent) * f->scale;
    f->ox = f->rect.x0 + pad + (w - used_w) / 2 - extent.x0 * f->scale;
    f->oy = f->rect.y0 + pad + top + (h - used_h) / 2 + extent.y1 * f->scale;
    for (size_t i = 0; i < n; i++)
        for (size_t r = 0; r < f->shapes[i].n_rings; r++) {
            crpv_ring *ring = &f->shapes[i].rings[r];
            for (size_t k = 0; k < ring->n; k++)
                ring->pts[k] = to_map(f, ring->pts[k]);
        }
    crpv_simplify_stats s = crpv_simplify_shapes(f->shapes, n, tolerance);
    stats->vertices_in += s.vertices_in;
    stats->vertices_out += s.vertices_out;
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
static const double caption_height = 8;

static bool add_frames(crpv_map *map, const crpv_map_input *in, double k, double tolerance,
                       GError **error)
{
    const crpv_style *st = in->style;
    frame metro = {0};
    metro.code = g_strdup("metro");
    metro.rect = scale_rect(st->metro_frame, k);
    metro.features = g_ptr_array_new();
    for (size_t i = 0; i < crpv_layer_count(in->regions); i++) {
        const crpv_feature *f = crpv_layer_nth(in->regions, i);
        if (!is_inset_region(st, f->code))
            g_ptr_array_add(metro.features, (gpointer)f);
    }
    metro.proj = projection_to(map, st->metro_crs, error);
    g_array_append_val(map->frames, metro);
    if (!metro.proj ||
        !frame_project(nth_frame(map, 0), 2 * k, 0, tolerance, &map->stats, error))
        return false;

    for (size_t i = 0; i < st->n_insets; i++) {
        const crpv_inset_style *is = &st->insets[i];
        frame f = {0};
        f.features = g_ptr_array_new();
        if (strcmp(is->code, IDF_INSET) == 0) {
            if (!in->departements)
                goto skip;
            idf_departements(in->regions, in->departements, f.features);
            f.departements = true;
        } else {
            const crpv_feature *r = crpv_layer_find(in->regions, is->code);
            if (r)
                g_ptr_array_add(f.features, (gpointer)r);
        }
        if (f.features->len == 0)
            goto skip; /* boundaries without this territory: no inset */
        f.code = g_strdup(is->code);
        f.title = g_strdup(is->title);
        f.rect = scale_rect(is->frame, k);
        f.proj = projection_to(map, is->crs, error);
        g_array_append_val(map->frames, f);
        if (!f.proj ||
            !frame_project(nth_frame(map, map->frames->len - 1), 4 * k, caption_height * k,
                           tolerance, &map->stats, error))
            return false;
        continue;
    skip:
        g_ptr_array_free(f.features, TRUE);
    }
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
        for (guint j = 0; j < f->features->len; j++) {
            const crpv_feature *feat = g_ptr_array_index(f->features, j);
            if (f->departements ? g_strcmp0(c->departement, feat->code) == 0
                                : crpv_centre_serves_region(c, feat->code))
                return i;
        }
    }
    return 0;
}

/* The shape of C's territory in frame F: its département, else the first
 * of its regions found there. */
static const crpv_shape *territory_shape(const frame *f, const crpv_centre *c)
{
    for (guint j = 0; j < f->features->len; j++) {
        const crpv_feature *feat = g_ptr_array_index(f->features, j);
        if (f->departements ? g_strcmp0(c->departement, feat->code) == 0
                            : crpv_centre_serves_region(c, feat->code))
            return &f->shapes[j];
    }
    return NULL;
}

/* A label names the territory; when two centres share one (Occitanie),
 * their cities tell them apart. */
static char *label_text(const crpv_map_input *in, const crpv_centre *c)
{
    if (strcmp(in->style->label_field, "nom") == 0)
        return g_strdup(c->nom);
    for (size_t i = 0; i < crpv_directory_count(in->directory); i++) {
        const crpv_centre *o = crpv_directory_nth(in->directory, i);
        if (o != c && strcmp(o->territoire, c->territoire) == 0 && c->ville)
            return g_strdup_printf("%s (%s)", c->territoire, c->ville);
    }
    return g_strdup(c->territoire);
}

static const char *const label_font = "Bold 6.5";
static const double marker_radius = 5.2; /* points */
static const double label_wrap = 92; /* points: longer labels go on two lines */

static char *font_desc(const crpv_style *st, const char *rest)
{
    return g_strdup_printf("%s %s", st->font_family, rest);
}

static void place_markers(crpv_map *map, const crpv_map_input *in, double k, GArray *markers)
{
    for (size_t i = 0; i < crpv_directory_count(in->directory); i++) {
        const crpv_centre *c = crpv_directory_nth(in->directory, i);
        marker m = {c, i + 1, frame_of_centre(map, c), {0, 0}, NULL};
        frame *f = nth_frame(map, m.frame);
        bool placed = false;
        if (c->has_coords) {
            crpv_point p = {c->lon, c->lat};
            if (crpv_projection_apply(f->proj, &p, 1, NULL)) {
                m.at = to_map(f, p);
                placed = crpv_rect_contains_point(f->rect, m.at);
            }
        }
        if (!placed) {
            /* No city: the point of the territory farthest from its edges,
             * which, unlike the centroid, is always inside. */
            const crpv_shape *shape = territory_shape(f, c);
            m.at = shape ? crpv_shape_pole(shape, 0.25 * k)
                         : (crpv_point){(f->rect.x0 + f->rect.x1) / 2,
                                        (f->rect.y0 + f->rect.y1) / 2};
        }
        m.label = label_text(in, c);
        if (f->title && strcmp(f->title, m.label) == 0)
            g_clear_pointer(&m.label, g_free);
        g_array_append_val(markers, m);
    }
}

/* Markers of one frame that would overlap (Paris and Saint-Denis, a few
 * kilometres apart) are pushed apart just enough to be read, each by half
 * the overlap, so that both stay near their cities. */
static void separate_markers(GArray *markers, double radius)
{
    double want = 2 * radius + 0.8;
    for (int iter = 0; iter < 60; iter++) {
        bool moved = false;
        for (guint i = 0; i < markers->len; i++)
            for (guint j = i + 1; j < markers->len; j++) {
                marker *a = &g_array_index(markers, marker, i);
                marker *b = &g_array_index(markers, marker, j);
                if (a->frame != b->frame)
                    continue;
                double dx = b->at.x - a->at.x, dy = b->at.y - a->at.y;
                double d = hypot(dx, dy);
                if (d >= want - 1e-9)
                    continue;
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
            }
        if (!moved)
            break;
    }
}

/* --- Scene -------------------------------------------------------------- */

static crpv_color status_color(const crpv_style *st, status s)
{
    return s == STATUS_ACTIF ? st->primary : s == STATUS_PREFIGURATION ? st->secondary : st->neutral;
}

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
            const crpv_feature *feat = g_ptr_array_index(f->features, j);
            const crpv_centre *first = NULL;
            status s = territory_status(in->directory, feat->code, f->departements, &first);
            crpv_item *it = crpv_scene_add(map->scene, CRPV_ITEM_SHAPE,
                                           f->departements ? CRPV_ROLE_DEPARTEMENT
                                                           : CRPV_ROLE_REGION);
            it->shape = crpv_shape_copy(&f->shapes[j]);
            it->fill = status_color(st, s);
            it->stroke = st->border;
            it->line_width = (f->departements ? 0.6 : 0.5) * k;
            it->key = g_strdup(feat->code);
            it->frame = (int)fi;
            if (first) {
                it->uri = centre_uri(first);
                it->title = g_strdup_printf("%s : %s", feat->nom, first->nom);
            } else {
                it->title = g_strdup_printf("%s : pas de centre de ressources", feat->nom);
            }
        }
    }
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
        /* The caption sits inside the frame's top edge. */
        g_autofree char *markup = crpv_markup_escape(f->title);
        double w = 0, h = 0;
        crpv_text_size(in->ctx, font, markup, -1, false, 0, &w, &h);
        crpv_rect box = {f->rect.x0 + 2.5 * k, f->rect.y0 + 1.5 * k, f->rect.x0 + 2.5 * k + w,
                         f->rect.y0 + 1.5 * k + h};
        crpv_item *t = crpv_scene_add_text(map->scene, CRPV_ROLE_FRAME_TITLE, box, font, markup,
                                           crpv_color_rgb(0x555555));
        t->halo = true;
        t->frame = (int)fi;
        g_array_append_val(obstacles, ((crpv_obstacle){box, -1}));
    }
    /* On metropolitan France, a box around Île-de-France points at its
     * enlargement. */
    for (guint fi = 1; fi < map->frames->len; fi++) {
        frame *f = nth_frame(map, fi);
        if (strcmp(f->code, IDF_INSET) != 0)
            continue;
        frame *metro = nth_frame(map, 0);
        for (guint j = 0; j < metro->features->len; j++) {
            const crpv_feature *feat = g_ptr_array_index(metro->features, j);
            if (strcmp(feat->code, IDF_REGION) == 0) {
                crpv_rect r = crpv_rect_inflate(crpv_shape_bbox(&metro->shapes[j]), 1.5 * k);
                crpv_item *it = crpv_scene_add_rect(map->scene, CRPV_ROLE_FRAME, r,
                                                    crpv_color_none(), crpv_color_rgb(0x555555),
                                                    0.5 * k);
                it->frame = 0;
                it->key = g_strdup("zoom-idf");
            }
        }
    }
}

/* Legend and credit, placed where they cover no land: the corners of the
 * map are tried in turn. */
static void draw_legend_and_credit(crpv_map *map, const crpv_map_input *in, double k,
                                   GArray *obstacles)
{
    const crpv_style *st = in->style;
    crpv_scene *sc = map->scene;
    double W = crpv_scene_width(sc), H = crpv_scene_height(sc);
    frame *metro = nth_frame(map, 0);

    g_autofree char *credit_font = font_desc(st, "Italic 5.5");
    g_autofree char *credit = crpv_markup_escape(st->credit);
    double cw = 0, ch = 0;
    crpv_text_size(in->ctx, credit_font, credit, -1, false, 0, &cw, &ch);
    crpv_rect cbox = {W - cw - 1, H - ch - 1, W - 1, H - 1};
    crpv_item *ct = crpv_scene_add_text(sc, CRPV_ROLE_CREDIT, cbox, credit_font, credit,
                                        crpv_color_rgb(0x555555));
    ct->align = 2;
    g_array_append_val(obstacles, ((crpv_obstacle){cbox, -1}));

    if (!st->legend)
        return;
    static const char *const texts[] = {
        "Centre de ressources actif",
        "Centre en préfiguration",
        "Pas de centre",
        "Centre, numéroté comme dans l’annuaire",
    };
    g_autofree char *font = font_desc(st, "6");
    double sw = 10 * k, gap = 3 * k, lh = 9.5 * k, tw = 0;
    for (size_t i = 0; i < G_N_ELEMENTS(texts); i++) {
        double w = 0, h = 0;
        crpv_text_size(in->ctx, font, texts[i], -1, false, 0, &w, &h);
        tw = fmax(tw, w);
    }
    double lw = sw + gap + tw + 2 * k, lhgt = lh * G_N_ELEMENTS(texts);
    crpv_rect m = metro->rect;
    crpv_rect candidates[] = {
        {m.x0, m.y1 - lhgt, m.x0 + lw, m.y1},                 /* bottom left */
        {m.x0, m.y0, m.x0 + lw, m.y0 + lhgt},                 /* top left */
        {(m.x0 + m.x1 - lw) / 2, m.y1 - lhgt, (m.x0 + m.x1 + lw) / 2, m.y1},
        {m.x1 - lw, m.y0, m.x1, m.y0 + lhgt},                 /* top right */
    };
    crpv_rect box = candidates[0];
    for (size_t i = 0; i < G_N_ELEMENTS(candidates); i++) {
        crpv_rect c = candidates[i];
        bool clear = !rect_hits_shapes(crpv_rect_inflate(c, 2 * k), metro->shapes,
                                       metro->features->len);
        for (guint o = 0; clear && o < obstacles->len; o++)
            clear = !crpv_rect_intersects(c, g_array_index(obstacles, crpv_obstacle, o).box);
        if (clear) {
            box = c;
            break;
        }
    }
    g_array_append_val(obstacles, ((crpv_obstacle){box, -1}));
    const crpv_color swatches[] = {st->primary, st->secondary, st->neutral};
    for (size_t i = 0; i < G_N_ELEMENTS(texts); i++) {
        double y = box.y0 + i * lh;
        if (i < 3) {
            crpv_item *r = crpv_scene_add_rect(sc, CRPV_ROLE_LEGEND,
                                               (crpv_rect){box.x0, y + 1 * k, box.x0 + sw,
                                                           y + 7 * k},
                                               swatches[i], crpv_color_rgb(0xbbbbbb), 0.3 * k);
            (void)r;
        } else {
            crpv_item *d = crpv_scene_add(sc, CRPV_ITEM_DISC, CRPV_ROLE_LEGEND);
            d->center = (crpv_point){box.x0 + sw / 2, y + 4 * k};
            d->radius = 3.5 * k;
            d->fill = st->marker;
            d->stroke = crpv_color_rgb(0xffffff);
            d->line_width = 0.6 * k;
        }
        crpv_scene_add_text(sc, CRPV_ROLE_LEGEND,
                            (crpv_rect){box.x0 + sw + gap, y, box.x1, y + lh}, font, texts[i],
                            st->text);
    }
}

/* The label's markup with its line breaks made explicit, where Pango
 * would wrap it at WIDTH: every writer, the SVG one included, then breaks
 * the same lines. */
static char *wrapped_label(PangoContext *ctx, const char *font, const char *text, double width)
{
    g_autofree char *markup = crpv_markup_escape(text);
    PangoLayout *layout = crpv_text_layout_new(ctx, font, markup, width, 1, false, 0);
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

static void draw_markers(crpv_map *map, const crpv_map_input *in, double k, GArray *markers,
                         GArray *obstacles)
{
    const crpv_style *st = in->style;
    crpv_scene *sc = map->scene;
    double radius = marker_radius * k;
    g_autofree char *lfont = font_desc(st, label_font);
    g_autofree char *nfont = font_desc(st, "Black 6");

    /* Labels first, as data: their places depend on every marker. */
    size_t n = markers->len;
    crpv_label_request *req = g_new0(crpv_label_request, n);
    crpv_label_place *places = g_new0(crpv_label_place, n);
    char **markups = g_new0(char *, n); /* NULL for a marker without a label */
    crpv_rect whole = {0, 0, crpv_scene_width(sc), crpv_scene_height(sc)};
    /* Markers without a label still block others' labels: they go in as
     * requests of size zero, which always fit. */
    for (size_t i = 0; i < n; i++) {
        marker *m = &g_array_index(markers, marker, i);
        crpv_label_request *r = &req[i];
        r->anchor = m->at;
        r->radius = radius;
        r->frame = (int)m->frame;
        r->bounds = m->frame == 0 ? whole : nth_frame(map, m->frame)->rect;
        if (m->label) {
            markups[i] = wrapped_label(in->ctx, lfont, m->label, label_wrap * k);
            crpv_text_size(in->ctx, lfont, markups[i], -1, false, 0, &r->width, &r->height);
        }
    }
    map->stats.labels_unplaced =
        crpv_labels_place(req, n, (const crpv_obstacle *)obstacles->data, obstacles->len,
                          places);

    map->unplaced = g_ptr_array_new_with_free_func(g_free);
    for (size_t q = 0; q < n; q++)
        if (markups[q] && !places[q].placed)
            g_ptr_array_add(map->unplaced,
                            g_strdup(g_array_index(markers, marker, q).centre->nom));
    for (size_t q = 0; q < n; q++) {
        if (!markups[q] || !places[q].leader)
            continue;
        crpv_item *l = crpv_scene_add(sc, CRPV_ITEM_POLYLINE, CRPV_ROLE_LEADER);
        crpv_point pts[2] = {places[q].leader_from, places[q].leader_to};
        crpv_shape_add_ring(&l->shape, pts, 2);
        l->stroke = crpv_color_rgb(0x444444);
        l->line_width = 0.5 * k;
        l->frame = req[q].frame;
    }
    for (size_t i = 0; i < n; i++) {
        marker *m = &g_array_index(markers, marker, i);
        crpv_item *d = crpv_scene_add(sc, CRPV_ITEM_DISC, CRPV_ROLE_MARKER);
        d->center = m->at;
        d->radius = radius;
        d->box = (crpv_rect){m->at.x - radius, m->at.y - radius, m->at.x + radius,
                             m->at.y + radius};
        d->fill = m->centre->statut == CRPV_STATUT_ACTIF ? st->marker : crpv_color_rgb(0x8a8fa0);
        d->stroke = crpv_color_rgb(0xffffff);
        d->line_width = 0.8 * k;
        d->text = g_strdup_printf("%zu", m->number);
        d->key = g_strdup(m->centre->id);
        d->uri = centre_uri(m->centre);
        d->title = g_strdup_printf("%zu. %s (%s)", m->number, m->centre->nom,
                                   m->centre->territoire);
        d->frame = (int)m->frame;
        double w = 0, h = 0;
        crpv_text_size(in->ctx, nfont, d->text, -1, false, 0, &w, &h);
        crpv_item *t = crpv_scene_add_text(
            sc, CRPV_ROLE_MARKER, (crpv_rect){m->at.x - w / 2, m->at.y - h / 2, m->at.x + w / 2,
                                              m->at.y + h / 2},
            nfont, d->text, st->marker_text);
        t->align = 1;
        t->key = g_strdup(m->centre->id);
        t->frame = (int)m->frame;
    }
    for (size_t q = 0; q < n; q++) {
        if (!markups[q])
            continue;
        marker *m = &g_array_index(markers, marker, q);
        crpv_item *t = crpv_scene_add_text(sc, CRPV_ROLE_LABEL, places[q].box, lfont, markups[q],
                                           st->text);
        t->align = 1;
        t->halo = true;
        t->key = g_strdup(m->centre->id);
        t->uri = centre_uri(m->centre);
        t->title = g_strdup(m->centre->nom);
        t->frame = req[q].frame;
    }
    for (size_t q = 0; q < n; q++)
        g_free(markups[q]);
    g_free(markups);
    g_free(req);
    g_free(places);
}

crpv_map *crpv_map_compose(const crpv_map_input *in, double width, double tolerance,
                           GError **error)
{
    const crpv_style *st = in->style;
    double k = width / st->map_width;
    crpv_map *map = g_new0(crpv_map, 1);
    map->frames = g_array_new(FALSE, TRUE, sizeof(frame));
    map->projections = g_hash_table_new_full(g_str_hash, g_str_equal, g_free,
                                             (GDestroyNotify)crpv_projection_free);
    map->scene = crpv_scene_new(width, st->map_height * k);
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
    draw_legend_and_credit(map, in, k, obstacles);
    GArray *markers = g_array_new(FALSE, TRUE, sizeof(marker));
    place_markers(map, in, k, markers);
    separate_markers(markers, marker_radius * k);
    draw_markers(map, in, k, markers, obstacles);
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
