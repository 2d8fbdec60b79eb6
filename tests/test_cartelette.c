/* Real boundary files as French GIS users have them: CARTElette's
 * regions (COG 2018 in Lambert-93, COG 2019 in WGS 84) and départements
 * (COG 2019), with fields REG/DEP and nom, Windows-1252 names without
 * .cpg, and the overseas regions already moved next to the mainland
 * (tests/data/cartelette, gzipped). Each works with no option: names
 * right, overseas shapes in their true proportions, centres placed in
 * the moved territories, insets and legend clear of the land. */
#include "testutil.h"

#include <gio/gio.h>
#include <math.h>
#include <string.h>

#include "checks.h"
#include "composite.h"
#include "directory.h"
#include "fonts.h"
#include "geo.h"
#include "projection.h"
#include "style.h"

#define RUN(cwd, out, err, ...) \
    tu_run_crpv((cwd), (out), (err), (const char *const[]){__VA_ARGS__, NULL})

/* The overseas regions and the CRS of their insets. */
static const struct {
    const char *code, *crs;
} overseas[] = {
    {"01", "EPSG:5490"}, {"02", "EPSG:5490"}, {"03", "EPSG:2972"},
    {"04", "EPSG:2975"}, {"06", "EPSG:4471"},
};

static char *dir; /* the files unpacked */

/* Unpacks every .gz of tests/data/cartelette into DIR. */
static int unpack(void **state)
{
    (void)state;
    dir = tu_tmpdir();
    g_autofree char *src = tu_source_path("tests/data/cartelette");
    g_autoptr(GDir) d = g_dir_open(src, 0, NULL);
    assert_non_null(d);
    const char *name;
    while ((name = g_dir_read_name(d))) {
        if (!g_str_has_suffix(name, ".gz"))
            continue;
        g_autofree char *path = g_build_filename(src, name, NULL);
        g_autoptr(GFile) file = g_file_new_for_path(path);
        g_autoptr(GFileInputStream) raw = g_file_read(file, NULL, NULL);
        assert_non_null(raw);
        g_autoptr(GZlibDecompressor) z = g_zlib_decompressor_new(G_ZLIB_COMPRESSOR_FORMAT_GZIP);
        g_autoptr(GInputStream) in = g_converter_input_stream_new(G_INPUT_STREAM(raw),
                                                                  G_CONVERTER(z));
        g_autoptr(GByteArray) bytes = g_byte_array_new();
        guint8 buf[65536];
        gssize n;
        while ((n = g_input_stream_read(in, buf, sizeof buf, NULL, NULL)) > 0)
            g_byte_array_append(bytes, buf, (guint)n);
        assert_int_equal(n, 0);
        g_autofree char *plain = g_strndup(name, strlen(name) - 3);
        g_free(tu_write_file(dir, plain, (const char *)bytes->data, bytes->len));
    }
    return 0;
}

static int cleanup(void **state)
{
    (void)state;
    tu_rmtree(dir);
    g_clear_pointer(&dir, g_free);
    return 0;
}

static char *file(const char *name)
{
    return g_build_filename(dir, name, NULL);
}

static void assert_has(const char *haystack, const char *needle)
{
    if (!strstr(haystack, needle))
        fail_msg("« %s » not found in:\n%s", needle, haystack);
}

/* crpv map with nothing but the boundary files: exit 0, the names read
 * right (Windows-1252 without .cpg), no configuration asked for. */
