/* Facts read back from a page's content stream: how much text is tagged,
 * the smallest text, the inks text and fills use. What the print preflight
 * and the accessibility tests measure. */
#ifndef CRPV_PDFCHECK_H
#define CRPV_PDFCHECK_H

#include <stddef.h>

typedef struct {
    size_t text_ops;          /* Tj, TJ, ' and " */
    size_t text_tagged;       /* inside marked content with an MCID */
    size_t text_artifact;     /* inside /Artifact marked content */
    size_t text_untagged;     /* neither */
    double min_text_size;     /* points, as printed (font size by text and current matrices); 0: no text */
    double max_ink;           /* the largest C+M+Y+K of a DeviceCMYK colour painted (text,
                               * fills, strokes) within the area checked, percent */
    size_t text_multi_ink;    /* text shown in a dark colour (K >= 50 %) that also carries C, M or Y >= 10 % */
    size_t rgb_colors;        /* rg/RG operators left (a CMYK file has none) */
} crpv_pdf_page_facts;

/* Scans the decoded content stream at DATA (LEN bytes). Form XObjects are
 * not followed: scan them on their own. */
crpv_pdf_page_facts crpv_pdf_check_page(const char *data, size_t len);
/* The same, with the ink limit checked only for paths that reach into
 * AREA (x0, y0, x1, y1 in the page's default units, the BleedBox): the
 * crop marks beyond it are in registration colour, all inks solid, and do
 * not count. AREA NULL: the whole page. */
crpv_pdf_page_facts crpv_pdf_check_page_in(const char *data, size_t len, const double area[4]);

#endif
