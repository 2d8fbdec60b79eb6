/* The web SVG of the map. Numbers are written by hand from integers in
 * tenths or hundredths of a point: printf's %g would dominate the time on
 * a map of some ten thousand vertices, and cost bytes. */
#include "svgmap.h"

#include "color.h"
#include "fontembed.h"
#include "typeset.h"
#include "weblinks.h"

#include <math.h>
#include <pango/pango.h>
#include <stdint.h>
#include <string.h>

/* Lato, the project's font: ascent 1974 and line height 2400 of 2000 units
 * (hhea), so that the baselines fall where Pango puts them on the PNG. */
#define ASCENT 0.987
#define LINE_HEIGHT 1.2
#define DEFAULT_FONT_SIZE 10.0
/* A coordinate past this is garbage, not geometry; it is skipped. */
#define MAX_COORD 1e7

void crpv_svgmap_append_escaped(GString *out, const char *text)
{
    if (text == NULL)
        return;
    char *valid = g_utf8_make_valid(text, -1);
    const unsigned char *s = (const unsigned char *)valid;
    while (*s) {
        unsigned char c = *s;
        if (c < 0x80) {
            switch (c) {
            case '&':
                g_string_append(out, "&amp;");
                break;
            case '<':
                g_string_append(out, "&lt;");
                break;
            case '>':
                g_string_append(out, "&gt;");
                break;
            case '"':
                g_string_append(out, "&quot;");
                break;
            case '\'':
                g_string_append(out, "&#39;");
                break;
            default:
                if (c >= 0x20 ? c != 0x7f : (c == '\t' || c == '\n'))
                    g_string_append_c(out, (char)c);
            }
            s++;
            continue;
        }
        int len = c >= 0xf0 ? 4 : c >= 0xe0 ? 3 : 2;
        /* C1 controls and the non-characters U+FFFE, U+FFFF. */
        bool drop = (c == 0xc2 && s[1] < 0xa0) ||
                    (c == 0xef && s[1] == 0xbf && (s[2] == 0xbe || s[2] == 0xbf));
        if (!drop)
            g_string_append_len(out, (const char *)s, len);
        s += len;
    }
    g_free(valid);
}

bool crpv_svgmap_uri_allowed(const char *uri)
{
    static const char *const schemes[] = {"http://", "https://", "mailto:", "tel:"};
    if (uri == NULL || !g_utf8_validate(uri, -1, NULL))
        return false;
    for (const unsigned char *s = (const unsigned char *)uri; *s; s++) {
        if (*s <= 0x20 || *s == 0x7f)
            return false;
    }
    for (size_t i = 0; i < G_N_ELEMENTS(schemes); i++) {
        size_t n = strlen(schemes[i]);
        if (g_ascii_strncasecmp(uri, schemes[i], n) == 0 && uri[n] != '\0')
            return true;
    }
    return false;
}

char *crpv_svgmap_plain_text(const char *markup)
{
    if (markup == NULL)
        return g_strdup("");
    char *text = NULL;
    if (pango_parse_markup(markup, -1, 0, NULL, &text, NULL, NULL))
        return text;
    GString *out = g_string_sized_new(strlen(markup));
    bool in_tag = false;
    for (const char *s = markup; *s; s++) {
        if (*s == '<')
            in_tag = true;
        else if (*s == '>' && in_tag)
            in_tag = false;
        else if (!in_tag)
            g_string_append_c(out, *s);
    }
    return g_string_free(out, FALSE);
}

/* Numbers. */

void crpv_svgmap_append_int(GString *out, int64_t v)
{
    char buf[24];
    int i = sizeof buf;
    uint64_t u = v < 0 ? (uint64_t)0 - (uint64_t)v : (uint64_t)v;
    do {
        buf[--i] = (char)('0' + u % 10);
        u /= 10;
    } while (u);
    if (v < 0)
        buf[--i] = '-';
    g_string_append_len(out, buf + i, (gssize)sizeof buf - i);
}

/* V with at most DECIMALS (1 or 2) decimals, trailing zeros dropped. */
static void append_num(GString *out, double v, int decimals)
{
    int64_t scale = decimals >= 2 ? 100 : 10;
    if (!isfinite(v) || fabs(v) > MAX_COORD)
        v = 0;
    int64_t q = llround(v * (double)scale);
    if (q < 0) {
        g_string_append_c(out, '-');
        q = -q;
    }
    crpv_svgmap_append_int(out, q / scale);
    int64_t frac = q % scale;
    if (frac == 0)
        return;
    g_string_append_c(out, '.');
    if (scale == 100) {
        g_string_append_c(out, (char)('0' + frac / 10));
        if (frac % 10)
            g_string_append_c(out, (char)('0' + frac % 10));
    } else {
        g_string_append_c(out, (char)('0' + frac));
    }
}