static void run_map(const char *regions, const char *departements)
{
    g_autofree char *reg = file(regions);
    g_autofree char *dep = departements ? file(departements) : NULL;
    g_autofree char *out = g_build_filename(dir, "out", NULL);
    g_autofree char *stdout_text = NULL, *err = NULL;
    int rc = dep ? RUN(NULL, &stdout_text, &err, "map", "--format", "svg", "--regions", reg,
                       "--departements", dep, "--out", out)
                 : RUN(NULL, &stdout_text, &err, "map", "--format", "svg", "--regions", reg,
                       "--out", out);
    if (rc != 0)
        fail_msg("exit %d: %s", rc, err);
    print_message("%s", err);
    g_autofree char *moved = g_strdup_printf(
        "%s: attention : Guadeloupe, Martinique, Guyane, La Réunion, Mayotte déjà déplacées près "
        "de la métropole par le fichier ; dessinées là où il les place, sans encart",
        reg);
    assert_has(err, moved);
    /* The credit, from the file's name, said. */
    g_autofree char *credit = g_strdup_printf(
        "%s: attention : crédit déduit du nom du fichier : « Source : IGN, CARTElette (COG %.4s) »",
        reg, strchr(regions, '_') + 1);
    assert_has(err, credit);
    /* Their displacement was recognised: no centre left at a guess. */
    assert_null(strstr(err, "déplacement non reconnu"));
    assert_null(strstr(err, "[geo]"));
    assert_null(strstr(err, "hors du territoire"));
    g_autofree char *svg_path = g_build_filename(out, "carte.svg", NULL);
    g_autofree char *svg = NULL;
    assert_true(g_file_get_contents(svg_path, &svg, NULL, NULL));
    assert_has(svg, "<title>La Réunion\u00a0: ");
    assert_has(svg, "<title>Auvergne-Rhône-Alpes\u00a0: ");
    assert_has(svg, "<title>Bourgogne-Franche-Comté\u00a0: ");
    assert_has(svg, "<title>Provence-Alpes-Côte d’Azur\u00a0: ");
    assert_has(svg, "<title>Corse\u00a0: pas de centre de ressources</title>");
    assert_has(svg, "<title>Val-d’Oise\u00a0: ");
    assert_has(svg, "<title>Seine-Saint-Denis\u00a0: ");
    for (size_t i = 0; i < G_N_ELEMENTS(overseas); i++) {
        g_autofree char *id = g_strdup_printf("id=\"region-%s\"", overseas[i].code);
        assert_has(svg, id);
    }
    /* No Windows-1252 read as UTF-8 or the reverse. */
    g_autofree char *shown = g_strdup_printf("Source : IGN, CARTElette (COG %.4s)",
                                             strchr(regions, '_') + 1);
    assert_has(svg, shown);
    assert_null(strstr(svg, "Admin Express COG 2018"));
    assert_null(strstr(svg, "Ã"));
    assert_null(strstr(svg, "\xef\xbf\xbd"));
    tu_rmtree(out);
}

static void test_map_regions_2018_lambert93(void **state)
{
    (void)state;
    run_map("REG_2018_CARTElette.shp", NULL);
}

static void test_map_regions_2019_wgs84(void **state)
{
    (void)state;
    run_map("REG_2019_CARTElette.shp", NULL);
}

static void test_map_regions_departements_2019(void **state)
{
    (void)state;
    run_map("REG_2019_CARTElette.shp", "DEP_2019_CARTElette.shp");
}

/* The départements file with the shipped regions: the directory's
 * overseas centres are not refused for lying outside the moved outlines. */
static void test_check_departements_2019(void **state)
{
    (void)state;
    g_autofree char *dep = file("DEP_2019_CARTElette.shp");
    g_autofree char *out = NULL, *err = NULL;
    int rc = RUN(NULL, &out, &err, "check", "--departements", dep);
    if (rc != 0)
        fail_msg("exit %d: %s", rc, err);
    assert_has(err, "déjà déplacés près de la métropole par le fichier");
    assert_null(strstr(err, "hors du territoire"));
    assert_has(out, "Régions couvertes : 17 sur 18");
}

/* Codes and names as the files hold them, decoded from Windows-1252. */
static void test_codes_and_names(void **state)
{
    (void)state;
    const char *const regions[] = {"REG_2018_CARTElette.shp", "REG_2019_CARTElette.shp"};
    for (size_t i = 0; i < G_N_ELEMENTS(regions); i++) {
        g_autofree char *path = file(regions[i]);
        g_autoptr(GError) error = NULL;
        g_autoptr(GPtrArray) warnings = g_ptr_array_new_with_free_func(g_free);
        g_autoptr(crpv_layer) l = crpv_layer_load(path, NULL, NULL, warnings, &error);
        if (!l)
            fail_msg("%s", error->message);
        assert_int_equal(crpv_layer_count(l), 18);
        assert_string_equal(crpv_layer_find(l, "11")->nom, "Île-de-France");
        assert_string_equal(crpv_layer_find(l, "04")->nom, "La Réunion");
        assert_string_equal(crpv_layer_find(l, "27")->nom, "Bourgogne-Franche-Comté");
        assert_string_equal(crpv_layer_find(l, "93")->nom, "Provence-Alpes-Côte d'Azur");
        assert_string_equal(crpv_layer_find(l, "94")->nom, "Corse");
        /* The language driver says Windows-1252: nothing to warn of. */
        assert_int_equal(warnings->len, 0);
    }
    g_autofree char *path = file("DEP_2019_CARTElette.shp");
    g_autoptr(GError) error = NULL;
    g_autoptr(crpv_layer) d = crpv_layer_load(path, NULL, NULL, NULL, &error);
    if (!d)
        fail_msg("%s", error->message);
    assert_int_equal(crpv_layer_count(d), 101);
    assert_string_equal(crpv_layer_find(d, "07")->nom, "Ardèche");
    assert_string_equal(crpv_layer_find(d, "2A")->nom, "Corse-du-Sud");
    assert_string_equal(crpv_layer_find(d, "974")->nom, "La Réunion");
    assert_string_equal(crpv_layer_find(d, "95")->nom, "Val-d'Oise");
}

