/* Tests of the simplify module: shared borders stay shared, vertex counts
 * drop with the tolerance, small rings go, the real regions keep their
 * common borders. */
#include "testutil.h"

#include <math.h>
#include <string.h>

#include "geo.h"
#include "projection.h"
#include "simplify.h"

static bool same(crpv_point a, crpv_point b)
{
    return a.x == b.x && a.y == b.y;
}

/* The shared edge x ~ 10, from (10, 0) to (10, 10), jittered. */
static crpv_point *shared_edge(size_t *n)
{
    enum { N = 101 };
    crpv_point *e = g_new(crpv_point, N);
    GRand *rand = g_rand_new_with_seed(42);
    for (size_t i = 0; i < N; i++)
        e[i] = (crpv_point){10 + g_rand_double_range(rand, -0.05, 0.05), i / 10.0};
    e[0] = (crpv_point){10, 0};
    e[N - 1] = (crpv_point){10, 10};
    /* A bump that any tolerance below 2 keeps. */
    e[50].x = 12;
    g_rand_free(rand);
    *n = N;
    return e;
}

/* A: (0,0) -> (10,0) -> up the shared edge -> (10,10) -> (0,10), with a
 * jittered bottom side; B: (20,0) -> (20,10) -> (10,10) -> down the shared
 * edge -> (10,0). */
static void two_squares(crpv_shape out[2])
{
    size_t ne;
    g_autofree crpv_point *e = shared_edge(&ne);
    GArray *a = g_array_new(FALSE, FALSE, sizeof(crpv_point));
    GRand *rand = g_rand_new_with_seed(7);
    for (int i = 0; i < 100; i++) {
        crpv_point p = {i / 10.0, i ? g_rand_double_range(rand, -0.03, 0.03) : 0};
        g_array_append_val(a, p);
    }
    g_rand_free(rand);
    g_array_append_vals(a, e, ne);
    crpv_point tail[] = {{0, 10}, {0, 0}};
    g_array_append_vals(a, tail, 2);
    out[0] = (crpv_shape){NULL, 0};
    crpv_shape_add_ring(&out[0], (crpv_point *)a->data, a->len);
    g_array_free(a, TRUE);

    GArray *b = g_array_new(FALSE, FALSE, sizeof(crpv_point));
    crpv_point head[] = {{20, 0}, {20, 10}};
    g_array_append_vals(b, head, 2);
    for (size_t i = ne; i-- > 0;)
        g_array_append_val(b, e[i]);
    g_array_append_val(b, head[0]);
    out[1] = (crpv_shape){NULL, 0};
    crpv_shape_add_ring(&out[1], (crpv_point *)b->data, b->len);
    g_array_free(b, TRUE);
}

/* The vertices of RING that lie on the input's shared edge, in ring
 * order. */
static GArray *on_edge(const crpv_ring *ring, const crpv_point *edge, size_t ne)
{
    GArray *out = g_array_new(FALSE, FALSE, sizeof(crpv_point));
    for (size_t i = 0; i + 1 < ring->n; i++)
        for (size_t k = 0; k < ne; k++)
            if (same(ring->pts[i], edge[k])) {
                g_array_append_val(out, ring->pts[i]);
                break;
            }
    return out;
}

static void test_shared_edge_identical(void **state)
{
    (void)state;
    size_t ne;
    g_autofree crpv_point *edge = shared_edge(&ne);
    const double tolerances[] = {0.01, 0.04, 0.2, 1, 3};
    for (size_t t = 0; t < G_N_ELEMENTS(tolerances); t++) {
        crpv_shape s[2];
        two_squares(s);
        size_t in = crpv_shape_n_points(&s[0]) + crpv_shape_n_points(&s[1]);
        crpv_simplify_stats st = crpv_simplify_shapes(s, 2, tolerances[t]);
        assert_int_equal(st.vertices_in, in);
        assert_int_equal(st.vertices_out, crpv_shape_n_points(&s[0]) + crpv_shape_n_points(&s[1]));
        assert_int_equal(s[0].n_rings, 1);
        assert_int_equal(s[1].n_rings, 1);
        GArray *a = on_edge(&s[0].rings[0], edge, ne);
        GArray *b = on_edge(&s[1].rings[0], edge, ne);
        print_message("tolerance %g: %zu -> %zu vertices, %u on the shared edge\n", tolerances[t],
                      st.vertices_in, st.vertices_out, a->len);
        assert_int_equal(a->len, b->len);
        for (size_t i = 0; i < a->len; i++)
            assert_true(same(g_array_index(a, crpv_point, i),
                             g_array_index(b, crpv_point, b->len - 1 - i)));
        /* The ends of the shared border are kept, and the bump too when
         * the tolerance is below its height. */
        assert_true(same(g_array_index(a, crpv_point, 0), edge[0]));
        assert_true(same(g_array_index(a, crpv_point, a->len - 1), edge[ne - 1]));
        bool bump = false;
        for (size_t i = 0; i < a->len; i++)
            bump |= same(g_array_index(a, crpv_point, i), edge[50]);
        assert_true(bump == (tolerances[t] < 2));
        if (tolerances[t] >= 0.2)
            assert_true(a->len <= 5);
        g_array_free(a, TRUE);
        g_array_free(b, TRUE);
        crpv_shape_clear(&s[0]);
        crpv_shape_clear(&s[1]);
    }
}

