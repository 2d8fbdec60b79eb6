/* Planar geometry shared by every stage: points, rectangles, shapes made of
 * closed rings, and the few predicates the map needs (containment, area,
 * pole of inaccessibility). Coordinates are whatever the caller uses:
 * degrees, metres or page points. */
#ifndef CRPV_GEOMETRY_H
#define CRPV_GEOMETRY_H

#include <stdbool.h>
#include <stddef.h>

typedef struct {
    double x, y;
} crpv_point;

/* Axis-aligned rectangle, x0 <= x1 and y0 <= y1 when not empty. */
typedef struct {
    double x0, y0, x1, y1;
} crpv_rect;

/* A closed ring: PTS[0] == PTS[N-1]. PTS is owned by the shape that holds
 * the ring. */
typedef struct {
    crpv_point *pts;
    size_t n;
} crpv_ring;

/* A polygon or multipolygon as shapefiles store it: outer rings and holes,
 * filled with the even-odd rule. A shape owns its rings and their points;
 * it is passed by value and released with crpv_shape_clear(). */
typedef struct {
    crpv_ring *rings;
    size_t n_rings;
} crpv_shape;

/* An empty rectangle, neutral for crpv_rect_union(). */
crpv_rect crpv_rect_empty(void);
bool crpv_rect_is_empty(crpv_rect r);
crpv_rect crpv_rect_union(crpv_rect a, crpv_rect b);
crpv_rect crpv_rect_add_point(crpv_rect r, crpv_point p);
crpv_rect crpv_rect_inflate(crpv_rect r, double d);
/* True when the interiors of A and B overlap (touching edges do not). */
bool crpv_rect_intersects(crpv_rect a, crpv_rect b);
bool crpv_rect_contains_point(crpv_rect r, crpv_point p);
/* True when B lies entirely inside A. */
bool crpv_rect_contains_rect(crpv_rect a, crpv_rect b);
double crpv_rect_width(crpv_rect r);
double crpv_rect_height(crpv_rect r);
/* True when the disc of centre C and radius R overlaps the rectangle. */
bool crpv_rect_intersects_disc(crpv_rect r, crpv_point c, double radius);

/* Appends a ring (points copied) to SHAPE. */
void crpv_shape_add_ring(crpv_shape *shape, const crpv_point *pts, size_t n);
/* A deep copy that the caller releases with crpv_shape_clear(). */
crpv_shape crpv_shape_copy(const crpv_shape *shape);
/* Releases the rings and points and leaves an empty shape; NULL is fine. */
void crpv_shape_clear(crpv_shape *shape);
crpv_rect crpv_shape_bbox(const crpv_shape *shape);
size_t crpv_shape_n_points(const crpv_shape *shape);
/* Even-odd containment over all rings. */
bool crpv_shape_contains(const crpv_shape *shape, crpv_point p);
/* Signed area of a ring (positive when counter-clockwise, y up). */
double crpv_ring_area(const crpv_ring *ring);
/* Distance from P to the nearest edge of SHAPE (positive inside, negative
 * outside). */
double crpv_shape_signed_distance(const crpv_shape *shape, crpv_point p);
/* True when P is inside SHAPE or within DISTANCE of one of its edges.
 * Cheaper than crpv_shape_signed_distance(): edges whose bounding box is
 * farther than DISTANCE are skipped, and the first near edge answers. */
bool crpv_shape_near(const crpv_shape *shape, crpv_point p, double distance);
/* The pole of inaccessibility: the point inside SHAPE farthest from its
 * edges, found to within PRECISION (same units), as Mapbox's polylabel
 * does. For an empty shape, returns (0, 0). */
crpv_point crpv_shape_pole(const crpv_shape *shape, double precision);
/* SHAPE cut to the rectangle R (Sutherland-Hodgman, ring by ring): a new
 * shape for crpv_shape_clear(), empty when nothing of SHAPE lies in R.
 * Fills the same area as SHAPE inside R; a cut ring runs along R's edge. */
crpv_shape crpv_shape_clip_rect(const crpv_shape *shape, crpv_rect r);

#endif
