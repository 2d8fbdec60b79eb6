/* A composed page or map as data: a display list of shapes, rectangles,
 * discs, text boxes, links and structure marks, in PostScript points
 * (1/72 inch), origin top-left, y down. Layout stages build scenes; the
 * renderer, the SVG and HTML writers and the tests read them. */
#ifndef CRPV_SCENE_H
#define CRPV_SCENE_H

#include <stdbool.h>
#include <stddef.h>
#include "geometry.h"

typedef struct {
    double r, g, b, a; /* 0..1; a == 0 means "none" */
} crpv_color;

typedef enum {
    CRPV_ITEM_SHAPE,     /* SHAPE filled (even-odd) with FILL, stroked with STROKE */
    CRPV_ITEM_POLYLINE,  /* SHAPE's rings as open polylines, stroked with STROKE */
    CRPV_ITEM_RECT,      /* BOX filled and/or stroked */
    CRPV_ITEM_DISC,      /* circle of CENTER and RADIUS, filled and/or stroked */
    CRPV_ITEM_TEXT,      /* Pango MARKUP laid out in BOX's width, top at BOX.y0 */
    CRPV_ITEM_LINK,      /* invisible clickable area BOX pointing at URI */
    CRPV_ITEM_TAG_BEGIN, /* opens structure element TAG (tagged PDF) */
    CRPV_ITEM_TAG_END,   /* closes the innermost open TAG */
    CRPV_ITEM_OUTLINE,   /* a bookmark named TEXT at LEVEL (1 = top), pointing at BOX.y0 */
    CRPV_ITEM_LINE,      /* one line of set text: MARKUP on one line from BOX.x0 at BASELINE;
                          * when JUSTIFY, its spaces widened to end at BOX.x1; its glyphs
                          * widened by GLYPH_SCALE (1: as designed) */
} crpv_item_kind;

/* What an item means, so that writers and tests can find things without
 * guessing from colours. */
typedef enum {
    CRPV_ROLE_NONE,
    CRPV_ROLE_BACKGROUND,
    CRPV_ROLE_LAND,        /* neighbouring land, sea, decoration */
    CRPV_ROLE_REGION,      /* KEY = region code */
    CRPV_ROLE_DEPARTEMENT, /* KEY = département code */
    CRPV_ROLE_BORDER,
    CRPV_ROLE_FRAME,       /* an inset's frame; FRAME = its index */
    CRPV_ROLE_FRAME_TITLE,
    CRPV_ROLE_MARKER,      /* KEY = centre id, TEXT = its number */
    CRPV_ROLE_LABEL,       /* KEY = centre id */
    CRPV_ROLE_LEADER,
    CRPV_ROLE_LEGEND,
    CRPV_ROLE_CREDIT,
    CRPV_ROLE_TITLE,
    CRPV_ROLE_HEADING,
    CRPV_ROLE_BODY,
    CRPV_ROLE_ENTRY,       /* a directory entry; KEY = centre id */
    CRPV_ROLE_CROP_MARK,
    CRPV_ROLE_NOTE,        /* a note on the map (« Échelles différentes ») */
    CRPV_ROLE_PLACE_NAME,  /* the name of a territory without a centre; KEY = its code */
} crpv_role;

/* A TAG_BEGIN named CRPV_TAG_ARTIFACT holds what a reader skips (a line's
 * added hyphen): the PDF marks it as an artifact, outside the structure.
 * CRPV_TAG_OWN_CONTENT is the renderer's: an element's own content beside
 * its children, folded back into the element once the PDF is written. */
#define CRPV_TAG_ARTIFACT "Private"
#define CRPV_TAG_OWN_CONTENT "NonStruct"

