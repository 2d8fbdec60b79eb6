/* Cost against the number of centres: the spatial index against a plain
 * search, the map's work counted in operations (not time) for ten times
 * more centres, the layout cache, and the limits that keep the work
 * bounded. */
#include "testutil.h"

#include <math.h>
#include <string.h>

#include "brochure.h"
#include "composite.h"
#include "content.h"
#include "scene.h"
#include "labels.h"
#include "mapfixture.h"
#include "spatial.h"
#include "typeset.h"

static bool overlap(crpv_rect a, crpv_rect b)
{
    return a.x0 <= b.x1 && b.x0 <= a.x1 && a.y0 <= b.y1 && b.y0 <= a.y1;
}

/* Every query answers each overlapping item once, in increasing order,
 * after insertions, duplicates and removals, boxes outside the extent
 * included. */
static void test_grid_against_search(void **state)
{
    (void)state;
    enum { N = 600 };
    crpv_rect boxes[N];
    bool live[N];
    GRand *rand = g_rand_new_with_seed(11);
    crpv_grid *g = crpv_grid_new((crpv_rect){0, 0, 500, 400}, 17);
    for (size_t i = 0; i < N; i++) {
        double x = g_rand_double_range(rand, -60, 560), y = g_rand_double_range(rand, -60, 460);
        double w = g_rand_double_range(rand, 0, 80), h = g_rand_double_range(rand, 0, 30);
        boxes[i] = (crpv_rect){x, y, x + w, y + h};
        live[i] = true;
        crpv_grid_insert(g, i, boxes[i]);
        if (i % 7 == 0)
            crpv_grid_insert(g, i, boxes[i]); /* filed twice, answered once */
    }
    for (size_t i = 0; i < N; i += 5) {
        crpv_grid_remove(g, i, boxes[i]);
        if (i % 7 == 0)
            crpv_grid_remove(g, i, boxes[i]);
        live[i] = false;
    }
    for (int q = 0; q < 300; q++) {
        double x = g_rand_double_range(rand, -100, 600), y = g_rand_double_range(rand, -100, 500);
        crpv_rect box = {x, y, x + g_rand_double_range(rand, 0, 120),
                         y + g_rand_double_range(rand, 0, 60)};
        const size_t *ids;
        size_t n = crpv_grid_query(g, box, &ids);
        for (size_t k = 1; k < n; k++)
            assert_true(ids[k - 1] < ids[k]);
        size_t expected = 0;
        for (size_t i = 0; i < N; i++) {
            bool want = live[i] && overlap(boxes[i], box);
            expected += want;
            bool found = false;
            for (size_t k = 0; k < n; k++)
                found = found || ids[k] == i;
            if (want)
                assert_true(found);
            if (!live[i])
                assert_false(found);
        }
        assert_true(n >= expected);
        size_t m = crpv_grid_query_unordered(g, box, &ids);
        assert_int_equal(m, n);
    }
    crpv_grid_free(g);
    g_rand_free(rand);
}

/* The operations a map of N synthetic centres costs. */
static uint64_t map_cost(const mapfix *base, size_t n, size_t *unplaced)
{
    g_autofree char *csv = mapfix_synthetic_csv(base->regions, n);
    mapfix *f = mapfix_load_csv(csv);
    assert_int_equal(crpv_directory_count(f->directory), n);
    crpv_cost_reset();
    g_autoptr(crpv_map) map = crpv_map_compose(&f->in, 540, 0.2, NULL);
    assert_non_null(map);
    crpv_cost c = crpv_cost_get();
    *unplaced = crpv_map_get_stats(map).labels_unplaced;
    /* Links on the map's page: one per marker and per label, one per
     * territory; the limit keeps them far below what readers handle. */
    size_t links = 0;
    const crpv_scene *sc = crpv_map_scene(map);
    for (size_t i = 0; i < crpv_scene_count(sc); i++)
        links += crpv_scene_nth(sc, i)->uri != NULL;
    assert_true(links <= 2 * n + 200);
    mapfix_free(f);
    print_message("%zu centres: %llu queries, %llu cell entries, %llu pair tests, %llu "
                  "candidates, %zu labels without a free place\n",
                  n, (unsigned long long)c.queries, (unsigned long long)c.visits,
                  (unsigned long long)c.pair_checks, (unsigned long long)c.candidates,
                  *unplaced);
    return c.visits + c.pair_checks + c.candidates;
}

