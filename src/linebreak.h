/* Total-fit line breaking (Knuth and Plass, "Breaking paragraphs into
 * lines", 1981): a paragraph as boxes, glue and penalties in, the set of
 * breaks that minimises the sum of the lines' demerits out. Knows nothing
 * of fonts: the caller measures, this module chooses. */
#ifndef CRPV_LINEBREAK_H
#define CRPV_LINEBREAK_H

#include <stdbool.h>
#include <stddef.h>

/* A penalty at or above this forbids a break; at or below its negative,
 * forces one. Glue stretch at or above CRPV_LB_FIL is infinite (TeX's fil). */
#define CRPV_LB_INFINITY 10000.0
#define CRPV_LB_FIL 1e6

typedef enum {
    CRPV_LB_BOX,     /* something of fixed WIDTH: a word or part of one */
    CRPV_LB_GLUE,    /* a space of WIDTH that may grow by STRETCH, shrink by SHRINK; a
                      * break is allowed at a glue that follows a box */
    CRPV_LB_PENALTY, /* a possible break of cost PENALTY; WIDTH is what the line gets
                      * when it breaks here (a hyphen's width); FLAGGED for hyphens */
} crpv_lb_kind;

typedef struct {
    crpv_lb_kind kind;
    double width, stretch, shrink;
    double penalty;
    bool flagged;
} crpv_lb_item;

typedef struct {
    double tolerance;         /* the loosest badness accepted (TeX's \tolerance) */
    double line_penalty;      /* added to every line's badness (\linepenalty) */
    double double_hyphen;     /* demerits for two hyphenated lines in a row */
    double final_hyphen;      /* demerits for a hyphen on the paragraph's second-last line */
    double fitness_demerits;  /* demerits between a very loose and a tight line (\adjdemerits) */
    int max_hyphen_run;       /* hyphenated lines allowed in a row (2: never three) */
    double line_end_stretch;  /* stretch every line gets at its end: > 0 sets ragged-right,
                               * with the rag's evenness as badness */
} crpv_lb_params;

/* TeX's plain values with a hyphen made dearer than a slightly loose line,
 * never three hyphens in a row, never a hyphen before the last line. */
crpv_lb_params crpv_lb_params_default(void);

/* One line of the result. */
typedef struct {
    size_t start, end; /* items START..END-1; END is the break item (or N) */
    double ratio;      /* how much the glue stretched (> 0) or shrank (< 0) in units of its
                        * stretch or shrink: 0 = natural, 1 = all of it */
    double natural;    /* the line's natural width, the break's own width included */
    bool hyphen;       /* ends at a flagged penalty */
    bool overfull;     /* nothing better was possible: wider than the measure */
} crpv_lb_line;

/* Breaks ITEMS[0..N-1] into lines of WIDTHS[k] (the last width for every
 * line from N_WIDTHS on). The paragraph should end with a forced break
 * (infinite glue then a penalty of -CRPV_LB_INFINITY, as TeX's
 * \parfillskip); one is assumed otherwise. Tries without, then with
 * emergency looseness, then accepts overfull lines, so that it always
 * returns a result. Returns the number of lines and sets *LINES to a new
 * array (g_free). */
size_t crpv_linebreak(const crpv_lb_item *items, size_t n, const double *widths, size_t n_widths,
                      const crpv_lb_params *params, crpv_lb_line **lines);

/* The paragraph's facts, for tests and reports. */
typedef struct {
    size_t lines, hyphens, max_hyphen_run;
    double max_ratio; /* loosest line, last lines of paragraphs excluded */
    double min_ratio;
} crpv_lb_stats;
crpv_lb_stats crpv_lb_stats_of(const crpv_lb_line *lines, size_t n_lines);

#endif
