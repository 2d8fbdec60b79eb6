/* The brochure's pages, inspected as data: page sizes, margins, the
 * directory's entries and links, print marks, and directories too long
 * for one page. */
#include "testutil.h"

#include <math.h>
#include <string.h>

#include "brochure.h"
#include "fonts.h"
#include "geo.h"
#include "style.h"

#define MM (72.0 / 25.4)

typedef struct {
    crpv_layer *regions, *departements;
    crpv_directory *dir;
    crpv_content *content;
    crpv_style *style;
    PangoContext *ctx;
} fixture;

static fixture fx;

static int setup(void **state)
{
    (void)state;
    GError *e = NULL;
    fx.regions = crpv_layer_load("geo/regions-avec-outre-mer.shp", "code", "nom", NULL, &e);
    fx.departements =
        crpv_layer_load("geo/departements-avec-outre-mer.shp", "code", "nom", NULL, &e);
    fx.dir = fx.regions && fx.departements
                 ? crpv_directory_load("data/centres.csv", fx.regions, fx.departements, NULL, &e)
                 : NULL;
    if (fx.dir) {
        crpv_directory_stats stats = crpv_directory_get_stats(fx.dir);
        fx.content = crpv_content_load("data/brochure.md", &stats, NULL, &e);
    }
    fx.style = crpv_style_new_default();
    fx.ctx = fx.content ? crpv_fonts_context_new("fonts", &e) : NULL;
    if (!fx.ctx) {
        print_error("setup: %s\n", e ? e->message : "?");
        g_clear_error(&e);
        return -1;
    }
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    crpv_layer_free(fx.regions);
    crpv_layer_free(fx.departements);
    crpv_directory_free(fx.dir);
    crpv_content_free(fx.content);
    crpv_style_free(fx.style);
    if (fx.ctx)
        g_object_unref(fx.ctx);
    return 0;
}

static GPtrArray *compose(const crpv_directory *dir, bool print, crpv_brochure_stats *stats)
{
    crpv_map_input mi = {fx.regions, fx.departements, dir, fx.style, fx.ctx};
    crpv_brochure_input in = {fx.content, &mi, print, NULL};
    GError *e = NULL;
    GPtrArray *pages = crpv_brochure_compose(&in, stats, &e);
    if (!pages)
        fail_msg("compose: %s", e->message);
    return pages;
}

static const crpv_scene *page_n(GPtrArray *pages, size_t i)
{
    return g_ptr_array_index(pages, i);
}

/* The content area of page INDEX, OFF points in from the scene's edge. */
static crpv_rect margins(size_t index, double off)
{
    const crpv_style *s = fx.style;
    double ml = index % 2 == 0 ? s->margin_inner : s->margin_outer;
    double mr = index % 2 == 0 ? s->margin_outer : s->margin_inner;
    return (crpv_rect){off + ml * MM, off + s->margin_top * MM,
                       off + (s->page_width - mr) * MM,
                       off + (s->page_height - s->margin_bottom) * MM};
}

/* Every TEXT and LINK lies inside the margins: only background RECTs and
 * crop marks go further. */
static void assert_inside_margins(GPtrArray *pages, double off)
{
    for (size_t p = 0; p < pages->len; p++) {
        crpv_rect m = margins(p, off);
        const crpv_scene *sc = page_n(pages, p);
        for (size_t i = 0; i < crpv_scene_count(sc); i++) {
            const crpv_item *it = crpv_scene_nth(sc, i);
            if (it->kind != CRPV_ITEM_TEXT && it->kind != CRPV_ITEM_LINK && it->kind != CRPV_ITEM_LINE)
                continue;
            if (it->box.x0 < m.x0 - 0.5 || it->box.x1 > m.x1 + 0.5 || it->box.y0 < m.y0 - 0.5 ||
                it->box.y1 > m.y1 + 0.5)
                fail_msg("page %zu: item %zu (%s) at %.1f,%.1f-%.1f,%.1f outside the margins",
                         p + 1, i, it->text ? it->text : it->uri, it->box.x0, it->box.y0,
                         it->box.x1, it->box.y1);
        }
    }
}

