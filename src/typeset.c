#include "typeset.h"

#include <errno.h>
#include <hyphen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define NBSP 0x00A0   /* no-break space */
#define NNBSP 0x202F  /* narrow no-break space */
#define SHY 0x00AD    /* soft hyphen */
#define WJ 0x2060     /* word joiner */

/* Longer "words" are not French words (a hostile input, a hash): libhyphen
 * is not worth running on them. */
#define MAX_HYPHEN_WORD 64
#define MAX_PHONE_GROUPS 8

struct crpv_hyphenator {
    HyphenDict *dict;
};

/* Characters a caller may thread through the text (soft hyphens, joiners,
 * the content module's private markers) and that the rules look through. */
static bool is_transparent(gunichar c)
{
    GUnicodeType t = g_unichar_type(c);
    return t == G_UNICODE_UNASSIGNED || t == G_UNICODE_PRIVATE_USE || t == G_UNICODE_FORMAT;
}

/* Spaces that French punctuation spacing may replace (not line breaks). */
static bool is_hspace(gunichar c)
{
    return c == ' ' || c == '\t' || c == NBSP || c == NNBSP || c == 0x2009;
}

/* ---- URL and e-mail spans ---------------------------------------------- */

typedef struct {
    size_t start, end; /* byte range of TEXT */
} span;

static bool has_prefix_ci(const char *s, size_t len, const char *prefix)
{
    size_t n = strlen(prefix);
    return len >= n && g_ascii_strncasecmp(s, prefix, n) == 0;
}

/* Where a URL begins inside the chunk [S, S + LEN), or -1. */
static gssize url_start(const char *s, size_t len)
{
    static const char *const prefixes[] = {"https://", "http://", "www.", "mailto:"};
    for (size_t i = 0; i < len; i++) {
        if (i > 0 && g_ascii_isalnum(s[i - 1]))
            continue;
        for (size_t k = 0; k < G_N_ELEMENTS(prefixes); k++)
            if (has_prefix_ci(s + i, len - i, prefixes[k]))
                return (gssize)i;
    }
    return -1;
}

/* An e-mail address: something@something.something. */
static bool is_email(const char *s, size_t len)
{
    const char *at = memchr(s, '@', len);
    if (!at || at == s)
        return false;
    const char *dot = memchr(at, '.', len - (size_t)(at - s));
    return dot && dot > at + 1 && dot < s + len - 1;
}

/* The URLs and e-mail addresses of TEXT, which every rule leaves alone:
 * whitespace-separated chunks, without the punctuation around them. */
static GArray *find_spans(const char *text)
{
    GArray *spans = g_array_new(false, false, sizeof(span));
    const char *p = text;
    while (*p) {
        gunichar c = g_utf8_get_char(p);
        if (g_unichar_isspace(c)) {
            p = g_utf8_next_char(p);
            continue;
        }
        const char *chunk = p;
        while (*p && !g_unichar_isspace(g_utf8_get_char(p)))
            p = g_utf8_next_char(p);
        const char *end = p;
        /* Trailing punctuation (a full stop after a site) is not part of it. */
        while (end > chunk) {
            const char *prev = g_utf8_prev_char(end);
            gunichar pc = g_utf8_get_char(prev);
            if (g_unichar_isalnum(pc) || pc == '/')
                break;
            end = prev;
        }
        const char *start = chunk;
        while (start < end && !g_unichar_isalnum(g_utf8_get_char(start)))
            start = g_utf8_next_char(start);
        if (start >= end)
            continue;
        size_t len = (size_t)(end - start);
        gssize u = url_start(start, len);
        span sp = {0, 0};
        if (u >= 0)
            sp = (span){(size_t)(start + u - text), (size_t)(end - text)};
        else if (is_email(start, len))
            sp = (span){(size_t)(start - text), (size_t)(end - text)};
        if (sp.end > sp.start)
            g_array_append_val(spans, sp);
    }
    return spans;
}

/* Whether OFF is at or inside the next span of SPANS (a rule may have
 * consumed a few bytes past a span's start), setting END to its end. Spans
 * wholly behind OFF are passed over. */
