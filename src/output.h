/* Writing outputs: PDF, SVG and PNG through Cairo, other files as bytes,
 * all written atomically as one batch. The only module that creates Cairo
 * surfaces or writes files. */
#ifndef CRPV_OUTPUT_H
#define CRPV_OUTPUT_H

#include <glib.h>
#include <pango/pango.h>
#include <signal.h>
#include <stdbool.h>
#include <time.h>
#include "scene.h"

/* Document metadata for the PDF; strings borrowed. */
typedef struct {
    const char *title, *subject, *author, *keywords, *creator;
    time_t date; /* creation and modification date written into the PDF */
    const char *figure_alt; /* what the map shows, for readers; NULL: none */
} crpv_pdf_info;

typedef struct crpv_batch crpv_batch;

/* A set of files that appear together or not at all: each is written to a
 * temporary file in OUT_DIR (created if missing) and crpv_batch_commit()
 * renames them all into place. Freeing a batch that was not committed
 * removes its temporary files, so a failed run leaves the previous outputs
 * as they were; so does SIGINT, SIGTERM or SIGHUP (a handler is installed
 * for those whose action is the default), and the temporaries a SIGKILL
 * left are removed by the next batch in the folder. A batch holds an
 * advisory lock (flock) on OUT_DIR from its creation to its end: a second
 * run into the same folder waits for the first. Returns NULL with ERROR
 * set (G_FILE_ERROR, in French) when OUT_DIR cannot be created. */
crpv_batch *crpv_batch_new(const char *out_dir, GError **error);
void crpv_batch_free(crpv_batch *batch); /* NULL is fine */

/* Each adds the file NAME (a plain file name inside OUT_DIR). False with
 * ERROR set on a write failure (disk full, permissions) or a Cairo error. */
bool crpv_batch_add_bytes(crpv_batch *batch, const char *name, const void *data, size_t len,
                          GError **error);
/* The files Cairo makes, in memory, to be added to a batch with
 * crpv_batch_add_bytes(); another thread can make them with a PangoContext
 * of its own (see jobs.h). Each returns a new array (g_byte_array_free) or
 * NULL with ERROR set; NAME is for messages. They touch no shared state.
 * A PDF of N pages, one per scene (each page the size of its scene), with
 * INFO's metadata and the OUTLINE items of the scenes as bookmarks: */
GByteArray *crpv_output_pdf(const char *name, const crpv_scene *const *pages, size_t n,
                            PangoContext *ctx, const crpv_pdf_info *info, GError **error);
/* One page as SVG (glyphs as outlines: for print, not web): */
GByteArray *crpv_output_svg(const char *name, const crpv_scene *scene, PangoContext *ctx,
                            GError **error);
/* SCENE rasterised at SCALE pixels per point on a white background, as an
 * indexed PNG; its size in pixels goes to WIDTH and HEIGHT when not NULL: */
GByteArray *crpv_output_png(const char *name, const crpv_scene *scene, PangoContext *ctx,
                            double scale, int *width, int *height, GError **error);
/* The same at DENSITY (1, 2, 3...) times the size it has at SCALE: a
 * carte@2x.png exactly twice carte.png's width and height. */
GByteArray *crpv_output_png_density(const char *name, const crpv_scene *scene, PangoContext *ctx,
                                    double scale, int density, int *width, int *height,
                                    GError **error);
/* The size in pixels of SCENE rasterised at SCALE. */
void crpv_output_png_size(const crpv_scene *scene, double scale, int *width, int *height);
/* Blocks (BLOCK true, the previous mask saved in SAVED) or restores the
 * signals that remove the temporaries, for the calling thread. A thread
 * that renders (jobs.h) blocks them for good, so that they reach the
 * thread that owns the batch. */
void crpv_output_block_signals(bool block, sigset_t *saved);
/* Renames every file into place. */
bool crpv_batch_commit(crpv_batch *batch, GError **error);

/* What the batch holds, for the run's summary. */
size_t crpv_batch_count(const crpv_batch *batch);
const char *crpv_batch_name(const crpv_batch *batch, size_t i); /* borrowed */
size_t crpv_batch_size(const crpv_batch *batch, size_t i);

/* The date outputs carry: SOURCE_DATE_EPOCH when set and valid, else the
 * newest modification time among the NULL-terminated PATHS. */
time_t crpv_output_date(const char *const *paths);

G_DEFINE_AUTOPTR_CLEANUP_FUNC(crpv_batch, crpv_batch_free)

#endif