static double aspect(crpv_rect b)
{
    return crpv_rect_width(b) / crpv_rect_height(b);
}

/* Does any outline of SHAPE meet R, or R lie inside it? */
static bool shape_meets(const crpv_shape *shape, crpv_rect r)
{
    if (!crpv_rect_intersects(crpv_shape_bbox(shape), r))
        return false;
    if (crpv_shape_contains(shape, (crpv_point){r.x0, r.y0}))
        return true;
    for (size_t k = 0; k < shape->n_rings; k++)
        for (size_t j = 0; j < shape->rings[k].n; j++)
            if (crpv_rect_contains_point(r, shape->rings[k].pts[j]))
                return true;
    return false;
}

/* The map composed from REGIONS (and DEPARTEMENTS, or the shipped ones)
 * and the shipped directory, as crpv map makes it; its facts checked. */
static void compose_and_check(const char *regions, const char *departements)
{
    g_autofree char *reg_path = file(regions);
    g_autofree char *dep_path = departements ? file(departements)
                                             : tu_source_path("geo/departements-avec-outre-mer.shp");
    g_autofree char *truth_path = tu_source_path("geo/regions-avec-outre-mer.shp");
    g_autofree char *centres = tu_source_path("data/centres.csv");
    g_autoptr(GError) error = NULL;
    g_autoptr(crpv_layer) reg = crpv_layer_load(reg_path, NULL, NULL, NULL, &error);
    g_autoptr(crpv_layer) dep = crpv_layer_load(dep_path, NULL, NULL, NULL, &error);
    g_autoptr(crpv_layer) truth = crpv_layer_load(truth_path, NULL, NULL, NULL, &error);
    assert_non_null(reg);
    assert_non_null(dep);
    assert_non_null(truth);
    g_autoptr(crpv_style) style = crpv_style_new_default();
    g_autoptr(GPtrArray) warnings = g_ptr_array_new_with_free_func(g_free);
    crpv_check_boundaries(reg, dep, truth_path, style, warnings);
    assert_int_equal(style->n_insets, 1); /* Île-de-France's only */
    for (size_t i = 0; i < G_N_ELEMENTS(overseas); i++) {
        const crpv_feature *f = crpv_layer_find(reg, overseas[i].code);
        assert_true(f->moved);
        assert_non_null(f->carry);
        print_message("%s: moved by scale %.3f, offset %.3f, %.3f%s\n", f->code, f->carry->scale,
                      f->carry->offset.x, f->carry->offset.y, f->carry->metric ? " (m)" : "°");
    }
    g_autoptr(crpv_directory) directory =
        crpv_directory_read(centres, NULL, reg, dep, warnings, &error);
    if (!directory)
        fail_msg("%s", error->message);
    PangoContext *ctx = crpv_fonts_context_new("fonts", &error);
    assert_non_null(ctx);
    crpv_map_input in = {reg, dep, directory, style, ctx};
    g_autoptr(crpv_map) map = crpv_map_compose(&in, 540, 0.2, &error);
    if (!map)
        fail_msg("%s", error->message);
    const crpv_scene *sc = crpv_map_scene(map);
    assert_int_equal(crpv_map_frame_count(map), 2);
    assert_string_equal(crpv_map_frame_code(map, 1), "idf");
    crpv_rect idf = crpv_map_frame_rect(map, 1);

    /* The legend's box and the territories drawn on the mainland's frame. */
    crpv_rect legend = crpv_rect_empty();
    for (size_t i = 0; i < crpv_scene_count(sc); i++) {
        const crpv_item *it = crpv_scene_nth(sc, i);
        if (it->role == CRPV_ROLE_LEGEND)
            legend = crpv_rect_union(legend, it->box);
    }
    assert_false(crpv_rect_is_empty(legend));
    assert_false(crpv_rect_intersects(legend, idf));
    size_t n_overseas = 0, n_markers = 0;
    crpv_rect moved = crpv_rect_empty();
    for (size_t i = 0; i < crpv_scene_count(sc); i++) {
        const crpv_item *it = crpv_scene_nth(sc, i);
        if (it->kind != CRPV_ITEM_SHAPE || it->frame != 0 ||
            (it->role != CRPV_ROLE_REGION && it->role != CRPV_ROLE_DEPARTEMENT))
            continue;
        /* Nothing of the land under the inset or the legend. */
        if (shape_meets(&it->shape, idf) || shape_meets(&it->shape, legend))
            fail_msg("%s covered by the Île-de-France inset or the legend", it->key);
        int o = -1;
        for (size_t k = 0; k < G_N_ELEMENTS(overseas); k++)
            if (it->role == CRPV_ROLE_REGION && strcmp(overseas[k].code, it->key) == 0)
                o = (int)k;
        if (o < 0)
            continue;
        n_overseas++;
        moved = crpv_rect_union(moved, crpv_shape_bbox(&it->shape));
        /* In its true proportions: its box's as the shipped outline's in
         * its own projection (the map flips y, which keeps the ratio). */
        crpv_shape s = crpv_shape_copy(&crpv_layer_find(truth, it->key)->shape);
        g_autoptr(crpv_projection) p = crpv_projection_new("EPSG:4326", overseas[o].crs, &error);
        assert_true(crpv_projection_apply_shape(p, &s, &error));
        double want = aspect(crpv_shape_bbox(&s)), got = aspect(crpv_shape_bbox(&it->shape));
        print_message("%s: aspect %.3f, on the map %.3f\n", it->key, want, got);
        assert_double_near(got, want, 0.04 * want);
        crpv_shape_clear(&s);
        /* Its centres' markers inside it, at their cities. */
        for (size_t m = 0; m < crpv_scene_count(sc); m++) {
            const crpv_item *mk = crpv_scene_nth(sc, m);
            if (mk->role != CRPV_ROLE_MARKER || mk->kind != CRPV_ITEM_DISC)
                continue;
            const crpv_centre *c = NULL;
            for (size_t d = 0; d < crpv_directory_count(directory); d++)
                if (strcmp(crpv_directory_nth(directory, d)->id, mk->key) == 0)
                    c = crpv_directory_nth(directory, d);
            if (!c || !crpv_centre_serves_region(c, it->key))
                continue;
            n_markers++;
            print_message("  centre %s at %.1f, %.1f\n", c->id, mk->center.x, mk->center.y);
            /* A coastal city may sit a little off the simplified coast. */
            assert_true(crpv_shape_contains(&it->shape, mk->center) ||
                        crpv_shape_near(&it->shape, mk->center, 1.5));
        }
    }
    assert_int_equal(n_overseas, 5);
    assert_int_equal(n_markers, 5);
    /* Moved at scales of their own, they are said to be, next to them:
     * the note right under (or over) their row. */
    size_t notes = 0;
    for (size_t m = 0; m < crpv_scene_count(sc); m++) {
        const crpv_item *t = crpv_scene_nth(sc, m);
        if (t->role != CRPV_ROLE_NOTE || strcmp(t->text, "Échelles différentes") != 0)
            continue;
        notes++;
        assert_true(t->box.x0 >= moved.x0 - 1e-6 && t->box.x1 <= moved.x1);
        assert_true((t->box.y0 >= moved.y1 && t->box.y0 <= moved.y1 + 6) ||
                    (t->box.y1 <= moved.y0 && t->box.y1 >= moved.y0 - 6));
    }
    assert_int_equal(notes, 1);
    g_object_unref(ctx);
}

static void test_composed_2018(void **state)
{
    (void)state;
    compose_and_check("REG_2018_CARTElette.shp", NULL);
}

static void test_composed_2019(void **state)
{
    (void)state;
    compose_and_check("REG_2019_CARTElette.shp", "DEP_2019_CARTElette.shp");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_codes_and_names),
        cmocka_unit_test(test_composed_2018),
        cmocka_unit_test(test_composed_2019),
        cmocka_unit_test(test_map_regions_2018_lambert93),
        cmocka_unit_test(test_map_regions_2019_wgs84),
        cmocka_unit_test(test_map_regions_departements_2019),
        cmocka_unit_test(test_check_departements_2019),
    };
    return cmocka_run_group_tests(tests, unpack, cleanup);
}
