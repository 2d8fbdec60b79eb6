#include "alttext.h"

#include <string.h>

#include "typeset.h"

/* One territory as the map labels it: a region or a centre's own
 * territory (« Bretagne-Pays de la Loire »), with the départements its
 * centres serve. */
typedef struct {
    char *name;           /* typographed */
    char *key;            /* sort key of NAME */
    GPtrArray *parts;     /* of typographed département territories, owned */
    size_t centres, prefiguration;
} territory;

static int by_key(const void *a, const void *b)
{
    return strcmp(((const territory *)a)->key, ((const territory *)b)->key);
}

/* The name of region CODE in REGIONS (NULL: the code). Borrowed. */
static const char *region_name(const crpv_layer *regions, const char *code)
{
    for (size_t i = 0; regions && i < crpv_layer_count(regions); i++)
        if (!strcmp(crpv_layer_nth(regions, i)->code, code))
            return crpv_layer_nth(regions, i)->nom;
    return code;
}

static territory *find_or_add(GArray *list, const char *name)
{
    g_autofree char *typo = crpv_typo_french(name);
    for (guint i = 0; i < list->len; i++)
        if (!strcmp(g_array_index(list, territory, i).name, typo))
            return &g_array_index(list, territory, i);
    territory t = {g_steal_pointer(&typo), NULL, g_ptr_array_new_with_free_func(g_free), 0, 0};
    /* Sorted as French readers expect whatever the locale: « Île-de-France »
     * among the I. */
    g_autofree char *ascii = g_str_to_ascii(t.name, "C");
    t.key = g_ascii_strdown(ascii, -1);
    g_array_append_val(list, t);
    return &g_array_index(list, territory, list->len - 1);
}

char *crpv_map_alt_text(const crpv_directory *dir, const crpv_layer *regions)
{
    crpv_directory_stats st = crpv_directory_get_stats(dir);
    GArray *list = g_array_new(FALSE, FALSE, sizeof(territory));
    for (size_t c = 0; c < crpv_directory_count(dir); c++) {
        const crpv_centre *ce = crpv_directory_nth(dir, c);
        /* A département's centre counts under its region, named. */
        territory *t = find_or_add(list, ce->departement ? region_name(regions, ce->regions[0])
                                                         : ce->territoire);
        if (ce->departement) {
            g_autofree char *part = crpv_typo_french(ce->territoire);
            bool seen = false;
            for (guint k = 0; k < t->parts->len; k++)
                seen |= !strcmp(g_ptr_array_index(t->parts, k), part);
            if (!seen)
                g_ptr_array_add(t->parts, g_steal_pointer(&part));
        }
        t->centres++;
        t->prefiguration += ce->statut == CRPV_STATUT_PREFIGURATION;
    }
    g_array_sort(list, by_key);
    GString *s = g_string_new(NULL);
    g_string_append_printf(s,
                           "Carte de France, métropole et outre-mer, des %zu centres de ressources "
                           "Politique de la ville, dont %zu en préfiguration. Territoires "
                           "servis : ",
                           st.centres, st.prefiguration);
    for (guint i = 0; i < list->len; i++) {
        territory *t = &g_array_index(list, territory, i);
        g_string_append(s, t->name);
        if (t->parts->len) {
            g_string_append(s, " (");
            for (guint k = 0; k < t->parts->len; k++)
                g_string_append_printf(s, "%s%s", k ? ", " : "",
                                       (char *)g_ptr_array_index(t->parts, k));
            g_string_append(s, ")");
        } else if (t->centres > 1) {
            g_string_append_printf(s, " (%zu centres)", t->centres);
        }
        if (t->prefiguration == t->centres)
            g_string_append(s, " (en préfiguration)");
        g_string_append(s, i + 1 < list->len ? " ; " : ".");
    }
    /* The regions no centre serves. */
    size_t without = 0;
    for (size_t i = 0; regions && i < crpv_layer_count(regions); i++) {
        const crpv_feature *f = crpv_layer_nth(regions, i);
        bool served = false;
        for (size_t c = 0; c < crpv_directory_count(dir) && !served; c++)
            served = crpv_centre_serves_region(crpv_directory_nth(dir, c), f->code);
        if (served)
            continue;
        g_autofree char *name = crpv_typo_french(f->nom);
        g_string_append_printf(s, "%s%s", without++ ? ", " : " Sans centre : ", name);
    }
    if (without)
        g_string_append_c(s, '.');
    for (guint i = 0; i < list->len; i++) {
        territory *t = &g_array_index(list, territory, i);
        g_free(t->name);
        g_free(t->key);
        g_ptr_array_unref(t->parts);
    }
    g_array_free(list, TRUE);
    return g_string_free(s, FALSE);
}
