/* A uniform grid over the plane, so that "what lies near this box?" costs
 * in proportion to what is there, not to everything: label placement and
 * marker separation ask it instead of comparing every pair. Also the
 * operation counters by which the tests check that the map's cost grows
 * linearly with the number of centres. */
#ifndef CRPV_SPATIAL_H
#define CRPV_SPATIAL_H

#include <stddef.h>
#include <stdint.h>
#include "geometry.h"

typedef struct crpv_grid crpv_grid;

/* A grid of square cells of side CELL (> 0) over EXTENT; cells grow when
 * more than about a million would be needed. Items outside EXTENT are kept
 * in the border cells, so that any box may be inserted or asked about.
 * Returns a new grid (crpv_grid_free). */
crpv_grid *crpv_grid_new(crpv_rect extent, double cell);
void crpv_grid_free(crpv_grid *g); /* NULL is fine */

/* Files item ID (any size_t) under every cell BOX touches. An item may be
 * filed several times, under several boxes: a query returns it once. */
void crpv_grid_insert(crpv_grid *g, size_t id, crpv_rect box);
/* Removes item ID from the cells BOX touches (BOX as it was inserted). */
void crpv_grid_remove(crpv_grid *g, size_t id, crpv_rect box);

/* The items filed under a cell BOX touches, each once, in increasing
 * order: a superset of the items whose boxes overlap BOX, which the caller
 * tests exactly. Writes to *OUT an array owned by G, valid until the next
 * query on G. Returns their number. */
size_t crpv_grid_query(crpv_grid *g, crpv_rect box, const size_t **out);
/* The same items in no particular order, for callers whose result does
 * not depend on it (a count, a yes or no): spares the sort. */
size_t crpv_grid_query_unordered(crpv_grid *g, crpv_rect box, const size_t **out);

/* The cell P falls in, and that cell's box (unbounded on the grid's outer
 * sides, where the border cells keep what lies beyond). */
size_t crpv_grid_cell(const crpv_grid *g, crpv_point p);
crpv_rect crpv_grid_cell_box(const crpv_grid *g, crpv_point p);

/* Operation counts of the calling thread, for tests and benchmarks: what
 * the map's cost is made of, independent of the machine's speed. */
typedef struct {
    uint64_t queries;     /* grid queries */
    uint64_t visits;      /* cell entries read by those queries */
    uint64_t pair_checks; /* exact tests between two items (label/label, label/marker,
                           * marker/marker) made by the callers */
    uint64_t candidates;  /* label positions weighed */
} crpv_cost;

void crpv_cost_reset(void);
crpv_cost crpv_cost_get(void);
/* Adds to the calling thread's counters (callers count their own tests). */
void crpv_cost_add_pairs(uint64_t n);
void crpv_cost_add_candidates(uint64_t n);

#endif
