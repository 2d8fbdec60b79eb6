/* A table of text cells, and the CSV reader that fills one from what
 * spreadsheets write: comma, semicolon or tab, UTF-8 with or without BOM,
 * Windows-1252, MacRoman, UTF-16 (converted), CRLF, LF or a lone CR, quoted
 * fields holding separators, quotes and newlines. The spreadsheet reader
 * (spreadsheet.h) fills the same table from .ods and .xlsx files. */
#ifndef CRPV_CSV_H
#define CRPV_CSV_H

#include <glib.h>
#include <stdbool.h>
#include <stddef.h>

/* One record. FIELDS are UTF-8, owned by the table. LINE is the physical
 * line (1-based) where the record starts in the file, counted as the
 * file's own line ends say, even after a quoted field spanning lines. */
typedef struct {
    char **fields;
    size_t n_fields;
    int line;
    /* NULL, or one flag per field: true when the spreadsheet stored the
     * cell as a number (FIELDS then holds it in C notation: "4.8357"). */
    bool *numeric;
} crpv_csv_row;

typedef struct crpv_csv crpv_csv;

/* Decodes and splits DATA (LEN bytes). FILENAME is used in messages only.
 * Trailing records whose cells are all empty are dropped. Returns a new
 * table freed with crpv_csv_free(), or NULL with ERROR set as
 * "FILENAME:LINE: message" in French (an unterminated quote, an encoding
 * that cannot be read). */
crpv_csv *crpv_csv_parse(const char *data, size_t len, const char *filename, GError **error);
void crpv_csv_free(crpv_csv *csv); /* NULL is fine */

/* Row 0 is the header. */
size_t crpv_csv_n_rows(const crpv_csv *csv);
const crpv_csv_row *crpv_csv_nth(const crpv_csv *csv, size_t i); /* borrowed */
/* ',', ';' or '\t', as detected from the header line; 0 for a spreadsheet. */
char crpv_csv_separator(const crpv_csv *csv);
/* The encoding the data was read as: "UTF-8", "WINDOWS-1252", "MACINTOSH",
 * "UTF-16LE"..., or "UTF-8+WINDOWS-1252" for a UTF-8 file some lines of
 * which were Windows-1252 (static strings). */
const char *crpv_csv_encoding(const crpv_csv *csv);
/* The line ends the file uses: "LF", "CRLF", "CR", "mixtes", or NULL when
 * it has a single line or is a spreadsheet. */
const char *crpv_csv_line_ends(const crpv_csv *csv);
/* What reading found worth a word (a line decoded as Windows-1252):
 * "FILENAME:LINE: attention : ..." strings, borrowed. */
const GPtrArray *crpv_csv_warnings(const crpv_csv *csv);
/* "CSV", "ODS" or "XLSX". */
const char *crpv_csv_format(const crpv_csv *csv);
/* The sheet the table was read from, or NULL for a CSV file. */
const char *crpv_csv_sheet(const crpv_csv *csv);

/* Building a table (the spreadsheet reader does): an empty table of
 * FORMAT and ENCODING (static strings) from SHEET (copied; may be NULL). */
crpv_csv *crpv_csv_new(const char *format, const char *encoding, const char *sheet);
/* Appends a row; takes FIELDS (NULL-terminated, N of them) and NUMERIC (N
 * flags, may be NULL). */
void crpv_csv_append(crpv_csv *csv, char **fields, bool *numeric, size_t n, int line);
/* Records the sheet's NAME (copied; may be NULL). */
void crpv_csv_set_sheet(crpv_csv *csv, const char *name);
/* Drops the trailing rows whose cells are all blank. */
void crpv_csv_trim(crpv_csv *csv);

G_DEFINE_AUTOPTR_CLEANUP_FUNC(crpv_csv, crpv_csv_free)

#endif
