/* Coordinate transformations through PROJ. The only module that includes
 * <proj.h>. */
#ifndef CRPV_PROJECTION_H
#define CRPV_PROJECTION_H

#include <glib.h>
#include <stdbool.h>
#include "geometry.h"

typedef struct crpv_projection crpv_projection;

/* A transformation from the CRS FROM to the CRS TO, each anything PROJ
 * accepts ("EPSG:2154", a WKT string from a .prj, a PROJ string). Axis order
 * is always x = easting or longitude, y = northing or latitude. Returns a
 * new projection freed with crpv_projection_free(), or NULL with ERROR set
 * (the message, in French, names the CRS that PROJ refused). */
crpv_projection *crpv_projection_new(const char *from, const char *to, GError **error);
void crpv_projection_free(crpv_projection *proj); /* NULL is fine */

/* Transforms N points in place. Returns false with ERROR set when a point
 * cannot be transformed (the points are then unspecified). */
bool crpv_projection_apply(const crpv_projection *proj, crpv_point *pts, size_t n,
                           GError **error);
/* Transforms every ring of SHAPE in place. */
bool crpv_projection_apply_shape(const crpv_projection *proj, crpv_shape *shape,
                                 GError **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC(crpv_projection, crpv_projection_free)

#endif
