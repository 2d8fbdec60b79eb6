#include "content.h"

#include <cmark.h>
#include <string.h>

#include "textfile.h"

/* Each inline event (start or end of emphasis, strong, a link) is threaded
 * through the typography as this noncharacter, so that the rules see the
 * block's whole text (a « » pair around an emphasis, a space before a colon
 * after a link) and the events come back out in place. The typography
 * rules look through it and never drop or duplicate it. */
#define MARKER 0xFDD0
#define MARKER_UTF8 "\xEF\xB7\x90"

/* Error lines beyond this many are summed up, so that hostile input
 * cannot make a message of megabytes. */
#define MAX_ERRORS 50

/* Deeper nesting prints nothing a reader could follow, and nested markup
 * costs the layout time that grows much faster than its depth: 32,500
 * nested emphases took minutes. Both limits are far above what prose
 * uses (two or three levels). */
#define MAX_INLINE_NESTING 16
#define MAX_BLOCK_NESTING 16

struct crpv_content {
    GArray *blocks;      /* crpv_block */
    char *filename;      /* for messages */
    GPtrArray *warnings; /* of g_free'd strings */
};

typedef enum {
    EV_EMPH_OPEN,
    EV_EMPH_CLOSE,
    EV_STRONG_OPEN,
    EV_STRONG_CLOSE,
    EV_LINK_OPEN,
    EV_LINK_CLOSE,
} event_kind;

typedef struct {
    event_kind kind;
    char *uri; /* EV_LINK_OPEN */
} event;

/* The block being read: its raw text with markers, and the events. */
typedef struct {
    bool active;
    crpv_block_kind kind;
    int level;
    bool boxed;
    int line;
    bool in_item; /* a list item: its paragraphs are its text */
    GString *text;
    GArray *events; /* event */
} builder;

typedef struct {
    const char *filename;
    const crpv_directory_stats *stats;
    const crpv_hyphenator *hyph;
    GArray *blocks;
    GString *errors;
    size_t n_errors;
    GPtrArray *warnings; /* of g_free'd strings */
} parser;

static GQuark content_error_quark(void)
{
    return g_quark_from_static_string("crpv-content-error");
}

G_GNUC_PRINTF(3, 4)
static void add_error(parser *ps, int line, const char *fmt, ...)
{
    ps->n_errors++;
    if (ps->n_errors > MAX_ERRORS)
        return;
    va_list ap;
    va_start(ap, fmt);
    g_autofree char *msg = g_strdup_vprintf(fmt, ap);
    va_end(ap);
    if (ps->errors->len > 0)
        g_string_append_c(ps->errors, '\n');
    g_string_append_printf(ps->errors, "%s:%d: %s", ps->filename, line, msg);
}

static void builder_start(builder *b, crpv_block_kind kind, int level, bool boxed, int line)
{
    b->active = true;
    b->kind = kind;
    b->level = level;
    b->boxed = boxed;
    b->line = line;
    b->in_item = kind == CRPV_BLOCK_LIST_ITEM;
    g_string_truncate(b->text, 0);
    for (guint i = 0; i < b->events->len; i++)
        g_free(g_array_index(b->events, event, i).uri);
    g_array_set_size(b->events, 0);
}

static void add_event(builder *b, event_kind kind, const char *uri)
{
    event ev = {kind, uri ? g_strdup(uri) : NULL};
    g_array_append_val(b->events, ev);
    g_string_append(b->text, MARKER_UTF8);
}

/* The next marker at or after P, or NULL. A loop rather than strstr(),
 * whose cost under some checkers grows with the rest of the string. */
static const char *find_marker(const char *p)
{
    for (; *p; p++)
        if (p[0] == MARKER_UTF8[0] && p[1] == MARKER_UTF8[1] && p[2] == MARKER_UTF8[2])
            return p;
    return NULL;
}

/* Appends literal text: the marker character, should a file hold it, must
 * not be mistaken for an event. */
