/* Fuzz target: the content stream scanner and the page checks on
 * arbitrary bytes. */
#include <stddef.h>
#include <stdint.h>

#include "pdfcheck.h"
#include "pdfcontent.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static char *replace_colours(void *user, const crpv_pdf_op *op)
{
    (void)user;
    return crpv_pdf_op_is(op, "rg") ? g_strdup("0 0 0 1 k") : NULL;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    GString *out = crpv_pdf_content_scan((const char *)data, size, replace_colours, NULL);
    g_string_free(out, TRUE);
    crpv_pdf_check_page((const char *)data, size);
    return 0;
}