/* Each centre has exactly one entry (a run of ENTRY texts: its links'
 * drawn apart), in directory order, none overlapping another, each piece
 * one below the other, and the text within its box's width. */
static void assert_entries(GPtrArray *pages, const crpv_directory *dir)
{
    size_t next = 0;
    const char *last = NULL;
    double last_bottom = 0;
    for (size_t p = 0; p < pages->len; p++) {
        const crpv_scene *sc = page_n(pages, p);
        GArray *boxes = g_array_new(FALSE, FALSE, sizeof(crpv_rect));
        size_t first_of_entry = 0;
        for (size_t i = 0; i < crpv_scene_count(sc); i++) {
            const crpv_item *it = crpv_scene_nth(sc, i);
            if (it->kind != CRPV_ITEM_TEXT || it->role != CRPV_ROLE_ENTRY)
                continue;
            if (last && !strcmp(it->key, last)) {
                /* The entry's next piece, on its own lines below. */
                assert_true(it->box.y0 >= last_bottom - 0.5);
            } else {
                assert_true(next < crpv_directory_count(dir));
                assert_string_equal(it->key, crpv_directory_nth(dir, next)->id);
                next++;
                first_of_entry = boxes->len;
            }
            last = it->key;
            last_bottom = it->box.y1;
            for (guint k = 0; k < first_of_entry; k++) {
                crpv_rect b = g_array_index(boxes, crpv_rect, k);
                bool apart = it->box.x1 <= b.x0 || b.x1 <= it->box.x0 || it->box.y1 <= b.y0 ||
                             b.y1 <= it->box.y0;
                if (!apart)
                    fail_msg("entry %s overlaps another on page %zu", it->key, p + 1);
            }
            g_array_append_val(boxes, it->box);
            PangoLayout *l = crpv_text_layout_new(fx.ctx, it->font, it->text,
                                                  it->box.x1 - it->box.x0, 0, false,
                                                  it->line_height);
            PangoRectangle log;
            pango_layout_get_extents(l, NULL, &log);
            assert_true(pango_units_to_double(log.x + log.width) <=
                        it->box.x1 - it->box.x0 + 0.01);
            assert_double_near(pango_units_to_double(log.height), it->box.y1 - it->box.y0, 0.01);
            g_object_unref(l);
        }
        g_array_free(boxes, TRUE);
    }
    assert_int_equal(next, crpv_directory_count(dir));
}

static size_t count_role(const crpv_scene *sc, crpv_role role, crpv_item_kind kind)
{
    size_t n = 0;
    for (size_t i = 0; i < crpv_scene_count(sc); i++) {
        const crpv_item *it = crpv_scene_nth(sc, i);
        n += it->role == role && it->kind == kind;
    }
    return n;
}

/* The directory entries of SC: runs of ENTRY texts of one centre. */
static size_t count_entries(const crpv_scene *sc)
{
    size_t n = 0;
    const char *last = NULL;
    for (size_t i = 0; i < crpv_scene_count(sc); i++) {
        const crpv_item *it = crpv_scene_nth(sc, i);
        if (it->role != CRPV_ROLE_ENTRY || it->kind != CRPV_ITEM_TEXT)
            continue;
        n += !last || strcmp(last, it->key);
        last = it->key;
    }
    return n;
}

static bool has_text(const crpv_scene *sc, const char *needle)
{
    for (size_t i = 0; i < crpv_scene_count(sc); i++) {
        const crpv_item *it = crpv_scene_nth(sc, i);
        if ((it->kind == CRPV_ITEM_TEXT || it->kind == CRPV_ITEM_LINE) && it->text &&
            strstr(it->text, needle))
            return true;
    }
    return false;
}

static bool has_outline(const crpv_scene *sc, const char *title, int level)
{
    for (size_t i = 0; i < crpv_scene_count(sc); i++) {
        const crpv_item *it = crpv_scene_nth(sc, i);
        if (it->kind == CRPV_ITEM_OUTLINE && strcmp(it->text, title) == 0 && it->level == level)
            return true;
    }
    return false;
}

