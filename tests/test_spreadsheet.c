/* Tests of the spreadsheet reader: workbooks saved by LibreOffice, and
 * workbooks written here to hold what LibreOffice and Excel write in other
 * cases (repeated cells and rows, inline strings, gaps, several sheets),
 * damaged archives. */
#include "testutil.h"

#include <string.h>
#include <zip.h>

#include "directory.h"
#include "spreadsheet.h"

static const char *cell(const crpv_csv *t, size_t row, size_t col)
{
    const crpv_csv_row *r = crpv_csv_nth(t, row);
    return col < r->n_fields ? r->fields[col] : "";
}

static bool numeric(const crpv_csv *t, size_t row, size_t col)
{
    const crpv_csv_row *r = crpv_csv_nth(t, row);
    return r->numeric && col < r->n_fields && r->numeric[col];
}

static crpv_csv *read_fixture(const char *name, const char *sheet)
{
    g_autofree char *rel = g_strconcat("tests/data/", name, NULL);
    size_t len = 0;
    g_autofree char *data = tu_read_source(rel, &len);
    assert_true(crpv_spreadsheet_sniff(data, len));
    GError *err = NULL;
    crpv_csv *t = crpv_spreadsheet_parse(data, len, name, sheet, &err);
    if (!t)
        fail_msg("%s", err->message);
    return t;
}

/* A zip holding the NULL-terminated pairs of entry names and contents. */
static char *make_zip(size_t *len, const char *const *entries)
{
    g_autofree char *dir = tu_tmpdir();
    g_autofree char *path = g_build_filename(dir, "t.zip", NULL);
    int zerr = 0;
    zip_t *z = zip_open(path, ZIP_CREATE | ZIP_TRUNCATE, &zerr);
    assert_non_null(z);
    for (const char *const *e = entries; *e; e += 2) {
        zip_source_t *src = zip_source_buffer(z, e[1], strlen(e[1]), 0);
        assert_non_null(src);
        assert_true(zip_file_add(z, e[0], src, ZIP_FL_ENC_UTF_8) >= 0);
    }
    assert_int_equal(zip_close(z), 0);
    gsize n = 0;
    char *data = NULL;
    assert_true(g_file_get_contents(path, &data, &n, NULL));
    tu_rmtree(dir);
    *len = n;
    return data;
}

#define ODS_HEAD                                                                                 \
    "<?xml version=\"1.0\" encoding=\"UTF-8\"?>"                                                 \
    "<office:document-content "                                                                  \
    "xmlns:office=\"urn:oasis:names:tc:opendocument:xmlns:office:1.0\" "                         \
    "xmlns:table=\"urn:oasis:names:tc:opendocument:xmlns:table:1.0\" "                           \
    "xmlns:text=\"urn:oasis:names:tc:opendocument:xmlns:text:1.0\"><office:body>"                \
    "<office:spreadsheet>"
#define ODS_TAIL "</office:spreadsheet></office:body></office:document-content>"

static crpv_csv *parse_ods(const char *content, const char *sheet, GError **err)
{
    size_t len = 0;
    const char *entries[] = {"mimetype", "application/vnd.oasis.opendocument.spreadsheet",
                             "content.xml", content, NULL};
    g_autofree char *zip = make_zip(&len, entries);
    return crpv_spreadsheet_parse(zip, len, "t.ods", sheet, err);
}

static crpv_csv *parse_xlsx(const char *sheet_xml, const char *shared, GError **err)
{
    size_t len = 0;
    const char *workbook =
        "<workbook xmlns=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\" "
        "xmlns:r=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships\">"
        "<sheets><sheet name=\"Annuaire\" sheetId=\"1\" r:id=\"rId7\"/></sheets></workbook>";
    const char *rels =
        "<Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\">"
        "<Relationship Id=\"rId1\" Type=\"t\" Target=\"styles.xml\"/>"
        "<Relationship Id=\"rId7\" Type=\"t\" Target=\"worksheets/feuille.xml\"/>"
        "</Relationships>";
    const char *entries[] = {"xl/workbook.xml",       workbook,
                             "xl/_rels/workbook.xml.rels", rels,
                             "xl/worksheets/feuille.xml", sheet_xml,
                             shared ? "xl/sharedStrings.xml" : NULL, shared,
                             NULL};
    g_autofree char *zip = make_zip(&len, entries);
    return crpv_spreadsheet_parse(zip, len, "t.xlsx", NULL, err);
}

