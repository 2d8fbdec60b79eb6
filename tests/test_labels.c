/* Tests of the labels module: hand-made cases and a dense synthetic
 * directory, every result checked with crpv_labels_check. */
#include "testutil.h"

#include <math.h>
#include <string.h>

#include "labels.h"

static crpv_label_request request(double x, double y, double w, double h, crpv_rect bounds)
{
    return (crpv_label_request){
        .anchor = {x, y}, .radius = 4, .width = w, .height = h, .bounds = bounds, .frame = -1};
}

static const crpv_rect page = {0, 0, 300, 300};

static bool boxes_overlap(crpv_rect a, crpv_rect b)
{
    return a.x0 < b.x1 && b.x0 < a.x1 && a.y0 < b.y1 && b.y0 < a.y1;
}

static void test_single_label_goes_right(void **state)
{
    (void)state;
    crpv_label_request r = request(100, 100, 40, 9, page);
    crpv_label_place out;
    assert_int_equal(crpv_labels_place(&r, 1, NULL, 0, &out), 0);
    assert_true(out.placed);
    assert_false(out.leader);
    assert_double_near(out.box.x0, 106, 1e-9); /* radius 4 + gap 2 */
    assert_double_near((out.box.y0 + out.box.y1) / 2, 100, 1e-9);
    assert_double_near(out.box.x1 - out.box.x0, 40, 1e-9);
    assert_true(crpv_labels_check(&r, 1, NULL, 0, &out));
}

static void test_two_close_markers(void **state)
{
    (void)state;
    crpv_label_request r[2] = {request(100, 100, 40, 9, page), request(110, 100, 40, 9, page)};
    crpv_label_place out[2];
    assert_int_equal(crpv_labels_place(r, 2, NULL, 0, out), 0);
    assert_true(out[0].placed && out[1].placed);
    assert_false(boxes_overlap(out[0].box, out[1].box));
    assert_true(crpv_labels_check(r, 2, NULL, 0, out));
}

static void test_label_stays_inside_bounds(void **state)
{
    (void)state;
    crpv_label_request r[2] = {request(295, 150, 40, 9, page), request(150, 296, 40, 9, page)};
    crpv_label_place out[2];
    assert_int_equal(crpv_labels_place(r, 2, NULL, 0, out), 0);
    for (int i = 0; i < 2; i++) {
        assert_true(out[i].box.x0 >= 0 && out[i].box.x1 <= 300);
        assert_true(out[i].box.y0 >= 0 && out[i].box.y1 <= 300);
    }
    assert_true(out[0].box.x1 < 295); /* no room on the right: left of its marker */
    assert_true(out[1].box.y1 < 296);
    assert_true(crpv_labels_check(r, 2, NULL, 0, out));
}

static void test_obstacles(void **state)
{
    (void)state;
    /* A foreign frame to the right: the label goes elsewhere. */
    crpv_label_request r = request(100, 100, 40, 9, page);
    crpv_obstacle foreign = {{104.5, 50, 200, 150}, -1};
    crpv_label_place out;
    assert_int_equal(crpv_labels_place(&r, 1, &foreign, 1, &out), 0);
    assert_false(boxes_overlap(out.box, foreign.box));
    assert_true(out.box.x1 <= 104.5);
    assert_true(crpv_labels_check(&r, 1, &foreign, 1, &out));

    /* The label's own frame does not push it away... */
    r.frame = 2;
    crpv_obstacle own = {{0, 0, 300, 300}, 2};
    assert_int_equal(crpv_labels_place(&r, 1, &own, 1, &out), 0);
    assert_double_near(out.box.x0, 106, 1e-9);
    assert_true(crpv_labels_check(&r, 1, &own, 1, &out));
    /* ...but another frame's does, and the check sees it. */
    own.frame = 3;
    assert_false(crpv_labels_check(&r, 1, &own, 1, &out));
    assert_int_equal(crpv_labels_place(&r, 1, &own, 1, &out), 1);
    assert_false(out.placed);
}

/* The case of « Occitanie (Toulouse) » ending beside marker 18: a label
 * to the right would end nearer the next marker than its own. It goes
 * elsewhere, and the check refuses the bad place. */