static void test_shipped_two_pages(void **state)
{
    (void)state;
    crpv_brochure_stats stats = {0};
    GPtrArray *pages = compose(fx.dir, false, &stats);
    assert_int_equal(pages->len, 2);
    assert_int_equal(stats.pages, 2);
    for (size_t p = 0; p < 2; p++) {
        assert_double_near(crpv_scene_width(page_n(pages, p)), 595.28, 0.01);
        assert_double_near(crpv_scene_height(page_n(pages, p)), 841.89, 0.01);
    }
    assert_inside_margins(pages, 0);
    assert_entries(pages, fx.dir);
    const crpv_scene *recto = page_n(pages, 0), *verso = page_n(pages, 1);
    assert_int_equal(count_role(recto, CRPV_ROLE_ENTRY, CRPV_ITEM_TEXT), 0);
    assert_int_equal(count_entries(verso), 20);
    /* The map is on the verso, with a marker per centre. */
    assert_true(count_role(verso, CRPV_ROLE_REGION, CRPV_ITEM_SHAPE) > 10);
    assert_int_equal(count_role(verso, CRPV_ROLE_MARKER, CRPV_ITEM_DISC), 20);
    assert_int_equal(count_role(recto, CRPV_ROLE_MARKER, CRPV_ITEM_DISC), 0);
    /* Readable: the directory never below the style's minimum. */
    assert_true(stats.directory_size >= fx.style->min_directory_size - 1e-9);
    assert_true(stats.directory_size <= fx.style->body_size + 1e-9);
    assert_true(stats.directory_columns >= 3);
    /* Every part of the prose is on the recto. */
    assert_true(has_text(recto, "Réseau national des centres de ressources"));
    assert_true(has_text(recto, "Les centres de ressources"));
    assert_true(has_text(recto, "Favoriser les approches inter-acteurs"));
    assert_true(has_text(recto, "Un réseau national"));
    assert_true(has_text(recto, "Pour mieux connaître"));
    assert_true(has_outline(recto, "Favoriser les approches inter-acteurs", 2));
    assert_true(has_outline(recto, "Un réseau national", 2));
    assert_true(has_outline(verso, "Carte du réseau", 1));
    assert_true(has_outline(verso, "Annuaire des centres", 1));
    g_ptr_array_unref(pages);
}

/* Structure tags balance on every page. */
static void test_structure_tags(void **state)
{
    (void)state;
    GPtrArray *pages = compose(fx.dir, false, NULL);
    for (size_t p = 0; p < pages->len; p++) {
        const crpv_scene *sc = page_n(pages, p);
        int depth = 0, figures = 0, items = 0;
        for (size_t i = 0; i < crpv_scene_count(sc); i++) {
            const crpv_item *it = crpv_scene_nth(sc, i);
            if (it->kind == CRPV_ITEM_TAG_BEGIN) {
                /* The PDF writer wraps the pages in one Document. */
                assert_string_not_equal(it->text, "Document");
                depth++;
                figures += strcmp(it->text, "Figure") == 0;
                items += strcmp(it->text, "LI") == 0;
            } else if (it->kind == CRPV_ITEM_TAG_END) {
                depth--;
                assert_true(depth >= 0);
            }
        }
        assert_int_equal(depth, 0);
        assert_int_equal(figures, p == 1 ? 1 : 0);
        assert_int_equal(items, p == 1 ? 20 : 5); /* the box's five items */
    }
    g_ptr_array_unref(pages);
}

/* Justified lines end flush at the wide column's edge, never past it
 * (this fixture has no hyphenation: a line may end short rather than gape). */
static void test_justified_lines_flush(void **state)
{
    (void)state;
    GPtrArray *pages = compose(fx.dir, false, NULL);
    const crpv_scene *sc = page_n(pages, 0);
    size_t justified = 0, flush = 0;
    double right = 0;
    for (size_t i = 0; i < crpv_scene_count(sc); i++) {
        const crpv_item *it = crpv_scene_nth(sc, i);
        if (it->kind == CRPV_ITEM_LINE && it->role == CRPV_ROLE_BODY && it->justify)
            right = MAX(right, it->box.x1);
    }
    for (size_t i = 0; i < crpv_scene_count(sc); i++) {
        const crpv_item *it = crpv_scene_nth(sc, i);
        if (it->kind != CRPV_ITEM_LINE || it->role != CRPV_ROLE_BODY || !it->justify)
            continue;
        justified++;
        flush += fabs(it->box.x1 - right) <= 0.01;
    }
    assert_true(justified >= 20);
    assert_true(flush * 10 >= justified * 9);
    g_ptr_array_unref(pages);
}

