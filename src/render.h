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

#endif