static void test_counts_drop(void **state)
{
    (void)state;
    size_t last = SIZE_MAX, first = 0;
    const double tolerances[] = {0, 0.001, 0.02, 0.1, 1, 5};
    for (size_t t = 0; t < G_N_ELEMENTS(tolerances); t++) {
        crpv_shape s[2];
        two_squares(s);
        crpv_simplify_stats st = crpv_simplify_shapes(s, 2, tolerances[t]);
        if (t == 0) {
            /* Zero tolerance: nothing changes. */
            assert_int_equal(st.vertices_out, st.vertices_in);
            first = st.vertices_in;
        }
        assert_true(st.vertices_out <= last);
        last = st.vertices_out;
        /* Closed rings still. */
        for (int k = 0; k < 2; k++) {
            const crpv_ring *r = &s[k].rings[0];
            assert_true(r->n >= 4);
            assert_true(same(r->pts[0], r->pts[r->n - 1]));
        }
        crpv_shape_clear(&s[0]);
        crpv_shape_clear(&s[1]);
    }
    assert_true(last < first / 10);
    assert_int_equal(last, 5 + 5); /* two plain squares */
}

/* A square with a square hole, and a second shape filling the hole: no
 * junction at all, the two rings must still agree. */
static void test_enclave(void **state)
{
    (void)state;
    GArray *hole = g_array_new(FALSE, FALSE, sizeof(crpv_point));
    GRand *rand = g_rand_new_with_seed(3);
    for (int side = 0; side < 4; side++)
        for (int i = 0; i < 50; i++) {
            double u = 2 + i * 6.0 / 50, j = g_rand_double_range(rand, -0.02, 0.02);
            crpv_point p = side == 0   ? (crpv_point){u, 2 + j}
                           : side == 1 ? (crpv_point){8 + j, u}
                           : side == 2 ? (crpv_point){10 - u, 8 + j}
                                       : (crpv_point){2 + j, 10 - u};
            g_array_append_val(hole, p);
        }
    g_rand_free(rand);
    crpv_point first = g_array_index(hole, crpv_point, 0);
    g_array_append_val(hole, first);
    crpv_point outer[] = {{0, 0}, {10, 0}, {10, 10}, {0, 10}, {0, 0}};
    crpv_shape s[2] = {{NULL, 0}, {NULL, 0}};
    crpv_shape_add_ring(&s[0], outer, 5);
    /* The hole, traversed the other way and from another start. */
    GArray *rev = g_array_new(FALSE, FALSE, sizeof(crpv_point));
    for (size_t i = 0; i < hole->len - 1; i++)
        g_array_append_val(
            rev, g_array_index(hole, crpv_point, (hole->len - 1 + 37 - i) % (hole->len - 1)));
    crpv_point rfirst = g_array_index(rev, crpv_point, 0);
    g_array_append_val(rev, rfirst);
    crpv_shape_add_ring(&s[0], (crpv_point *)rev->data, rev->len);
    crpv_shape_add_ring(&s[1], (crpv_point *)hole->data, hole->len);

    crpv_simplify_stats st = crpv_simplify_shapes(s, 2, 0.1);
    print_message("enclave: %zu -> %zu\n", st.vertices_in, st.vertices_out);
    assert_int_equal(s[0].n_rings, 2);
    const crpv_ring *h = &s[0].rings[1], *e = &s[1].rings[0];
    assert_int_equal(h->n, e->n);
    assert_true(h->n < 20);
    for (size_t i = 0; i + 1 < h->n; i++) {
        bool found = false;
        for (size_t k = 0; k + 1 < e->n && !found; k++)
            found = same(h->pts[i], e->pts[k]);
        assert_true(found);
    }
    g_array_free(hole, TRUE);
    g_array_free(rev, TRUE);
    crpv_shape_clear(&s[0]);
    crpv_shape_clear(&s[1]);
}