static void append_attr_num(GString *out, const char *name, double v, int decimals)
{
    g_string_append_printf(out, " %s=\"", name);
    append_num(out, v, decimals);
    g_string_append_c(out, '"');
}

static void append_attr_text(GString *out, const char *name, const char *value)
{
    g_string_append_printf(out, " %s=\"", name);
    crpv_svgmap_append_escaped(out, value);
    g_string_append_c(out, '"');
}

static int channel(double v)
{
    return isfinite(v) ? (int)lround(CLAMP(v, 0, 1) * 255) : 0;
}

/* ATTR="#rrggbb" and its opacity, or ATTR="none". */
static void append_color(GString *out, const char *attr, crpv_color c)
{
    if (!(c.a > 0)) {
        g_string_append_printf(out, " %s=\"none\"", attr);
        return;
    }
    g_string_append_printf(out, " %s=\"#%02x%02x%02x\"", attr, channel(c.r), channel(c.g),
                           channel(c.b));
    if (c.a < 0.995) {
        g_string_append_printf(out, " %s-opacity=\"", attr);
        append_num(out, c.a, 2);
        g_string_append_c(out, '"');
    }
}

/* The stroke, when there is one; SCALE is the element's own unit. */
static void append_stroke(GString *out, const crpv_item *item, double scale)
{
    if (!(item->stroke.a > 0) || !(item->line_width > 0))
        return;
    append_color(out, "stroke", item->stroke);
    append_attr_num(out, "stroke-width", item->line_width * scale, 2);
}

/* Identity: a class by role, the key as data, a unique id. */

static const char *role_class(crpv_role role)
{
    switch (role) {
    case CRPV_ROLE_BACKGROUND:
        return "background";
    case CRPV_ROLE_LAND:
        return "land";
    case CRPV_ROLE_REGION:
        return "region";
    case CRPV_ROLE_DEPARTEMENT:
        return "departement";
    case CRPV_ROLE_BORDER:
        return "border";
    case CRPV_ROLE_FRAME:
        return "frame";
    case CRPV_ROLE_FRAME_TITLE:
        return "frame-title";
    case CRPV_ROLE_MARKER:
        return "marker";
    case CRPV_ROLE_LABEL:
        return "label";
    case CRPV_ROLE_LEADER:
        return "leader";
    case CRPV_ROLE_LEGEND:
        return "legend";
    case CRPV_ROLE_CREDIT:
        return "credit";
    case CRPV_ROLE_TITLE:
        return "title";
    case CRPV_ROLE_HEADING:
        return "heading";
    case CRPV_ROLE_BODY:
        return "body";
    case CRPV_ROLE_ENTRY:
        return "entry";
    case CRPV_ROLE_CROP_MARK:
        return "crop-mark";
    default:
        return NULL;
    }
}

typedef struct {
    GString *out;
    GHashTable *ids; /* ids already written, owned keys */
    char *family;    /* the document's font family, already made safe for CSS */
    PangoContext *ctx; /* lays the texts out as the renderer does; may be NULL */
    GString *defs;   /* the hatching patterns used, written after the items */
    GPtrArray *hatches; /* their keys, owned strings; the index makes the id */
} writer;

/* fill="url(#crpv-hatch-N)" for a hatched ITEM, drawn in a user space
 * SCALE times finer than the map's points (paths are written in tenths):
 * a pattern in the element's own user space, its stripes on the same
 * lines x + y = n * period as the renderer's, so that PNG, PDF and SVG
 * show the same texture. The pattern, made once per look, holds the fill
 * too. */
