#include "fonts.h"

#include <fontconfig/fontconfig.h>
#include <pango/pangocairo.h>
#include <pango/pangofc-fontmap.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

/* The family is kept on the context so that writers can name it. */
static const char family_key[] = "crpv-font-family";

static uint32_t be32(const unsigned char *b)
{
    return (uint32_t)b[0] << 24 | (uint32_t)b[1] << 16 | (uint32_t)b[2] << 8 | b[3];
}

/* Checks that PATH is a whole TrueType or OpenType font: a known header
 * and every table of its directory inside the file. Fontconfig accepts a
 * font cut short as long as its header reads, and the text would then be
 * drawn in another face; reading the directory costs a few hundred bytes,
 * where loading every glyph would cost milliseconds per face. */
static bool font_file_whole(const char *path, GError **error)
{
    FILE *f = fopen(path, "rb");
    if (!f) {
        g_set_error(error, G_FILE_ERROR, G_FILE_ERROR_NOENT, "%s: police illisible", path);
        return false;
    }
    unsigned char head[12];
    const char *why = NULL;
    long size = -1;
    if (fseek(f, 0, SEEK_END) == 0)
        size = ftell(f);
    if (size < 12 || fseek(f, 0, SEEK_SET) != 0 || fread(head, 1, 12, f) != 12) {
        why = "fichier trop court";
    } else {
        uint32_t version = be32(head);
        if (version != 0x00010000 && version != 0x4F54544F /* OTTO */ &&
            version != 0x74727565 /* true */) {
            why = "pas une police TrueType ou OpenType";
        } else {
            unsigned n = (unsigned)(head[4] << 8 | head[5]);
            for (unsigned i = 0; i < n && !why; i++) {
                unsigned char rec[16];
                if (fread(rec, 1, 16, f) != 16) {
                    why = "table des matières tronquée";
                    break;
                }
                uint64_t end = (uint64_t)be32(rec + 8) + be32(rec + 12);
                if (end > (uint64_t)size) {
                    g_set_error(error, G_FILE_ERROR, G_FILE_ERROR_INVAL,
                                "%s: police tronquée ou corrompue (la table « %.4s » dépasse la "
                                "fin du fichier, %ld octets)",
                                path, (const char *)rec, size);
                    fclose(f);
                    return false;
                }
            }
        }
    }
    fclose(f);
    if (why) {
        g_set_error(error, G_FILE_ERROR, G_FILE_ERROR_INVAL, "%s: police illisible (%s)", path,
                    why);
        return false;
    }
    return true;
}

