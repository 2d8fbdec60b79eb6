/* Spreadsheets as saved: the first sheet (or a named one) of an
 * OpenDocument (.ods) or Office Open XML (.xlsx) workbook, read into the
 * same table of text cells as a CSV file. The only module that includes
 * <zip.h> and libxml2's reader. */
#ifndef CRPV_SPREADSHEET_H
#define CRPV_SPREADSHEET_H

#include <glib.h>
#include <stdbool.h>
#include <stddef.h>

#include "csv.h"

/* True when DATA (LEN bytes) is a zip archive, as .ods and .xlsx files are,
 * whatever the file's name. */
bool crpv_spreadsheet_sniff(const char *data, size_t len);

/* Reads the sheet named SHEET (NULL: the first) of the workbook in DATA.
 * Cells keep what the spreadsheet stored: text as typed, numbers in C
 * notation ("4.8357", "2") flagged in the row's NUMERIC, dates as
 * "YYYY-MM-DD", booleans as "VRAI"/"FAUX". Repeated rows and cells are
 * expanded, blank rows are skipped, and each row's LINE is its row number
 * in the sheet. FILENAME is used in messages only. Returns a new table
 * (crpv_csv_free()), or NULL with ERROR set to one French message
 * "FILENAME: ..." (a damaged archive, a workbook of another kind, an
 * unknown sheet, with the sheets it holds). */
crpv_csv *crpv_spreadsheet_parse(const char *data, size_t len, const char *filename,
                                 const char *sheet, GError **error);

#endif
