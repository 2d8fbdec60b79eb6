/* The HTML fragment of the map for a web page: the PNG (1x and 2x) and,
 * over it, an inline SVG of the same proportions holding one link per
 * centre (its marker and its label), so that every link stays on its
 * marker at whatever width the page gives the figure, without a script. */
#ifndef CRPV_HTMLMAP_H
#define CRPV_HTMLMAP_H

#include <glib.h>
#include "directory.h"
#include "scene.h"

/* Everything borrowed. */
typedef struct {
    const char *image_url;    /* the PNG, as written in src */
    const char *image_2x_url; /* its 2x version, or NULL */
    int pixel_width, pixel_height; /* the PNG's size: the scene scaled to it */
    const char *alt;          /* the image's text */
    const crpv_directory *directory; /* who serves which territory (weblinks.h); may be NULL */
} crpv_htmlmap_options;

/* The fragment for SCENE: a <figure> with the image, the links over it
 * (weblinks.h: one per centre, territories served by one centre repeating
 * its link for the pointer only) and the credit as caption. Every value is
 * escaped; only http(s), mailto and tel links are written. Returns a new
 * string. */
GString *crpv_htmlmap_write(const crpv_scene *scene, const crpv_htmlmap_options *opt);

#endif
