/* A CSV reader for what spreadsheets write: comma or semicolon, UTF-8 with
 * or without BOM, Windows-1252, UTF-16 (converted), CRLF, LF or a lone CR,
 * quoted fields holding separators, quotes and newlines. */
#ifndef CRPV_CSV_H
#define CRPV_CSV_H

#include <glib.h>
#include <stddef.h>

/* One record. FIELDS are UTF-8, owned by the table. LINE is the physical
 * line (1-based) where the record starts in the file, counted as the
 * file's own line ends say, even after a quoted field spanning lines. */
typedef struct {
    char **fields;
    size_t n_fields;
    int line;
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
/* ',' or ';', as detected from the header line. */
char crpv_csv_separator(const crpv_csv *csv);
/* The encoding the data was read as: "UTF-8", "WINDOWS-1252", "UTF-16LE"... */
const char *crpv_csv_encoding(const crpv_csv *csv);

G_DEFINE_AUTOPTR_CLEANUP_FUNC(crpv_csv, crpv_csv_free)

#endif
