/* Tests of the weblinks module: one link per centre, from a small scene
 * and a directory given as CSV. */
#include "testutil.h"

#include <string.h>

#include "directory.h"
#include "scene.h"
#include "weblinks.h"

static const char csv[] =
    "id,nom,territoire,regions,departement,site,statut\n"
    "a,Centre A,Occitanie (Toulouse),76,,www.a.fr,actif\n"
    "b,Centre B,Occitanie (Montpellier),76,,www.b.fr,actif\n"
    "c,Centre C,Auvergne-Rhône-Alpes,84,,,prefiguration\n"
    "d,Centre D,Seine-Saint-Denis,11,93,www.d.fr,actif\n";

static void add_square(crpv_item *it, double x, double y)
{
    crpv_point pts[5] = {{x, y}, {x + 10, y}, {x + 10, y + 10}, {x, y + 10}, {x, y}};
    crpv_shape_add_ring(&it->shape, pts, 5);
}

static void add_territory(crpv_scene *s, crpv_role role, const char *key, const char *title,
                          const char *uri)
{
    crpv_item *it = crpv_scene_add(s, CRPV_ITEM_SHAPE, role);
    add_square(it, 0, 0);
    it->key = g_strdup(key);
    it->title = g_strdup(title);
    it->uri = g_strdup(uri);
}

static void add_marker(crpv_scene *s, const char *key, const char *number, const char *uri)
{
    crpv_item *it = crpv_scene_add(s, CRPV_ITEM_DISC, CRPV_ROLE_MARKER);
    it->center = (crpv_point){10, 10};
    it->radius = 4;
    it->key = g_strdup(key);
    it->text = g_strdup(number);
    it->uri = g_strdup(uri);
    it->title = g_strdup_printf("%s. Centre %s : l'exemple", number, key);
    it = crpv_scene_add_text(s, CRPV_ROLE_MARKER, (crpv_rect){8, 8, 12, 12}, "Lato 6", number,
                             crpv_color_rgb(0xffffff));
    it->key = g_strdup(key);
}

/* Items: 0 region 76, 1 region 84, 2 département 93, 3-4 marker a,
 * 5-6 marker b, 7-8 marker c (no link), 9-10 marker d, 11 label a, 12
 * label c, 13 a link box to a's site, 14 one elsewhere, 15 a refused one. */
static crpv_scene *sample(void)
{
    crpv_scene *s = crpv_scene_new(100, 100);
    add_territory(s, CRPV_ROLE_REGION, "76", "Occitanie : Centre A", "https://www.a.fr");
    add_territory(s, CRPV_ROLE_REGION, "84", "Auvergne-Rhône-Alpes : pas de centre", NULL);
    add_territory(s, CRPV_ROLE_DEPARTEMENT, "93", "Seine-Saint-Denis : Centre D",
                  "https://www.d.fr");
    add_marker(s, "a", "1", "https://www.a.fr");
    add_marker(s, "b", "2", "https://www.b.fr");
    add_marker(s, "c", "3", NULL);
    add_marker(s, "d", "4", "https://www.d.fr");
    crpv_item *it = crpv_scene_add_text(s, CRPV_ROLE_LABEL, (crpv_rect){20, 8, 50, 16}, "Lato 7",
                                        "Occitanie (Toulouse)", crpv_color_rgb(0));
    it->key = g_strdup("a");
    it = crpv_scene_add_text(s, CRPV_ROLE_LABEL, (crpv_rect){20, 30, 50, 38}, "Lato 7",
                             "Auvergne-Rhône-Alpes", crpv_color_rgb(0));
    it->key = g_strdup("c");
    crpv_scene_add_link(s, (crpv_rect){0, 90, 10, 95}, "https://www.a.fr");
    crpv_scene_add_link(s, (crpv_rect){0, 90, 10, 95}, "https://ailleurs.fr");
    crpv_scene_add_link(s, (crpv_rect){0, 90, 10, 95}, "javascript:void(0)");
    return s;
}

