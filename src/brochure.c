#include "brochure.h"

#include <math.h>
#include <pango/pango.h>
#include <string.h>

#include "color.h"
#include "page.h"
#include "recto.h"
#include "typeset.h"

#define BROCHURE_ERROR (g_quark_from_static_string("crpv-brochure-error"))

#define SLUG 6.0              /* print mode: room beyond the bleed for the crop marks, mm */
#define VERSO_TITLE_SIZE 13.0 /* points */
#define COLUMN_MIN_WIDTH 52.0 /* the directory's narrowest comfortable column, mm */

/* ---- The verso: map and directory --------------------------------------- */

/* A run of an entry's text drawn on its own: a link (its visible text, the
 * content of its Link element) or the text between links. */
typedef struct {
    char *markup;  /* complete markup, owned */
    char *uri;     /* owned; NULL: no link */
    size_t start;  /* its first byte in the entry's laid-out text */
} piece;

/* One directory entry's text, with the byte ranges of its links in the
 * text Pango lays out, and the same text in pieces. */
typedef struct {
    char *markup;
    GArray *links; /* of crpv_link, uri owned */
    GArray *pieces; /* of piece, owned */
    double height;
    size_t page, column;
    double y;
} entry;

/* Builds markup and plain text side by side, so that link ranges index the
 * laid-out text exactly; and the pieces' markup. */
typedef struct {
    GString *markup;
    size_t plain;
    GString *piece; /* the current piece's markup, without its wrapper */
    piece current;  /* its link and start */
    GArray *pieces;
} builder;

#define ENTRY_OPEN "<span font_features=\"liga=0, clig=0\">"

/* Ends the current piece, less its trailing line break; a new one starts
 * at the current byte. */
static void end_piece(builder *b)
{
    if (b->piece->len && b->piece->str[b->piece->len - 1] == '\n')
        g_string_truncate(b->piece, b->piece->len - 1);
    if (b->piece->len) {
        b->current.markup = g_strconcat(ENTRY_OPEN, b->piece->str, "</span>", NULL);
        g_array_append_val(b->pieces, b->current);
    } else {
        g_free(b->current.uri);
    }
    g_string_truncate(b->piece, 0);
    b->current = (piece){NULL, NULL, b->plain};
}

static void append_both(builder *b, const char *markup)
{
    g_string_append(b->markup, markup);
    g_string_append(b->piece, markup);
}

static void put(builder *b, const char *text, const char *open, const char *close)
{
    g_autofree char *esc = crpv_markup_escape(text);
    if (open)
        append_both(b, open);
    append_both(b, esc);
    if (close)
        append_both(b, close);
    b->plain += strlen(text);
}

/* The break between two lines of an entry; the space parts the lines in
 * the PDF's text. A link's piece ends there. */
static void put_break(builder *b)
{
    if (b->current.uri) {
        put(b, " ", NULL, NULL);
        g_string_append(b->markup, "\n");
        b->plain++;
        end_piece(b);
    } else {
        put(b, " \n", NULL, NULL);
    }
}

/* A link's TEXT, kept on one line: Pango may not break inside it (no
 * joiners nor no-break spaces, which a PDF's text layer would carry). */
static void put_link(builder *b, GArray *links, const char *text, const char *uri)
{
    end_piece(b);
    b->current.uri = g_strdup(uri);
    crpv_link l = {g_strdup(uri), b->plain, 0};
    put(b, text, "<span allow_breaks=\"false\">", "</span>");
    l.end = b->plain;
    g_array_append_val(links, l);
}

/* A name broken only between its phrases. */
static void put_phrases(builder *b, const char *text, const char *open, const char *close)
{
    g_autofree char *markup = crpv_markup_phrases(text);
    append_both(b, open);
    append_both(b, markup);
    append_both(b, close);
    b->plain += strlen(text);
}

