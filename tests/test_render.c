/* The renderer onto image and PDF surfaces, and the map's reference
 * render: pixels within a tolerance of the committed image. */
#include "testutil.h"

#include <cairo-pdf.h>
#include <math.h>
#include <poppler.h>
#include <string.h>

#include "brochure.h"
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
    crpv_color p = f->style->primary;
    unsigned want = (unsigned)lround(p.r * 255) << 16 | (unsigned)lround(p.g * 255) << 8 |
                    (unsigned)lround(p.b * 255);
    assert_int_equal(c, want);
    compare_with_reference(got, "carte.png");
    cairo_surface_destroy(got);
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
        cmocka_unit_test(test_map_reference),
        cmocka_unit_test(test_brochure_reference),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