static void append_hatch_fill(writer *w, const crpv_item *item, double scale)
{
    char fill[8], hatch[8];
    crpv_color_hex(item->fill, fill);
    crpv_color_hex(item->hatch, hatch);
    double period = item->hatch_step * G_SQRT2 * scale, width = item->hatch_width * scale;
    g_autofree char *key = g_strdup_printf("%s %s %.3f %.3f", fill, hatch, period, width);
    guint id = 0;
    while (id < w->hatches->len && strcmp(g_ptr_array_index(w->hatches, id), key) != 0)
        id++;
    if (id == w->hatches->len) {
        g_ptr_array_add(w->hatches, g_strdup(key));
        GString *d = w->defs;
        g_string_append_printf(d, "<pattern id=\"crpv-hatch-%u\" patternUnits=\"userSpaceOnUse\"",
                               id);
        append_attr_num(d, "width", period, 3);
        append_attr_num(d, "height", period, 3);
        g_string_append(d, "><rect");
        append_attr_num(d, "width", period, 3);
        append_attr_num(d, "height", period, 3);
        append_color(d, "fill", item->fill.a > 0 ? item->fill : crpv_color_none());
        g_string_append(d, "/><path d=\"");
        /* The tile's diagonal and its two neighbours' ends in the corners. */
        double h = period / 2;
        const double pts[3][4] = {{-h, h, h, -h}, {0, period, period, 0},
                                  {period - h, period + h, period + h, period - h}};
        for (int i = 0; i < 3; i++) {
            g_string_append_c(d, 'M');
            append_num(d, pts[i][0], 3);
            g_string_append_c(d, ' ');
            append_num(d, pts[i][1], 3);
            g_string_append_c(d, 'L');
            append_num(d, pts[i][2], 3);
            g_string_append_c(d, ' ');
            append_num(d, pts[i][3], 3);
        }
        g_string_append_c(d, '"');
        append_color(d, "stroke", item->hatch);
        append_attr_num(d, "stroke-width", width, 3);
        g_string_append(d, "/></pattern>\n");
    }
    g_string_append_printf(w->out, " fill=\"url(#crpv-hatch-%u)\"", id);
}

static void append_identity(writer *w, const crpv_item *item)
{
    const char *cls = role_class(item->role);
    if (cls)
        g_string_append_printf(w->out, " class=\"%s\"", cls);
    if (item->key == NULL || item->key[0] == '\0')
        return;
    append_attr_text(w->out, "data-key", item->key);
    /* An id is an XML name: the key's letters, digits, '-', '_' and '.',
     * after the role, which starts it with a letter. */
    GString *id = g_string_new(cls ? cls : "item");
    g_string_append_c(id, '-');
    for (const char *s = item->key; *s; s++)
        g_string_append_c(id, g_ascii_isalnum(*s) || *s == '-' || *s == '.' ? *s : '_');
    size_t base = id->len;
    for (int k = 2; g_hash_table_contains(w->ids, id->str); k++) {
        g_string_truncate(id, base);
        g_string_append_printf(id, "-%d", k);
    }
    g_string_append_printf(w->out, " id=\"%s\"", id->str);
    g_hash_table_add(w->ids, g_string_free(id, FALSE));
}

/* Ends the element's start tag; the item's title becomes its child. */
static void close_element(writer *w, const crpv_item *item, const char *name)
{
    if (item->title && item->title[0]) {
        g_string_append(w->out, "><title>");
        crpv_svgmap_append_escaped(w->out, item->title);
        g_string_append_printf(w->out, "</title></%s>\n", name);
    } else {
        g_string_append(w->out, "/>\n");
    }
}

/* Geometry, in integer tenths of a point under a scale(.1) transform. */

static bool tenths(crpv_point p, int64_t *x, int64_t *y)
{
    if (!isfinite(p.x) || !isfinite(p.y) || fabs(p.x) > MAX_COORD || fabs(p.y) > MAX_COORD)
        return false;
    *x = llround(p.x * 10);
    *y = llround(p.y * 10);
    return true;
}

/* Appends a number of the path data, with a separator only where the
 * grammar needs one. */
static void append_path_num(GString *out, int64_t v, bool first)
{
    if (!first && v >= 0)
        g_string_append_c(out, ' ');
    crpv_svgmap_append_int(out, v);
}

/* Appends RING as "Mx y l dx dy ... [z]"; false when nothing is left of it
 * once rounded. */
static bool append_ring(GString *d, const crpv_ring *ring, bool closed)
{
    size_t start = d->len;
    int64_t x0 = 0, y0 = 0, px = 0, py = 0;
    size_t count = 0;
    for (size_t k = 0; k < ring->n; k++) {
        int64_t x, y;
        if (!tenths(ring->pts[k], &x, &y))
            continue;
        if (count == 0) {
            g_string_append_c(d, 'M');
            append_path_num(d, x, true);
            append_path_num(d, y, false);
            x0 = x;
            y0 = y;
        } else {
            if (x == px && y == py)
                continue;
            /* The closing point: z draws that edge. */
            if (closed && k == ring->n - 1 && x == x0 && y == y0)
                break;
            if (count == 1)
                g_string_append_c(d, 'l');
            append_path_num(d, x - px, count == 1);
            append_path_num(d, y - py, false);
        }
        px = x;
        py = y;
        count++;
    }
    if (count < (closed ? 3u : 2u)) {
        g_string_truncate(d, start);
        return false;
    }
    if (closed)
        g_string_append_c(d, 'z');
    return true;
}

