/* spreadsheet: .ods and .xlsx workbooks, read with libzip and libxml2's
 * streaming reader into a table of cells. */
#include "spreadsheet.h"

#include <errno.h>
#include <math.h>
#include <string.h>

#include <libxml/xmlreader.h>
#include <zip.h>

#define SHEET_ERROR g_quark_from_static_string("crpv-spreadsheet-error")

/* Limits that keep a hostile file (a zip bomb, a million repeated rows)
 * from exhausting memory; a directory is a few dozen rows. */
#define MAX_ENTRY_BYTES (64u << 20)
#define MAX_COLUMNS 16384
#define MAX_ROW 1048576
#define MAX_CELLS 1000000

bool crpv_spreadsheet_sniff(const char *data, size_t len)
{
    return len >= 4 && memcmp(data, "PK\x03\x04", 4) == 0;
}

/* ---- The zip container ---- */

/* Reads the entry NAME of ZIP whole. Returns a new NUL-terminated buffer
 * (g_free) and its length, or NULL when there is no such entry or it
 * cannot be read (*DAMAGED then set). */
static char *read_entry(zip_t *zip, const char *name, size_t *len, bool *damaged)
{
    *damaged = false;
    zip_stat_t st;
    zip_stat_init(&st);
    if (zip_stat(zip, name, 0, &st) != 0)
        return NULL;
    if (!(st.valid & ZIP_STAT_SIZE) || st.size > MAX_ENTRY_BYTES) {
        *damaged = true;
        return NULL;
    }
    zip_file_t *f = zip_fopen(zip, name, 0);
    if (!f) {
        *damaged = true;
        return NULL;
    }
    char *buf = g_malloc((size_t)st.size + 1);
    size_t got = 0;
    while (got < st.size) {
        zip_int64_t n = zip_fread(f, buf + got, st.size - got);
        if (n <= 0)
            break;
        got += (size_t)n;
    }
    /* A size that lies, or a checksum that fails at the end, is damage. */
    char extra;
    bool ok = got == st.size && zip_fread(f, &extra, 1) == 0;
    zip_fclose(f);
    if (!ok) {
        g_free(buf);
        *damaged = true;
        return NULL;
    }
    buf[got] = '\0';
    *len = got;
    return buf;
}

/* ---- Building the table ---- */

typedef struct {
    crpv_csv *table;
    GPtrArray *cells;       /* of char *, the current row */
    GArray *numeric;        /* of bool */
    size_t pending_empty;   /* empty cells not stored until a value follows */
    bool row_has_value;
    long row;               /* the current row's number, 1-based */
    size_t total_cells;
    bool too_big;
} builder;

static void builder_init(builder *b, crpv_csv *table)
{
    *b = (builder){.table = table, .row = 1};
    b->cells = g_ptr_array_new_with_free_func(g_free);
    b->numeric = g_array_new(FALSE, FALSE, sizeof(bool));
}

static void builder_clear(builder *b)
{
    g_ptr_array_free(b->cells, TRUE);
    g_array_free(b->numeric, TRUE);
}

static void row_reset(builder *b)
{
    g_ptr_array_set_size(b->cells, 0);
    g_array_set_size(b->numeric, 0);
    b->pending_empty = 0;
    b->row_has_value = false;
}

/* Adds a cell holding TEXT (copied), REPEAT times. Empty cells are only
 * counted, so that a row's thousand trailing empty cells cost nothing. */
static void add_cell(builder *b, const char *text, bool numeric, size_t repeat)
{
    if (repeat == 0)
        repeat = 1;
    if (*text == '\0') {
        b->pending_empty = MIN(b->pending_empty + repeat, (size_t)MAX_COLUMNS + 1);
        return;
    }
    size_t needed = b->cells->len + b->pending_empty + repeat;
    if (needed > MAX_COLUMNS || b->total_cells + needed > MAX_CELLS) {
        b->too_big = true;
        return;
    }
    for (; b->pending_empty > 0; b->pending_empty--) {
        bool no = false;
        g_ptr_array_add(b->cells, g_strdup(""));
        g_array_append_val(b->numeric, no);
    }
    for (size_t i = 0; i < repeat; i++) {
        g_ptr_array_add(b->cells, g_strdup(text));
        g_array_append_val(b->numeric, numeric);
    }
    b->row_has_value = true;
}

