/* The map's composition, inspected as data: frames, projections, fills,
 * markers and labels, on the shipped data and on a dense directory. */
#include "testutil.h"

#include <math.h>
#include <string.h>

#include "color.h"
#include "composite.h"
#include "labels.h"
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
    /* 12 regions, Île-de-France by its 8 départements as in its inset. */
    assert_int_equal(n_metro, 20);
    double W = crpv_scene_width(crpv_map_scene(map)), H = crpv_scene_height(crpv_map_scene(map));
    for (size_t i = 1; i < 7; i++) {
        crpv_rect fi = crpv_map_frame_rect(map, i);
        /* Frames never cover metropolitan land, nor one another. */
        if (rect_covers(fi, metro, n_metro))
            fail_msg("frame %s covers metropolitan land", crpv_map_frame_code(map, i));
        for (size_t j = i + 1; j < 7; j++)
            assert_false(crpv_rect_intersects(fi, crpv_map_frame_rect(map, j)));
        /* Each territory's outline falls inside its frame. */
        size_t n = 0;
        const crpv_shape *shapes = crpv_map_frame_shapes(map, i, &n);
        assert_true(n >= 1);
        for (size_t s = 0; s < n; s++)
            if (shapes[s].n_rings)
                assert_true(crpv_rect_contains_rect(fi, crpv_shape_bbox(&shapes[s])));
        /* Every frame wholly inside the image, its stroke included, 4
         * points clear of its edges, of the other frames and of the
         * mainland's coasts. */
        assert_true(crpv_rect_contains_rect((crpv_rect){4, 4, W - 4, H - 4},
                                            crpv_rect_inflate(fi, 0.25)));
        for (size_t j = i + 1; j < crpv_map_frame_count(map); j++)
            assert_false(crpv_rect_intersects(crpv_rect_inflate(fi, 4),
                                              crpv_map_frame_rect(map, j)));
        if (rect_covers(crpv_rect_inflate(fi, 4), metro, n_metro))
            fail_msg("frame %s within 4 pt of the mainland", crpv_map_frame_code(map, i));
    }
    /* Overseas insets in INSEE order, with their names. */
    const char *titles[] = {"Guadeloupe", "Martinique", "Guyane", "La Réunion", "Mayotte"};
    const crpv_scene *sc = crpv_map_scene(map);
    for (size_t i = 0; i < 5; i++) {
        bool named = false;
        for (size_t j = 0; j < crpv_scene_count(sc); j++) {
            const crpv_item *it = crpv_scene_nth(sc, j);
            named = named || (it->role == CRPV_ROLE_FRAME_TITLE && it->frame == (int)i + 1 &&
                              strcmp(it->text, titles[i]) == 0);
        }
        assert_true(named);
    }
    size_t n_idf = 0;
    crpv_map_frame_shapes(map, frame_index(map, "idf"), &n_idf);
    assert_int_equal(n_idf, 13); /* its 8 départements, and 5 neighbouring regions */
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
    assert_true(same_color(it->fill, st->served));
    assert_non_null(it->uri);
    /* Served by RésO Villes, based in Nantes. */
    assert_true(same_color(find_item(sc, CRPV_ROLE_REGION, "52", CRPV_ITEM_SHAPE)->fill,
                           st->served));
    assert_true(same_color(find_item(sc, CRPV_ROLE_REGION, "01", CRPV_ITEM_SHAPE)->fill,
                           st->secondary));
    /* Préfiguration hatched, served plain. */
    assert_true(find_item(sc, CRPV_ROLE_REGION, "01", CRPV_ITEM_SHAPE)->hatch.a > 0);
    assert_true(it->hatch.a == 0);
    assert_true(same_color(find_item(sc, CRPV_ROLE_REGION, "94", CRPV_ITEM_SHAPE)->fill,
                           st->neutral));
    const char *served[] = {"75", "93", "95", "91"};
    for (size_t i = 0; i < 4; i++)
        assert_true(same_color(
            find_item(sc, CRPV_ROLE_DEPARTEMENT, served[i], CRPV_ITEM_SHAPE)->fill, st->served));
    assert_true(same_color(find_item(sc, CRPV_ROLE_DEPARTEMENT, "92", CRPV_ITEM_SHAPE)->fill,
                           st->neutral));
    bool credit = false;
    for (size_t i = 0; i < crpv_scene_count(sc); i++) {
        const crpv_item *c = crpv_scene_nth(sc, i);
        if (c->role == CRPV_ROLE_CREDIT && strstr(c->text, "Source : IGN – Admin Express COG 2018")) {
            credit = crpv_rect_contains_rect((crpv_rect){0, 0, 540, crpv_scene_height(sc)},
                                             c->box);
            PangoFontDescription *fd = pango_font_description_from_string(c->font);
            assert_true(pango_font_description_get_size(fd) >= 6 * PANGO_SCALE);
            pango_font_description_free(fd);
        }
    }
    assert_true(credit);
    /* The main map and the inset say the same of every département. */
    size_t idf = frame_index(map, "idf");
    for (size_t i = 0; i < crpv_scene_count(sc); i++) {
        const crpv_item *a = crpv_scene_nth(sc, i);
        if (a->role != CRPV_ROLE_DEPARTEMENT || a->frame != 0)
            continue;
        for (size_t j = 0; j < crpv_scene_count(sc); j++) {
            const crpv_item *b = crpv_scene_nth(sc, j);
            if (b->role == CRPV_ROLE_DEPARTEMENT && b->frame == (int)idf &&
                strcmp(a->key, b->key) == 0)
                assert_true(same_color(a->fill, b->fill));
        }
    }
    /* Corse, without a centre, is named as such. */
    const crpv_item *corse = find_item(sc, CRPV_ROLE_PLACE_NAME, "94", CRPV_ITEM_TEXT);
    assert_non_null(corse);
    assert_non_null(strstr(corse->text, "Corse"));
    assert_non_null(strstr(corse->text, "sans centre"));
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
        } else if (it->role == CRPV_ROLE_LABEL || it->role == CRPV_ROLE_PLACE_NAME) {
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
    /* A label is nearer its own marker than any other, or has a leader. */
    for (guint a = 0; a < labels->len; a++) {
        const crpv_item *la = &g_array_index(labels, crpv_item, a);
        if (la->role == CRPV_ROLE_PLACE_NAME ||
            find_item(sc, CRPV_ROLE_LEADER, la->key, CRPV_ITEM_POLYLINE))
            continue;
        double own = INFINITY, other = INFINITY;
        for (guint d = 0; d < discs->len; d++) {
            const crpv_item *di = &g_array_index(discs, crpv_item, d);
            crpv_point q = {fmax(la->box.x0, fmin(di->center.x, la->box.x1)),
                            fmax(la->box.y0, fmin(di->center.y, la->box.y1))};
            double dist = hypot(q.x - di->center.x, q.y - di->center.y) - di->radius;
            if (strcmp(di->key, la->key) == 0)
                own = dist;
            else
                other = fmin(other, dist);
        }
        if (!(own < other))
            fail_msg("label of %s %.1f pt from its marker, %.1f from another", la->key, own,
                     other);
    }
    /* No marker touches a frame's title. */
    for (size_t i = 0; i < crpv_scene_count(sc); i++) {
        const crpv_item *t = crpv_scene_nth(sc, i);
        if (t->role != CRPV_ROLE_FRAME_TITLE)
            continue;
        for (guint d = 0; d < discs->len; d++) {
            const crpv_item *di = &g_array_index(discs, crpv_item, d);
            assert_false(crpv_rect_intersects_disc(t->box, di->center, di->radius + 0.5));
        }
    }
    g_array_free(discs, TRUE);
    g_array_free(labels, TRUE);
    assert_int_equal(crpv_map_get_stats(map).labels_unplaced, 0);
    assert_null(crpv_map_unplaced_label(map, 0, NULL));
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
    /* Up to more than twice the network, in metropolitan France alone. */
    const size_t sizes[] = {20, 30, 45};
    for (size_t i = 0; i < G_N_ELEMENTS(sizes); i++) {
        g_autofree char *csv = mapfix_synthetic_csv(base->regions, sizes[i]);
        mapfix *f = mapfix_load_csv(csv);
        assert_int_equal(crpv_directory_count(f->directory), sizes[i]);
        g_autoptr(crpv_map) map = crpv_map_compose(&f->in, 540, 0.2, NULL);
        assert_non_null(map);
        check_markers_and_labels(f, map);
        mapfix_free(f);
    }
    mapfix_free(base);
}


