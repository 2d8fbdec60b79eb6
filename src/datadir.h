/* Where the installed data is: the fonts, the boundary files and the
 * templates of a working folder, under PREFIX/share/crpv. */
#ifndef CRPV_DATADIR_H
#define CRPV_DATADIR_H

#include <glib.h>

/* The installed data folder, newly allocated (g_free), or NULL when none
 * exists. In order: $CRPV_DATADIR; the folder at the same place relative
 * to the running program as at install time (bin/crpv -> share/crpv), so
 * that a staged DESTDIR or a moved prefix still works; the compile-time
 * one. TRIED, when not NULL, receives the folders looked at, separated by
 * ", ", for a message. */
char *crpv_datadir_find(GString *tried);

/* The folder NAME ("geo", "fonts") of a run: ./NAME when the current
 * folder has one (the project's tree, or a working folder that brings its
 * own), else DATADIR/NAME. Newly allocated, or NULL when neither is a
 * folder; the places looked at are appended to TRIED when not NULL. */
char *crpv_datadir_lookup(const char *name, GString *tried);

#endif
