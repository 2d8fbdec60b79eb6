/* The renderer onto image and PDF surfaces, and the map's reference
 * render: pixels within a tolerance of the committed image. */
#include "testutil.h"

#include <cairo-pdf.h>
#include <math.h>
#include <poppler.h>
#include <string.h>

#include "brochure.h"
#include "color.h"
#include "composite.h"
#include "content.h"
#include "typeset.h"
#include "fonts.h"
#include "mapfixture.h"
#include "output.h"
#include "render.h"

static PangoContext *fonts(void)
{
    g_autoptr(GError) error = NULL;
    PangoContext *ctx = crpv_fonts_context_new("fonts", &error);
    if (!ctx)
        fail_msg("%s", error->message);
    return ctx;
}

static cairo_surface_t *render(const crpv_scene *sc, PangoContext *ctx, double scale)
{
    int w = (int)ceil(crpv_scene_width(sc) * scale), h = (int)ceil(crpv_scene_height(sc) * scale);
    cairo_surface_t *s = cairo_image_surface_create(CAIRO_FORMAT_RGB24, w, h);
    cairo_t *cr = cairo_create(s);
    cairo_set_source_rgb(cr, 1, 1, 1);
    cairo_paint(cr);
    cairo_scale(cr, scale, scale);
    crpv_render_scene(cr, sc, ctx);
    assert_int_equal(cairo_status(cr), CAIRO_STATUS_SUCCESS);
    cairo_destroy(cr);
    cairo_surface_flush(s);
    return s;
}

static unsigned pixel(cairo_surface_t *s, double x, double y)
{
    int stride = cairo_image_surface_get_stride(s);
    const unsigned char *d = cairo_image_surface_get_data(s);
    const uint32_t *row = (const uint32_t *)(d + (int)y * stride);
    return row[(int)x] & 0xffffff;
}

static void test_shapes_and_discs(void **state)
{
    (void)state;
    PangoContext *ctx = fonts();
    crpv_scene *sc = crpv_scene_new(100, 100);
    crpv_item *it = crpv_scene_add(sc, CRPV_ITEM_SHAPE, CRPV_ROLE_REGION);
    crpv_point outer[] = {{10, 10}, {90, 10}, {90, 90}, {10, 90}, {10, 10}};
    crpv_point hole[] = {{40, 40}, {60, 40}, {60, 60}, {40, 60}, {40, 40}};
    crpv_shape_add_ring(&it->shape, outer, 5);
    crpv_shape_add_ring(&it->shape, hole, 5);
    it->fill = crpv_color_rgb(0xff0000);
    crpv_item *d = crpv_scene_add(sc, CRPV_ITEM_DISC, CRPV_ROLE_MARKER);
    d->center = (crpv_point){20, 20};
    d->radius = 5;
    d->fill = crpv_color_rgb(0x0000ff);
    cairo_surface_t *s = render(sc, ctx, 1);
    assert_int_equal(pixel(s, 30, 70), 0xff0000);
    assert_int_equal(pixel(s, 50, 50), 0xffffff); /* the hole, even-odd */
    assert_int_equal(pixel(s, 5, 5), 0xffffff);
    assert_int_equal(pixel(s, 20, 20), 0x0000ff);
    cairo_surface_destroy(s);
    crpv_scene_free(sc);
    g_object_unref(ctx);
}

static void test_text_is_drawn(void **state)
{
    (void)state;
    PangoContext *ctx = fonts();
    crpv_scene *sc = crpv_scene_new(200, 40);
    crpv_scene_add_text(sc, CRPV_ROLE_BODY, (crpv_rect){5, 5, 195, 35}, "Lato Black 20",
                        "Île-de-France", crpv_color_rgb(0x000000));
    cairo_surface_t *s = render(sc, ctx, 1);
    size_t dark = 0;
    for (int y = 0; y < 40; y++)
        for (int x = 0; x < 200; x++)
            dark += pixel(s, x, y) == 0;
    assert_true(dark > 300);
    cairo_surface_destroy(s);
    crpv_scene_free(sc);
    g_object_unref(ctx);
}

