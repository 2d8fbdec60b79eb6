/* The map's composition, inspected as data: frames, projections, fills,
 * markers and labels, on the shipped data and on a dense directory. */
#include "testutil.h"

#include <math.h>
#include <string.h>

#include "composite.h"
#include "mapfixture.h"

static size_t frame_index(const crpv_map *map, const char *code)
{
    for (size_t i = 0; i < crpv_map_frame_count(map); i++)
        if (strcmp(crpv_map_frame_code(map, i), code) == 0)
            return i;
    fail_msg("no frame %s", code);
    return 0;
}

static const crpv_item *find_item(const crpv_scene *sc, crpv_role role, const char *key,
                                  crpv_item_kind kind)
{
    for (size_t i = 0; i < crpv_scene_count(sc); i++) {
        const crpv_item *it = crpv_scene_nth(sc, i);
        if (it->role == role && it->kind == kind && g_strcmp0(it->key, key) == 0)
            return it;
    }
    return NULL;
}

static bool same_color(crpv_color a, crpv_color b)
{
    return a.r == b.r && a.g == b.g && a.b == b.b && a.a == b.a;
}

/* True when any outline vertex of the N shapes lies inside R. */
static bool rect_covers(crpv_rect r, const crpv_shape *shapes, size_t n)
{
    for (size_t i = 0; i < n; i++)
        for (size_t k = 0; k < shapes[i].n_rings; k++)
            for (size_t j = 0; j < shapes[i].rings[k].n; j++)
                if (crpv_rect_contains_point(r, shapes[i].rings[k].pts[j]))
                    return true;
    return false;
}

static void test_frames(void **state)
{
    (void)state;
    mapfix *f = mapfix_load();
    g_autoptr(GError) error = NULL;
    g_autoptr(crpv_map) map = crpv_map_compose(&f->in, 540, 0.2, &error);
    assert_non_null(map);
    assert_int_equal(crpv_map_frame_count(map), 7);
    const char *codes[] = {"metro", "01", "02", "03", "04", "06", "idf"};
    for (size_t i = 0; i < 7; i++)
        assert_string_equal(crpv_map_frame_code(map, i), codes[i]);

    size_t n_metro = 0;
    const crpv_shape *metro = crpv_map_frame_shapes(map, 0, &n_metro);
    assert_int_equal(n_metro, 13);
    for (size_t i = 1; i < 7; i++) {
        crpv_rect fi = crpv_map_frame_rect(map, i);
        /* Frames never cover metropolitan land, nor one another. */
        assert_false(rect_covers(fi, metro, n_metro));
        for (size_t j = i + 1; j < 7; j++)
            assert_false(crpv_rect_intersects(fi, crpv_map_frame_rect(map, j)));
        /* Each territory's outline falls inside its frame. */
        size_t n = 0;
        const crpv_shape *shapes = crpv_map_frame_shapes(map, i, &n);
        assert_true(n >= 1);
        for (size_t s = 0; s < n; s++)
            assert_true(crpv_rect_contains_rect(fi, crpv_shape_bbox(&shapes[s])));
    }
    size_t n_idf = 0;
    crpv_map_frame_shapes(map, frame_index(map, "idf"), &n_idf);
    assert_int_equal(n_idf, 8);
    mapfix_free(f);
}