static bool span_at(const GArray *spans, guint *next, size_t off, size_t *end)
{
    while (*next < spans->len && g_array_index(spans, span, *next).end <= off)
        (*next)++;
    if (*next < spans->len && g_array_index(spans, span, *next).start <= off) {
        *end = g_array_index(spans, span, *next).end;
        (*next)++;
        return true;
    }
    return false;
}

/* ---- French punctuation ------------------------------------------------ */

/* Removes the horizontal spaces at the end of OUT; true if there were any. */
static bool trim_hspace(GString *out)
{
    bool trimmed = false;
    while (out->len > 0) {
        const char *prev = g_utf8_find_prev_char(out->str, out->str + out->len);
        if (!prev || !is_hspace(g_utf8_get_char(prev)))
            break;
        g_string_truncate(out, (size_t)(prev - out->str));
        trimmed = true;
    }
    return trimmed;
}

/* The last visible character written to OUT (0 at the start). */
static gunichar last_visible(const GString *out)
{
    const char *p = out->str + out->len;
    while (p > out->str) {
        p = g_utf8_find_prev_char(out->str, p);
        if (!p)
            break;
        gunichar c = g_utf8_get_char(p);
        if (!is_transparent(c))
            return c;
    }
    return 0;
}

/* A straight double quote opens after a space, an opening bracket or at
 * the start; otherwise it closes. */
static bool quote_opens(gunichar prev)
{
    switch (prev) {
    case 0:
    case '(':
    case '[':
    case '{':
    case '/':
    case '-':
    case 0x00AB: /* « */
    case 0x2013: /* – */
    case 0x2014: /* — */
    case 0x2019: /* ’, as in l’"objet" */
        return true;
    default:
        return g_unichar_isspace(prev);
    }
}

static const char *skip_hspace(const char *p)
{
    while (*p && is_hspace(g_utf8_get_char(p)))
        p = g_utf8_next_char(p);
    return p;
}

static void open_guillemet(GString *out, const char **p)
{
    g_string_append_unichar(out, 0x00AB);
    *p = skip_hspace(*p);
    if (**p && **p != '\n')
        g_string_append_unichar(out, NNBSP);
}

static void close_guillemet(GString *out)
{
    trim_hspace(out);
    if (last_visible(out) != 0 && out->len > 0 && out->str[out->len - 1] != '\n')
        g_string_append_unichar(out, NNBSP);
    g_string_append_unichar(out, 0x00BB);
}

char *crpv_typo_french(const char *text)
{
    if (!text)
        return g_strdup("");
    GString *out = g_string_sized_new(strlen(text) + 16);
    g_autoptr(GArray) spans = find_spans(text);
    guint next_span = 0;
    const char *p = text;
    while (*p) {
        size_t off = (size_t)(p - text);
        size_t end;
        if (span_at(spans, &next_span, off, &end)) {
            g_string_append_len(out, p, (gssize)(end - off));
            p = text + end;
            continue;
        }
        gunichar c = g_utf8_get_char(p);
        const char *next = g_utf8_next_char(p);
        switch (c) {
        case ';':
        case '!':
        case '?':
        case ':':
            /* Only a space the author typed becomes a no-break one: "10:30"
             * and "http://" have none. */
            if (trim_hspace(out))
                g_string_append_unichar(out, c == ':' ? NBSP : NNBSP);
            g_string_append_c(out, (char)c);
            p = next;
            break;
        case 0x00AB:
            p = next;
            open_guillemet(out, &p);
            break;
        case 0x00BB:
            close_guillemet(out);
            p = next;
            break;
        case '"':
            p = next;
            if (quote_opens(last_visible(out)))
                open_guillemet(out, &p);
            else
                close_guillemet(out);
            break;
        case '%':
            /* « 10 % »: a no-break space between a number and its unit. */
            trim_hspace(out);
            if (g_unichar_isdigit(last_visible(out)))
                g_string_append_unichar(out, NBSP);
            g_string_append_c(out, '%');
            p = next;
            break;
        case '\'':
            g_string_append_unichar(out, 0x2019);
            p = next;
            break;
        case '-':
            /* A hyphen between spaces stands for a dash: « IREV – centre ». */
            if (out->len > 0 && is_hspace(g_utf8_get_char(g_utf8_find_prev_char(
                                    out->str, out->str + out->len))) &&
                is_hspace(g_utf8_get_char(next)))
                g_string_append_unichar(out, 0x2013);
            else
                g_string_append_c(out, '-');
            p = next;
            break;
        case '.':
            if (strncmp(p, "...", 3) == 0) {
                g_string_append_unichar(out, 0x2026);
                p += 3;
            } else {
                g_string_append_c(out, '.');
                p = next;
            }
            break;
        default:
            g_string_append_len(out, p, next - p);
            p = next;
        }
    }
    return g_string_free(out, false);
}

