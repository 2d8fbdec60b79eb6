/* Simplification of a set of shapes that share borders, so that a border
 * common to two shapes is simplified once and stays common: no gap, no
 * sliver. */
#ifndef CRPV_SIMPLIFY_H
#define CRPV_SIMPLIFY_H

#include "geometry.h"

typedef struct {
    size_t vertices_in;
    size_t vertices_out;
} crpv_simplify_stats;

/* Simplifies the N shapes in place (all in the same planar units) so that
 * no vertex is kept that moves the outline by less than TOLERANCE. Points
 * where three shapes meet, or where a shared border starts or ends, are
 * kept, so shared borders simplify identically on both sides. Rings that
 * would collapse (smaller than the tolerance) are dropped, except the
 * largest ring of each shape. Deterministic. */
crpv_simplify_stats crpv_simplify_shapes(crpv_shape *shapes, size_t n, double tolerance);

#endif
