/* The brochure's recto: the title band, a narrow column (the introduction
 * and the box, set ragged) beside a wide one (the running text, justified
 * by the total-fit line breaker), every line on one baseline grid, and the
 * call at the foot. Reports the facts of every line it sets. */
#ifndef CRPV_RECTO_H
#define CRPV_RECTO_H

#include <glib.h>
#include <stdbool.h>
#include "content.h"
#include "page.h"

/* Which text a line belongs to. */
typedef enum {
    CRPV_LINE_TITLE,
    CRPV_LINE_LEAD,    /* the introduction, narrow column */
    CRPV_LINE_BOX,     /* the box, narrow column */
    CRPV_LINE_HEADING, /* running text's headings, wide column */
    CRPV_LINE_BODY,    /* running text (justified), wide column */
    CRPV_LINE_ITEM,    /* list items of the running text */
    CRPV_LINE_CALL,
} crpv_line_kind;

typedef struct {
    crpv_line_kind kind;
    int column;         /* 0 narrow, 1 wide, -1 across the page */
    double x, baseline; /* scene coordinates */
    double width;       /* as drawn */
    double measure;     /* the column's measure */
    double ratio;       /* the line breaker's stretch ratio */
    double glyph_scale;
    bool hyphen;        /* ends in a hyphen */
    bool last;          /* its paragraph's last line */
    bool justified;
    bool short_line;    /* justified but ended short rather than gape past 150 % */
    size_t block;       /* index of its block in the content */
    double size;        /* headings: the font's size (their capitals are 0.72 of it) */
    double rule_bottom; /* a heading's first line: the bottom of the rule above it */
} crpv_line_fact;

typedef struct {
    crpv_line_fact *lines; /* owned, g_free */
    size_t n_lines;
    double body_size;      /* the size the running text was set in */
    double lead_size;      /* the introduction's size, on the same grid */
    double area_bottom;    /* the lowest the columns' text may reach (above the call) */
    double leading;        /* the baseline grid's step */
    double measure;        /* the wide column's width, points */
    bool stepped_down;     /* smaller than the style's size, to fit */
} crpv_recto_report;

void crpv_recto_report_clear(crpv_recto_report *report);

/* Figures of the running text (lines, hyphens, loosest line). */
typedef struct {
    size_t lines, hyphens, max_hyphen_run, hyphens_at_column_end;
    double max_ratio;
} crpv_recto_figures;
crpv_recto_figures crpv_recto_figures_of(const crpv_recto_report *report);

/* Composes the recto from CONTENT. Returns the page's scene (crpv_scene_free),
 * or NULL with ERROR set when the text does not fit even at the smallest
 * size. REPORT (may be NULL) receives the lines' facts. */
crpv_scene *crpv_recto_compose(const crpv_page_env *e, const crpv_content *content,
                               crpv_recto_report *report, GError **error);

#endif