/* ---- Phones, URLs and e-mails ------------------------------------------ */

/* Bytes of the space (ordinary or no-break) at P, or 0. */
static size_t space_len(const char *p)
{
    if (*p == ' ')
        return 1;
    if ((unsigned char)p[0] == 0xC2 && (unsigned char)p[1] == 0xA0)
        return 2;
    return 0;
}

/* The run of digit groups separated by spaces at P: its length in bytes,
 * and whether it is a phone number ("01 48 09 26 36", "+33 1 48 09 26
 * 36"): groups of 1 to 4 digits, at least four of them (three after a
 * "+"), at most MAX_PHONE_GROUPS (more is a table of figures), not glued to
 * a word. */
static size_t digit_run(const char *p, bool *is_phone)
{
    const char *q = p;
    bool plus = *q == '+';
    if (plus)
        q++;
    size_t groups = 0;
    bool short_groups = true;
    const char *end = q;
    for (;;) {
        size_t digits = 0;
        while (g_ascii_isdigit(q[digits]))
            digits++;
        if (digits == 0)
            break;
        groups++;
        short_groups = short_groups && digits <= 4;
        q += digits;
        end = q;
        const char *s = q;
        while (space_len(s) > 0)
            s += space_len(s);
        if (s == q || !g_ascii_isdigit(*s))
            break;
        q = s;
    }
    *is_phone = short_groups && groups <= MAX_PHONE_GROUPS &&
                (groups >= 4 || (plus && groups >= 3)) && !g_ascii_isalnum(*end);
    return (size_t)(end - p);
}

static void append_phone(GString *out, const char *p, size_t len)
{
    const char *end = p + len;
    while (p < end) {
        if (space_len(p) > 0) {
            while (p < end && space_len(p) > 0)
                p += space_len(p);
            g_string_append_unichar(out, NBSP);
        } else {
            g_string_append_c(out, *p++);
        }
    }
}

static void append_joined(GString *out, const char *p, size_t len)
{
    const char *end = p + len;
    while (p < end) {
        const char *next = g_utf8_next_char(p);
        g_string_append_len(out, p, next - p);
        if (strchr("/.-@_", *p) && *p && next < end && g_utf8_get_char(next) != WJ)
            g_string_append_unichar(out, WJ);
        p = next;
    }
}

char *crpv_typo_protect(const char *text)
{
    if (!text)
        return g_strdup("");
    GString *out = g_string_sized_new(strlen(text) + 16);
    g_autoptr(GArray) spans = find_spans(text);
    guint next_span = 0;
    const char *p = text;
    gunichar prev = 0;
    while (*p) {
        size_t off = (size_t)(p - text);
        size_t end;
        if (span_at(spans, &next_span, off, &end)) {
            append_joined(out, p, end - off);
            p = text + end;
            prev = '/';
            continue;
        }
        if ((g_ascii_isdigit(*p) || (*p == '+' && g_ascii_isdigit(p[1]))) &&
            !g_unichar_isalnum(prev) && prev != '+') {
            /* The whole run is consumed, phone or not, so that no number of
             * a longer run is taken for the start of a phone number. */
            bool is_phone;
            size_t len = digit_run(p, &is_phone);
            if (is_phone)
                append_phone(out, p, len);
            else
                g_string_append_len(out, p, (gssize)len);
            p += len;
            prev = '0';
            continue;
        }
        const char *next = g_utf8_next_char(p);
        prev = g_utf8_get_char(p);
        g_string_append_len(out, p, next - p);
        p = next;
    }
    return g_string_free(out, false);
}

/* ---- Hyphenation ------------------------------------------------------- */

