#include "recto.h"

#include <math.h>
#include <string.h>

#include "paragraph.h"
#include "typeset.h"

#define RECTO_ERROR (g_quark_from_static_string("crpv-recto-error"))

#define TITLE_SIZE 23.0   /* points */
#define H2_SIZE 12.5
#define GRID 1.32         /* the baseline grid's step, in body sizes */
#define LEAD_SCALE 1.08   /* the introduction's size, in body sizes, on the same grid:
                          * GRID / LEAD_SCALE = 1.22, its leading within 1.2-1.35 */
#define CALL_SCALE 1.25
#define INDENT 1.5        /* a paragraph's first-line indent, in body sizes */
#define SIZE_STEP 0.25    /* stepping the body down to fit, points */
#define MIN_BODY 7.5
#define MAX_HYPHEN_PERCENT 10 /* QUALITY.md: hyphenated lines of the running text */
#define MAX_BODY 10.5     /* the largest a brochure's running text is set */
/* The wide column's share of the measure: about 65 characters of the body,
 * where total-fit breaking with slight glyph expansion needs few hyphens;
 * the narrow column (about 34 characters) is set ragged. The share is
 * chosen within these bounds for the text, as a designer adjusts a grid:
 * the one whose running text needs the fewest hyphens. */
#define WIDE_SHARE 0.65
#define WIDE_SHARE_MIN 0.62
#define WIDE_SHARE_MAX 0.68
#define GUTTER 5.0        /* mm */
#define BOX_PAD 3.0       /* mm, the box's inner margin */

typedef enum { BLK_NONE, BLK_LEAD, BLK_BOX, BLK_BODY, BLK_CALL } blk_place;

typedef struct {
    const crpv_page_env *e;
    const crpv_content *content;
    crpv_page p;
    double size, L;
    char *body_font, *lead_font, *h2_font, *h3_font, *box_head_font, *bullet_font;
    double x[2], w[2];     /* narrow, wide */
    double first_baseline; /* of the grid */
    double last_baseline;  /* the lowest a line may sit */
    GArray *facts;         /* of crpv_line_fact */
    GArray *hyphens;       /* of crpv_item, strings owned until added to the scene */
} recto;

static double baseline(const recto *r, int k)
{
    return r->first_baseline + k * r->L;
}

void crpv_recto_report_clear(crpv_recto_report *report)
{
    if (!report)
        return;
    g_free(report->lines);
    *report = (crpv_recto_report){0};
}

/* Link rectangles over LINE's part of each of B's links: the line's text is
 * the block's plain text from LINE->start, less soft hyphens and joiners. */
static void add_line_links(recto *r, const crpv_block *b, const crpv_set_line *line,
                           const crpv_item *item)
{
    for (size_t k = 0; k < b->n_links; k++) {
        size_t a = MAX(b->links[k].start, line->start), z = MIN(b->links[k].end, line->end);
        if (a >= z)
            continue;
        /* Bytes of the line's text before A and before Z. */
        size_t ia = 0, iz = 0;
        for (const char *q = b->plain + line->start; q < b->plain + z; q = g_utf8_next_char(q)) {
            gunichar c = g_utf8_get_char(q);
            size_t n = (size_t)(g_utf8_next_char(q) - q);
            if (c == 0x00AD || c == 0x2060 || c == '\n' || c == 0x2028)
                n = 0;
            if (q < b->plain + a)
                ia += n;
            iz += n;
        }
        PangoLayout *l = crpv_text_layout_shared(r->e->ctx, item->font, item->text, 0, 0, false, 0);
        PangoRectangle pa, pz;
        pango_layout_index_to_pos(l, (int)ia, &pa);
        pango_layout_index_to_pos(l, (int)iz, &pz);
        double scale = item->glyph_scale > 0 ? item->glyph_scale : 1;
        double x0 = item->box.x0 + pango_units_to_double(pa.x) * scale;
        double x1 = item->box.x0 + pango_units_to_double(pz.x) * scale;
        if (z == line->end && x1 < item->box.x0)
            x1 = item->box.x1;
        crpv_scene_add_link(r->p.scene, (crpv_rect){x0, item->box.y0, MAX(x1, x0 + 1), item->box.y1},
                            b->links[k].uri);
        g_object_unref(l);
    }
}

/* The URI of the link of B that holds byte AT of its text, or NULL. */
static const char *link_at(const crpv_block *b, size_t at)
{
    for (size_t i = 0; b && i < b->n_links; i++)
        if (at >= b->links[i].start && at < b->links[i].end)
            return b->links[i].uri;
    return NULL;
}

/* Sets MARKUP in column COL (-1: at X0 over WIDTH) from grid line K, one
 * grid line per line; returns the grid line after the last. ALIGN 1
 * centres the lines (the call). */
