/* Fuzz target: the spreadsheet reader. The first byte chooses what the
 * rest is: 'O' the content.xml of an .ods, 'X' the worksheet of an .xlsx,
 * 'S' its shared strings (each put in a valid zip here, so that the XML
 * readers are reached past the zip checksums), anything else a whole
 * archive. */
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <zip.h>

#include "spreadsheet.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* A zip holding the named entries (name, bytes, length; NULL-terminated
 * names), in a new buffer. */
static char *zip_of(const char *const *names, const char *const *bytes, const size_t *lens,
                    size_t *out_len)
{
    zip_error_t zerr;
    zip_error_init(&zerr);
    zip_source_t *mem = zip_source_buffer_create(NULL, 0, 0, &zerr);
    zip_error_fini(&zerr);
    if (!mem)
        return NULL;
    zip_source_keep(mem);
    zip_t *z = zip_open_from_source(mem, ZIP_TRUNCATE, NULL);
    if (!z) {
        zip_source_free(mem);
        return NULL;
    }
    for (size_t i = 0; names[i]; i++) {
        zip_source_t *s = zip_source_buffer(z, bytes[i], lens[i], 0);
        if (s && zip_file_add(z, names[i], s, 0) < 0)
            zip_source_free(s);
    }
    char *out = NULL;
    if (zip_close(z) == 0 && zip_source_open(mem) == 0) {
        zip_stat_t st;
        zip_stat_init(&st);
        if (zip_source_stat(mem, &st) == 0 && (st.valid & ZIP_STAT_SIZE)) {
            out = g_malloc(st.size + 1);
            zip_int64_t n = zip_source_read(mem, out, st.size);
            *out_len = n > 0 ? (size_t)n : 0;
        }
        zip_source_close(mem);
    } else {
        zip_discard(z);
    }
    zip_source_free(mem);
    return out;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const char mimetype[] = "application/vnd.oasis.opendocument.spreadsheet";
    static const char workbook[] =
        "<workbook xmlns:r=\"r\"><sheets><sheet name=\"a\" r:id=\"rId1\"/></sheets></workbook>";
    static const char rels[] =
        "<Relationships><Relationship Id=\"rId1\" Target=\"worksheets/sheet1.xml\"/>"
        "</Relationships>";
    static const char sheet[] = "<worksheet><sheetData><row><c t=\"s\"><v>0</v></c><c t=\"s\">"
                                "<v>1</v></c></row></sheetData></worksheet>";
    char *zip = NULL;
    size_t len = 0;
    const char *body = (const char *)data + 1;
    size_t blen = size > 0 ? size - 1 : 0;
    if (size > 0 && data[0] == 'O') {
        const char *names[] = {"mimetype", "content.xml", NULL};
        const char *bytes[] = {mimetype, body};
        size_t lens[] = {sizeof mimetype - 1, blen};
        zip = zip_of(names, bytes, lens, &len);
    } else if (size > 0 && (data[0] == 'X' || data[0] == 'S')) {
        const char *names[] = {"xl/workbook.xml", "xl/_rels/workbook.xml.rels",
                               "xl/worksheets/sheet1.xml", "xl/sharedStrings.xml", NULL};
        const char *bytes[] = {workbook, rels, data[0] == 'X' ? body : sheet,
                               data[0] == 'S' ? body : "<sst/>"};
        size_t lens[] = {sizeof workbook - 1, sizeof rels - 1,
                         data[0] == 'X' ? blen : sizeof sheet - 1,
                         data[0] == 'S' ? blen : 6};
        zip = zip_of(names, bytes, lens, &len);
    }
    GError *error = NULL;
    crpv_csv *t = zip ? crpv_spreadsheet_parse(zip, len, "fuzz.ods", NULL, &error)
                      : crpv_spreadsheet_parse((const char *)data, size, "fuzz.ods", NULL, &error);
    g_free(zip);
    if (!t) {
        if (error)
            g_error_free(error);
        return 0;
    }
    for (size_t r = 0; r < crpv_csv_n_rows(t); r++) {
        const crpv_csv_row *row = crpv_csv_nth(t, r);
        for (size_t i = 0; i < row->n_fields; i++)
            if (strlen(row->fields[i]) > size * 1000 + 100000 || row->line < 1)
                __builtin_trap();
        if (row->fields[row->n_fields] != NULL)
            __builtin_trap();
    }
    crpv_csv_free(t);
    return 0;
}
