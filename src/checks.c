/* Checks between inputs: boundary files against the map's insets, printed
 * text against the fonts. */
#include "checks.h"

#include <string.h>

#include "fonts.h"

/* The Île-de-France inset shows départements, not a region of its own. */
#define IDF_INSET "idf"

/* Some boundary files (CARTElette's) come with the overseas regions
 * already moved next to the mainland. Projected again into their own
 * insets they would come out rotated and skewed: they are recognised by
 * their extent (within a few degrees of the mainland, where the true ones
 * are thousands of kilometres away) and drawn where the file puts them,
 * on the metropolitan frame, without an inset. Compared with their true
 * outlines (TRUTH_PATH, the shipped regions), the displacement is found,
 * so that they are drawn in their true shape and their centres carried
 * by it; without it, the centres are marked at the heart of their
 * territory. */
static void find_moved_overseas(crpv_layer *regions, crpv_layer *departements,
                                const char *truth_path, crpv_style *style, GPtrArray *warnings)
{
    GPtrArray *codes = g_ptr_array_new();
    for (size_t i = 0; i < style->n_insets; i++)
        if (strcmp(style->insets[i].code, IDF_INSET) != 0)
            g_ptr_array_add(codes, style->insets[i].code);
    g_ptr_array_add(codes, NULL);
    const char *const *list = (const char *const *)codes->pdata;
    crpv_rect mainland = crpv_layer_extent_except(regions, list);
    size_t n = crpv_layer_mark_moved(regions, list, mainland, 10, NULL);
    if (n > 0) {
        /* The shipped outlines, read only now that they are needed. */
        crpv_layer *truth = truth_path && strcmp(truth_path, crpv_layer_path(regions)) != 0
                                ? crpv_layer_load(truth_path, NULL, NULL, NULL, NULL)
                                : NULL;
        GString *names = g_string_new(NULL), *lost = g_string_new(NULL);
        GPtrArray *moved = g_ptr_array_new_with_free_func(g_free);
        size_t n_lost = 0;
        for (size_t i = 0; i < style->n_insets; i++) {
            const crpv_inset_style *is = &style->insets[i];
            const crpv_feature *f = crpv_layer_find(regions, is->code);
            if (!f || !f->moved)
                continue;
            g_string_append_printf(names, "%s%s", names->len ? ", " : "", f->nom);
            g_ptr_array_add(moved, g_strdup(is->code));
            const crpv_feature *t = truth ? crpv_layer_find(truth, is->code) : NULL;
            if (!crpv_layer_fit_carry(regions, is->code, t, is->crs, style->metro_crs, 0.04)) {
                g_string_append_printf(lost, "%s%s", lost->len ? ", " : "", f->nom);
                n_lost++;
            }
        }
        crpv_layer_free(truth);
        for (guint i = 0; i < moved->len; i++)
            crpv_style_drop_inset(style, moved->pdata[i]);
        g_ptr_array_add(
            warnings,
            g_strdup_printf(n > 1 ? "%s: attention : %s déjà déplacées près de la métropole par "
                                    "le fichier ; dessinées là où il les place, sans encart"
                                  : "%s: attention : %s déjà déplacée près de la métropole par "
                                    "le fichier ; dessinée là où il la place, sans encart",
                            crpv_layer_path(regions), names->str));
        if (n_lost > 0)
            g_ptr_array_add(
                warnings,
                g_strdup_printf("%s: attention : %s : déplacement non reconnu (ni échelle ni "
                                "translation seules), centres repérés au cœur du territoire",
                                crpv_layer_path(regions), lost->str));
        g_ptr_array_free(moved, TRUE);
        g_string_free(names, TRUE);
        g_string_free(lost, TRUE);
    }
    g_ptr_array_free(codes, TRUE);
    if (!departements)
        return;
    /* The départements of moved regions, and overseas départements (INSEE
     * codes 97x) moved on their own, whatever the regions file does. */
    GPtrArray *dom = g_ptr_array_new();
    for (size_t i = 0; i < crpv_layer_count(departements); i++) {
        const crpv_feature *f = crpv_layer_nth(departements, i);
        if (g_str_has_prefix(f->code, "97"))
            g_ptr_array_add(dom, f->code);
    }
    g_ptr_array_add(dom, NULL);
    const char *const *dom_codes = (const char *const *)dom->pdata;
    crpv_rect deps_mainland = crpv_layer_extent_except(departements, dom_codes);
    size_t n_deps = crpv_layer_mark_moved(departements, dom_codes, deps_mainland, 10,
                                          n > 0 ? regions : NULL);
    if (n_deps > 0 && n == 0) {
        GString *shown = g_string_new(NULL);
        for (size_t i = 0; i < crpv_layer_count(departements); i++) {
            const crpv_feature *f = crpv_layer_nth(departements, i);
            if (f->moved)
                g_string_append_printf(shown, "%s%s", shown->len ? ", " : "", f->code);
        }
        g_ptr_array_add(warnings,
                        g_strdup_printf("%s: attention : département%s %s déjà déplacé%s près de "
                                        "la métropole par le fichier ; les coordonnées des "
                                        "centres n’y sont pas vérifiées",
                                        crpv_layer_path(departements), n_deps > 1 ? "s" : "",
                                        shown->str, n_deps > 1 ? "s" : ""));
        g_string_free(shown, TRUE);
    }
    g_ptr_array_free(dom, TRUE);
}