typedef struct {
    crpv_line_kind kind;
    crpv_set_mode mode;
    const char *font;
    crpv_color color;
    crpv_role role;
    double indent;
    int align;
    size_t block;
    const crpv_block *links; /* the block whose links to place, or NULL */
} set_spec;

static int set_lines(recto *r, int col, double x0, double width, int k, const char *markup,
                     const set_spec *s, double step, double first_baseline)
{
    /* Ragged lines are cut at their links' ends, so that each link holds
     * its own text (a Link element with content, PDF/UA). */
    GArray *cuts = g_array_new(false, false, sizeof(size_t));
    for (size_t i = 0; s->links && i < s->links->n_links; i++) {
        g_array_append_val(cuts, s->links->links[i].start);
        g_array_append_val(cuts, s->links->links[i].end);
    }
    crpv_set_options o = {.font = s->font, .width = width, .indent = s->indent, .mode = s->mode,
                          .hyphen_penalty = -1, .cuts = (const size_t *)cuts->data,
                          .n_cuts = cuts->len};
    g_autoptr(crpv_setting) st = crpv_set_paragraph(r->e->ctx, markup, &o);
    g_array_free(cuts, true);
    for (size_t i = 0; i < st->n_lines; i++, k++) {
        const crpv_set_line *ln = &st->lines[i];
        double y = first_baseline + k * step;
        double x = x0 + ln->x;
        if (s->align == 1)
            x = x0 + (width - ln->width) / 2;
        if (ln->n_segments > 1 || (ln->n_segments == 1 && link_at(s->links, ln->segments[0].start))) {
            for (size_t g = 0; g < ln->n_segments; g++) {
                const crpv_set_segment *sg = &ln->segments[g];
                const char *uri = link_at(s->links, sg->start);
                if (!uri)
                    crpv_scene_add_tag(r->p.scene, "Span");
                crpv_item *it = crpv_scene_add(r->p.scene, CRPV_ITEM_LINE, s->role);
                it->box = (crpv_rect){x + sg->x, y - st->ascent, x + sg->x + sg->width,
                                      y + st->descent};
                it->baseline = y;
                it->text = g_strdup(sg->markup);
                it->font = g_strdup(s->font);
                it->fill = s->color;
                it->uri = g_strdup(uri);
                if (!uri)
                    crpv_scene_end_tag(r->p.scene);
            }
        } else {
            /* The hyphen the breaker added is drawn apart, after the
             * tagged text: a reader's structure then joins the word. */
            double hw = ln->hyphen_markup ? ln->hyphen_width * ln->glyph_scale : 0;
            if (ln->hyphen_markup) {
                crpv_item h = {.kind = CRPV_ITEM_LINE, .role = s->role, .frame = -1};
                h.box = (crpv_rect){x + ln->width - hw, y - st->ascent, x + ln->width,
                                    y + st->descent};
                h.baseline = y;
                h.text = g_strdup(ln->hyphen_markup);
                h.font = g_strdup(s->font);
                h.fill = s->color;
                h.glyph_scale = ln->glyph_scale;
                g_array_append_val(r->hyphens, h);
            }
            crpv_item *it = crpv_scene_add(r->p.scene, CRPV_ITEM_LINE, s->role);
            it->box = (crpv_rect){x, y - st->ascent, x + ln->width - hw, y + st->descent};
            it->baseline = y;
            it->text = g_strdup(ln->markup);
            it->font = g_strdup(s->font);
            it->fill = s->color;
            it->justify = ln->justified;
            it->glyph_scale = ln->glyph_scale;
            if (s->links)
                add_line_links(r, s->links, ln,
                               crpv_scene_nth(r->p.scene, crpv_scene_count(r->p.scene) - 1));
        }
        crpv_line_fact f = {.kind = s->kind,
                            .column = col,
                            .x = x,
                            .baseline = y,
                            .width = ln->width,
                            .measure = width,
                            .ratio = ln->ratio,
                            .glyph_scale = ln->glyph_scale,
                            .hyphen = ln->hyphen,
                            .last = ln->last,
                            .justified = ln->justified,
                            .short_line = ln->short_line,
                            .block = s->block};
        g_array_append_val(r->facts, f);
    }
    return k;
}

static int set_grid(recto *r, int col, int k, const char *markup, const set_spec *s)
{
    return set_lines(r, col, r->x[col], r->w[col], k, markup, s, r->L, r->first_baseline);
}

/* A list item: its bullet in the indent, its text ragged beside it, from
 * grid line K of the grid whose line 0 is at ORIGIN. */
