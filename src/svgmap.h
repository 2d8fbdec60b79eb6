/* The web SVG of the map, written by hand from the composed scene: paths
 * for the geometry with coordinates rounded to what the size needs, real
 * <text> for names and numbers, an <a> link and a <title> for each
 * territory and marker. Cairo's SVG surface, which turns every glyph into
 * an outline, serves only the brochure's pages. */
#ifndef CRPV_SVGMAP_H
#define CRPV_SVGMAP_H

#include <glib.h>
#include "scene.h"

/* The SVG document of SCENE, with TITLE and DESC (plain text, escaped here)
 * as the map's <title> and <desc>, and FONT_FAMILY with generic fallbacks
 * for its text. Only http(s), mailto and tel links are written. Returns a
 * new string (g_string_free'd by the caller). */
GString *crpv_svgmap_write(const crpv_scene *scene, const char *title, const char *desc,
                           const char *font_family);

#endif
