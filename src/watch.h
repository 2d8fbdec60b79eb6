/* Watching the inputs: GLib file monitors on the folders that hold them
 * (editors save by writing a new file and renaming it over the old one),
 * changes debounced into one rebuild. */
#ifndef CRPV_WATCH_H
#define CRPV_WATCH_H

#include <glib.h>

typedef void (*crpv_watch_fn)(void *user);

/* Calls REBUILD(USER) once each burst of changes to any of PATHS (files,
 * NULL-terminated; "-" and NULL entries are skipped) has been quiet for
 * DEBOUNCE_MS milliseconds. READY(USER), when not NULL, is called once the
 * folders are watched: a save after it is seen. Runs until SIGINT or
 * SIGTERM, then returns true; returns false with ERROR set when no folder
 * can be watched. */
gboolean crpv_watch_run(const char *const *paths, guint debounce_ms, crpv_watch_fn rebuild,
                        crpv_watch_fn ready, void *user, GError **error);

#endif