static void test_pdf_links_tags_outline(void **state)
{
    (void)state;
    PangoContext *ctx = fonts();
    crpv_scene *sc = crpv_scene_new(300, 200);
    crpv_scene_add_tag(sc, "Document");
    crpv_scene_add_tag(sc, "H1");
    crpv_scene_add_text(sc, CRPV_ROLE_TITLE, (crpv_rect){10, 10, 290, 40}, "Lato Bold 14",
                        "Titre", crpv_color_rgb(0));
    crpv_scene_end_tag(sc);
    crpv_item *o = crpv_scene_add(sc, CRPV_ITEM_OUTLINE, CRPV_ROLE_NONE);
    o->text = g_strdup("Titre");
    o->level = 1;
    crpv_scene_add_link(sc, (crpv_rect){10, 60, 100, 80}, "https://www.oriv.org/a'b");
    crpv_scene_end_tag(sc);
    g_autofree char *dir = tu_tmpdir();
    g_autoptr(GError) error = NULL;
    crpv_batch *b = crpv_batch_new(dir, &error);
    crpv_pdf_info info = {"Titre du document", "Sujet", "Auteur", "mots, clés", "crpv", 1700000000,
                          NULL};
    const crpv_scene *pages[] = {sc};
    GByteArray *pdf = crpv_output_pdf("t.pdf", pages, 1, ctx, &info, &error);
    assert_non_null(pdf);
    assert_true(crpv_batch_add_bytes(b, "t.pdf", pdf->data, pdf->len, &error));
    g_byte_array_free(pdf, TRUE);
    assert_true(crpv_batch_commit(b, &error));
    crpv_batch_free(b);

    g_autofree char *path = g_build_filename(dir, "t.pdf", NULL);
    g_autofree char *uri = g_filename_to_uri(path, NULL, NULL);
    PopplerDocument *doc = poppler_document_new_from_file(uri, NULL, &error);
    assert_non_null(doc);
    g_autofree char *title = poppler_document_get_title(doc);
    assert_string_equal(title, "Titre du document");
    g_autofree char *kw = poppler_document_get_keywords(doc);
    assert_string_equal(kw, "mots, clés");
    assert_int_equal(poppler_document_get_creation_date(doc), 1700000000);
    PopplerPage *page = poppler_document_get_page(doc, 0);
    GList *links = poppler_page_get_link_mapping(page);
    assert_int_equal(g_list_length(links), 1);
    PopplerLinkMapping *m = links->data;
    assert_int_equal(m->action->type, POPPLER_ACTION_URI);
    assert_string_equal(m->action->uri.uri, "https://www.oriv.org/a'b");
    poppler_page_free_link_mapping(links);
    PopplerIndexIter *iter = poppler_index_iter_new(doc);
    assert_non_null(iter);
    PopplerAction *a = poppler_index_iter_get_action(iter);
    assert_string_equal(a->any.title, "Titre");
    poppler_action_free(a);
    poppler_index_iter_free(iter);
    g_object_unref(page);
    g_object_unref(doc);
    tu_rmtree(dir);
    crpv_scene_free(sc);
    g_object_unref(ctx);
}

/* A halo is one stroked outline of the glyphs, under them: it shows as
 * light pixels round the text on a dark ground, and the PDF's text holds
 * the label once (the old halo was eight more copies of the text). */
static void test_halo_is_a_path(void **state)
{
    (void)state;
    PangoContext *ctx = fonts();
    crpv_scene *sc = crpv_scene_new(200, 40);
    crpv_scene_add_rect(sc, CRPV_ROLE_REGION, (crpv_rect){0, 0, 200, 40}, crpv_color_rgb(0x202020),
                        crpv_color_none(), 0);
    crpv_item *t = crpv_scene_add_text(sc, CRPV_ROLE_LABEL, (crpv_rect){10, 10, 190, 30},
                                       "Lato Bold 12", "Seine-Saint-Denis", crpv_color_rgb(0));
    t->halo = true;
    cairo_surface_t *s = render(sc, ctx, 2);
    size_t light = 0;
    for (int y = 0; y < 80; y++)
        for (int x = 0; x < 400; x++)
            light += (pixel(s, x, y) & 0xff) > 0xe0;
    assert_true(light > 200);
    cairo_surface_destroy(s);
    const crpv_scene *pages[] = {sc};
    crpv_pdf_info info = {"t", "s", "a", "k", "crpv", 1700000000, NULL};
    g_autoptr(GError) error = NULL;
    GByteArray *pdf = crpv_output_pdf("t.pdf", pages, 1, ctx, &info, &error);
    if (!pdf)
        fail_msg("%s", error->message);
    g_autoptr(GBytes) bytes = g_byte_array_free_to_bytes(pdf);
    PopplerDocument *doc = poppler_document_new_from_bytes(bytes, NULL, &error);
    assert_non_null(doc);
    PopplerPage *page = poppler_document_get_page(doc, 0);
    g_autofree char *text = poppler_page_get_text(page);
    size_t count = 0;
    for (const char *q = text; (q = strstr(q, "Seine-Saint-Denis")); q++)
        count++;
    assert_int_equal(count, 1);
    g_object_unref(page);
    g_object_unref(doc);
    crpv_scene_free(sc);
    g_object_unref(ctx);
}

