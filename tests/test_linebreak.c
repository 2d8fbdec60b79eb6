/* Tests of the total-fit line breaker on boxes, glue and penalties alone:
 * no font involved. */
#include "testutil.h"

#include <math.h>

#include "linebreak.h"

static void add(GArray *a, crpv_lb_item it)
{
    g_array_append_val(a, it);
}

/* Words of WIDTHS, each with a hyphenation point in its middle when
 * HYPHENS, spaces of 3 (stretch 1.5, shrink 0.6). */
static GArray *paragraph(const double *widths, size_t n, bool hyphens, double penalty)
{
    GArray *a = g_array_new(false, false, sizeof(crpv_lb_item));
    for (size_t i = 0; i < n; i++) {
        if (i > 0)
            add(a, (crpv_lb_item){.kind = CRPV_LB_GLUE, .width = 3, .stretch = 1.5, .shrink = 0.6});
        if (hyphens && widths[i] >= 12) {
            add(a, (crpv_lb_item){.kind = CRPV_LB_BOX, .width = widths[i] / 2});
            add(a, (crpv_lb_item){.kind = CRPV_LB_PENALTY, .width = 2, .penalty = penalty,
                                  .flagged = true});
            add(a, (crpv_lb_item){.kind = CRPV_LB_BOX, .width = widths[i] / 2});
        } else {
            add(a, (crpv_lb_item){.kind = CRPV_LB_BOX, .width = widths[i]});
        }
    }
    return a;
}

/* Every line but the last fills the measure with its glue's stretch or
 * shrink: natural + ratio x (stretch or shrink) == width. */
static void assert_lines_fill(const GArray *a, const crpv_lb_line *lines, size_t n, double width)
{
    const crpv_lb_item *it = (const crpv_lb_item *)a->data;
    for (size_t k = 0; k + 1 < n; k++) {
        /* Lines that cannot fill (a word alone, too wide) are flagged. */
        if (lines[k].overfull || lines[k].ratio >= 1e3)
            continue;
        double y = 0, z = 0;
        for (size_t i = lines[k].start; i < lines[k].end && i < a->len; i++)
            if (it[i].kind == CRPV_LB_GLUE) {
                y += it[i].stretch;
                z += it[i].shrink;
            }
        double adjust = lines[k].ratio >= 0 ? lines[k].ratio * y : lines[k].ratio * z;
        assert_double_near(lines[k].natural + adjust, width, 1e-6);
        assert_true(lines[k].ratio >= -1);
    }
}

static void test_even_words(void **state)
{
    (void)state;
    double w[12];
    for (size_t i = 0; i < 12; i++)
        w[i] = 10;
    g_autoptr(GArray) a = paragraph(w, 12, false, 0);
    crpv_lb_params p = crpv_lb_params_default();
    double width = 49; /* four words and three spaces, less 1.5 of shrink */
    crpv_lb_line *lines = NULL;
    size_t n = crpv_linebreak((crpv_lb_item *)a->data, a->len, &width, 1, &p, &lines);
    assert_int_equal(n, 3);
    assert_lines_fill(a, lines, n, width);
    for (size_t k = 0; k < n; k++)
        assert_false(lines[k].hyphen);
    g_free(lines);
}

/* A dear hyphen is left for a looser line. */
static void test_hyphen_costs_more_than_loose_line(void **state)
{
    (void)state;
    double w[] = {10, 10, 10, 20, 10, 10, 10, 10};
    crpv_lb_params p = crpv_lb_params_default();
    double width = 46;
    crpv_lb_line *lines = NULL;
    g_autoptr(GArray) dear = paragraph(w, G_N_ELEMENTS(w), true, 1000);
    size_t n = crpv_linebreak((crpv_lb_item *)dear->data, dear->len, &width, 1, &p, &lines);
    crpv_lb_stats st = crpv_lb_stats_of(lines, n);
    assert_int_equal(st.hyphens, 0);
    assert_lines_fill(dear, lines, n, width);
    g_free(lines);
}

/* Random paragraphs: never three hyphens in a row, never one before the
 * last line, lines always filled. */
static void test_random_paragraphs(void **state)
{
    (void)state;
    GRand *rand = g_rand_new_with_seed(7);
    crpv_lb_params p = crpv_lb_params_default();
    for (int t = 0; t < 300; t++) {
        size_t n_words = (size_t)g_rand_int_range(rand, 5, 80);
        double *w = g_new(double, n_words);
        for (size_t i = 0; i < n_words; i++)
            w[i] = g_rand_double_range(rand, 4, 40);
        GArray *a = paragraph(w, n_words, true, g_rand_double_range(rand, 0, 200));
        double width = g_rand_double_range(rand, 60, 200);
        crpv_lb_line *lines = NULL;
        size_t n = crpv_linebreak((crpv_lb_item *)a->data, a->len, &width, 1, &p, &lines);
        assert_true(n >= 1);
        crpv_lb_stats st = crpv_lb_stats_of(lines, n);
        assert_true(st.max_hyphen_run <= 2);
        assert_false(lines[n - 1].hyphen);
        if (n >= 2)
            assert_false(lines[n - 2].hyphen);
        assert_lines_fill(a, lines, n, width);
        g_free(lines);
        g_array_free(a, true);
        g_free(w);
    }
    g_rand_free(rand);
}