static const crpv_item *find_link(const crpv_scene *sc, const char *uri, size_t *count)
{
    const crpv_item *found = NULL;
    *count = 0;
    for (size_t i = 0; i < crpv_scene_count(sc); i++) {
        const crpv_item *it = crpv_scene_nth(sc, i);
        /* A link rectangle, or a line or text that is a link. */
        if ((it->kind == CRPV_ITEM_LINK || it->kind == CRPV_ITEM_LINE ||
             it->kind == CRPV_ITEM_TEXT) &&
            g_strcmp0(it->uri, uri) == 0) {
            found = found ? found : it;
            (*count)++;
        }
    }
    return found;
}

/* The box of centre ID's entry, all its pieces; false if none. */
static bool find_entry(const crpv_scene *sc, const char *id, crpv_rect *box)
{
    bool found = false;
    for (size_t i = 0; i < crpv_scene_count(sc); i++) {
        const crpv_item *it = crpv_scene_nth(sc, i);
        if (it->kind != CRPV_ITEM_TEXT || it->role != CRPV_ROLE_ENTRY || strcmp(it->key, id))
            continue;
        *box = found ? (crpv_rect){MIN(box->x0, it->box.x0), MIN(box->y0, it->box.y0),
                                   MAX(box->x1, it->box.x1), MAX(box->y1, it->box.y1)}
                     : it->box;
        found = true;
    }
    return found;
}

static void test_links(void **state)
{
    (void)state;
    GPtrArray *pages = compose(fx.dir, false, NULL);
    const crpv_scene *verso = page_n(pages, 1);
    size_t expected = 0, links = 0, n = 0;
    for (size_t i = 0; i < crpv_directory_count(fx.dir); i++) {
        const crpv_centre *c = crpv_directory_nth(fx.dir, i);
        crpv_rect entry_box = {0};
        assert_true(find_entry(verso, c->id, &entry_box));
        const crpv_rect *entry = &entry_box;
        GPtrArray *uris = g_ptr_array_new_with_free_func(g_free);
        if (c->site)
            g_ptr_array_add(uris, g_strdup(c->site));
        if (c->courriel)
            g_ptr_array_add(uris, g_strconcat("mailto:", c->courriel, NULL));
        for (char **t = c->telephones; *t; t++) {
            GString *d = g_string_new(NULL);
            for (const char *p = *t; *p; p++)
                if (g_ascii_isdigit(*p))
                    g_string_append_c(d, *p);
            assert_int_equal(d->len, 10);
            assert_int_equal(d->str[0], '0');
            /* Each overseas territory has its own international prefix. */
            const char *r = c->regions[0];
            const char *cc = g_str_equal(r, "01")   ? "590"
                             : g_str_equal(r, "02") ? "596"
                             : g_str_equal(r, "03") ? "594"
                             : g_str_equal(r, "04") || g_str_equal(r, "06") ? "262"
                                                                             : "33";
            g_ptr_array_add(uris, g_strdup_printf("tel:+%s%s", cc, d->str + 1));
            g_string_free(d, TRUE);
        }
        for (guint k = 0; k < uris->len; k++) {
            const crpv_item *l = find_link(verso, g_ptr_array_index(uris, k), &n);
            if (!l)
                fail_msg("no link %s", (char *)g_ptr_array_index(uris, k));
            /* Phones, websites and addresses never break: one line each. */
            assert_int_equal(n, 1);
            assert_true(l->box.x0 >= entry->x0 - 0.5 && l->box.x1 <= entry->x1 + 0.5);
            assert_true(l->box.y0 >= entry->y0 - 0.5 && l->box.y1 <= entry->y1 + 0.5);
            assert_true(l->box.x1 - l->box.x0 > 20 && l->box.y1 - l->box.y0 > 4);
            /* The link is its visible text (a Link element's content). */
            assert_int_equal(l->kind, CRPV_ITEM_TEXT);
            assert_non_null(l->link_name);
        }
        expected += uris->len;
        g_ptr_array_unref(uris);
    }
    for (size_t i = 0; i < crpv_scene_count(verso); i++)
        links += crpv_scene_nth(verso, i)->uri != NULL;
    assert_int_equal(links, expected);
    /* Labo Cités: 04 78 77 01 43. */
    assert_non_null(find_link(verso, "tel:+33478770143", &n));
    /* The call's website, over its text on the recto. */
    assert_non_null(find_link(page_n(pages, 0), "https://www.reseau-crpv.fr", &n));
    assert_true(n >= 1);
    g_ptr_array_unref(pages);
}