static void write_path(writer *w, const crpv_item *item, bool closed)
{
    GString *d = g_string_new(NULL);
    for (size_t r = 0; r < item->shape.n_rings; r++)
        append_ring(d, &item->shape.rings[r], closed);
    if (d->len > 0) {
        GString *out = w->out;
        g_string_append(out, "<path");
        append_identity(w, item);
        g_string_append(out, " transform=\"scale(.1)\" d=\"");
        g_string_append_len(out, d->str, (gssize)d->len);
        g_string_append_c(out, '"');
        if (closed) {
            if (item->hatch.a > 0)
                append_hatch_fill(w, item, 10);
            else
                append_color(out, "fill", item->fill);
            g_string_append(out, " fill-rule=\"evenodd\"");
        } else {
            g_string_append(out, " fill=\"none\"");
        }
        append_stroke(out, item, 10);
        if (item->stroke.a > 0 && item->line_width > 0)
            g_string_append(out, " stroke-linejoin=\"round\"");
        close_element(w, item, "path");
    }
    g_string_free(d, TRUE);
}

static bool finite_rect(crpv_rect r)
{
    return isfinite(r.x0) && isfinite(r.y0) && isfinite(r.x1) && isfinite(r.y1);
}

static void write_rect(writer *w, const crpv_item *item)
{
    crpv_rect b = item->box;
    if (!finite_rect(b) || !(b.x1 > b.x0) || !(b.y1 > b.y0))
        return;
    GString *out = w->out;
    g_string_append(out, "<rect");
    append_identity(w, item);
    append_attr_num(out, "x", b.x0, 2);
    append_attr_num(out, "y", b.y0, 2);
    append_attr_num(out, "width", b.x1 - b.x0, 2);
    append_attr_num(out, "height", b.y1 - b.y0, 2);
    if (item->kind == CRPV_ITEM_LINK) {
        /* Invisible but clickable: painted, at zero opacity. */
        g_string_append(out, " fill=\"#000\" fill-opacity=\"0\"");
    } else {
        if (item->hatch.a > 0)
            append_hatch_fill(w, item, 1);
        else
            append_color(out, "fill", item->fill);
        append_stroke(out, item, 1);
    }
    close_element(w, item, "rect");
}

static void write_disc(writer *w, const crpv_item *item)
{
    if (!isfinite(item->center.x) || !isfinite(item->center.y) || !(item->radius > 0) ||
        !isfinite(item->radius))
        return;
    GString *out = w->out;
    g_string_append(out, "<circle");
    append_identity(w, item);
    append_attr_num(out, "cx", item->center.x, 2);
    append_attr_num(out, "cy", item->center.y, 2);
    append_attr_num(out, "r", item->radius, 2);
    append_color(out, "fill", item->fill);
    append_stroke(out, item, 1);
    close_element(w, item, "circle");
}

/* A family name safe inside a quoted CSS string, or NULL when nothing of
 * it is left. */
static char *css_family(const char *family)
{
    if (family == NULL)
        return NULL;
    GString *s = g_string_new(NULL);
    for (const char *p = family; *p && *p != ','; p++) {
        if (g_ascii_isalnum(*p) || *p == ' ' || *p == '-' || *p == '_' || *p == '.')
            g_string_append_c(s, *p);
    }
    char *r = g_strstrip(g_string_free(s, FALSE));
    if (r[0] == '\0') {
        g_free(r);
        return NULL;
    }
    return r;
}

static void append_font_stack(GString *out, const char *family)
{
    if (family)
        g_string_append_printf(out, "'%s',", family);
    g_string_append(out, "'Helvetica Neue',Arial,sans-serif");
}

/* A line of text as Pango lays it out: its start and baseline in the
 * scene, and its words (owned). */
typedef struct {
    double x, y;
    char *text;
} text_line;

/* The lines of ITEM laid out by CTX exactly as the renderer does (same
 * layout, same width), so that the SVG's words fall where the PNG's are. */
