/* Fuzz target: the CSV reader on any bytes. */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "csv.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    GError *error = NULL;
    crpv_csv *csv = crpv_csv_parse((const char *)data, size, "fuzz.csv", &error);
    if (!csv) {
        g_error_free(error);
        return 0;
    }
    /* Touch every field so that a bad pointer shows. */
    size_t total = 0;
    for (size_t r = 0; r < crpv_csv_n_rows(csv); r++) {
        const crpv_csv_row *row = crpv_csv_nth(csv, r);
        for (size_t i = 0; i < row->n_fields; i++)
            total += strlen(row->fields[i]);
        if (row->fields[row->n_fields] != NULL || row->line < 1)
            __builtin_trap();
    }
    (void)total;
    (void)crpv_csv_separator(csv);
    (void)crpv_csv_encoding(csv);
    crpv_csv_free(csv);
    return 0;
}
