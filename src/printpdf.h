/* Print production: the brochure's PDF made into the file a print shop
 * takes as it is, PDF/X-4 in CMYK, and checked before it is declared done.
 *
 * The brand colours go to DeviceCMYK with the exact values the style
 * declares, greys (black text, thin rules) to the black plate alone, and
 * tints of a declared colour to the same tint of its inks; Ghostscript's
 * pdfwrite, run as a separate program, converts what is left through the
 * output profile (LittleCMS) and writes the CMYK file; qpdf then adds the
 * page boxes, the output intent with its profile and the PDF/X-4
 * identification. */
#ifndef CRPV_PRINTPDF_H
#define CRPV_PRINTPDF_H

#include <glib.h>
#include <stdbool.h>
#include "output.h"
#include "scene.h"
#include "style.h"

/* The profile used when neither the style nor the command line names one:
 * Ghostscript's own CMYK output profile, shipped with it. */
#define CRPV_DEFAULT_CMYK_PROFILE "/usr/share/color/icc/ghostscript/default_cmyk.icc"

/* What the preflight found. */
typedef struct {
    double min_text_size;   /* points, smallest text of any page */
    double max_ink;         /* percent, largest C+M+Y+K of a colour set */
    size_t text_multi_ink;  /* dark text shown in more than the black ink */
    size_t rgb_colors;      /* colours left in RGB */
    size_t white_knockouts; /* white text under 8 pt on an area of several inks */
    size_t fonts, fonts_embedded;
    size_t pages, pages_with_boxes;
    bool output_intent;
    double *coverage;       /* per page, C M Y K average amount in percent (ink_cov) */
    GPtrArray *problems;    /* French sentences, what a print shop would reject */
    GPtrArray *warnings;    /* French sentences: acceptable, but to settle with the
                             * print shop (the default profile) */
    GPtrArray *notes;       /* French sentences worth knowing */
} crpv_preflight;

void crpv_preflight_clear(crpv_preflight *p);

/* The screen colour the print brochure draws its crop marks with, which
 * the print file turns into registration colour (every ink solid), so
 * that each plate carries them; a colour no style is expected to use. */
#define CRPV_PRINT_REGISTRATION_KEY 0x010203
/* How far apart (out of 255) the channels of a colour may be for it to
 * count as a grey in print: the warm greys of the style (#8f8a82, 13
 * apart) are, the pending markers' blue-grey #8a8fa0 (22) is not. */
#define CRPV_PRINT_NEUTRAL_SPREAD 16
/* True when C is a grey or near-grey, printed on the black plate alone. */
bool crpv_print_is_neutral(crpv_color c);

/* The CMYK value a print file gives the screen colour C under STYLE:
 * a declared colour, a tint of one, or a grey (black ink alone). False
 * when none applies (the output profile converts it). */
bool crpv_print_cmyk(const crpv_style *style, crpv_color c, crpv_cmyk *out);

/* The description an ICC profile gives itself ('desc' tag, version 2 or
 * 4), or NULL when DATA is not a CMYK output profile. New string. */
char *crpv_icc_description(const guint8 *data, size_t len);

/* Makes the print file from PDF (the RGB file Cairo wrote, with its page
 * boxes; not taken) of the N PAGES (scenes, for the white knock-out check)
 * under STYLE with the profile at ICC_PATH (NULL: the style's or the
 * default). INFO gives the metadata. Fills REPORT (cleared with
 * crpv_preflight_clear()). Returns the new file, or NULL with ERROR set
 * when Ghostscript or the profile fails. */
GByteArray *crpv_print_pdf(const char *name, const GByteArray *pdf, const crpv_scene *const *pages,
                           size_t n, const crpv_style *style, const char *icc_path,
                           const crpv_pdf_info *info, crpv_preflight *report, GError **error);

/* Runs the preflight on a finished print file alone (no scenes: the white
 * knock-out count stays 0). */
bool crpv_print_check(const char *name, const GByteArray *pdf, const crpv_style *style,
                      crpv_preflight *report, GError **error);

#endif