static GArray *pango_lines(PangoContext *ctx, const crpv_item *item)
{
    double width = item->box.x1 - item->box.x0;
    if (!item->justify)
        width += 0.05; /* as render.c: a box measured to fit must not wrap */
    PangoLayout *layout = crpv_text_layout_shared(ctx, item->font, item->text, width, item->align,
                                                  item->justify, item->line_height);
    GArray *lines = g_array_new(FALSE, FALSE, sizeof(text_line));
    const char *all = pango_layout_get_text(layout);
    PangoLayoutIter *it = pango_layout_get_iter(layout);
    do {
        PangoLayoutLine *line = pango_layout_iter_get_line_readonly(it);
        PangoRectangle logical;
        pango_layout_iter_get_line_extents(it, NULL, &logical);
        char *text = g_strndup(all + line->start_index, (gsize)line->length);
        g_strchomp(text);
        if (text[0] == '\0') {
            g_free(text);
            continue;
        }
        text_line l = {item->box.x0 + pango_units_to_double(logical.x),
                       item->box.y0 + pango_units_to_double(pango_layout_iter_get_baseline(it)),
                       text};
        g_array_append_val(lines, l);
    } while (pango_layout_iter_next_line(it));
    pango_layout_iter_free(it);
    g_object_unref(layout);
    return lines;
}

/* Appends MARKUP, one line of Pango markup whose text is PLAIN, with its
 * <i> and <b> runs as tspans, so that the SVG shows what the renderer
 * draws. False, with nothing appended, for any other markup or text. */
static bool append_styled_line(GString *out, const char *markup, const char *plain)
{
    char *text = NULL;
    if (!pango_parse_markup(markup, -1, 0, NULL, &text, NULL, NULL))
        return false;
    bool same = g_strcmp0(g_strstrip(text), plain) == 0;
    g_free(text);
    if (!same)
        return false;
    GString *s = g_string_new(NULL);
    bool ok = true;
    const char *p = markup;
    while (*p == ' ') /* blanks at the ends are not drawn: PLAIN lacks them */
        p++;
    for (; *p && ok; p++) {
        if (*p != '<') {
            g_string_append_c(s, *p); /* entities stay escaped, as XML needs */
            continue;
        }
        static const char *const tags[][2] = {{"<i>", "<tspan font-style=\"italic\">"},
                                              {"</i>", "</tspan>"},
                                              {"<b>", "<tspan font-weight=\"700\">"},
                                              {"</b>", "</tspan>"}};
        ok = false;
        for (size_t t = 0; t < G_N_ELEMENTS(tags) && !ok; t++)
            if (g_str_has_prefix(p, tags[t][0])) {
                g_string_append(s, tags[t][1]);
                p += strlen(tags[t][0]) - 1;
                ok = true;
            }
    }
    while (ok && s->len && s->str[s->len - 1] == ' ')
        g_string_truncate(s, s->len - 1);
    if (ok)
        g_string_append(out, s->str);
    g_string_free(s, TRUE);
    return ok;
}

