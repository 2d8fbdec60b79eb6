/* csv: decoding and splitting what spreadsheets write. */
#include "csv.h"

#include <stdbool.h>
#include <string.h>

#include "textfile.h"

struct crpv_csv {
    GArray *rows; /* of crpv_csv_row */
    char separator;
    const char *encoding;  /* static string */
    const char *format;    /* static string */
    const char *line_ends; /* static string or NULL */
    char *sheet;           /* owned, or NULL */
    GPtrArray *warnings;   /* of g_free'd strings */
};

#define CSV_ERROR g_quark_from_static_string("crpv-csv-error")

/* The line (1-based) of byte OFFSET in a byte-oriented text, counting CRLF,
 * LF and a lone CR each as one line end. */
static int line_at(const char *data, size_t offset)
{
    int line = 1;
    for (size_t i = 0; i < offset; i++) {
        if (data[i] == '\n' || (data[i] == '\r' && (i + 1 >= offset || data[i + 1] != '\n')))
            line++;
    }
    return line;
}

/* Same for UTF-16 code units, BIG_ENDIAN as the data says. */
static int line_at_utf16(const char *data, size_t offset, bool big_endian)
{
    int line = 1;
    for (size_t i = 0; i + 1 < offset; i += 2) {
        unsigned hi = (unsigned char)data[i + (big_endian ? 0 : 1)];
        unsigned lo = (unsigned char)data[i + (big_endian ? 1 : 0)];
        if (hi != 0)
            continue;
        if (lo == '\n')
            line++;
        else if (lo == '\r') {
            bool crlf = false;
            if (i + 3 < offset) {
                unsigned nhi = (unsigned char)data[i + 2 + (big_endian ? 0 : 1)];
                unsigned nlo = (unsigned char)data[i + 2 + (big_endian ? 1 : 0)];
                crlf = nhi == 0 && nlo == '\n';
            }
            if (!crlf)
                line++;
        }
    }
    return line;
}

/* Converts DATA to UTF-8 from CHARSET. On failure, sets ERROR naming the
 * line of the offending bytes. */
static char *convert(const char *data, size_t len, const char *charset, const char *filename,
                     GError **error)
{
    gsize read = 0, written = 0;
    GError *err = NULL;
    char *out = g_convert(data, (gssize)len, "UTF-8", charset, &read, &written, &err);
    if (out && read < len) {
        /* g_convert() accepts a partial character at the end silently. */
        g_free(out);
        out = NULL;
        err = g_error_new_literal(G_CONVERT_ERROR, G_CONVERT_ERROR_PARTIAL_INPUT, "");
    }
    if (out) {
        /* Fields are C strings: a NUL inside would cut them silently. */
        size_t nul = strlen(out);
        if (nul != written) {
            g_set_error(error, CSV_ERROR, 0, "%s:%d: caractère nul dans le fichier (%s)", filename,
                        line_at(out, nul), charset);
            g_free(out);
            return NULL;
        }
        return out;
    }
    bool utf16 = g_str_has_prefix(charset, "UTF-16");
    int line =
        utf16 ? line_at_utf16(data, read, g_str_equal(charset, "UTF-16BE")) : line_at(data, read);
    if (err->code == G_CONVERT_ERROR_NO_CONVERSION)
        g_set_error(error, CSV_ERROR, 0, "%s:%d: conversion depuis %s impossible sur ce système",
                    filename, line, charset);
    else if (utf16)
        g_set_error(error, CSV_ERROR, 0, "%s:%d: fichier en %s mal formé ou tronqué", filename,
                    line, charset);
    else
        g_set_error(error, CSV_ERROR, 0,
                    "%s:%d: octet 0x%02X illisible (le fichier n’est ni en UTF-8, ni en "
                    "Windows-1252, ni en MacRoman)",
                    filename, line, read < len ? (unsigned char)data[read] : 0);
    g_error_free(err);
    return NULL;
}

/* How French a decoded text looks: +1 for each non-ASCII character that
 * French text holds (accented letters, typographic quotes and dashes), -1
 * for any other. */