static void test_with_directory(void **state)
{
    (void)state;
    GError *error = NULL;
    crpv_directory *dir =
        crpv_directory_parse(csv, strlen(csv), "centres.csv", NULL, NULL, NULL, &error);
    assert_non_null(dir);
    crpv_scene *s = sample();
    crpv_weblinks *wl = crpv_weblinks_new(s, dir);

    /* The centres with a link, in the scene's order; c has none. */
    assert_int_equal(crpv_weblinks_centre_count(wl), 3);
    const crpv_web_centre *a = crpv_weblinks_centre(wl, 0);
    assert_string_equal(a->key, "a");
    assert_string_equal(a->uri, "https://www.a.fr");
    assert_string_equal(a->number, "1");
    assert_string_equal(a->name, "1. Centre a\u00a0: l’exemple"); /* French typography */
    /* Its link: disc, number and label. */
    assert_int_equal(a->n_items, 3);
    assert_int_equal(a->items[0], 3);
    assert_int_equal(a->items[1], 4);
    assert_int_equal(a->items[2], 11);
    assert_string_equal(crpv_weblinks_centre(wl, 1)->key, "b");
    assert_string_equal(crpv_weblinks_centre(wl, 2)->key, "d");

    /* Occitanie, served by two centres: no link, a title naming both. */
    const crpv_web_item *occ = crpv_weblinks_item(wl, 0);
    assert_int_equal(occ->link, CRPV_WEB_PLAIN);
    assert_int_equal(occ->served_by, 2);
    assert_string_equal(occ->title,
                        "Occitanie\u00a0: 2 centres de ressources, Centre A (1) et Centre B (2)");
    /* A region whose only centre has no link, and a département with one. */
    const crpv_web_item *ara = crpv_weblinks_item(wl, 1);
    assert_int_equal(ara->link, CRPV_WEB_PLAIN);
    assert_int_equal(ara->served_by, 0);
    assert_string_equal(ara->title, "Auvergne-Rhône-Alpes\u00a0: pas de centre");
    const crpv_web_item *d93 = crpv_weblinks_item(wl, 2);
    assert_int_equal(d93->link, CRPV_WEB_DUPLICATE);
    assert_int_equal(d93->centre, 2);
    /* c's marker and label are nobody's link. */
    for (size_t i = 7; i <= 8; i++)
        assert_int_equal(crpv_weblinks_item(wl, i)->link, CRPV_WEB_PLAIN);
    assert_int_equal(crpv_weblinks_item(wl, 12)->link, CRPV_WEB_PLAIN);
    /* A link box to a's site repeats a's link; another is its own; a
     * refused one is none. */
    assert_int_equal(crpv_weblinks_item(wl, 13)->link, CRPV_WEB_DUPLICATE);
    assert_int_equal(crpv_weblinks_item(wl, 13)->centre, 0);
    assert_int_equal(crpv_weblinks_item(wl, 14)->link, CRPV_WEB_OWN);
    assert_int_equal(crpv_weblinks_item(wl, 15)->link, CRPV_WEB_PLAIN);

    crpv_weblinks_free(wl);
    crpv_scene_free(s);
    crpv_directory_free(dir);
}

static void test_without_directory(void **state)
{
    (void)state;
    crpv_scene *s = sample();
    crpv_weblinks *wl = crpv_weblinks_new(s, NULL);
    assert_int_equal(crpv_weblinks_centre_count(wl), 3);
    /* Without a directory a territory linking to a centre's site repeats
     * that centre's link; who else serves it is unknown. */
    const crpv_web_item *occ = crpv_weblinks_item(wl, 0);
    assert_int_equal(occ->link, CRPV_WEB_DUPLICATE);
    assert_int_equal(occ->centre, 0);
    assert_int_equal(occ->served_by, 0);
    assert_string_equal(occ->title, "Occitanie\u00a0: Centre A");
    assert_int_equal(crpv_weblinks_item(wl, 1)->link, CRPV_WEB_PLAIN);
    crpv_weblinks_free(wl);

    /* A scene without markers has no centre, and every link is its own. */
    crpv_scene *empty = crpv_scene_new(10, 10);
    crpv_scene_add_link(empty, (crpv_rect){0, 0, 5, 5}, "https://x.fr");
    wl = crpv_weblinks_new(empty, NULL);
    assert_int_equal(crpv_weblinks_centre_count(wl), 0);
    assert_int_equal(crpv_weblinks_item(wl, 0)->link, CRPV_WEB_OWN);
    crpv_weblinks_free(wl);
    crpv_scene_free(empty);
    crpv_scene_free(s);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_with_directory),
        cmocka_unit_test(test_without_directory),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