static int set_item(recto *r, int col, double x, double width, int k, const crpv_block *b,
                    size_t index, crpv_line_kind kind, double origin)
{
    const crpv_page_env *e = r->e;
    double ind = r->size * 1.3 * b->level;
    crpv_scene_add_tag(r->p.scene, "LI");
    /* The bullet glyph is decoration, an artifact: read aloud, « › »
     * means nothing; the list says it is bulleted (/ListNumbering /Disc,
     * pdfpost.c). */
    crpv_scene_add_tag(r->p.scene, CRPV_TAG_ARTIFACT);
    set_spec bullet = {kind, CRPV_SET_RAGGED, r->bullet_font, e->st->primary, CRPV_ROLE_BODY,
                       0, 0, index, NULL};
    crpv_item *it = crpv_scene_add(r->p.scene, CRPV_ITEM_LINE, CRPV_ROLE_BODY);
    double y = origin + k * r->L;
    it->box = (crpv_rect){x + ind - r->size * 1.3, y - r->size, x + ind, y + r->size * 0.3};
    it->baseline = y;
    it->text = g_strdup("›");
    it->font = g_strdup(bullet.font);
    it->fill = bullet.color;
    crpv_scene_end_tag(r->p.scene);
    crpv_scene_add_tag(r->p.scene, "LBody");
    set_spec s = {kind, CRPV_SET_RAGGED, r->body_font, e->st->text, CRPV_ROLE_BODY, 0, 0, index,
                  b};
    k = set_lines(r, col, x + ind, width - ind, k, b->markup, &s, r->L, origin);
    crpv_scene_end_tag(r->p.scene);
    crpv_scene_end_tag(r->p.scene);
    return k;
}

/* The box title's font: the largest from 1.08 body sizes down to the
 * body's own at which its last line is no runt (a third of the measure at
 * least), else the first. Returns a new string (g_free). */
static char *box_title_font(const recto *r, const char *markup, double width)
{
    for (double f = 1.08; f >= 1.0 - 1e-9; f -= 0.02) {
        char *font = crpv_page_font(r->e, "Black", round(r->size * f * 4) / 4);
        crpv_set_options o = {.font = font, .width = width, .mode = CRPV_SET_TITLE};
        g_autoptr(crpv_setting) st = crpv_set_paragraph(r->e->ctx, markup, &o);
        if (st->n_lines <= 1 || st->lines[st->n_lines - 1].natural >= width / 3)
            return font;
        g_free(font);
    }
    return g_strdup(r->box_head_font);
}

/* A heading's rule, RULE_GAP above its capitals (Lato's capitals are
 * 0.72 of the size): the top of the rule over a heading whose baseline is
 * Y. The box's ground starts at the same height over its first line, so
 * that a box and a heading beside it on the same grid line align. */
#define CAP_HEIGHT 0.72
#define RULE_GAP 4.5 /* points */
#define RULE_THICK (1.1 * CRPV_MM)

static double h2_size(const recto *r)
{
    return H2_SIZE * r->size / r->e->st->body_size;
}

static double rule_bottom(const recto *r, double y)
{
    return y - CAP_HEIGHT * h2_size(r) - RULE_GAP;
}

/* The box: its blocks FIRST..LAST in the narrow column from grid line K,
 * on a tinted ground drawn behind (BG, added before any text). */