/* Ten times more centres cost at most twelve times more work: the label
 * placement and the marker separation ask the index for what is near, so
 * that their cost grows with the number of centres, not its square. */
static void test_map_cost_linear(void **state)
{
    (void)state;
    mapfix *base = mapfix_load();
    size_t u1, u2;
    uint64_t small = map_cost(base, 150, &u1);
    uint64_t large = map_cost(base, 1500, &u2);
    print_message("ratio %.2f\n", (double)large / (double)small);
    assert_true(large <= 12 * small);
    assert_true(u2 >= u1); /* denser, never easier */
    mapfix_free(base);
}

/* The map and the brochure refuse more centres than they can hold. */
static void test_limits(void **state)
{
    (void)state;
    mapfix *base = mapfix_load();
    g_autofree char *csv = mapfix_synthetic_csv(base->regions, CRPV_MAP_MAX_CENTRES + 1);
    mapfix *f = mapfix_load_csv(csv);
    GError *error = NULL;
    crpv_cost_reset();
    assert_null(crpv_map_compose(&f->in, 540, 0.2, &error));
    assert_non_null(error);
    assert_non_null(strstr(error->message, "5001 centres"));
    g_clear_error(&error);
    assert_int_equal(crpv_cost_get().queries, 0); /* refused before any work */
    mapfix_free(f);
    mapfix_free(base);
    /* Three digits fit a badge of the directory. */
    assert_true(CRPV_BROCHURE_MAX_CENTRES < 1000);
}

/* The command line says so up front, naming the file, the count and the
 * limit, exit 1, nothing written. */
static void test_limits_cli(void **state)
{
    (void)state;
    g_autofree char *dir = tu_tmpdir();
    GString *csv = g_string_new("id,nom,territoire,regions,telephone,site,statut\n");
    for (int i = 1; i <= CRPV_BROCHURE_MAX_CENTRES + 1; i++)
        g_string_append_printf(csv, "c%d,Centre %d,Bretagne,53,01 02 03 04 05,www.c%d.fr,actif\n",
                               i, i, i);
    g_autofree char *path = tu_write_file(dir, "centres.csv", csv->str, csv->len);
    g_string_free(csv, TRUE);
    g_autofree char *out = g_build_filename(dir, "sortie", NULL);
    const char *argv[] = {"brochure", "-q", "--centres", path, "--out", out, NULL};
    char *err = NULL;
    assert_int_equal(tu_run_crpv(NULL, NULL, &err, argv), 1);
    assert_non_null(strstr(err, "centres.csv: 1\u202f000 centres, plus que les 999 que la "
                                "brochure peut lister"));
    assert_false(g_file_test(out, G_FILE_TEST_EXISTS));
    g_free(err);
    /* A map takes fewer, crowded in one region. */
    csv = g_string_new("id,nom,territoire,regions,telephone,site,statut\n");
    for (int i = 1; i <= 60; i++)
        g_string_append_printf(csv, "c%d,Centre %d,Bretagne,53,01 02 03 04 05,www.c%d.fr,actif\n",
                               i, i, i);
    g_free(path);
    path = tu_write_file(dir, "centres.csv", csv->str, csv->len);
    g_string_free(csv, TRUE);
    const char *map_argv[] = {"map", "-q", "--format", "svg", "--centres", path, "--out", out,
                              NULL};
    assert_int_equal(tu_run_crpv(NULL, NULL, &err, map_argv), 0);
    /* Unplaced labels: twenty named, the others counted, even with -q. */
    size_t named = 0;
    for (const char *p = err; (p = strstr(p, "pas de place pour l’étiquette, numéro seul")); p++)
        named++;
    assert_int_equal(named, 20);
    assert_non_null(strstr(err, "autres étiquettes sans place, numéro seul ("));
    g_free(err);
    tu_rmtree(dir);
}

/* A text is shaped once per font and width; the cached layout measures
 * as a fresh one. */