static void append_literal(GString *out, const char *s)
{
    for (const char *p = s; *p;) {
        const char *m = find_marker(p);
        if (!m) {
            g_string_append(out, p);
            break;
        }
        g_string_append_len(out, p, m - p);
        g_string_append(out, "\xEF\xBF\xBD"); /* U+FFFD */
        p = m + strlen(MARKER_UTF8);
    }
}

static const char *const placeholder_names[] = {
    "centres",         "actifs",         "prefiguration",   "outremer",
    "outremer_actifs", "regions",        "regions_actifs",  "regions_outremer",
    "regions_outremer_actifs",           "date",            NULL,
};

/* The edition's date as French text: "1er mars 2024", "14 novembre 2023"
 * (UTC, so that it does not depend on the machine's time zone). */
char *crpv_french_date(gint64 unix_time)
{
    static const char *const months[] = {"janvier", "février", "mars",      "avril",
                                         "mai",     "juin",    "juillet",   "août",
                                         "septembre", "octobre", "novembre", "décembre"};
    GDateTime *dt = g_date_time_new_from_unix_utc(unix_time);
    if (!dt)
        return NULL;
    int day = g_date_time_get_day_of_month(dt);
    char *s = g_strdup_printf("%d%s\u00a0%s %d", day, day == 1 ? "er" : "",
                              months[g_date_time_get_month(dt) - 1], g_date_time_get_year(dt));
    g_date_time_unref(dt);
    return s;
}

/* The text of the placeholder NAME, new string, or NULL when unknown. */
static char *placeholder_value(const crpv_directory_stats *st, const char *name)
{
    if (strcmp(name, "date") == 0)
        return st->date > 0 ? crpv_french_date(st->date) : NULL;
    const size_t values[] = {st->centres,         st->actifs,
                             st->prefiguration,   st->outremer,
                             st->outremer_actifs, st->regions,
                             st->regions_actifs,  st->regions_outremer,
                             st->regions_outremer_actifs};
    for (size_t i = 0; i < G_N_ELEMENTS(values); i++)
        if (strcmp(name, placeholder_names[i]) == 0)
            return g_strdup_printf("%zu", values[i]);
    return NULL;
}

static bool is_name_char(char c)
{
    return g_ascii_isalnum(c) || c == '_' || c == '-' || c == '.';
}

/* Appends the text node LITERAL with its {{placeholders}} filled in. */
static void append_text(parser *ps, builder *b, const char *literal, int line)
{
    GString *filled = g_string_sized_new(strlen(literal));
    const char *p = literal;
    for (;;) {
        const char *open = strstr(p, "{{");
        if (!open) {
            g_string_append(filled, p);
            break;
        }
        const char *q = open + 2;
        while (*q == ' ')
            q++;
        const char *name = q;
        while (is_name_char(*q))
            q++;
        const char *name_end = q;
        while (*q == ' ')
            q++;
        if (name_end == name || strncmp(q, "}}", 2) != 0 || name_end - name > 64) {
            /* Not a placeholder: braces as written. */
            g_string_append_len(filled, p, open + 2 - p);
            p = open + 2;
            continue;
        }
        g_string_append_len(filled, p, open - p);
        g_autofree char *key = g_strndup(name, (gsize)(name_end - name));
        g_autofree char *value = placeholder_value(ps->stats, key);
        if (value) {
            g_string_append(filled, value);
        } else if (strcmp(key, "date") == 0) {
            add_error(ps, line, "variable « {{date}} » sans date d’édition");
        } else {
            g_autofree char *known = g_strjoinv(", ", (char **)placeholder_names);
            add_error(ps, line, "variable inconnue « {{%s}} » (connues : %s)", key, known);
        }
        p = q + 2;
    }
    append_literal(b->text, filled->str);
    g_string_free(filled, true);
}

static bool link_scheme_allowed(const char *uri)
{
    static const char *const schemes[] = {"http:", "https:", "mailto:", "tel:"};
    for (size_t i = 0; i < G_N_ELEMENTS(schemes); i++)
        if (g_ascii_strncasecmp(uri, schemes[i], strlen(schemes[i])) == 0)
            return true;
    return false;
}