crpv_hyphenator *crpv_hyphenator_load(const char *path, GError **error)
{
    FILE *f = fopen(path, "r");
    if (!f) {
        int err = errno;
        g_set_error(error, G_FILE_ERROR, g_file_error_from_errno(err),
                    "%s: impossible d’ouvrir le dictionnaire de césure (%s)", path,
                    g_strerror(err));
        return NULL;
    }
    HyphenDict *dict = hnj_hyphen_load_file(f);
    fclose(f);
    if (!dict) {
        g_set_error(error, G_FILE_ERROR, G_FILE_ERROR_INVAL,
                    "%s: dictionnaire de césure illisible", path);
        return NULL;
    }
    /* Positions are mapped on characters, which needs a UTF-8 dictionary. */
    if (!dict->utf8) {
        hnj_hyphen_free(dict);
        g_set_error(error, G_FILE_ERROR, G_FILE_ERROR_INVAL,
                    "%s: le dictionnaire de césure n’est pas en UTF-8", path);
        return NULL;
    }
    crpv_hyphenator *hyph = g_new0(crpv_hyphenator, 1);
    hyph->dict = dict;
    return hyph;
}

void crpv_hyphenator_free(crpv_hyphenator *hyph)
{
    if (!hyph)
        return;
    hnj_hyphen_free(hyph->dict);
    g_free(hyph);
}

static bool is_word_char(gunichar c)
{
    return g_unichar_isalnum(c) || g_unichar_ismark(c);
}

/* Appends the word [W, W + LEN) to OUT with soft hyphens where the
 * dictionary allows a break. */
static void append_hyphenated(GString *out, const crpv_hyphenator *hyph, const char *w, size_t len)
{
    glong nchars = g_utf8_strlen(w, (gssize)len);
    bool has_lower = false;
    for (const char *p = w; p < w + len; p = g_utf8_next_char(p)) {
        gunichar c = g_utf8_get_char(p);
        if (g_unichar_isdigit(c)) {
            nchars = 0; /* numbers and references are never cut */
            break;
        }
        if (g_unichar_islower(c))
            has_lower = true;
    }
    /* Short words, acronyms (CGET) and numbers stay whole. */
    if (nchars < 6 || nchars > MAX_HYPHEN_WORD || !has_lower) {
        g_string_append_len(out, w, (gssize)len);
        return;
    }
    g_autofree char *lower = g_utf8_strdown(w, (gssize)len);
    size_t lower_len = strlen(lower);
    /* The dictionary answers per character: the lowercase form must have
     * as many as the word (a few letters change length when lowered). */
    if (g_utf8_strlen(lower, -1) != nchars) {
        g_string_append_len(out, w, (gssize)len);
        return;
    }
    char *hyphens = g_malloc0(lower_len + 5);
    char **rep = NULL;
    int *pos = NULL, *cut = NULL;
    /* French print: two letters at least before a break, three after. */
    int rc = hnj_hyphen_hyphenate3(hyph->dict, lower, (int)lower_len, hyphens, NULL, &rep, &pos,
                                   &cut, 2, 3, 2, 3);
    const char *p = w;
    for (glong i = 0; i < nchars; i++) {
        const char *next = g_utf8_next_char(p);
        g_string_append_len(out, p, next - p);
        /* A break after character I; replacements (non-standard breaks,
         * unused in French) are skipped rather than applied. */
        if (rc == 0 && i + 1 >= 2 && nchars - (i + 1) >= 3 && (hyphens[i] & 1) &&
            !(rep && rep[i]))
            g_string_append_unichar(out, SHY);
        p = next;
    }
    if (rep) {
        for (size_t i = 0; i < lower_len; i++)
            free(rep[i]);
        free(rep);
    }
    free(pos);
    free(cut);
    g_free(hyphens);
}

char *crpv_hyphenate(const crpv_hyphenator *hyph, const char *text)
{
    if (!text)
        return g_strdup("");
    if (!hyph)
        return g_strdup(text);
    GString *out = g_string_sized_new(strlen(text) * 5 / 4 + 16);
    g_autoptr(GArray) spans = find_spans(text);
    guint next_span = 0;
    const char *p = text;
    while (*p) {
        size_t off = (size_t)(p - text);
        size_t end;
        if (span_at(spans, &next_span, off, &end)) {
            g_string_append_len(out, p, (gssize)(end - off));
            p = text + end;
            continue;
        }
        const char *w = p;
        while (*p && is_word_char(g_utf8_get_char(p)) &&
               !(next_span < spans->len &&
                 g_array_index(spans, span, next_span).start == (size_t)(p - text)))
            p = g_utf8_next_char(p);
        if (p > w) {
            append_hyphenated(out, hyph, w, (size_t)(p - w));
            continue;
        }
        const char *next = g_utf8_next_char(p);
        g_string_append_len(out, p, next - p);
        p = next;
    }
    return g_string_free(out, false);
}

