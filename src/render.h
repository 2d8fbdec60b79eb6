/* Cairo drawing of a composed scene, onto any surface. Never parses input,
 * never opens a file. */
#ifndef CRPV_RENDER_H
#define CRPV_RENDER_H

#include <cairo.h>
#include <pango/pango.h>
#include "scene.h"

/* Draws SCENE on CR in the scene's units (points), with CTX's fonts.
 * On a PDF surface, links become link annotations, TAG items structure
 * tags and OUTLINE items bookmarks. Errors stick to CR (cairo_status). */
void crpv_render_scene(cairo_t *cr, const crpv_scene *scene, PangoContext *ctx);
/* The same without any link. */
void crpv_render_scene_unlinked(cairo_t *cr, const crpv_scene *scene, PangoContext *ctx);
/* SCENE's links alone, nothing drawn: one link per URI, over the boxes of
 * every item that leads there (on a PDF surface, one Link structure
 * element and annotation each, in order of first appearance). */
void crpv_render_links(cairo_t *cr, const crpv_scene *scene);

#endif
