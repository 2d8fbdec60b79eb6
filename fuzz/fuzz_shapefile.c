/* Fuzz target for the shapefile reader. The input is a small header of
 * three little-endian 32-bit lengths, then the .shp, .shx and .dbf bytes;
 * what follows, if anything, is the .cpg. The files are written to a
 * temporary directory and read back with crpv_layer_load(). */
#include <glib.h>
#include <glib/gstdio.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "geo.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static char *tmp_dir;

static const char *const names[] = {"f.shp", "f.shx", "f.dbf", "f.cpg"};

static void remove_dir(void)
{
    for (size_t i = 0; i < G_N_ELEMENTS(names); i++) {
        g_autofree char *path = g_build_filename(tmp_dir, names[i], NULL);
        g_remove(path);
    }
    g_rmdir(tmp_dir);
    g_free(tmp_dir);
}

/* Plain stdio: g_file_set_contents() syncs to disk, a hundred times
 * slower. */
static void write_file(const char *path, const uint8_t *data, size_t len)
{
    FILE *f = fopen(path, "wb");
    if (!f || (len && fwrite(data, 1, len, f) != len) || fclose(f) != 0)
        abort();
}

static uint32_t le32(const uint8_t *b)
{
    return (uint32_t)b[3] << 24 | (uint32_t)b[2] << 16 | (uint32_t)b[1] << 8 | b[0];
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (!tmp_dir) {
        tmp_dir = g_dir_make_tmp("crpv-fuzz-XXXXXX", NULL);
        if (!tmp_dir)
            abort();
        atexit(remove_dir);
    }
    if (size < 12)
        return 0;
    size_t len[4], off = 12;
    for (int i = 0; i < 3; i++) {
        len[i] = MIN((size_t)le32(data + 4 * i), size - off);
        off += len[i];
    }
    len[3] = size - off;
    off = 12;
    for (int i = 0; i < 4; i++) {
        g_autofree char *path = g_build_filename(tmp_dir, names[i], NULL);
        /* No .cpg in the input: no .cpg on disk (the default applies). */
        if (i == 3 && len[i] == 0)
            g_remove(path);
        else
            write_file(path, data + off, len[i]);
        off += len[i];
    }
    g_autofree char *shp = g_build_filename(tmp_dir, "f.shp", NULL);
    GPtrArray *warnings = g_ptr_array_new_with_free_func(g_free);
    GError *error = NULL;
    crpv_layer *layer = crpv_layer_load(shp, "code", "nom", warnings, &error);
    /* A layer or an error, never both, never neither. */
    if ((layer == NULL) == (error == NULL))
        abort();
    for (size_t i = 0; layer && i < crpv_layer_count(layer); i++) {
        const crpv_feature *f = crpv_layer_nth(layer, i);
        if (!g_utf8_validate(f->nom, -1, NULL) || !g_utf8_validate(f->code, -1, NULL))
            abort();
    }
    if (error && !g_utf8_validate(error->message, -1, NULL))
        abort();
    crpv_layer_free(layer);
    g_clear_error(&error);
    /* The fields found among the usual names, the encoding guessed. */
    layer = crpv_layer_load(shp, NULL, NULL, warnings, &error);
    if ((layer == NULL) == (error == NULL))
        abort();
    crpv_layer_free(layer);
    g_clear_error(&error);
    g_ptr_array_free(warnings, TRUE);
    return 0;
}
