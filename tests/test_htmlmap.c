/* Tests of the htmlmap module: a small scene written as an HTML fragment,
 * parsed back with libxml2's HTML parser and inspected with XPath. */
#include "testutil.h"

#include <libxml/HTMLparser.h>
#include <libxml/xpath.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "htmlmap.h"
#include "scene.h"

static void add_square(crpv_shape *shape, double x, double y, double side)
{
    crpv_point pts[5] = {{x, y}, {x + side, y}, {x + side, y + side}, {x, y + side}, {x, y}};
    crpv_shape_add_ring(shape, pts, 5);
}

/* Two linked regions (one with a hole), a marker with its number, labels
 * with markup, a forbidden link, a phone link, a border, the credit. */
static crpv_scene *sample_scene(void)
{
    crpv_scene *scene = crpv_scene_new(400, 300);
    crpv_scene_add_rect(scene, CRPV_ROLE_BACKGROUND, (crpv_rect){0, 0, 400, 300},
                        crpv_color_rgb(0xf4f1ea), crpv_color_none(), 0);

    crpv_item *it = crpv_scene_add(scene, CRPV_ITEM_SHAPE, CRPV_ROLE_REGION);
    add_square(&it->shape, 10.04, 20.06, 100);
    it->fill = crpv_color_rgb(0xc8102e);
    it->stroke = crpv_color_rgb(0xffffff);
    it->line_width = 0.5;
    it->uri = g_strdup("https://exemple.fr/centre?a=1&b=2");
    it->title = g_strdup("Île-de-France : Centre <Ressources>");
    it->key = g_strdup("11");

    it = crpv_scene_add(scene, CRPV_ITEM_SHAPE, CRPV_ROLE_REGION);
    add_square(&it->shape, 200, 20, 100);
    add_square(&it->shape, 230, 50, 20); /* a hole */
    it->fill = (crpv_color){0.2, 0.4, 0.6, 0.5};
    it->uri = g_strdup("mailto:contact@exemple.fr");
    it->title = g_strdup("Grand Est");
    it->key = g_strdup("44");

    it = crpv_scene_add(scene, CRPV_ITEM_POLYLINE, CRPV_ROLE_BORDER);
    crpv_point border[3] = {{110, 20}, {150, 60.55}, {200, 20}};
    crpv_shape_add_ring(&it->shape, border, 3);
    it->stroke = crpv_color_rgb(0x888888);
    it->line_width = 0.25;

    it = crpv_scene_add(scene, CRPV_ITEM_DISC, CRPV_ROLE_MARKER);
    it->center = (crpv_point){60.25, 70.5};
    it->radius = 5;
    it->fill = crpv_color_rgb(0x1d3557);
    it->uri = g_strdup("https://oriv.fr");
    it->title = g_strdup("1. ORIV");
    it->key = g_strdup("oriv");
    it->text = g_strdup("1");

    it = crpv_scene_add_text(scene, CRPV_ROLE_MARKER, (crpv_rect){55.25, 66, 65.25, 75},
                             "Lato Bold 7", "1", crpv_color_rgb(0xffffff));
    it->align = 1;
    it->key = g_strdup("oriv");

    it = crpv_scene_add_text(scene, CRPV_ROLE_LABEL, (crpv_rect){67, 66, 140, 75}, "Lato Bold 7.5",
                             "<b>Centre</b> Val &amp; Loire", crpv_color_rgb(0x222222));
    it->halo = true;
    it->key = g_strdup("oriv"); /* same key and role as none before: ids stay unique */

    it = crpv_scene_add_text(scene, CRPV_ROLE_LABEL, (crpv_rect){200, 140, 300, 160},
                             "Lato Italic 8", "Ligne un\nLigne deux", crpv_color_rgb(0x222222));
    it->uri = g_strdup("javascript:alert(1)");
    it->key = g_strdup("oriv");

    crpv_scene_add_link(scene, (crpv_rect){10, 200, 60, 210}, "JavaScript:alert(2)");
    crpv_scene_add_link(scene, (crpv_rect){10, 220, 60, 230}, "tel:+33388000000");
    crpv_scene_add_tag(scene, "Figure");
    crpv_scene_end_tag(scene);

    it =
        crpv_scene_add_text(scene, CRPV_ROLE_CREDIT, (crpv_rect){10, 280, 390, 290}, "Lato 6",
                            "Source : IGN, Admin Express &#8212; © CRPV", crpv_color_rgb(0x555555));
    it->align = 2;
    return scene;
}