static void test_small_rings(void **state)
{
    (void)state;
    crpv_shape s = {NULL, 0};
    crpv_point big[] = {{0, 0}, {10, 0}, {10, 10}, {0, 10}, {0, 0}};
    crpv_point islet[] = {{20, 0}, {20.1, 0}, {20.1, 0.1}, {20, 0.1}, {20, 0}};
    crpv_point isle[] = {{30, 0}, {33, 0}, {33, 3}, {30, 3}, {30, 0}};
    crpv_shape_add_ring(&s, islet, 5);
    crpv_shape_add_ring(&s, big, 5);
    crpv_shape_add_ring(&s, isle, 5);
    /* A shape that is all tiny keeps its largest ring. */
    crpv_shape tiny = {NULL, 0};
    crpv_point dot[] = {{50, 0}, {50.01, 0}, {50.01, 0.01}, {50, 0.01}, {50, 0}};
    crpv_point dust[] = {{60, 0}, {60.001, 0}, {60, 0.001}, {60, 0}};
    crpv_shape_add_ring(&tiny, dust, 4);
    crpv_shape_add_ring(&tiny, dot, 5);
    crpv_shape shapes[2] = {s, tiny};
    crpv_simplify_stats st = crpv_simplify_shapes(shapes, 2, 0.5);
    assert_int_equal(shapes[0].n_rings, 2);
    assert_double_near(shapes[0].rings[0].pts[0].x, 0, 0);
    assert_double_near(shapes[0].rings[1].pts[0].x, 30, 0);
    assert_int_equal(shapes[1].n_rings, 1);
    assert_double_near(shapes[1].rings[0].pts[0].x, 50, 0);
    assert_int_equal(st.vertices_out, 15);
    crpv_shape_clear(&shapes[0]);
    crpv_shape_clear(&shapes[1]);

    /* Nothing at all is fine. */
    crpv_simplify_stats none = crpv_simplify_shapes(NULL, 0, 1);
    assert_int_equal(none.vertices_in, 0);
    assert_int_equal(none.vertices_out, 0);
}

/* Point sets keyed by the coordinates' bytes. */
static guint point_hash(gconstpointer p)
{
    const crpv_point *q = p;
    return g_double_hash(&q->x) * 31 + g_double_hash(&q->y);
}

static gboolean point_equal(gconstpointer a, gconstpointer b)
{
    return same(*(const crpv_point *)a, *(const crpv_point *)b);
}

/* Point -> bit mask of the shapes that use it. */
static GHashTable *owners(const crpv_shape *s, size_t n)
{
    GHashTable *h = g_hash_table_new(point_hash, point_equal);
    for (size_t i = 0; i < n; i++)
        for (size_t r = 0; r < s[i].n_rings; r++)
            for (size_t k = 0; k < s[i].rings[r].n; k++) {
                crpv_point *p = &s[i].rings[r].pts[k];
                guint mask = GPOINTER_TO_UINT(g_hash_table_lookup(h, p));
                g_hash_table_insert(h, p, GUINT_TO_POINTER(mask | 1u << i));
            }
    return h;
}