static void test_layout_cache(void **state)
{
    (void)state;
    mapfix *f = mapfix_load();
    const char *font = "Lato Bold 6.5", *text = "Centre de ressources politique de la ville";
    size_t shaped0, found0, shaped1, found1;
    crpv_text_cache_counts(&shaped0, &found0);
    double w1, h1, w2, h2;
    crpv_text_size(f->ctx, font, text, 90, false, 0, &w1, &h1);
    crpv_text_size(f->ctx, font, text, 90, false, 0, &w2, &h2);
    crpv_text_cache_counts(&shaped1, &found1);
    assert_int_equal(shaped1 - shaped0, 1);
    assert_int_equal(found1 - found0, 1);
    assert_true(w1 == w2 && h1 == h2);
    /* Another width is another layout. */
    crpv_text_size(f->ctx, font, text, 40, false, 0, &w2, &h2);
    crpv_text_cache_counts(&shaped1, NULL);
    assert_int_equal(shaped1 - shaped0, 2);
    assert_true(h2 > h1);
    PangoLayout *fresh = crpv_text_layout_new(f->ctx, font, text, 90, 0, false, 0);
    int fw, fh;
    pango_layout_get_size(fresh, &fw, &fh);
    assert_true(pango_units_to_double(fw) == w1 && pango_units_to_double(fh) == h1);
    g_object_unref(fresh);
    /* Past its bound, the cache starts again: memory stays bounded. */
    for (int i = 0; i < CRPV_LAYOUT_CACHE_MAX + 10; i++) {
        char s[32];
        g_snprintf(s, sizeof s, "%d", i);
        crpv_text_size(f->ctx, font, s, -1, false, 0, NULL, NULL);
    }
    crpv_text_cache_counts(&shaped0, &found0);
    crpv_text_size(f->ctx, font, text, 90, false, 0, &w2, &h2);
    crpv_text_cache_counts(&shaped1, &found1);
    assert_int_equal(shaped1 - shaped0, 1); /* dropped when the cache started again */
    mapfix_free(f);
}

/* Every number of the directory, three digits included, holds in its
 * badge at no less than 6 pt; and the brochure refuses a directory it
 * cannot number. */
static void test_badges_hold_numbers(void **state)
{
    (void)state;
    mapfix *base = mapfix_load();
    g_autofree char *csv = mapfix_synthetic_csv(base->regions, 120);
    mapfix *f = mapfix_load_csv(csv);
    crpv_directory_stats stats = crpv_directory_get_stats(f->directory);
    const char *md = "# Le réseau\n\nUn paragraphe.\n";
    GError *e = NULL;
    crpv_content *content = crpv_content_parse(md, strlen(md), "t.md", &stats, NULL, &e);
    assert_non_null(content);
    crpv_brochure_input in = {content, &f->in, false, NULL};
    GPtrArray *pages = crpv_brochure_compose(&in, NULL, &e);
    if (!pages)
        fail_msg("compose: %s", e->message);
    size_t badges = 0;
    for (guint pg = 1; pg < pages->len; pg++) {
        const crpv_scene *sc = g_ptr_array_index(pages, pg);
        for (size_t i = 0; i + 1 < crpv_scene_count(sc); i++) {
            const crpv_item *d = crpv_scene_nth(sc, i), *t = crpv_scene_nth(sc, i + 1);
            if (d->kind != CRPV_ITEM_DISC || d->role != CRPV_ROLE_NONE ||
                t->kind != CRPV_ITEM_TEXT || !t->text || !g_ascii_isdigit(t->text[0]))
                continue;
            PangoFontDescription *desc = pango_font_description_from_string(t->font);
            double size = pango_units_to_double(pango_font_description_get_size(desc));
            pango_font_description_free(desc);
            assert_true(size >= 6 - 1e-9);
            double w = 0;
            crpv_text_size(f->ctx, t->font, t->text, -1, false, 0, &w, NULL);
            assert_true(hypot(w, 0.72 * size) / 2 <= d->radius * 0.92 + 1e-6);
            badges++;
        }
    }
    assert_int_equal(badges, 120);
    g_ptr_array_free(pages, TRUE);
    crpv_content_free(content);
    mapfix_free(f);
    mapfix_free(base);
}

static bool interiors_overlap(crpv_rect a, crpv_rect b)
{
    const double eps = 1e-6; /* touching is not overlapping */
    return a.x0 + eps < b.x1 && b.x0 + eps < a.x1 && a.y0 + eps < b.y1 && b.y0 + eps < a.y1;
}