static entry make_entry(const crpv_centre *c, const crpv_style *st)
{
    entry en = {0};
    en.links = g_array_new(FALSE, TRUE, sizeof(crpv_link));
    /* No ligatures: one glyph per character in the PDF's text. */
    en.pieces = g_array_new(FALSE, TRUE, sizeof(piece));
    builder b = {g_string_new(ENTRY_OPEN), 0, g_string_new(NULL), {0}, en.pieces};
    g_autofree char *nom = crpv_typo_french(c->nom);
    put_phrases(&b, nom, "<b>", "</b>");
    if (c->ancien_nom) {
        g_autofree char *ancien = crpv_typo_french(c->ancien_nom);
        g_autofree char *ex = g_strdup_printf(" (ex-%s)", ancien);
        put(&b, ex, "<span allow_breaks=\"false\">", "</span>");
    }
    put_break(&b);
    g_autofree char *terr = crpv_typo_french(c->territoire);
    char hex[8];
    crpv_color_hex(st->primary, hex);
    g_autofree char *open = g_strdup_printf("<span foreground=\"%s\">", hex);
    put(&b, terr, open, "</span>");
    for (size_t i = 0; c->telephones && c->telephones[i]; i++) {
        put_break(&b);
        g_autofree char *shown = g_strdup(c->telephones[i]);
        /* The directory gives each territory's own international prefix. */
        put_link(&b, en.links, shown, c->telephone_uris[i]);
    }
    if (c->site) {
        put_break(&b);
        g_autofree char *shown = g_strdup(c->site_label ? c->site_label : c->site);
        put_link(&b, en.links, shown, c->site);
    }
    if (c->courriel) {
        put_break(&b);
        g_autofree char *shown = g_strdup(c->courriel);
        g_autofree char *uri = g_strconcat("mailto:", c->courriel, NULL);
        put_link(&b, en.links, shown, uri);
    }
    if (c->statut == CRPV_STATUT_PREFIGURATION) {
        put_break(&b);
        put(&b, "en préfiguration", "<i>", "</i>");
    }
    g_string_append(b.markup, "</span>");
    end_piece(&b);
    g_string_free(b.piece, TRUE);
    en.markup = g_string_free(b.markup, false);
    return en;
}

static void entries_free(entry *entries, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        g_free(entries[i].markup);
        for (guint k = 0; k < entries[i].links->len; k++)
            g_free(g_array_index(entries[i].links, crpv_link, k).uri);
        g_array_free(entries[i].links, TRUE);
        for (guint k = 0; k < entries[i].pieces->len; k++) {
            g_free(g_array_index(entries[i].pieces, piece, k).markup);
            g_free(g_array_index(entries[i].pieces, piece, k).uri);
        }
        g_array_free(entries[i].pieces, TRUE);
    }
    g_free(entries);
}

typedef struct {
    double size;
    size_t columns;
    double col_width, indent, gap, leading;
    char *font;
} dir_setting;

static void setting_init(dir_setting *s, const crpv_page_env *e, double width, double size, size_t columns)
{
    s->size = size;
    s->columns = columns;
    s->col_width = (width - (double)(columns - 1) * 4.5 * CRPV_MM) / (double)columns;
    s->indent = size * 1.55 + 1.6 * CRPV_MM;
    s->gap = size * 0.95;
    s->leading = 1.18;
    g_free(s->font);
    s->font = crpv_page_font(e, "", size);
}

/* Places the entries, in order, column by column: the first page's
 * columns run from FIRST_TOP down to BOTTOM, the next pages' from
 * NEXT_TOP. With MAX_PAGES, fails rather than use more; returns the page
 * count, 0 on failure. */
static size_t place_entries(entry *en, size_t n, const dir_setting *s, double first_top,
                            double next_top, double bottom, size_t max_pages)
{
    size_t pg = 0, col = 0;
    double top = first_top, y = top;
    for (size_t i = 0; i < n; i++) {
        double h = en[i].height;
        if (y > top && y + h > bottom) {
            col++;
            if (col == s->columns) {
                col = 0;
                pg++;
                top = next_top;
                if (pg >= max_pages)
                    return 0;
            }
            y = top;
        }
        if (y + h > bottom)
            return 0; /* taller than a whole column */
        en[i].page = pg;
        en[i].column = col;
        en[i].y = y;
        y += h + s->gap;
    }
    return pg + 1;
}

/* Measures the entries in setting S. False when one does not fit its
 * column's width: a website or an e-mail address never breaks. */