static void test_projection_by_frame(void **state)
{
    (void)state;
    mapfix *f = mapfix_load();
    g_autoptr(crpv_map) map = crpv_map_compose(&f->in, 540, 0.2, NULL);
    assert_non_null(map);
    /* A city in each territory lands inside that territory's outline. */
    const struct {
        const char *frame;
        double lon, lat;
    } cities[] = {
        {"metro", 2.3522, 48.8566},  {"metro", 8.7369, 41.9192}, /* Paris, Ajaccio */
        {"01", -61.5331, 16.2411},   {"02", -61.0588, 14.6161},  /* Pointe-à-Pitre, Fort-de-France */
        {"03", -52.3135, 4.9224},    {"04", 55.4504, -20.8823},  /* Cayenne, Saint-Denis */
        {"06", 45.2279, -12.7806},   {"idf", 2.3522, 48.8566},   /* Mamoudzou, Paris */
    };
    for (size_t i = 0; i < G_N_ELEMENTS(cities); i++) {
        size_t fi = frame_index(map, cities[i].frame);
        crpv_point p;
        assert_true(crpv_map_locate(map, fi, cities[i].lon, cities[i].lat, &p));
        assert_true(crpv_rect_contains_point(crpv_map_frame_rect(map, fi), p));
        size_t n = 0;
        const crpv_shape *shapes = crpv_map_frame_shapes(map, fi, &n);
        double best = -1e9;
        for (size_t s = 0; s < n; s++)
            best = fmax(best, crpv_shape_signed_distance(&shapes[s], p));
        /* Coastal cities may sit a hair outside simplified coasts. */
        assert_true(best > -1.0);
    }
    mapfix_free(f);
}

static void test_fills_by_status(void **state)
{
    (void)state;
    mapfix *f = mapfix_load();
    g_autoptr(crpv_map) map = crpv_map_compose(&f->in, 540, 0.2, NULL);
    const crpv_scene *sc = crpv_map_scene(map);
    const crpv_style *st = f->style;
    const crpv_item *it = find_item(sc, CRPV_ROLE_REGION, "84", CRPV_ITEM_SHAPE);
    assert_non_null(it);
    assert_true(same_color(it->fill, st->primary));
    assert_non_null(it->uri);
    /* Served by RésO Villes, based in Nantes. */
    assert_true(same_color(find_item(sc, CRPV_ROLE_REGION, "52", CRPV_ITEM_SHAPE)->fill,
                           st->primary));
    assert_true(same_color(find_item(sc, CRPV_ROLE_REGION, "01", CRPV_ITEM_SHAPE)->fill,
                           st->secondary));
    assert_true(same_color(find_item(sc, CRPV_ROLE_REGION, "94", CRPV_ITEM_SHAPE)->fill,
                           st->neutral));
    const char *served[] = {"75", "93", "95", "91"};
    for (size_t i = 0; i < 4; i++)
        assert_true(same_color(
            find_item(sc, CRPV_ROLE_DEPARTEMENT, served[i], CRPV_ITEM_SHAPE)->fill, st->primary));
    assert_true(same_color(find_item(sc, CRPV_ROLE_DEPARTEMENT, "92", CRPV_ITEM_SHAPE)->fill,
                           st->neutral));
    bool credit = false;
    for (size_t i = 0; i < crpv_scene_count(sc); i++) {
        const crpv_item *c = crpv_scene_nth(sc, i);
        if (c->role == CRPV_ROLE_CREDIT && strstr(c->text, "Admin Express COG 2018"))
            credit = crpv_rect_contains_rect((crpv_rect){0, 0, 540, crpv_scene_height(sc)},
                                             c->box);
    }
    assert_true(credit);
    mapfix_free(f);
}

/* Every centre has one numbered marker, in the directory's order, inside
 * its frame and its territory; no label touches another label, a marker
 * or a frame it does not belong to. */
