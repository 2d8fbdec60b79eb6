/* Tests of the geometry module: rectangles, shapes, containment, area,
 * distance and the pole of inaccessibility. */
#include "testutil.h"

#include <math.h>

#include "geo.h"
#include "geometry.h"

static crpv_shape shape_of(const crpv_point *pts, size_t n)
{
    crpv_shape s = {NULL, 0};
    crpv_shape_add_ring(&s, pts, n);
    return s;
}

/* A closed axis-aligned square ring, counter-clockwise. */
static void add_square(crpv_shape *s, double x0, double y0, double side)
{
    crpv_point pts[] = {
        {x0, y0}, {x0 + side, y0}, {x0 + side, y0 + side}, {x0, y0 + side}, {x0, y0}};
    crpv_shape_add_ring(s, pts, 5);
}

static void test_rect_empty_and_union(void **state)
{
    (void)state;
    crpv_rect e = crpv_rect_empty();
    assert_true(crpv_rect_is_empty(e));
    assert_double_near(crpv_rect_width(e), 0, 0);
    assert_double_near(crpv_rect_height(e), 0, 0);

    crpv_rect a = {0, 0, 2, 1};
    crpv_rect u = crpv_rect_union(e, a);
    assert_double_near(u.x0, 0, 0);
    assert_double_near(u.x1, 2, 0);
    u = crpv_rect_union(a, (crpv_rect){-1, 3, 1, 4});
    assert_double_near(u.x0, -1, 0);
    assert_double_near(u.y0, 0, 0);
    assert_double_near(u.x1, 2, 0);
    assert_double_near(u.y1, 4, 0);
    assert_double_near(crpv_rect_width(u), 3, 0);
    assert_double_near(crpv_rect_height(u), 4, 0);

    crpv_rect p = crpv_rect_add_point(e, (crpv_point){5, 6});
    assert_false(crpv_rect_is_empty(p));
    assert_double_near(crpv_rect_width(p), 0, 0);
    p = crpv_rect_add_point(p, (crpv_point){3, 9});
    assert_double_near(p.x0, 3, 0);
    assert_double_near(p.y1, 9, 0);

    crpv_rect big = crpv_rect_inflate(a, 1);
    assert_double_near(big.x0, -1, 0);
    assert_double_near(big.y1, 2, 0);
    assert_true(crpv_rect_is_empty(crpv_rect_inflate(a, -1)));
    assert_true(crpv_rect_is_empty(crpv_rect_inflate(e, 10)));
}

static void test_rect_predicates(void **state)
{
    (void)state;
    crpv_rect a = {0, 0, 10, 10};
    assert_true(crpv_rect_intersects(a, (crpv_rect){5, 5, 15, 15}));
    /* Touching edges do not overlap. */
    assert_false(crpv_rect_intersects(a, (crpv_rect){10, 0, 20, 10}));
    assert_false(crpv_rect_intersects(a, (crpv_rect){11, 0, 20, 10}));
    assert_false(crpv_rect_intersects(a, crpv_rect_empty()));

    assert_true(crpv_rect_contains_point(a, (crpv_point){0, 10}));
    assert_false(crpv_rect_contains_point(a, (crpv_point){-0.1, 5}));
    assert_true(crpv_rect_contains_rect(a, (crpv_rect){1, 1, 10, 9}));
    assert_false(crpv_rect_contains_rect(a, (crpv_rect){1, 1, 11, 9}));
    assert_false(crpv_rect_contains_rect(a, crpv_rect_empty()));

    assert_true(crpv_rect_intersects_disc(a, (crpv_point){5, 5}, 1));
    assert_true(crpv_rect_intersects_disc(a, (crpv_point){12, 5}, 2.5));
    assert_false(crpv_rect_intersects_disc(a, (crpv_point){12, 5}, 1.5));
    /* Near a corner the distance is diagonal: sqrt(2) ~ 1.414. */
    assert_false(crpv_rect_intersects_disc(a, (crpv_point){11, 11}, 1.4));
    assert_true(crpv_rect_intersects_disc(a, (crpv_point){11, 11}, 1.42));
}