static void test_real_regions(void **state)
{
    (void)state;
    g_autofree char *path = tu_source_path("geo/regions-avec-outre-mer.shp");
    g_autoptr(GError) error = NULL;
    g_autoptr(crpv_layer) layer = crpv_layer_load(path, "code", "nom", NULL, &error);
    assert_non_null(layer);
    g_autoptr(crpv_projection) l93 = crpv_projection_new("EPSG:4326", "EPSG:2154", &error);
    assert_non_null(l93);
    const char *metro[] = {"11", "24", "27", "28", "32", "44", "52",
                           "53", "75", "76", "84", "93", "94"};
    enum { N = G_N_ELEMENTS(metro) };
    crpv_shape in[N], out[N];
    for (size_t i = 0; i < N; i++) {
        in[i] = crpv_shape_copy(&crpv_layer_find(layer, metro[i])->shape);
        assert_true(crpv_projection_apply_shape(l93, &in[i], &error));
        out[i] = crpv_shape_copy(&in[i]);
    }
    crpv_simplify_stats st = crpv_simplify_shapes(out, N, 500);
    print_message("13 regions at 500 m: %zu -> %zu vertices\n", st.vertices_in, st.vertices_out);
    assert_true(st.vertices_out < st.vertices_in / 4);
    assert_true(st.vertices_out > 500);

    /* Every output vertex on a border that was shared in the input is in
     * the output of every shape that shared it. */
    GHashTable *before = owners(in, N), *after = owners(out, N);
    size_t shared_kept = 0;
    GHashTableIter it;
    gpointer key, value;
    g_hash_table_iter_init(&it, after);
    while (g_hash_table_iter_next(&it, &key, &value)) {
        guint was = GPOINTER_TO_UINT(g_hash_table_lookup(before, key));
        guint now = GPOINTER_TO_UINT(value);
        assert_true(was != 0); /* no vertex invented */
        if (was & (was - 1)) {
            shared_kept++;
            if (now != was)
                fail_msg("vertex (%.2f, %.2f) shared by %#x kept only by %#x",
                         ((crpv_point *)key)->x, ((crpv_point *)key)->y, was, now);
        }
    }
    print_message("%zu shared vertices kept on both sides\n", shared_kept);
    assert_true(shared_kept > 100);
    for (size_t i = 0; i < N; i++) {
        assert_true(out[i].n_rings >= 1);
        /* Only input vertices are kept (islets may go), and the main
         * land barely changes. */
        assert_true(crpv_rect_contains_rect(crpv_shape_bbox(&in[i]), crpv_shape_bbox(&out[i])));
        double a = 0, b = 0;
        for (size_t r = 0; r < in[i].n_rings; r++)
            a = fmax(a, fabs(crpv_ring_area(&in[i].rings[r])));
        for (size_t r = 0; r < out[i].n_rings; r++)
            b = fmax(b, fabs(crpv_ring_area(&out[i].rings[r])));
        assert_double_near(b / a, 1, 0.01);
    }

    /* Deterministic. */
    crpv_shape again[N];
    for (size_t i = 0; i < N; i++)
        again[i] = crpv_shape_copy(&in[i]);
    crpv_simplify_shapes(again, N, 500);
    for (size_t i = 0; i < N; i++) {
        assert_int_equal(again[i].n_rings, out[i].n_rings);
        for (size_t r = 0; r < out[i].n_rings; r++) {
            assert_int_equal(again[i].rings[r].n, out[i].rings[r].n);
            assert_memory_equal(again[i].rings[r].pts, out[i].rings[r].pts,
                                out[i].rings[r].n * sizeof(crpv_point));
        }
        crpv_shape_clear(&again[i]);
    }
    g_hash_table_destroy(before);
    g_hash_table_destroy(after);
    for (size_t i = 0; i < N; i++) {
        crpv_shape_clear(&in[i]);
        crpv_shape_clear(&out[i]);
    }
}

static void test_speed_departements(void **state)
{
    (void)state;
    g_autofree char *path = tu_source_path("geo/departements-avec-outre-mer.shp");
    g_autoptr(GError) error = NULL;
    g_autoptr(crpv_layer) layer = crpv_layer_load(path, "code", "nom", NULL, &error);
    assert_non_null(layer);
    size_t n = crpv_layer_count(layer);
    crpv_shape *s = g_new(crpv_shape, 2 * n);
    /* Twice the départements (~390 000 vertices), in degrees. */
    for (size_t i = 0; i < 2 * n; i++)
        s[i] = crpv_shape_copy(&crpv_layer_nth(layer, i % n)->shape);
    crpv_simplify_stats st = crpv_simplify_shapes(s, 2 * n, 0.005);
    print_message("%zu shapes: %zu -> %zu vertices\n", 2 * n, st.vertices_in, st.vertices_out);
    assert_true(st.vertices_in > 380000);
    assert_true(st.vertices_out < st.vertices_in / 3);
    for (size_t i = 0; i < 2 * n; i++)
        crpv_shape_clear(&s[i]);
    g_free(s);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_shared_edge_identical),
        cmocka_unit_test(test_counts_drop),
        cmocka_unit_test(test_enclave),
        cmocka_unit_test(test_small_rings),
        cmocka_unit_test(test_real_regions),
        cmocka_unit_test(test_speed_departements),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
