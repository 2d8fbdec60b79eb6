/* Subsets of the project's fonts, for a web SVG that must look the same on
 * a machine that lacks them: only the glyphs its texts use, through
 * HarfBuzz's subsetter. */
#ifndef CRPV_FONTEMBED_H
#define CRPV_FONTEMBED_H

#include <glib.h>
#include <pango/pango.h>

/* A TrueType font holding the glyphs of the characters in TEXT (UTF-8) in
 * the face that CTX chooses for DESC, with what shaping them needs
 * (kerning, ligatures), without hinting. The same inputs give the same
 * bytes. Returns new bytes (g_bytes_unref), or NULL when the face cannot
 * be loaded or subset. */
GBytes *crpv_fontembed_subset(PangoContext *ctx, const PangoFontDescription *desc,
                              const char *text);

#endif