static void test_shape_copy_clear_bbox(void **state)
{
    (void)state;
    crpv_shape s = {NULL, 0};
    add_square(&s, 0, 0, 4);
    add_square(&s, 10, 10, 1);
    assert_int_equal(s.n_rings, 2);
    assert_int_equal(crpv_shape_n_points(&s), 10);
    crpv_shape c = crpv_shape_copy(&s);
    assert_int_equal(c.n_rings, 2);
    assert_ptr_not_equal(c.rings[0].pts, s.rings[0].pts);
    crpv_rect b = crpv_shape_bbox(&c);
    assert_double_near(b.x0, 0, 0);
    assert_double_near(b.y1, 11, 0);
    crpv_shape_clear(&s);
    assert_int_equal(s.n_rings, 0);
    assert_null(s.rings);
    crpv_shape_clear(&s);
    crpv_shape_clear(NULL);
    assert_true(crpv_rect_is_empty(crpv_shape_bbox(&s)));
    crpv_shape_clear(&c);
}

static void test_contains_holes_and_multipolygons(void **state)
{
    (void)state;
    crpv_shape s = {NULL, 0};
    add_square(&s, 0, 0, 10); /* outer */
    add_square(&s, 3, 3, 4);  /* hole */
    add_square(&s, 20, 0, 5); /* a second polygon (an island) */
    add_square(&s, 4, 4, 2);  /* an island inside the hole */
    assert_true(crpv_shape_contains(&s, (crpv_point){1, 1}));
    assert_false(crpv_shape_contains(&s, (crpv_point){3.5, 3.5}));
    assert_true(crpv_shape_contains(&s, (crpv_point){5, 5}));
    assert_true(crpv_shape_contains(&s, (crpv_point){22, 2}));
    assert_false(crpv_shape_contains(&s, (crpv_point){15, 2}));
    assert_false(crpv_shape_contains(&s, (crpv_point){-1, 5}));
    crpv_shape_clear(&s);
}

static void test_ring_area_sign(void **state)
{
    (void)state;
    crpv_point ccw[] = {{0, 0}, {4, 0}, {4, 3}, {0, 3}, {0, 0}};
    crpv_point cw[] = {{0, 0}, {0, 3}, {4, 3}, {4, 0}, {0, 0}};
    crpv_ring a = {ccw, 5}, b = {cw, 5};
    assert_double_near(crpv_ring_area(&a), 12, 1e-12);
    assert_double_near(crpv_ring_area(&b), -12, 1e-12);
    /* An unclosed ring counts as closed. */
    crpv_ring c = {ccw, 4};
    assert_double_near(crpv_ring_area(&c), 12, 1e-12);
}

static void test_signed_distance(void **state)
{
    (void)state;
    crpv_shape s = {NULL, 0};
    add_square(&s, 0, 0, 10);
    add_square(&s, 4, 4, 2); /* hole */
    assert_double_near(crpv_shape_signed_distance(&s, (crpv_point){1, 5}), 1, 1e-12);
    assert_double_near(crpv_shape_signed_distance(&s, (crpv_point){13, 14}), -5, 1e-12);
    assert_double_near(crpv_shape_signed_distance(&s, (crpv_point){5, 5}), -1, 1e-12);
    assert_double_near(crpv_shape_signed_distance(&s, (crpv_point){5, 2.5}), 1.5, 1e-12);
    crpv_shape_clear(&s);
}

static void test_pole_square(void **state)
{
    (void)state;
    crpv_shape s = {NULL, 0};
    add_square(&s, 0, 0, 10);
    crpv_point p = crpv_shape_pole(&s, 0.01);
    assert_double_near(p.x, 5, 0.02);
    assert_double_near(p.y, 5, 0.02);
    crpv_shape_clear(&s);

    crpv_shape empty = {NULL, 0};
    p = crpv_shape_pole(&empty, 1);
    assert_double_near(p.x, 0, 0);
    assert_double_near(p.y, 0, 0);
}

static void test_pole_l_shape(void **state)
{
    (void)state;
    /* An L whose centroid (about (3.1, 3.1)) lies near the inner corner; the
     * best point is in the middle of the thick part. */
    crpv_point l[] = {{0, 0}, {10, 0}, {10, 4}, {4, 4}, {4, 10}, {0, 10}, {0, 0}};
    crpv_shape s = shape_of(l, 7);
    crpv_point p = crpv_shape_pole(&s, 0.001);
    assert_true(crpv_shape_contains(&s, p));
    /* The largest inscribed circle sits in the corner square, touching both
     * outer sides and the inner corner (4, 4): radius 4 (2 - sqrt 2). */
    assert_double_near(crpv_shape_signed_distance(&s, p), 4 * (2 - G_SQRT2), 0.002);
    crpv_shape_clear(&s);
}

