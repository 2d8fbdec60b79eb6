/* `crpv init`: a new working folder, copied from the installed templates. */
#ifndef CRPV_INIT_H
#define CRPV_INIT_H

#include <glib.h>
#include <stdbool.h>

/* Copies the tree TEMPLATES (data/centres.csv, data/brochure.md,
 * data/style.ini, output/README.md) into DIR, creating DIR and its
 * subfolders as needed. Nothing is overwritten: when one of the files
 * already exists in DIR, nothing is written and ERROR says which. On
 * success, CREATED (when not NULL) receives the paths written, relative to
 * DIR, in order, as new strings. Errors are in G_FILE_ERROR. */
bool crpv_init_folder(const char *templates, const char *dir, GPtrArray *created,
                      GError **error);

/* What a template file is for, in a few French words, or NULL for a file
 * it does not know. Static. */
const char *crpv_init_describe(const char *relative);

#endif