static void write_text(writer *w, const crpv_item *item)
{
    crpv_rect b = item->box;
    if (!finite_rect(b))
        return;
    char *plain = crpv_svgmap_plain_text(item->text);
    if (g_strstrip(plain)[0] == '\0') {
        g_free(plain);
        return;
    }
    PangoFontDescription *fd = pango_font_description_from_string(item->font ? item->font : "");
    double size = pango_font_description_get_size(fd) / (double)PANGO_SCALE;
    if (!(size > 0) || size > 1000)
        size = DEFAULT_FONT_SIZE;
    char *family = css_family(pango_font_description_get_family(fd));
    int weight = (int)pango_font_description_get_weight(fd);
    PangoStyle style = pango_font_description_get_style(fd);
    pango_font_description_free(fd);

    GString *out = w->out;
    int align = item->align;
    double x = align == 1 ? (b.x0 + b.x1) / 2 : align == 2 ? b.x1 : b.x0;
    double y = b.y0 + ASCENT * size;
    double step = (item->line_height > 0 ? item->line_height : 1) * LINE_HEIGHT * size;
    GArray *lines = w->ctx ? pango_lines(w->ctx, item) : NULL;
    if (lines && lines->len == 0) {
        g_array_free(lines, TRUE);
        lines = NULL;
    }
    if (lines) {
        /* Each line starts where Pango put it. */
        align = 0;
        x = g_array_index(lines, text_line, 0).x;
        y = g_array_index(lines, text_line, 0).y;
    }

    g_string_append(out, "<text");
    append_identity(w, item);
    append_attr_num(out, "x", x, 2);
    append_attr_num(out, "y", y, 2);
    append_attr_num(out, "font-size", size, 2);
    if (family && (w->family == NULL || g_ascii_strcasecmp(family, w->family) != 0)) {
        g_string_append(out, " font-family=\"");
        append_font_stack(out, family);
        g_string_append_c(out, '"');
    }
    if (weight != PANGO_WEIGHT_NORMAL)
        g_string_append_printf(out, " font-weight=\"%d\"",
                               CLAMP((weight + 50) / 100 * 100, 100, 900));
    if (style != PANGO_STYLE_NORMAL)
        g_string_append(out, " font-style=\"italic\"");
    if (align == 1)
        g_string_append(out, " text-anchor=\"middle\"");
    else if (align == 2)
        g_string_append(out, " text-anchor=\"end\"");
    append_color(out, "fill", item->fill);
    if (item->halo) {
        /* As the renderer draws it: white at 90 %, 0.7 pt around each glyph. */
        g_string_append(out, " paint-order=\"stroke\" stroke=\"#fff\" stroke-opacity=\".9\" "
                             "stroke-linejoin=\"round\" stroke-width=\"1.4\"");
    }
    g_string_append_c(out, '>');
    /* The markup's own lines, when they are the lines drawn: their italic
     * and bold runs are kept. */
    g_auto(GStrv) marked =
        item->text && strchr(item->text, '<') ? g_strsplit(item->text, "\n", -1) : NULL;
    if (lines && marked && g_strv_length(marked) != lines->len)
        g_clear_pointer(&marked, g_strfreev);
    if (lines) {
        for (guint i = 0; i < lines->len; i++) {
            text_line *l = &g_array_index(lines, text_line, i);
            if (lines->len > 1) {
                g_string_append(out, "<tspan");
                append_attr_num(out, "x", l->x, 2);
                append_attr_num(out, "y", l->y, 2);
                g_string_append_c(out, '>');
            }
            if (!marked || !append_styled_line(out, marked[i], l->text))
                crpv_svgmap_append_escaped(out, l->text);
            if (lines->len > 1)
                g_string_append(out, "</tspan>");
            g_free(l->text);
        }
        g_array_free(lines, TRUE);
    } else if (strchr(plain, '\n') == NULL) {
        crpv_svgmap_append_escaped(out, plain);
    } else {
        char **parts = g_strsplit(plain, "\n", -1);
        for (size_t i = 0; parts[i]; i++) {
            g_string_append(out, "<tspan");
            append_attr_num(out, "x", x, 2);
            append_attr_num(out, "y", y + (double)i * step, 2);
            g_string_append_c(out, '>');
            crpv_svgmap_append_escaped(out, parts[i]);
            g_string_append(out, "</tspan>");
        }
        g_strfreev(parts);
    }
    g_string_append(out, "</text>\n");
    g_free(family);
    g_free(plain);
}

/* The element of ITEM, without link. TITLE (may be NULL) becomes its
 * <title> child, or that of a group around a text, whose content stays the
 * words alone. */
static void write_element(writer *w, const crpv_item *item, const char *title)
{
    crpv_item copy = *item;
    copy.title = (char *)title;
    bool text_title = item->kind == CRPV_ITEM_TEXT && title && title[0];
    size_t start = w->out->len, body = start;
    if (text_title) {
        g_string_append(w->out, "<g><title>");
        crpv_svgmap_append_escaped(w->out, title);
        g_string_append(w->out, "</title>");
        body = w->out->len;
    }
    switch (item->kind) {
    case CRPV_ITEM_SHAPE:
        write_path(w, &copy, true);
        break;
    case CRPV_ITEM_POLYLINE:
        write_path(w, &copy, false);
        break;
    case CRPV_ITEM_RECT:
    case CRPV_ITEM_LINK:
        write_rect(w, &copy);
        break;
    case CRPV_ITEM_DISC:
        write_disc(w, &copy);
        break;
    case CRPV_ITEM_TEXT:
        write_text(w, &copy);
        break;
    default:
        break;
    }
    if (text_title) {
        if (w->out->len == body) {
            g_string_truncate(w->out, start);
        } else {
            g_string_truncate(w->out, w->out->len - 1); /* the element ended its line */
            g_string_append(w->out, "</g>\n");
        }
    }
}

/* Opens <a> to URI; HIDDEN keeps it from assistive technology and the tab
 * order, for a link that repeats a centre's. */
