/* watch: rebuilds when an input is saved. */
#include "watch.h"

#include <gio/gio.h>
#include <glib-unix.h>
#include <signal.h>
#include <stdbool.h>

typedef struct {
    GMainLoop *loop;
    GHashTable *names;  /* absolute paths of the watched files (owned keys) */
    guint timer;        /* the pending debounce, or 0 */
    guint debounce_ms;
    crpv_watch_fn rebuild;
    void *user;
} watcher;

static gboolean on_quiet(gpointer data)
{
    watcher *w = data;
    w->timer = 0;
    w->rebuild(w->user);
    return G_SOURCE_REMOVE;
}

static void on_changed(GFileMonitor *monitor, GFile *file, GFile *other, GFileMonitorEvent event,
                       gpointer data)
{
    watcher *w = data;
    switch (event) {
    case G_FILE_MONITOR_EVENT_CHANGES_DONE_HINT:
    case G_FILE_MONITOR_EVENT_CREATED:
    case G_FILE_MONITOR_EVENT_CHANGED:
    case G_FILE_MONITOR_EVENT_MOVED_IN:
    case G_FILE_MONITOR_EVENT_RENAMED:
    case G_FILE_MONITOR_EVENT_DELETED:
        break;
    default:
        return;
    }
    /* A rename over the file names it as the other file. */
    g_autofree char *path = g_file_get_path(file);
    g_autofree char *other_path = other ? g_file_get_path(other) : NULL;
    bool ours = (path && g_hash_table_contains(w->names, path)) ||
                (other_path && g_hash_table_contains(w->names, other_path));
    if (!ours)
        return;
    /* Saving writes in several steps: wait until they are over. */
    if (w->timer)
        g_source_remove(w->timer);
    w->timer = g_timeout_add(w->debounce_ms, on_quiet, w);
}

static gboolean on_signal(gpointer data)
{
    g_main_loop_quit(((watcher *)data)->loop);
    return G_SOURCE_CONTINUE;
}

gboolean crpv_watch_run(const char *const *paths, guint debounce_ms, crpv_watch_fn rebuild,
                        crpv_watch_fn ready, void *user, GError **error)
{
    watcher w = {.debounce_ms = debounce_ms, .rebuild = rebuild, .user = user};
    w.names = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
    GHashTable *dirs = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, g_object_unref);
    for (const char *const *p = paths; *p; p++) {
        if (g_str_equal(*p, "-"))
            continue;
        GFile *f = g_file_new_for_path(*p);
        char *abs = g_file_get_path(f);
        g_object_unref(f);
        if (!abs)
            continue;
        char *dir = g_path_get_dirname(abs);
        g_hash_table_add(w.names, abs);
        if (g_hash_table_contains(dirs, dir)) {
            g_free(dir);
            continue;
        }
        GFile *d = g_file_new_for_path(dir);
        GFileMonitor *m = g_file_monitor_directory(d, G_FILE_MONITOR_WATCH_MOVES, NULL, NULL);
        g_object_unref(d);
        if (!m) {
            g_free(dir);
            continue;
        }
        g_signal_connect(m, "changed", G_CALLBACK(on_changed), &w);
        g_hash_table_insert(dirs, dir, m);
    }
    gboolean ok = g_hash_table_size(dirs) > 0;
    if (!ok) {
        g_set_error_literal(error, G_FILE_ERROR, G_FILE_ERROR_NOENT,
                            "aucun dossier d’entrée à surveiller");
    } else {
        w.loop = g_main_loop_new(NULL, FALSE);
        guint s1 = g_unix_signal_add(SIGINT, on_signal, &w);
        guint s2 = g_unix_signal_add(SIGTERM, on_signal, &w);
        if (ready)
            ready(user);
        g_main_loop_run(w.loop);
        g_source_remove(s1);
        g_source_remove(s2);
        if (w.timer)
            g_source_remove(w.timer);
        g_main_loop_unref(w.loop);
    }
    g_hash_table_unref(dirs);
    g_hash_table_unref(w.names);
    return ok;
}