/* Ends the current row, repeated REPEAT times; rows without a value are
 * skipped but counted, so that line numbers match the sheet. */
static void end_row(builder *b, size_t repeat)
{
    if (repeat == 0)
        repeat = 1;
    if (b->row_has_value && !b->too_big) {
        if (repeat > MAX_ROW || b->total_cells + repeat * b->cells->len > MAX_CELLS) {
            b->too_big = true;
        } else {
            for (size_t r = 0; r < repeat; r++) {
                size_t n = b->cells->len;
                char **fields = g_new0(char *, n + 1);
                bool *numeric = g_new(bool, n);
                for (size_t i = 0; i < n; i++) {
                    fields[i] = g_strdup(b->cells->pdata[i]);
                    numeric[i] = g_array_index(b->numeric, bool, i);
                }
                crpv_csv_append(b->table, fields, numeric, n, (int)MIN(b->row + (long)r, MAX_ROW));
                b->total_cells += n;
            }
        }
    }
    b->row = MIN(b->row + (long)MIN(repeat, (size_t)MAX_ROW), (long)MAX_ROW + 1);
    row_reset(b);
}

/* A number as stored ("4.8357000000000001", "2", "1E3") in its shortest
 * C notation; NULL when it is not a finite number. */
static char *format_number(const char *stored)
{
    char *end = NULL;
    errno = 0;
    double v = g_ascii_strtod(stored, &end);
    if (end == stored || *end != '\0' || !isfinite(v))
        return NULL;
    char buf[G_ASCII_DTOSTR_BUF_SIZE];
    /* 15 significant digits drop the binary noise a spreadsheet may keep. */
    g_ascii_formatd(buf, sizeof buf, "%.15g", v);
    return g_strdup(buf);
}

/* ---- libxml2 ---- */

typedef struct {
    char *message; /* the first error, owned */
    int line;
} xml_errors;

static void on_xml_error(void *user, xmlErrorPtr err)
{
    xml_errors *e = user;
    if (!e->message && err && err->level >= XML_ERR_ERROR) {
        e->message = g_strdup(err->message ? err->message : "");
        g_strchomp(e->message);
        e->line = err->line;
    }
}

static xmlTextReaderPtr open_reader(const char *xml, size_t len, const char *entry,
                                    xml_errors *errors)
{
    if (len > INT_MAX)
        return NULL;
    /* No network, no entity expansion (XML bombs), no DTD loading. */
    xmlTextReaderPtr r = xmlReaderForMemory(xml, (int)len, entry, NULL,
                                            XML_PARSE_NONET | XML_PARSE_NOBLANKS);
    if (r)
        xmlTextReaderSetStructuredErrorHandler(r, on_xml_error, errors);
    return r;
}

static const char *local_name(xmlTextReaderPtr r)
{
    const xmlChar *n = xmlTextReaderConstLocalName(r);
    return n ? (const char *)n : "";
}

/* The attribute NAME (qualified, as written) of the current element, new
 * string or NULL. */
static char *attribute(xmlTextReaderPtr r, const char *name)
{
    xmlChar *v = xmlTextReaderGetAttribute(r, (const xmlChar *)name);
    if (!v)
        return NULL;
    char *s = g_strdup((const char *)v);
    xmlFree(v);
    return s;
}

static size_t attribute_count(xmlTextReaderPtr r, const char *name, size_t max)
{
    g_autofree char *v = attribute(r, name);
    if (!v)
        return 1;
    guint64 n = 0;
    if (!g_ascii_string_to_unsigned(v, 10, 1, max, &n, NULL))
        return max;
    return (size_t)n;
}

/* ---- OpenDocument ---- */