/* ---- Layout ------------------------------------------------------------ */

PangoLayout *crpv_text_layout_new(PangoContext *ctx, const char *font, const char *markup,
                                  double width, int align, bool justify, double line_height)
{
    PangoLayout *layout = pango_layout_new(ctx);
    PangoFontDescription *desc = pango_font_description_from_string(font ? font : "");
    pango_layout_set_font_description(layout, desc);
    pango_font_description_free(desc);
    if (width > 0) {
        pango_layout_set_width(layout, (int)(width * PANGO_SCALE));
        pango_layout_set_wrap(layout, PANGO_WRAP_WORD);
    } else {
        pango_layout_set_width(layout, -1);
    }
    pango_layout_set_alignment(layout, align == 1   ? PANGO_ALIGN_CENTER
                                       : align == 2 ? PANGO_ALIGN_RIGHT
                                                    : PANGO_ALIGN_LEFT);
    pango_layout_set_justify(layout, justify);
    if (line_height > 0)
        pango_layout_set_line_spacing(layout, (float)line_height);

    /* Parsed here rather than with pango_layout_set_markup(), which warns:
     * a markup error shows the text as it is, so nothing is lost. */
    PangoAttrList *attrs = NULL;
    char *text = NULL;
    const char *src = markup ? markup : "";
    if (pango_parse_markup(src, -1, 0, &attrs, &text, NULL, NULL)) {
        pango_layout_set_text(layout, text, -1);
        pango_layout_set_attributes(layout, attrs);
        pango_attr_list_unref(attrs);
        g_free(text);
    } else {
        pango_layout_set_text(layout, src, -1);
    }
    /* No ligatures anywhere: each glyph stands for one character, so that
     * every PDF reader (and Ghostscript, which rewrites the print file's
     * text maps) gives the words back as written. Inserted first, so that
     * the markup's own font features still win. */
    PangoAttrList *list = pango_layout_get_attributes(layout);
    PangoAttrList *own = list ? pango_attr_list_copy(list) : pango_attr_list_new();
    pango_attr_list_insert_before(own, pango_attr_font_features_new("liga=0, clig=0"));
    pango_layout_set_attributes(layout, own);
    pango_attr_list_unref(own);
    return layout;
}

static const char cache_key[] = "crpv-layout-cache";
static _Thread_local size_t cache_shaped, cache_found;

PangoLayout *crpv_text_layout_shared(PangoContext *ctx, const char *font, const char *markup,
                                     double width, int align, bool justify, double line_height)
{
    GHashTable *cache = g_object_get_data(G_OBJECT(ctx), cache_key);
    if (!cache) {
        cache = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, g_object_unref);
        g_object_set_data_full(G_OBJECT(ctx), cache_key, cache,
                               (GDestroyNotify)g_hash_table_unref);
    }
    /* Every argument that changes the layout, exactly (%a: no rounding). */
    char *key = g_strdup_printf("%s\x1f%s\x1f%a\x1f%d\x1f%d\x1f%a", font ? font : "",
                                markup ? markup : "", width > 0 ? width : -1.0, align,
                                justify, line_height);
    PangoLayout *layout = g_hash_table_lookup(cache, key);
    if (layout) {
        g_free(key);
        cache_found++;
        return g_object_ref(layout);
    }
    if (g_hash_table_size(cache) >= CRPV_LAYOUT_CACHE_MAX)
        g_hash_table_remove_all(cache);
    layout = crpv_text_layout_new(ctx, font, markup, width, align, justify, line_height);
    /* Shaped now, while the key is fresh: later readers only read. */
    pango_layout_get_extents(layout, NULL, NULL);
    cache_shaped++;
    g_hash_table_insert(cache, key, g_object_ref(layout));
    return layout;
}

void crpv_text_cache_counts(size_t *shaped, size_t *found)
{
    if (shaped)
        *shaped = cache_shaped;
    if (found)
        *found = cache_found;
}