/* QUALITY.md's contrasts, computed from the scene's own colours: the fill
 * classes 3:1 apart under normal vision, deuteranopia and protanopia; every
 * text 4.5:1 on what lies under it, or drawn with a halo; and on the shipped
 * data, no label needs one. */
static void test_contrasts(void **state)
{
    (void)state;
    mapfix *f = mapfix_load();
    g_autoptr(crpv_map) map = crpv_map_compose(&f->in, 540, 0.2, NULL);
    const crpv_scene *sc = crpv_map_scene(map);
    /* Each class's look: a fill, and for préfiguration stripes over it. */
    GArray *looks = g_array_new(FALSE, FALSE, sizeof(const crpv_item *));
    for (size_t i = 0; i < crpv_scene_count(sc); i++) {
        const crpv_item *it = crpv_scene_nth(sc, i);
        if (it->role != CRPV_ROLE_REGION && it->role != CRPV_ROLE_DEPARTEMENT)
            continue;
        bool known = false;
        for (guint j = 0; j < looks->len; j++) {
            const crpv_item *o = g_array_index(looks, const crpv_item *, j);
            known = known || (same_color(o->fill, it->fill) && same_color(o->hatch, it->hatch));
        }
        if (!known)
            g_array_append_val(looks, it);
    }
    assert_int_equal(looks->len, 3); /* served, in préfiguration, none */
    size_t hatched = 0;
    for (guint a = 0; a < looks->len; a++) {
        const crpv_item *x = g_array_index(looks, const crpv_item *, a);
        if (x->hatch.a == 0)
            continue;
        hatched++;
        /* Stripes seen at all: 3:1 from their ground, under each vision. */
        assert_true(crpv_color_contrast_all(x->hatch, x->fill) >= 3.0);
        assert_true(x->hatch_width > 0.5 && x->hatch_step > 2 * x->hatch_width);
    }
    assert_int_equal(hatched, 1);
    for (guint a = 0; a < looks->len; a++)
        for (guint b = a + 1; b < looks->len; b++) {
            const crpv_item *x = g_array_index(looks, const crpv_item *, a);
            const crpv_item *y = g_array_index(looks, const crpv_item *, b);
            if (y->hatch.a > 0) {
                const crpv_item *t = x;
                x = y;
                y = t;
            }
            /* Two plain fills: 3:1 apart. A hatched patch and a plain one:
             * the eye tells them apart by a texture the plain one lacks
             * when their grounds match (the stripes being 3:1 from the
             * ground, checked above), else by the grounds, 3:1 apart. The
             * patch's mean colour is no measure of it: a pattern is a
             * class separator of its own. */
            double c = crpv_color_contrast_all(x->fill, y->fill);
            bool texture = x->hatch.a > 0 && same_color(x->fill, y->fill);
            if (!texture && c < 3.0)
                fail_msg("looks %u and %u at %.2f:1", a, b, c);
        }
    /* Préfiguration reads as less than served: between served and none in
     * its mean luminance (the stripes' share of the area in white). */
    const crpv_item *pref = NULL, *served = NULL, *none = NULL;
    for (guint a = 0; a < looks->len; a++) {
        const crpv_item *x = g_array_index(looks, const crpv_item *, a);
        if (x->hatch.a > 0)
            pref = x;
        else if (same_color(x->fill, f->style->neutral))
            none = x;
        else
            served = x;
    }
    assert_non_null(pref);
    assert_non_null(served);
    assert_non_null(none);
    double share = pref->hatch_width / pref->hatch_step;
    double mean = (1 - share) * crpv_color_luminance(pref->fill) +
                  share * crpv_color_luminance(pref->hatch);
    assert_true(mean > crpv_color_luminance(served->fill));
    assert_true(mean < crpv_color_luminance(none->fill));
    /* "No centre" stands out from the page it lies on: its fill and,
     * above all, its outline (3:1, WCAG's bar for a shape's boundary). */
    crpv_color page = crpv_scene_color_at(sc, (crpv_point){1, crpv_scene_height(sc) / 2}, 0);
    assert_true(crpv_color_contrast_all(none->fill, page) >= 1.15);
    assert_true(crpv_color_contrast_all(none->stroke, page) >= 3.0);
    /* The legend shows each class as the map does. */
    for (guint a = 0; a < looks->len; a++) {
        const crpv_item *x = g_array_index(looks, const crpv_item *, a);
        bool shown = false;
        for (size_t i = 0; i < crpv_scene_count(sc); i++) {
            const crpv_item *it = crpv_scene_nth(sc, i);
            shown = shown || (it->role == CRPV_ROLE_LEGEND && it->kind == CRPV_ITEM_RECT &&
                              same_color(it->fill, x->fill) && same_color(it->hatch, x->hatch) &&
                              it->hatch_width == x->hatch_width &&
                              it->hatch_step == x->hatch_step && same_color(it->stroke, x->stroke));
        }
        assert_true(shown);
    }
    g_array_free(looks, TRUE);
    size_t labels = 0, halos = 0;
    for (size_t i = 0; i < crpv_scene_count(sc); i++) {
        const crpv_item *t = crpv_scene_nth(sc, i);
        if (t->kind != CRPV_ITEM_TEXT)
            continue;
        double worst = INFINITY;
        for (int gy = 0; gy <= 4; gy++)
            for (int gx = 0; gx <= 8; gx++) {
                crpv_point p = {t->box.x0 + gx / 8.0 * (t->box.x1 - t->box.x0),
                                t->box.y0 + gy / 4.0 * (t->box.y1 - t->box.y0)};
                p.x = fmin(fmax(p.x, t->box.x0 + 0.2), t->box.x1 - 0.2);
                p.y = fmin(fmax(p.y, t->box.y0 + 0.2), t->box.y1 - 0.2);
                worst = fmin(worst, crpv_color_contrast_all(t->fill, crpv_scene_color_at(sc, p, i)));
            }
        if (worst < 4.5 && !t->halo)
            fail_msg("« %s » at %.2f:1 on its ground, without a halo", t->text, worst);
        if (t->role == CRPV_ROLE_LABEL) {
            labels++;
            halos += t->halo;
        }
    }
    assert_int_equal(labels, 15); /* 20 centres, five named by their inset's caption */
    assert_int_equal(halos, 0);
    mapfix_free(f);

    /* A dark fill chosen in the style: the labels on it get a halo, those
     * elsewhere none. */
    f = mapfix_load();
    const char *ini = "[couleurs]\nactif = #2a2a2a\n";
    crpv_style_free(f->style);
    f->style = crpv_style_parse(ini, strlen(ini), "style.ini", NULL);
    f->in.style = f->style;
    g_autoptr(crpv_map) dark = crpv_map_compose(&f->in, 540, 0.2, NULL);
    sc = crpv_map_scene(dark);
    const crpv_item *on_dark = find_item(sc, CRPV_ROLE_LABEL, "labo-cites", CRPV_ITEM_TEXT);
    assert_true(on_dark->halo);
    const crpv_item *corse = find_item(sc, CRPV_ROLE_PLACE_NAME, "94", CRPV_ITEM_TEXT);
    assert_false(corse->halo);
    mapfix_free(f);
}