static void open_link(GString *out, const char *uri, bool hidden)
{
    g_string_append(out, "<a");
    append_attr_text(out, "href", uri);
    append_attr_text(out, "xlink:href", uri);
    if (hidden)
        g_string_append(out, " aria-hidden=\"true\" tabindex=\"-1\"");
}

/* A centre's one link: its disc, number and label, named by its marker's
 * title. */
static void write_centre(writer *w, const crpv_scene *scene, const crpv_web_centre *c)
{
    GString *out = w->out;
    size_t start = out->len;
    open_link(out, c->uri, false);
    append_attr_text(out, "aria-label", c->name);
    g_string_append(out, "><title>");
    crpv_svgmap_append_escaped(out, c->name);
    g_string_append(out, "</title>\n");
    size_t body = out->len;
    for (size_t k = 0; k < c->n_items; k++)
        write_element(w, crpv_scene_nth(scene, c->items[k]), NULL);
    if (out->len == body)
        g_string_truncate(out, start);
    else
        g_string_append(out, "</a>\n");
}

static void write_item(writer *w, const crpv_scene *scene, const crpv_weblinks *links,
                       size_t i, bool *centre_done)
{
    const crpv_item *item = crpv_scene_nth(scene, i);
    const crpv_web_item *web = crpv_weblinks_item(links, i);
    if (item->kind >= CRPV_ITEM_TAG_BEGIN)
        return;
    if (web->link == CRPV_WEB_CENTRE) {
        /* The whole link goes where its first item was painted. */
        if (!centre_done[web->centre])
            write_centre(w, scene, crpv_weblinks_centre(links, web->centre));
        centre_done[web->centre] = true;
        return;
    }
    const char *uri = web->link == CRPV_WEB_DUPLICATE
                          ? crpv_weblinks_centre(links, web->centre)->uri
                      : web->link == CRPV_WEB_OWN ? item->uri
                                                  : NULL;
    if (item->kind == CRPV_ITEM_LINK && uri == NULL)
        return;
    if (uri == NULL) {
        write_element(w, item, web->title);
        return;
    }
    size_t start = w->out->len;
    open_link(w->out, uri, web->link == CRPV_WEB_DUPLICATE);
    g_string_append_c(w->out, '>');
    size_t body = w->out->len;
    write_element(w, item, web->title);
    if (w->out->len == body) {
        g_string_truncate(w->out, start); /* nothing to link */
    } else {
        g_string_truncate(w->out, w->out->len - 1);
        g_string_append(w->out, "</a>\n");
    }
}

/* Font embedding: one @font-face per face the texts use. */

typedef struct {
    char *family; /* CSS-safe */
    int weight;   /* CSS weight */
    bool italic;
    PangoFontDescription *desc;
    GString *chars;
} face_use;

static int css_weight(int weight)
{
    return CLAMP((weight + 50) / 100 * 100, 100, 900);
}

static void collect_faces(GArray *faces, const crpv_scene *scene, const char *doc_family)
{
    size_t n = crpv_scene_count(scene);
    for (size_t i = 0; i < n; i++) {
        const crpv_item *item = crpv_scene_nth(scene, i);
        if (item->kind != CRPV_ITEM_TEXT)
            continue;
        PangoFontDescription *fd =
            pango_font_description_from_string(item->font ? item->font : "");
        char *family = css_family(pango_font_description_get_family(fd));
        if (family == NULL)
            family = g_strdup(doc_family);
        int weight = css_weight((int)pango_font_description_get_weight(fd));
        bool italic = pango_font_description_get_style(fd) != PANGO_STYLE_NORMAL;
        face_use *use = NULL;
        for (guint k = 0; k < faces->len && !use; k++) {
            face_use *f = &g_array_index(faces, face_use, k);
            if (f->weight == weight && f->italic == italic && g_strcmp0(f->family, family) == 0)
                use = f;
        }
        if (use == NULL && family) {
            face_use f = {g_strdup(family), weight, italic, pango_font_description_copy(fd),
                          g_string_new(NULL)};
            pango_font_description_unset_fields(f.desc, PANGO_FONT_MASK_SIZE);
            pango_font_description_set_size(f.desc, 10 * PANGO_SCALE);
            g_array_append_val(faces, f);
            use = &g_array_index(faces, face_use, faces->len - 1);
        }
        if (use) {
            char *plain = crpv_svgmap_plain_text(item->text);
            g_string_append(use->chars, plain);
            g_free(plain);
        }
        g_free(family);
        pango_font_description_free(fd);
    }
}