static int set_box(recto *r, int k, size_t first, size_t last, size_t bg_index, size_t bar_index)
{
    const crpv_page_env *e = r->e;
    double pad = BOX_PAD * CRPV_MM;
    double x = r->x[0] + pad + 1.2 * CRPV_MM, width = r->w[0] - 2 * pad - 1.2 * CRPV_MM;
    /* The box's lines sit on a half-line grid from its first baseline (on
     * the page's grid): a list's items half a line apart, closer than
     * paragraphs, farther than their own lines; the title set apart from
     * the first item by as much or more, chosen so that the last line
     * falls back on the page's grid. */
    double origin = baseline(r, k);
    size_t items = 0;
    for (size_t i = first; i <= last; i++)
        items += crpv_content_nth(r->content, i)->kind == CRPV_BLOCK_LIST_ITEM;
    int title_gap = items > 0 && (items - 1) % 2 == 1 ? 1 : 2;
    int h = 0; /* half-lines from ORIGIN */
    crpv_scene_add_tag(r->p.scene, "Div");
    bool in_list = false;
    crpv_block_kind prev = CRPV_BLOCK_BREAK;
    for (size_t i = first; i <= last; i++) {
        const crpv_block *b = crpv_content_nth(r->content, i);
        if (b->kind == CRPV_BLOCK_BREAK)
            continue;
        if (b->kind != CRPV_BLOCK_LIST_ITEM && in_list) {
            crpv_scene_end_tag(r->p.scene);
            in_list = false;
        }
        if (b->kind == CRPV_BLOCK_HEADING) {
            if (prev != CRPV_BLOCK_BREAK)
                h += 2;
            crpv_scene_add_tag(r->p.scene, b->level <= 2 ? "H2" : "H3");
            double y = origin + h * r->L / 2;
            crpv_page_add_outline(&r->p, b->title, 2, y - r->L);
            g_autofree char *font = box_title_font(r, b->markup, width);
            set_spec s = {CRPV_LINE_BOX, CRPV_SET_TITLE, font, e->st->primary,
                          CRPV_ROLE_HEADING, 0, 0, i, NULL};
            h += 2 * set_lines(r, 0, x, width, 0, b->markup, &s, r->L, y);
            crpv_scene_end_tag(r->p.scene);
        } else if (b->kind == CRPV_BLOCK_LIST_ITEM) {
            if (!in_list)
                crpv_scene_add_tag(r->p.scene, "L");
            if (prev == CRPV_BLOCK_HEADING)
                h += title_gap;
            else if (prev == CRPV_BLOCK_LIST_ITEM)
                h += 1;
            else if (prev != CRPV_BLOCK_BREAK)
                h += 2;
            in_list = true;
            h += 2 * set_item(r, 0, x, width, 0, b, i, CRPV_LINE_BOX, origin + h * r->L / 2);
        } else {
            if (prev != CRPV_BLOCK_BREAK)
                h += 2;
            crpv_scene_add_tag(r->p.scene, "P");
            set_spec s = {CRPV_LINE_BOX, CRPV_SET_RAGGED, r->body_font, e->st->text,
                          CRPV_ROLE_BODY, 0, 0, i, b};
            h += 2 * set_lines(r, 0, x, width, 0, b->markup, &s, r->L, origin + h * r->L / 2);
            crpv_scene_end_tag(r->p.scene);
        }
        prev = b->kind;
    }
    if (in_list)
        crpv_scene_end_tag(r->p.scene);
    crpv_scene_end_tag(r->p.scene);
    /* Back on the page's grid: the next whole grid line after the last. */
    int lines = MAX(1, (h + 1) / 2);
    double last_y = origin + (h - 2) * r->L / 2;
    /* The ground: from a rule's height above the first baseline to below
     * the last one's descenders. */
    double y0 = rule_bottom(r, origin) - RULE_THICK;
    double y1 = last_y + 0.75 * r->L;
    crpv_item *bg = crpv_scene_nth(r->p.scene, bg_index);
    bg->box = (crpv_rect){r->x[0], y0, r->x[0] + r->w[0], y1};
    crpv_item *bar = crpv_scene_nth(r->p.scene, bar_index);
    bar->box = (crpv_rect){r->x[0], y0, r->x[0] + 1.2 * CRPV_MM, y1};
    return k + lines;
}

/* The heading of the running text: a blank grid line above it (unless it
 * opens the column) holding a short rule, then its lines on the grid: two
 * grid lines from the text before, one from its own. */
static int set_heading(recto *r, int k, const crpv_block *b, size_t index, size_t rule_index)
{
    const crpv_page_env *e = r->e;
    if (k > 0)
        k++;
    double y = baseline(r, k);
    crpv_item *rule = crpv_scene_nth(r->p.scene, rule_index);
    double ry = rule_bottom(r, y);
    rule->box = (crpv_rect){r->x[1], ry - RULE_THICK, r->x[1] + 9 * CRPV_MM, ry};
    crpv_scene_add_tag(r->p.scene, b->level <= 2 ? "H2" : "H3");
    crpv_page_add_outline(&r->p, b->title, b->level, y - r->L);
    set_spec s = {CRPV_LINE_HEADING, CRPV_SET_TITLE, b->level <= 2 ? r->h2_font : r->h3_font,
                  e->st->primary, CRPV_ROLE_HEADING, 0, 0, index, NULL};
    guint first_fact = r->facts->len;
    k = set_grid(r, 1, k, b->markup, &s);
    crpv_scene_end_tag(r->p.scene);
    for (guint f = first_fact; f < r->facts->len; f++) {
        crpv_line_fact *lf = &g_array_index(r->facts, crpv_line_fact, f);
        lf->size = b->level <= 2 ? h2_size(r) : r->size * 1.1;
        if (f == first_fact)
            lf->rule_bottom = ry;
    }
    return k;
}

/* The wide column's width for the running text's paragraphs among
 * BLOCKS placed in the body: the fewest hyphenated lines, then the least
 * loose line, the fewest lines, the nearest to the nominal share. */