static bool measure_entries(const crpv_page_env *e, entry *en, size_t n, const dir_setting *s)
{
    double width = s->col_width - s->indent;
    bool fits = true;
    for (size_t i = 0; i < n; i++) {
        PangoLayout *l =
            crpv_text_layout_shared(e->ctx, s->font, en[i].markup, width, 0, false, s->leading);
        PangoRectangle log;
        pango_layout_get_extents(l, NULL, &log);
        en[i].height = pango_units_to_double(log.height);
        if (pango_units_to_double(log.x + log.width) > width + 0.01)
            fits = false;
        g_object_unref(l);
    }
    return fits;
}

/* The title line at the top of every verso page; returns its bottom. */
static double verso_title(crpv_page *p, const crpv_page_env *e, const crpv_content *content,
                          const crpv_directory *dir, bool first)
{
    const crpv_block *title = NULL;
    if (crpv_content_count(content) > 0 && crpv_content_nth(content, 0)->kind ==
                                               CRPV_BLOCK_HEADING)
        title = crpv_content_nth(content, 0);
    g_autofree char *font = crpv_page_font(e, "Black", VERSO_TITLE_SIZE);
    g_autofree char *sub_font = crpv_page_font(e, "", e->st->body_size);
    double w = p->right - p->left;
    double y = p->top;
    /* The document's title, repeated atop each verso page as a running
     * head: an artifact, page 1 holding the one H1. */
    if (title) {
        crpv_scene_add_tag(p->scene, CRPV_TAG_ARTIFACT);
        y += crpv_page_add_text(p, e, CRPV_ROLE_TITLE, p->left, y, w, font, title->markup, e->st->primary,
                      0, false, 1.1);
        crpv_scene_end_tag(p->scene);
    }
    g_autofree char *mt = first ? crpv_map_title(dir) : g_strdup("Annuaire des centres (suite)");
    g_autofree char *sub = crpv_markup_escape(mt);
    /* The section's heading: the map's caption on the first page (its
     * directory has no visible heading of its own), the directory's on the
     * next ones. */
    crpv_scene_add_tag(p->scene, "H2");
    y += 1 * CRPV_MM;
    y += crpv_page_add_text(p, e, CRPV_ROLE_HEADING, p->left, y, w, sub_font, sub, e->st->text, 0, false,
                  1.1);
    crpv_scene_end_tag(p->scene);
    y += 2.2 * CRPV_MM;
    crpv_scene_add_rect(p->scene, CRPV_ROLE_HEADING, (crpv_rect){p->left, y, p->right, y + 0.8},
                        e->st->primary, crpv_color_none(), 0);
    return y + 0.8;
}

/* The baseline, from the top of LAYOUT, of its line that holds byte AT. */
static int line_baseline(PangoLayout *layout, size_t at)
{
    PangoLayoutIter *it = pango_layout_get_iter(layout);
    int baseline = pango_layout_iter_get_baseline(it);
    do {
        PangoLayoutLine *line = pango_layout_iter_get_line_readonly(it);
        if ((size_t)line->start_index <= at) {
            baseline = pango_layout_iter_get_baseline(it);
        }
    } while (pango_layout_iter_next_line(it));
    pango_layout_iter_free(it);
    return baseline;
}