static int french_score(const char *utf8)
{
    static const char french[] = "àâäçéèêëîïôöùûüÿœæÀÂÄÇÉÈÊËÎÏÔÖÙÛÜŸŒÆ’‘“”«»–—…€°\u00a0";
    int score = 0;
    for (const char *p = utf8; *p; p = g_utf8_next_char(p)) {
        if ((unsigned char)*p < 0x80)
            continue;
        gunichar c = g_utf8_get_char(p);
        score += g_utf8_strchr(french, -1, c) ? 1 : -1;
    }
    return score;
}

/* A UTF-8 file with lines pasted from a Windows program: those lines
 * alone are read as Windows-1252, each with a warning in WARNINGS. */
static char *decode_mixed(const char *data, size_t len, const char *filename,
                          GPtrArray *warnings, const char **encoding, GError **error)
{
    GError *local = NULL;
    char *out = crpv_textfile_decode_lines(data, len, filename, warnings, NULL, &local);
    if (!out) {
        g_set_error_literal(error, CSV_ERROR, 0, local->message);
        g_error_free(local);
        return NULL;
    }
    *encoding = "UTF-8+WINDOWS-1252";
    return out;
}

/* Returns DATA decoded to a NUL-terminated UTF-8 string without NUL bytes
 * inside, and the encoding it was read as. */
static char *decode(const char *data, size_t len, const char *filename, const char **encoding,
                    GPtrArray *warnings, GError **error)
{
    const unsigned char *u = (const unsigned char *)data;
    if (len >= 3 && u[0] == 0xEF && u[1] == 0xBB && u[2] == 0xBF) {
        data += 3;
        len -= 3;
        const char *end;
        if (!g_utf8_validate_len(data, len, &end)) {
            size_t off = (size_t)(end - data);
            if (off < len && data[off] == '\0') {
                g_set_error(error, CSV_ERROR, 0, "%s:%d: caractère nul dans le fichier", filename,
                            line_at(data, off));
                return NULL;
            }
            /* Marked as UTF-8, and so it is but for lines pasted from
             * elsewhere: those alone are Windows-1252. */
            return decode_mixed(data, len, filename, warnings, encoding, error);
        }
        *encoding = "UTF-8";
        return g_strndup(data, len);
    }
    const char *utf16 = NULL;
    if (len >= 2 && u[0] == 0xFF && u[1] == 0xFE)
        utf16 = "UTF-16LE";
    else if (len >= 2 && u[0] == 0xFE && u[1] == 0xFF)
        utf16 = "UTF-16BE";
    if (utf16) {
        data += 2;
        len -= 2;
    } else if (len >= 2 && u[0] != 0 && u[1] == 0) {
        /* No BOM, but ASCII text interleaved with NUL bytes: UTF-16. */
        utf16 = "UTF-16LE";
    } else if (len >= 2 && u[0] == 0 && u[1] != 0) {
        utf16 = "UTF-16BE";
    }
    if (utf16) {
        char *out = convert(data, len, utf16, filename, error);
        if (out)
            *encoding = utf16;
        return out;
    }
    const char *end;
    if (g_utf8_validate_len(data, len, &end)) {
        *encoding = "UTF-8";
        return g_strndup(data, len);
    }
    size_t off = (size_t)(end - data);
    if (off < len && data[off] == '\0') {
        g_set_error(error, CSV_ERROR, 0, "%s:%d: caractère nul dans le fichier (fichier binaire ?)",
                    filename, line_at(data, off));
        return NULL;
    }
    /* A UTF-8 file with a line pasted from a Windows program: that line
     * alone is Windows-1252. Reading the whole file as Windows-1252 would
     * turn every other accent into mojibake (« CitÃ©s »). */
    if (crpv_textfile_has_utf8_line(data, len)) {
        return decode_mixed(data, len, filename, warnings, encoding, error);
    }
    /* Not UTF-8: French Excel on Windows writes Windows-1252, on a Mac
     * older versions write MacRoman. Both map every byte above 0x7F, so
     * the one whose reading gives French text wins. */
    char *mac = g_convert(data, (gssize)len, "UTF-8", "MACINTOSH", NULL, NULL, NULL);
    char *win = g_convert(data, (gssize)len, "UTF-8", "WINDOWS-1252", NULL, NULL, NULL);
    int mac_score = mac ? french_score(mac) : G_MININT;
    int win_score = win ? french_score(win) : G_MININT;
    g_free(win);
    if (mac && mac_score > 0 && mac_score > win_score && strlen(mac) > 0) {
        *encoding = "MACINTOSH";
        return mac;
    }
    g_free(mac);
    char *out = convert(data, len, "WINDOWS-1252", filename, error);
    if (out)
        *encoding = "WINDOWS-1252";
    return out;
}