static double choose_wide_width(const recto *r, const blk_place *place, size_t n, double avail)
{
    double best = floor(avail * WIDE_SHARE);
    double best_score = INFINITY;
    for (int step = 0; step <= 6; step++) {
        double share = WIDE_SHARE_MIN + step * (WIDE_SHARE_MAX - WIDE_SHARE_MIN) / 6;
        double width = floor(avail * share);
        size_t lines = 0, hyphens = 0;
        double loosest = 0;
        for (size_t j = 0; j < n; j++) {
            const crpv_block *b = crpv_content_nth(r->content, j);
            if (place[j] != BLK_BODY || b->kind != CRPV_BLOCK_PARAGRAPH)
                continue;
            crpv_set_options o = {.font = r->body_font, .width = width,
                                  .indent = INDENT * r->size, .mode = CRPV_SET_JUSTIFIED,
                                  .hyphen_penalty = -1};
            g_autoptr(crpv_setting) st = crpv_set_paragraph(r->e->ctx, b->markup, &o);
            lines += st->n_lines;
            for (size_t k = 0; k < st->n_lines; k++) {
                hyphens += st->lines[k].hyphen;
                if (st->lines[k].justified)
                    loosest = MAX(loosest, st->lines[k].ratio);
            }
        }
        double score = hyphens * 1000.0 + loosest * 100 + lines + fabs(share - WIDE_SHARE);
        if (score < best_score) {
            best_score = score;
            best = width;
        }
    }
    return best;
}

static void fonts_free(recto *r)
{
    g_free(r->body_font);
    g_free(r->lead_font);
    g_free(r->h2_font);
    g_free(r->h3_font);
    g_free(r->box_head_font);
    g_free(r->bullet_font);
}

