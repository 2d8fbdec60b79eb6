/* The project's own fonts, loaded through Fontconfig from a folder, so that
 * no font installed on the machine is ever used. */
#ifndef CRPV_FONTS_H
#define CRPV_FONTS_H

#include <glib.h>
#include <pango/pango.h>

/* A Pango context that sees only the fonts in DIR (TrueType or OpenType
 * files), laid out at 72 dpi (one unit = one point) without hinting, so that
 * text measures the same on every surface. Returns a new reference
 * (g_object_unref), or NULL with ERROR set (G_FILE_ERROR) when DIR holds no
 * usable font or a font file that does not load whole. */
PangoContext *crpv_fonts_context_new(const char *dir, GError **error);

/* The family name of the fonts in DIR's context ("Lato"). Borrowed. */
const char *crpv_fonts_family(PangoContext *ctx);

/* The first character of TEXT (UTF-8) that the context's fonts cannot
 * draw (it would print as a box: Arabic, Chinese, emoji in Lato), or 0
 * when they draw them all. */
gunichar crpv_fonts_first_missing(PangoContext *ctx, const char *text);

#endif