static void test_label_nearest_its_own_marker(void **state)
{
    (void)state;
    crpv_label_request r[2] = {request(100, 100, 60, 9, page), request(172, 100, 0, 0, page)};
    crpv_label_place out[2];
    assert_int_equal(crpv_labels_place(r, 2, NULL, 0, out), 0);
    if (!out[0].leader) {
        double own = out[0].box.x0 > 100 ? out[0].box.x0 - 104 : 96 - out[0].box.x1;
        double other = out[0].box.x1 < 168 ? 168 - out[0].box.x1 : 0;
        assert_true(out[0].box.x1 < 100 || own + CRPV_LABEL_NEAREST_MARGIN <= other);
    }
    assert_true(crpv_labels_check(r, 2, NULL, 0, out));
    crpv_label_place bad[2] = {out[0], out[1]};
    bad[0].box = (crpv_rect){106, 95.5, 166, 104.5}; /* ends 2 pt from the other rim */
    bad[0].leader = false;
    assert_false(crpv_labels_check(r, 2, NULL, 0, bad));
    /* A place name has no marker: nobody is measured against it. */
    r[1].no_marker = true;
    bad[0].box = (crpv_rect){106, 95.5, 166, 104.5};
    assert_true(crpv_labels_check(r, 2, NULL, 0, bad));
}

/* A line obstacle: no label over it, leaders may cross it. */
static void test_line_obstacle(void **state)
{
    (void)state;
    crpv_label_request r = request(100, 100, 40, 9, page);
    crpv_obstacle line = {{104, 0, 104.5, 300}, CRPV_OBSTACLE_LINE};
    crpv_label_place out;
    assert_int_equal(crpv_labels_place(&r, 1, &line, 1, &out), 0);
    assert_false(boxes_overlap(out.box, line.box));
    assert_true(crpv_labels_check(&r, 1, &line, 1, &out));
}

static void test_crowded_cluster_needs_leaders(void **state)
{
    (void)state;
    /* A 4 x 4 cluster: inner labels cannot sit beside their markers; some
     * reach a free place by a leader within the cap, the others are left
     * out (number only), and what is placed is clear. */
    crpv_label_request r[16];
    size_t n = 0;
    for (int y = 0; y < 4; y++)
        for (int x = 0; x < 4; x++)
            r[n++] = request(130 + x * 11, 130 + y * 11, 45, 9, page);
    crpv_label_place out[16];
    size_t failed = crpv_labels_place(r, n, NULL, 0, out);
    assert_true(failed <= 4);
    size_t leaders = 0, unplaced = 0;
    for (size_t i = 0; i < n; i++) {
        unplaced += !out[i].placed;
        if (out[i].placed && out[i].leader) {
            assert_true(hypot(out[i].leader_to.x - out[i].leader_from.x,
                              out[i].leader_to.y - out[i].leader_from.y) <=
                        CRPV_LABEL_LEADER_MAX_DIAMETERS * 2 * r[i].radius + 1e-9);
            leaders++;
            /* The leader starts on the marker's rim and ends on the box. */
            assert_double_near(
                hypot(out[i].leader_from.x - r[i].anchor.x, out[i].leader_from.y - r[i].anchor.y),
                r[i].radius, 1e-6);
            assert_true(out[i].leader_to.x >= out[i].box.x0 - 1e-9 &&
                        out[i].leader_to.x <= out[i].box.x1 + 1e-9 &&
                        out[i].leader_to.y >= out[i].box.y0 - 1e-9 &&
                        out[i].leader_to.y <= out[i].box.y1 + 1e-9);
        }
    }
    assert_int_equal(unplaced, failed);
    assert_true(leaders > 0);
    assert_true(crpv_labels_check(r, n, NULL, 0, out));
}

static void test_check_finds_faults(void **state)
{
    (void)state;
    crpv_label_request r[2] = {request(100, 100, 40, 9, page), request(200, 100, 40, 9, page)};
    crpv_label_place out[2] = {
        {.box = {106, 95.5, 146, 104.5}, .placed = true},
        {.box = {206, 95.5, 246, 104.5}, .placed = true},
    };
    assert_true(crpv_labels_check(r, 2, NULL, 0, out));
    /* Touching boxes are fine; overlapping ones are not. */
    out[1].box = (crpv_rect){146, 95.5, 186, 104.5};
    assert_true(crpv_labels_check(r, 2, NULL, 0, out));
    out[1].box = (crpv_rect){145, 95.5, 185, 104.5};
    assert_false(crpv_labels_check(r, 2, NULL, 0, out));
    /* A box over the other marker. */
    out[1].box = (crpv_rect){150, 95.5, 197, 104.5};
    assert_false(crpv_labels_check(r, 2, NULL, 0, out));
    /* A leader through the other label. */
    out[1].box = (crpv_rect){206, 95.5, 246, 104.5};
    out[0] = (crpv_label_place){.box = {250, 95.5, 290, 104.5},
                                .leader = true,
                                .leader_from = {104, 100},
                                .leader_to = {250, 100},
                                .placed = true};
    assert_false(crpv_labels_check(r, 2, NULL, 0, out));
    /* Outside the bounds. */
    out[0] = (crpv_label_place){.box = {106, -5, 146, 4}, .placed = true};
    assert_false(crpv_labels_check(r, 2, NULL, 0, out));
}