/* The recto at body SIZE: its scene in R->p, or false when it overflows. */
static bool compose_at(recto *r, double size, size_t *overflow_block, double *overflow)
{
    const crpv_page_env *e = r->e;
    const crpv_style *st = e->st;
    const crpv_content *content = r->content;
    size_t n = crpv_content_count(content);
    r->p = crpv_page_new(e, 0);
    r->size = size;
    r->L = round(size * GRID * 100) / 100;
    r->body_font = crpv_page_font(e, "", size);
    r->lead_font = crpv_page_font(e, "", size * LEAD_SCALE);
    r->h2_font = crpv_page_font(e, "Black", H2_SIZE * size / st->body_size);
    r->h3_font = crpv_page_font(e, "Bold", size * 1.1);
    r->box_head_font = crpv_page_font(e, "Black", size * 1.08);
    r->bullet_font = crpv_page_font(e, "Black", size);
    double cw = r->p.right - r->p.left;

    /* What goes where: the title, the introduction (the paragraphs before
     * anything else), the boxed blocks, the running text, and the call
     * after the break. */
    size_t i = 0;
    const crpv_block *title = NULL;
    if (n > 0 && crpv_content_nth(content, 0)->kind == CRPV_BLOCK_HEADING &&
        crpv_content_nth(content, 0)->level == 1) {
        title = crpv_content_nth(content, 0);
        i = 1;
    }
    blk_place *place = g_new0(blk_place, n + 1);
    for (size_t j = i; j < n; j++)
        place[j] = BLK_BODY;
    while (i < n && crpv_content_nth(content, i)->kind == CRPV_BLOCK_PARAGRAPH &&
           !crpv_content_nth(content, i)->boxed)
        place[i++] = BLK_LEAD;
    size_t call_first = n;
    for (size_t j = i; j < n; j++) {
        const crpv_block *b = crpv_content_nth(content, j);
        if (b->kind == CRPV_BLOCK_BREAK && !b->boxed) {
            call_first = j + 1;
            break;
        }
        if (b->boxed)
            place[j] = BLK_BOX;
    }
    for (size_t j = call_first; j < n; j++)
        place[j] = BLK_CALL;

    /* Decoration first, before the tagged text: the title band, the box's
     * ground, the rules over headings, the call's band; placed once the
     * text is. (The PDF writer wraps the pages in one Document.) */
    size_t band_index = crpv_scene_count(r->p.scene);
    crpv_scene_add_rect(r->p.scene, CRPV_ROLE_BACKGROUND, (crpv_rect){0}, st->primary,
                        crpv_color_none(), 0);
    size_t title_rule = crpv_scene_count(r->p.scene);
    crpv_scene_add_rect(r->p.scene, CRPV_ROLE_HEADING, (crpv_rect){0},
                        crpv_tint(crpv_color_rgb(0xffffff), 0.8), crpv_color_none(), 0);
    size_t call_index = crpv_scene_count(r->p.scene);
    crpv_scene_add_rect(r->p.scene, CRPV_ROLE_BACKGROUND, (crpv_rect){0}, st->primary,
                        crpv_color_none(), 0);
    /* One ground and one bar per boxed run, one rule per heading. */
    size_t *deco = g_new0(size_t, n + 1);
    for (size_t j = 0; j < n; j++) {
        const crpv_block *b = crpv_content_nth(content, j);
        if (place[j] == BLK_BOX && (j == 0 || place[j - 1] != BLK_BOX)) {
            deco[j] = crpv_scene_count(r->p.scene);
            crpv_scene_add_rect(r->p.scene, CRPV_ROLE_BACKGROUND, (crpv_rect){0},
                                crpv_tint(st->primary, 0.09), crpv_color_none(), 0);
            crpv_scene_add_rect(r->p.scene, CRPV_ROLE_BACKGROUND, (crpv_rect){0}, st->primary,
                                crpv_color_none(), 0);
        } else if (place[j] == BLK_BODY && b->kind == CRPV_BLOCK_HEADING) {
            deco[j] = crpv_scene_count(r->p.scene);
            crpv_scene_add_rect(r->p.scene, CRPV_ROLE_HEADING, (crpv_rect){0}, st->primary,
                                crpv_color_none(), 0);
        }
    }

    /* The title, broken by sense, on a band bleeding off the top. */
    double y = r->p.top;
    if (title) {
        g_autofree char *tfont = crpv_page_font(e, "Black", TITLE_SIZE);
        crpv_scene_add_tag(r->p.scene, "H1");
        crpv_page_add_outline(&r->p, title->title, 1, r->p.top);
        set_spec s = {CRPV_LINE_TITLE, CRPV_SET_TITLE, tfont, crpv_color_rgb(0xffffff),
                      CRPV_ROLE_TITLE, 0, 0, 0, NULL};
        double step = TITLE_SIZE * 1.08;
        int lines = set_lines(r, -1, r->p.left, cw * 0.9, 0, title->markup, &s, step,
                              r->p.top + 2 * CRPV_MM + TITLE_SIZE * 0.8);
        crpv_scene_end_tag(r->p.scene);
        double band_bottom = r->p.top + 2 * CRPV_MM + lines * step + 9 * CRPV_MM;
        crpv_scene_nth(r->p.scene, band_index)->box =
            (crpv_rect){crpv_page_edge_left(e), e->off - e->bleed, crpv_page_edge_right(e),
                        band_bottom};
        crpv_scene_nth(r->p.scene, title_rule)->box =
            (crpv_rect){r->p.left, band_bottom - 4.5 * CRPV_MM, r->p.left + 18 * CRPV_MM,
                        band_bottom - 4.5 * CRPV_MM + 0.8};
        y = band_bottom + 8 * CRPV_MM;
    }

    /* The call, at the foot, centred on its band: measured here, set last
     * (in reading order). */
    double bottom = r->p.bottom, call_top = r->p.bottom;
    if (call_first < n) {
        g_autofree char *font = crpv_page_font(e, "", size * CALL_SCALE);
        double pad_v = 4.2 * CRPV_MM, pad_h = 6 * CRPV_MM, step = size * CALL_SCALE * 1.3;
        double width = cw - 2 * pad_h;
        /* Measured by setting it once aside. */
        size_t lines = 0;
        for (size_t j = call_first; j < n; j++) {
            const crpv_block *b = crpv_content_nth(content, j);
            if (b->kind == CRPV_BLOCK_BREAK)
                continue;
            crpv_set_options o = {.font = font, .width = width, .mode = CRPV_SET_RAGGED};
            g_autoptr(crpv_setting) s = crpv_set_paragraph(e->ctx, b->markup, &o);
            lines += s->n_lines;
        }
        if (lines > 0) {
            call_top = r->p.bottom - (lines * step + 2 * pad_v);
            bottom = call_top - 8 * CRPV_MM;
        }
    }

    /* The columns and their grid. */
    double gutter = GUTTER * CRPV_MM;
    r->w[1] = choose_wide_width(r, place, call_first, cw - gutter);
    r->w[0] = cw - gutter - r->w[1];
    r->x[0] = r->p.left;
    r->x[1] = r->p.left + r->w[0] + gutter;
    r->first_baseline = y + size * LEAD_SCALE * 0.8;
    r->last_baseline = bottom - size * 0.25;
    int k[2] = {0, 0};
    bool ok = true;
    *overflow = 0;
    *overflow_block = 0;
    crpv_block_kind prev_body = CRPV_BLOCK_BREAK;
    bool body_list = false;
    for (size_t j = 0; j < call_first && j < n; j++) {
        const crpv_block *b = crpv_content_nth(content, j);
        if (b->kind == CRPV_BLOCK_BREAK)
            continue;
        int before[2] = {k[0], k[1]};
        if (place[j] == BLK_LEAD) {
            if (k[0] > 0)
                k[0]++;
            crpv_scene_add_tag(r->p.scene, "P");
            set_spec s = {CRPV_LINE_LEAD, CRPV_SET_RAGGED, r->lead_font, st->text, CRPV_ROLE_BODY,
                          0, 0, j, b};
            k[0] = set_grid(r, 0, k[0], b->markup, &s);
            crpv_scene_end_tag(r->p.scene);
        } else if (place[j] == BLK_BOX) {
            if (j > 0 && place[j - 1] == BLK_BOX)
                continue;
            size_t last = j;
            while (last + 1 < n && place[last + 1] == BLK_BOX)
                last++;
            /* Two grid lines above: one blank, one for the ground's margin. */
            if (k[0] > 0)
                k[0] += 2;
            else
                k[0] += 1;
            k[0] = set_box(r, k[0], j, last, deco[j], deco[j] + 1);
            k[0]++; /* the ground's margin below */
        } else if (place[j] == BLK_BODY) {
            if (b->kind != CRPV_BLOCK_LIST_ITEM && body_list) {
                crpv_scene_end_tag(r->p.scene);
                body_list = false;
            }
            if (b->kind == CRPV_BLOCK_HEADING) {
                k[1] = set_heading(r, k[1], b, j, deco[j]);
            } else if (b->kind == CRPV_BLOCK_LIST_ITEM) {
                if (!body_list)
                    crpv_scene_add_tag(r->p.scene, "L");
                else
                    k[1]++;
                body_list = true;
                k[1] = set_item(r, 1, r->x[1], r->w[1], k[1], b, j, CRPV_LINE_ITEM, r->first_baseline);
            } else {
                /* Paragraphs follow each other on the next grid line, made
                 * visible by their indent, as in French books. */
                if (prev_body == CRPV_BLOCK_LIST_ITEM)
                    k[1]++;
                crpv_scene_add_tag(r->p.scene, "P");
                set_spec s = {CRPV_LINE_BODY, CRPV_SET_JUSTIFIED, r->body_font, st->text,
                              CRPV_ROLE_BODY, INDENT * size, 0, j, b};
                k[1] = set_grid(r, 1, k[1], b->markup, &s);
                crpv_scene_end_tag(r->p.scene);
            }
            prev_body = b->kind;
        }
        for (int c = 0; c < 2; c++)
            if (k[c] > before[c] && baseline(r, k[c] - 1) > r->last_baseline + 0.01 && ok) {
                ok = false;
                *overflow_block = j;
                *overflow = baseline(r, k[c] - 1) - r->last_baseline;
            }
    }
    if (body_list)
        crpv_scene_end_tag(r->p.scene);
    if (call_top < r->p.bottom) {
        g_autofree char *font = crpv_page_font(e, "", size * CALL_SCALE);
        double pad_v = 4.2 * CRPV_MM, pad_h = 6 * CRPV_MM, step = size * CALL_SCALE * 1.3;
        double width = cw - 2 * pad_h, top = call_top;
        crpv_scene_nth(r->p.scene, call_index)->box =
            (crpv_rect){r->p.left, top, r->p.right, r->p.bottom};
        int line = 0;
        for (size_t j = call_first; j < n; j++) {
            const crpv_block *b = crpv_content_nth(content, j);
            if (b->kind == CRPV_BLOCK_BREAK)
                continue;
            crpv_scene_add_tag(r->p.scene, "P");
            set_spec s = {CRPV_LINE_CALL, CRPV_SET_RAGGED, font, crpv_color_rgb(0xffffff),
                          CRPV_ROLE_BODY, 0, 1, j, b};
            line = set_lines(r, -1, r->p.left + pad_h, width, line, b->markup, &s, step,
                          top + pad_v + size * CALL_SCALE * 0.85);
            crpv_scene_end_tag(r->p.scene);
        }
    }
    /* The hyphens, outside the structure, last: artifacts, so that a
     * reader joins the hyphenated words. */
    if (r->hyphens->len)
        crpv_scene_add_tag(r->p.scene, CRPV_TAG_ARTIFACT);
    for (guint h = 0; h < r->hyphens->len; h++) {
        crpv_item *it = crpv_scene_add(r->p.scene, CRPV_ITEM_LINE, CRPV_ROLE_BODY);
        *it = g_array_index(r->hyphens, crpv_item, h);
    }
    if (r->hyphens->len)
        crpv_scene_end_tag(r->p.scene);
    g_array_set_size(r->hyphens, 0);
    g_free(place);
    g_free(deco);
    return ok;
}