static int compare_paths(gconstpointer a, gconstpointer b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

PangoContext *crpv_fonts_context_new(const char *dir, GError **error)
{
    /* A Fontconfig configuration of our own, holding only DIR's fonts:
     * the system's configuration (and its fonts) is never consulted. */
    GError *local = NULL;
    GDir *d = g_dir_open(dir, 0, &local);
    if (!d) {
        /* A missing folder is not an unreadable one: the fixes differ. */
        if (g_error_matches(local, G_FILE_ERROR, G_FILE_ERROR_NOENT))
            g_set_error(error, G_FILE_ERROR, local->code, "%s : dossier de polices introuvable",
                        dir);
        else
            g_set_error(error, G_FILE_ERROR, local->code,
                        "%s : dossier de polices illisible (%s)", dir, local->message);
        g_error_free(local);
        return NULL;
    }
    /* Files added one by one, in a fixed order: adding the folder would
     * make Fontconfig look for a cache directory to write. */
    GPtrArray *files = g_ptr_array_new_with_free_func(g_free);
    const char *name;
    while ((name = g_dir_read_name(d)))
        if (g_str_has_suffix(name, ".ttf") || g_str_has_suffix(name, ".otf") ||
            g_str_has_suffix(name, ".TTF") || g_str_has_suffix(name, ".OTF"))
            g_ptr_array_add(files, g_build_filename(dir, name, NULL));
    g_dir_close(d);
    g_ptr_array_sort(files, compare_paths);
    FcConfig *config = FcConfigCreate();
    /* A face that does not load is an error: Fontconfig would otherwise
     * put another face of the family in its place without a word. */
    for (guint i = 0; i < files->len; i++) {
        const char *path = g_ptr_array_index(files, i);
        if (!font_file_whole(path, error))
            goto fail;
        if (!FcConfigAppFontAddFile(config, (const FcChar8 *)path)) {
            g_set_error(error, G_FILE_ERROR, G_FILE_ERROR_INVAL,
                        "%s: police illisible ou corrompue", path);
            goto fail;
        }
    }
    g_ptr_array_free(files, TRUE);
    files = NULL;
    FcFontSet *set = FcConfigGetFonts(config, FcSetApplication);
    if (!set || set->nfont == 0) {
        FcConfigDestroy(config);
        g_set_error(error, G_FILE_ERROR, G_FILE_ERROR_NOENT,
                    "%s : aucune police TrueType ou OpenType", dir);
        return NULL;
    }
    /* The family of the Regular face if there is one, else the first. */
    char *family = NULL;
    for (int i = 0; i < set->nfont && !family; i++) {
        FcChar8 *fam = NULL, *style = NULL;
        if (FcPatternGetString(set->fonts[i], FC_STYLE, 0, &style) == FcResultMatch &&
            g_strcmp0((const char *)style, "Regular") == 0 &&
            FcPatternGetString(set->fonts[i], FC_FAMILY, 0, &fam) == FcResultMatch)
            family = g_strdup((const char *)fam);
    }
    if (!family) {
        FcChar8 *fam = NULL;
        FcPatternGetString(set->fonts[0], FC_FAMILY, 0, &fam);
        family = g_strdup(fam ? (const char *)fam : "sans-serif");
    }

    PangoFontMap *map = pango_cairo_font_map_new_for_font_type(CAIRO_FONT_TYPE_FT);
    pango_fc_font_map_set_config(PANGO_FC_FONT_MAP(map), config);
    FcConfigDestroy(config); /* the font map holds its own reference */
    pango_cairo_font_map_set_resolution(PANGO_CAIRO_FONT_MAP(map), 72.0);

    PangoContext *ctx = pango_font_map_create_context(map);
    g_object_unref(map);
    /* No hinting: glyph positions independent of the output's resolution,
     * so that what is measured is what is drawn on every surface. */
    cairo_font_options_t *opts = cairo_font_options_create();
    cairo_font_options_set_hint_style(opts, CAIRO_HINT_STYLE_NONE);
    cairo_font_options_set_hint_metrics(opts, CAIRO_HINT_METRICS_OFF);
    cairo_font_options_set_antialias(opts, CAIRO_ANTIALIAS_GRAY);
    pango_cairo_context_set_font_options(ctx, opts);
    cairo_font_options_destroy(opts);
    pango_cairo_context_set_resolution(ctx, 72.0);
    pango_context_set_round_glyph_positions(ctx, FALSE);
    pango_context_set_language(ctx, pango_language_from_string("fr-fr"));
    g_object_set_data_full(G_OBJECT(ctx), family_key, family, g_free);
    return ctx;

fail:
    g_ptr_array_free(files, TRUE);
    FcConfigDestroy(config);
    return NULL;
}

const char *crpv_fonts_family(PangoContext *ctx)
{
    return g_object_get_data(G_OBJECT(ctx), family_key);
}

static const char coverage_key[] = "crpv-font-coverage";

gunichar crpv_fonts_first_missing(PangoContext *ctx, const char *text)
{
    if (!text)
        return 0;
    /* The regular face's coverage, asked of Fontconfig once per context. */
    PangoCoverage *cov = g_object_get_data(G_OBJECT(ctx), coverage_key);
    if (!cov) {
        PangoFontDescription *desc = pango_font_description_from_string(crpv_fonts_family(ctx));
        PangoFont *font = pango_context_load_font(ctx, desc);
        pango_font_description_free(desc);
        if (!font)
            return 0;
        cov = pango_font_get_coverage(font, pango_language_from_string("fr-fr"));
        g_object_unref(font);
        g_object_set_data_full(G_OBJECT(ctx), coverage_key, cov, g_object_unref);
    }
    for (const char *p = text; *p; p = g_utf8_next_char(p)) {
        gunichar c = g_utf8_get_char(p);
        /* Controls, joiners and variation selectors draw nothing. */
        if (c < 0x20 || g_unichar_iszerowidth(c) || g_unichar_type(c) == G_UNICODE_FORMAT ||
            (c >= 0xFE00 && c <= 0xFE0F))
            continue;
        if (pango_coverage_get(cov, (int)c) == PANGO_COVERAGE_NONE)
            return c;
    }
    return 0;
}