/* TeX's fitness classes: tight (< -0.5), decent, loose (<= 1), very loose. */
static int fitness(double r)
{
    return r < -0.5 ? 0 : r <= 0.5 ? 1 : r <= 1 ? 2 : 3;
}

/* Adjacent lines whose fitness classes differ by more than one (a very
 * loose line beside a decent or tight one, a loose one beside a tight
 * one) cost \adjdemerits: over random paragraphs, the breaker with them
 * alternates loose and tight lines less often than without, and never
 * when the cost is all that decides. */
static void test_fitness_classes(void **state)
{
    (void)state;
    GRand *rand = g_rand_new_with_seed(11);
    crpv_lb_params with = crpv_lb_params_default();
    crpv_lb_params without = with;
    without.fitness_demerits = 0;
    assert_true(with.fitness_demerits >= 10000);
    size_t jumps_with = 0, jumps_without = 0;
    for (int t = 0; t < 300; t++) {
        size_t n_words = (size_t)g_rand_int_range(rand, 40, 160);
        double *w = g_new(double, n_words);
        for (size_t i = 0; i < n_words; i++)
            w[i] = g_rand_double_range(rand, 6, 16);
        GArray *a = paragraph(w, n_words, false, 0);
        double width = g_rand_double_range(rand, 150, 300);
        const crpv_lb_params *ps[2] = {&with, &without};
        size_t *counts[2] = {&jumps_with, &jumps_without};
        for (int v = 0; v < 2; v++) {
            crpv_lb_line *lines = NULL;
            size_t n = crpv_linebreak((crpv_lb_item *)a->data, a->len, &width, 1, ps[v], &lines);
            /* The last line's ratio is its fill's: not counted. */
            for (size_t k = 1; k + 1 < n; k++)
                if (lines[k].ratio < 1e3 && lines[k - 1].ratio < 1e3 &&
                    abs(fitness(lines[k].ratio) - fitness(lines[k - 1].ratio)) > 1)
                    (*counts[v])++;
            g_free(lines);
        }
        g_array_free(a, true);
        g_free(w);
    }
    g_rand_free(rand);
    print_message("class jumps: %zu with adjdemerits, %zu without\n", jumps_with, jumps_without);
    assert_true(jumps_without > 0);
    assert_true(jumps_with * 2 <= jumps_without);
}

/* A word wider than the measure still gives lines, flagged overfull. */
static void test_overfull(void **state)
{
    (void)state;
    double w[] = {10, 300, 10};
    g_autoptr(GArray) a = paragraph(w, 3, false, 0);
    crpv_lb_params p = crpv_lb_params_default();
    double width = 100;
    crpv_lb_line *lines = NULL;
    size_t n = crpv_linebreak((crpv_lb_item *)a->data, a->len, &width, 1, &p, &lines);
    assert_true(n >= 2);
    bool overfull = false;
    for (size_t k = 0; k < n; k++)
        overfull = overfull || lines[k].overfull;
    assert_true(overfull);
    g_free(lines);
}

/* Ragged: the stretch at each line's end evens the lines out. */
static void test_ragged_balanced(void **state)
{
    (void)state;
    double w[] = {30, 30, 30, 30, 30};
    GArray *a = g_array_new(false, false, sizeof(crpv_lb_item));
    for (size_t i = 0; i < 5; i++) {
        if (i)
            add(a, (crpv_lb_item){.kind = CRPV_LB_GLUE, .width = 3});
        add(a, (crpv_lb_item){.kind = CRPV_LB_BOX, .width = w[i]});
    }
    add(a, (crpv_lb_item){.kind = CRPV_LB_GLUE, .stretch = 30});
    add(a, (crpv_lb_item){.kind = CRPV_LB_PENALTY, .penalty = -CRPV_LB_INFINITY});
    crpv_lb_params p = crpv_lb_params_default();
    p.line_end_stretch = 30;
    p.tolerance = 10000;
    double width = 130; /* four words fit; three and two balance better */
    crpv_lb_line *lines = NULL;
    size_t n = crpv_linebreak((crpv_lb_item *)a->data, a->len, &width, 1, &p, &lines);
    assert_int_equal(n, 2);
    assert_true(fabs(lines[0].natural - lines[1].natural) <= 33.01);
    g_free(lines);
    g_array_free(a, true);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_even_words),
        cmocka_unit_test(test_hyphen_costs_more_than_loose_line),
        cmocka_unit_test(test_random_paragraphs),
        cmocka_unit_test(test_fitness_classes),
        cmocka_unit_test(test_overfull),
        cmocka_unit_test(test_ragged_balanced),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