static void test_pole_c_shape(void **state)
{
    (void)state;
    /* A C whose centroid falls in the opening, outside the shape. */
    crpv_point c[] = {{0, 0}, {10, 0}, {10, 2}, {2, 2}, {2, 8}, {10, 8}, {10, 10}, {0, 10}, {0, 0}};
    crpv_shape s = shape_of(c, 9);
    crpv_rect b = crpv_shape_bbox(&s);
    crpv_point centre = {(b.x0 + b.x1) / 2, (b.y0 + b.y1) / 2};
    assert_false(crpv_shape_contains(&s, centre));
    crpv_point p = crpv_shape_pole(&s, 0.001);
    assert_true(crpv_shape_contains(&s, p));
    /* In a corner, touching two sides and the inner corner (2, 2). */
    assert_double_near(crpv_shape_signed_distance(&s, p), 2 * (2 - G_SQRT2), 0.002);
    /* Deterministic. */
    crpv_point q = crpv_shape_pole(&s, 0.001);
    assert_true(p.x == q.x && p.y == q.y);
    crpv_shape_clear(&s);
}

static void test_pole_multipolygon(void **state)
{
    (void)state;
    /* A small island and a large one with a hole: the pole is in the large
     * one, away from the hole. */
    crpv_shape s = {NULL, 0};
    add_square(&s, -10, -10, 2);
    add_square(&s, 0, 0, 20);
    add_square(&s, 1, 1, 10); /* hole in the lower left */
    crpv_point p = crpv_shape_pole(&s, 0.001);
    assert_true(crpv_shape_contains(&s, p));
    double d = crpv_shape_signed_distance(&s, p);
    /* Best in the upper right corner, touching its two sides and the hole's
     * corner (11, 11): radius 9 (2 - sqrt 2). */
    assert_double_near(d, 9 * (2 - G_SQRT2), 0.002);
    assert_true(p.x > 11 && p.y > 11);
    crpv_shape_clear(&s);
}

static void test_pole_real_region(void **state)
{
    (void)state;
    g_autoptr(GError) error = NULL;
    g_autofree char *path = tu_source_path("geo/regions-avec-outre-mer.shp");
    g_autoptr(crpv_layer) layer = crpv_layer_load(path, "code", "nom", NULL, &error);
    assert_non_null(layer);
    const char *codes[] = {"11", "53", "94", "04"};
    for (size_t i = 0; i < G_N_ELEMENTS(codes); i++) {
        const crpv_feature *f = crpv_layer_find(layer, codes[i]);
        assert_non_null(f);
        crpv_point p = crpv_shape_pole(&f->shape, 0.001);
        assert_true(crpv_shape_contains(&f->shape, p));
        double d = crpv_shape_signed_distance(&f->shape, p);
        /* Far inside: a good share of the smaller bbox side. */
        double side = fmin(crpv_rect_width(f->bbox), crpv_rect_height(f->bbox));
        assert_true(d > side * 0.15);
    }
    /* Île-de-France: the pole is near Paris (2.35, 48.86), within ~0.5°. */
    crpv_point p = crpv_shape_pole(&crpv_layer_find(layer, "11")->shape, 0.001);
    assert_double_near(p.x, 2.5, 0.5);
    assert_double_near(p.y, 48.7, 0.4);
}

static void test_near(void **state)
{
    (void)state;
    crpv_shape sq = {0};
    crpv_point pts[] = {{0, 0}, {10, 0}, {10, 10}, {0, 10}, {0, 0}};
    crpv_shape_add_ring(&sq, pts, 5);
    assert_true(crpv_shape_near(&sq, (crpv_point){5, 5}, 0));      /* inside */
    assert_true(crpv_shape_near(&sq, (crpv_point){10.5, 5}, 0.6)); /* beside an edge */
    assert_false(crpv_shape_near(&sq, (crpv_point){10.5, 5}, 0.4));
    assert_true(crpv_shape_near(&sq, (crpv_point){10.3, 10.3}, 0.5)); /* by a corner */
    assert_false(crpv_shape_near(&sq, (crpv_point){10.4, 10.4}, 0.5));
    assert_false(crpv_shape_near(&sq, (crpv_point){30, 30}, 5));
    crpv_shape_clear(&sq);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_rect_empty_and_union),
        cmocka_unit_test(test_rect_predicates),
        cmocka_unit_test(test_shape_copy_clear_bbox),
        cmocka_unit_test(test_contains_holes_and_multipolygons),
        cmocka_unit_test(test_ring_area_sign),
        cmocka_unit_test(test_signed_distance),
        cmocka_unit_test(test_pole_square),
        cmocka_unit_test(test_pole_l_shape),
        cmocka_unit_test(test_pole_c_shape),
        cmocka_unit_test(test_pole_multipolygon),
        cmocka_unit_test(test_pole_real_region),
        cmocka_unit_test(test_near),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
