/* The HTML fragment of the map for sites that prefer an image: the PNG and
 * an image map whose areas link each territory and marker to its centre. */
#ifndef CRPV_HTMLMAP_H
#define CRPV_HTMLMAP_H

#include <glib.h>
#include "scene.h"

/* The fragment for SCENE drawn into the image IMAGE_URL of PIXEL_WIDTH x
 * PIXEL_HEIGHT pixels (the scene scaled to that size), with a 2x version
 * IMAGE_2X_URL (may be NULL) and ALT as the image's text. Areas come from
 * the scene's items that carry a URI: polygons for territories, circles
 * for markers, with alt and title. Every value is escaped; only http(s),
 * mailto and tel links are written. Returns a new string. */
GString *crpv_htmlmap_write(const crpv_scene *scene, const char *image_url,
                            const char *image_2x_url, int pixel_width, int pixel_height,
                            const char *alt);

#endif
