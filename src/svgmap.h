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
#include <pango/pango.h>
#include "directory.h"
#include "scene.h"

/* What the SVG document says around the scene; everything borrowed. */
typedef struct {
    const char *title, *desc;  /* plain text, escaped here: the map's <title> and <desc> */
    const char *font_family;   /* the texts' family, with generic fallbacks after it */
    PangoContext *ctx;         /* the fonts embedded as subsets (@font-face); NULL: none */
    int pixel_width, pixel_height; /* the intrinsic size in CSS pixels (that of the
                                    * PNG); 0: the scene's size in points */
    const crpv_directory *directory; /* who serves which territory (weblinks.h); may be NULL */
} crpv_svgmap_options;

/* The SVG document of SCENE: scalable (viewBox), with real <text> in
 * embedded subsets of its fonts, one <a> per centre holding its marker's
 * disc and number and its label (weblinks.h). Only http(s), mailto and tel
 * links are written. Returns a new string (g_string_free'd by the caller). */
GString *crpv_svgmap_write(const crpv_scene *scene, const crpv_svgmap_options *opt);

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
