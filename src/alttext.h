/* Alternative texts for readers who do not see the map: what it shows,
 * computed from the directory so that it never contradicts the map. */
#ifndef CRPV_ALTTEXT_H
#define CRPV_ALTTEXT_H

#include "directory.h"
#include "geo.h"

/* « Carte des 21 centres de ressources… par région : Auvergne-Rhône-Alpes :
 * Labo Cités (Lyon) ; … ». Regions in alphabetical order, each with the
 * centres that serve it; regions without a centre are named too. REGIONS
 * gives the names (NULL: codes only). Returns a new string (g_free). */
char *crpv_map_alt_text(const crpv_directory *dir, const crpv_layer *regions);

#endif