/* What a cell of an .ods sheet holds, from its attributes and text. */
static char *ods_cell_value(xmlTextReaderPtr r, bool *numeric)
{
    *numeric = false;
    g_autofree char *type = attribute(r, "office:value-type");
    if (!type)
        return NULL;
    if (g_str_equal(type, "float") || g_str_equal(type, "percentage") ||
        g_str_equal(type, "currency")) {
        g_autofree char *v = attribute(r, "office:value");
        char *s = v ? format_number(v) : NULL;
        *numeric = s != NULL;
        return s;
    }
    if (g_str_equal(type, "date")) {
        g_autofree char *v = attribute(r, "office:date-value");
        /* "2024-03-01T00:00:00" as "2024-03-01". */
        if (v && strlen(v) >= 10 && g_str_has_suffix(v, "T00:00:00"))
            v[10] = '\0';
        return g_strdup(v);
    }
    if (g_str_equal(type, "boolean")) {
        g_autofree char *v = attribute(r, "office:boolean-value");
        return g_strdup(v && g_str_equal(v, "true") ? "VRAI" : "FAUX");
    }
    return NULL; /* string, time: the text as displayed */
}

/* Appends the text of the reader's current node to TEXT when it is one
 * (text, significant white space or CDATA): what a cell's value is made of
 * in both .ods and .xlsx. */
static void append_text(xmlTextReaderPtr r, int type, GString *text)
{
    if (type != XML_READER_TYPE_TEXT && type != XML_READER_TYPE_SIGNIFICANT_WHITESPACE &&
        type != XML_READER_TYPE_CDATA)
        return;
    const xmlChar *v = xmlTextReaderConstValue(r);
    if (v)
        g_string_append(text, (const char *)v);
}

/* Reads the table element the reader is on into B. */
static int ods_read_table(xmlTextReaderPtr r, builder *b)
{
    int table_depth = xmlTextReaderDepth(r);
    GString *text = g_string_new(NULL);
    bool in_cell = false, in_p = false;
    int skip_depth = -1; /* inside an annotation or a nested table */
    int paragraphs = 0;
    size_t cell_repeat = 1, row_repeat = 1;
    char *cell_value = NULL;
    bool cell_numeric = false;
    int rc;
    while ((rc = xmlTextReaderRead(r)) == 1) {
        int type = xmlTextReaderNodeType(r);
        int depth = xmlTextReaderDepth(r);
        const char *name = local_name(r);
        if (type == XML_READER_TYPE_END_ELEMENT && depth == table_depth)
            break;
        if (skip_depth >= 0) {
            if (type == XML_READER_TYPE_END_ELEMENT && depth == skip_depth)
                skip_depth = -1;
            continue;
        }
        bool empty = xmlTextReaderIsEmptyElement(r) == 1;
        if (type == XML_READER_TYPE_ELEMENT) {
            if (g_str_equal(name, "table-row")) {
                row_repeat = attribute_count(r, "table:number-rows-repeated", MAX_ROW);
                if (empty)
                    end_row(b, row_repeat);
            } else if (g_str_equal(name, "table-cell") || g_str_equal(name, "covered-table-cell")) {
                cell_repeat = attribute_count(r, "table:number-columns-repeated", MAX_COLUMNS);
                cell_value = ods_cell_value(r, &cell_numeric);
                g_string_truncate(text, 0);
                paragraphs = 0;
                in_cell = !empty;
                if (empty) {
                    add_cell(b, cell_value ? cell_value : "", cell_numeric, cell_repeat);
                    g_clear_pointer(&cell_value, g_free);
                }
            } else if (in_cell && (g_str_equal(name, "annotation") || g_str_equal(name, "table"))) {
                if (!empty)
                    skip_depth = depth;
            } else if (in_cell && g_str_equal(name, "p")) {
                if (paragraphs++ > 0)
                    g_string_append_c(text, '\n');
                in_p = !empty;
            } else if (in_p && g_str_equal(name, "s")) {
                size_t n = attribute_count(r, "text:c", 1000);
                for (size_t i = 0; i < n; i++)
                    g_string_append_c(text, ' ');
            } else if (in_p && g_str_equal(name, "tab")) {
                g_string_append_c(text, '\t');
            } else if (in_p && g_str_equal(name, "line-break")) {
                g_string_append_c(text, '\n');
            }
        } else if (type == XML_READER_TYPE_END_ELEMENT) {
            if (g_str_equal(name, "table-row")) {
                end_row(b, row_repeat);
            } else if (in_cell &&
                       (g_str_equal(name, "table-cell") || g_str_equal(name, "covered-table-cell"))) {
                add_cell(b, cell_value ? cell_value : text->str, cell_numeric, cell_repeat);
                g_clear_pointer(&cell_value, g_free);
                in_cell = false;
            } else if (g_str_equal(name, "p")) {
                in_p = false;
            }
        } else if (in_p) {
            append_text(r, type, text);
        }
        if (b->too_big)
            break;
    }
    g_free(cell_value);
    g_string_free(text, TRUE);
    return rc;
}