/* S cut to at most MAX bytes on a character boundary, for a message. */
static char *shorten(const char *s, size_t max)
{
    size_t len = strlen(s);
    if (len <= max)
        return g_strdup(s);
    const char *end = g_utf8_find_prev_char(s, s + max + 1);
    return g_strdup_printf("%.*s…", (int)(end - s), s);
}

static char *strip_invisible(const char *s)
{
    GString *out = g_string_sized_new(strlen(s));
    for (const char *p = s; *p; p = g_utf8_next_char(p)) {
        gunichar c = g_utf8_get_char(p);
        if (c != 0x00AD && c != 0x2060)
            g_string_append_len(out, p, g_utf8_next_char(p) - p);
    }
    return g_string_free(out, false);
}

static const char *open_tag(event_kind kind)
{
    switch (kind) {
    case EV_EMPH_OPEN:
        return "<i>";
    case EV_STRONG_OPEN:
        return "<b>";
    case EV_LINK_OPEN:
        /* Neutral: the layout may colour it; bold reads as a link on paper. */
        return "<span font_weight=\"bold\">";
    case EV_EMPH_CLOSE:
        return "</i>";
    case EV_STRONG_CLOSE:
        return "</b>";
    case EV_LINK_CLOSE:
        return "</span>";
    }
    return "";
}

/* Turns the builder into a block: typography on the whole text, then the
 * markers split back into markup tags and link ranges. */
static void builder_finish(parser *ps, builder *b)
{
    if (!b->active)
        return;
    b->active = false;
    b->in_item = false;

    char *typo = crpv_typo_french(b->text->str);
    /* Headings are short lines set large: never cut. */
    if (ps->hyph && b->kind != CRPV_BLOCK_HEADING) {
        char *h = crpv_hyphenate(ps->hyph, typo);
        g_free(typo);
        typo = h;
    }
    char *text = crpv_typo_protect(typo);
    g_free(typo);

    GString *plain = g_string_sized_new(strlen(text));
    GString *markup = g_string_sized_new(strlen(text) + 32);
    GArray *links = g_array_new(false, false, sizeof(crpv_link));
    guint ev = 0;
    const char *p = text;
    for (;;) {
        const char *m = find_marker(p);
        size_t n = m ? (size_t)(m - p) : strlen(p);
        g_string_append_len(plain, p, (gssize)n);
        g_autofree char *piece = g_markup_escape_text(p, (gssize)n);
        g_string_append(markup, piece);
        if (!m)
            break;
        /* The rules keep every marker, in order. */
        g_assert(ev < b->events->len);
        event *e = &g_array_index(b->events, event, ev++);
        g_string_append(markup, open_tag(e->kind));
        if (e->kind == EV_LINK_OPEN) {
            crpv_link l = {e->uri, plain->len, plain->len};
            e->uri = NULL;
            g_array_append_val(links, l);
        } else if (e->kind == EV_LINK_CLOSE && links->len > 0) {
            g_array_index(links, crpv_link, links->len - 1).end = plain->len;
        }
        p = m + strlen(MARKER_UTF8);
    }
    g_assert(ev == b->events->len);
    g_free(text);

    /* Whitespace only: nothing to print (an empty heading or item). */
    bool empty = true;
    for (const char *q = plain->str; *q && empty; q = g_utf8_next_char(q))
        if (!g_unichar_isspace(g_utf8_get_char(q)))
            empty = false;
    if (empty) {
        for (guint i = 0; i < links->len; i++)
            g_free(g_array_index(links, crpv_link, i).uri);
        g_array_free(links, true);
        g_string_free(plain, true);
        g_string_free(markup, true);
        return;
    }
    crpv_block block = {
        .kind = b->kind,
        .level = b->level,
        .boxed = b->boxed,
        .markup = g_string_free(markup, false),
        .plain = g_string_free(plain, false),
        .line = b->line,
    };
    block.title = strip_invisible(block.plain);
    block.n_links = links->len;
    block.links = (crpv_link *)g_array_free(links, false);
    g_array_append_val(ps->blocks, block);
}

