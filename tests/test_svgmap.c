/* Tests of the svgmap module: a small scene written as SVG, parsed back
 * with libxml2 and inspected with XPath. */
#include "testutil.h"

#include <libxml/parser.h>
#include <libxml/xpath.h>
#include <libxml/xpathInternals.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <hb.h>

#include "brochure.h"
#include "composite.h"
#include "mapfixture.h"
#include "output.h"
#include "scene.h"
#include "svgmap.h"

static const char *const map_title = "Carte des 3 centres de ressources";
static const char *const map_desc = "Les régions <servies> & leurs \"centres\"";

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
    it->title = g_strdup("Observatoire régional");

    it = crpv_scene_add_text(scene, CRPV_ROLE_LABEL, (crpv_rect){200, 140, 300, 160},
                             "Lato Italic 8", "Ligne un\nLigne deux", crpv_color_rgb(0x222222));
    it->uri = g_strdup("javascript:alert(1)");
    it->key = g_strdup("autre"); /* no marker has this key: not a centre's */
    it->title = g_strdup("Deux lignes");

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
    GString *svg;
    xmlDocPtr doc;
    xmlXPathContextPtr xpath;
} parsed;

static parsed parse(GString *svg)
{
    parsed p = {.svg = svg};
    p.doc = xmlReadMemory(svg->str, (int)svg->len, "carte.svg", "UTF-8", XML_PARSE_NONET);
    assert_non_null(p.doc);
    p.xpath = xmlXPathNewContext(p.doc);
    xmlXPathRegisterNs(p.xpath, BAD_CAST "s", BAD_CAST "http://www.w3.org/2000/svg");
    xmlXPathRegisterNs(p.xpath, BAD_CAST "xl", BAD_CAST "http://www.w3.org/1999/xlink");
    return p;
}