/* One item. Strings and SHAPE are owned by the scene. */
typedef struct {
    crpv_item_kind kind;
    crpv_role role;
    crpv_color fill;       /* shapes, rects, discs; the text colour for TEXT */
    crpv_color hatch;      /* SHAPE, RECT: diagonal stripes (rising to the right) of this
                            * colour over the fill, none when a == 0: a class told apart by
                            * its texture (a centre in préfiguration) */
    double hatch_width;    /* the stripes' width, across them */
    double hatch_step;     /* their period, across them; stripes lie on x + y = n * step * √2
                            * from the scene's origin, so that neighbouring patches line up */
    crpv_color stroke;
    double line_width;
    crpv_shape shape;      /* SHAPE, POLYLINE */
    crpv_rect box;         /* RECT, LINK, TEXT (y1 = bottom of the laid-out text), DISC bounds;
                            * for a SHAPE, its bounding box when set */
    crpv_point center;     /* DISC */
    double radius;         /* DISC */
    char *text;            /* TEXT: Pango markup; MARKER: its number; OUTLINE: title; TAG: name */
    char *font;            /* TEXT: Pango font description, "Lato Bold 7.5" */
    int align;             /* TEXT: 0 left, 1 centre, 2 right */
    bool justify;          /* TEXT */
    bool halo;             /* TEXT: one light outline of the glyphs, drawn under them, where
                            * the ground under a map's label is too dark for its text */
    double line_height;    /* TEXT: line spacing factor, 0 = the font's own */
    int level;             /* OUTLINE */
    char *uri;             /* LINK, or a link on any item (SVG <a>, HTML <area>) */
    char *title;           /* accessible name: SVG <title>, HTML alt */
    char *link_name;       /* with URI: who it leads to (« Labo Cités »), for the PDF's
                            * link description */
    char *key;             /* region or département code, centre id */
    int frame;             /* map frame index the item belongs to, -1 if none */
    double baseline;       /* LINE */
    double glyph_scale;    /* LINE: horizontal scale of its glyphs, 0 or 1 = none */
} crpv_item;

typedef struct crpv_scene crpv_scene;

/* A new empty scene of WIDTH x HEIGHT points, freed with crpv_scene_free(). */
crpv_scene *crpv_scene_new(double width, double height);
void crpv_scene_free(crpv_scene *scene); /* NULL is fine */
double crpv_scene_width(const crpv_scene *scene);
double crpv_scene_height(const crpv_scene *scene);

/* Appends a zeroed item of KIND and ROLE (frame -1) and lends it to the
 * caller to fill; strings put into it must be g_malloc'd and become the
 * scene's. The pointer stays valid until the next append. */
crpv_item *crpv_scene_add(crpv_scene *scene, crpv_item_kind kind, crpv_role role);
/* Convenience constructors; strings are copied. Return the borrowed item. */
crpv_item *crpv_scene_add_rect(crpv_scene *scene, crpv_role role, crpv_rect box,
                               crpv_color fill, crpv_color stroke, double line_width);
crpv_item *crpv_scene_add_text(crpv_scene *scene, crpv_role role, crpv_rect box,
                               const char *font, const char *markup, crpv_color color);
crpv_item *crpv_scene_add_link(crpv_scene *scene, crpv_rect box, const char *uri);
crpv_item *crpv_scene_add_tag(crpv_scene *scene, const char *tag); /* TAG_BEGIN */
void crpv_scene_end_tag(crpv_scene *scene);

/* For a page made for print: where the sheet is cut (TRIM) and how far
 * backgrounds run past it (BLEED), in the scene's units. The PDF writer
 * records them as the page's TrimBox and BleedBox for the print shop. */
void crpv_scene_set_trim(crpv_scene *scene, crpv_rect trim, crpv_rect bleed);
/* False when no trim was set. */
bool crpv_scene_get_trim(const crpv_scene *scene, crpv_rect *trim, crpv_rect *bleed);

/* Appends deep copies of SRC's items to DST, moved by (DX, DY). */
void crpv_scene_append(crpv_scene *dst, const crpv_scene *src, double dx, double dy);

size_t crpv_scene_count(const crpv_scene *scene);
crpv_item *crpv_scene_nth(const crpv_scene *scene, size_t i); /* borrowed */

/* The colour an eye sees at P once the fills of items 0 .. BEFORE - 1
 * (shapes, rectangles, discs) are painted over white: what lies under an
 * item added at BEFORE. Text, lines, strokes and hatching are left out:
 * a hatched fill counts as its ground colour. */
crpv_color crpv_scene_color_at(const crpv_scene *scene, crpv_point p, size_t before);
/* The same over the items ITEMS lists (N of them, increasing, each below
 * BEFORE or left out): a caller with a spatial index passes only the items
 * near P, and gets the colour of the whole scene when those hold every
 * filled item under P. */
crpv_color crpv_scene_color_at_items(const crpv_scene *scene, crpv_point p, size_t before,
                                     const size_t *items, size_t n);
/* The box that bounds item I's fill (a shape's own when its BOX is unset);
 * false for an item without a fill color_at counts. */
bool crpv_scene_fill_box(const crpv_scene *scene, size_t i, crpv_rect *out);

crpv_color crpv_color_rgb(unsigned hex); /* 0xRRGGBB, opaque */
crpv_color crpv_color_none(void);

#endif