static bool disc_over_rect(const crpv_item *d, crpv_rect r)
{
    double x = fmin(fmax(d->center.x, r.x0), r.x1), y = fmin(fmax(d->center.y, r.y0), r.y1);
    return hypot(x - d->center.x, y - d->center.y) < d->radius - 1e-6;
}

static bool segments_cross(crpv_point a, crpv_point b, crpv_point c, crpv_point d)
{
    double o1 = (b.x - a.x) * (c.y - a.y) - (b.y - a.y) * (c.x - a.x);
    double o2 = (b.x - a.x) * (d.y - a.y) - (b.y - a.y) * (d.x - a.x);
    double o3 = (d.x - c.x) * (a.y - c.y) - (d.y - c.y) * (a.x - c.x);
    double o4 = (d.x - c.x) * (b.y - c.y) - (d.y - c.y) * (b.x - c.x);
    return o1 * o2 < -1e-9 && o3 * o4 < -1e-9;
}

/* The facts of a composed map's labels, read from its scene: no two drawn
 * labels overlap, none overlaps a marker but its own, each lies wholly
 * inside its frame (the image for metropolitan France, its box for an
 * inset), every leader is capped and crosses no other leader nor another
 * marker; a centre whose label is reported unplaced has no label drawn,
 * and every other one has. Returns the labels drawn. */
static size_t check_drawn_labels(const crpv_map *map, size_t centres)
{
    const crpv_scene *sc = crpv_map_scene(map);
    GPtrArray *labels = g_ptr_array_new(), *discs = g_ptr_array_new(),
              *leaders = g_ptr_array_new();
    for (size_t i = 0; i < crpv_scene_count(sc); i++) {
        const crpv_item *it = crpv_scene_nth(sc, i);
        if (it->role == CRPV_ROLE_LABEL)
            g_ptr_array_add(labels, (gpointer)it);
        else if (it->role == CRPV_ROLE_MARKER && it->kind == CRPV_ITEM_DISC)
            g_ptr_array_add(discs, (gpointer)it);
        else if (it->role == CRPV_ROLE_LEADER)
            g_ptr_array_add(leaders, (gpointer)it);
    }
    assert_int_equal(discs->len, centres);
    crpv_rect whole = {0, 0, crpv_scene_width(sc), crpv_scene_height(sc)};
    for (guint a = 0; a < labels->len; a++) {
        const crpv_item *l = labels->pdata[a];
        crpv_rect frame = l->frame == 0 ? whole : crpv_map_frame_rect(map, (size_t)l->frame);
        if (!(l->box.x0 >= frame.x0 - 1e-6 && l->box.y0 >= frame.y0 - 1e-6 &&
              l->box.x1 <= frame.x1 + 1e-6 && l->box.y1 <= frame.y1 + 1e-6))
            fail_msg("label of %s outside its frame %d", l->key, l->frame);
        for (guint b = a + 1; b < labels->len; b++)
            if (interiors_overlap(l->box, ((const crpv_item *)labels->pdata[b])->box))
                fail_msg("labels of %s and %s overlap", l->key,
                         ((const crpv_item *)labels->pdata[b])->key);
        for (guint d = 0; d < discs->len; d++) {
            const crpv_item *m = discs->pdata[d];
            if (strcmp(m->key, l->key) != 0 && disc_over_rect(m, l->box))
                fail_msg("label of %s over the marker of %s", l->key, m->key);
        }
    }
    for (guint a = 0; a < leaders->len; a++) {
        const crpv_item *l = leaders->pdata[a];
        assert_int_equal(l->shape.n_rings, 1);
        assert_int_equal(l->shape.rings[0].n, 2);
        crpv_point p = l->shape.rings[0].pts[0], q = l->shape.rings[0].pts[1];
        const crpv_item *own = NULL;
        for (guint d = 0; d < discs->len; d++) {
            const crpv_item *m = discs->pdata[d];
            if (strcmp(m->key, l->key) == 0) {
                own = m;
                continue;
            }
            /* Through another marker: its centre nearer the segment than its radius. */
            double dx = q.x - p.x, dy = q.y - p.y;
            double t = fmin(fmax(((m->center.x - p.x) * dx + (m->center.y - p.y) * dy) /
                                     (dx * dx + dy * dy), 0), 1);
            if (hypot(p.x + t * dx - m->center.x, p.y + t * dy - m->center.y) < m->radius)
                fail_msg("leader of %s through the marker of %s", l->key, m->key);
        }
        assert_non_null(own);
        assert_true(hypot(q.x - p.x, q.y - p.y) <=
                    CRPV_LABEL_LEADER_MAX_DIAMETERS * 2 * own->radius + 1e-6);
        for (guint b = a + 1; b < leaders->len; b++) {
            const crpv_item *o = leaders->pdata[b];
            if (segments_cross(p, q, o->shape.rings[0].pts[0], o->shape.rings[0].pts[1]))
                fail_msg("leaders of %s and %s cross", l->key, o->key);
        }
    }
    /* Unplaced: reported, not drawn; the others drawn once. */
    size_t unplaced = 0, number = 0;
    for (const crpv_centre *c; (c = crpv_map_unplaced_label(map, unplaced, &number)); unplaced++) {
        assert_true(number >= 1 && number <= centres);
        for (guint a = 0; a < labels->len; a++)
            assert_string_not_equal(((const crpv_item *)labels->pdata[a])->key, c->id);
    }
    /* The others drawn, but for an overseas centre its inset's caption
     * already names. */
    size_t captioned = 0;
    for (guint d = 0; d < discs->len; d++) {
        const crpv_item *m = discs->pdata[d];
        bool labelled = false, reported = false;
        for (guint a = 0; a < labels->len && !labelled; a++)
            labelled = strcmp(((const crpv_item *)labels->pdata[a])->key, m->key) == 0;
        for (size_t k = 0; k < unplaced && !reported; k++)
            reported = strcmp(crpv_map_unplaced_label(map, k, NULL)->id, m->key) == 0;
        if (!labelled && !reported) {
            assert_true(m->frame > 0);
            captioned++;
        }
    }
    assert_true(captioned <= 5);
    assert_int_equal(labels->len + unplaced + captioned, centres);
    size_t drawn = labels->len;
    g_ptr_array_free(labels, TRUE);
    g_ptr_array_free(discs, TRUE);
    g_ptr_array_free(leaders, TRUE);
    return drawn;
}

