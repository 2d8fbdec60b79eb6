/* The web SVG of the map, written by hand from the composed scene: paths
 * for the geometry with coordinates rounded to what the size needs, real
 * <text> for names and numbers, an <a> link and a <title> for each
 * territory and marker. Cairo's SVG surface, which turns every glyph into
 * an outline, serves only the brochure's pages. */
#ifndef CRPV_SVGMAP_H
#define CRPV_SVGMAP_H

#include <glib.h>
#include <stdint.h>
#include <stdbool.h>
#include "scene.h"

/* The SVG document of SCENE, with TITLE and DESC (plain text, escaped here)
 * as the map's <title> and <desc>, and FONT_FAMILY with generic fallbacks
 * for its text. Only http(s), mailto and tel links are written. Returns a
 * new string (g_string_free'd by the caller). */
GString *crpv_svgmap_write(const crpv_scene *scene, const char *title, const char *desc,
                           const char *font_family);

/* Helpers shared with the HTML writer. */

/* Appends TEXT to OUT escaped for XML and HTML, in text and in attribute
 * values alike; invalid UTF-8 is repaired and the control characters that
 * XML forbids are dropped. NULL appends nothing. */
void crpv_svgmap_append_escaped(GString *out, const char *text);
/* True when URI is an http:, https:, mailto: or tel: link (case aside)
 * without control characters or spaces. */
bool crpv_svgmap_uri_allowed(const char *uri);
/* Appends V in decimal: the writers format many thousands of numbers,
 * and printf's locale-aware machinery dominated their time. */
void crpv_svgmap_append_int(GString *out, int64_t v);
/* The plain text of Pango MARKUP: tags removed, entities decoded, or the
 * text with anything between < and > removed when MARKUP does not parse.
 * Returns a new string (g_free). */
char *crpv_svgmap_plain_text(const char *markup);

#endif
