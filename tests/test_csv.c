/* Tests of the csv module: every quirk of what spreadsheets write, each
 * from a string. */
#include "testutil.h"

#include <stdbool.h>
#include <string.h>

#include "csv.h"

static crpv_csv *parse_ok(const char *data, size_t len)
{
    GError *err = NULL;
    crpv_csv *csv = crpv_csv_parse(data, len, "t.csv", &err);
    if (!csv)
        fail_msg("unexpected error: %s", err->message);
    return csv;
}

static crpv_csv *parse_str(const char *data)
{
    return parse_ok(data, strlen(data));
}

/* Field I of row R. */
static const char *cell(const crpv_csv *csv, size_t r, size_t i)
{
    assert_true(r < crpv_csv_n_rows(csv));
    const crpv_csv_row *row = crpv_csv_nth(csv, r);
    assert_true(i < row->n_fields);
    return row->fields[i];
}

static void test_comma(void **state)
{
    (void)state;
    g_autoptr(crpv_csv) csv = parse_str("id,nom,ville\noriv,ORIV,Strasbourg\nirev,IREV,\n");
    assert_int_equal(crpv_csv_separator(csv), ',');
    assert_string_equal(crpv_csv_encoding(csv), "UTF-8");
    assert_int_equal(crpv_csv_n_rows(csv), 3);
    assert_int_equal(crpv_csv_nth(csv, 0)->n_fields, 3);
    assert_string_equal(cell(csv, 0, 1), "nom");
    assert_string_equal(cell(csv, 1, 2), "Strasbourg");
    assert_int_equal(crpv_csv_nth(csv, 2)->n_fields, 3);
    assert_string_equal(cell(csv, 2, 2), "");
    assert_int_equal(crpv_csv_nth(csv, 2)->line, 3);
    assert_null(crpv_csv_nth(csv, 0)->fields[3]);
}

static void test_semicolon(void **state)
{
    (void)state;
    /* The header has one comma inside quotes and two semicolons outside. */
    g_autoptr(crpv_csv) csv = parse_str("id;\"nom, long\";lon\noriv;ORIV;7,75\n");
    assert_int_equal(crpv_csv_separator(csv), ';');
    assert_int_equal(crpv_csv_n_rows(csv), 2);
    assert_string_equal(cell(csv, 0, 1), "nom, long");
    assert_string_equal(cell(csv, 1, 2), "7,75");
}

static void test_no_final_newline(void **state)
{
    (void)state;
    g_autoptr(crpv_csv) csv = parse_str("a,b\n1,2");
    assert_int_equal(crpv_csv_n_rows(csv), 2);
    assert_string_equal(cell(csv, 1, 1), "2");
}

static void test_bom(void **state)
{
    (void)state;
    g_autoptr(crpv_csv) csv = parse_str("\xEF\xBB\xBFid;nom\r\noriv;Évry\r\n");
    assert_string_equal(cell(csv, 0, 0), "id");
    assert_string_equal(cell(csv, 1, 1), "Évry");
    assert_string_equal(crpv_csv_encoding(csv), "UTF-8");
    assert_int_equal(crpv_csv_separator(csv), ';');
}

static void test_crlf(void **state)
{
    (void)state;
    g_autoptr(crpv_csv) csv = parse_str("a,b\r\n1,2\r\n3,4\r\n");
    assert_int_equal(crpv_csv_n_rows(csv), 3);
    assert_string_equal(cell(csv, 1, 1), "2");
    assert_string_equal(cell(csv, 2, 0), "3");
    assert_int_equal(crpv_csv_nth(csv, 2)->line, 3);
}

static void test_lone_cr(void **state)
{
    (void)state;
    g_autoptr(crpv_csv) csv = parse_str("a,b\r1,2\r3,4\r");
    assert_int_equal(crpv_csv_n_rows(csv), 3);
    assert_string_equal(cell(csv, 1, 1), "2");
    assert_string_equal(cell(csv, 2, 1), "4");
    assert_int_equal(crpv_csv_nth(csv, 2)->line, 3);
}

