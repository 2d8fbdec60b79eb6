/* Room on the map: an occupancy grid of what the land and the placed
 * boxes cover, so that a free place for an inset or the legend is found
 * by testing every position, each in constant time (a summed-area table),
 * where testing boxes against coastlines costs a pass over their edges. */
#ifndef CRPV_FREESPACE_H
#define CRPV_FREESPACE_H

#include <glib.h>
#include "geometry.h"

typedef struct crpv_freespace crpv_freespace;

/* An empty grid over AREA, in cells CELL wide. Freed with
 * crpv_freespace_free(). */
crpv_freespace *crpv_freespace_new(crpv_rect area, double cell);
void crpv_freespace_free(crpv_freespace *fs); /* NULL is fine */

/* Marks as taken what the N SHAPES cover: their inside and every cell
 * their outlines cross. */
void crpv_freespace_add_shapes(crpv_freespace *fs, const crpv_shape *shapes, size_t n);
/* Marks R as taken. */
void crpv_freespace_add_rect(crpv_freespace *fs, crpv_rect r);
/* True when R lies inside the area and covers no taken cell. */
bool crpv_freespace_is_free(crpv_freespace *fs, crpv_rect r);
/* The free box W by H (with MARGIN free around it, inside the area) whose
 * centre is nearest PREFER; positions are tried every cell. False when
 * there is none. */
bool crpv_freespace_find(crpv_freespace *fs, double w, double h, double margin,
                         crpv_point prefer, crpv_rect *out);

#endif
