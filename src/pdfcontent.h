/* PDF content streams read operator by operator: what the print and
 * accessibility passes need to recolour paths and text, measure text and
 * count what is tagged, without a full PDF interpreter. */
#ifndef CRPV_PDFCONTENT_H
#define CRPV_PDFCONTENT_H

#include <glib.h>
#include <stdbool.h>
#include <stddef.h>

typedef enum {
    CRPV_PDF_NUMBER,
    CRPV_PDF_NAME,    /* "/F1": TEXT starts at the slash */
    CRPV_PDF_STRING,  /* "(...)" or "<...>", delimiters included */
    CRPV_PDF_OTHER,   /* "[", "]", "<<", ">>", true, false, null */
} crpv_pdf_token_kind;

typedef struct {
    crpv_pdf_token_kind kind;
    const char *text; /* into the stream: not NUL-terminated */
    size_t len;
    double number;    /* CRPV_PDF_NUMBER */
} crpv_pdf_token;

/* One operator and the operands before it. Everything is borrowed from the
 * stream and valid during the callback only. */
typedef struct {
    const char *name; /* "rg", "Tj", "BDC"... not NUL-terminated */
    size_t name_len;
    const crpv_pdf_token *operands;
    size_t n_operands;
    size_t start, end; /* byte span from the first operand to the operator's end */
} crpv_pdf_op;

/* Called for each operator; returns a replacement for the span
 * [START, END) (g_malloc'd, taken) or NULL to keep it. */
typedef char *(*crpv_pdf_op_fn)(void *user, const crpv_pdf_op *op);

/* Scans the LEN bytes of a content stream and calls FN for each operator.
 * Returns the stream with the replacements made (g_string_free), always:
 * a malformed stream is scanned as far as it makes sense and the rest is
 * copied unchanged. Inline images are skipped whole. */
GString *crpv_pdf_content_scan(const char *data, size_t len, crpv_pdf_op_fn fn, void *user);

/* True when OP's name is NAME. */
bool crpv_pdf_op_is(const crpv_pdf_op *op, const char *name);

#endif
