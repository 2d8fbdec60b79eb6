/* Fuzz target: the credit line found in a boundary folder's README, on
 * arbitrary bytes. */
#include <glib.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "geo.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *credit = crpv_geo_credit_in_text((const char *)data, size);
    /* A credit is printed on the map: valid UTF-8 and one line. */
    if (credit && (!g_utf8_validate(credit, -1, NULL) || strchr(credit, '\n')))
        abort();
    g_free(credit);
    return 0;
}