static void append_font_faces(GString *out, const crpv_scene *scene, PangoContext *ctx,
                              const char *doc_family)
{
    GArray *faces = g_array_new(FALSE, FALSE, sizeof(face_use));
    collect_faces(faces, scene, doc_family);
    for (guint k = 0; k < faces->len; k++) {
        face_use *f = &g_array_index(faces, face_use, k);
        GBytes *font = crpv_fontembed_subset(ctx, f->desc, f->chars->str);
        if (font) {
            gsize len = 0;
            const guchar *data = g_bytes_get_data(font, &len);
            char *b64 = g_base64_encode(data, len);
            g_string_append_printf(out, "@font-face{font-family:'%s';font-weight:%d;%s"
                                        "src:url(data:font/ttf;base64,",
                                   f->family, f->weight, f->italic ? "font-style:italic;" : "");
            g_string_append(out, b64);
            g_string_append(out, ") format('truetype')}\n");
            g_free(b64);
            g_bytes_unref(font);
        }
        g_free(f->family);
        pango_font_description_free(f->desc);
        g_string_free(f->chars, TRUE);
    }
    g_array_free(faces, TRUE);
}

GString *crpv_svgmap_write(const crpv_scene *scene, const crpv_svgmap_options *opt)
{
    double width = crpv_scene_width(scene), height = crpv_scene_height(scene);
    writer w = {
        .out = g_string_sized_new(256 * 1024),
        .ids = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL),
        .family = css_family(opt->font_family),
        .ctx = opt->ctx,
        .defs = g_string_new(NULL),
        .hatches = g_ptr_array_new_with_free_func(g_free),
    };
    GString *out = w.out;
    g_string_append(out, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
                         "<svg xmlns=\"http://www.w3.org/2000/svg\" "
                         "xmlns:xlink=\"http://www.w3.org/1999/xlink\" version=\"1.1\" "
                         "viewBox=\"0 0 ");
    append_num(out, width, 2);
    g_string_append_c(out, ' ');
    append_num(out, height, 2);
    g_string_append_c(out, '"');
    /* The intrinsic size is that of the PNG, in CSS pixels; the viewBox
     * scales everything to whatever box a page gives it. */
    if (opt->pixel_width > 0 && opt->pixel_height > 0) {
        g_string_append_printf(out, " width=\"%d\" height=\"%d\"", opt->pixel_width,
                               opt->pixel_height);
    } else {
        append_attr_num(out, "width", width, 2);
        append_attr_num(out, "height", height, 2);
    }
    g_string_append(out, " aria-labelledby=\"crpv-title crpv-desc\">\n"
                         "<title id=\"crpv-title\">");
    char *title = opt->title ? crpv_typo_french(opt->title) : NULL;
    char *desc = opt->desc ? crpv_typo_french(opt->desc) : NULL;
    crpv_svgmap_append_escaped(out, title);
    g_string_append(out, "</title>\n<desc id=\"crpv-desc\">");
    crpv_svgmap_append_escaped(out, desc);
    g_free(title);
    g_free(desc);
    g_string_append(out, "</desc>\n<style>\n");
    if (opt->ctx)
        append_font_faces(out, scene, opt->ctx, w.family);
    /* Chromium lays out SVG text at its unscaled size with rounded
     * advances unless told to keep the outlines' own geometry. */
    g_string_append(out, "text{text-rendering:geometricPrecision;font-family:");
    append_font_stack(out, w.family);
    g_string_append(out, "}a:hover>*{opacity:.85}\n</style>\n");

    crpv_weblinks *links = crpv_weblinks_new(scene, opt->directory);
    size_t n_centres = crpv_weblinks_centre_count(links);
    bool *centre_done = g_new0(bool, n_centres ? n_centres : 1);
    size_t n = crpv_scene_count(scene);
    for (size_t i = 0; i < n; i++)
        write_item(&w, scene, links, i, centre_done);
    g_free(centre_done);
    crpv_weblinks_free(links);
    /* Patterns may follow their uses: a url() reference is resolved
     * across the whole document. */
    if (w.defs->len) {
        g_string_append(out, "<defs>\n");
        g_string_append_len(out, w.defs->str, (gssize)w.defs->len);
        g_string_append(out, "</defs>\n");
    }
    g_string_free(w.defs, TRUE);
    g_ptr_array_free(w.hatches, TRUE);
    g_string_append(out, "</svg>\n");
    g_hash_table_destroy(w.ids);
    g_free(w.family);
    return out;
}