static void test_quoted_fields(void **state)
{
    (void)state;
    g_autoptr(crpv_csv) csv =
        parse_str("a,b,c\n\"x, y\",\"il dit \"\"bonjour\"\"\",\"\"\n\"1\",2,\"\"\"\"\n");
    assert_int_equal(crpv_csv_n_rows(csv), 3);
    assert_string_equal(cell(csv, 1, 0), "x, y");
    assert_string_equal(cell(csv, 1, 1), "il dit \"bonjour\"");
    assert_string_equal(cell(csv, 1, 2), "");
    assert_string_equal(cell(csv, 2, 0), "1");
    assert_string_equal(cell(csv, 2, 2), "\"");
}

static void test_multiline_field_line_numbers(void **state)
{
    (void)state;
    /* The quoted field spans lines 2 to 4 (a CRLF, then a lone CR); the
     * next record starts on line 5, the one after on line 6. */
    g_autoptr(crpv_csv) csv =
        parse_str("id,adresse\r\nx,\"12 rue A\r\nbât. B\rBP 3\"\r\ny,ici\r\nz,\r\n");
    assert_int_equal(crpv_csv_n_rows(csv), 4);
    assert_int_equal(crpv_csv_nth(csv, 1)->line, 2);
    assert_string_equal(cell(csv, 1, 1), "12 rue A\nbât. B\nBP 3");
    assert_int_equal(crpv_csv_nth(csv, 2)->line, 5);
    assert_string_equal(cell(csv, 2, 1), "ici");
    assert_int_equal(crpv_csv_nth(csv, 3)->line, 6);
}

static void test_trailing_empty_rows(void **state)
{
    (void)state;
    g_autoptr(crpv_csv) csv = parse_str("a;b;c\n1;2;3\n;;\n\n4;;\n;;\n;;\n\n  ; ;\n");
    /* Only the trailing ones go; the blank rows before "4;;" stay. */
    assert_int_equal(crpv_csv_n_rows(csv), 5);
    assert_string_equal(cell(csv, 4, 0), "4");
    assert_int_equal(crpv_csv_nth(csv, 4)->line, 5);
}

static void test_only_empty_rows(void **state)
{
    (void)state;
    g_autoptr(crpv_csv) csv = parse_str(";;;\r\n;;;\r\n");
    assert_int_equal(crpv_csv_n_rows(csv), 0);
    g_autoptr(crpv_csv) empty = parse_ok("", 0);
    assert_int_equal(crpv_csv_n_rows(empty), 0);
    assert_int_equal(crpv_csv_separator(empty), ',');
}

static void test_windows_1252(void **state)
{
    (void)state;
    /* French Excel's default: É is 0xC9, ’ is 0x92, œ is 0x9C. */
    g_autoptr(crpv_csv) csv = parse_str("id;ville\nx;\xc9vry\ny;Val-d\x92Oise \x9c\n");
    assert_string_equal(crpv_csv_encoding(csv), "WINDOWS-1252");
    assert_string_equal(cell(csv, 1, 1), "Évry");
    assert_string_equal(cell(csv, 2, 1), "Val-d’Oise œ");
}

static void test_windows_1252_undefined_byte(void **state)
{
    (void)state;
    /* 0x81 is neither UTF-8 nor Windows-1252. */
    GError *err = NULL;
    const char data[] = "a,b\n1,2\nx,\x81\n";
    crpv_csv *csv = crpv_csv_parse(data, sizeof data - 1, "t.csv", &err);
    assert_null(csv);
    assert_non_null(err);
    assert_non_null(strstr(err->message, "t.csv:3: "));
    assert_non_null(strstr(err->message, "0x81"));
    g_error_free(err);
}

/* DATA (ASCII/UTF-8) as UTF-16 with a BOM. */
static char *to_utf16(const char *utf8, const char *charset, size_t *len)
{
    gsize written = 0;
    char *body = g_convert(utf8, -1, charset, "UTF-8", NULL, &written, NULL);
    assert_non_null(body);
    char *out = g_malloc(written + 2);
    bool le = g_str_equal(charset, "UTF-16LE");
    out[0] = (char)(le ? 0xFF : 0xFE);
    out[1] = (char)(le ? 0xFE : 0xFF);
    memcpy(out + 2, body, written);
    g_free(body);
    *len = written + 2;
    return out;
}