/* The Île-de-France inset: at least 4 times the mainland's scale, each of
 * its centres' markers and labels inside the frame, Paris visible. */
static void test_idf_inset(void **state)
{
    (void)state;
    mapfix *f = mapfix_load();
    g_autoptr(crpv_map) map = crpv_map_compose(&f->in, 540, 0.2, NULL);
    const crpv_scene *sc = crpv_map_scene(map);
    size_t idf = frame_index(map, "idf");
    if (crpv_map_frame_scale(map, idf) < 4.0 * crpv_map_frame_scale(map, 0))
        fail_msg("inset at %.2f x", crpv_map_frame_scale(map, idf) / crpv_map_frame_scale(map, 0));
    crpv_rect fr = crpv_map_frame_rect(map, idf);
    crpv_point paris;
    assert_true(crpv_map_locate(map, idf, 2.3522, 48.8566, &paris));
    assert_true(crpv_rect_contains_point(crpv_rect_inflate(fr, -10), paris));
    const char *ids[] = {"profession-banlieue", "pole-ressources-95", "crpve-91",
                         "pole-ressources-paris"};
    for (size_t i = 0; i < G_N_ELEMENTS(ids); i++) {
        const crpv_item *d = find_item(sc, CRPV_ROLE_MARKER, ids[i], CRPV_ITEM_DISC);
        const crpv_item *l = find_item(sc, CRPV_ROLE_LABEL, ids[i], CRPV_ITEM_TEXT);
        assert_non_null(d);
        assert_non_null(l);
        assert_int_equal(d->frame, (int)idf);
        assert_true(crpv_rect_contains_rect(fr, d->box));
        assert_true(crpv_rect_contains_rect(fr, l->box));
    }
    assert_non_null(find_item(sc, CRPV_ROLE_DEPARTEMENT, "75", CRPV_ITEM_SHAPE));
    /* The départements with a centre shown whole: none cut by the frame. */
    const char *served[] = {"75", "91", "93", "95"};
    for (size_t i = 0; i < crpv_scene_count(sc); i++) {
        const crpv_item *it = crpv_scene_nth(sc, i);
        if (it->role != CRPV_ROLE_DEPARTEMENT || it->frame != (int)idf)
            continue;
        for (size_t j = 0; j < G_N_ELEMENTS(served); j++)
            if (strcmp(it->key, served[j]) == 0 &&
                !crpv_rect_contains_rect(crpv_rect_inflate(fr, -0.5), it->box))
                fail_msg("département %s cut by the inset's frame", it->key);
    }
    /* Around them, the neighbouring regions in their class's colour, as on
     * the main map: Hauts-de-France served. */
    bool neighbour = false;
    for (size_t i = 0; i < crpv_scene_count(sc); i++) {
        const crpv_item *it = crpv_scene_nth(sc, i);
        neighbour = neighbour || (it->role == CRPV_ROLE_REGION && it->frame == (int)idf &&
                                  strcmp(it->key, "32") == 0 && same_color(it->fill, f->style->served));
    }
    assert_true(neighbour);
    /* The box on the main map is the inset's window exactly: a place falls
     * at the same fraction of both. */
    const crpv_item *box = find_item(sc, CRPV_ROLE_FRAME, "zoom-idf", CRPV_ITEM_RECT);
    assert_non_null(box);
    double ratio = crpv_map_frame_scale(map, idf) / crpv_map_frame_scale(map, 0);
    const double places[][2] = {{2.3522, 48.8566}, {2.0761, 49.0364}, {2.4411, 48.6289}};
    crpv_rect content = {fr.x0, fr.y0, fr.x1, fr.y1};
    for (size_t i = 0; i < G_N_ELEMENTS(places); i++) {
        crpv_point a, b;
        assert_true(crpv_map_locate(map, idf, places[i][0], places[i][1], &a));
        assert_true(crpv_map_locate(map, 0, places[i][0], places[i][1], &b));
        assert_double_near((a.x - content.x0) / ratio, b.x - box->box.x0, 0.05);
        assert_double_near((content.y1 - a.y) / ratio, box->box.y1 - b.y, 0.05);
    }
    assert_double_near(crpv_rect_width(box->box) * ratio, crpv_rect_width(fr), 0.05);
    mapfix_free(f);
}