static void check_markers_and_labels(const mapfix *f, const crpv_map *map)
{
    const crpv_scene *sc = crpv_map_scene(map);
    size_t n = crpv_directory_count(f->directory), seen = 0;
    GArray *discs = g_array_new(FALSE, FALSE, sizeof(crpv_item));
    GArray *labels = g_array_new(FALSE, FALSE, sizeof(crpv_item));
    for (size_t i = 0; i < crpv_scene_count(sc); i++) {
        const crpv_item *it = crpv_scene_nth(sc, i);
        if (it->role == CRPV_ROLE_MARKER && it->kind == CRPV_ITEM_DISC) {
            const crpv_centre *c = crpv_directory_nth(f->directory, seen);
            assert_string_equal(it->key, c->id);
            g_autofree char *num = g_strdup_printf("%zu", seen + 1);
            assert_string_equal(it->text, num);
            assert_true(it->frame >= 0);
            crpv_rect fr = crpv_map_frame_rect(map, (size_t)it->frame);
            if (it->frame > 0)
                assert_true(crpv_rect_contains_point(fr, it->center));
            size_t ns = 0;
            const crpv_shape *shapes = crpv_map_frame_shapes(map, (size_t)it->frame, &ns);
            double best = -1e9;
            for (size_t s = 0; s < ns; s++)
                best = fmax(best, crpv_shape_signed_distance(&shapes[s], it->center));
            assert_true(best > -1.5);
            g_array_append_val(discs, *it);
            seen++;
        } else if (it->role == CRPV_ROLE_LABEL) {
            g_array_append_val(labels, *it);
        }
    }
    assert_int_equal(seen, n);
    for (guint a = 0; a < labels->len; a++) {
        const crpv_item *la = &g_array_index(labels, crpv_item, a);
        for (guint b = a + 1; b < labels->len; b++)
            assert_false(crpv_rect_intersects(la->box, g_array_index(labels, crpv_item, b).box));
        for (guint d = 0; d < discs->len; d++) {
            const crpv_item *di = &g_array_index(discs, crpv_item, d);
            assert_false(crpv_rect_intersects_disc(la->box, di->center, di->radius));
        }
        for (size_t fi = 1; fi < crpv_map_frame_count(map); fi++)
            if ((int)fi != la->frame)
                assert_false(crpv_rect_intersects(la->box, crpv_map_frame_rect(map, fi)));
        if (la->frame > 0)
            assert_true(
                crpv_rect_contains_rect(crpv_map_frame_rect(map, (size_t)la->frame), la->box));
    }
    g_array_free(discs, TRUE);
    g_array_free(labels, TRUE);
    assert_int_equal(crpv_map_get_stats(map).labels_unplaced, 0);
    assert_null(crpv_map_unplaced_label(map, 0));
}

static void test_markers_and_labels(void **state)
{
    (void)state;
    mapfix *f = mapfix_load();
    g_autoptr(crpv_map) map = crpv_map_compose(&f->in, 540, 0.2, NULL);
    check_markers_and_labels(f, map);
    mapfix_free(f);
}

static void test_dense_directory(void **state)
{
    (void)state;
    mapfix *base = mapfix_load();
    g_autofree char *csv = mapfix_synthetic_csv(base->regions, 60);
    mapfix_free(base);
    mapfix *f = mapfix_load_csv(csv);
    assert_int_equal(crpv_directory_count(f->directory), 60);
    g_autoptr(crpv_map) map = crpv_map_compose(&f->in, 540, 0.2, NULL);
    assert_non_null(map);
    check_markers_and_labels(f, map);
    mapfix_free(f);
}

static void test_simplification_scales(void **state)
{
    (void)state;
    mapfix *f = mapfix_load();
    g_autoptr(crpv_map) fine = crpv_map_compose(&f->in, 540, 0.05, NULL);
    g_autoptr(crpv_map) coarse = crpv_map_compose(&f->in, 540, 1.0, NULL);
    crpv_map_stats a = crpv_map_get_stats(fine), b = crpv_map_get_stats(coarse);
    assert_int_equal(a.vertices_in, b.vertices_in);
    assert_true(a.vertices_out < a.vertices_in);
    assert_true(b.vertices_out < a.vertices_out / 2);
    mapfix_free(f);
}

static void test_title_and_description(void **state)
{
    (void)state;
    mapfix *f = mapfix_load();
    g_autofree char *t = crpv_map_title(f->directory);
    g_autofree char *d = crpv_map_description(f->directory);
    assert_string_equal(t, "Carte des 20 centres de ressources Politique de la ville");
    assert_non_null(strstr(d, "20 centres"));
    assert_non_null(strstr(d, "Labo Cités"));
    mapfix_free(f);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_frames),
        cmocka_unit_test(test_projection_by_frame),
        cmocka_unit_test(test_fills_by_status),
        cmocka_unit_test(test_markers_and_labels),
        cmocka_unit_test(test_dense_directory),
        cmocka_unit_test(test_simplification_scales),
        cmocka_unit_test(test_title_and_description),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