static void test_print_mode(void **state)
{
    (void)state;
    GPtrArray *pages = compose(fx.dir, true, NULL);
    const crpv_style *s = fx.style;
    double bleed = s->bleed * MM;
    assert_int_equal(pages->len, 2);
    for (size_t p = 0; p < pages->len; p++) {
        const crpv_scene *sc = page_n(pages, p);
        double w = crpv_scene_width(sc), h = crpv_scene_height(sc);
        double off = (w - s->page_width * MM) / 2;
        /* The sheet holds the trim box, the bleed and the marks around. */
        assert_true(off >= bleed + 4 * MM);
        assert_double_near(h - 2 * off, s->page_height * MM, 0.01);
        crpv_rect trim = {off, off, w - off, h - off};
        assert_int_equal(count_role(sc, CRPV_ROLE_CROP_MARK, CRPV_ITEM_POLYLINE), 4);
        for (size_t i = 0; i < crpv_scene_count(sc); i++) {
            const crpv_item *it = crpv_scene_nth(sc, i);
            if (it->role != CRPV_ROLE_CROP_MARK)
                continue;
            assert_double_near(it->line_width, 0.25, 1e-9);
            for (size_t r = 0; r < it->shape.n_rings; r++)
                for (size_t k = 0; k < it->shape.rings[r].n; k++) {
                    crpv_point pt = it->shape.rings[r].pts[k];
                    /* Outside the trim box and its bleed, inside the sheet. */
                    bool out = pt.x <= trim.x0 - bleed + 1e-6 || pt.x >= trim.x1 + bleed - 1e-6 ||
                               pt.y <= trim.y0 - bleed + 1e-6 || pt.y >= trim.y1 + bleed - 1e-6;
                    assert_true(out);
                    assert_true(pt.x >= 0 && pt.x <= w && pt.y >= 0 && pt.y <= h);
                }
        }
        if (p == 0) {
            /* The title band runs into the bleed. */
            bool band = false;
            for (size_t i = 0; i < crpv_scene_count(sc); i++) {
                const crpv_item *it = crpv_scene_nth(sc, i);
                if (it->kind == CRPV_ITEM_RECT && it->role == CRPV_ROLE_BACKGROUND &&
                    fabs(it->box.x0 - (trim.x0 - bleed)) < 0.01 &&
                    fabs(it->box.x1 - (trim.x1 + bleed)) < 0.01 &&
                    fabs(it->box.y0 - (trim.y0 - bleed)) < 0.01)
                    band = true;
            }
            assert_true(band);
        }
    }
    assert_inside_margins(pages, (crpv_scene_width(page_n(pages, 0)) - 595.28) / 2);
    assert_entries(pages, fx.dir);
    g_ptr_array_unref(pages);
}

/* A directory of N generated centres, spread over valid regions, some
 * with a former name, an e-mail, two phones or being set up. */