static void add_break(parser *ps, int line, bool boxed)
{
    crpv_block block = {
        .kind = CRPV_BLOCK_BREAK,
        .boxed = boxed,
        .markup = g_strdup(""),
        .plain = g_strdup(""),
        .title = g_strdup(""),
        .line = line,
    };
    g_array_append_val(ps->blocks, block);
}

/* Code and raw HTML are shown as text, never interpreted. */
static void add_literal_block(parser *ps, builder *b, cmark_node *node, bool boxed)
{
    builder_finish(ps, b);
    builder_start(b, CRPV_BLOCK_PARAGRAPH, 0, boxed, cmark_node_get_start_line(node));
    const char *lit = cmark_node_get_literal(node);
    g_autofree char *s = g_strdup(lit ? lit : "");
    g_strchomp(s);
    append_literal(b->text, s);
    builder_finish(ps, b);
}

static void walk(parser *ps, cmark_node *root)
{
    builder b = {.text = g_string_new(""), .events = g_array_new(false, false, sizeof(event))};
    int list_depth = 0, quote_depth = 0;
    int inline_depth = 0;
    int reported_line = 0; /* the last line a nesting error was reported for */
    cmark_iter *iter = cmark_iter_new(root);
    cmark_event_type evt;
    while ((evt = cmark_iter_next(iter)) != CMARK_EVENT_DONE) {
        cmark_node *node = cmark_iter_get_node(iter);
        bool enter = evt == CMARK_EVENT_ENTER;
        int line = cmark_node_get_start_line(node);
        bool boxed = quote_depth > 0;
        cmark_node_type type = cmark_node_get_type(node);
        if (type == CMARK_NODE_EMPH || type == CMARK_NODE_STRONG || type == CMARK_NODE_LINK) {
            inline_depth += enter ? 1 : -1;
            if (enter && inline_depth > MAX_INLINE_NESTING) {
                if (line != reported_line)
                    add_error(ps, line,
                              "italique, gras et liens imbriqués sur plus de %d niveaux (limite "
                              "de crpv) : simplifiez la mise en forme",
                              MAX_INLINE_NESTING);
                reported_line = line;
                continue;
            }
            if (!enter && inline_depth >= MAX_INLINE_NESTING)
                continue;
        }
        if ((type == CMARK_NODE_BLOCK_QUOTE || type == CMARK_NODE_LIST) && enter &&
            list_depth + quote_depth >= MAX_BLOCK_NESTING && line != reported_line) {
            add_error(ps, line,
                      "listes et citations imbriquées sur plus de %d niveaux (limite de crpv)",
                      MAX_BLOCK_NESTING);
            reported_line = line;
        }
        switch (type) {
        case CMARK_NODE_BLOCK_QUOTE:
            builder_finish(ps, &b);
            quote_depth += enter ? 1 : -1;
            break;
        case CMARK_NODE_LIST:
            builder_finish(ps, &b);
            list_depth += enter ? 1 : -1;
            break;
        case CMARK_NODE_ITEM:
            builder_finish(ps, &b);
            if (enter)
                builder_start(&b, CRPV_BLOCK_LIST_ITEM, list_depth, boxed, line);
            break;
        case CMARK_NODE_HEADING:
            if (enter) {
                builder_finish(ps, &b);
                int level = cmark_node_get_heading_level(node);
                builder_start(&b, CRPV_BLOCK_HEADING, level > 3 ? 3 : level, boxed, line);
            } else {
                builder_finish(ps, &b);
            }
            break;
        case CMARK_NODE_PARAGRAPH:
            if (enter) {
                if (b.active && b.in_item) {
                    /* A list item's further paragraphs: a new line of it. */
                    if (b.text->len > 0)
                        g_string_append_c(b.text, '\n');
                } else {
                    builder_finish(ps, &b);
                    builder_start(&b, CRPV_BLOCK_PARAGRAPH, 0, boxed, line);
                }
            } else if (!b.in_item) {
                builder_finish(ps, &b);
            }
            break;
        case CMARK_NODE_THEMATIC_BREAK:
            builder_finish(ps, &b);
            add_break(ps, line, boxed);
            break;
        case CMARK_NODE_CODE_BLOCK:
        case CMARK_NODE_HTML_BLOCK:
            add_literal_block(ps, &b, node, boxed);
            break;
        case CMARK_NODE_TEXT:
            if (b.active)
                append_text(ps, &b, cmark_node_get_literal(node), line);
            break;
        case CMARK_NODE_CODE:
        case CMARK_NODE_HTML_INLINE:
            if (b.active)
                append_literal(b.text, cmark_node_get_literal(node));
            break;
        case CMARK_NODE_SOFTBREAK:
            if (b.active)
                g_string_append_c(b.text, ' ');
            break;
        case CMARK_NODE_LINEBREAK:
            if (b.active)
                g_string_append_c(b.text, '\n');
            break;
        case CMARK_NODE_EMPH:
            if (b.active)
                add_event(&b, enter ? EV_EMPH_OPEN : EV_EMPH_CLOSE, NULL);
            break;
        case CMARK_NODE_STRONG:
            if (b.active)
                add_event(&b, enter ? EV_STRONG_OPEN : EV_STRONG_CLOSE, NULL);
            break;
        case CMARK_NODE_LINK:
            if (!b.active)
                break;
            if (enter) {
                const char *uri = cmark_node_get_url(node);
                if (!uri || !link_scheme_allowed(uri)) {
                    g_autofree char *shown = shorten(uri ? uri : "", 80);
                    add_error(ps, line,
                              "lien « %s » refusé (seuls http, https, mailto et tel sont permis)",
                              shown);
                }
                add_event(&b, EV_LINK_OPEN, uri ? uri : "");
            } else {
                add_event(&b, EV_LINK_CLOSE, NULL);
            }
            break;
        default:
            /* Document, images (their alt text is kept as text), custom. */
            break;
        }
    }
    builder_finish(ps, &b);
    cmark_iter_free(iter);
    for (guint i = 0; i < b.events->len; i++)
        g_free(g_array_index(b.events, event, i).uri);
    g_array_free(b.events, true);
    g_string_free(b.text, true);
}