typedef struct {
    GString *html;
    htmlDocPtr doc;
    xmlXPathContextPtr xpath;
} parsed;

static parsed parse(GString *html)
{
    parsed p = {.html = html};
    p.doc = htmlReadMemory(html->str, (int)html->len, NULL, "UTF-8",
                           HTML_PARSE_NONET | HTML_PARSE_NOERROR | HTML_PARSE_NOWARNING);
    assert_non_null(p.doc);
    p.xpath = xmlXPathNewContext(p.doc);
    return p;
}

static void parsed_free(parsed *p)
{
    xmlXPathFreeContext(p->xpath);
    xmlFreeDoc(p->doc);
    g_string_free(p->html, TRUE);
}

static xmlXPathObjectPtr query(parsed *p, const char *expr)
{
    xmlXPathObjectPtr r = xmlXPathEvalExpression(BAD_CAST expr, p->xpath);
    assert_non_null(r);
    return r;
}

static int count(parsed *p, const char *expr)
{
    xmlXPathObjectPtr r = query(p, expr);
    int n = r->nodesetval ? r->nodesetval->nodeNr : 0;
    xmlXPathFreeObject(r);
    return n;
}

static char *string_of(parsed *p, const char *expr)
{
    char *full = g_strdup_printf("string(%s)", expr);
    xmlXPathObjectPtr r = query(p, full);
    char *s = g_strdup((const char *)r->stringval);
    xmlXPathFreeObject(r);
    g_free(full);
    return s;
}

static void assert_string_at(parsed *p, const char *expr, const char *expected)
{
    char *s = string_of(p, expr);
    assert_string_equal(s, expected);
    g_free(s);
}

static GString *write_sample(const char *url_2x)
{
    crpv_scene *scene = sample_scene();
    crpv_htmlmap_options o = {"carte.png", url_2x, 800, 600,
                              "Carte des centres & de leurs régions", NULL};
    GString *html = crpv_htmlmap_write(scene, &o);
    crpv_scene_free(scene);
    return html;
}

static void test_image(void **state)
{
    (void)state;
    parsed p = parse(write_sample("carte@2x.png"));
    assert_int_equal(count(&p, "//figure[@class='crpv-carte']/div/img"), 1);
    assert_string_at(&p, "//img/@src", "carte.png");
    /* Widths, so that the browser picks by the width the page gives. */
    assert_string_at(&p, "//img/@srcset", "carte.png 800w, carte@2x.png 1600w");
    assert_string_at(&p, "//img/@sizes", "(max-width: 800px) 100vw, 800px");
    /* No margin of its own, and no wider than the 1x image. */
    assert_string_at(&p, "//figure/@style", "margin:0;max-width:800px");
    assert_string_at(&p, "//img/@width", "800");
    assert_string_at(&p, "//img/@height", "600");
    assert_string_at(&p, "//img/@alt", "Carte des centres & de leurs régions");
    /* The image follows the width it is given; the links lie over it in
     * an SVG of the same proportions, stretched to the same box. */
    assert_string_at(&p, "//img/@style", "display:block;width:100%;max-width:100%;height:auto");
    assert_int_equal(count(&p, "//img/@usemap"), 0);
    assert_int_equal(count(&p, "//figure/div/svg"), 1);
    assert_string_at(&p, "//svg/@viewbox", "0 0 800 600");
    assert_string_at(&p, "//svg/@preserveaspectratio", "none");
    char *style = string_of(&p, "//figure/div/svg/@style");
    assert_non_null(strstr(style, "position:absolute;left:0;top:0;width:100%;height:100%"));
    g_free(style);
    assert_string_at(&p, "//figure/div/@style", "position:relative");
    assert_string_at(&p, "//figure/figcaption", "Source\u00a0: IGN, Admin Express — © CRPV");
    assert_int_equal(count(&p, "//script"), 0);
    parsed_free(&p);

    p = parse(write_sample(NULL));
    assert_int_equal(count(&p, "//img/@srcset"), 0);
    parsed_free(&p);
}