/* The most frequent of ',', ';' and tab (Excel's « Texte Unicode »)
 * outside quotes on the first line; a comma when none appears, and on a
 * tie the first of comma, semicolon, tab. */
static char detect_separator(const char *s)
{
    size_t commas = 0, semicolons = 0, tabs = 0;
    bool quoted = false;
    for (; *s; s++) {
        if (*s == '"')
            quoted = !quoted;
        else if (!quoted && (*s == '\n' || *s == '\r'))
            break;
        else if (!quoted && *s == ',')
            commas++;
        else if (!quoted && *s == ';')
            semicolons++;
        else if (!quoted && *s == '\t')
            tabs++;
    }
    if (tabs > commas && tabs > semicolons)
        return '\t';
    return semicolons > commas ? ';' : ',';
}

/* The kind of line ends in TEXT, or NULL when it has none. */
static const char *detect_line_ends(const char *s)
{
    size_t lf = 0, crlf = 0, cr = 0;
    for (; *s; s++) {
        if (*s == '\r' && s[1] == '\n') {
            crlf++;
            s++;
        } else if (*s == '\r') {
            cr++;
        } else if (*s == '\n') {
            lf++;
        }
    }
    int kinds = (lf > 0) + (crlf > 0) + (cr > 0);
    if (kinds == 0)
        return NULL;
    if (kinds > 1)
        return "mixtes";
    return crlf ? "CRLF" : lf ? "LF" : "CR";
}

static void row_clear(void *p)
{
    crpv_csv_row *row = p;
    g_strfreev(row->fields);
    g_free(row->numeric);
}

static bool row_is_blank(const crpv_csv_row *row)
{
    for (size_t i = 0; i < row->n_fields; i++) {
        for (const char *c = row->fields[i]; *c; c++) {
            if (!g_ascii_isspace(*c))
                return false;
        }
    }
    return true;
}

/* Splits TEXT (UTF-8, NUL-terminated) into CSV's rows. */
static bool split(crpv_csv *csv, const char *text, const char *filename, GError **error)
{
    const char sep = csv->separator;
    GPtrArray *fields = g_ptr_array_new_with_free_func(g_free);
    GString *field = g_string_new(NULL);
    const char *p = text;
    int line = 1;
    while (*p) {
        int row_line = line;
        /* One record: fields until an unquoted line end or the end. */
        for (;;) {
            g_string_truncate(field, 0);
            if (*p == '"') {
                int quote_line = line;
                p++;
                for (;;) {
                    if (*p == '\0') {
                        g_set_error(error, CSV_ERROR, 0, "%s:%d: guillemet ouvert jamais refermé",
                                    filename, quote_line);
                        g_string_free(field, TRUE);
                        g_ptr_array_free(fields, TRUE);
                        return false;
                    }
                    if (*p == '"') {
                        if (p[1] == '"') {
                            g_string_append_c(field, '"');
                            p += 2;
                            continue;
                        }
                        p++;
                        break;
                    }
                    if (*p == '\r' || *p == '\n') {
                        /* A line end inside a field is kept as "\n". */
                        p += (p[0] == '\r' && p[1] == '\n') ? 2 : 1;
                        line++;
                        g_string_append_c(field, '\n');
                        continue;
                    }
                    const char *run = p;
                    while (*p && *p != '"' && *p != '\r' && *p != '\n')
                        p++;
                    g_string_append_len(field, run, p - run);
                }
            }
            /* Unquoted text, or what follows a closing quote (kept as
             * spreadsheets do: `"a"b` reads as `ab`). */
            const char *run = p;
            while (*p && *p != sep && *p != '\r' && *p != '\n')
                p++;
            g_string_append_len(field, run, p - run);
            g_ptr_array_add(fields, g_strndup(field->str, field->len));
            if (*p == sep) {
                p++;
                continue;
            }
            break;
        }
        if (*p == '\r' || *p == '\n') {
            p += (p[0] == '\r' && p[1] == '\n') ? 2 : 1;
            line++;
        }
        crpv_csv_row row = {.n_fields = fields->len, .line = row_line};
        g_ptr_array_add(fields, NULL);
        row.fields = (char **)g_ptr_array_free(fields, FALSE);
        g_array_append_val(csv->rows, row);
        fields = g_ptr_array_new_with_free_func(g_free);
    }
    g_string_free(field, TRUE);
    g_ptr_array_free(fields, TRUE);
    /* Spreadsheets leave rows of empty cells (";;;;") at the end. */
    crpv_csv_trim(csv);
    return true;
}