static void test_no_room_reports_failure(void **state)
{
    (void)state;
    crpv_label_request r = request(10, 10, 40, 9, (crpv_rect){0, 0, 20, 20});
    crpv_label_place out;
    assert_int_equal(crpv_labels_place(&r, 1, NULL, 0, &out), 1);
    assert_false(out.placed);
    /* Not drawn, so nothing to check; drawn there, it would be at fault. */
    assert_true(crpv_labels_check(&r, 1, NULL, 0, &out));
    out.placed = true;
    assert_false(crpv_labels_check(&r, 1, NULL, 0, &out));
    assert_int_equal(crpv_labels_place(NULL, 0, NULL, 0, NULL), 0);
}

static void test_garbage_requests_do_not_break_the_others(void **state)
{
    (void)state;
    crpv_label_request r[4] = {
        request(100, 100, 40, 9, page),
        request(NAN, 100, 40, 9, page),
        request(150, 150, -5, INFINITY, page),
        request(200, 200, 40, 9, page),
    };
    crpv_label_place out[4];
    assert_int_equal(crpv_labels_place(r, 4, NULL, 0, out), 2);
    assert_true(out[0].placed && out[3].placed);
    assert_false(out[1].placed || out[2].placed);
    assert_true(crpv_labels_check(&r[3], 1, NULL, 0, &out[3]));
}

/* A deterministic pseudo-random generator (LCG), the same everywhere. */
static double next_random(unsigned *s)
{
    *s = *s * 1103515245u + 12345u;
    return ((*s >> 8) & 0xffff) / 65536.0;
}

/* 60 markers over 500 x 600 pt, most of them in clusters, with labels of
 * varied widths, and a legend in a corner. */
static size_t dense_directory(crpv_label_request *r)
{
    const crpv_rect area = {0, 0, 500, 600};
    const double clusters[][2] = {{120, 140}, {360, 180}, {250, 330}, {140, 470}, {380, 500}};
    unsigned seed = 42;
    size_t n = 0;
    while (n < 60) {
        double x, y;
        if (n % 4 == 3) {
            x = 30 + 440 * next_random(&seed);
            y = 30 + 540 * next_random(&seed);
        } else {
            const double *c = clusters[n % 5];
            x = c[0] + (next_random(&seed) - 0.5) * 60;
            y = c[1] + (next_random(&seed) - 0.5) * 60;
        }
        bool clear = true; /* markers themselves do not overlap */
        for (size_t j = 0; j < n && clear; j++)
            clear = hypot(r[j].anchor.x - x, r[j].anchor.y - y) > 13;
        if (!clear)
            continue;
        r[n] = (crpv_label_request){.anchor = {x, y},
                                    .radius = 5,
                                    .width = 25 + 45 * next_random(&seed),
                                    .height = 9,
                                    .bounds = area,
                                    .frame = -1};
        n++;
    }
    return n;
}

static void test_dense_directory(void **state)
{
    (void)state;
    crpv_label_request r[60];
    size_t n = dense_directory(r);
    crpv_obstacle legend = {{380, 560, 500, 600}, -1};
    crpv_label_place a[60], b[60];
    memset(a, 0, sizeof a);
    memset(b, 0xff, sizeof b);
    size_t failed = crpv_labels_place(r, n, &legend, 1, a);
    assert_int_equal(failed, 0);
    for (size_t i = 0; i < n; i++)
        assert_true(a[i].placed);
    assert_true(crpv_labels_check(r, n, &legend, 1, a));

    /* The same requests give the same places, bit for bit. */
    crpv_labels_place(r, n, &legend, 1, b);
    for (size_t i = 0; i < n; i++) {
        assert_memory_equal(&a[i].box, &b[i].box, sizeof a[i].box);
        assert_int_equal(a[i].leader, b[i].leader);
        assert_int_equal(a[i].placed, b[i].placed);
        if (a[i].leader) {
            assert_memory_equal(&a[i].leader_from, &b[i].leader_from, sizeof(crpv_point));
            assert_memory_equal(&a[i].leader_to, &b[i].leader_to, sizeof(crpv_point));
        }
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_single_label_goes_right),
        cmocka_unit_test(test_two_close_markers),
        cmocka_unit_test(test_label_stays_inside_bounds),
        cmocka_unit_test(test_obstacles),
        cmocka_unit_test(test_label_nearest_its_own_marker),
        cmocka_unit_test(test_line_obstacle),
        cmocka_unit_test(test_crowded_cluster_needs_leaders),
        cmocka_unit_test(test_check_finds_faults),
        cmocka_unit_test(test_no_room_reports_failure),
        cmocka_unit_test(test_garbage_requests_do_not_break_the_others),
        cmocka_unit_test(test_dense_directory),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