static void check_shipped_table(const crpv_csv *t, const char *format)
{
    assert_string_equal(crpv_csv_format(t), format);
    assert_string_equal(crpv_csv_sheet(t), "annuaire");
    assert_int_equal(crpv_csv_n_rows(t), 21);
    assert_string_equal(cell(t, 0, 0), "id");
    assert_string_equal(cell(t, 0, 12), "statut");
    /* Row 2 of the sheet, as typed: text with accents and a bullet. */
    assert_int_equal(crpv_csv_nth(t, 1)->line, 2);
    assert_string_equal(cell(t, 1, 1), "Labo Cités");
    assert_string_equal(cell(t, 1, 2), "CR•DSU");
    assert_string_equal(cell(t, 1, 6), "04 78 77 01 43");
    /* A region code the spreadsheet took for a number. */
    assert_string_equal(cell(t, 1, 4), "84");
    assert_true(numeric(t, 1, 4));
    assert_false(numeric(t, 1, 6));
    /* Guadeloupe's "01" became the number 1; its empty cells were
     * written as one repeated cell and are read back one by one. */
    assert_int_equal(crpv_csv_nth(t, 20)->line, 21);
    assert_string_equal(cell(t, 20, 4), "1");
    assert_string_equal(cell(t, 20, 5), "");
    assert_string_equal(cell(t, 20, 12), "prefiguration");
    assert_int_equal(crpv_csv_nth(t, 20)->n_fields, 13);
}

static void test_libreoffice_ods(void **state)
{
    (void)state;
    g_autoptr(crpv_csv) t = read_fixture("annuaire.ods", NULL);
    check_shipped_table(t, "ODS");
    g_autoptr(crpv_csv) named = read_fixture("annuaire.ods", "annuaire");
    assert_int_equal(crpv_csv_n_rows(named), 21);
}

static void test_libreoffice_xlsx(void **state)
{
    (void)state;
    g_autoptr(crpv_csv) t = read_fixture("annuaire.xlsx", NULL);
    check_shipped_table(t, "XLSX");
}

static void test_number_cells(void **state)
{
    (void)state;
    /* Saved with English settings: coordinates are numbers, and a phone
     * typed without its leading zero too. */
    const char *names[] = {"annuaire-renomme.ods", "annuaire-renomme.xlsx"};
    for (size_t i = 0; i < G_N_ELEMENTS(names); i++) {
        g_autoptr(crpv_csv) t = read_fixture(names[i], NULL);
        assert_string_equal(cell(t, 0, 6), "Téléphone");
        assert_string_equal(cell(t, 0, 8), "e-mail");
        assert_string_equal(cell(t, 1, 10), "4.8357");
        assert_true(numeric(t, 1, 10));
        assert_string_equal(cell(t, 1, 11), "45.764");
        assert_string_equal(cell(t, 4, 6), "388143589");
        assert_true(numeric(t, 4, 6));
    }
}

static void test_ods_repeats_and_text(void **state)
{
    (void)state;
    GError *err = NULL;
    g_autoptr(crpv_csv) t = parse_ods(
        ODS_HEAD "<table:table table:name=\"Notes\"><table:table-row><table:table-cell "
                 "office:value-type=\"string\"><text:p>pas celle-ci</text:p></table:table-cell>"
                 "</table:table-row></table:table>"
                 "<table:table table:name=\"Annuaire\">"
                 "<table:table-row table:number-rows-repeated=\"2\"><table:table-cell "
                 "table:number-columns-repeated=\"1024\"/></table:table-row>"
                 "<table:table-row>"
                 "<table:table-cell office:value-type=\"string\"><text:p>a<text:s "
                 "text:c=\"2\"/>b</text:p><text:p>c<text:span>d</text:span></text:p>"
                 "<office:annotation><text:p>une note</text:p></office:annotation>"
                 "</table:table-cell>"
                 "<table:table-cell table:number-columns-repeated=\"2\"/>"
                 "<table:table-cell office:value-type=\"float\" office:value=\"8.7369\">"
                 "<text:p>8,74</text:p></table:table-cell>"
                 "<table:table-cell office:value-type=\"string\" "
                 "table:number-columns-repeated=\"2\"><text:p>x</text:p></table:table-cell>"
                 "<table:covered-table-cell/>"
                 "<table:table-cell table:number-columns-repeated=\"1000\"/>"
                 "</table:table-row>"
                 "<table:table-row table:number-rows-repeated=\"1048570\"><table:table-cell "
                 "table:number-columns-repeated=\"1024\"/></table:table-row>"
                 "</table:table>" ODS_TAIL,
        "Annuaire", &err);
    if (!t)
        fail_msg("%s", err->message);
    /* Blank rows are skipped but counted; the value, not the text shown. */
    assert_int_equal(crpv_csv_n_rows(t), 1);
    assert_int_equal(crpv_csv_nth(t, 0)->line, 3);
    assert_int_equal(crpv_csv_nth(t, 0)->n_fields, 6);
    assert_string_equal(cell(t, 0, 0), "a  b\ncd");
    assert_string_equal(cell(t, 0, 1), "");
    assert_string_equal(cell(t, 0, 3), "8.7369");
    assert_true(numeric(t, 0, 3));
    assert_string_equal(cell(t, 0, 4), "x");
    assert_string_equal(cell(t, 0, 5), "x");
}