void crpv_csv_trim(crpv_csv *csv)
{
    while (csv->rows->len > 0 &&
           row_is_blank(&g_array_index(csv->rows, crpv_csv_row, csv->rows->len - 1)))
        g_array_set_size(csv->rows, csv->rows->len - 1);
}

crpv_csv *crpv_csv_new(const char *format, const char *encoding, const char *sheet)
{
    crpv_csv *csv = g_new0(crpv_csv, 1);
    csv->rows = g_array_new(FALSE, FALSE, sizeof(crpv_csv_row));
    g_array_set_clear_func(csv->rows, row_clear);
    csv->format = format;
    csv->encoding = encoding;
    csv->sheet = g_strdup(sheet);
    csv->warnings = g_ptr_array_new_with_free_func(g_free);
    return csv;
}

void crpv_csv_set_sheet(crpv_csv *csv, const char *name)
{
    g_free(csv->sheet);
    csv->sheet = g_strdup(name);
}

void crpv_csv_append(crpv_csv *csv, char **fields, bool *numeric, size_t n, int line)
{
    crpv_csv_row row = {.fields = fields, .n_fields = n, .line = line, .numeric = numeric};
    g_array_append_val(csv->rows, row);
}

crpv_csv *crpv_csv_parse(const char *data, size_t len, const char *filename, GError **error)
{
    g_return_val_if_fail(data != NULL || len == 0, NULL);
    const char *encoding = "UTF-8";
    GPtrArray *warnings = g_ptr_array_new_with_free_func(g_free);
    char *text = decode(data ? data : "", len, filename, &encoding, warnings, error);
    if (!text) {
        g_ptr_array_unref(warnings);
        return NULL;
    }
    crpv_csv *csv = crpv_csv_new("CSV", encoding, NULL);
    g_ptr_array_extend_and_steal(csv->warnings, warnings);
    /* A BOM converted from UTF-16 without one being stripped, or a UTF-8
     * one inside a converted text, is not part of the header. */
    const char *start = text;
    if (g_str_has_prefix(start, "\xEF\xBB\xBF"))
        start += 3;
    csv->separator = detect_separator(start);
    csv->line_ends = detect_line_ends(start);
    bool ok = split(csv, start, filename, error);
    g_free(text);
    if (!ok) {
        crpv_csv_free(csv);
        return NULL;
    }
    return csv;
}

void crpv_csv_free(crpv_csv *csv)
{
    if (!csv)
        return;
    g_array_unref(csv->rows);
    g_free(csv->sheet);
    g_ptr_array_unref(csv->warnings);
    g_free(csv);
}

size_t crpv_csv_n_rows(const crpv_csv *csv)
{
    return csv->rows->len;
}

const crpv_csv_row *crpv_csv_nth(const crpv_csv *csv, size_t i)
{
    g_return_val_if_fail(i < csv->rows->len, NULL);
    return &g_array_index(csv->rows, crpv_csv_row, i);
}

char crpv_csv_separator(const crpv_csv *csv)
{
    return csv->separator;
}

const char *crpv_csv_encoding(const crpv_csv *csv)
{
    return csv->encoding;
}

const char *crpv_csv_line_ends(const crpv_csv *csv)
{
    return csv->line_ends;
}

const char *crpv_csv_format(const crpv_csv *csv)
{
    return csv->format;
}

const char *crpv_csv_sheet(const crpv_csv *csv)
{
    return csv->sheet;
}

const GPtrArray *crpv_csv_warnings(const crpv_csv *csv)
{
    return csv->warnings;
}
