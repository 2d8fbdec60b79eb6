/* Coordinate transformations through PROJ. The only module that includes
 * <proj.h>. */
#ifndef CRPV_PROJECTION_H
#define CRPV_PROJECTION_H

#include <glib.h>
#include <stdbool.h>
#include "geometry.h"

/* Projections share one PROJ context: use them from one thread at a time
 * (the program uses them from its main thread only). */
typedef struct crpv_projection crpv_projection;

/* A transformation from the CRS FROM to the CRS TO, each anything PROJ
 * accepts ("EPSG:2154", a WKT string from a .prj, a PROJ string). Axis order
 * is always x = easting or longitude, y = northing or latitude. Returns a
 * new projection freed with crpv_projection_free(), or NULL with ERROR set
 * (the message, in French, names the CRS that PROJ refused). */
crpv_projection *crpv_projection_new(const char *from, const char *to, GError **error);
void crpv_projection_free(crpv_projection *proj); /* NULL is fine */
/* The same, always searching PROJ's database for the operation, where
 * crpv_projection_new() takes the map's default CRS pairs from a table of
 * the operations PROJ gives for them. */
crpv_projection *crpv_projection_new_searched(const char *from, const char *to, GError **error);
/* The tabled PROJ pipeline from FROM to TO, or NULL. Static string. */
const char *crpv_projection_known_pipeline(const char *from, const char *to);
/* PROJ's definition of the operation, as proj_pj_info() gives it. Borrowed. */
const char *crpv_projection_definition(const crpv_projection *proj);

/* Transforms N points in place. Returns false with ERROR set when a point
 * cannot be transformed (the points are then unspecified). */
bool crpv_projection_apply(const crpv_projection *proj, crpv_point *pts, size_t n,
                           GError **error);
/* Transforms every ring of SHAPE in place. */
bool crpv_projection_apply_shape(const crpv_projection *proj, crpv_shape *shape,
                                 GError **error);

/* What PROJ says of a CRS, to check it against the coordinates it is
 * declared for. */
typedef struct {
    bool projected;  /* coordinates in metres or feet, not degrees */
    bool has_area;   /* AREA is known */
    crpv_rect area;  /* area of use, degrees: x = longitude, y = latitude */
} crpv_crs_info;

/* Fills INFO for CRS (as crpv_projection_new() takes it). Returns false
 * when PROJ does not know the CRS. */
bool crpv_projection_crs_info(const char *crs, crpv_crs_info *info);

G_DEFINE_AUTOPTR_CLEANUP_FUNC(crpv_projection, crpv_projection_free)

#endif
