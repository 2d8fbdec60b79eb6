/* Fuzz target: the directory's parser and validation on any bytes,
 * without boundary layers. */
#include <stddef.h>
#include <stdint.h>

#include "directory.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    GError *error = NULL;
    GPtrArray *warnings = g_ptr_array_new_with_free_func(g_free);
    crpv_directory *dir =
        crpv_directory_parse((const char *)data, size, "fuzz.csv", NULL, NULL, warnings, &error);
    if (dir) {
        for (size_t i = 0; i < crpv_directory_count(dir); i++) {
            const crpv_centre *c = crpv_directory_nth(dir, i);
            if (!c->id || !c->nom || !c->territoire || !c->regions || !c->regions[0] ||
                !c->telephones || (c->site && !c->site_label))
                __builtin_trap();
        }
        (void)crpv_directory_get_stats(dir);
        crpv_directory_free(dir);
    } else {
        g_error_free(error);
    }
    g_ptr_array_unref(warnings);
    return 0;
}
