/* The web map in a real browser: Chromium, headless. The fragment is put
 * in plain pages 1200, 700 and 360 pixels wide and hit at each marker's
 * drawn position, computed from the composed scene; carte.svg is drawn
 * without the project's fonts installed and compared with carte.png.
 * Skipped (exit code 77) when chromium is not installed. */
#include "testutil.h"

#include <cairo.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "brochure.h"
#include "composite.h"
#include "mapfixture.h"
#include "svgmap.h"

/* The widths of the pages the fragment is put in, and the heights of
 * their windows (enough to show the whole map without scrolling). */
static const int widths[] = {1600, 1200, 700, 360};
static const int heights[] = {1300, 1000, 600, 400};

typedef struct {
    char *chromium; /* NULL when absent */
    char *dir;      /* crpv map's outputs, pages, profile */
    mapfix *fix;
    crpv_map *map;
} fixture;

static int setup(void **state)
{
    fixture *f = g_new0(fixture, 1);
    f->chromium = g_find_program_in_path("chromium");
    if (f->chromium) {
        f->dir = tu_tmpdir();
        const char *argv[] = {"map", "-q", "--out", f->dir, NULL};
        if (tu_run_crpv(NULL, NULL, NULL, argv) != 0)
            return -1;
        f->fix = mapfix_load();
        /* The program's composition: the brochure's width, its tolerance. */
        f->map = crpv_map_compose(&f->fix->in, crpv_brochure_map_width(f->fix->style), 0.2, NULL);
        if (!f->map)
            return -1;
        /* A font set without Lato: the SVG must bring its own. */
        g_autofree char *conf = g_strdup_printf(
            "<?xml version=\"1.0\"?>\n<!DOCTYPE fontconfig SYSTEM \"fonts.dtd\">\n"
            "<fontconfig><dir>/usr/share/fonts</dir><cachedir>%s/fc-cache</cachedir>"
            "<selectfont><rejectfont><pattern><patelt name=\"family\"><string>Lato</string>"
            "</patelt></pattern></rejectfont></selectfont></fontconfig>\n",
            f->dir);
        g_free(tu_write_file(f->dir, "fonts.conf", conf, strlen(conf)));
    }
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    fixture *f = *state;
    crpv_map_free(f->map);
    if (f->fix)
        mapfix_free(f->fix);
    if (f->dir)
        tu_rmtree(f->dir);
    g_free(f->dir);
    g_free(f->chromium);
    g_free(f);
    return 0;
}

/* Runs headless Chromium on the file NAME of the fixture's folder in a
 * window of W x H with the NULL-terminated EXTRA arguments; returns what
 * it prints (g_free), or fails the test. */
static char *chromium(const fixture *f, const char *name, int w, int h, const char *const *extra)
{
    g_autofree char *profile = g_build_filename(f->dir, "profile", NULL);
    tu_rmtree(profile);
    g_autofree char *file = g_build_filename(f->dir, name, NULL);
    g_autofree char *url = g_filename_to_uri(file, NULL, NULL);
    g_autofree char *user_dir = g_strconcat("--user-data-dir=", profile, NULL);
    g_autofree char *size = g_strdup_printf("--window-size=%d,%d", w, h);
    GPtrArray *argv = g_ptr_array_new();
    const char *fixed[] = {f->chromium, "--headless", "--no-sandbox", "--disable-gpu",
                           "--disable-quic", "--no-first-run", "--disable-background-networking",
                           "--disable-component-update", "--disable-sync", "--hide-scrollbars",
                           "--force-device-scale-factor=1", user_dir, size};
    for (size_t i = 0; i < G_N_ELEMENTS(fixed); i++)
        g_ptr_array_add(argv, (char *)fixed[i]);
    for (size_t i = 0; extra[i]; i++)
        g_ptr_array_add(argv, (char *)extra[i]);
    g_ptr_array_add(argv, url);
    g_ptr_array_add(argv, NULL);
    g_autofree char *conf = g_build_filename(f->dir, "fonts.conf", NULL);
    char **env = g_environ_setenv(g_get_environ(), "FONTCONFIG_FILE", conf, TRUE);
    char *out = NULL;
    int status = 0;
    GError *error = NULL;
    gboolean ok = g_spawn_sync(f->dir, (char **)argv->pdata, env, G_SPAWN_STDERR_TO_DEV_NULL,
                               NULL, NULL, &out, NULL, &status, &error);
    g_strfreev(env);
    g_ptr_array_free(argv, TRUE);
    if (!ok)
        fail_msg("chromium: %s", error->message);
    if (!g_spawn_check_wait_status(status, NULL))
        fail_msg("chromium failed");
    return out;
}