/* Reads the table named SHEET (or the first) of content.xml. Returns
 * false with ERROR set. */
static bool ods_read(const char *xml, size_t len, const char *filename, const char *sheet,
                     builder *b, GError **error)
{
    xml_errors errors = {0};
    xmlTextReaderPtr r = open_reader(xml, len, "content.xml", &errors);
    if (!r) {
        g_set_error(error, SHEET_ERROR, 0, "%s: classeur illisible (content.xml)", filename);
        return false;
    }
    GString *names = g_string_new(NULL);
    bool found = false;
    int rc = xmlTextReaderRead(r);
    while (rc == 1) {
        if (xmlTextReaderNodeType(r) != XML_READER_TYPE_ELEMENT ||
            !g_str_equal(local_name(r), "table")) {
            rc = xmlTextReaderRead(r);
            continue;
        }
        g_autofree char *name = attribute(r, "table:name");
        if (!sheet || (name && g_str_equal(name, sheet))) {
            crpv_csv_set_sheet(b->table, name);
            found = true;
            if (xmlTextReaderIsEmptyElement(r) != 1)
                rc = ods_read_table(r, b);
            break;
        }
        g_string_append_printf(names, "%s« %s »", names->len ? ", " : "", name ? name : "");
        /* On to the next sibling without reading this table's cells. */
        rc = xmlTextReaderNext(r);
    }
    bool ok = true;
    if (rc < 0 || errors.message) {
        g_set_error(error, SHEET_ERROR, 0, "%s: classeur endommagé (content.xml, ligne %d : %s)",
                    filename, errors.line, errors.message ? errors.message : "XML invalide");
        ok = false;
    } else if (b->too_big) {
        g_set_error(error, SHEET_ERROR, 0, "%s: feuille trop grande (plus de %d cellules)",
                    filename, MAX_CELLS);
        ok = false;
    } else if (!found && sheet) {
        g_set_error(error, SHEET_ERROR, 0, "%s: feuille « %s » absente (feuilles : %s)", filename,
                    sheet, names->len ? names->str : "aucune");
        ok = false;
    } else if (!found) {
        g_set_error(error, SHEET_ERROR, 0, "%s: classeur sans feuille", filename);
        ok = false;
    }
    g_free(errors.message);
    g_string_free(names, TRUE);
    xmlFreeTextReader(r);
    return ok;
}

/* ---- Office Open XML ---- */

/* The shared strings of xl/sharedStrings.xml, in order. */
static GPtrArray *xlsx_shared_strings(const char *xml, size_t len, xml_errors *errors)
{
    GPtrArray *strings = g_ptr_array_new_with_free_func(g_free);
    xmlTextReaderPtr r = open_reader(xml, len, "sharedStrings.xml", errors);
    if (!r)
        return strings;
    GString *text = NULL;
    bool in_t = false;
    int skip_depth = -1; /* phonetic runs (rPh) are not the text */
    while (xmlTextReaderRead(r) == 1) {
        int type = xmlTextReaderNodeType(r);
        int depth = xmlTextReaderDepth(r);
        const char *name = local_name(r);
        if (skip_depth >= 0) {
            if (type == XML_READER_TYPE_END_ELEMENT && depth == skip_depth)
                skip_depth = -1;
            continue;
        }
        bool empty = xmlTextReaderIsEmptyElement(r) == 1;
        if (type == XML_READER_TYPE_ELEMENT) {
            if (g_str_equal(name, "si")) {
                if (text)
                    g_string_free(text, TRUE);
                text = g_string_new(NULL);
                if (empty) {
                    g_ptr_array_add(strings, g_string_free(text, FALSE));
                    text = NULL;
                }
            } else if (g_str_equal(name, "rPh") && !empty) {
                skip_depth = depth;
            } else if (g_str_equal(name, "t")) {
                in_t = !empty;
            }
        } else if (type == XML_READER_TYPE_END_ELEMENT) {
            if (g_str_equal(name, "t")) {
                in_t = false;
            } else if (g_str_equal(name, "si") && text) {
                g_ptr_array_add(strings, g_string_free(text, FALSE));
                text = NULL;
            }
        } else if (in_t && text) {
            const xmlChar *v = xmlTextReaderConstValue(r);
            if (v)
                g_string_append(text, (const char *)v);
        }
        if (strings->len > MAX_CELLS)
            break;
    }
    if (text)
        g_string_free(text, TRUE);
    xmlFreeTextReader(r);
    return strings;
}

