#include "mapfixture.h"

#include <string.h>

#include "fonts.h"
#include "testutil.h"

static mapfix *load(const char *csv)
{
    mapfix *f = g_new0(mapfix, 1);
    GError *error = NULL;
    f->regions = crpv_layer_load("geo/regions-avec-outre-mer.shp", "code", "nom", NULL, &error);
    if (!f->regions)
        fail_msg("%s", error->message);
    f->departements =
        crpv_layer_load("geo/departements-avec-outre-mer.shp", "code", "nom", NULL, &error);
    if (!f->departements)
        fail_msg("%s", error->message);
    f->directory = csv ? crpv_directory_parse(csv, strlen(csv), "synthetique.csv", f->regions,
                                              f->departements, NULL, &error)
                       : crpv_directory_load("data/centres.csv", f->regions, f->departements,
                                             NULL, &error);
    if (!f->directory)
        fail_msg("%s", error->message);
    f->style = crpv_style_new_default();
    f->ctx = crpv_fonts_context_new("fonts", &error);
    if (!f->ctx)
        fail_msg("%s", error->message);
    f->in = (crpv_map_input){f->regions, f->departements, f->directory, f->style, f->ctx};
    return f;
}

mapfix *mapfix_load(void)
{
    return load(NULL);
}

mapfix *mapfix_load_csv(const char *csv)
{
    return load(csv);
}

void mapfix_free(mapfix *f)
{
    if (!f)
        return;
    crpv_layer_free(f->regions);
    crpv_layer_free(f->departements);
    crpv_directory_free(f->directory);
    crpv_style_free(f->style);
    g_object_unref(f->ctx);
    g_free(f);
}

char *mapfix_synthetic_csv(const crpv_layer *regions, size_t n)
{
    static const char *const metro[] = {"84", "27", "53", "24", "44", "32",
                                        "28", "75", "76", "52", "93", "94"};
    GString *s = g_string_new("id,nom,territoire,regions,telephone,site,lon,lat,statut\n");
    GRand *rand = g_rand_new_with_seed(20261125);
    for (size_t i = 0; i < n; i++) {
        const char *code = metro[i % G_N_ELEMENTS(metro)];
        const crpv_feature *f = crpv_layer_find(regions, code);
        crpv_point p;
        do {
            p.x = g_rand_double_range(rand, f->bbox.x0, f->bbox.x1);
            p.y = g_rand_double_range(rand, f->bbox.y0, f->bbox.y1);
        } while (crpv_shape_signed_distance(&f->shape, p) < 0.1);
        g_string_append_printf(s,
                               "centre-%zu,Centre numéro %zu,%s %zu,%s,01 02 03 04 %02zu,"
                               "www.centre-%zu.fr,%.4f,%.4f,actif\n",
                               i + 1, i + 1, f->nom, i + 1, code, i % 100, i + 1, p.x, p.y);
    }
    g_rand_free(rand);
    return g_string_free(s, FALSE);
}
