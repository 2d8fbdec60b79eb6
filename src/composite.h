/* The map's composition: frames for metropolitan France, the overseas
 * regions and Île-de-France, each in its own projection; territories
 * projected, simplified and filled by the status of their centres; one
 * numbered marker per centre with its label placed clear of the others;
 * legend and credit line. The result is a scene (data, not drawing). */
#ifndef CRPV_COMPOSITE_H
#define CRPV_COMPOSITE_H

#include <glib.h>
#include <pango/pango.h>
#include "directory.h"
#include "geo.h"
#include "scene.h"
#include "style.h"

/* What the map is made of; everything borrowed. DEPARTEMENTS may be NULL
 * (no Île-de-France inset then). */
typedef struct {
    const crpv_layer *regions;
    const crpv_layer *departements;
    const crpv_directory *directory;
    const crpv_style *style;
    PangoContext *ctx;
} crpv_map_input;

/* The Île-de-France inset's scale, in multiples of metropolitan France's,
 * when its frame leaves room for every centre it holds. */
#define CRPV_MAP_IDF_ZOOM 4.2

/* The most centres a map draws: beyond, composing it would take minutes
 * and its markers would cover the land; crpv_map_compose() refuses more.
 * Each centre adds two links (marker, label) to a PDF page, far below
 * the 50,000 annotations PDF readers handle on one page. */
#define CRPV_MAP_MAX_CENTRES 5000
/* The most centres `map --each` draws a map for: each map holds them all. */
#define CRPV_MAP_EACH_MAX_CENTRES 100

typedef struct {
    size_t vertices_in, vertices_out; /* simplification */
    size_t labels_unplaced;           /* labels with no free place (0 when all clear) */
} crpv_map_stats;

typedef struct crpv_map crpv_map;

/* Composes the map WIDTH points wide (its height follows the style's
 * proportions), simplifying outlines to TOLERANCE points. Returns a new
 * map freed with crpv_map_free(), or NULL with ERROR set (a projection
 * PROJ refuses, a territory missing from the boundaries). */
crpv_map *crpv_map_compose(const crpv_map_input *in, double width, double tolerance,
                           GError **error);
/* The same map made for one centre's own page: the centre of id CENTRE
 * (borrowed), its territory and marker in their colours, every other
 * muted. NULL with ERROR set as above, or when no centre has that id. */
crpv_map *crpv_map_compose_for(const crpv_map_input *in, const char *centre, double width,
                               double tolerance, GError **error);
void crpv_map_free(crpv_map *map); /* NULL is fine */

const crpv_scene *crpv_map_scene(const crpv_map *map); /* borrowed */
crpv_map_stats crpv_map_get_stats(const crpv_map *map);
/* The I-th centre whose label found no free place, and so is not drawn
 * (borrowed from the directory), with its NUMBER on the map (may be NULL);
 * NULL past the last. In the order of the markers. */
const crpv_centre *crpv_map_unplaced_label(const crpv_map *map, size_t i, size_t *number);

/* The frames: 0 is metropolitan France ("metro"), then the insets in the
 * style's order ("01", ..., "idf"). */
size_t crpv_map_frame_count(const crpv_map *map);
const char *crpv_map_frame_code(const crpv_map *map, size_t i); /* borrowed */
crpv_rect crpv_map_frame_rect(const crpv_map *map, size_t i);
/* The scale of frame I: map points per kilometre on the ground. */
double crpv_map_frame_scale(const crpv_map *map, size_t i);
/* Where the point LON, LAT falls on the map in frame I, by the same
 * projection the map uses. False when the frame's projection fails. */
bool crpv_map_locate(const crpv_map *map, size_t frame, double lon, double lat, crpv_point *out);
/* The projected, simplified outlines of frame I's territories, in map
 * points (borrowed), and their count; for tests and checks. */
const crpv_shape *crpv_map_frame_shapes(const crpv_map *map, size_t i, size_t *n);

/* The title and description of the map written from the data: « Carte des
 * 20 centres de ressources… ». New strings (g_free). */
char *crpv_map_title(const crpv_directory *dir);
char *crpv_map_description(const crpv_directory *dir);

G_DEFINE_AUTOPTR_CLEANUP_FUNC(crpv_map, crpv_map_free)

#endif