static void test_links(void **state)
{
    (void)state;
    parsed p = parse(write_sample("carte@2x.png"));
    /* The territories first (the lowest), then the phone link, then the
     * centre's one link on top: its marker and both its labels; the
     * javascript links none. */
    assert_int_equal(count(&p, "//svg//a"), 4);
    assert_string_at(&p, "(//a)[1]/@href", "https://exemple.fr/centre?a=1&b=2");
    /* Titles in French typography. */
    assert_string_at(&p, "(//a)[1]/path/title", "Île-de-France\u00a0: Centre <Ressources>");
    assert_string_at(&p, "(//a)[1]/path/@d", "M20 40l200 0 0 200-200 0z");
    assert_string_at(&p, "(//a)[2]/@href", "mailto:contact@exemple.fr");
    assert_string_at(&p, "(//a)[2]/path/@d", "M400 40l200 0 0 200-200 0zM460 100l40 0 0 40-40 0z");
    assert_string_at(&p, "(//a)[3]/@href", "tel:+33388000000");
    assert_string_at(&p, "(//a)[3]/rect/@x", "20");
    assert_string_at(&p, "(//a)[3]/rect/@width", "100");
    assert_string_at(&p, "(//a)[4]/@href", "https://oriv.fr");
    assert_string_at(&p, "(//a)[4]/@aria-label", "1. ORIV");
    assert_string_at(&p, "(//a)[4]/title", "1. ORIV");
    assert_string_at(&p, "(//a)[4]/circle/@cx", "121");
    assert_string_at(&p, "(//a)[4]/circle/@cy", "141");
    assert_string_at(&p, "(//a)[4]/circle/@r", "10.0");
    assert_int_equal(count(&p, "(//a)[4]/rect"), 2);
    assert_string_at(&p, "(//a)[4]/rect[2]/@x", "400");
    assert_string_at(&p, "(//a)[4]/rect[2]/@height", "40");
    assert_null(strstr(p.html->str, "avascript"));
    /* Nothing repeats the centre's link, so nothing is hidden. */
    assert_int_equal(count(&p, "//a[@aria-hidden]"), 0);
    parsed_free(&p);
}

static void test_small_and_hostile(void **state)
{
    (void)state;
    crpv_scene *scene = crpv_scene_new(1000, 1000);
    crpv_item *it = crpv_scene_add(scene, CRPV_ITEM_DISC, CRPV_ROLE_MARKER);
    it->center = (crpv_point){500, 500};
    it->radius = 1;
    it->uri = g_strdup("https://a.fr/\"><script>");
    it->key = g_strdup("a");
    it = crpv_scene_add(scene, CRPV_ITEM_SHAPE, CRPV_ROLE_REGION);
    crpv_point big[5] = {{0, 0}, {500, 0}, {500, 500}, {0, 500}, {0, 0}};
    crpv_point islet[5] = {{700, 700}, {702, 700}, {702, 702}, {700, 702}, {700, 700}};
    crpv_point bad[5] = {{NAN, 0}, {1e300, 0}, {-1e300, 5}, {0, INFINITY}, {NAN, 0}};
    crpv_shape_add_ring(&it->shape, big, 5);
    crpv_shape_add_ring(&it->shape, islet, 5);
    crpv_shape_add_ring(&it->shape, bad, 5);
    it->uri = g_strdup("http://b.fr");
    it = crpv_scene_add(scene, CRPV_ITEM_DISC, CRPV_ROLE_MARKER);
    it->center = (crpv_point){NAN, 5};
    it->radius = 5;
    it->uri = g_strdup("https://c.fr");
    it->key = g_strdup("c");
    crpv_scene_add_link(scene, (crpv_rect){5, 5, 5, 5}, "https://empty.fr");
    crpv_htmlmap_options o = {"a\"b.png", NULL, 100, 100, NULL, NULL};
    GString *html = crpv_htmlmap_write(scene, &o);
    crpv_scene_free(scene);
    parsed p = parse(html);
    /* A marker of a tenth of a pixel still gets a fingertip; the islet of
     * a fifth of a pixel, the garbage ring, the marker nowhere and the
     * empty link get nothing. */
    assert_int_equal(count(&p, "//a"), 2);
    assert_string_at(&p, "(//a)[1]/@href", "http://b.fr");
    assert_string_at(&p, "(//a)[1]/path/@d", "M0 0l50 0 0 50-50 0z");
    assert_string_at(&p, "(//a)[2]/@href", "https://a.fr/\"><script>");
    assert_string_at(&p, "(//a)[2]/circle/@r", "8.0");
    assert_string_at(&p, "(//a)[2]/@aria-label", "a");
    assert_string_at(&p, "//img/@src", "a\"b.png");
    assert_int_equal(count(&p, "//script"), 0);
    assert_int_equal(count(&p, "//figcaption"), 0);
    parsed_free(&p);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_image),
        cmocka_unit_test(test_links),
        cmocka_unit_test(test_small_and_hostile),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
