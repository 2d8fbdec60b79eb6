/* The directory of centres: read from the spreadsheet the users keep (CSV,
 * .ods or .xlsx), validated and normalised. */
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
    char **telephone_uris;   /* "tel:+33231436336", one per phone, with the
                              * territory's own international prefix */
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
    size_t outremer_actifs;  /* active centres in an overseas region */
    size_t regions_actifs;   /* distinct regions with an active centre */
    size_t regions_outremer_actifs; /* of those, overseas */
    gint64 date;             /* the edition's date (Unix time), 0 when unknown:
                              * set by the caller, not by the directory */
} crpv_directory_stats;

/* What the directory was read from, for `check` to say. Strings are
 * static or owned by the directory. */
typedef struct {
    const char *format;    /* "CSV", "ODS", "XLSX" */
    const char *encoding;  /* "UTF-8", "WINDOWS-1252", "MACINTOSH", "UTF-16LE"... */
    char separator;        /* ',', ';', '\t'; 0 for a spreadsheet */
    const char *line_ends; /* "LF", "CRLF", "CR", "mixtes" or NULL */
    const char *sheet;     /* the sheet read, or NULL for CSV */
} crpv_directory_source;

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
/* The same for DATA that may also be an .ods or .xlsx workbook (told by
 * its content, not its name), of which the sheet SHEET (NULL: the first)
 * is read. */
crpv_directory *crpv_directory_parse_any(const char *data, size_t len, const char *filename,
                                         const char *sheet, const crpv_layer *regions,
                                         const crpv_layer *departements, GPtrArray *warnings,
                                         GError **error);
/* The same, reading the file at PATH ("-": standard input, named
 * « (entrée standard) » in messages); a file that cannot be read sets
 * ERROR in the G_FILE_ERROR domain, one too large (CRPV_MAX_DIRECTORY_BYTES)
 * or not a regular file in CRPV_TEXTFILE_ERROR (textfile.h). */
crpv_directory *crpv_directory_read(const char *path, const char *sheet,
                                    const crpv_layer *regions, const crpv_layer *departements,
                                    GPtrArray *warnings, GError **error);
/* crpv_directory_read() of the first sheet. */
crpv_directory *crpv_directory_load(const char *path, const crpv_layer *regions,
                                    const crpv_layer *departements, GPtrArray *warnings,
                                    GError **error);
void crpv_directory_free(crpv_directory *dir); /* NULL is fine */

size_t crpv_directory_count(const crpv_directory *dir);
const crpv_centre *crpv_directory_nth(const crpv_directory *dir, size_t i); /* borrowed */
crpv_directory_stats crpv_directory_get_stats(const crpv_directory *dir);
crpv_directory_source crpv_directory_get_source(const crpv_directory *dir);
/* True when C serves the region CODE (one of its regions). */
bool crpv_centre_serves_region(const crpv_centre *c, const char *code);
/* True when CODE is an overseas region code (01 to 06). */
bool crpv_region_is_overseas(const char *code);

/* Normalises a phone number as typed: spacing collapsed to single spaces,
 * trimmed. Returns a new string (g_free). */
char *crpv_normalize_phone(const char *raw);
/* The "tel:" URI of PHONE (as normalised) for a centre in REGION (its
 * first INSEE region code, may be NULL): a national number starting with
 * 0 gets the territory's prefix (+262 La Réunion and Mayotte, +590
 * Guadeloupe, +594 Guyane, +596 Martinique, +33 elsewhere). Returns a new
 * string (g_free). */
char *crpv_phone_uri(const char *phone, const char *region);
/* Normalises a website: trimmed, "https://" added when there is no scheme.
 * Returns a new string (g_free), or NULL when the scheme is not http(s). */
char *crpv_normalize_site(const char *raw);

G_DEFINE_AUTOPTR_CLEANUP_FUNC(crpv_directory, crpv_directory_free)

#endif