static void draw_entries(crpv_page *p, const crpv_page_env *e, const entry *en, const crpv_directory *dir,
                         size_t n, size_t pg, const dir_setting *s)
{
    /* Nothing prints under 6 pt: the smallest directory keeps its
     * badges' numbers there. */
    double badge_size = MAX(6.0, s->size * 0.82);
    g_autofree char *badge_font = crpv_page_font(e, "Bold", badge_size);
    double r = s->size * 0.78;
    /* Numbers of three digits hold in their badges: every badge grows to
     * the widest number's (the box of its figures, about 0.72 of the size
     * high, within 92 % of the radius), all alike. */
    for (size_t i = 0; i < n; i++) {
        char num[24];
        g_snprintf(num, sizeof num, "%zu", i + 1);
        if (strlen(num) < 3)
            continue;
        double w = 0;
        crpv_text_size(e->ctx, badge_font, num, -1, false, 0, &w, NULL);
        r = MAX(r, hypot(w, 0.72 * badge_size) / 2 / 0.92);
    }
    bool open = false;
    for (size_t i = 0; i < n; i++) {
        if (en[i].page != pg)
            continue;
        if (!open)
            crpv_scene_add_tag(p->scene, "L");
        open = true;
        const crpv_centre *c = crpv_directory_nth(dir, i);
        double x = p->left + (double)en[i].column * (s->col_width + 4.5 * CRPV_MM);
        double y = en[i].y;
        crpv_scene_add_tag(p->scene, "LI");
        /* The badge matches the map's marker: same number, same colours. */
        crpv_scene_add_tag(p->scene, "Lbl");
        double cy = y + s->size * 0.62;
        crpv_item *d = crpv_scene_add(p->scene, CRPV_ITEM_DISC, CRPV_ROLE_NONE);
        d->center = (crpv_point){x + r, cy};
        d->radius = r;
        d->box = (crpv_rect){x, cy - r, x + 2 * r, cy + r};
        /* In préfiguration, as on the map: a white disc ringed and
         * numbered in the network's colour, the ring as wide for its size. */
        bool pref = c->statut != CRPV_STATUT_ACTIF;
        d->fill = pref ? crpv_color_rgb(0xffffff) : e->st->marker;
        d->stroke = pref ? e->st->marker : crpv_color_none();
        d->line_width = r * 1.2 / 5.2;
        d->key = g_strdup(c->id);
        g_autofree char *num = g_strdup_printf("%zu", i + 1);
        double nh = crpv_page_text_height(e, badge_font, num, 2 * r, false, 0);
        crpv_item *t = crpv_scene_add_text(p->scene, CRPV_ROLE_NONE,
                                           (crpv_rect){x, cy - nh / 2, x + 2 * r, cy + nh / 2},
                                           badge_font, num,
                                           pref ? e->st->marker : e->st->marker_text);
        t->align = 1;
        t->key = g_strdup(c->id);
        crpv_scene_end_tag(p->scene);
        crpv_scene_add_tag(p->scene, "LBody");
        double tx = x + s->indent, tw = s->col_width - s->indent;
        /* The entry's text in a paragraph of its own, each link's visible
         * text (phone, site, e-mail) drawn apart inside its link, so that
         * it is its Link element's content; every piece on the baseline
         * it has in the whole entry's layout. */
        crpv_scene_add_tag(p->scene, "P");
        PangoLayout *l = crpv_text_layout_new(e->ctx, s->font, en[i].markup, tw, 0, false,
                                              s->leading);
        for (guint k = 0; k < en[i].pieces->len; k++) {
            const piece *pc = &g_array_index(en[i].pieces, piece, k);
            PangoLayout *pl = crpv_text_layout_new(e->ctx, s->font, pc->markup, tw, 0, false,
                                                   s->leading);
            /* A name on two lines reads as two words, not one. */
            g_autofree char *broken = crpv_markup_explicit_breaks(pl, pc->markup);
            PangoRectangle log;
            pango_layout_get_extents(pl, NULL, &log);
            double top = y + pango_units_to_double(line_baseline(l, pc->start)) -
                         pango_units_to_double(pango_layout_get_baseline(pl));
            crpv_item *it = crpv_scene_add_text(
                p->scene, CRPV_ROLE_ENTRY,
                (crpv_rect){tx, top, tx + tw, top + pango_units_to_double(log.height)}, s->font,
                broken, e->st->text);
            it->line_height = s->leading;
            it->key = g_strdup(c->id);
            it->title = g_strdup(c->nom);
            if (pc->uri) {
                it->uri = g_strdup(pc->uri);
                g_autofree char *who = g_strdup_printf("%s (%s)", c->nom, c->territoire);
                it->link_name = crpv_typo_french(who);
            }
            g_object_unref(pl);
        }
        crpv_scene_end_tag(p->scene);
        g_object_unref(l);
        crpv_scene_end_tag(p->scene);
        crpv_scene_end_tag(p->scene);
    }
    if (open)
        crpv_scene_end_tag(p->scene);
}

