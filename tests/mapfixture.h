/* The shipped inputs loaded once for the map and brochure tests. */
#ifndef CRPV_MAPFIXTURE_H
#define CRPV_MAPFIXTURE_H

#include "composite.h"
#include "directory.h"
#include "geo.h"
#include "style.h"

typedef struct {
    crpv_layer *regions, *departements;
    crpv_directory *directory;
    crpv_style *style;
    PangoContext *ctx;
    crpv_map_input in;
} mapfix;

/* Loads geo/, data/centres.csv, the default style and fonts/; fails the
 * test on any error. Release with mapfix_free(). */
mapfix *mapfix_load(void);
/* The same with a directory given as CSV text instead of the shipped one. */
mapfix *mapfix_load_csv(const char *csv);
void mapfix_free(mapfix *f);
/* A CSV of N synthetic centres at pseudo-random points inside the
 * metropolitan regions (fixed seed), for density tests. New string. */
char *mapfix_synthetic_csv(const crpv_layer *regions, size_t n);

#endif