static void parsed_free(parsed *p)
{
    xmlXPathFreeContext(p->xpath);
    xmlFreeDoc(p->doc);
    g_string_free(p->svg, TRUE);
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

/* The string value of the first node of EXPR; g_free. */
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

static GString *write_sample(void)
{
    crpv_scene *scene = sample_scene();
    crpv_svgmap_options o = {map_title, map_desc, "Lato", NULL, 800, 600, NULL};
    GString *svg = crpv_svgmap_write(scene, &o);
    crpv_scene_free(scene);
    return svg;
}

static void test_document_head(void **state)
{
    (void)state;
    parsed p = parse(write_sample());
    assert_int_equal(count(&p, "/s:svg"), 1);
    assert_string_at(&p, "/s:svg/@viewBox", "0 0 400 300");
    /* Not role="img", which would hide the links inside from assistive
     * technology; the size is the PNG's, the viewBox scales the rest. */
    assert_int_equal(count(&p, "/s:svg/@role"), 0);
    assert_string_at(&p, "/s:svg/@width", "800");
    assert_string_at(&p, "/s:svg/@height", "600");
    assert_null(strstr(p.svg->str, "@font-face")); /* no fonts given */
    /* The title and the description come first, escaped on the way out
     * and read back intact. */
    assert_string_at(&p, "local-name(/s:svg/*[1])", "title");
    assert_string_at(&p, "local-name(/s:svg/*[2])", "desc");
    assert_string_at(&p, "/s:svg/s:title", map_title);
    /* In French typography. */
    assert_string_at(&p, "/s:svg/s:desc", "Les régions <servies> & leurs «\u202fcentres\u202f»");
    assert_string_at(&p, "/s:svg/@aria-labelledby", "crpv-title crpv-desc");
    char *style = string_of(&p, "/s:svg/s:style");
    assert_non_null(strstr(style, "font-family:'Lato','Helvetica Neue',Arial,sans-serif"));
    g_free(style);
    parsed_free(&p);
}

static void test_links(void **state)
{
    (void)state;
    parsed p = parse(write_sample());
    /* Two regions, the centre, the phone link; never the javascript ones. */
    assert_int_equal(count(&p, "//s:a"), 4);
    assert_string_at(&p, "(//s:a)[1]/@href", "https://exemple.fr/centre?a=1&b=2");
    assert_string_at(&p, "(//s:a)[1]/@xl:href", "https://exemple.fr/centre?a=1&b=2");
    assert_string_at(&p, "(//s:a)[2]/@href", "mailto:contact@exemple.fr");
    assert_string_at(&p, "(//s:a)[3]/@href", "https://oriv.fr");
    assert_string_at(&p, "(//s:a)[4]/@href", "tel:+33388000000");
    assert_int_equal(count(&p, "//s:a/s:path[@class='region']"), 2);
    /* The centre's one link holds its disc, its number and its label,
     * named by the marker's title. */
    assert_int_equal(count(&p, "//s:a/s:circle[@class='marker']"), 1);
    assert_int_equal(count(&p, "(//s:a)[3]/s:text[@class='marker'][.='1']"), 1);
    assert_int_equal(count(&p, "(//s:a)[3]/s:text[@class='label'][.='Centre Val & Loire']"), 1);
    assert_string_at(&p, "(//s:a)[3]/s:title", "1. ORIV");
    assert_string_at(&p, "(//s:a)[3]/@aria-label", "1. ORIV");
    assert_int_equal(count(&p, "//s:a[@aria-hidden]"), 0);
    assert_int_equal(count(&p, "//s:a/s:rect"), 1);
    assert_null(strstr(p.svg->str, "avascript"));
    assert_null(strstr(p.svg->str, "alert"));
    /* Titles are the items' children. */
    assert_string_at(&p, "//s:path[@data-key='11']/s:title",
                     "Île-de-France\u00a0: Centre <Ressources>");
    assert_int_equal(count(&p, "//s:circle/s:title"), 0);
    parsed_free(&p);
}

static void test_texts(void **state)
{
    (void)state;
    parsed p = parse(write_sample());
    assert_int_equal(count(&p, "//s:text"), 4);
    assert_int_equal(count(&p, "//s:text[.='1']"), 1);
    assert_int_equal(count(&p, "//s:text[.='Centre Val & Loire']"), 1);
    assert_int_equal(count(&p, "//s:text[.='Source : IGN, Admin Express — © CRPV']"), 1);
    /* The label: bold, with a halo, its baseline below the box's top. */
    const char *label = "//s:text[.='Centre Val & Loire']";
    char *expr = g_strdup_printf("%s/@font-weight", label);
    assert_string_at(&p, expr, "700");
    g_free(expr);
    expr = g_strdup_printf("%s/@paint-order", label);
    assert_string_at(&p, expr, "stroke");
    g_free(expr);
    expr = g_strdup_printf("%s/@font-size", label);
    assert_string_at(&p, expr, "7.5");
    g_free(expr);
    expr = g_strdup_printf("%s/@y", label);
    char *y = string_of(&p, expr);
    g_free(expr);
    double baseline = strtod(y, NULL);
    g_free(y);
    assert_true(baseline > 66 + 5 && baseline < 75);
    /* The marker's number is centred, the credit aligned right. */
    assert_string_at(&p, "//s:text[.='1']/@text-anchor", "middle");
    assert_string_at(&p, "//s:text[.='1']/@x", "60.25");
    assert_string_at(&p, "//s:text[@class='credit']/@text-anchor", "end");
    assert_string_at(&p, "//s:text[@class='credit']/@x", "390");
    /* Two lines, two tspans a line apart; italic; the javascript link gone
     * but the text kept. */
    assert_int_equal(count(&p, "//s:text/s:tspan"), 2);
    assert_string_at(&p, "//s:text/s:tspan[1]", "Ligne un");
    assert_string_at(&p, "//s:text/s:tspan[2]", "Ligne deux");
    assert_string_at(&p, "//s:tspan/../@font-style", "italic");
    char *y1 = string_of(&p, "//s:text/s:tspan[1]/@y");
    char *y2 = string_of(&p, "//s:text/s:tspan[2]/@y");
    assert_double_near(strtod(y2, NULL) - strtod(y1, NULL), 1.2 * 8, 0.02);
    g_free(y1);
    g_free(y2);
    assert_int_equal(count(&p, "//s:a//s:tspan"), 0);
    /* A text's title sits beside it, in a group, not in its words; inside
     * a centre's link, the link's title names it. */
    assert_int_equal(count(&p, "//s:g[s:text[@id='label-oriv']]"), 0);
    assert_string_at(&p, "//s:g[s:text/s:tspan]/s:title", "Deux lignes");
    assert_int_equal(count(&p, "//s:text//s:title"), 0);
    parsed_free(&p);
}

/* Reads path data made of M, l and z with numbers, back to absolute
 * vertices (in the path's own units), one array per subpath. */
static GPtrArray *read_path(const char *d)
{
    GPtrArray *rings = g_ptr_array_new_with_free_func((GDestroyNotify)g_array_unref);
    GArray *cur = NULL;
    char cmd = 0;
    double x = 0, y = 0;
    const char *s = d;
    while (*s) {
        if (*s == ' ') {
            s++;
            continue;
        }
        if (*s == 'M' || *s == 'l' || *s == 'z') {
            cmd = *s++;
            if (cmd == 'M') {
                cur = g_array_new(FALSE, FALSE, sizeof(crpv_point));
                g_ptr_array_add(rings, cur);
            }
            continue;
        }
        char *end;
        double a = strtod(s, &end);
        assert_true(end > s);
        s = end;
        while (*s == ' ')
            s++;
        double b = strtod(s, &end);
        assert_true(end > s);
        s = end;
        assert_true(cmd == 'M' || cmd == 'l');
        if (cmd == 'M') {
            x = a;
            y = b;
        } else {
            x += a;
            y += b;
        }
        crpv_point pt = {x, y};
        g_array_append_val(cur, pt);
    }
    return rings;
}

static void test_geometry_round_trips(void **state)
{
    (void)state;
    parsed p = parse(write_sample());
    /* Paths are in tenths under scale(.1). */
    assert_string_at(&p, "//s:path[@data-key='11']/@transform", "scale(.1)");
    char *d = string_of(&p, "//s:path[@data-key='11']/@d");
    GPtrArray *rings = read_path(d);
    assert_int_equal(rings->len, 1);
    GArray *r = g_ptr_array_index(rings, 0);
    assert_int_equal(r->len, 4); /* the closing vertex is z's */
    const crpv_point expect[4] = {
        {10.04, 20.06}, {110.04, 20.06}, {110.04, 120.06}, {10.04, 120.06}};
    for (int k = 0; k < 4; k++) {
        crpv_point q = g_array_index(r, crpv_point, k);
        assert_double_near(q.x / 10, expect[k].x, 0.051);
        assert_double_near(q.y / 10, expect[k].y, 0.051);
    }
    assert_non_null(strchr(d, 'z'));
    g_ptr_array_unref(rings);
    g_free(d);

    d = string_of(&p, "//s:path[@data-key='44']/@d");
    rings = read_path(d);
    assert_int_equal(rings->len, 2);
    g_ptr_array_unref(rings);
    g_free(d);
    assert_string_at(&p, "//s:path[@data-key='44']/@fill-rule", "evenodd");
    assert_string_at(&p, "//s:path[@data-key='44']/@fill-opacity", "0.5");
    assert_string_at(&p, "//s:path[@data-key='11']/@fill", "#c8102e");
    assert_string_at(&p, "//s:path[@data-key='11']/@stroke-width", "5"); /* 0.5 pt in tenths */

    /* The border: open, unfilled. */
    d = string_of(&p, "//s:path[@class='border']/@d");
    assert_null(strchr(d, 'z'));
    rings = read_path(d);
    r = g_ptr_array_index(rings, 0);
    assert_int_equal(r->len, 3);
    assert_double_near(g_array_index(r, crpv_point, 1).y, 605.5, 1.01);
    g_ptr_array_unref(rings);
    g_free(d);
    assert_string_at(&p, "//s:path[@class='border']/@fill", "none");

    assert_string_at(&p, "//s:circle/@cx", "60.25");
    assert_string_at(&p, "//s:circle/@cy", "70.5");
    assert_string_at(&p, "//s:circle/@r", "5");
    assert_string_at(&p, "//s:rect[@class='background']/@width", "400");
    parsed_free(&p);
}

static void test_ids_unique_and_deterministic(void **state)
{
    (void)state;
    parsed p = parse(write_sample());
    xmlXPathObjectPtr r = query(&p, "//@id");
    GHashTable *seen = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
    assert_true(r->nodesetval->nodeNr >= 6);
    for (int i = 0; i < r->nodesetval->nodeNr; i++) {
        xmlChar *v = xmlNodeGetContent(r->nodesetval->nodeTab[i]);
        assert_false(g_hash_table_contains(seen, v));
        g_hash_table_add(seen, g_strdup((const char *)v));
        xmlFree(v);
    }
    g_hash_table_destroy(seen);
    xmlXPathFreeObject(r);
    assert_int_equal(count(&p, "//s:text[@class='label'][@data-key='oriv']"), 1);

    GString *again = write_sample();
    assert_string_equal(again->str, p.svg->str);
    g_string_free(again, TRUE);
    parsed_free(&p);
}

static void test_hostile_values(void **state)
{
    (void)state;
    crpv_scene *scene = crpv_scene_new(100, 100);
    crpv_item *it = crpv_scene_add(scene, CRPV_ITEM_SHAPE, CRPV_ROLE_REGION);
    crpv_point pts[6] = {{0, 0}, {NAN, 5}, {50, INFINITY}, {50, 50}, {0, 50}, {0, 0}};
    crpv_shape_add_ring(&it->shape, pts, 6);
    crpv_point flat[4] = {{1, 1}, {1.01, 1}, {1, 1.01}, {1, 1}}; /* nothing once rounded */
    crpv_shape_add_ring(&it->shape, flat, 4);
    it->fill = crpv_color_rgb(0x123456);
    it->key = g_strdup("\"><script>\x01\xff");
    it->title = g_strdup("a\002b\177\357\277\276");
    it->uri = g_strdup("https://x.fr/\"onclick=\"");
    it = crpv_scene_add_text(scene, CRPV_ROLE_LABEL, (crpv_rect){0, 0, 10, 10}, NULL,
                             "Rhône <Alpes", crpv_color_rgb(0));
    it = crpv_scene_add_text(scene, CRPV_ROLE_LABEL, (crpv_rect){0, 0, 10, 10}, "Nope 0", "",
                             crpv_color_rgb(0));
    crpv_scene_add_link(scene, (crpv_rect){0, 0, 10, 10}, " https://x.fr");
    crpv_scene_add_link(scene, (crpv_rect){0, 0, 10, 10}, "https://");
    crpv_svgmap_options o = {"t\x03", NULL, "Bad'}</style><x>", NULL, 0, 0, NULL};
    GString *svg = crpv_svgmap_write(scene, &o);
    crpv_scene_free(scene);
    parsed p = parse(svg);
    /* A quote in a URI is escaped; spaces or nothing after the scheme
     * are refused. */
    assert_int_equal(count(&p, "//s:a"), 1);
    assert_string_at(&p, "//s:a/@href", "https://x.fr/\"onclick=\"");
    assert_int_equal(count(&p, "//s:path"), 1);
    assert_string_at(&p, "//s:path/@d", "M0 0l500 500-500 0z");
    assert_string_at(&p, "//s:path/s:title", "ab");
    assert_string_at(&p, "/s:svg/s:title", "t");
    assert_int_equal(count(&p, "//s:x"), 0);
    assert_int_equal(count(&p, "//s:text"), 1); /* unparsable markup kept as text */
    parsed_free(&p);

    assert_true(crpv_svgmap_uri_allowed("HTTPS://exemple.fr"));
    assert_true(crpv_svgmap_uri_allowed("tel:+33388000000"));
    assert_false(crpv_svgmap_uri_allowed("ftp://exemple.fr"));
    assert_false(crpv_svgmap_uri_allowed("data:text/html,x"));
    assert_false(crpv_svgmap_uri_allowed(NULL));
}

static void test_size_of_a_dense_shape(void **state)
{
    (void)state;
    /* 20,000 vertices on a wiggly circle: the coordinates must stay short. */
    crpv_scene *scene = crpv_scene_new(600, 600);
    crpv_item *it = crpv_scene_add(scene, CRPV_ITEM_SHAPE, CRPV_ROLE_LAND);
    enum { N = 20000 };
    crpv_point *pts = g_new(crpv_point, N + 1);
    for (int k = 0; k < N; k++) {
        double a = 2 * G_PI * k / N, r = 250 + 5 * sin(a * 400);
        pts[k] = (crpv_point){300 + r * cos(a), 300 + r * sin(a)};
    }
    pts[N] = pts[0];
    crpv_shape_add_ring(&it->shape, pts, N + 1);
    g_free(pts);
    it->fill = crpv_color_rgb(0xeeeeee);
    crpv_svgmap_options o = {"t", "d", "Lato", NULL, 0, 0, NULL};
    GString *svg = crpv_svgmap_write(scene, &o);
    crpv_scene_free(scene);
    assert_true(svg->len < 9 * N);
    parsed p = parse(svg);
    char *d = string_of(&p, "//s:path/@d");
    GPtrArray *rings = read_path(d);
    GArray *r = g_ptr_array_index(rings, 0);
    assert_true(r->len > N / 2);
    g_ptr_array_unref(rings);
    g_free(d);
    parsed_free(&p);
}

/* The @font-face rules of SVG: weight, style and the decoded font of each. */
typedef struct {
    int weight;
    bool italic;
    hb_face_t *face;
    hb_blob_t *blob;
} embedded;

static GArray *embedded_fonts(const char *svg)
{
    GArray *fonts = g_array_new(FALSE, TRUE, sizeof(embedded));
    for (const char *s = strstr(svg, "@font-face{"); s; s = strstr(s + 1, "@font-face{")) {
        const char *end = strchr(s, '}');
        assert_non_null(end);
        g_autofree char *rule = g_strndup(s, (gsize)(end - s));
        embedded e = {0};
        const char *w = strstr(rule, "font-weight:");
        assert_non_null(w);
        e.weight = atoi(w + strlen("font-weight:"));
        e.italic = strstr(rule, "font-style:italic") != NULL;
        const char *b = strstr(rule, "base64,");
        assert_non_null(b);
        b += strlen("base64,");
        g_autofree char *b64 = g_strndup(b, (gsize)(strchr(b, ')') - b));
        gsize len = 0;
        guchar *data = g_base64_decode(b64, &len);
        assert_true(len > 100);
        e.blob = hb_blob_create((const char *)data, (unsigned)len, HB_MEMORY_MODE_READONLY, data,
                                g_free);
        e.face = hb_face_create(e.blob, 0);
        assert_true(hb_face_get_glyph_count(e.face) > 1);
        g_array_append_val(fonts, e);
    }
    return fonts;
}

static void embedded_free(GArray *fonts)
{
    for (guint i = 0; i < fonts->len; i++) {
        hb_face_destroy(g_array_index(fonts, embedded, i).face);
        hb_blob_destroy(g_array_index(fonts, embedded, i).blob);
    }
    g_array_free(fonts, TRUE);
}

/* The characters of TEXT are all in FACE, and FACE holds no others. */
static void assert_face_holds(hb_face_t *face, const char *text)
{
    hb_set_t *have = hb_set_create();
    hb_face_collect_unicodes(face, have);
    hb_set_t *want = hb_set_create();
    for (const char *s = text; *s; s = g_utf8_next_char(s))
        if (*s != '\n')
            hb_set_add(want, g_utf8_get_char(s));
    assert_true(hb_set_is_equal(have, want));
    hb_set_destroy(have);
    hb_set_destroy(want);
}

static void test_fonts_embedded(void **state)
{
    (void)state;
    mapfix *f = mapfix_load();
    crpv_scene *scene = sample_scene();
    crpv_svgmap_options o = {map_title, map_desc, "Lato", f->ctx, 800, 600, NULL};
    GString *svg = crpv_svgmap_write(scene, &o);
    /* One subset per face the texts use: Bold (numbers and a label),
     * Italic, Regular (the credit), each holding just their characters. */
    GArray *fonts = embedded_fonts(svg->str);
    assert_int_equal(fonts->len, 3);
    embedded *bold = &g_array_index(fonts, embedded, 0);
    assert_int_equal(bold->weight, 700);
    assert_false(bold->italic);
    assert_face_holds(bold->face, "1Centre Val & Loire");
    embedded *italic = &g_array_index(fonts, embedded, 1);
    assert_int_equal(italic->weight, 400);
    assert_true(italic->italic);
    assert_face_holds(italic->face, "Ligne unLigne deux");
    embedded *regular = &g_array_index(fonts, embedded, 2);
    assert_false(regular->italic);
    assert_face_holds(regular->face, "Source : IGN, Admin Express — © CRPV");
    embedded_free(fonts);
    /* The CSS still parses as part of the document, and the subsets are
     * the same bytes from run to run. */
    parsed p = parse(svg);
    assert_int_equal(count(&p, "/s:svg/s:style"), 1);
    GString *again = crpv_svgmap_write(scene, &o);
    assert_string_equal(again->str, p.svg->str);
    g_string_free(again, TRUE);
    parsed_free(&p);
    crpv_scene_free(scene);
    mapfix_free(f);
}

/* The shipped map's SVG: self-contained, small, one link per centre. */
static void test_shipped_map(void **state)
{
    (void)state;
    mapfix *f = mapfix_load();
    GError *error = NULL;
    g_autoptr(crpv_map) map =
        crpv_map_compose(&f->in, crpv_brochure_map_width(f->style), 0.2, &error);
    assert_non_null(map);
    const crpv_scene *scene = crpv_map_scene(map);
    int w = 0, h = 0;
    crpv_output_png_size(scene, 1200 / crpv_scene_width(scene), &w, &h);
    crpv_svgmap_options o = {"Carte", "Description", "Lato", f->ctx, w, h, f->directory};
    GString *svg = crpv_svgmap_write(scene, &o);
    assert_true(svg->len < 200 * 1000);
    GArray *fonts = embedded_fonts(svg->str);
    assert_true(fonts->len >= 2);
    embedded_free(fonts);
    parsed p = parse(svg);
    assert_string_at(&p, "/s:svg/@width", "1200");
    /* « sans centre » under Corse is italic, as the renderer draws it, and
     * the name above it upright. */
    assert_int_equal(count(&p, "//s:text[@data-key='94']//s:tspan[@font-style='italic']"
                               "[.='sans centre']"),
                     1);
    assert_int_equal(count(&p, "//s:text[@data-key='94'][not(@font-style)]/s:tspan[.='Corse']"), 1);
    /* The centres with a link, from the scene: each has one <a> that a
     * screen reader lists, holding its disc, its number and its label. */
    GHashTable *uris = g_hash_table_new(g_str_hash, g_str_equal);
    size_t linked = 0;
    for (size_t i = 0; i < crpv_scene_count(scene); i++) {
        const crpv_item *it = crpv_scene_nth(scene, i);
        if (it->kind != CRPV_ITEM_DISC || it->role != CRPV_ROLE_MARKER || !it->uri)
            continue;
        linked++;
        g_hash_table_add(uris, it->uri);
        g_autofree char *expr = g_strdup_printf(
            "//s:a[not(@aria-hidden)][s:circle[@class='marker'][@data-key='%s']]", it->key);
        assert_int_equal(count(&p, expr), 1);
        g_free(expr);
        expr = g_strdup_printf("//s:a[not(@aria-hidden)][s:circle[@data-key='%s']]/"
                               "s:text[@class='marker'][.='%s']",
                               it->key, it->text);
        assert_int_equal(count(&p, expr), 1);
    }
    assert_int_equal(linked, 19);
    assert_int_equal(g_hash_table_size(uris), 19);
    assert_int_equal(count(&p, "//s:a[not(@aria-hidden)]"), 19);
    g_hash_table_destroy(uris);
    /* Numbers and labels outside any link: those of centres without one. */
    for (size_t i = 0; i < crpv_scene_count(scene); i++) {
        const crpv_item *it = crpv_scene_nth(scene, i);
        if (it->kind != CRPV_ITEM_DISC || it->role != CRPV_ROLE_MARKER || it->uri)
            continue;
        g_autofree char *expr =
            g_strdup_printf("//s:text[@data-key='%s'][not(ancestor::s:a)]", it->key);
        assert_true(count(&p, expr) >= 1);
    }
    size_t unlinked = (size_t)count(&p, "//s:circle[@class='marker'][not(ancestor::s:a)]");
    assert_int_equal(unlinked, 1);
    assert_int_equal(count(&p, "//s:text[@class='marker'][not(ancestor::s:a)]"), (int)unlinked);
    /* Every other link repeats a centre's, out of the tab order. */
    assert_int_equal(count(&p, "//s:a[@aria-hidden='true'][@tabindex='-1']"),
                     count(&p, "//s:a[@aria-hidden]"));
    /* Préfiguration (Guadeloupe) hatched as in the PNG and the PDF: its
     * path and its legend swatch filled with a pattern that holds the
     * ground and the white stripes. */
    g_autofree char *gua = string_of(&p, "//s:path[@class='region'][@data-key='01']/@fill");
    assert_true(g_str_has_prefix(gua, "url(#crpv-hatch-"));
    g_autofree char *pid = g_strndup(gua + 5, strlen(gua) - 6);
    g_autofree char *pexpr = g_strdup_printf("//s:defs/s:pattern[@id='%s']/s:path/@stroke", pid);
    assert_string_at(&p, pexpr, "#ffffff");
    assert_true(count(&p, "//s:rect[starts-with(@fill,'url(#crpv-hatch-')]") >= 1);
    /* Regions served by several centres link to none and name them all. */
    assert_int_equal(count(&p, "//s:path[@class='region'][@data-key='76'][ancestor::s:a]"), 0);
    g_autofree char *occ = string_of(&p, "//s:path[@class='region'][@data-key='76']/s:title");
    assert_non_null(strstr(occ, "Occitanie\u00a0: 2 centres de ressources"));
    assert_non_null(strstr(occ, "Villes et Territoires (18)"));
    assert_non_null(strstr(occ, "Ressources & Territoires (7)"));
    /* Île-de-France is drawn by départements, on the main map as in its
     * inset: no region shape for it, each département its own. */
    assert_int_equal(count(&p, "//s:path[@class='region'][@data-key='11']"), 0);
    /* A département served by one centre repeats its link. */
    assert_string_at(&p, "//s:a[s:path[@class='departement'][@data-key='93']]/@href",
                     "https://www.professionbanlieue.org");
    parsed_free(&p);
    mapfix_free(f);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_document_head),
        cmocka_unit_test(test_links),
        cmocka_unit_test(test_texts),
        cmocka_unit_test(test_geometry_round_trips),
        cmocka_unit_test(test_ids_unique_and_deterministic),
        cmocka_unit_test(test_hostile_values),
        cmocka_unit_test(test_size_of_a_dense_shape),
        cmocka_unit_test(test_fonts_embedded),
        cmocka_unit_test(test_shipped_map),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
