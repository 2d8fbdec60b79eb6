/* The edition a build made: the centres as printed (their numbers and
 * fields) and the figures the prose quotes, recorded in the output folder
 * so that the next build and `check` can say, in French, what changed. */
#ifndef CRPV_EDITION_H
#define CRPV_EDITION_H

#include <glib.h>

#include "directory.h"

/* The manifest's file name in the output folder. */
#define CRPV_EDITION_FILE "edition.ini"

typedef struct crpv_edition crpv_edition;

/* The edition of DIR with the figures STATS, dated STATS->date. Returns a
 * new edition (crpv_edition_free()). DIR is not kept. */
crpv_edition *crpv_edition_new(const crpv_directory *dir, const crpv_directory_stats *stats);
/* The manifest's text (a key file, the same for the same edition). Returns
 * a new string (g_free). */
char *crpv_edition_to_data(const crpv_edition *ed, size_t *len);
/* Reads a manifest. Returns a new edition, or NULL with ERROR set (in
 * G_FILE_ERROR with G_FILE_ERROR_NOENT when there is none yet). */
crpv_edition *crpv_edition_load(const char *path, GError **error);
void crpv_edition_free(crpv_edition *ed); /* NULL is fine */

/* What changed from OLD to NEW, one French line per change (centres
 * added, removed, changed field by field « ancien » → « nouveau »,
 * renumbered, figures that moved), in directory order. Returns a new
 * array of g_free'd strings, empty when nothing changed. */
GPtrArray *crpv_edition_compare(const crpv_edition *old, const crpv_edition *new);
/* The edition's date in French (« 14 novembre 2023 »), new string, or
 * NULL when it has none. */
char *crpv_edition_date_text(const crpv_edition *ed);

G_DEFINE_AUTOPTR_CLEANUP_FUNC(crpv_edition, crpv_edition_free)

#endif
