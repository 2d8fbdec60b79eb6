/* Fuzz target: reading an ICC profile's description. */
#include <stddef.h>
#include <stdint.h>

#include "printpdf.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    g_free(crpv_icc_description(data, size));
    return 0;
}