/* Overseas insets at different scales carry the note; the legend shows
 * every symbol used and only those. */
static void test_note_and_legend(void **state)
{
    (void)state;
    mapfix *f = mapfix_load();
    g_autoptr(crpv_map) map = crpv_map_compose(&f->in, 540, 0.2, NULL);
    const crpv_scene *sc = crpv_map_scene(map);
    double lo = INFINITY, hi = 0;
    for (size_t i = 1; i < crpv_map_frame_count(map); i++)
        if (strcmp(crpv_map_frame_code(map, i), "idf") != 0) {
            lo = fmin(lo, crpv_map_frame_scale(map, i));
            hi = fmax(hi, crpv_map_frame_scale(map, i));
        }
    assert_true(hi > lo * 1.02);
    bool note = false, pref_marker = false, actif_marker = false;
    for (size_t i = 0; i < crpv_scene_count(sc); i++) {
        const crpv_item *it = crpv_scene_nth(sc, i);
        note = note || (it->role == CRPV_ROLE_NOTE && strcmp(it->text, "Échelles différentes") == 0);
        if (it->role == CRPV_ROLE_MARKER && it->kind == CRPV_ITEM_DISC) {
            pref_marker = pref_marker || same_color(it->fill, crpv_color_rgb(0xffffff));
            actif_marker = actif_marker || same_color(it->fill, f->style->marker);
        }
    }
    assert_true(note);
    assert_true(pref_marker && actif_marker);
    /* Legend fills: exactly the territories' fills. */
    for (size_t i = 0; i < crpv_scene_count(sc); i++) {
        const crpv_item *it = crpv_scene_nth(sc, i);
        if (it->role == CRPV_ROLE_LEGEND && it->kind == CRPV_ITEM_RECT &&
            strcmp(it->key, "locator") != 0) {
            bool used = false;
            for (size_t j = 0; j < crpv_scene_count(sc); j++) {
                const crpv_item *t = crpv_scene_nth(sc, j);
                used = used || ((t->role == CRPV_ROLE_REGION || t->role == CRPV_ROLE_DEPARTEMENT) &&
                                same_color(t->fill, it->fill));
            }
            assert_true(used);
        }
    }
    const crpv_color classes[] = {f->style->served, f->style->secondary, f->style->neutral};
    for (size_t c = 0; c < 3; c++) {
        bool shown = false;
        for (size_t i = 0; i < crpv_scene_count(sc); i++) {
            const crpv_item *it = crpv_scene_nth(sc, i);
            shown = shown || (it->role == CRPV_ROLE_LEGEND && it->kind == CRPV_ITEM_RECT &&
                              same_color(it->fill, classes[c]));
        }
        assert_true(shown);
    }
    assert_non_null(find_item(sc, CRPV_ROLE_LEGEND, "marker-actif", CRPV_ITEM_DISC));
    /* The legend's markers as large as the map's, with the same ring. */
    const crpv_item *lm = find_item(sc, CRPV_ROLE_LEGEND, "marker-actif", CRPV_ITEM_DISC);
    const crpv_item *mm = find_item(sc, CRPV_ROLE_MARKER, "profession-banlieue", CRPV_ITEM_DISC);
    assert_double_near(lm->radius, mm->radius, 1e-9);
    assert_double_near(lm->line_width, mm->line_width, 1e-9);
    assert_true(mm->line_width >= 1.0);
    assert_non_null(find_item(sc, CRPV_ROLE_LEGEND, "marker-prefiguration", CRPV_ITEM_DISC));
    assert_null(find_item(sc, CRPV_ROLE_LEGEND, "marker-muted", CRPV_ITEM_DISC));
    /* The box round the enlarged part of Île-de-France is explained. */
    assert_non_null(find_item(sc, CRPV_ROLE_FRAME, "zoom-idf", CRPV_ITEM_RECT));
    assert_non_null(find_item(sc, CRPV_ROLE_LEGEND, "locator", CRPV_ITEM_RECT));
    mapfix_free(f);

    /* Without a centre in préfiguration, neither its fill nor its marker. */
    mapfix *base = mapfix_load();
    g_autofree char *csv = mapfix_synthetic_csv(base->regions, 12);
    mapfix_free(base);
    f = mapfix_load_csv(csv);
    g_autoptr(crpv_map) m2 = crpv_map_compose(&f->in, 540, 0.2, NULL);
    sc = crpv_map_scene(m2);
    assert_null(find_item(sc, CRPV_ROLE_LEGEND, "marker-prefiguration", CRPV_ITEM_DISC));
    for (size_t i = 0; i < crpv_scene_count(sc); i++) {
        const crpv_item *it = crpv_scene_nth(sc, i);
        assert_false(it->role == CRPV_ROLE_LEGEND && it->kind == CRPV_ITEM_RECT &&
                     it->hatch.a > 0);
    }
    mapfix_free(f);
}