/* The centres' markers with a link, from the scene: their disc's centre
 * and radius as fractions of the map's width and height, and the link. */
typedef struct {
    double fx, fy, frx, fry;
    const char *uri;
    const char *key;
} target;

static GArray *targets(const crpv_scene *scene)
{
    GArray *t = g_array_new(FALSE, FALSE, sizeof(target));
    double w = crpv_scene_width(scene), h = crpv_scene_height(scene);
    for (size_t i = 0; i < crpv_scene_count(scene); i++) {
        const crpv_item *it = crpv_scene_nth(scene, i);
        if (it->kind != CRPV_ITEM_DISC || it->role != CRPV_ROLE_MARKER ||
            !crpv_svgmap_uri_allowed(it->uri))
            continue;
        target x = {it->center.x / w, it->center.y / h, it->radius / w, it->radius / h, it->uri,
                    it->key};
        g_array_append_val(t, x);
    }
    return t;
}

/* TEXT escaped for a double-quoted attribute (srcdoc) or a JS string. */
static void append_attr(GString *out, const char *text)
{
    crpv_svgmap_append_escaped(out, text);
}

/* The test page: the fragment in three plain pages, as iframes of the
 * widths above, and a script (the test's, not the fragment's) that hits
 * each marker's centre and four points around it at 0.6 of its radius,
 * and lists the links a screen reader would. */
static char *test_page(const char *fragment, const char *svg, GArray *t)
{
    GString *doc = g_string_new("<!DOCTYPE html><html lang=\"fr\"><head><meta charset=\"utf-8\">"
                                "<style>img{max-width:100%}</style></head><body>");
    g_string_append(doc, fragment);
    g_string_append(doc, "</body></html>");
    GString *page = g_string_new("<!DOCTYPE html><html><head><meta charset=\"utf-8\"></head>"
                                 "<body style=\"margin:0;display:flex;align-items:flex-start\">");
    for (size_t i = 0; i < G_N_ELEMENTS(widths); i++) {
        g_string_append_printf(page,
                               "<iframe width=\"%d\" height=\"%d\" style=\"border:0\" srcdoc=\"",
                               widths[i], heights[i]);
        append_attr(page, doc->str);
        g_string_append(page, "\"></iframe>");
    }
    /* And carte.svg itself inlined in a 700-px page, scaled to its column:
     * the numbers drawn over the discs must be inside the links too. */
    const char *root = strstr(svg, "<svg");
    assert_non_null(root);
    GString *inl = g_string_new("<!DOCTYPE html><html lang=\"fr\"><head><meta charset=\"utf-8\">"
                                "<style>svg{width:100%;height:auto}</style></head><body>");
    g_string_append(inl, root);
    g_string_append(inl, "</body></html>");
    g_string_append(page, "<iframe id=\"svg\" width=\"700\" height=\"600\" style=\"border:0\" "
                          "srcdoc=\"");
    append_attr(page, inl->str);
    g_string_append(page, "\"></iframe>");
    g_string_free(inl, TRUE);
    g_string_append(page, "<pre id=\"out\"></pre><script>\nconst P=[");
    for (guint i = 0; i < t->len; i++) {
        target *x = &g_array_index(t, target, i);
        g_string_append_printf(page, "%s[%.6f,%.6f,%.6f,%.6f]", i ? "," : "", x->fx, x->fy,
                               x->frx, x->fry);
    }
    g_string_append(
        page,
        "];\n"
        "onload=function(){const L=[];\n"
        "for(const f of document.querySelectorAll('iframe')){\n"
        " const d=f.contentDocument,S=f.id==='svg',"
        "img=S?d.querySelector('svg'):d.querySelector('.crpv-carte img'),"
        "r=img.getBoundingClientRect(),W=S?'svg':f.width;\n"
        " L.push('page '+W+' '+Math.round(r.width)+' '+(S||img.complete&&img.naturalWidth>0?1:0)+' '+"
        "(d.documentElement.scrollWidth>f.width?1:0));\n"
        " if(!S){const g=d.querySelector('.crpv-carte').getBoundingClientRect();"
        "L.push('figure '+W+' '+Math.round(g.left)+' '+Math.round(g.width)+' '+"
        "d.querySelectorAll('.crpv-carte a[href]:not([tabindex=\"-1\"]),.crpv-carte g[role=img]')"
        ".length);}\n"
        " P.forEach((p,i)=>{for(const[dx,dy] of [[0,0],[.6,0],[-.6,0],[0,.6],[0,-.6]]){\n"
        "  const e=d.elementFromPoint(r.left+(p[0]+dx*p[2])*r.width,"
        "r.top+(p[1]+dy*p[3])*r.height),a=e&&e.closest('a');\n"
        "  L.push('hit '+W+' '+i+' '+(a?a.getAttribute('href'):'-'));\n"
        "  if(S&&!dx&&!dy)L.push('centre '+i+' '+e.tagName);}});\n"
        " const A=[...d.querySelectorAll('a[href]')].filter(a=>!a.closest('[aria-hidden=true]')"
        "&&a.getAttribute('tabindex')!=='-1');\n"
        " L.push('listed '+W+' '+A.length+' '+new Set(A.map(a=>a.getAttribute('href'))).size);}\n"
        "document.getElementById('out').textContent=L.join('\\n');};\n"
        "</script></body></html>\n");
    g_string_free(doc, TRUE);
    return g_string_free(page, FALSE);
}