/* Compares GOT with tests/reference/NAME: at most 0.5 % of pixels may
 * differ by more than a small amount. CRPV_UPDATE_REFERENCE=1 rewrites the
 * reference instead. On failure, the render and a difference image go to
 * the build directory for a person to see. */
static void compare_with_reference(cairo_surface_t *got, const char *name)
{
    g_autofree char *rel = g_build_filename("tests", "reference", name, NULL);
    g_autofree char *ref_path = tu_source_path(rel);
    const char *build = g_getenv("CRPV_BUILD_ROOT");
    g_autofree char *out_name = g_strconcat("test-", name, NULL);
    g_autofree char *diff_name = g_strconcat("diff-", name, NULL);
    g_autofree char *out_path = g_build_filename(build ? build : ".", out_name, NULL);
    g_autofree char *diff_path = g_build_filename(build ? build : ".", diff_name, NULL);
    if (g_getenv("CRPV_UPDATE_REFERENCE"))
        cairo_surface_write_to_png(got, ref_path);
    cairo_surface_t *ref = cairo_image_surface_create_from_png(ref_path);
    assert_int_equal(cairo_surface_status(ref), CAIRO_STATUS_SUCCESS);
    int w = cairo_image_surface_get_width(got), h = cairo_image_surface_get_height(got);
    assert_int_equal(cairo_image_surface_get_width(ref), w);
    assert_int_equal(cairo_image_surface_get_height(ref), h);
    cairo_surface_t *diff = cairo_image_surface_create(CAIRO_FORMAT_RGB24, w, h);
    uint32_t *dd = (uint32_t *)cairo_image_surface_get_data(diff);
    size_t bad = 0;
    for (int y = 0; y < h; y++)
        for (int x = 0; x < w; x++) {
            unsigned a = pixel(got, x, y), b = pixel(ref, x, y);
            int dmax = 0;
            for (int sh = 0; sh < 24; sh += 8)
                dmax = MAX(dmax, abs((int)((a >> sh) & 0xff) - (int)((b >> sh) & 0xff)));
            if (dmax > 24)
                bad++;
            dd[y * (cairo_image_surface_get_stride(diff) / 4) + x] =
                dmax > 24 ? 0xff0000 : (a & 0xfefefe) >> 1 | 0x808080;
        }
    cairo_surface_mark_dirty(diff);
    if (bad > (size_t)(w * h) / 200) {
        cairo_surface_write_to_png(got, out_path);
        cairo_surface_write_to_png(diff, diff_path);
        fail_msg("%zu pixels differ from %s; see %s and %s", bad, ref_path, out_path, diff_path);
    }
    cairo_surface_destroy(diff);
    cairo_surface_destroy(ref);
}

static void test_map_reference(void **state)
{
    (void)state;
    mapfix *f = mapfix_load();
    g_autoptr(crpv_map) map = crpv_map_compose(&f->in, 540, 0.2, NULL);
    assert_non_null(map);
    cairo_surface_t *got = render(crpv_map_scene(map), f->ctx, 1200.0 / 540.0);

    /* A pixel inside Île-de-France, at Paris projected by the same code. */
    crpv_point paris;
    assert_true(crpv_map_locate(map, 0, 2.3522, 48.8566, &paris));
    unsigned c = pixel(got, paris.x * 1200 / 540, paris.y * 1200 / 540);
    crpv_color p = f->style->served;
    unsigned want = (unsigned)lround(p.r * 255) << 16 | (unsigned)lround(p.g * 255) << 8 |
                    (unsigned)lround(p.b * 255);
    assert_int_equal(c, want);
    compare_with_reference(got, "carte.png");
    cairo_surface_destroy(got);
    mapfix_free(f);
}

/* The map as a deuteranope and a protanope see it, pixel by pixel: the
 * images go to the build directory for a person to look at, and the three
 * classes, read in them at a served region (Auvergne-Rhône-Alpes), one in
 * préfiguration (Guadeloupe) and one without a centre (Corse), stay 3:1
 * apart. */