/* One attempt at body SIZE: true, with R's scene and facts kept in
 * *SCENE and REPORT, when everything fits. */
static bool attempt(recto *r, double size, crpv_scene **scene, crpv_recto_report *report,
                    size_t *block, double *over, bool *fits)
{
    r->facts = g_array_new(false, false, sizeof(crpv_line_fact));
    r->hyphens = g_array_new(false, false, sizeof(crpv_item));
    bool ok = compose_at(r, size, block, over);
    fonts_free(r);
    g_array_free(r->hyphens, true); /* emptied into the scene */
    *fits = ok;
    bool good = ok;
    if (ok) {
        crpv_recto_report tmp = {.lines = (crpv_line_fact *)r->facts->data,
                                 .n_lines = r->facts->len};
        crpv_recto_figures f = crpv_recto_figures_of(&tmp);
        good = f.hyphens * 100 <= f.lines * MAX_HYPHEN_PERCENT;
        for (guint i = 0; i < r->facts->len && good; i++)
            good = !g_array_index(r->facts, crpv_line_fact, i).short_line;
    }
    if (!ok) {
        g_array_free(r->facts, true);
        crpv_scene_free(r->p.scene);
        return false;
    }
    crpv_recto_report_clear(report);
    report->n_lines = r->facts->len;
    report->lines = (crpv_line_fact *)g_array_free(r->facts, false);
    report->body_size = size;
    report->lead_size = size * LEAD_SCALE;
    report->leading = r->L;
    report->measure = r->w[1];
    report->area_bottom = r->last_baseline + size * 0.25;
    crpv_scene_free(*scene);
    *scene = r->p.scene;
    if (!good) {
        /* Kept by the caller as a fallback, or dropped. */
        return false;
    }
    return true;
}

