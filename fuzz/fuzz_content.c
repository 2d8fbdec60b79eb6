/* Fuzz target: the Markdown prose parser, with every placeholder known and
 * no hyphenator (the dictionary is a file the fuzzer need not have). */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "content.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const crpv_directory_stats stats = {20, 19, 1, 5, 17, 5, 4, 16, 4, 1700000000};
    GError *error = NULL;
    crpv_content *content =
        crpv_content_parse((const char *)data, size, "fuzz.md", &stats, NULL, &error);
    if (content) {
        /* Walk every block, as the layout would. */
        for (size_t i = 0; i < crpv_content_count(content); i++) {
            const crpv_block *b = crpv_content_nth(content, i);
            for (size_t k = 0; k < b->n_links; k++)
                if (b->links[k].start > b->links[k].end || b->links[k].end > strlen(b->plain))
                    __builtin_trap();
        }
    }
    crpv_content_free(content);
    g_clear_error(&error);
    return 0;
}