double crpv_brochure_map_width(const crpv_style *style)
{
    return (style->page_width - style->margin_inner - style->margin_outer) * CRPV_MM;
}

static bool compose_verso(const crpv_page_env *e, const crpv_brochure_input *in, GPtrArray *pages,
                          crpv_brochure_stats *stats, GError **error)
{
    const crpv_style *st = e->st;
    const crpv_directory *dir = in->map->directory;
    size_t first_index = pages->len;
    crpv_page p = crpv_page_new(e, first_index);
    double cw = p.right - p.left;
    double y = verso_title(&p, e, in->content, dir, true) + 5 * CRPV_MM;

    /* The map composed once for every output, when it was composed at
     * this page's width. */
    crpv_map *own = NULL;
    const crpv_map *map = in->composed;
    if (!map || fabs(crpv_scene_width(crpv_map_scene(map)) - cw) > 1e-6) {
        map = own = crpv_map_compose(in->map, cw, 0.2, error);
        if (!map) {
            crpv_scene_free(p.scene);
            return false;
        }
    }
    const crpv_scene *ms = crpv_map_scene(map);
    crpv_page_add_outline(&p, "Carte du réseau", 1, y);
    crpv_scene_add_tag(p.scene, "Figure");
    size_t map_from = crpv_scene_count(p.scene);
    crpv_scene_append(p.scene, ms, p.left, y);
    /* The map's links repeat the directory's, which keeps them: inside a
     * Figure with an /Alt they would be reached by Tab yet hidden from
     * reading. */
    for (size_t i = map_from; i < crpv_scene_count(p.scene); i++) {
        crpv_item *it = crpv_scene_nth(p.scene, i);
        g_clear_pointer(&it->uri, g_free);
    }
    crpv_scene_end_tag(p.scene);
    y += crpv_scene_height(ms) + 6 * CRPV_MM;
    crpv_map_free(own);

    /* The directory: the body size in as few columns as read well, then
     * tighter, then onto more pages. */
    size_t n = crpv_directory_count(dir);
    entry *en = g_new0(entry, n);
    for (size_t i = 0; i < n; i++)
        en[i] = make_entry(crpv_directory_nth(dir, i), st);
    size_t base = MAX(1, (size_t)floor((cw + 4.5 * CRPV_MM) / ((COLUMN_MIN_WIDTH + 4.5) * CRPV_MM)));
    dir_setting s = {0};
    size_t npages = 0;
    double next_top = 0;
    {
        /* Where the directory starts on the pages after the first. */
        crpv_page probe = crpv_page_new(e, first_index + 1);
        next_top = verso_title(&probe, e, in->content, dir, false) + 5 * CRPV_MM;
        crpv_scene_free(probe.scene);
    }
    double min_size = MIN(st->min_directory_size, st->body_size);
    /* For each column count, the largest size in 0.25 pt steps that holds
     * the directory on this page, found by halves; the larger wins, the
     * fewer columns on a tie. */
    int steps = (int)floor((st->body_size - min_size) / 0.25 + 1e-9);
    /* The fewest pages the directory needs, in its tightest setting whose
     * columns hold every line. */
    size_t max_pages = 0;
    for (size_t c = base + 1; c >= 1 && !max_pages; c--) {
        setting_init(&s, e, cw, min_size, c);
        if (measure_entries(e, en, n, &s) || c == 1)
            max_pages = place_entries(en, n, &s, y, next_top, p.bottom, (size_t)-1);
    }
    if (max_pages) {
        /* For each column count, the largest size in 0.25 pt steps that
         * holds the directory on those pages, found by halves; the larger
         * wins, the fewer columns on a tie. */
        int best = steps + 1;
        size_t best_columns = base;
        for (size_t c = base; c <= base + 1; c++) {
            int lo = -1, hi = steps + 1; /* step K is body_size - 0.25 K; HI fits */
            while (hi - lo > 1) {
                int mid = (lo + hi) / 2;
                setting_init(&s, e, cw, st->body_size - 0.25 * mid, c);
                if (measure_entries(e, en, n, &s) &&
                    place_entries(en, n, &s, y, next_top, p.bottom, max_pages))
                    hi = mid;
                else
                    lo = mid;
            }
            if (hi < best) {
                best = hi;
                best_columns = c;
            }
        }
        if (best <= steps) {
            setting_init(&s, e, cw, st->body_size - 0.25 * best, best_columns);
            measure_entries(e, en, n, &s);
            npages = place_entries(en, n, &s, y, next_top, p.bottom, max_pages);
        } else {
            npages = max_pages; /* the tightest setting, left in S */
            for (size_t c = base + 1; c >= 1; c--) {
                setting_init(&s, e, cw, min_size, c);
                if (measure_entries(e, en, n, &s) || c == 1)
                    break;
            }
            place_entries(en, n, &s, y, next_top, p.bottom, (size_t)-1);
        }
    }
    if (!npages) {
        g_set_error(error, BROCHURE_ERROR, 2,
                    "une fiche de l’annuaire est plus haute qu’une colonne entière");
        g_free(s.font);
        entries_free(en, n);
        crpv_scene_free(p.scene);
        return false;
    }
    /* Balance the last page's columns: its lowest bottom that holds them. */
    {
        double top = npages == 1 ? y : next_top;
        double lo = top, hi = p.bottom;
        size_t from = 0;
        while (from < n && en[from].page + 1 < npages)
            from++;
        /* The loosest spacing between entries whose balanced columns still
         * fit: the page is filled rather than left with a hole. */
        double gap = s.gap;
        for (double g = 1.8 * gap; g >= gap - 1e-9; g -= 0.1 * gap) {
            s.gap = g;
            lo = top;
            hi = p.bottom;
            if (!place_entries(en + from, n - from, &s, top, top, hi, 1))
                continue;
            for (int k = 0; k < 24 && hi - lo > 0.5; k++) {
                double mid = (lo + hi) / 2;
                if (place_entries(en + from, n - from, &s, top, top, mid, 1))
                    hi = mid;
                else
                    lo = mid;
            }
            break;
        }
        place_entries(en + from, n - from, &s, top, top, hi, 1);
        for (size_t i = from; i < n; i++)
            en[i].page = npages - 1;
    }

    for (size_t pg = 0; pg < npages; pg++) {
        if (pg > 0) {
            p = crpv_page_new(e, first_index + pg);
            verso_title(&p, e, in->content, dir, false);
        }
        double top = pg == 0 ? y : next_top;
        if (pg == 0)
            crpv_page_add_outline(&p, "Annuaire des centres", 1, top);
        draw_entries(&p, e, en, dir, n, pg, &s);
        g_ptr_array_add(pages, p.scene);
    }
    if (stats) {
        stats->directory_size = s.size;
        stats->directory_columns = s.columns;
    }
    g_free(s.font);
    entries_free(en, n);
    return true;
}

