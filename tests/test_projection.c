/* Tests of the projection module: known cities land where PROJ's own cs2cs
 * puts them (expected values from `cs2cs -d 3 EPSG:4326 EPSG:XXXX`), axis
 * order, batches, shapes, errors. */
#include "testutil.h"

#include <string.h>

#include <math.h>

#include "projection.h"

typedef struct {
    const char *city;
    const char *crs;
    double lon, lat;
    double x, y;
} known_point;

static const known_point known[] = {
    {"Paris", "EPSG:2154", 2.3522, 48.8566, 652469.023, 6862035.259},
    {"Pointe-à-Pitre", "EPSG:5490", -61.5331, 16.2411, 656770.897, 1796166.176},
    {"Fort-de-France", "EPSG:5490", -61.0588, 14.6161, 709096.316, 1616759.733},
    {"Cayenne", "EPSG:2972", -52.3260, 4.9372, 352980.205, 545868.922},
    {"Saint-Denis", "EPSG:2975", 55.4504, -20.8823, 338811.239, 7690101.360},
    {"Mamoudzou", "EPSG:4471", 45.2279, -12.7806, 524735.375, 8587115.812},
};

static void test_known_cities(void **state)
{
    (void)state;
    for (size_t i = 0; i < G_N_ELEMENTS(known); i++) {
        const known_point *k = &known[i];
        g_autoptr(GError) error = NULL;
        g_autoptr(crpv_projection) proj = crpv_projection_new("EPSG:4326", k->crs, &error);
        assert_non_null(proj);
        crpv_point p = {k->lon, k->lat};
        assert_true(crpv_projection_apply(proj, &p, 1, &error));
        print_message("%s: %.3f %.3f\n", k->city, p.x, p.y);
        assert_double_near(p.x, k->x, 0.01);
        assert_double_near(p.y, k->y, 0.01);
    }
}

static void test_inverse_and_batch(void **state)
{
    (void)state;
    g_autoptr(GError) error = NULL;
    g_autoptr(crpv_projection) fwd = crpv_projection_new("EPSG:4326", "EPSG:2154", &error);
    g_autoptr(crpv_projection) inv = crpv_projection_new("EPSG:2154", "EPSG:4326", &error);
    assert_non_null(fwd);
    assert_non_null(inv);
    enum { N = 1000 };
    crpv_point *pts = g_new(crpv_point, N), *orig = g_new(crpv_point, N);
    for (size_t i = 0; i < N; i++)
        orig[i] = pts[i] = (crpv_point){-4.5 + 12.0 * i / N, 42.5 + 8.0 * ((i * 7) % N) / N};
    assert_true(crpv_projection_apply(fwd, pts, N, &error));
    /* Each point of the batch equals the same point done alone. */
    crpv_point one = orig[123];
    assert_true(crpv_projection_apply(fwd, &one, 1, &error));
    assert_true(one.x == pts[123].x && one.y == pts[123].y);
    /* Easting grows with longitude: x is the easting. */
    assert_true(pts[10].x < pts[900].x);
    assert_true(crpv_projection_apply(inv, pts, N, &error));
    for (size_t i = 0; i < N; i++) {
        assert_double_near(pts[i].x, orig[i].x, 1e-8);
        assert_double_near(pts[i].y, orig[i].y, 1e-8);
    }
    g_free(pts);
    g_free(orig);
}

static void test_wkt_source(void **state)
{
    (void)state;
    /* The ESRI WKT of the shipped .prj files is understood. */
    g_autofree char *wkt = tu_read_source("geo/regions-avec-outre-mer.prj", NULL);
    g_autoptr(GError) error = NULL;
    g_autoptr(crpv_projection) proj = crpv_projection_new(wkt, "EPSG:2154", &error);
    assert_non_null(proj);
    crpv_point p = {known[0].lon, known[0].lat};
    assert_true(crpv_projection_apply(proj, &p, 1, &error));
    assert_double_near(p.x, known[0].x, 0.01);
    assert_double_near(p.y, known[0].y, 0.01);

    /* Lon/lat order on the geographic side too, whatever EPSG says. */
    g_autoptr(crpv_projection) geo = crpv_projection_new(wkt, "EPSG:4326", &error);
    assert_non_null(geo);
    crpv_point q = {2.3522, 48.8566};
    assert_true(crpv_projection_apply(geo, &q, 1, &error));
    assert_double_near(q.x, 2.3522, 1e-9);
    assert_double_near(q.y, 48.8566, 1e-9);
}

