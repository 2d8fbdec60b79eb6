/* What the brochure's pages share: the sheet (trim, bleed, margins), fonts
 * named at a size, and the small scene-building helpers every page uses. */
#ifndef CRPV_PAGE_H
#define CRPV_PAGE_H

#include <glib.h>
#include <pango/pango.h>
#include <stdbool.h>
#include "scene.h"
#include "style.h"

#define CRPV_MM (72.0 / 25.4)

/* Everything borrowed. */
typedef struct {
    const crpv_style *st;
    PangoContext *ctx;
    bool print;
    double bleed; /* points; 0 unless printing */
    double off;   /* points from the scene's edge to the trim box */
    double w, h;  /* trim size, points */
} crpv_page_env;

/* A page being composed: its scene (owned by whoever keeps the page) and
 * the content area in scene coordinates. */
typedef struct {
    crpv_scene *scene;
    double left, right, top, bottom;
} crpv_page;

/* A new page, INDEX from 0: the recto (even) has its inner margin on the
 * left; crop marks drawn when printing. (The PDF writer wraps all pages
 * in one Document element.) */
crpv_page crpv_page_new(const crpv_page_env *e, size_t index);
/* The trim box's sides grown by the bleed when printing: where
 * backgrounds that touch the page's edge extend to. */
double crpv_page_edge_left(const crpv_page_env *e);
double crpv_page_edge_right(const crpv_page_env *e);

/* A font description of the style's family ("Lato Black 12.50"), whatever
 * the locale's decimal mark. Returns a new string (g_free). */
char *crpv_page_font(const crpv_page_env *e, const char *face, double size);
crpv_color crpv_tint(crpv_color c, double t);

double crpv_page_text_height(const crpv_page_env *e, const char *font, const char *markup,
                             double width, bool justify, double leading);
/* Adds a Pango text box at X, Y, WIDTH wide; returns its height. */
double crpv_page_add_text(crpv_page *p, const crpv_page_env *e, crpv_role role, double x,
                          double y, double width, const char *font, const char *markup,
                          crpv_color color, int align, bool justify, double leading);
void crpv_page_add_outline(crpv_page *p, const char *title, int level, double y);
/* One LINK per line over the bytes START..END of LAYOUT's text, the layout
 * drawn with its top-left corner at X, Y. */
void crpv_page_add_link_rects(crpv_page *p, PangoLayout *layout, double x, double y,
                              size_t start, size_t end, const char *uri);

#endif
