/* The brochure's prose: CommonMark read with cmark, turned into blocks of
 * Pango markup with French typography applied, and the directory's counts
 * filled into its placeholders. The only module that includes <cmark.h>. */
#ifndef CRPV_CONTENT_H
#define CRPV_CONTENT_H

#include <glib.h>
#include <stdbool.h>
#include "directory.h"
#include "typeset.h"

typedef enum {
    CRPV_BLOCK_HEADING,   /* LEVEL 1 (the title) to 3 */
    CRPV_BLOCK_PARAGRAPH,
    CRPV_BLOCK_LIST_ITEM, /* one item of a bullet or ordered list */
    CRPV_BLOCK_BREAK,     /* a thematic break (---): the layout starts a new part */
} crpv_block_kind;

/* A link inside a block: URI and the byte range of its visible text in
 * the block's PLAIN text. */
typedef struct {
    char *uri;
    size_t start, end;
} crpv_link;

/* One block of the prose. Strings owned by the content. */
typedef struct {
    crpv_block_kind kind;
    int level;          /* heading level; list nesting depth (1 = top) */
    bool boxed;         /* inside a block quote: the layout draws it as a box */
    char *markup;       /* Pango markup: <b>, <i>, links as a coloured <span> */
    char *plain;        /* exactly the text Pango gets from MARKUP, soft hyphens
                         * and joiners included, so that link ranges index it */
    char *title;        /* PLAIN without soft hyphens or joiners (bookmarks, tags) */
    crpv_link *links;   /* the block's links, in order */
    size_t n_links;
    int line;           /* the block's first line in the Markdown file */
} crpv_block;

typedef struct crpv_content crpv_content;

/* Parses the Markdown SOURCE (LEN bytes) read from FILENAME, fills the
 * placeholders from STATS: {{centres}}, {{actifs}}, {{prefiguration}},
 * {{outremer}} (centres), {{outremer_actifs}}, {{regions}} (regions with a
 * centre of any status), {{regions_actifs}}, {{regions_outremer}},
 * {{regions_outremer_actifs}}, and {{date}} (« 14 novembre 2023 », from
 * STATS->date, an error when it is 0); and applies French
 * typography (crpv_typo_french, crpv_typo_protect, and hyphenation when
 * HYPH is not NULL). Lines that are not UTF-8 are read as Windows-1252,
 * with a warning (crpv_content_warnings). An unknown placeholder, a NUL
 * byte, a byte no encoding reads, a source over CRPV_MAX_PROSE_BYTES
 * (textfile.h), markup nested deeper than 16 levels or a link whose
 * scheme is not http(s), mailto or tel is an error: ERROR holds one
 * "FILENAME:LINE: message" line per problem, in French. Returns a new
 * content freed with crpv_content_free(), or NULL with ERROR set. */
crpv_content *crpv_content_parse(const char *source, size_t len, const char *filename,
                                 const crpv_directory_stats *stats,
                                 const crpv_hyphenator *hyph, GError **error);
/* The same, reading the file at PATH; a file over the limit or not a
 * regular file is refused before it is read (CRPV_TEXTFILE_ERROR). */
crpv_content *crpv_content_load(const char *path, const crpv_directory_stats *stats,
                                const crpv_hyphenator *hyph, GError **error);
void crpv_content_free(crpv_content *content); /* NULL is fine */

size_t crpv_content_count(const crpv_content *content);
/* The file the content was read from (FILENAME of crpv_content_parse(), or
 * "<texte>"), for messages. Borrowed. */
const char *crpv_content_path(const crpv_content *content);
const crpv_block *crpv_content_nth(const crpv_content *content, size_t i); /* borrowed */
/* What reading found worth a word (lines decoded as Windows-1252):
 * "FILENAME:LINE: attention : ..." strings, borrowed. */
const GPtrArray *crpv_content_warnings(const crpv_content *content);

G_DEFINE_AUTOPTR_CLEANUP_FUNC(crpv_content, crpv_content_free)

/* UNIX_TIME as a French date, "1er mars 2024", "14 novembre 2023", with a
 * no-break space after the day, in UTC so that it does not depend on the
 * machine's time zone. Returns a new string (g_free), or NULL when the time
 * is out of range. */
char *crpv_french_date(gint64 unix_time);

#endif