static void test_shape(void **state)
{
    (void)state;
    g_autoptr(GError) error = NULL;
    g_autoptr(crpv_projection) proj = crpv_projection_new("EPSG:4326", "EPSG:2154", &error);
    crpv_shape s = {NULL, 0};
    crpv_point ring[] = {{2, 48}, {3, 48}, {3, 49}, {2, 49}, {2, 48}};
    crpv_shape_add_ring(&s, ring, 5);
    crpv_point paris = {known[0].lon, known[0].lat};
    crpv_shape_add_ring(&s, &paris, 1);
    assert_true(crpv_projection_apply_shape(proj, &s, &error));
    assert_double_near(s.rings[1].pts[0].x, known[0].x, 0.01);
    assert_true(crpv_shape_contains(&s, (crpv_point){known[0].x, known[0].y - 1000}));
    assert_true(s.rings[0].pts[0].x == s.rings[0].pts[4].x);
    crpv_shape_clear(&s);
}

static void test_errors(void **state)
{
    (void)state;
    g_autoptr(GError) error = NULL;
    crpv_projection *proj = crpv_projection_new("EPSG:4326", "EPSG:999999", &error);
    assert_null(proj);
    assert_non_null(error);
    print_message("%s\n", error->message);
    assert_non_null(
        strstr(error->message, "système de coordonnées « EPSG:999999 » inconnu de PROJ"));
    g_clear_error(&error);

    proj = crpv_projection_new("n'importe quoi", "EPSG:4326", &error);
    assert_null(proj);
    assert_non_null(strstr(error->message, "« n'importe quoi »"));
    g_clear_error(&error);

    /* A long WKT is shortened in the message. */
    g_autofree char *junk = g_strnfill(500, 'x');
    proj = crpv_projection_new(junk, "EPSG:4326", &error);
    assert_null(proj);
    assert_true(strlen(error->message) < 200);
    g_clear_error(&error);

    crpv_projection_free(NULL);

    /* A point PROJ cannot transform is an error, not a silent HUGE_VAL. */
    proj = crpv_projection_new("EPSG:4326", "EPSG:2154", &error);
    assert_non_null(proj);
    crpv_point pts[] = {{2, 48}, {NAN, 45}, {3, 46}};
    assert_false(crpv_projection_apply(proj, pts, 3, &error));
    assert_non_null(strstr(error->message, "point 2"));
    g_clear_error(&error);
    crpv_point pole[] = {{0, 90.5}};
    assert_false(crpv_projection_apply(proj, pole, 1, &error));
    g_clear_error(&error);
    assert_true(crpv_projection_apply(proj, pts, 0, &error));
    crpv_projection_free(proj);
}

/* The tabled pipelines for the map's frames are exactly what PROJ's own
 * search gives, and transform points the same. */
static void test_known_pipelines_match_proj(void **state)
{
    (void)state;
    const char *targets[] = {"EPSG:2154", "EPSG:5490", "EPSG:2972", "EPSG:2975", "EPSG:4471"};
    for (size_t i = 0; i < G_N_ELEMENTS(targets); i++) {
        assert_non_null(crpv_projection_known_pipeline("EPSG:4326", targets[i]));
        g_autoptr(GError) error = NULL;
        g_autoptr(crpv_projection) fast = crpv_projection_new("EPSG:4326", targets[i], &error);
        g_autoptr(crpv_projection) slow =
            crpv_projection_new_searched("EPSG:4326", targets[i], &error);
        assert_non_null(fast);
        assert_non_null(slow);
        assert_string_equal(crpv_projection_definition(fast), crpv_projection_definition(slow));
        crpv_point a[] = {{2.35, 48.85}, {-61.5, 16.2}, {-52.3, 4.9}, {55.45, -20.9},
                          {45.2, -12.8}};
        crpv_point b[G_N_ELEMENTS(a)];
        memcpy(b, a, sizeof a);
        assert_true(crpv_projection_apply(fast, a, G_N_ELEMENTS(a), NULL));
        assert_true(crpv_projection_apply(slow, b, G_N_ELEMENTS(b), NULL));
        for (size_t k = 0; k < G_N_ELEMENTS(a); k++) {
            assert_double_near(a[k].x, b[k].x, 1e-6);
            assert_double_near(a[k].y, b[k].y, 1e-6);
        }
    }
    assert_null(crpv_projection_known_pipeline("EPSG:4326", "EPSG:27572"));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_known_cities), cmocka_unit_test(test_inverse_and_batch),
        cmocka_unit_test(test_wkt_source),   cmocka_unit_test(test_shape),
        cmocka_unit_test(test_errors),       cmocka_unit_test(test_known_pipelines_match_proj),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
