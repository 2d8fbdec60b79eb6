#include "fonts.h"

#include <fontconfig/fontconfig.h>
#include <pango/pangocairo.h>
#include <pango/pangofc-fontmap.h>
#include <string.h>

/* The family is kept on the context so that writers can name it. */
static const char family_key[] = "crpv-font-family";

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
    for (guint i = 0; i < files->len; i++)
        FcConfigAppFontAddFile(config, g_ptr_array_index(files, i));
    g_ptr_array_free(files, TRUE);
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
}

const char *crpv_fonts_family(PangoContext *ctx)
{
    return g_object_get_data(G_OBJECT(ctx), family_key);
}