static void test_utf16le_bom(void **state)
{
    (void)state;
    size_t len;
    g_autofree char *data = to_utf16("id\tnom;ville\r\noriv;Évry\r\n", "UTF-16LE", &len);
    g_autoptr(crpv_csv) csv = parse_ok(data, len);
    assert_string_equal(crpv_csv_encoding(csv), "UTF-16LE");
    assert_int_equal(crpv_csv_separator(csv), ';');
    assert_int_equal(crpv_csv_n_rows(csv), 2);
    assert_string_equal(cell(csv, 0, 0), "id\tnom");
    assert_string_equal(cell(csv, 1, 1), "Évry");
}

static void test_utf16be_bom(void **state)
{
    (void)state;
    size_t len;
    g_autofree char *data = to_utf16("a,b\n1,Ça\n", "UTF-16BE", &len);
    g_autoptr(crpv_csv) csv = parse_ok(data, len);
    assert_string_equal(crpv_csv_encoding(csv), "UTF-16BE");
    assert_string_equal(cell(csv, 1, 1), "Ça");
}

static void test_utf16_truncated(void **state)
{
    (void)state;
    size_t len;
    g_autofree char *data = to_utf16("a,b\n1,2\n", "UTF-16LE", &len);
    GError *err = NULL;
    /* An odd number of bytes: the last code unit is cut. */
    crpv_csv *csv = crpv_csv_parse(data, len - 1, "t.csv", &err);
    assert_null(csv);
    assert_non_null(strstr(err->message, "t.csv:"));
    assert_non_null(strstr(err->message, "UTF-16LE"));
    g_error_free(err);
}

static void test_unterminated_quote(void **state)
{
    (void)state;
    GError *err = NULL;
    const char *data = "a,b\n1,2\n3,\"ouvert\n4,5\n6,7\n";
    crpv_csv *csv = crpv_csv_parse(data, strlen(data), "t.csv", &err);
    assert_null(csv);
    assert_string_equal(err->message, "t.csv:3: guillemet ouvert jamais refermé");
    g_error_free(err);
}

static void test_nul_byte(void **state)
{
    (void)state;
    GError *err = NULL;
    const char data[] = "a,b\n1,2\n3,\0\n";
    crpv_csv *csv = crpv_csv_parse(data, sizeof data - 1, "t.csv", &err);
    assert_null(csv);
    assert_non_null(strstr(err->message, "t.csv:3: caractère nul"));
    g_error_free(err);
}

static void test_quote_then_text(void **state)
{
    (void)state;
    /* Lenient like spreadsheets: text after a closing quote is kept. */
    g_autoptr(crpv_csv) csv = parse_str("a,b\n\"x\"y,un \"mot\"\n");
    assert_string_equal(cell(csv, 1, 0), "xy");
    assert_string_equal(cell(csv, 1, 1), "un \"mot\"");
}

static void test_large_input_is_linear(void **state)
{
    (void)state;
    /* 200 000 rows and one 2 MB field: must be quick, not quadratic. */
    GString *s = g_string_new("a,b\n");
    for (int i = 0; i < 200000; i++)
        g_string_append(s, "x,\"y\"\"\"\n");
    g_string_append_c(s, '"');
    for (int i = 0; i < 2000000; i++)
        g_string_append_c(s, i % 1000 == 999 ? '\n' : 'z');
    g_string_append(s, "\",w\n");
    g_autoptr(crpv_csv) csv = parse_ok(s->str, s->len);
    assert_int_equal(crpv_csv_n_rows(csv), 200002);
    assert_int_equal(crpv_csv_nth(csv, 200001)->line, 200002);
    assert_int_equal(strlen(cell(csv, 200001, 0)), 2000000);
    g_string_free(s, TRUE);
}


static void test_macroman(void **state)
{
    (void)state;
    /* A Mac's « Texte » export: é is 0x8E, è 0x8F, ’ 0xD5. Read as
     * Windows-1252 it would give « Labo CitŽs ». */
    g_autoptr(crpv_csv) csv = parse_str("id,nom\nlabo,Labo Cit\x8es\nx,Fr\x8fre d\xd5" "abord\n");
    assert_string_equal(crpv_csv_encoding(csv), "MACINTOSH");
    assert_string_equal(cell(csv, 1, 1), "Labo Cités");
    assert_string_equal(cell(csv, 2, 1), "Frère d’abord");
}