/* A map made for one centre: its territory and marker in colour, the
 * others muted; an unknown centre is an error. */
static void test_map_for_centre(void **state)
{
    (void)state;
    mapfix *f = mapfix_load();
    g_autoptr(GError) error = NULL;
    g_autoptr(crpv_map) map = crpv_map_compose_for(&f->in, "profession-banlieue", 540, 0.2, &error);
    assert_non_null(map);
    const crpv_scene *sc = crpv_map_scene(map);
    for (size_t i = 0; i < crpv_scene_count(sc); i++) {
        const crpv_item *it = crpv_scene_nth(sc, i);
        if (it->role == CRPV_ROLE_DEPARTEMENT || it->role == CRPV_ROLE_REGION)
            assert_true(same_color(it->fill, it->role == CRPV_ROLE_DEPARTEMENT &&
                                                     strcmp(it->key, "93") == 0
                                                 ? f->style->served
                                                 : f->style->neutral));
        if (it->role == CRPV_ROLE_MARKER && it->kind == CRPV_ITEM_DISC)
            assert_true(strcmp(it->key, "profession-banlieue") == 0
                            ? same_color(it->fill, f->style->marker)
                            : !same_color(it->fill, f->style->marker));
    }
    check_markers_and_labels(f, map);
    crpv_map *none = crpv_map_compose_for(&f->in, "inconnu", 540, 0.2, &error);
    assert_null(none);
    assert_non_null(strstr(error->message, "inconnu"));
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

/* Labels read on one ground: each label's box sampled on a 6 x 3 grid, a
 * point is "own" over its centre's territory or over the sea (the frame's
 * background), "foreign" over another territory. Most labels lie wholly
 * on their own ground, and none mostly over another territory (the
 * reviewer's Occitanie label over Provence). */
static void test_labels_on_own_ground(void **state)
{
    (void)state;
    mapfix *f = mapfix_load();
    g_autoptr(crpv_map) map = crpv_map_compose(&f->in, 540, 0.2, NULL);
    const crpv_scene *sc = crpv_map_scene(map);
    size_t labels = 0, clean = 0;
    /* Inner Paris's départements are smaller than their names at any
     * legible scale: the inset's labels are left out. */
    int idf = (int)frame_index(map, "idf");
    for (size_t i = 0; i < crpv_scene_count(sc); i++) {
        const crpv_item *t = crpv_scene_nth(sc, i);
        if (t->role != CRPV_ROLE_LABEL || t->kind != CRPV_ITEM_TEXT || t->frame == idf)
            continue;
        const crpv_centre *c = NULL;
        for (size_t d = 0; d < crpv_directory_count(f->directory); d++)
            if (strcmp(crpv_directory_nth(f->directory, d)->id, t->key) == 0)
                c = crpv_directory_nth(f->directory, d);
        assert_non_null(c);
        int foreign = 0;
        for (int gy = 0; gy < 3; gy++)
            for (int gx = 0; gx < 6; gx++) {
                crpv_point q = {t->box.x0 + (gx + 0.5) / 6 * crpv_rect_width(t->box),
                                t->box.y0 + (gy + 0.5) / 3 * crpv_rect_height(t->box)};
                const crpv_item *under = NULL;
                for (size_t j = 0; j < crpv_scene_count(sc); j++) {
                    const crpv_item *g = crpv_scene_nth(sc, j);
                    if ((g->role == CRPV_ROLE_REGION || g->role == CRPV_ROLE_DEPARTEMENT) &&
                        g->frame == t->frame && crpv_rect_contains_point(g->box, q) &&
                        crpv_shape_contains(&g->shape, q))
                        under = g;
                }
                bool own = !under ||
                           (under->role == CRPV_ROLE_DEPARTEMENT
                                ? g_strcmp0(c->departement, under->key) == 0
                                : crpv_centre_serves_region(c, under->key));
                foreign += !own;
            }
        labels++;
        clean += foreign == 0;
        if (foreign > 18 / 3)
            fail_msg("label of %s a third or more over another territory (%d/18)", t->key,
                     foreign);
    }
    assert_true(labels >= 10);
    if (clean * 4 < labels * 3)
        fail_msg("%zu of %zu labels on their own ground alone", clean, labels);
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
        cmocka_unit_test(test_contrasts),
        cmocka_unit_test(test_idf_inset),
        cmocka_unit_test(test_labels_on_own_ground),
        cmocka_unit_test(test_note_and_legend),
        cmocka_unit_test(test_map_for_centre),
        cmocka_unit_test(test_simplification_scales),
        cmocka_unit_test(test_title_and_description),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
