/* The occupancy grid that finds room for insets and the legend. */
#include "testutil.h"

#include "freespace.h"

/* A square ring from (X0, Y0) to (X1, Y1). */
static void add_square(crpv_shape *s, double x0, double y0, double x1, double y1)
{
    crpv_point pts[] = {{x0, y0}, {x1, y0}, {x1, y1}, {x0, y1}, {x0, y0}};
    crpv_shape_add_ring(s, pts, G_N_ELEMENTS(pts));
}

static void test_land_and_holes(void **state)
{
    (void)state;
    crpv_freespace *fs = crpv_freespace_new((crpv_rect){0, 0, 100, 100}, 1);
    crpv_shape land = {NULL, 0};
    add_square(&land, 20, 20, 80, 80);
    add_square(&land, 40, 40, 60, 60); /* a lake: even-odd, free */
    crpv_freespace_add_shapes(fs, &land, 1);
    assert_false(crpv_freespace_is_free(fs, (crpv_rect){25, 25, 35, 35}));
    assert_true(crpv_freespace_is_free(fs, (crpv_rect){2, 2, 18, 18}));
    assert_true(crpv_freespace_is_free(fs, (crpv_rect){42, 42, 58, 58}));
    /* Across the coast. */
    assert_false(crpv_freespace_is_free(fs, (crpv_rect){10, 25, 21, 30}));
    /* Outside the area. */
    assert_false(crpv_freespace_is_free(fs, (crpv_rect){-5, 2, 10, 10}));
    /* A thin island between the cells' centres still counts. */
    crpv_shape islet = {NULL, 0};
    add_square(&islet, 5.1, 90.1, 5.3, 90.3);
    crpv_freespace_add_shapes(fs, &islet, 1);
    assert_false(crpv_freespace_is_free(fs, (crpv_rect){2, 88, 8, 92}));

    /* The free place nearest the wish, clear by the margin. */
    crpv_rect got;
    assert_true(crpv_freespace_find(fs, 10, 10, 2, (crpv_point){50, 10}, &got));
    assert_true(got.y1 + 2 <= 20 + 1);
    assert_double_near((got.x0 + got.x1) / 2, 50, 1);
    crpv_freespace_add_rect(fs, got);
    assert_false(crpv_freespace_is_free(fs, got));
    /* Too big for any room. */
    assert_false(crpv_freespace_find(fs, 90, 90, 0, (crpv_point){50, 50}, &got));
    crpv_shape_clear(&land);
    crpv_shape_clear(&islet);
    crpv_freespace_free(fs);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_land_and_holes),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