crpv_scene *crpv_recto_compose(const crpv_page_env *e, const crpv_content *content,
                               crpv_recto_report *report, GError **error)
{
    const crpv_style *st = e->st;
    recto r = {.e = e, .content = content};
    crpv_recto_report own = {0};
    crpv_scene *scene = NULL;
    size_t block = 0;
    double over = 0;
    /* As a designer sizes the text to its page: the largest size, from
     * MAX_BODY down, at which everything fits and the running text keeps
     * QUALITY's bar (a shorter measure in characters hyphenates more), so
     * that the columns end near the foot; failing the bar everywhere, the
     * largest size that fits. Leading is never stretched nor squeezed to
     * fill or to fit. */
    double min_size = MIN(MIN_BODY, st->body_size);
    double max_size = MAX(MAX_BODY, st->body_size);
    int steps = (int)floor((max_size - min_size) / SIZE_STEP + 1e-9);
    crpv_scene *fallback = NULL;
    crpv_recto_report fallback_report = {0};
    for (int s = 0; s <= steps && !scene; s++) {
        double size = max_size - s * SIZE_STEP;
        bool fits = false;
        size_t b2;
        double o2;
        if (attempt(&r, size, &scene, &own, fallback ? &b2 : &block, fallback ? &o2 : &over,
                    &fits))
            break;
        if (fits && !fallback) {
            fallback = scene;
            fallback_report = own;
        } else if (fits) {
            crpv_scene_free(scene);
            crpv_recto_report_clear(&own);
        }
        own = (crpv_recto_report){0};
        scene = NULL;
    }
    if (scene) {
        crpv_scene_free(fallback);
        crpv_recto_report_clear(&fallback_report);
    } else if (fallback) {
        scene = fallback;
        own = fallback_report;
    }
    bool stepped_down = scene && own.body_size < st->body_size - 1e-9;
    if (scene) {
        own.stepped_down = stepped_down;
        if (report) {
            crpv_recto_report_clear(report);
            *report = own;
        } else {
            crpv_recto_report_clear(&own);
        }
        return scene;
    }
    const crpv_block *b = crpv_content_nth(content, block);
    g_autofree char *size = g_strdup_printf("%.2g", min_size);
    g_strdelimit(size, ".", ',');
    g_set_error(error, RECTO_ERROR, 1,
                "%s:%d: le texte du recto déborde de la page de %.0f mm, même en corps "
                "%s\u00a0pt",
                crpv_content_path(content), b ? b->line : 1, ceil(over / CRPV_MM), size);
    return NULL;
}

crpv_recto_figures crpv_recto_figures_of(const crpv_recto_report *report)
{
    crpv_recto_figures f = {0};
    size_t run = 0;
    for (size_t i = 0; i < report->n_lines; i++) {
        const crpv_line_fact *l = &report->lines[i];
        if (l->kind != CRPV_LINE_BODY)
            continue;
        f.lines++;
        if (l->hyphen) {
            f.hyphens++;
            run++;
            f.max_hyphen_run = MAX(f.max_hyphen_run, run);
            /* The column's end: no later body line in the same column. */
            bool later = false;
            for (size_t j = i + 1; j < report->n_lines && !later; j++)
                later = report->lines[j].column == l->column &&
                        report->lines[j].kind == CRPV_LINE_BODY;
            if (!later)
                f.hyphens_at_column_end++;
        } else {
            run = 0;
        }
        if (l->justified)
            f.max_ratio = MAX(f.max_ratio, l->ratio);
    }
    return f;
}