/* The 0-based column of a cell reference ("C12" -> 2), or -1. */
static long column_of(const char *ref)
{
    long col = 0;
    const char *p = ref;
    for (; g_ascii_isalpha(*p); p++) {
        col = col * 26 + (g_ascii_toupper(*p) - 'A' + 1);
        if (col > MAX_COLUMNS)
            return -1;
    }
    if (p == ref)
        return -1;
    return col - 1;
}

/* The row number of a cell or row reference ("C12" or "12"), or -1. */
static long row_of(const char *ref)
{
    const char *p = ref;
    while (g_ascii_isalpha(*p))
        p++;
    guint64 n = 0;
    if (!g_ascii_string_to_unsigned(p, 10, 1, MAX_ROW, &n, NULL))
        return -1;
    return (long)n;
}

/* Reads a worksheet into B, cell texts resolved against STRINGS. */
static bool xlsx_read_sheet(const char *xml, size_t len, GPtrArray *strings, builder *b,
                            xml_errors *errors)
{
    xmlTextReaderPtr r = open_reader(xml, len, "sheet.xml", errors);
    if (!r)
        return false;
    GString *text = g_string_new(NULL);
    char *cell_type = NULL;
    long cell_col = -1;
    bool in_row = false, in_value = false;
    long next_col = 0;
    int rc;
    while ((rc = xmlTextReaderRead(r)) == 1) {
        int type = xmlTextReaderNodeType(r);
        const char *name = local_name(r);
        bool empty = xmlTextReaderIsEmptyElement(r) == 1;
        if (type == XML_READER_TYPE_ELEMENT) {
            if (g_str_equal(name, "row")) {
                g_autofree char *ref = attribute(r, "r");
                long n = ref ? row_of(ref) : -1;
                /* Rows are written in order; a number going back is damage
                 * that is read in file order. */
                if (n > b->row)
                    b->row = n;
                in_row = true;
                next_col = 0;
                if (empty) {
                    end_row(b, 1);
                    in_row = false;
                }
            } else if (in_row && g_str_equal(name, "c")) {
                g_autofree char *ref = attribute(r, "r");
                cell_col = ref ? column_of(ref) : next_col;
                if (cell_col < next_col)
                    cell_col = next_col;
                g_free(cell_type);
                cell_type = attribute(r, "t");
                g_string_truncate(text, 0);
                if (empty) {
                    next_col = cell_col + 1;
                    g_clear_pointer(&cell_type, g_free);
                }
            } else if (in_row && (g_str_equal(name, "v") || g_str_equal(name, "t"))) {
                /* <v> holds the value; <is><t> an inline string. */
                in_value = !empty;
            }
        } else if (type == XML_READER_TYPE_END_ELEMENT) {
            if (g_str_equal(name, "v") || g_str_equal(name, "t")) {
                in_value = false;
            } else if (in_row && g_str_equal(name, "c")) {
                const char *t = cell_type ? cell_type : "n";
                g_autofree char *value = NULL;
                bool numeric = false;
                if (g_str_equal(t, "s")) {
                    guint64 i = 0;
                    if (g_ascii_string_to_unsigned(text->str, 10, 0, G_MAXUINT, &i, NULL) &&
                        i < strings->len)
                        value = g_strdup(strings->pdata[i]);
                } else if (g_str_equal(t, "n")) {
                    value = text->len ? format_number(text->str) : NULL;
                    numeric = value != NULL;
                } else if (g_str_equal(t, "b")) {
                    value = g_strdup(g_str_equal(text->str, "1") ? "VRAI" : "FAUX");
                } else {
                    /* str (a formula's text), inlineStr, d (ISO date), e. */
                    value = g_strdup(text->str);
                }
                if (cell_col > next_col)
                    add_cell(b, "", false, (size_t)(cell_col - next_col));
                add_cell(b, value ? value : "", numeric, 1);
                next_col = cell_col + 1;
                g_clear_pointer(&cell_type, g_free);
            } else if (g_str_equal(name, "row")) {
                end_row(b, 1);
                in_row = false;
            }
        } else if (in_value) {
            append_text(r, type, text);
        }
        if (b->too_big)
            break;
    }
    g_free(cell_type);
    g_string_free(text, TRUE);
    xmlFreeTextReader(r);
    return rc == 0 && !errors->message;
}

