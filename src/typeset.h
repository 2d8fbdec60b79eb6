/* French typography and text layout: the rules French print follows
 * (non-breaking spaces, apostrophes, hyphenation with libhyphen's French
 * dictionary, no break inside a phone number or an address) and the Pango
 * layout of a text box. The only module that includes <hyphen.h>. */
#ifndef CRPV_TYPESET_H
#define CRPV_TYPESET_H

#include <glib.h>
#include <pango/pango.h>
#include <stdbool.h>

/* Plain UTF-8 TEXT with French punctuation spacing: a narrow no-break
 * space (U+202F) before ; ! ? and inside « », a no-break space (U+00A0)
 * before : and between a number and % (replacing any ordinary space
 * there), typographic apostrophe (’) for ', « » for straight double
 * quotes, … for "...", an en dash for a hyphen between spaces.
 * Returns a new string (g_free). */
char *crpv_typo_french(const char *text);

/* TEXT with every space inside a phone number replaced by U+00A0 and word
 * joiners (U+2060) after the characters where Pango would break a URL or
 * an e-mail address (/ . - @ _), so that they never split across lines.
 * Returns a new string (g_free). */
char *crpv_typo_protect(const char *text);

typedef struct crpv_hyphenator crpv_hyphenator;

/* Loads the libhyphen dictionary at PATH (hyph_fr.dic). Returns a new
 * hyphenator freed with crpv_hyphenator_free(), or NULL with ERROR set. */
crpv_hyphenator *crpv_hyphenator_load(const char *path, GError **error);
void crpv_hyphenator_free(crpv_hyphenator *hyph); /* NULL is fine */
/* TEXT with soft hyphens (U+00AD) at the points where the dictionary allows
 * a break, in words of at least 6 letters, never within 2 letters of a word's
 * ends nor inside URLs, e-mail addresses or numbers. Returns a new string
 * (g_free). */
char *crpv_hyphenate(const crpv_hyphenator *hyph, const char *text);

/* The default French dictionary path on Debian. */
#define CRPV_HYPHEN_FR_DEFAULT "/usr/share/hyphen/hyph_fr.dic"

/* A layout of MARKUP (Pango markup) in FONT (a Pango font description) in
 * CTX, wrapped to WIDTH points (<= 0: no wrapping), aligned by ALIGN
 * (0 left, 1 centre, 2 right) and justified when JUSTIFY. LINE_HEIGHT is a
 * factor of the font size (0: the font's own). Returns a new reference
 * (g_object_unref). Both the layout stages (to measure) and the renderer
 * (to draw) use it, so what is measured is what is drawn. */
PangoLayout *crpv_text_layout_new(PangoContext *ctx, const char *font, const char *markup,
                                  double width, int align, bool justify, double line_height);
/* The same layout, shaped once per distinct set of arguments and CTX: a
 * cache held by CTX (a context is used by one thread at a time, so is its
 * cache) keeps it for the next caller. Returns a new reference
 * (g_object_unref) to a layout others share: read and draw it, never
 * change it. The cache holds at most CRPV_LAYOUT_CACHE_MAX layouts and
 * starts again empty past that, so that memory stays bounded. */
PangoLayout *crpv_text_layout_shared(PangoContext *ctx, const char *font, const char *markup,
                                     double width, int align, bool justify, double line_height);
#define CRPV_LAYOUT_CACHE_MAX 4096
/* Layouts shaped and layouts found in the cache by the calling thread
 * (for tests and benchmarks). */
void crpv_text_cache_counts(size_t *shaped, size_t *found);
/* The logical size of that layout, in points (from the cache). */
void crpv_text_size(PangoContext *ctx, const char *font, const char *markup, double width,
                    bool justify, double line_height, double *out_width, double *out_height);

/* Pango markup of plain TEXT (a name) that lets lines break only between
 * its phrases: never after an article or a preposition, nor before « de »
 * (« centre de ressources / politique de la ville »). Returns a new
 * string (g_free); its text is TEXT's. */
char *crpv_markup_phrases(const char *text);

/* MARKUP with a line break written where LAYOUT, laid out from it, wraps
 * a line by itself: the same lines, but the space at the break is now
 * drawn, so that the PDF's text keeps the words apart (« Ville et », not
 * « Villeet »). New string (g_free). */
char *crpv_markup_explicit_breaks(PangoLayout *layout, const char *markup);

/* MARKUP-escaped copy of plain TEXT (g_free). */
char *crpv_markup_escape(const char *text);

G_DEFINE_AUTOPTR_CLEANUP_FUNC(crpv_hyphenator, crpv_hyphenator_free)

#endif
