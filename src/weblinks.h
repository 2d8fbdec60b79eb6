/* The links of the web map, one per centre: which items of a composed map
 * scene make up each centre's link (its marker's disc and number, its
 * label), which items repeat a centre's link for the pointer only (a
 * territory it alone serves), and which territories, served by several
 * centres, link to none of them but name them all. Read by the SVG and
 * HTML writers, so that a screen reader lists each centre once. */
#ifndef CRPV_WEBLINKS_H
#define CRPV_WEBLINKS_H

#include <stddef.h>
#include "directory.h"
#include "scene.h"

typedef enum {
    CRPV_WEB_PLAIN,     /* no link */
    CRPV_WEB_CENTRE,    /* part of a centre's one link */
    CRPV_WEB_DUPLICATE, /* repeats a centre's link, hidden from assistive technology */
    CRPV_WEB_OWN,       /* a link of its own (not a centre's), written as the item says */
} crpv_web_link;

/* A centre that has a link; strings borrowed from the scene, or from the
 * result for the names and titles, which are set in French typography. */
typedef struct {
    const char *key;    /* centre id */
    const char *uri;
    const char *name;   /* accessible name: the marker's title, else its key */
    const char *number; /* the marker's number, "" when none */
    crpv_point center;  /* the marker's disc, in scene points */
    double radius;
    const size_t *items; /* indices in the scene of the items of its link, in order */
    size_t n_items;
} crpv_web_centre;

/* What one scene item becomes on the web. */
typedef struct {
    crpv_web_link link;
    size_t centre;     /* CENTRE, DUPLICATE: index of the centre */
    const char *title; /* the title to write (the item's own, or one naming
                        * the several centres of a territory), in French
                        * typography; may be NULL */
    size_t served_by;  /* territories: how many linked centres serve it
                        * (known with a directory only, else 0) */
} crpv_web_item;

typedef struct crpv_weblinks crpv_weblinks;

/* The links of SCENE. Centres are the scene's marker discs (role MARKER,
 * a key, an http(s), mailto or tel link), in scene order, once per key.
 * DIRECTORY (may be NULL) tells which centres serve each region or
 * département: one linked centre makes the territory a DUPLICATE of its
 * link, several make it PLAIN with a title that names them. Without it, a
 * territory linking to a centre's address duplicates that centre's link.
 * SCENE must outlive the result (crpv_weblinks_free). */
crpv_weblinks *crpv_weblinks_new(const crpv_scene *scene, const crpv_directory *directory);
void crpv_weblinks_free(crpv_weblinks *links); /* NULL is fine */

size_t crpv_weblinks_centre_count(const crpv_weblinks *links);
const crpv_web_centre *crpv_weblinks_centre(const crpv_weblinks *links, size_t i); /* borrowed */
/* The fate of scene item I (I < the scene's count). Borrowed. */
const crpv_web_item *crpv_weblinks_item(const crpv_weblinks *links, size_t i);

#endif
