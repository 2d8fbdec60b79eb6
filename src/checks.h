/* Checks that hold between inputs rather than inside one, run once they
 * are loaded: boundary files against the map's insets (overseas regions
 * already moved next to the mainland, or missing; the credit line that
 * comes with the files), and every printed text against the fonts. They
 * adjust what can be adjusted and add warnings, never errors. */
#ifndef CRPV_CHECKS_H
#define CRPV_CHECKS_H

#include <glib.h>
#include <pango/pango.h>
#include "content.h"
#include "directory.h"
#include "geo.h"
#include "style.h"

/* Fits the boundary layers to the style's insets. Overseas regions that
 * the file has already moved next to the mainland (CARTElette's) are
 * marked moved (see crpv_feature) and their insets dropped from STYLE, so
 * that they are drawn where the file puts them on the metropolitan frame;
 * compared with their true outlines in TRUTH_PATH (the shipped regions
 * file; may be NULL), each gets its displacement (crpv_carry) when a
 * scale and a translation explain it. So are the
 * overseas départements (INSEE 97x) moved by DEPARTEMENTS' file (may be
 * NULL). An inset region missing from REGIONS is added with an empty
 * shape (its inset stays empty). Unless the style file set it, STYLE's
 * credit becomes the one the regions file's folder gives
 * (crpv_geo_credit()). Each change adds a warning to WARNINGS (strings
 * g_free'd by the array). */
void crpv_check_boundaries(crpv_layer *regions, crpv_layer *departements,
                           const char *truth_path, crpv_style *style, GPtrArray *warnings);

/* Warns, with file, line and column, of every printed text holding a
 * character the fonts of CTX lack: the directory's names, territories and
 * cities (DIRECTORY read from DIRECTORY_PATH; may be NULL) and the prose
 * (CONTENT; may be NULL). */
void crpv_check_glyphs(PangoContext *ctx, const crpv_directory *directory,
                       const char *directory_path, const crpv_content *content,
                       GPtrArray *warnings);

#endif