static void test_ods_unknown_sheet(void **state)
{
    (void)state;
    GError *err = NULL;
    crpv_csv *t = parse_ods(ODS_HEAD "<table:table table:name=\"Feuille1\"/>"
                                     "<table:table table:name=\"Feuille2\"/>" ODS_TAIL,
                            "Annuaire", &err);
    assert_null(t);
    assert_string_equal(err->message,
                        "t.ods: feuille « Annuaire » absente (feuilles : « Feuille1 », « Feuille2 »)");
    g_error_free(err);
}

static void test_xlsx_cells(void **state)
{
    (void)state;
    GError *err = NULL;
    g_autoptr(crpv_csv) t = parse_xlsx(
        "<worksheet><sheetData>"
        "<row r=\"1\"><c r=\"A1\" t=\"s\"><v>0</v></c><c r=\"C1\" t=\"s\"><v>1</v></c></row>"
        "<row r=\"4\"><c r=\"A4\" t=\"inlineStr\"><is><t>en ligne</t></is></c>"
        "<c r=\"B4\"><v>4.8357000000000001</v></c><c t=\"b\"><v>1</v></c>"
        "<c r=\"E4\" t=\"str\"><f>A4</f><v>formule</v></c></row>"
        "<row r=\"9\"/>"
        "</sheetData></worksheet>",
        "<sst><si><t>id</t></si><si><r><t>Té</t></r><r><t>léphone</t></r>"
        "<rPh><t>phonétique</t></rPh></si></sst>",
        &err);
    if (!t)
        fail_msg("%s", err->message);
    assert_string_equal(crpv_csv_sheet(t), "Annuaire");
    assert_int_equal(crpv_csv_n_rows(t), 2);
    assert_string_equal(cell(t, 0, 0), "id");
    assert_string_equal(cell(t, 0, 1), "");
    assert_string_equal(cell(t, 0, 2), "Téléphone");
    assert_int_equal(crpv_csv_nth(t, 1)->line, 4);
    assert_string_equal(cell(t, 1, 0), "en ligne");
    /* Binary noise dropped from the stored number. */
    assert_string_equal(cell(t, 1, 1), "4.8357");
    assert_true(numeric(t, 1, 1));
    assert_string_equal(cell(t, 1, 2), "VRAI");
    assert_string_equal(cell(t, 1, 3), "");
    assert_string_equal(cell(t, 1, 4), "formule");
}

static void expect_error(const char *data, size_t len, const char *expected)
{
    GError *err = NULL;
    crpv_csv *t = crpv_spreadsheet_parse(data, len, "t.xlsx", NULL, &err);
    assert_null(t);
    assert_non_null(err);
    if (!strstr(err->message, expected))
        fail_msg("got « %s », expected « %s »", err->message, expected);
    g_error_free(err);
}