/* The text of the dumped page's <pre id="out">, unescaped. New string. */
static char *report_of(const char *dom)
{
    const char *start = strstr(dom, "<pre id=\"out\">");
    assert_non_null(start);
    start += strlen("<pre id=\"out\">");
    const char *end = strstr(start, "</pre>");
    assert_non_null(end);
    GString *s = g_string_new_len(start, end - start);
    g_string_replace(s, "&lt;", "<", 0);
    g_string_replace(s, "&gt;", ">", 0);
    g_string_replace(s, "&quot;", "\"", 0);
    g_string_replace(s, "&amp;", "&", 0);
    return g_string_free(s, FALSE);
}

static void test_clicks_at_every_width(void **state)
{
    fixture *f = *state;
    if (!f->chromium)
        skip();
    const crpv_scene *scene = crpv_map_scene(f->map);
    GArray *t = targets(scene);
    assert_int_equal(t->len, 19);
    g_autofree char *path = g_build_filename(f->dir, "carte.html", NULL);
    g_autofree char *fragment = NULL;
    assert_true(g_file_get_contents(path, &fragment, NULL, NULL));
    /* The fragment itself carries no script. */
    assert_null(strstr(fragment, "<script"));
    assert_false(g_regex_match_simple("\\son[a-z]+\\s*=", fragment, G_REGEX_CASELESS, 0));
    g_autofree char *svg_path = g_build_filename(f->dir, "carte.svg", NULL);
    g_autofree char *svg = NULL;
    assert_true(g_file_get_contents(svg_path, &svg, NULL, NULL));
    g_autofree char *page = test_page(fragment, svg, t);
    g_free(tu_write_file(f->dir, "clicks.html", page, strlen(page)));

    const char *extra[] = {"--dump-dom", NULL};
    g_autofree char *dom = chromium(f, "clicks.html", 4700, 1400, extra);
    g_autofree char *report = report_of(dom);
    g_auto(GStrv) lines = g_strsplit(report, "\n", -1);
    for (size_t w = 0; w < G_N_ELEMENTS(widths); w++) {
        int reached = 0, seen = 0, pages = 0, listed = 0, figures = 0;
        for (char **l = lines; *l; l++) {
            int width = 0, i = 0, a = 0, b = 0, c = 0;
            char href[2048];
            if (sscanf(*l, "page %d %d %d %d", &width, &a, &b, &c) == 4 && width == widths[w]) {
                pages++;
                /* The image fills the page's column and loaded; nothing
                 * overflows the page, not even on a phone. */
                assert_true(a > widths[w] * 0.7 && a <= widths[w]);
                assert_int_equal(b, 1);
                assert_int_equal(c, 0);
            } else if (sscanf(*l, "figure %d %d %d %d", &width, &a, &b, &c) == 4 &&
                       width == widths[w]) {
                figures++;
                /* No margin of its own (the page's 8 px only), no wider
                 * than the 1x image, and every centre named once, linked
                 * or not. */
                assert_true(a <= 8);
                assert_true(b <= 1200 && b >= MIN(widths[w] - 16, 1200) - 20);
                assert_int_equal(c, (int)crpv_directory_count(f->fix->directory));
            } else if (sscanf(*l, "hit %d %d %2047s", &width, &i, href) == 3 &&
                       width == widths[w]) {
                seen++;
                assert_true(i >= 0 && (guint)i < t->len);
                if (strcmp(href, g_array_index(t, target, i).uri) == 0)
                    reached++;
                else
                    print_message("width %d: marker of %s reaches %s\n", widths[w],
                                  g_array_index(t, target, i).key, href);
            } else if (sscanf(*l, "listed %d %d %d", &width, &a, &b) == 3 && width == widths[w]) {
                listed++;
                /* A screen reader lists each centre once. */
                assert_int_equal(a, (int)t->len);
                assert_int_equal(b, (int)t->len);
            }
        }
        assert_int_equal(pages, 1);
        assert_int_equal(figures, 1);
        assert_int_equal(listed, 1);
        assert_int_equal(seen, 5 * (int)t->len);
        print_message("width %d: %d of %d hits on %u markers reach their centre\n", widths[w],
                      reached, seen, t->len);
        assert_int_equal(reached, seen);
    }
    /* carte.svg inlined: every hit reaches the marker's centre, and at the
     * very centre what is under the pointer is the number, inside it. */
    int reached = 0, seen = 0, numbers = 0, listed = 0;
    for (char **l = lines; *l; l++) {
        int i = 0, a = 0, b = 0;
        char word[2048];
        if (sscanf(*l, "hit svg %d %2047s", &i, word) == 2) {
            seen++;
            assert_true(i >= 0 && (guint)i < t->len);
            reached += strcmp(word, g_array_index(t, target, i).uri) == 0;
        } else if (sscanf(*l, "centre %d %2047s", &i, word) == 2) {
            numbers += strcmp(word, "text") == 0;
        } else if (sscanf(*l, "listed svg %d %d", &a, &b) == 2) {
            listed++;
            assert_int_equal(a, (int)t->len);
            assert_int_equal(b, (int)t->len);
        }
    }
    print_message("carte.svg inlined at 700 px: %d of %d hits reach their centre, %d of %u "
                  "numbers inside their link\n",
                  reached, seen, numbers, t->len);
    assert_int_equal(seen, 5 * (int)t->len);
    assert_int_equal(reached, seen);
    assert_int_equal(numbers, (int)t->len);
    assert_int_equal(listed, 1);
    g_array_free(t, TRUE);
}