/* A dense directory (130 centres, 65 of them in and around Paris) and 60
 * synthetic ones: only clear labels are drawn. */
static void test_drawn_labels_clear(void **state)
{
    (void)state;
    g_autofree char *dense = tu_read_source("tests/data/dense.csv", NULL);
    mapfix *f = mapfix_load_csv(dense);
    size_t n = crpv_directory_count(f->directory);
    assert_int_equal(n, 130);
    g_autoptr(crpv_map) map = crpv_map_compose(&f->in, 540, 0.2, NULL);
    assert_non_null(map);
    size_t drawn = check_drawn_labels(map, n);
    print_message("dense: %zu of %zu labels drawn\n", drawn, n);
    assert_true(drawn >= n * 2 / 3); /* the refusals stay a minority */
    mapfix_free(f);

    mapfix *base = mapfix_load();
    g_autofree char *csv = mapfix_synthetic_csv(base->regions, 60);
    f = mapfix_load_csv(csv);
    g_autoptr(crpv_map) synth = crpv_map_compose(&f->in, 540, 0.2, NULL);
    assert_non_null(synth);
    drawn = check_drawn_labels(synth, 60);
    print_message("60 synthetic: %zu of 60 labels drawn\n", drawn);
    mapfix_free(f);
    /* The shipped directory: every label drawn. */
    g_autoptr(crpv_map) shipped = crpv_map_compose(&base->in, 540, 0.2, NULL);
    check_drawn_labels(shipped, crpv_directory_count(base->directory));
    assert_int_equal(crpv_map_get_stats(shipped).labels_unplaced, 0);
    mapfix_free(base);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_grid_against_search), cmocka_unit_test(test_map_cost_linear),
        cmocka_unit_test(test_limits),              cmocka_unit_test(test_limits_cli),
        cmocka_unit_test(test_layout_cache),        cmocka_unit_test(test_badges_hold_numbers),
        cmocka_unit_test(test_drawn_labels_clear),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