static void test_damaged(void **state)
{
    (void)state;
    size_t len = 0;
    g_autofree char *data = tu_read_source("tests/data/annuaire.xlsx", &len);
    /* Truncated: the central directory is gone. */
    expect_error(data, len / 2, "t.xlsx: archive zip endommagée ou tronquée");
    /* A zip of something else. */
    size_t zlen = 0;
    const char *other[] = {"readme.txt", "bonjour", NULL};
    g_autofree char *zip = make_zip(&zlen, other);
    expect_error(zip, zlen, "ni un classeur .ods ni un classeur .xlsx");
    /* A text document, not a workbook. */
    const char *odt[] = {"mimetype", "application/vnd.oasis.opendocument.text", "content.xml",
                         "<a/>", NULL};
    g_autofree char *doc = make_zip(&zlen, odt);
    expect_error(doc, zlen, "qui n’est pas un classeur");
    /* Invalid XML inside. */
    GError *err = NULL;
    assert_null(parse_ods(ODS_HEAD "<table:table table:name=\"a\"><table:table-row>", NULL, &err));
    assert_non_null(strstr(err->message, "t.ods: classeur endommagé (content.xml"));
    g_clear_error(&err);
    /* Billions of cells asked for. */
    assert_null(parse_ods(ODS_HEAD "<table:table table:name=\"a\"><table:table-row "
                                   "table:number-rows-repeated=\"1000000\"><table:table-cell "
                                   "table:number-columns-repeated=\"1000\" "
                                   "office:value-type=\"string\"><text:p>x</text:p>"
                                   "</table:table-cell></table:table-row></table:table>" ODS_TAIL,
                          NULL, &err));
    assert_non_null(strstr(err->message, "feuille trop grande"));
    g_clear_error(&err);
}

static void test_named_sheet(void **state)
{
    (void)state;
    size_t len = 0;
    g_autofree char *data = tu_read_source("tests/data/annuaire.xlsx", &len);
    GError *err = NULL;
    assert_null(crpv_spreadsheet_parse(data, len, "a.xlsx", "Feuille9", &err));
    assert_string_equal(err->message, "a.xlsx: feuille « Feuille9 » absente (feuilles : "
                                      "« annuaire »)");
    g_clear_error(&err);
    g_autoptr(crpv_csv) t = crpv_spreadsheet_parse(data, len, "a.xlsx", "annuaire", &err);
    assert_non_null(t);
    assert_int_equal(crpv_csv_n_rows(t), 21);
    /* A sheet asked of a CSV file: said, not silently ignored. */
    g_autoptr(GPtrArray) warnings = g_ptr_array_new_with_free_func(g_free);
    g_autoptr(crpv_directory) dir = crpv_directory_read("data/centres.csv", "annuaire", NULL,
                                                        NULL, warnings, &err);
    assert_non_null(dir);
    assert_string_equal(warnings->pdata[0], "data/centres.csv: attention : feuille « annuaire » "
                                            "demandée, mais le fichier est un CSV, qui n’en a "
                                            "qu’une");
}

static void test_directory_from_workbooks(void **state)
{
    (void)state;
    const char *names[] = {"annuaire.ods", "annuaire.xlsx", "annuaire-renomme.ods",
                           "annuaire-renomme.xlsx"};
    for (size_t i = 0; i < G_N_ELEMENTS(names); i++) {
        g_autofree char *path = g_strconcat("tests/data/", names[i], NULL);
        g_autoptr(GPtrArray) warnings = g_ptr_array_new_with_free_func(g_free);
        GError *err = NULL;
        g_autoptr(crpv_directory) dir =
            crpv_directory_read(path, NULL, NULL, NULL, warnings, &err);
        if (!dir)
            fail_msg("%s: %s", names[i], err->message);
        assert_int_equal(crpv_directory_count(dir), 20);
        /* Every phone and e-mail read, whatever the headers say. */
        const crpv_centre *oriv = crpv_directory_nth(dir, 3);
        assert_string_equal(oriv->id, "oriv");
        assert_string_equal(oriv->telephones[0], "03 88 14 35 89");
        assert_string_equal(crpv_directory_nth(dir, 11)->courriel, "catherine.halpern@paris.fr");
        /* The codes that lost their zero are put back, with a word. */
        const crpv_centre *guadeloupe = crpv_directory_nth(dir, 19);
        assert_string_equal(guadeloupe->regions[0], "01");
        bool warned = false;
        for (guint w = 0; w < warnings->len; w++)
            warned |= strstr(warnings->pdata[w], ":21: attention : code région enregistré comme "
                                                 "le nombre 1, lu « 01 » (colonne E") != NULL;
        assert_true(warned);
        crpv_directory_source src = crpv_directory_get_source(dir);
        assert_string_equal(src.sheet, i < 2 ? "annuaire" : "annuaire-renomme");
    }
}

/* Alt+Enter in a cell: LibreOffice writes two paragraphs, Excel a line
 * feed in the string. The directory keeps the cell, its lines joined. */
