/* Finishing PDFs through qpdf's object API: what Cairo 1.16 cannot write
 * (page boxes, /Lang, viewer preferences, XMP metadata, alternative texts,
 * link descriptions, the PDF/X output intent) is added to the finished
 * file as objects, never by editing its bytes. */
#ifndef CRPV_PDFPOST_H
#define CRPV_PDFPOST_H

#include <glib.h>
#include <stdbool.h>
#include <stddef.h>
#include <time.h>
#include "geometry.h"
#include "pdfcontent.h"

typedef struct crpv_pdfdoc crpv_pdfdoc;

/* Opens the LEN bytes of a PDF at DATA (copied). NAME is for messages.
 * NULL with ERROR set (G_FILE_ERROR) when qpdf cannot read it. */
crpv_pdfdoc *crpv_pdfdoc_open(const void *data, size_t len, const char *name, GError **error);
void crpv_pdfdoc_free(crpv_pdfdoc *doc); /* NULL is fine */
G_DEFINE_AUTOPTR_CLEANUP_FUNC(crpv_pdfdoc, crpv_pdfdoc_free)

size_t crpv_pdfdoc_page_count(crpv_pdfdoc *doc);

/* Page I's TrimBox and BleedBox, in PDF units (origin bottom-left). */
void crpv_pdfdoc_set_boxes(crpv_pdfdoc *doc, size_t i, crpv_rect trim, crpv_rect bleed);
/* False when page I lacks either box. */
bool crpv_pdfdoc_get_boxes(crpv_pdfdoc *doc, size_t i, crpv_rect *trim, crpv_rect *bleed);

/* The document's metadata; strings borrowed for the call. Written into the
 * Info dictionary and the XMP stream (dates as DATE, in UTC). */
typedef struct {
    const char *title, *subject, *author, *keywords, *creator;
    time_t date;
} crpv_pdfdoc_meta;
void crpv_pdfdoc_set_meta(crpv_pdfdoc *doc, const crpv_pdfdoc_meta *meta);

/* Names NAME (« Labo Cités ») as where links to URI lead, for their
 * annotations' /Contents (crpv_pdfdoc_make_accessible); the first name
 * given for a URI holds. Strings copied. */
void crpv_pdfdoc_name_link(crpv_pdfdoc *doc, const char *uri, const char *name);

/* What a reader needs (QUALITY.md, accessible PDF): /Lang LANG, the title
 * displayed, one Document root in the structure tree, /Alt FIGURE_ALT on
 * each Figure that has none (NULL: left alone), /Contents on each link
 * annotation (from its URI, in French), /Tabs /S on pages with links. */
void crpv_pdfdoc_make_accessible(crpv_pdfdoc *doc, const char *lang, const char *figure_alt);

/* Content outside any marked-content sequence: with FIGURE (a document
 * that is one figure, the map alone), added to its Figure element; else
 * paths and fills marked as artifacts, text left as it is. */
void crpv_pdfdoc_mark_untagged(crpv_pdfdoc *doc, bool figure);

/* Passes every content stream (pages, form XObjects) through
 * crpv_pdf_content_scan() with FN, replacing each with the result. */
void crpv_pdfdoc_rewrite_content(crpv_pdfdoc *doc, crpv_pdf_op_fn fn, void *user);
/* The same, calling BEGIN (when not NULL) before each stream, so that FN
 * starts each with a fresh graphics state. */
void crpv_pdfdoc_rewrite_streams(crpv_pdfdoc *doc, void (*begin)(void *user), crpv_pdf_op_fn fn,
                                 void *user);
/* Adds the ExtGState DICT (PDF syntax, "<< /OP true >>") as NAME ("/X")
 * to the resources of every page and form XObject. */
void crpv_pdfdoc_add_ext_gstate(crpv_pdfdoc *doc, const char *name, const char *dict);
/* Page I's content, decoded and concatenated (g_byte_array_free). */
GByteArray *crpv_pdfdoc_page_content(crpv_pdfdoc *doc, size_t i);

/* Makes the file print-ready PDF/X-4: an output intent GTS_PDFX with the
 * ICC profile ICC (LEN bytes, copied) described (/Info) as DESCRIPTION,
 * for the registered condition CONDITION ("FOGRA39", with the ICC registry)
 * or, when NULL or "Custom", a custom one with no registry, the PDF/X
 * version in Info and XMP,
 * /Trapped /False; annotations, which PDF/X forbids over the printed area,
 * and the structure tree, which gs drops anyway, are removed. */
void crpv_pdfdoc_make_pdfx(crpv_pdfdoc *doc, const void *icc, size_t len, const char *description,
                           const char *condition);

/* Facts read back for checks. */
typedef struct {
    size_t fonts, fonts_embedded;
    bool output_intent_pdfx; /* /OutputIntents holds a GTS_PDFX intent with a profile */
    bool lang, display_doc_title, xmp, tagged;
    size_t document_roots;   /* Document elements at the top of the structure tree */
    size_t figures, figures_with_alt;
    size_t links, links_with_contents, links_in_link_elements;
    size_t pages_with_links, pages_with_tabs;
} crpv_pdfdoc_facts;
crpv_pdfdoc_facts crpv_pdfdoc_get_facts(crpv_pdfdoc *doc);

/* The file, with an /ID computed from its content so that the same input
 * gives the same bytes. NULL with ERROR set on failure. */
GByteArray *crpv_pdfdoc_write(crpv_pdfdoc *doc, GError **error);

#endif