static void test_utf16_tab_separated(void **state)
{
    (void)state;
    /* Excel's « Texte Unicode »: UTF-16LE with a BOM, tabs, CRLF. */
    size_t len;
    g_autofree char *data =
        to_utf16("id\tnom\tlon\r\nlabo\tLabo Cités\t\"4,8357\"\r\n", "UTF-16LE", &len);
    g_autoptr(crpv_csv) csv = parse_ok(data, len);
    assert_string_equal(crpv_csv_encoding(csv), "UTF-16LE");
    assert_int_equal(crpv_csv_separator(csv), '\t');
    assert_string_equal(crpv_csv_line_ends(csv), "CRLF");
    assert_string_equal(cell(csv, 1, 1), "Labo Cités");
    assert_string_equal(cell(csv, 1, 2), "4,8357");
}

static void test_line_ends_reported(void **state)
{
    (void)state;
    g_autoptr(crpv_csv) lf = parse_str("a,b\n1,2\n");
    assert_string_equal(crpv_csv_line_ends(lf), "LF");
    assert_string_equal(crpv_csv_format(lf), "CSV");
    assert_null(crpv_csv_sheet(lf));
    g_autoptr(crpv_csv) cr = parse_str("a,b\r1,2\r");
    assert_string_equal(crpv_csv_line_ends(cr), "CR");
    g_autoptr(crpv_csv) mixed = parse_str("a,b\r\n1,2\n");
    assert_string_equal(crpv_csv_line_ends(mixed), "mixtes");
    g_autoptr(crpv_csv) one = parse_str("a,b");
    assert_null(crpv_csv_line_ends(one));
}

/* Lines pasted from a Windows program into a UTF-8 file, with or without
 * its BOM: those lines alone read as Windows-1252, each named. */
static void test_mixed_encodings(void **state)
{
    (void)state;
    const char *inputs[] = {"id,nom\na,Labo Cités\nb,R\xE9so\r\n\"c\nd\",\x96\n",
                            "\xEF\xBB\xBFid,nom\na,Labo Cités\nb,R\xE9so\r\n\"c\nd\",\x96\n"};
    for (size_t i = 0; i < G_N_ELEMENTS(inputs); i++) {
        g_autoptr(crpv_csv) csv = parse_str(inputs[i]);
        assert_string_equal(crpv_csv_encoding(csv), "UTF-8+WINDOWS-1252");
        assert_string_equal(cell(csv, 1, 1), "Labo Cités");
        assert_string_equal(cell(csv, 2, 1), "Réso");
        assert_string_equal(cell(csv, 3, 1), "–");
        const GPtrArray *w = crpv_csv_warnings(csv);
        assert_int_equal(w->len, 2);
        assert_true(g_str_has_prefix(w->pdata[0], "t.csv:3: attention : ligne qui n’est pas en "
                                                  "UTF-8 comme le reste du fichier, lue en "
                                                  "Windows-1252 : « b,Réso »"));
        /* Line 5: the quoted field's second line. */
        assert_true(g_str_has_prefix(w->pdata[1], "t.csv:5: attention : "));
    }
    /* Without any UTF-8 line, the whole file is Windows-1252, silently. */
    g_autoptr(crpv_csv) win = parse_str("id,nom\nb,R\xE9so\n");
    assert_string_equal(crpv_csv_encoding(win), "WINDOWS-1252");
    assert_int_equal(crpv_csv_warnings(win)->len, 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_comma),
        cmocka_unit_test(test_macroman),
        cmocka_unit_test(test_utf16_tab_separated),
        cmocka_unit_test(test_line_ends_reported),
        cmocka_unit_test(test_semicolon),
        cmocka_unit_test(test_no_final_newline),
        cmocka_unit_test(test_bom),
        cmocka_unit_test(test_crlf),
        cmocka_unit_test(test_lone_cr),
        cmocka_unit_test(test_quoted_fields),
        cmocka_unit_test(test_multiline_field_line_numbers),
        cmocka_unit_test(test_trailing_empty_rows),
        cmocka_unit_test(test_only_empty_rows),
        cmocka_unit_test(test_windows_1252),
        cmocka_unit_test(test_windows_1252_undefined_byte),
        cmocka_unit_test(test_utf16le_bom),
        cmocka_unit_test(test_utf16be_bom),
        cmocka_unit_test(test_utf16_truncated),
        cmocka_unit_test(test_unterminated_quote),
        cmocka_unit_test(test_nul_byte),
        cmocka_unit_test(test_quote_then_text),
        cmocka_unit_test(test_large_input_is_linear),
        cmocka_unit_test(test_mixed_encodings),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