/* How far A's region at (X0, 0) is from B, both W x H: the mean absolute
 * difference of their channels, and the share of 4 x 4 blocks whose mean
 * colours differ by more than 32 in a channel. The blocks forgive what
 * two rasterisers always do differently (how a glyph's edge is
 * antialiased) but not a word drawn in another place or another font. */
static void compare(cairo_surface_t *a, int x0, cairo_surface_t *b, int w, int h, double *mean,
                    double *share)
{
    enum { B = 4 };
    cairo_surface_flush(a);
    cairo_surface_flush(b);
    const unsigned char *da = cairo_image_surface_get_data(a);
    const unsigned char *db = cairo_image_surface_get_data(b);
    int sa = cairo_image_surface_get_stride(a), sb = cairo_image_surface_get_stride(b);
    double sum = 0;
    long far = 0, blocks = 0;
    for (int by = 0; by + B <= h; by += B) {
        for (int bx = 0; bx + B <= w; bx += B) {
            int ca[3] = {0}, cb[3] = {0};
            for (int y = by; y < by + B; y++) {
                for (int x = bx; x < bx + B; x++) {
                    const unsigned char *pa = da + (size_t)y * sa + (size_t)(x0 + x) * 4;
                    const unsigned char *pb = db + (size_t)y * sb + (size_t)x * 4;
                    for (int c = 0; c < 3; c++) {
                        sum += abs((int)pa[c] - (int)pb[c]);
                        ca[c] += pa[c];
                        cb[c] += pb[c];
                    }
                }
            }
            int worst = 0;
            for (int c = 0; c < 3; c++)
                worst = MAX(worst, abs(ca[c] - cb[c]) / (B * B));
            far += worst > 32;
            blocks++;
        }
    }
    *mean = sum / (3.0 * (w / B * B) * (h / B * B));
    *share = (double)far / (double)blocks;
}