/* The print brochure's markers (the map's, the legend's, the directory's
 * badges: every disc) in the style's marker print key, their numbers too
 * when in the marker's colour, so that the print pass gives them the
 * markers' own ink rather than the headings' (see style.h). */
static void key_print_markers(GPtrArray *pages, const crpv_style *st)
{
    crpv_color from = st->marker, to = st->marker_print_key;
    if (from.r == to.r && from.g == to.g && from.b == to.b)
        return;
    for (guint p = 0; p < pages->len; p++) {
        crpv_scene *sc = g_ptr_array_index(pages, p);
        for (size_t i = 0; i < crpv_scene_count(sc); i++) {
            crpv_item *d = crpv_scene_nth(sc, i);
            if (d->kind != CRPV_ITEM_DISC)
                continue;
            if (!memcmp(&d->fill, &from, sizeof from))
                d->fill = to;
            if (!memcmp(&d->stroke, &from, sizeof from))
                d->stroke = to;
            crpv_item *t = i + 1 < crpv_scene_count(sc) ? crpv_scene_nth(sc, i + 1) : NULL;
            if (t && t->kind == CRPV_ITEM_TEXT && !memcmp(&t->fill, &from, sizeof from) &&
                hypot((t->box.x0 + t->box.x1) / 2 - d->center.x,
                      (t->box.y0 + t->box.y1) / 2 - d->center.y) < d->radius)
                t->fill = to;
        }
    }
}