void crpv_text_size(PangoContext *ctx, const char *font, const char *markup, double width,
                    bool justify, double line_height, double *out_width, double *out_height)
{
    PangoLayout *layout =
        crpv_text_layout_shared(ctx, font, markup, width, 0, justify, line_height);
    int w = 0, h = 0;
    pango_layout_get_size(layout, &w, &h);
    g_object_unref(layout);
    if (out_width)
        *out_width = pango_units_to_double(w);
    if (out_height)
        *out_height = pango_units_to_double(h);
}

char *crpv_markup_explicit_breaks(PangoLayout *layout, const char *markup)
{
    /* The wraps, as character offsets into the layout's text. */
    const char *text = pango_layout_get_text(layout);
    GArray *wraps = g_array_new(FALSE, FALSE, sizeof(glong));
    for (GSList *l = pango_layout_get_lines_readonly(layout); l; l = l->next) {
        const PangoLayoutLine *line = l->data;
        if (line->start_index > 0 && text[line->start_index - 1] != '\n') {
            glong at = g_utf8_pointer_to_offset(text, text + line->start_index);
            g_array_append_val(wraps, at);
        }
    }
    /* The same characters counted in the markup, tags skipped and each
     * entity one character. */
    GString *out = g_string_new(NULL);
    glong chars = 0;
    guint next = 0;
    for (const char *p = markup; *p;) {
        if (*p == '<') {
            const char *end = strchr(p, '>');
            size_t n = end ? (size_t)(end - p + 1) : strlen(p);
            g_string_append_len(out, p, (gssize)n);
            p += n;
            continue;
        }
        if (next < wraps->len && chars == g_array_index(wraps, glong, next)) {
            g_string_append_c(out, '\n');
            next++;
        }
        const char *end = *p == '&' ? strchr(p, ';') : NULL;
        size_t n = end ? (size_t)(end - p + 1) : (size_t)(g_utf8_next_char(p) - p);
        g_string_append_len(out, p, (gssize)n);
        p += n;
        chars++;
    }
    g_array_free(wraps, TRUE);
    return g_string_free(out, FALSE);
}

char *crpv_markup_escape(const char *text)
{
    return g_markup_escape_text(text ? text : "", -1);
}

/* ---- Phrases ------------------------------------------------------------ */

/* Words that hold to the next one (articles, prepositions) and words that
 * hold to the previous one (a complement: « centres de ressources »). */
static bool holds_next(const char *w, size_t len)
{
    static const char *const words[] = {"de", "des", "du", "la", "le", "les", "un", "une", "à",
                                        "au", "aux", "et", "ou", "en", "pour", "par", "sur"};
    for (size_t i = 0; i < G_N_ELEMENTS(words); i++)
        if (strlen(words[i]) == len && g_ascii_strncasecmp(words[i], w, len) == 0)
            return true;
    return false;
}

static bool holds_previous(const char *w, size_t len)
{
    static const char *const words[] = {"de", "des", "du"};
    for (size_t i = 0; i < G_N_ELEMENTS(words); i++)
        if (strlen(words[i]) == len && strncmp(words[i], w, len) == 0)
            return true;
    return len >= 4 && strncmp(w, "d\u2019", 4) == 0;
}

char *crpv_markup_phrases(const char *text)
{
    GString *out = g_string_new(NULL);
    gchar **words = g_strsplit(text ? text : "", " ", -1);
    guint n = g_strv_length(words);
    bool open = false;
    for (guint i = 0; i < n; i++) {
        size_t len = strlen(words[i]);
        bool join_next = i + 1 < n && (holds_next(words[i], len) ||
                                       holds_previous(words[i + 1], strlen(words[i + 1])));
        if (join_next && !open) {
            g_string_append(out, "<span allow_breaks=\"false\">");
            open = true;
        }
        g_autofree char *esc = g_markup_escape_text(words[i], (gssize)len);
        g_string_append(out, esc);
        if (!join_next && open) {
            g_string_append(out, "</span>");
            open = false;
        }
        if (i + 1 < n)
            g_string_append_c(out, ' ');
    }
    if (open)
        g_string_append(out, "</span>");
    g_strfreev(words);
    return g_string_free(out, false);
}
