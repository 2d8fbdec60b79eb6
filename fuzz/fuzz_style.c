/* Fuzz target: the style file parser on arbitrary bytes. */
#include <stddef.h>
#include <stdint.h>

#include "style.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    GError *error = NULL;
    crpv_style *s = crpv_style_parse((const char *)data, size, "fuzz.ini", &error);
    crpv_style_free(s);
    g_clear_error(&error);
    return 0;
}