/* The part a workbook relationship's TARGET names, as a zip entry. */
static char *xlsx_part(const char *target)
{
    if (target[0] == '/')
        return g_strdup(target + 1);
    return g_strconcat("xl/", target, NULL);
}

/* The worksheet part of the sheet named SHEET (NULL: the first), from the
 * workbook and its relationships. Returns a new string, or NULL with
 * *NAMES listing the sheets and *NAME_OUT unset. */
static char *xlsx_find_sheet(const char *workbook, size_t wlen, const char *rels, size_t rlen,
                             const char *sheet, GString *names, char **name_out,
                             xml_errors *errors)
{
    char *rid = NULL;
    xmlTextReaderPtr r = open_reader(workbook, wlen, "workbook.xml", errors);
    while (r && xmlTextReaderRead(r) == 1) {
        if (xmlTextReaderNodeType(r) != XML_READER_TYPE_ELEMENT ||
            !g_str_equal(local_name(r), "sheet"))
            continue;
        g_autofree char *name = attribute(r, "name");
        if (!sheet || (name && g_str_equal(name, sheet))) {
            rid = attribute(r, "r:id");
            *name_out = g_strdup(name);
            break;
        }
        g_string_append_printf(names, "%s« %s »", names->len ? ", " : "", name ? name : "");
    }
    if (r)
        xmlFreeTextReader(r);
    if (!rid)
        return NULL;
    char *part = NULL;
    r = open_reader(rels, rlen, "workbook.xml.rels", errors);
    while (r && !part && xmlTextReaderRead(r) == 1) {
        if (xmlTextReaderNodeType(r) != XML_READER_TYPE_ELEMENT ||
            !g_str_equal(local_name(r), "Relationship"))
            continue;
        g_autofree char *id = attribute(r, "Id");
        g_autofree char *target = attribute(r, "Target");
        if (id && target && g_str_equal(id, rid))
            part = xlsx_part(target);
    }
    if (r)
        xmlFreeTextReader(r);
    g_free(rid);
    return part;
}

static bool xlsx_read(zip_t *zip, const char *filename, const char *sheet, builder *b,
                      GError **error)
{
    size_t wlen = 0, rlen = 0, slen = 0, len = 0;
    bool damaged = false, d2 = false;
    g_autofree char *workbook = read_entry(zip, "xl/workbook.xml", &wlen, &damaged);
    g_autofree char *rels = read_entry(zip, "xl/_rels/workbook.xml.rels", &rlen, &d2);
    if (!workbook || !rels) {
        g_set_error(error, SHEET_ERROR, 0, "%s: classeur .xlsx endommagé (%s illisible)",
                    filename, workbook ? "xl/_rels/workbook.xml.rels" : "xl/workbook.xml");
        return false;
    }
    xml_errors errors = {0};
    GString *names = g_string_new(NULL);
    char *name = NULL, *shared = NULL, *xml = NULL;
    GPtrArray *strings = NULL;
    char *part = xlsx_find_sheet(workbook, wlen, rels, rlen, sheet, names, &name, &errors);
    bool ok = false;
    if (!part) {
        if (sheet && !errors.message)
            g_set_error(error, SHEET_ERROR, 0, "%s: feuille « %s » absente (feuilles : %s)",
                        filename, sheet, names->len ? names->str : "aucune");
        else
            g_set_error(error, SHEET_ERROR, 0, "%s: classeur .xlsx sans feuille lisible",
                        filename);
        goto out;
    }
    crpv_csv_set_sheet(b->table, name);
    shared = read_entry(zip, "xl/sharedStrings.xml", &slen, &damaged);
    if (damaged) {
        g_set_error(error, SHEET_ERROR, 0, "%s: classeur .xlsx endommagé (%s illisible)",
                    filename, "xl/sharedStrings.xml");
        goto out;
    }
    strings = shared ? xlsx_shared_strings(shared, slen, &errors) : g_ptr_array_new();
    xml = read_entry(zip, part, &len, &damaged);
    if (!xml) {
        g_set_error(error, SHEET_ERROR, 0, "%s: classeur .xlsx endommagé (%s illisible)",
                    filename, part);
        goto out;
    }
    if (!errors.message)
        xlsx_read_sheet(xml, len, strings, b, &errors);
    if (errors.message) {
        g_set_error(error, SHEET_ERROR, 0, "%s: classeur .xlsx endommagé (ligne %d : %s)",
                    filename, errors.line, errors.message);
        goto out;
    }
    if (b->too_big) {
        g_set_error(error, SHEET_ERROR, 0, "%s: feuille trop grande (plus de %d cellules)",
                    filename, MAX_CELLS);
        goto out;
    }
    ok = true;
out:
    g_free(errors.message);
    g_free(name);
    g_free(part);
    g_free(shared);
    g_free(xml);
    if (strings)
        g_ptr_array_unref(strings);
    g_string_free(names, TRUE);
    return ok;
}