static void test_map_colour_blind(void **state)
{
    (void)state;
    mapfix *f = mapfix_load();
    g_autoptr(crpv_map) map = crpv_map_compose(&f->in, 540, 0.2, NULL);
    const crpv_scene *sc = crpv_map_scene(map);
    const double scale = 1200.0 / 540.0;
    const char *regions[] = {"84", "01", "94"};
    crpv_point at[3];
    for (size_t r = 0; r < 3; r++) {
        bool found = false;
        for (size_t i = 0; i < crpv_scene_count(sc) && !found; i++) {
            const crpv_item *it = crpv_scene_nth(sc, i);
            if (it->role != CRPV_ROLE_REGION || strcmp(it->key, regions[r]) != 0)
                continue;
            /* A point of the region where nothing is drawn over its fill,
             * a few pixels from anything else. */
            crpv_rect b = crpv_shape_bbox(&it->shape);
            for (double y = b.y0; y < b.y1 && !found; y += 0.5)
                for (double x = b.x0; x < b.x1 && !found; x += 0.5) {
                    bool clear = true;
                    for (int dy = -2; dy <= 2 && clear; dy++)
                        for (int dx = -2; dx <= 2 && clear; dx++) {
                            crpv_point q = {x + dx, y + dy};
                            crpv_color c = crpv_scene_color_at(sc, q, crpv_scene_count(sc));
                            clear = crpv_shape_contains(&it->shape, q) &&
                                    fabs(c.r - it->fill.r) + fabs(c.g - it->fill.g) +
                                            fabs(c.b - it->fill.b) < 1e-9;
                        }
                    if (clear) {
                        at[r] = (crpv_point){x, y};
                        found = true;
                    }
                }
        }
        assert_true(found);
    }
    const struct {
        crpv_vision vision;
        const char *name;
    } visions[] = {{CRPV_VISION_DEUTERANOPIA, "carte-deuteranopie.png"},
                   {CRPV_VISION_PROTANOPIA, "carte-protanopie.png"}};
    for (size_t v = 0; v < G_N_ELEMENTS(visions); v++) {
        cairo_surface_t *img = render(sc, f->ctx, scale);
        int w = cairo_image_surface_get_width(img), h = cairo_image_surface_get_height(img);
        int stride = cairo_image_surface_get_stride(img);
        unsigned char *data = cairo_image_surface_get_data(img);
        for (int y = 0; y < h; y++)
            for (int x = 0; x < w; x++) {
                uint32_t *p = (uint32_t *)(data + (size_t)y * stride) + x;
                crpv_color c = crpv_color_rgb(*p & 0xffffff);
                c = crpv_color_simulate(c, visions[v].vision);
                *p = (uint32_t)lround(c.r * 255) << 16 | (uint32_t)lround(c.g * 255) << 8 |
                     (uint32_t)lround(c.b * 255);
            }
        cairo_surface_mark_dirty(img);
        const char *build = g_getenv("CRPV_BUILD_ROOT");
        g_autofree char *path = g_build_filename(build ? build : ".", visions[v].name, NULL);
        assert_int_equal(cairo_surface_write_to_png(img, path), CAIRO_STATUS_SUCCESS);
        crpv_color seen[3];
        for (size_t r = 0; r < 3; r++)
            seen[r] = crpv_color_rgb(pixel(img, at[r].x * scale, at[r].y * scale));
        for (size_t a = 0; a < 3; a++)
            for (size_t b = a + 1; b < 3; b++)
                if (crpv_color_contrast(seen[a], seen[b]) < 3.0)
                    fail_msg("%s: regions %s and %s at %.2f:1", visions[v].name, regions[a],
                             regions[b], crpv_color_contrast(seen[a], seen[b]));
        cairo_surface_destroy(img);
    }
    mapfix_free(f);
}

/* Both pages of the brochure, at 60 dpi, against their references. */
static void test_brochure_reference(void **state)
{
    (void)state;
    mapfix *f = mapfix_load();
    g_autoptr(GError) error = NULL;
    g_autoptr(crpv_hyphenator) hyph = crpv_hyphenator_load(f->style->hyphen_dictionary, &error);
    assert_non_null(hyph);
    crpv_directory_stats stats = crpv_directory_get_stats(f->directory);
    g_autoptr(crpv_content) content = crpv_content_load("data/brochure.md", &stats, hyph, &error);
    assert_non_null(content);
    crpv_brochure_input in = {content, &f->in, false, NULL};
    GPtrArray *pages = crpv_brochure_compose(&in, NULL, &error);
    assert_non_null(pages);
    assert_int_equal(pages->len, 2);
    for (guint i = 0; i < pages->len; i++) {
        cairo_surface_t *got = render(pages->pdata[i], f->ctx, 60.0 / 72.0);
        g_autofree char *name = g_strdup_printf("brochure-%u.png", i + 1);
        compare_with_reference(got, name);
        cairo_surface_destroy(got);
    }
    g_ptr_array_unref(pages);
    mapfix_free(f);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_shapes_and_discs),
        cmocka_unit_test(test_text_is_drawn),
        cmocka_unit_test(test_pdf_links_tags_outline),
        cmocka_unit_test(test_halo_is_a_path),
        cmocka_unit_test(test_map_reference),
        cmocka_unit_test(test_map_colour_blind),
        cmocka_unit_test(test_brochure_reference),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
