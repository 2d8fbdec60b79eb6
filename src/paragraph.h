/* A paragraph set line by line: its markup shaped by Pango once, cut into
 * boxes, glue and penalties (words, spaces, the soft hyphens the content
 * module placed), broken by the total-fit line breaker, and returned as
 * lines of markup that the renderer draws at the computed width. */
#ifndef CRPV_PARAGRAPH_H
#define CRPV_PARAGRAPH_H

#include <glib.h>
#include <pango/pango.h>
#include <stdbool.h>
#include <stddef.h>

typedef enum {
    CRPV_SET_JUSTIFIED, /* flush both sides, the last line ragged */
    CRPV_SET_RAGGED,    /* flush left, lines balanced, never hyphenated */
    CRPV_SET_TITLE,     /* ragged and broken by sense: never after an article or a
                         * preposition, nor inside « centres de ressources » */
} crpv_set_mode;

typedef struct {
    const char *font;      /* Pango font description */
    double width;          /* the measure, points */
    double first_width;    /* the first line's measure when > 0 (beside a drop, a bullet) */
    double indent;         /* the first line's indent */
    crpv_set_mode mode;
    double hyphen_penalty; /* cost of a hyphen (justified only); < 0: the default */
    const size_t *cuts;    /* bytes of the text where ragged lines are cut into segments
                            * (the ends of links), or NULL; borrowed */
    size_t n_cuts;
} crpv_set_options;

/* A piece of a ragged line between two cuts. */
typedef struct {
    char *markup;
    double x, width;    /* from the line's start, natural */
    size_t start, end;  /* its bytes in the paragraph's plain text */
} crpv_set_segment;

/* One line. Strings owned by the setting. */
typedef struct {
    char *markup;       /* the line's Pango markup, soft hyphens dropped */
    char *hyphen_markup; /* where the line breaks inside a word: the hyphen to draw after
                          * MARKUP, apart from it (not part of the text), or NULL */
    double hyphen_width; /* its natural width */
    double x;           /* from the measure's left edge (the indent) */
    double width;       /* the width it is drawn at: the measure when justified */
    double natural;     /* its width with natural spaces */
    double ratio;       /* glue stretch (> 0) or shrink (< 0) used, in units of the
                         * spaces' stretch or shrink; for ragged lines, of the rag */
    double glyph_scale; /* horizontal scale of its glyphs (1: as designed) */
    bool justified;     /* spaces stretched to WIDTH */
    bool hyphen;        /* ends in a hyphen the breaker added */
    bool short_line;    /* justified but short of the measure: filling it would have
                         * stretched its spaces past 150 % */
    bool last;          /* the paragraph's last line */
    size_t start, end;  /* its bytes in the paragraph's plain text */
    crpv_set_segment *segments; /* when cut (ragged lines only): the pieces, in order */
    size_t n_segments;
} crpv_set_line;

typedef struct {
    crpv_set_line *lines;
    size_t n_lines;
    double ascent, descent; /* of the font, points */
} crpv_setting;

/* Sets MARKUP with OPTIONS in CTX. Returns a new setting
 * (crpv_setting_free). */
crpv_setting *crpv_set_paragraph(PangoContext *ctx, const char *markup,
                                 const crpv_set_options *options);
void crpv_setting_free(crpv_setting *setting); /* NULL is fine */

/* The width of a justified line's spaces, in per cent of their natural
 * width, at stretch RATIO. */
double crpv_set_space_percent(double ratio);

/* The widest of the lines' natural widths. */
double crpv_setting_width(const crpv_setting *setting);

G_DEFINE_AUTOPTR_CLEANUP_FUNC(crpv_setting, crpv_setting_free)

#endif
