#include "alttext.h"

#include <string.h>

typedef struct {
    const char *code, *name;
    char *key; /* collation key of the name */
} region;

static int by_name(const void *a, const void *b)
{
    return strcmp(((const region *)a)->key, ((const region *)b)->key);
}

char *crpv_map_alt_text(const crpv_directory *dir, const crpv_layer *regions)
{
    crpv_directory_stats st = crpv_directory_get_stats(dir);
    GArray *list = g_array_new(FALSE, FALSE, sizeof(region));
    if (regions) {
        for (size_t i = 0; i < crpv_layer_count(regions); i++) {
            const crpv_feature *f = crpv_layer_nth(regions, i);
            region r = {f->code, f->nom, g_utf8_collate_key(f->nom, -1)};
            g_array_append_val(list, r);
        }
    } else {
        /* Without the boundaries, the codes the directory names. */
        GHashTable *seen = g_hash_table_new(g_str_hash, g_str_equal);
        for (size_t c = 0; c < crpv_directory_count(dir); c++)
            for (char **code = crpv_directory_nth(dir, c)->regions; *code; code++)
                if (g_hash_table_add(seen, *code)) {
                    region r = {*code, *code, g_strdup(*code)};
                    g_array_append_val(list, r);
                }
        g_hash_table_destroy(seen);
    }
    g_array_sort(list, by_name);
    GString *s = g_string_new(NULL);
    g_string_append_printf(s,
                           "Carte de France, métropole et outre-mer, des %zu centres de ressources "
                           "Politique de la ville, dont %zu en préfiguration, par région. ",
                           st.centres, st.prefiguration);
    for (guint i = 0; i < list->len; i++) {
        const region *r = &g_array_index(list, region, i);
        g_string_append_printf(s, "%s : ", r->name);
        size_t n = 0;
        for (size_t c = 0; c < crpv_directory_count(dir); c++) {
            const crpv_centre *ce = crpv_directory_nth(dir, c);
            if (!crpv_centre_serves_region(ce, r->code))
                continue;
            g_string_append_printf(s, "%s%s", n++ ? ", " : "", ce->nom);
            if (ce->ville)
                g_string_append_printf(s, " (%s%s)", ce->ville,
                                       ce->statut == CRPV_STATUT_PREFIGURATION
                                           ? ", en préfiguration"
                                           : "");
            else if (ce->statut == CRPV_STATUT_PREFIGURATION)
                g_string_append(s, " (en préfiguration)");
        }
        if (!n)
            g_string_append(s, "aucun centre");
        g_string_append(s, i + 1 < list->len ? " ; " : ".");
        g_free(r->key);
    }
    g_array_free(list, TRUE);
    return g_string_free(s, FALSE);
}