/* The credit line comes with the boundary files (their credit.txt or
 * README), unless the style gives one: new files from another source must
 * not carry the shipped files' credit. */
static void take_credit(const crpv_layer *regions, crpv_style *style, GPtrArray *warnings)
{
    char *credit = crpv_geo_credit(crpv_layer_path(regions), NULL);
    if (credit) {
        g_free(style->credit);
        style->credit = credit;
        return;
    }
    credit = crpv_geo_credit_from_name(crpv_layer_path(regions));
    if (credit) {
        g_free(style->credit);
        style->credit = credit;
        g_ptr_array_add(warnings,
                        g_strdup_printf("%s: attention : crédit déduit du nom du fichier : « %s » "
                                        "(un credit.txt à côté des contours le remplace)",
                                        crpv_layer_path(regions), style->credit));
        return;
    }
    g_autofree char *dir = g_path_get_dirname(crpv_layer_path(regions));
    g_ptr_array_add(warnings,
                    g_strdup_printf("%s: attention : ni credit.txt ni README citant « Source : … » "
                                    "à côté des contours ; la carte porte « %s », à remplacer "
                                    "par la source de ces fichiers (credit.txt, ou la clé "
                                    "credit de [carte] dans le style)",
                                    dir, style->credit));
}

/* A regions file may hold only metropolitan France: each overseas region
 * the map has an inset for but the file lacks is known by its code alone,
 * so that its centres are accepted and its inset drawn empty, with a
 * warning. */
static void complete_regions(crpv_layer *regions, const crpv_style *style, GPtrArray *warnings)
{
    for (size_t i = 0; i < style->n_insets; i++) {
        const crpv_inset_style *is = &style->insets[i];
        if (strcmp(is->code, IDF_INSET) == 0 || crpv_layer_find(regions, is->code))
            continue;
        g_ptr_array_add(warnings,
                        g_strdup_printf("%s: attention : pas de contour pour la région « %s » "
                                        "(%s), son encart reste vide",
                                        crpv_layer_path(regions), is->title, is->code));
        crpv_layer_add(regions, is->code, is->title, (crpv_shape){NULL, 0});
    }
}

void crpv_check_boundaries(crpv_layer *regions, crpv_layer *departements,
                           const char *truth_path, crpv_style *style, GPtrArray *warnings)
{
    find_moved_overseas(regions, departements, truth_path, style, warnings);
    complete_regions(regions, style, warnings);
    if (!style->credit_from_style)
        take_credit(regions, style, warnings);
}

/* A warning when TEXT holds a character the fonts lack: it would print as
 * a box. WHERE is "FILE:LINE", COLUMN the cell's column or NULL. */
static void warn_missing_glyph(PangoContext *ctx, GPtrArray *warnings, const char *where,
                               const char *column, const char *text)
{
    gunichar c = crpv_fonts_first_missing(ctx, text);
    if (!c)
        return;
    char utf8[8] = "";
    utf8[g_unichar_to_utf8(c, utf8)] = '\0';
    g_autofree char *col = column ? g_strdup_printf("colonne « %s » : ", column) : g_strdup("");
    g_ptr_array_add(warnings,
                    g_strdup_printf("%s: attention : %scaractère « %s » (U+%04X) absent des "
                                    "polices, il s’imprimerait comme une case",
                                    where, col, utf8, (unsigned)c));
}

void crpv_check_glyphs(PangoContext *ctx, const crpv_directory *directory,
                       const char *directory_path, const crpv_content *content,
                       GPtrArray *warnings)
{
    for (size_t i = 0; directory && i < crpv_directory_count(directory); i++) {
        const crpv_centre *c = crpv_directory_nth(directory, i);
        g_autofree char *where = g_strdup_printf("%s:%d", directory_path, c->line);
        const char *columns[] = {"nom", "ancien_nom", "territoire", "ville"};
        const char *values[] = {c->nom, c->ancien_nom, c->territoire, c->ville};
        for (size_t k = 0; k < G_N_ELEMENTS(columns); k++)
            warn_missing_glyph(ctx, warnings, where, columns[k], values[k]);
    }
    for (size_t i = 0; content && i < crpv_content_count(content); i++) {
        const crpv_block *b = crpv_content_nth(content, i);
        g_autofree char *where = g_strdup_printf("%s:%d", crpv_content_path(content), b->line);
        warn_missing_glyph(ctx, warnings, where, NULL, b->title);
    }
}