static void block_clear(crpv_block *block)
{
    g_free(block->markup);
    g_free(block->plain);
    g_free(block->title);
    for (size_t i = 0; i < block->n_links; i++)
        g_free(block->links[i].uri);
    g_free(block->links);
}

static void free_blocks(GArray *blocks)
{
    for (guint i = 0; i < blocks->len; i++)
        block_clear(&g_array_index(blocks, crpv_block, i));
    g_array_free(blocks, true);
}

/* Reports every line of SOURCE holding invalid UTF-8 (or a NUL byte). */
static void check_utf8(parser *ps, const char *source, size_t len)
{
    const char *p = source, *end = source + len;
    int line = 1;
    const char *counted = source;
    while (p < end) {
        const char *bad;
        if (g_utf8_validate(p, end - p, &bad))
            break;
        for (; counted < bad; counted++)
            if (*counted == '\n')
                line++;
        add_error(ps, line, "%s", *bad ? "texte UTF-8 invalide" : "caractère nul interdit");
        /* On to the next line: one message per line. */
        const char *nl = memchr(bad, '\n', (size_t)(end - bad));
        if (!nl)
            break;
        p = nl + 1;
    }
}

crpv_content *crpv_content_parse(const char *source, size_t len, const char *filename,
                                 const crpv_directory_stats *stats,
                                 const crpv_hyphenator *hyph, GError **error)
{
    g_return_val_if_fail(source || len == 0, NULL);
    g_return_val_if_fail(stats != NULL, NULL);
    parser ps = {
        .filename = filename ? filename : "<texte>",
        .stats = stats,
        .hyph = hyph,
        .blocks = g_array_new(false, true, sizeof(crpv_block)),
        .errors = g_string_new(""),
    };
    if (len >= 3 && memcmp(source, "\xEF\xBB\xBF", 3) == 0) {
        source += 3;
        len -= 3;
    }
    ps.warnings = g_ptr_array_new_with_free_func(g_free);
    g_autofree char *decoded = NULL;
    if (len > CRPV_MAX_PROSE_BYTES) {
        g_autofree char *limit = crpv_textfile_size_label(CRPV_MAX_PROSE_BYTES);
        add_error(&ps, 1, "texte trop long (%zu Ko, la limite de crpv est %s : le recto en tient "
                  "environ 6 Ko)",
                  len / 1024, limit);
    } else if (len > 0 && !g_utf8_validate_len(source, len, NULL) && !memchr(source, '\0', len)) {
        /* Lines pasted from a Windows program into a UTF-8 file, or a
         * whole file saved as Windows-1252: read as such, with a word. */
        bool mixed = crpv_textfile_has_utf8_line(source, len);
        GError *local = NULL;
        decoded = crpv_textfile_decode_lines(source, len, ps.filename,
                                             mixed ? ps.warnings : NULL, NULL, &local);
        if (!decoded) {
            ps.n_errors++;
            g_string_append(ps.errors, local->message);
            g_error_free(local);
        } else {
            source = decoded;
            len = strlen(decoded);
            if (!mixed)
                g_ptr_array_add(ps.warnings,
                                g_strdup_printf("%s:1: attention : fichier qui n’est pas en "
                                                "UTF-8, lu en Windows-1252 (vérifiez ses "
                                                "accents, puis enregistrez-le en UTF-8)",
                                                ps.filename));
        }
    } else if (len > 0) {
        check_utf8(&ps, source, len);
    }
    if (ps.n_errors == 0) {
        cmark_node *doc = cmark_parse_document(len > 0 ? source : "", len, CMARK_OPT_SOURCEPOS);
        cmark_consolidate_text_nodes(doc);
        walk(&ps, doc);
        cmark_node_free(doc);
    }
    if (ps.n_errors > 0) {
        if (ps.n_errors > MAX_ERRORS)
            g_string_append_printf(ps.errors, "\n%s: … et %zu autres erreurs", ps.filename,
                                   ps.n_errors - MAX_ERRORS);
        g_set_error_literal(error, content_error_quark(), 1, ps.errors->str);
        g_string_free(ps.errors, true);
        free_blocks(ps.blocks);
        g_ptr_array_unref(ps.warnings);
        return NULL;
    }
    g_string_free(ps.errors, true);
    crpv_content *content = g_new0(crpv_content, 1);
    content->blocks = ps.blocks;
    content->warnings = ps.warnings;
    content->filename = g_strdup(ps.filename);
    return content;
}

crpv_content *crpv_content_load(const char *path, const crpv_directory_stats *stats,
                                const crpv_hyphenator *hyph, GError **error)
{
    char *data = NULL;
    size_t len = 0;
    if (!crpv_textfile_read(path, CRPV_MAX_PROSE_BYTES, &data, &len, error))
        return NULL;
    crpv_content *content = crpv_content_parse(data, len, path, stats, hyph, error);
    g_free(data);
    return content;
}

void crpv_content_free(crpv_content *content)
{
    if (!content)
        return;
    free_blocks(content->blocks);
    g_free(content->filename);
    g_ptr_array_unref(content->warnings);
    g_free(content);
}

const char *crpv_content_path(const crpv_content *content)
{
    return content->filename;
}

size_t crpv_content_count(const crpv_content *content)
{
    return content ? content->blocks->len : 0;
}

const crpv_block *crpv_content_nth(const crpv_content *content, size_t i)
{
    if (!content || i >= content->blocks->len)
        return NULL;
    return &g_array_index(content->blocks, crpv_block, i);
}

const GPtrArray *crpv_content_warnings(const crpv_content *content)
{
    return content->warnings;
}