crpv_csv *crpv_spreadsheet_parse(const char *data, size_t len, const char *filename,
                                 const char *sheet, GError **error)
{
    zip_error_t zerr;
    zip_error_init(&zerr);
    zip_source_t *src = zip_source_buffer_create(data, len, 0, &zerr);
    zip_t *zip = src ? zip_open_from_source(src, ZIP_RDONLY | ZIP_CHECKCONS, &zerr) : NULL;
    if (!zip) {
        if (src)
            zip_source_free(src);
        zip_error_fini(&zerr);
        g_set_error(error, SHEET_ERROR, 0,
                    "%s: archive zip endommagée ou tronquée (classeur .ods ou .xlsx illisible)",
                    filename);
        return NULL;
    }
    zip_error_fini(&zerr);

    size_t mlen = 0;
    bool damaged = false;
    g_autofree char *mimetype = read_entry(zip, "mimetype", &mlen, &damaged);
    bool ods = mimetype && g_str_has_prefix(mimetype, "application/vnd.oasis.opendocument.");
    bool xlsx = !ods && zip_name_locate(zip, "xl/workbook.xml", 0) >= 0;
    crpv_csv *table = NULL;
    if (ods && !g_str_has_prefix(mimetype, "application/vnd.oasis.opendocument.spreadsheet")) {
        g_set_error(error, SHEET_ERROR, 0,
                    "%s: document OpenDocument qui n’est pas un classeur (%s) : enregistrez "
                    "l’annuaire en .ods, .xlsx ou CSV",
                    filename, mimetype);
    } else if (ods) {
        table = crpv_csv_new("ODS", "UTF-8", NULL);
        size_t clen = 0;
        g_autofree char *content = read_entry(zip, "content.xml", &clen, &damaged);
        builder b;
        builder_init(&b, table);
        bool ok = content != NULL;
        if (!ok)
            g_set_error(error, SHEET_ERROR, 0,
                        "%s: classeur .ods endommagé (content.xml illisible ; protégé par un "
                        "mot de passe ?)",
                        filename);
        else
            ok = ods_read(content, clen, filename, sheet, &b, error);
        builder_clear(&b);
        if (!ok)
            g_clear_pointer(&table, crpv_csv_free);
    } else if (xlsx) {
        table = crpv_csv_new("XLSX", "UTF-8", NULL);
        builder b;
        builder_init(&b, table);
        if (!xlsx_read(zip, filename, sheet, &b, error))
            g_clear_pointer(&table, crpv_csv_free);
        builder_clear(&b);
    } else {
        g_set_error(error, SHEET_ERROR, 0,
                    "%s: archive zip qui n’est ni un classeur .ods ni un classeur .xlsx",
                    filename);
    }
    zip_discard(zip);
    if (table)
        crpv_csv_trim(table);
    return table;
}