/* The size in points of Pango font description FONT. */
static double font_points(const char *font)
{
    PangoFontDescription *fd = pango_font_description_from_string(font);
    double size = pango_font_description_get_size(fd) / (double)PANGO_SCALE;
    pango_font_description_free(fd);
    return size;
}

/* What the print brochure changes for the press (see the README's print
 * section): rules reversed out of a tint at least PRINT_MIN_REVERSED_RULE
 * wide, since a thinner white line fills in; brand-coloured text under
 * PRINT_SMALL_TEXT in the markers' single ink (their print key), since
 * thin strokes in three inks blur at the least misregistration. */
#define PRINT_MIN_REVERSED_RULE 0.5 /* pt */
#define PRINT_SMALL_TEXT 9.0        /* pt */
static void adapt_for_print(GPtrArray *pages, const crpv_style *st)
{
    char primary[8], key[8];
    crpv_color_hex(st->primary, primary);
    crpv_color_hex(st->marker_print_key, key);
    g_autofree char *from = g_strdup_printf("foreground=\"%s\"", primary);
    g_autofree char *to = g_strdup_printf("foreground=\"%s\"", key);
    bool recolour = strcmp(primary, key) != 0;
    for (guint p = 0; p < pages->len; p++) {
        crpv_scene *sc = g_ptr_array_index(pages, p);
        for (size_t i = 0; i < crpv_scene_count(sc); i++) {
            crpv_item *it = crpv_scene_nth(sc, i);
            if (it->kind != CRPV_ITEM_TEXT && it->stroke.a > 0 &&
                !memcmp(&it->stroke, &st->border, sizeof st->border) &&
                it->line_width < PRINT_MIN_REVERSED_RULE)
                it->line_width = PRINT_MIN_REVERSED_RULE;
            if (it->kind != CRPV_ITEM_TEXT || !recolour || !it->font ||
                font_points(it->font) >= PRINT_SMALL_TEXT)
                continue;
            if (!memcmp(&it->fill, &st->primary, sizeof st->primary))
                it->fill = st->marker_print_key;
            if (it->text && strstr(it->text, from)) {
                g_auto(GStrv) parts = g_strsplit(it->text, from, -1);
                g_free(it->text);
                it->text = g_strjoinv(to, parts);
            }
        }
    }
}

GPtrArray *crpv_brochure_compose(const crpv_brochure_input *in, crpv_brochure_stats *stats,
                                 GError **error)
{
    const crpv_style *st = in->map->style;
    if (crpv_directory_count(in->map->directory) > CRPV_BROCHURE_MAX_CENTRES) {
        g_set_error(error, BROCHURE_ERROR, 3,
                    "%zu centres : la brochure en liste %d au plus",
                    crpv_directory_count(in->map->directory), CRPV_BROCHURE_MAX_CENTRES);
        return NULL;
    }
    crpv_page_env e = {.st = st, .ctx = in->map->ctx, .print = in->print};
    e.w = st->page_width * CRPV_MM;
    e.h = st->page_height * CRPV_MM;
    if (in->print) {
        e.bleed = st->bleed * CRPV_MM;
        e.off = (st->bleed + SLUG) * CRPV_MM;
    }
    GPtrArray *pages = g_ptr_array_new_with_free_func((GDestroyNotify)crpv_scene_free);
    crpv_recto_report report = {0};
    crpv_scene *recto = crpv_recto_compose(&e, in->content, &report, error);
    if (!recto) {
        g_ptr_array_unref(pages);
        return NULL;
    }
    g_ptr_array_add(pages, recto);
    if (stats) {
        stats->recto = crpv_recto_figures_of(&report);
        stats->body_size = report.body_size;
        stats->body_stepped_down = report.stepped_down;
    }
    crpv_recto_report_clear(&report);
    if (!compose_verso(&e, in, pages, stats, error)) {
        g_ptr_array_unref(pages);
        return NULL;
    }
    if (in->print) {
        key_print_markers(pages, st);
        adapt_for_print(pages, st);
    }
    if (stats)
        stats->pages = pages->len;
    return pages;
}
