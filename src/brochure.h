/* The brochure's pages: recto (the network, from the prose) and verso (the
 * map and the directory in columns, flowing onto extra pages when it
 * grows), as scenes in points. */
#ifndef CRPV_BROCHURE_H
#define CRPV_BROCHURE_H

#include <glib.h>
#include <pango/pango.h>
#include <stdbool.h>
#include "composite.h"
#include "content.h"
#include "recto.h"

/* Everything borrowed. */
typedef struct {
    const crpv_content *content;
    const crpv_map_input *map; /* directory, boundaries, style, fonts */
    bool print;                /* 3 mm bleed (the style's) and crop marks */
    const crpv_map *composed;  /* the map composed at crpv_brochure_map_width(), shared
                                * with the other outputs; NULL: composed here */
} crpv_brochure_input;

/* The most centres the brochure lists: their numbers (three digits at
 * most) fit the directory's badges, and the directory about 15 pages;
 * crpv_brochure_compose() refuses more. */
#define CRPV_BROCHURE_MAX_CENTRES 999

/* The width the verso gives the map, in points. */
double crpv_brochure_map_width(const crpv_style *style);

typedef struct {
    size_t pages;
    double directory_size; /* the font size the directory was set in */
    size_t directory_columns;
    crpv_recto_figures recto; /* the running text's lines */
    double body_size;         /* the size the recto's text was set in */
    bool body_stepped_down;   /* below the style's, to fit the page */
} crpv_brochure_stats;

/* Composes the pages. Returns a new array of crpv_scene pages (the array
 * frees them: g_ptr_array_unref), or NULL with ERROR set. STATS may be
 * NULL. */
GPtrArray *crpv_brochure_compose(const crpv_brochure_input *in, crpv_brochure_stats *stats,
                                 GError **error);

#endif
