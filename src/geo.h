/* Boundaries: regions and départements read from shapefiles with shapelib,
 * reprojected from the CRS their .prj declares to WGS 84 longitude/latitude.
 * The only module that includes <shapefil.h>. */
#ifndef CRPV_GEO_H
#define CRPV_GEO_H

#include <glib.h>
#include "geometry.h"

/* How a file's maker moved an overseas territory next to the mainland:
 * a uniform scale and a translation, in longitude/latitude degrees (as
 * CARTElette does) or, when METRIC, from the territory's own projection
 * CRS to the metropolitan one, in metres. MOVED = SCALE * TRUE + OFFSET. */
typedef struct {
    bool metric;
    double scale;
    crpv_point offset;
    char *crs;        /* the territory's own projection (its inset's) */
    char *target_crs; /* the metropolitan projection, for METRIC */
} crpv_carry;

/* One territory. Strings and shape are owned by the layer. */
typedef struct {
    char *code;       /* INSEE code as text: "84", "06", "2A", "971" */
    char *nom;        /* UTF-8 name */
    crpv_shape shape; /* degrees: x = longitude, y = latitude (WGS 84) */
    crpv_rect bbox;   /* of shape */
    bool moved;       /* drawn away from its true place (an overseas region
                       * already moved next to the mainland by the file's
                       * maker): coordinates cannot be checked against it */
    crpv_carry *carry; /* for a moved feature, the displacement when known
                        * (crpv_layer_fit_carry()), else NULL; owned */
} crpv_feature;

typedef struct crpv_layer crpv_layer;

/* Reads the shapefile SHP_PATH (with its .shx, .dbf, .prj and .cpg beside
 * it), taking each feature's code and name from the .dbf fields CODE_FIELD
 * and NAME_FIELD, or, when NULL, from the first of the usual fields the
 * .dbf has (code, code_insee, INSEE_DEP, DEP, INSEE_REG, REG…; nom,
 * libelle, NOM_M…). Text is decoded as the .cpg declares; without one, as
 * UTF-8 when its bytes are valid UTF-8, else as the .dbf's language driver
 * byte says, else as Windows-1252 (with a warning). A missing .prj means
 * WGS 84. A .prj that contradicts the coordinates (a projection in metres
 * over coordinates in degrees, or coordinates outside the CRS's area of
 * use) is an error. Tolerated defects (a wrong length in the .shp header,
 * null shapes, no .prj) add a warning to WARNINGS (an array of g_free'd
 * strings; may be NULL), "FILE: attention : ...". Returns a new layer freed
 * with crpv_layer_free(), or NULL with ERROR set: every problem as
 * "FILE: enregistrement N : ...", in French, named by the .shp the user
 * gave (or the .dbf for its fields); a missing file gives G_FILE_ERROR
 * (an I/O failure), one line for a missing .shp. Never crashes or hangs
 * on a malformed file. */
crpv_layer *crpv_layer_load(const char *shp_path, const char *code_field,
                            const char *name_field, GPtrArray *warnings, GError **error);

/* Marks as moved the features of LAYER whose outline lies within MAINLAND
 * (degrees) inflated by MARGIN, and whose code is one of CODES (NULL-
 * terminated); also, when WITHIN is not NULL, every feature of LAYER lying
 * inside a moved feature of WITHIN (the départements of a moved region).
 * Returns how many were marked. */
size_t crpv_layer_mark_moved(crpv_layer *layer, const char *const *codes, crpv_rect mainland,
                             double margin, const crpv_layer *within);
/* Finds how the moved feature CODE of LAYER was moved from its true
 * outline TRUTH (degrees): first as a uniform scale and translation in
 * degrees, else as one from CRS (the territory's projection) to
 * TARGET_CRS (the mainland's); the box's proportions must agree within
 * TOLERANCE (0.04: a few percent, outlines simplified apart). Sets the
 * feature's carry and returns true, or returns false (nothing fits: the
 * file rotated or distorted it). */
bool crpv_layer_fit_carry(crpv_layer *layer, const char *code, const crpv_feature *truth,
                          const char *crs, const char *target_crs, double tolerance);

/* The extent of the features whose code is none of CODES (NULL-terminated),
 * or an empty rectangle. */
crpv_rect crpv_layer_extent_except(const crpv_layer *layer, const char *const *codes);

/* The credit line that comes with the shapefile SHP_PATH: the first line of
 * credit.txt beside it, else the « Source : … » its folder's README.md,
 * LISEZMOI.md, README.txt or LISEZMOI.txt quotes. A new string, or NULL
 * when the folder says nothing. SOURCE_FILE, when not NULL, gets the file
 * it came from (new string). */
char *crpv_geo_credit(const char *shp_path, char **source_file);
/* The credit line the name of the shapefile SHP_PATH gives, when it
 * follows a known publisher's naming: CARTElette's « REG_2019_CARTElette »
 * (layers made from IGN's, for the COG of that year) gives « Source : IGN,
 * CARTElette (COG 2019) ». A new string, or NULL. */
char *crpv_geo_credit_from_name(const char *shp_path);
/* The « Source : … » quoted in the LEN bytes of README_TEXT (any bytes), or
 * NULL. New string, valid UTF-8. */
char *crpv_geo_credit_in_text(const char *readme_text, size_t len);

/* An empty layer, for tests and synthetic data. */
crpv_layer *crpv_layer_new(void);
/* Adds a feature; SHAPE is taken over by the layer. It may be empty: a
 * territory known by its code only. */
void crpv_layer_add(crpv_layer *layer, const char *code, const char *nom, crpv_shape shape);
void crpv_layer_free(crpv_layer *layer); /* NULL is fine */

size_t crpv_layer_count(const crpv_layer *layer);
const crpv_feature *crpv_layer_nth(const crpv_layer *layer, size_t i); /* borrowed */
/* The feature whose code is CODE, or NULL. Borrowed. */
const crpv_feature *crpv_layer_find(const crpv_layer *layer, const char *code);
/* The file the layer was read from, or "" for a built one. Borrowed. */
const char *crpv_layer_path(const crpv_layer *layer);

G_DEFINE_AUTOPTR_CLEANUP_FUNC(crpv_layer, crpv_layer_free)

#endif
