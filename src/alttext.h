/* Alternative texts for readers who do not see the map: what it shows,
 * computed from the directory so that it never contradicts the map. */
#ifndef CRPV_ALTTEXT_H
#define CRPV_ALTTEXT_H

#include "directory.h"
#include "geo.h"

/* A concise summary, under ~600 characters (the directory gives the
 * details): how many centres, the territories served as the map labels
 * them in alphabetical order (a département's centres under their region,
 * named; how many centres where more than one; those in préfiguration),
 * then the regions without a centre. French typography (’). REGIONS gives
 * the region names (NULL: codes only, no regions without a centre).
 * Returns a new string (g_free). */
char *crpv_map_alt_text(const crpv_directory *dir, const crpv_layer *regions);

#endif
