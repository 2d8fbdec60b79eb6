/* The directory of centres: read from the CSV the users keep, validated and
 * normalised. */
#ifndef CRPV_DIRECTORY_H
#define CRPV_DIRECTORY_H

#include <glib.h>
#include <stdbool.h>
#include "geo.h"

typedef enum {
    CRPV_STATUT_ACTIF,
    CRPV_STATUT_PREFIGURATION,
} crpv_statut;

/* One centre. Every string is UTF-8 and owned by the directory; optional
 * ones are NULL when absent or empty. */
typedef struct {
    char *id;
    char *nom;
    char *ancien_nom;        /* optional */
    char *territoire;        /* the label printed */
    char **regions;          /* INSEE region codes, NULL-terminated, >= 1 */
    char *departement;       /* optional: INSEE code of the one département served */
    char **telephones;       /* normalised ("02 31 43 63 36"), NULL-terminated, may be empty */
    char *site;              /* optional, normalised with its scheme: "https://www.oriv.org" */
    char *site_label;        /* optional, as printed: "www.oriv.org" */
    char *courriel;          /* optional: "name@host" */
    char *ville;             /* optional */
    bool has_coords;
    double lon, lat;         /* degrees WGS 84, when has_coords */
    crpv_statut statut;
    int line;                /* physical line of the row in the file */
} crpv_centre;

/* Counts that the prose quotes, so that the text never contradicts the
 * directory. */
typedef struct {
    size_t centres;          /* rows */
    size_t actifs;
    size_t prefiguration;
    size_t outremer;         /* centres in an overseas region (codes 01 to 06) */
    size_t regions;          /* distinct regions with a centre, of any status */
    size_t regions_outremer; /* of those, overseas */
} crpv_directory_stats;

typedef struct crpv_directory crpv_directory;

/* Parses and validates DATA (LEN bytes), read from FILENAME (used in
 * messages). REGIONS and DEPARTEMENTS, when not NULL, are the boundaries
 * that codes and coordinates are checked against. Every problem is
 * reported at once: ERROR's message holds one "FILENAME:LINE: message" line
 * per problem, in French. Warnings (a centre without a phone or a link)
 * are appended to WARNINGS (g_free'd strings; may be NULL). Returns a new
 * directory freed with crpv_directory_free(), or NULL with ERROR set. */
crpv_directory *crpv_directory_parse(const char *data, size_t len, const char *filename,
                                     const crpv_layer *regions, const crpv_layer *departements,
                                     GPtrArray *warnings, GError **error);
/* The same, reading the file at PATH; a file that cannot be read sets
 * ERROR in the G_FILE_ERROR domain. */
crpv_directory *crpv_directory_load(const char *path, const crpv_layer *regions,
                                    const crpv_layer *departements, GPtrArray *warnings,
                                    GError **error);
void crpv_directory_free(crpv_directory *dir); /* NULL is fine */

size_t crpv_directory_count(const crpv_directory *dir);
const crpv_centre *crpv_directory_nth(const crpv_directory *dir, size_t i); /* borrowed */
crpv_directory_stats crpv_directory_get_stats(const crpv_directory *dir);
/* True when C serves the region CODE (one of its regions). */
bool crpv_centre_serves_region(const crpv_centre *c, const char *code);
/* True when CODE is an overseas region code (01 to 06). */
bool crpv_region_is_overseas(const char *code);

/* Normalises a phone number as typed: spacing collapsed to single spaces,
 * trimmed. Returns a new string (g_free). */
char *crpv_normalize_phone(const char *raw);
/* Normalises a website: trimmed, "https://" added when there is no scheme.
 * Returns a new string (g_free), or NULL when the scheme is not http(s). */
char *crpv_normalize_site(const char *raw);

G_DEFINE_AUTOPTR_CLEANUP_FUNC(crpv_directory, crpv_directory_free)

#endif