static crpv_directory *synthetic(size_t n)
{
    static const char *codes[] = {"84", "11", "44", "32", "93", "75", "76", "52", "53",
                                  "28", "24", "27", "94", "01", "02", "03", "04", "06"};
    GString *s = g_string_new("id,nom,ancien_nom,territoire,regions,departement,telephone,site,"
                              "courriel,ville,lon,lat,statut\n");
    for (size_t i = 0; i < n; i++) {
        g_string_append_printf(s, "centre-%zu,Centre de ressources Politique de la ville %zu,",
                               i, i);
        g_string_append_printf(s, "%s,Territoire numéro %zu,%s,,", i % 7 == 3 ? "ANCIEN" : "", i,
                               codes[i % G_N_ELEMENTS(codes)]);
        if (i % 6 == 1)
            g_string_append_printf(s, "01 23 45 67 %02zu + 09 87 65 43 %02zu,", i % 100,
                                   i % 100);
        else
            g_string_append_printf(s, "01 23 45 67 %02zu,", i % 100);
        if (i % 5 == 2)
            g_string_append_printf(s, ",contact%zu@centre-exemple.org,,,,", i);
        else
            g_string_append_printf(s, "www.centre-ressources-%zu.org,,,,,", i);
        g_string_append(s, i % 9 == 4 ? "prefiguration\n" : "actif\n");
    }
    GError *e = NULL;
    crpv_directory *dir = crpv_directory_parse(s->str, s->len, "synth.csv", fx.regions,
                                               fx.departements, NULL, &e);
    if (!dir)
        fail_msg("synthetic directory: %s", e->message);
    g_string_free(s, TRUE);
    return dir;
}

static void check_synthetic(size_t n, size_t min_pages)
{
    crpv_directory *dir = synthetic(n);
    assert_int_equal(crpv_directory_count(dir), n);
    crpv_brochure_stats stats = {0};
    GPtrArray *pages = compose(dir, false, &stats);
    assert_true(pages->len >= min_pages);
    assert_int_equal(stats.pages, pages->len);
    assert_true(stats.directory_size >= fx.style->min_directory_size - 1e-9);
    for (size_t p = 0; p < pages->len; p++) {
        assert_double_near(crpv_scene_width(page_n(pages, p)), 595.28, 0.01);
        assert_double_near(crpv_scene_height(page_n(pages, p)), 841.89, 0.01);
    }
    assert_inside_margins(pages, 0);
    assert_entries(pages, dir);
    /* Extra pages hold only the directory, under the same title. */
    for (size_t p = 2; p < pages->len; p++) {
        assert_true(count_role(page_n(pages, p), CRPV_ROLE_ENTRY, CRPV_ITEM_TEXT) > 0);
        assert_int_equal(count_role(page_n(pages, p), CRPV_ROLE_MARKER, CRPV_ITEM_DISC), 0);
        assert_true(has_text(page_n(pages, p), "Réseau national des centres"));
    }
    g_ptr_array_unref(pages);
    crpv_directory_free(dir);
}

static void test_forty_centres(void **state)
{
    (void)state;
    check_synthetic(40, 2);
}

static void test_eighty_centres(void **state)
{
    (void)state;
    check_synthetic(80, 3);
}

/* A recto text that cannot fit is an error, not a clipped page. */
static void test_recto_overflow(void **state)
{
    (void)state;
    GString *md = g_string_new("# Titre\n\nIntroduction.\n\n## Section\n\n");
    for (int i = 0; i < 120; i++)
        g_string_append(md, "Une phrase assez longue pour remplir des lignes entières de texte "
                            "justifié dans une colonne de la page.\n");
    crpv_directory_stats stats = crpv_directory_get_stats(fx.dir);
    GError *e = NULL;
    crpv_content *content = crpv_content_parse(md->str, md->len, "long.md", &stats, NULL, &e);
    assert_non_null(content);
    crpv_map_input mi = {fx.regions, fx.departements, fx.dir, fx.style, fx.ctx};
    crpv_brochure_input in = {content, &mi, false, NULL};
    GPtrArray *pages = crpv_brochure_compose(&in, NULL, &e);
    assert_null(pages);
    assert_non_null(e);
    assert_non_null(strstr(e->message, "le texte du recto déborde de la page de"));
    g_error_free(e);
    crpv_content_free(content);
    g_string_free(md, TRUE);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_shipped_two_pages), cmocka_unit_test(test_structure_tags),
        cmocka_unit_test(test_justified_lines_flush), cmocka_unit_test(test_links),
        cmocka_unit_test(test_print_mode),         cmocka_unit_test(test_forty_centres),
        cmocka_unit_test(test_eighty_centres),     cmocka_unit_test(test_recto_overflow),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