static void test_line_breaks_in_cells(void **state)
{
    (void)state;
#define ODS_CELL(t) "<table:table-cell office:value-type=\"string\"><text:p>" t "</text:p></table:table-cell>"
    const char *ods_content =
        ODS_HEAD "<table:table table:name=\"Annuaire\"><table:table-row>" ODS_CELL("id")
            ODS_CELL("nom") ODS_CELL("territoire") ODS_CELL("regions") ODS_CELL("telephone")
                ODS_CELL("statut") "</table:table-row><table:table-row>" ODS_CELL("a")
                    ODS_CELL("Centre de</text:p><text:p>ressources") ODS_CELL("T")
                        ODS_CELL("11") ODS_CELL("01 02 03 04 05</text:p><text:p>06 07 08 09 10")
                            ODS_CELL("actif") "</table:table-row></table:table>" ODS_TAIL;
#undef ODS_CELL
    size_t len = 0;
    const char *entries[] = {"mimetype", "application/vnd.oasis.opendocument.spreadsheet",
                             "content.xml", ods_content, NULL};
    g_autofree char *zip = make_zip(&len, entries);
    GError *err = NULL;
    g_autoptr(crpv_directory) ods =
        crpv_directory_parse_any(zip, len, "t.ods", NULL, NULL, NULL, NULL, &err);
    if (!ods)
        fail_msg("%s", err->message);
    assert_string_equal(crpv_directory_nth(ods, 0)->nom, "Centre de ressources");
    assert_string_equal(crpv_directory_nth(ods, 0)->telephones[1], "06 07 08 09 10");

    const char *shared = "<sst><si><t>id</t></si><si><t>nom</t></si><si><t>territoire</t></si>"
                         "<si><t>regions</t></si><si><t>statut</t></si><si><t>a</t></si>"
                         "<si><t xml:space=\"preserve\">Centre de\nressources</t></si>"
                         "<si><t>T</t></si><si><t>11\n84</t></si><si><t>actif</t></si></sst>";
    const char *sheet = "<worksheet><sheetData><row r=\"1\">"
                        "<c r=\"A1\" t=\"s\"><v>0</v></c><c r=\"B1\" t=\"s\"><v>1</v></c>"
                        "<c r=\"C1\" t=\"s\"><v>2</v></c><c r=\"D1\" t=\"s\"><v>3</v></c>"
                        "<c r=\"E1\" t=\"s\"><v>4</v></c></row><row r=\"2\">"
                        "<c r=\"A2\" t=\"s\"><v>5</v></c><c r=\"B2\" t=\"s\"><v>6</v></c>"
                        "<c r=\"C2\" t=\"s\"><v>7</v></c><c r=\"D2\" t=\"s\"><v>8</v></c>"
                        "<c r=\"E2\" t=\"s\"><v>9</v></c></row></sheetData></worksheet>";
    g_autoptr(crpv_csv) table = parse_xlsx(sheet, shared, &err);
    if (!table)
        fail_msg("%s", err->message);
    assert_string_equal(cell(table, 1, 1), "Centre de\nressources");
    /* The same workbook through the directory. */
    const char *workbook =
        "<workbook xmlns=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\" "
        "xmlns:r=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships\">"
        "<sheets><sheet name=\"Annuaire\" sheetId=\"1\" r:id=\"rId7\"/></sheets></workbook>";
    const char *rels =
        "<Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\">"
        "<Relationship Id=\"rId7\" Type=\"t\" Target=\"worksheets/feuille.xml\"/>"
        "</Relationships>";
    const char *xentries[] = {"xl/workbook.xml", workbook, "xl/_rels/workbook.xml.rels", rels,
                              "xl/worksheets/feuille.xml", sheet, "xl/sharedStrings.xml", shared,
                              NULL};
    g_autofree char *xzip = make_zip(&len, xentries);
    g_autoptr(crpv_directory) xlsx =
        crpv_directory_parse_any(xzip, len, "t.xlsx", NULL, NULL, NULL, NULL, &err);
    if (!xlsx)
        fail_msg("%s", err->message);
    assert_string_equal(crpv_directory_nth(xlsx, 0)->nom, "Centre de ressources");
    assert_int_equal(g_strv_length(crpv_directory_nth(xlsx, 0)->regions), 2);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_libreoffice_ods),
        cmocka_unit_test(test_libreoffice_xlsx),
        cmocka_unit_test(test_number_cells),
        cmocka_unit_test(test_ods_repeats_and_text),
        cmocka_unit_test(test_ods_unknown_sheet),
        cmocka_unit_test(test_xlsx_cells),
        cmocka_unit_test(test_damaged),
        cmocka_unit_test(test_named_sheet),
        cmocka_unit_test(test_directory_from_workbooks),
        cmocka_unit_test(test_line_breaks_in_cells),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