static void test_svg_renders_like_png(void **state)
{
    fixture *f = *state;
    if (!f->chromium)
        skip();
    g_autofree char *png_path = g_build_filename(f->dir, "carte.png", NULL);
    cairo_surface_t *png = cairo_image_surface_create_from_png(png_path);
    assert_int_equal(cairo_surface_status(png), CAIRO_STATUS_SUCCESS);
    int w = cairo_image_surface_get_width(png), h = cairo_image_surface_get_height(png);

    /* Beside it, the same SVG with its @font-face rules disabled: what a
     * visitor without Lato would see if the fonts were not embedded. */
    g_autofree char *svg_path = g_build_filename(f->dir, "carte.svg", NULL);
    g_autofree char *svg = NULL;
    assert_true(g_file_get_contents(svg_path, &svg, NULL, NULL));
    assert_non_null(strstr(svg, "@font-face{"));
    GString *bare = g_string_new(svg);
    assert_true(g_string_replace(bare, "@font-face{", "@font-fake{", 0) > 0);
    g_free(tu_write_file(f->dir, "bare.svg", bare->str, bare->len));
    g_string_free(bare, TRUE);
    g_autofree char *page = g_strdup_printf(
        "<!DOCTYPE html><html><body style=\"margin:0;display:flex\">"
        "<img src=\"carte.svg\" width=\"%d\" height=\"%d\"><img src=\"bare.svg\" width=\"%d\" "
        "height=\"%d\"></body></html>\n",
        w, h, w, h);
    g_free(tu_write_file(f->dir, "svg.html", page, strlen(page)));
    g_autofree char *shot_path = g_build_filename(f->dir, "shot.png", NULL);
    g_autofree char *shot_arg = g_strconcat("--screenshot=", shot_path, NULL);
    const char *extra[] = {shot_arg, NULL};
    g_free(chromium(f, "svg.html", 2 * w, h, extra));
    cairo_surface_t *shot = cairo_image_surface_create_from_png(shot_path);
    assert_int_equal(cairo_surface_status(shot), CAIRO_STATUS_SUCCESS);
    assert_int_equal(cairo_image_surface_get_width(shot), 2 * w);
    assert_int_equal(cairo_image_surface_get_height(shot), h);

    double mean = 0, share = 0, bare_mean = 0, bare_share = 0;
    compare(shot, 0, png, w, h, &mean, &share);
    compare(shot, w, png, w, h, &bare_mean, &bare_share);
    print_message("carte.svg in Chromium against carte.png (%d x %d): mean difference %.2f/255, "
                  "%.3f %% of 4 x 4 blocks off by more than 32; without the embedded fonts "
                  "%.2f/255, %.3f %%\n",
                  w, h, mean, 100 * share, bare_mean, 100 * bare_share);
    /* Only edges differ (two rasterisers); the text falls where Pango
     * put it, which another font would not. On failure, Chromium's
     * drawing goes to the build folder for a person to look at. */
    if (!(mean < 2.0 && share < 0.005)) {
        const char *build = g_getenv("CRPV_BUILD_ROOT");
        g_autofree char *keep = g_build_filename(build ? build : ".", "browser-carte-svg.png", NULL);
        cairo_surface_write_to_png(shot, keep);
        print_message("Chromium's drawing (carte.svg, then without its fonts): %s\n", keep);
    }
    assert_true(mean < 2.0);
    assert_true(share < 0.005);
    assert_true(bare_share > 4 * share);
    cairo_surface_destroy(shot);
    cairo_surface_destroy(png);
}

int main(void)
{
    /* Without a browser there is nothing to run: meson's "skipped". */
    char *browser = g_find_program_in_path("chromium");
    if (browser == NULL) {
        printf("chromium absent: browser tests skipped\n");
        return 77;
    }
    g_free(browser);
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_clicks_at_every_width),
        cmocka_unit_test(test_svg_renders_like_png),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
