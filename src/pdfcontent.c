#include "pdfcontent.h"

#include <stdlib.h>
#include <string.h>

/* Character classes, looked up: the scanner reads every byte of every
 * page, on the build's critical path. */
enum { SPACE = 1, DELIM = 2 };
static const unsigned char char_class[256] = {
    [' '] = SPACE, ['\n'] = SPACE, ['\r'] = SPACE, ['\t'] = SPACE, ['\f'] = SPACE, [0] = SPACE,
    ['('] = DELIM, [')'] = DELIM, ['<'] = DELIM, ['>'] = DELIM, ['['] = DELIM,
    [']'] = DELIM, ['{'] = DELIM, ['}'] = DELIM, ['/'] = DELIM, ['%'] = DELIM,
};

static bool is_space(char c)
{
    return char_class[(unsigned char)c] == SPACE;
}

static bool is_delim(char c)
{
    return char_class[(unsigned char)c] == DELIM;
}

static bool is_regular(char c)
{
    return char_class[(unsigned char)c] == 0;
}

/* The end of the literal string starting at P (on its "("), or END. */
static const char *skip_literal(const char *p, const char *end)
{
    int depth = 0;
    for (; p < end; p++) {
        if (*p == '\\') {
            p++;
            continue;
        }
        if (*p == '(')
            depth++;
        else if (*p == ')' && --depth == 0)
            return p + 1;
    }
    return end;
}

/* Past the data of an inline image whose "ID" ends at P: its data ends at
 * whitespace, "EI", then whitespace or the end. */
static const char *skip_inline_image(const char *p, const char *end)
{
    for (const char *q = p; q + 2 <= end; q++) {
        if (q[0] == 'E' && q[1] == 'I' && (q == p || is_space(q[-1])) &&
            (q + 2 == end || is_space(q[2])))
            return q + 2;
    }
    return end;
}

/* A PDF number: optional sign, digits, at most one point; read by hand,
 * as strtod is the scanner's costliest part otherwise. */
static bool parse_number(const char *s, size_t n, double *out)
{
    size_t i = 0;
    bool neg = false, point = false, digits = false;
    if (n && (s[0] == '+' || s[0] == '-')) {
        neg = s[0] == '-';
        i++;
    }
    double v = 0, scale = 1;
    for (; i < n; i++) {
        char c = s[i];
        if (c >= '0' && c <= '9') {
            digits = true;
            if (point) {
                scale /= 10;
                v += (c - '0') * scale;
            } else {
                v = v * 10 + (c - '0');
            }
        } else if (c == '.' && !point) {
            point = true;
        } else {
            return false;
        }
    }
    if (!digits)
        return false;
    *out = neg ? -v : v;
    return true;
}

bool crpv_pdf_op_is(const crpv_pdf_op *op, const char *name)
{
    return strlen(name) == op->name_len && memcmp(op->name, name, op->name_len) == 0;
}

GString *crpv_pdf_content_scan(const char *data, size_t len, crpv_pdf_op_fn fn, void *user)
{
    GString *out = g_string_sized_new(len + 64);
    GArray *operands = g_array_new(FALSE, FALSE, sizeof(crpv_pdf_token));
    const char *p = data, *end = data + len;
    const char *copied = data; /* everything before this is in OUT */
    const char *span = NULL;   /* where the current operands began */
    while (p < end) {
        char c = *p;
        if (is_space(c)) {
            p++;
            continue;
        }
        if (c == '%') {
            while (p < end && *p != '\n' && *p != '\r')
                p++;
            continue;
        }
        crpv_pdf_token t = {CRPV_PDF_OTHER, p, 1, 0};
        if (c == '(') {
            t.kind = CRPV_PDF_STRING;
            t.len = (size_t)(skip_literal(p, end) - p);
        } else if (c == '<' && p + 1 < end && p[1] == '<') {
            t.len = 2;
        } else if (c == '>' && p + 1 < end && p[1] == '>') {
            t.len = 2;
        } else if (c == '<') {
            const char *q = memchr(p, '>', (size_t)(end - p));
            t.kind = CRPV_PDF_STRING;
            t.len = q ? (size_t)(q + 1 - p) : (size_t)(end - p);
        } else if (c == '/') {
            const char *q = p + 1;
            while (q < end && is_regular(*q))
                q++;
            t.kind = CRPV_PDF_NAME;
            t.len = (size_t)(q - p);
        } else if (is_delim(c)) {
            t.len = 1; /* "[", "]", "{", "}", or a stray ")" or ">" */
        } else {
            const char *q = p;
            while (q < end && is_regular(*q))
                q++;
            t.len = (size_t)(q - p);
            if (parse_number(p, t.len, &t.number)) {
                t.kind = CRPV_PDF_NUMBER;
            } else if (!(t.len == 4 && !memcmp(p, "true", 4)) &&
                       !(t.len == 5 && !memcmp(p, "false", 5)) &&
                       !(t.len == 4 && !memcmp(p, "null", 4))) {
                /* An operator. */
                crpv_pdf_op op = {p, t.len, (const crpv_pdf_token *)operands->data, operands->len,
                                  (size_t)((span ? span : p) - data), (size_t)(q - data)};
                char *rep = fn ? fn(user, &op) : NULL;
                if (rep) {
                    g_string_append_len(out, copied, (gssize)(data + op.start - copied));
                    g_string_append(out, rep);
                    g_free(rep);
                    copied = q;
                }
                g_array_set_size(operands, 0);
                span = NULL;
                p = q;
                if (op.name_len == 2 && !memcmp(op.name, "ID", 2))
                    p = skip_inline_image(p + (p < end ? 1 : 0), end);
                continue;
            }
        }
        if (!span)
            span = p;
        g_array_append_val(operands, t);
        p += t.len;
    }
    g_string_append_len(out, copied, (gssize)(end - copied));
    g_array_free(operands, TRUE);
    return out;
}
