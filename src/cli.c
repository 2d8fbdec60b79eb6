#include "cli.h"

#include <glib.h>
#include <glib/gstdio.h>
#include <locale.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "alttext.h"
#include "brochure.h"
#include "checks.h"
#include "composite.h"
#include "config.h"
#include "content.h"
#include "datadir.h"
#include "directory.h"
#include "fonts.h"
#include "geo.h"
#include "htmlmap.h"
#include "init.h"
#include "jobs.h"
#include "output.h"
#include "paragraph.h"
#include "recto.h"
#include "printpdf.h"
#include "style.h"
#include "svgmap.h"
#include "typeset.h"

static const char help_text[] =
    "Usage : crpv [COMMANDE] [OPTIONS]\n"
    "\n"
    "Produit la brochure et la carte du réseau national des centres de ressources\n"
    "Politique de la ville à partir de l’annuaire (data/centres.csv), du texte\n"
    "(data/brochure.md), du style (data/style.ini) et des contours (geo/).\n"
    "\n"
    "Commandes :\n"
    "  build       toutes les sorties (par défaut) : brochure PDF, pages SVG et PNG,\n"
    "              carte PNG 1x et 2x, PDF, SVG et fragment HTML\n"
    "  brochure    la brochure seule (brochure.pdf, brochure-N.svg, brochure-N.png)\n"
    "  map         la carte seule, pour le web (carte.png, carte@2x.png, carte.pdf,\n"
    "              carte.svg, carte.html)\n"
    "  check       vérifie toutes les entrées et affiche un résumé, sans rien écrire\n"
    "  init DOSSIER\n"
    "              crée un dossier de travail (data/ et output/) à partir des\n"
    "              modèles installés\n"
    "\n"
    "Entrées et sorties :\n"
    "  --data DIR          dossier de l’annuaire, du texte et du style (./data)\n"
    "  --geo DIR           dossier des contours (./geo, sinon ceux installés)\n"
    "  --fonts DIR         dossier des polices (./fonts, sinon celles installées)\n"
    "  --out DIR           dossier des sorties (./output)\n"
    "  --centres FICHIER   annuaire CSV à utiliser à la place de DATA/centres.csv\n"
    "  --prose FICHIER     texte Markdown à la place de DATA/brochure.md\n"
    "  --style FICHIER     style à la place de DATA/style.ini\n"
    "  --regions FICHIER.shp       contours des régions\n"
    "  --departements FICHIER.shp  contours des départements\n"
    "\n"
    "Brochure :\n"
    "  --print             fichier pour l’imprimeur (brochure-impression.pdf) : PDF/X-4\n"
    "                      en CMJN avec 3 mm de fond perdu et traits de coupe,\n"
    "                      contrôlé avant d’être déclaré prêt (polices, formats,\n"
    "                      plus petit texte, réserves, encrage) ; demande Ghostscript\n"
    "  --icc FICHIER       profil ICC CMJN de l’imprimeur pour --print (par défaut :\n"
    "                      [impression] profil du style, sinon celui de Ghostscript)\n"
    "  --format FORMAT     pdf, svg ou png\n"
    "\n"
    "Carte :\n"
    "  --format FORMAT     png, svg, pdf ou html\n"
    "  --width PX          largeur de carte.png en pixels (1200)\n"
    "  --scale N           densité de l’image PNG (1 : carte.png, 2 : carte@2x.png…)\n"
    "  --url-base URL      adresse où le site publie carte.png et carte@2x.png,\n"
    "                      écrite dans carte.html (par défaut : à côté de la page)\n"
    "  --centre ID         la carte faite pour un centre, le sien mis en valeur et les\n"
    "                      autres estompés (carte-ID.png et carte-ID.svg)\n"
    "  --each              la même chose pour chaque centre de l’annuaire\n"
    "\n"
    "Général :\n"
    "  -q, --quiet         n’affiche pas le résumé (les avertissements restent)\n"
    "  -v, --verbose       affiche aussi le détail de la carte (sommets, étiquettes)\n"
    "  --version           affiche la version\n"
    "  -h, --help          affiche cette aide\n"
    "\n"
    "Codes de sortie :\n"
    "  0  succès\n"
    "  1  entrée invalide (annuaire, texte, style ou contours) : les erreurs sont\n"
    "     listées sur la sortie d’erreur, sous la forme FICHIER:LIGNE: message\n"
    "  2  erreur d’utilisation (commande ou option inconnue)\n"
    "  3  erreur de lecture ou d’écriture (fichier absent, disque plein, droits)\n"
    "\n"
    "En cas d’erreur, les fichiers déjà présents dans le dossier de sortie restent\n"
    "intacts.\n";

/* The GNU form: program and version, copyright, licence. */
static const char version_text[] =
    "crpv " CRPV_VERSION "\n"
    "Copyright © 2026 les auteurs de crpv\n"
    "Licence MIT : <https://opensource.org/licenses/MIT>\n"
    "Ceci est un logiciel libre : vous pouvez le modifier et le redistribuer.\n"
    "Il n’y a AUCUNE GARANTIE, dans les limites permises par la loi.\n";

typedef enum { CMD_BUILD, CMD_BROCHURE, CMD_MAP, CMD_CHECK, CMD_INIT } command;

typedef struct {
    command cmd;
    char *data, *geo, *fonts, *out;
    char *centres, *prose, *style, *regions, *departements;
    char *format;
    char *icc; /* --icc: the print shop's CMYK profile */
    char *url_base; /* prefix of the images' addresses in carte.html, or NULL */
    char *init_dir; /* crpv init's folder */
    int width;
    int scale;
    gboolean print, quiet, verbose, version, help;
    char *centre;     /* map --centre ID */
    gboolean each;    /* map --each */
} options;

typedef struct {
    options opt;
    crpv_style *style;
    crpv_layer *regions, *departements;
    crpv_directory *directory;
    crpv_content *content;
    crpv_hyphenator *hyph;
    PangoContext *ctx;
    crpv_map *map; /* composed once, shared by the brochure and the web exports */
    GPtrArray *centre_maps; /* of crpv_map, one per centre asked for, alive until the jobs end */
    GPtrArray *pages; /* the brochure's scenes, alive until the jobs are done */
    crpv_jobs *jobs;  /* the files being rendered on both cores */
    GPtrArray *warnings;
    GString *errors;
    int status; /* the worst failure so far */
    bool progress;
    time_t start;      /* the outputs' date */
    gint64 start_us;   /* when the run began, for its duration */
} run;

static void run_clear(run *r)
{
    crpv_style_free(r->style);
    crpv_layer_free(r->regions);
    crpv_layer_free(r->departements);
    crpv_directory_free(r->directory);
    crpv_content_free(r->content);
    crpv_hyphenator_free(r->hyph);
    crpv_jobs_free(r->jobs);
    if (r->pages)
        g_ptr_array_unref(r->pages);
    crpv_map_free(r->map);
    if (r->centre_maps)
        g_ptr_array_unref(r->centre_maps);
    g_free(r->opt.centre);
    if (r->ctx)
        g_object_unref(r->ctx);
    g_ptr_array_free(r->warnings, TRUE);
    g_string_free(r->errors, TRUE);
    options *o = &r->opt;
    char **strs[] = {&o->data,    &o->geo,     &o->fonts,   &o->out,          &o->centres,
                     &o->prose,   &o->style,   &o->regions, &o->departements, &o->format,
                     &o->icc,     &o->url_base, &o->init_dir};
    for (size_t i = 0; i < G_N_ELEMENTS(strs); i++)
        g_free(*strs[i]);
}

/* A failure: the input's own errors give 1, reading or writing gives 3. */
static void fail(run *r, GError *error)
{
    int code = error->domain == G_FILE_ERROR ? CRPV_EXIT_IO : CRPV_EXIT_INPUT;
    if (code == CRPV_EXIT_IO || r->status == 0)
        r->status = code;
    g_string_append_printf(r->errors, "%s\n", error->message);
}

static void progress(run *r, const char *what)
{
    if (!r->progress)
        return;
    printf("\r\033[K%s…", what);
    fflush(stdout);
}

static void progress_done(run *r)
{
    if (r->progress) {
        printf("\r\033[K");
        fflush(stdout);
    }
}

static char *input_path(const char *given, const char *dir, const char *name)
{
    return given ? g_strdup(given) : g_build_filename(dir, name, NULL);
}

static void load_inputs(run *r, bool need_prose)
{
    options *o = &r->opt;
    GError *error = NULL;

    progress(r, "Lecture du style");
    g_autofree char *style_path = input_path(o->style, o->data, "style.ini");
    if (o->style || g_file_test(style_path, G_FILE_TEST_EXISTS)) {
        r->style = crpv_style_load(style_path, &error);
        if (!r->style) {
            fail(r, error);
            g_clear_error(&error);
        }
    }
    if (!r->style)
        r->style = crpv_style_new_default();

    progress(r, "Lecture des contours");
    g_autofree char *regions_path = input_path(o->regions, o->geo, "regions-avec-outre-mer.shp");
    g_autofree char *deps_path =
        input_path(o->departements, o->geo, "departements-avec-outre-mer.shp");
    r->regions = crpv_layer_load(regions_path, r->style->regions_code_field,
                                 r->style->regions_name_field, r->warnings, &error);
    if (!r->regions) {
        fail(r, error);
        g_clear_error(&error);
    }
    r->departements = crpv_layer_load(deps_path, r->style->departements_code_field,
                                      r->style->departements_name_field, r->warnings, &error);
    if (!r->departements) {
        fail(r, error);
        g_clear_error(&error);
    }

    if (r->regions)
        crpv_check_boundaries(r->regions, r->departements, r->style, r->warnings);

    progress(r, "Lecture de l’annuaire");
    g_autofree char *centres_path = input_path(o->centres, o->data, "centres.csv");
    /* Even without boundaries, the directory is checked for everything
     * else, so that every error shows in one run. */
    r->directory = crpv_directory_load(centres_path, r->regions, r->departements, r->warnings,
                                       &error);
    if (!r->directory) {
        fail(r, error);
        g_clear_error(&error);
    }

    if (need_prose) {
        progress(r, "Lecture du texte");
        r->hyph = crpv_hyphenator_load(r->style->hyphen_dictionary, &error);
        if (!r->hyph) {
            /* Hyphenation improves the text but is not essential. */
            g_ptr_array_add(r->warnings,
                            g_strdup_printf("attention : pas de césure (%s)", error->message));
            g_clear_error(&error);
        }
        g_autofree char *prose_path = input_path(o->prose, o->data, "brochure.md");
        crpv_directory_stats stats = {0};
        if (r->directory)
            stats = crpv_directory_get_stats(r->directory);
        r->content = crpv_content_load(prose_path, &stats, r->hyph, &error);
        if (!r->content) {
            fail(r, error);
            g_clear_error(&error);
        } else if (crpv_content_count(r->content) == 0) {
            g_ptr_array_add(r->warnings,
                            g_strdup_printf("%s:1: attention : texte vide, le recto de la "
                                            "brochure restera blanc",
                                            prose_path));
        }
    }
}

static bool load_fonts(run *r)
{
    GError *error = NULL;
    r->ctx = crpv_fonts_context_new(r->opt.fonts, &error);
    if (!r->ctx) {
        fail(r, error);
        g_error_free(error);
        return false;
    }
    return true;
}

/* Every text the outputs print, checked against the fonts once they are
 * loaded. */
static void check_glyphs(run *r)
{
    g_autofree char *path = input_path(r->opt.centres, r->opt.data, "centres.csv");
    crpv_check_glyphs(r->ctx, r->directory, path, r->content, r->warnings);
}

static crpv_map_input map_input(run *r)
{
    return (crpv_map_input){r->regions, r->departements, r->directory, r->style, r->ctx};
}

static bool wants(const run *r, const char *format)
{
    return !r->opt.format || strcmp(r->opt.format, format) == 0;
}

/* Simplification tolerance in points: finer than a device pixel of the
 * densest output (carte@2x.png) and than a tenth of a millimetre. */
static const double map_tolerance = 0.2;

/* The map, composed on first use at the width the brochure gives it, so
 * that the printed and the web maps are one composition. Borrowed; NULL
 * after a failure. */
static const crpv_map *the_map(run *r)
{
    if (r->map)
        return r->map;
    GError *error = NULL;
    progress(r, "Composition de la carte");
    crpv_map_input in = map_input(r);
    r->map = crpv_map_compose(&in, crpv_brochure_map_width(r->style), map_tolerance, &error);
    if (!r->map) {
        fail(r, error);
        g_error_free(error);
    }
    return r->map;
}

/* Queues the map's images and PDF, and writes its SVG and HTML, which are
 * the project's own and quick. */
static bool write_map(run *r, crpv_batch *batch)
{
    GError *error = NULL;
    const crpv_map *map = the_map(r);
    if (!map)
        return false;
    const crpv_scene *scene = crpv_map_scene(map);
    crpv_map_stats ms = crpv_map_get_stats(map);
    if (r->opt.verbose)
        g_printerr("carte : %zu sommets lus, %zu après simplification, %zu étiquettes sans "
                   "place libre\n",
                   ms.vertices_in, ms.vertices_out, ms.labels_unplaced);
    double px_per_pt = (double)r->opt.width / crpv_scene_width(scene);
    g_autofree char *title = crpv_map_title(r->directory);
    g_autofree char *desc = crpv_map_description(r->directory);
    progress(r, "Écriture de la carte");
    if (r->opt.format && strcmp(r->opt.format, "png") == 0 && r->opt.scale != 1) {
        g_autofree char *name = g_strdup_printf("carte@%dx.png", r->opt.scale);
        crpv_jobs_png_density(r->jobs, name, scene, px_per_pt, r->opt.scale);
    } else if (wants(r, "png") || wants(r, "html")) {
        /* The largest first: it is the longest job. */
        crpv_jobs_png_density(r->jobs, "carte@2x.png", scene, px_per_pt, 2);
        crpv_jobs_png(r->jobs, "carte.png", scene, px_per_pt);
    }
    if (wants(r, "pdf")) {
        g_autofree char *alt = crpv_map_alt_text(r->directory, r->regions);
        crpv_pdf_info info = {title,
                              "Carte du réseau national des centres de ressources",
                              "Réseau national des centres de ressources Politique de la ville",
                              "politique de la ville, centres de ressources, carte",
                              "crpv " CRPV_VERSION,
                              r->start,
                              alt};
        crpv_jobs_pdf(r->jobs, "carte.pdf", &scene, 1, &info);
    }
    bool ok = true;
    if (wants(r, "svg")) {
        int w = 0, h = 0;
        crpv_output_png_size(scene, px_per_pt, &w, &h);
        crpv_svgmap_options so = {title, desc, crpv_fonts_family(r->ctx), r->ctx, w, h,
                                  r->directory};
        GString *svg = crpv_svgmap_write(scene, &so);
        ok = crpv_batch_add_bytes(batch, "carte.svg", svg->str, svg->len, &error);
        g_string_free(svg, TRUE);
    }
    if (ok && wants(r, "html")) {
        int w = 0, h = 0;
        crpv_output_png_size(scene, px_per_pt, &w, &h);
        /* The base ends with a slash, so that it names a folder. */
        const char *base = r->opt.url_base ? r->opt.url_base : "";
        const char *slash = base[0] && !g_str_has_suffix(base, "/") ? "/" : "";
        g_autofree char *png = g_strconcat(base, slash, "carte.png", NULL);
        g_autofree char *png2x = g_strconcat(base, slash, "carte@2x.png", NULL);
        crpv_htmlmap_options ho = {png, png2x, w, h, title, r->directory};
        GString *html = crpv_htmlmap_write(scene, &ho);
        ok = crpv_batch_add_bytes(batch, "carte.html", html->str, html->len, &error);
        g_string_free(html, TRUE);
    }
    if (!ok) {
        fail(r, error);
        g_error_free(error);
    }
    return ok;
}

/* A decimal with a French comma. */
static char *french_number(const char *fmt, double v)
{
    char *s = g_strdup_printf(fmt, v);
    return g_strdelimit(s, ".", ',');
}

static bool has_centre(const crpv_directory *dir, const char *id)
{
    for (size_t i = 0; i < crpv_directory_count(dir); i++)
        if (strcmp(crpv_directory_nth(dir, i)->id, id) == 0)
            return true;
    return false;
}

/* map --centre ID, --each: one map per centre, carte-ID.png and
 * carte-ID.svg, with that centre emphasised. */
static bool write_centre_maps(run *r, crpv_batch *batch)
{
    GError *error = NULL;
    crpv_map_input in = map_input(r);
    r->centre_maps = g_ptr_array_new_with_free_func((GDestroyNotify)crpv_map_free);
    for (size_t i = 0; i < crpv_directory_count(r->directory); i++) {
        const crpv_centre *c = crpv_directory_nth(r->directory, i);
        if (!r->opt.each && strcmp(c->id, r->opt.centre) != 0)
            continue;
        progress(r, "Composition des cartes des centres");
        crpv_map *map = crpv_map_compose_for(&in, c->id, crpv_brochure_map_width(r->style),
                                             map_tolerance, &error);
        if (!map) {
            fail(r, error);
            g_error_free(error);
            return false;
        }
        g_ptr_array_add(r->centre_maps, map);
        const crpv_scene *scene = crpv_map_scene(map);
        double px_per_pt = (double)r->opt.width / crpv_scene_width(scene);
        g_autofree char *png = g_strdup_printf("carte-%s.png", c->id);
        if (wants(r, "png"))
            crpv_jobs_png_density(r->jobs, png, scene, px_per_pt, r->opt.scale);
        if (!wants(r, "svg"))
            continue;
        g_autofree char *title = g_strdup_printf("Carte du réseau des centres de ressources "
                                                 "Politique de la ville : %s (%s)",
                                                 c->nom, c->territoire);
        g_autofree char *desc = crpv_map_description(r->directory);
        int w = 0, h = 0;
        crpv_output_png_size(scene, px_per_pt, &w, &h);
        crpv_svgmap_options so = {title, desc, crpv_fonts_family(r->ctx), r->ctx, w, h,
                                  r->directory};
        GString *svg = crpv_svgmap_write(scene, &so);
        g_autofree char *name = g_strdup_printf("carte-%s.svg", c->id);
        bool ok = crpv_batch_add_bytes(batch, name, svg->str, svg->len, &error);
        g_string_free(svg, TRUE);
        if (!ok) {
            fail(r, error);
            g_error_free(error);
            return false;
        }
    }
    return true;
}

/* Composes the brochure and queues its PDF, SVG pages and PNG previews. */
static bool write_brochure(run *r)
{
    GError *error = NULL;
    progress(r, "Composition de la brochure");
    crpv_map_input in = map_input(r);
    const crpv_map *map = the_map(r);
    if (!map)
        return false;
    crpv_brochure_input bin = {r->content, &in, r->opt.print, map};
    crpv_brochure_stats stats = {0};
    r->pages = crpv_brochure_compose(&bin, &stats, &error);
    if (!r->pages) {
        fail(r, error);
        g_error_free(error);
        return false;
    }
    if (r->opt.verbose && stats.body_stepped_down) {
        g_autofree char *from = french_number("%.2g", r->style->body_size);
        g_autofree char *to = french_number("%.2g", stats.body_size);
        g_printerr("recto : corps réduit de %s à %s\u00a0pt pour tenir sur la page\n", from, to);
    }
    progress(r, "Écriture de la brochure");
    const char *stem = r->opt.print ? "brochure-impression" : "brochure";
    if (wants(r, "pdf")) {
        g_autofree char *alt = crpv_map_alt_text(r->directory, r->regions);
        crpv_pdf_info info = {
            "Réseau national des centres de ressources Politique de la ville",
            "Présentation du réseau et annuaire des centres de ressources",
            "Réseau national des centres de ressources Politique de la ville",
            "politique de la ville, centres de ressources, réseau, annuaire",
            "crpv " CRPV_VERSION,
            r->start,
            alt};
        g_autofree char *name = g_strconcat(stem, ".pdf", NULL);
        if (r->opt.print)
            crpv_jobs_print_pdf(r->jobs, name, (const crpv_scene *const *)r->pages->pdata,
                                r->pages->len, &info, r->style, r->opt.icc);
        else
            crpv_jobs_pdf(r->jobs, name, (const crpv_scene *const *)r->pages->pdata,
                          r->pages->len, &info);
    }
    for (guint i = 0; i < r->pages->len; i++) {
        if (wants(r, "svg")) {
            g_autofree char *name = g_strdup_printf("%s-%u.svg", stem, i + 1);
            crpv_jobs_svg(r->jobs, name, r->pages->pdata[i]);
        }
        if (wants(r, "png")) {
            g_autofree char *name = g_strdup_printf("%s-%u.png", stem, i + 1);
            crpv_jobs_png(r->jobs, name, r->pages->pdata[i], 100.0 / 72.0);
        }
    }
    return true;
}

static char *human_size(size_t bytes)
{
    if (bytes < 1024)
        return g_strdup_printf("%zu o", bytes);
    if (bytes < 1024 * 1024)
        return g_strdup_printf("%zu Ko", (bytes + 512) / 1024);
    g_autofree char *s = g_strdup_printf("%.1f Mo", bytes / (1024.0 * 1024.0));
    return g_strdelimit(g_strdup(s), ".", ',');
}

static void print_summary(run *r, crpv_batch *batch)
{
    if (r->opt.quiet)
        return;
    double seconds = (g_get_monotonic_time() - r->start_us) / 1e6;
    GString *s = g_string_new(NULL);
    size_t total = 0;
    for (size_t i = 0; i < crpv_batch_count(batch); i++) {
        g_autofree char *size = human_size(crpv_batch_size(batch, i));
        g_string_append_printf(s, "%s%s (%s)", i ? ", " : "", crpv_batch_name(batch, i), size);
        total += crpv_batch_size(batch, i);
    }
    g_autofree char *t = g_strdup_printf("%.2f", seconds);
    g_strdelimit(t, ".", ',');
    printf("%zu fichiers écrits dans %s en %s s : %s\n", crpv_batch_count(batch), r->opt.out, t,
           s->str);
    g_string_free(s, TRUE);
}

/* What the print preflight found: problems always (a print shop would
 * reject the file), the figures unless quiet, notes when verbose. */
static void print_preflight(run *r)
{
    const crpv_preflight *p = r->jobs ? crpv_jobs_preflight(r->jobs) : NULL;
    if (!p)
        return;
    fflush(stdout);
    for (guint i = 0; i < p->problems->len; i++)
        g_printerr("brochure-impression.pdf : à corriger avant impression : %s\n",
                   (char *)g_ptr_array_index(p->problems, i));
    if (!r->opt.quiet) {
        g_autofree char *size = g_strdup_printf("%.1f", p->min_text_size);
        g_autofree char *ink = g_strdup_printf("%.0f", p->max_ink);
        g_strdelimit(size, ".", ',');
        printf("Contrôle avant impression : %s (PDF/X-4 CMJN, %zu/%zu polices incorporées, "
               "plus petit texte %s pt, encrage maximal %s %%)\n",
               p->problems->len ? "problèmes signalés" : "rien à signaler", p->fonts_embedded,
               p->fonts, size, ink);
    }
    if (r->opt.verbose) {
        for (guint i = 0; i < p->notes->len; i++)
            g_printerr("brochure-impression.pdf : %s\n", (char *)g_ptr_array_index(p->notes, i));
        for (size_t i = 0; p->coverage && i < p->pages; i++) {
            g_autofree char *line = g_strdup_printf(
                "couverture moyenne C %.1f %% M %.1f %% J %.1f %% N %.1f %%", p->coverage[4 * i],
                p->coverage[4 * i + 1], p->coverage[4 * i + 2], p->coverage[4 * i + 3]);
            g_printerr("brochure-impression.pdf : page %zu : %s\n", i + 1,
                       g_strdelimit(line, ".", ','));
        }
    }
}

static void print_check(run *r)
{
    crpv_directory_stats st = crpv_directory_get_stats(r->directory);
    size_t n_regions = r->regions ? crpv_layer_count(r->regions) : 0;
    printf("Annuaire : %zu centres (%zu actifs, %zu en préfiguration), dont %zu en outre-mer\n",
           st.centres, st.actifs, st.prefiguration, st.outremer);
    printf("Régions couvertes : %zu sur %zu\n", st.regions, n_regions);
    /* A region without a centre is a fact of the network, not a fault of
     * the input: it belongs to the summary, not to the warnings. */
    GString *uncovered = g_string_new(NULL);
    for (size_t i = 0; i < n_regions; i++) {
        const crpv_feature *f = crpv_layer_nth(r->regions, i);
        bool covered = false;
        for (size_t c = 0; c < crpv_directory_count(r->directory) && !covered; c++)
            covered = crpv_centre_serves_region(crpv_directory_nth(r->directory, c), f->code);
        if (!covered)
            g_string_append_printf(uncovered, "%s« %s » (%s)", uncovered->len ? ", " : "",
                                   f->nom, f->code);
    }
    if (uncovered->len)
        printf("Régions sans centre de ressources : %s\n", uncovered->str);
    g_string_free(uncovered, TRUE);
    printf("Avertissements : %u%s\n", r->warnings->len,
           r->warnings->len ? " (sur la sortie d’erreur)" : "");
}

/* The recto's typesetting in figures, for --verbose. */
static void print_recto_figures(const crpv_recto_report *report)
{
    crpv_recto_figures f = crpv_recto_figures_of(report);
    g_autofree char *size = french_number("%.2g", report->body_size);
    g_autofree char *leading = french_number("%.2f", report->leading);
    g_autofree char *share = french_number("%.0f", f.lines ? 100.0 * f.hyphens / f.lines : 0);
    g_autofree char *spaces = french_number("%.0f", crpv_set_space_percent(f.max_ratio));
    g_autofree char *measure = french_number("%.0f", report->measure);
    printf("Recto : %zu lignes de texte courant, %zu terminées par une césure (%s\u00a0%%), "
           "ligne la plus lâche : espaces à %s\u00a0%% ; corps %s\u00a0pt, interligne "
           "%s\u00a0pt, justification sur %s\u00a0pt\n",
           f.lines, f.hyphens, share, spaces, size, leading, measure);
}

/* Composes the recto alone to report its figures (check --verbose). */
static void check_recto(run *r)
{
    if (!r->content || !load_fonts(r))
        return;
    const crpv_style *st = r->style;
    crpv_page_env e = {.st = st, .ctx = r->ctx, .w = st->page_width * CRPV_MM,
                       .h = st->page_height * CRPV_MM};
    crpv_recto_report report = {0};
    GError *error = NULL;
    crpv_scene *sc = crpv_recto_compose(&e, r->content, &report, &error);
    if (!sc) {
        fail(r, error);
        g_error_free(error);
        return;
    }
    print_recto_figures(&report);
    if (report.stepped_down) {
        g_autofree char *from = french_number("%.2g", st->body_size);
        g_autofree char *to = french_number("%.2g", report.body_size);
        printf("Recto : corps réduit de %s à %s\u00a0pt pour tenir sur la page\n", from, to);
    }
    crpv_scene_free(sc);
    crpv_recto_report_clear(&report);
}

static int usage_error(const char *fmt, const char *arg)
{
    g_printerr("crpv : ");
    g_printerr(fmt, arg);
    g_printerr("\nEssayez « crpv --help ».\n");
    return CRPV_EXIT_USAGE;
}

static int parse_options(options *o, int argc, char **argv)
{
    GOptionEntry entries[] = {
        {"data", 0, 0, G_OPTION_ARG_FILENAME, &o->data, NULL, NULL},
        {"geo", 0, 0, G_OPTION_ARG_FILENAME, &o->geo, NULL, NULL},
        {"fonts", 0, 0, G_OPTION_ARG_FILENAME, &o->fonts, NULL, NULL},
        {"out", 0, 0, G_OPTION_ARG_FILENAME, &o->out, NULL, NULL},
        {"centres", 0, 0, G_OPTION_ARG_FILENAME, &o->centres, NULL, NULL},
        {"prose", 0, 0, G_OPTION_ARG_FILENAME, &o->prose, NULL, NULL},
        {"style", 0, 0, G_OPTION_ARG_FILENAME, &o->style, NULL, NULL},
        {"regions", 0, 0, G_OPTION_ARG_FILENAME, &o->regions, NULL, NULL},
        {"departements", 0, 0, G_OPTION_ARG_FILENAME, &o->departements, NULL, NULL},
        {"format", 0, 0, G_OPTION_ARG_STRING, &o->format, NULL, NULL},
        {"width", 0, 0, G_OPTION_ARG_INT, &o->width, NULL, NULL},
        {"scale", 0, 0, G_OPTION_ARG_INT, &o->scale, NULL, NULL},
        {"url-base", 0, 0, G_OPTION_ARG_STRING, &o->url_base, NULL, NULL},
        {"print", 0, 0, G_OPTION_ARG_NONE, &o->print, NULL, NULL},
        {"icc", 0, 0, G_OPTION_ARG_FILENAME, &o->icc, NULL, NULL},
        {"quiet", 'q', 0, G_OPTION_ARG_NONE, &o->quiet, NULL, NULL},
        {"verbose", 'v', 0, G_OPTION_ARG_NONE, &o->verbose, NULL, NULL},
        {"version", 0, 0, G_OPTION_ARG_NONE, &o->version, NULL, NULL},
        {"help", 'h', 0, G_OPTION_ARG_NONE, &o->help, NULL, NULL},
        {"centre", 0, 0, G_OPTION_ARG_STRING, &o->centre, NULL, NULL},
        {"each", 0, 0, G_OPTION_ARG_NONE, &o->each, NULL, NULL},
        {NULL, 0, 0, 0, NULL, NULL, NULL},
    };
    o->width = 1200;
    o->scale = 1;
    /* GOption's own help is not in French: ours replaces it. */
    GOptionContext *oc = g_option_context_new(NULL);
    g_option_context_set_help_enabled(oc, FALSE);
    g_option_context_add_main_entries(oc, entries, NULL);
    GError *error = NULL;
    bool ok = g_option_context_parse(oc, &argc, &argv, &error);
    g_option_context_free(oc);
    if (!ok) {
        int rc = usage_error("%s", error->message);
        g_error_free(error);
        return rc;
    }
    if (o->help || o->version)
        return -1;
    o->cmd = CMD_BUILD;
    if (argc > 1) {
        const char *c = argv[1];
        if (strcmp(c, "build") == 0)
            o->cmd = CMD_BUILD;
        else if (strcmp(c, "brochure") == 0)
            o->cmd = CMD_BROCHURE;
        else if (strcmp(c, "map") == 0 || strcmp(c, "carte") == 0)
            o->cmd = CMD_MAP;
        else if (strcmp(c, "check") == 0)
            o->cmd = CMD_CHECK;
        else if (strcmp(c, "init") == 0)
            o->cmd = CMD_INIT;
        else
            return usage_error("commande « %s » inconnue (build, brochure, map, check ou init)",
                               c);
        int n_args = o->cmd == CMD_INIT ? 1 : 0;
        if (argc > 2 + n_args)
            return usage_error("argument « %s » en trop", argv[2 + n_args]);
        if (o->cmd == CMD_INIT) {
            if (argc < 3)
                return usage_error("init : indiquez le dossier à créer (crpv init DOSSIER)%s",
                                   "");
            o->init_dir = g_strdup(argv[2]);
        }
    }
    if (o->format) {
        const char *allowed = o->cmd == CMD_BROCHURE ? "pdf svg png"
                              : o->cmd == CMD_MAP    ? "png svg pdf html"
                                                     : NULL;
        if (!allowed)
            return usage_error("--format « %s » ne vaut que pour brochure ou map", o->format);
        g_auto(GStrv) list = g_strsplit(allowed, " ", -1);
        if (!g_strv_contains((const char *const *)list, o->format))
            return usage_error("format « %s » inconnu pour cette commande", o->format);
    }
    if (o->width < 100 || o->width > 10000)
        return usage_error("--width doit être entre 100 et 10000 pixels%s", "");
    if (o->scale < 1 || o->scale > 4)
        return usage_error("--scale doit être entre 1 et 4%s", "");
    if (o->url_base) {
        if (o->cmd != CMD_MAP && o->cmd != CMD_BUILD)
            return usage_error("--url-base ne vaut que pour map ou build%s", "");
        for (const unsigned char *c = (const unsigned char *)o->url_base; *c; c++)
            if (*c <= 0x20 || *c == 0x7f || *c == '"' || *c == '<' || *c == '>' || *c == '\\')
                return usage_error("--url-base « %s » : une adresse ne contient ni espace ni "
                                   "guillemet ni chevron",
                                   o->url_base);
        if (!g_utf8_validate(o->url_base, -1, NULL))
            return usage_error("--url-base : adresse mal encodée%s", "");
    }
    if (o->print && (o->cmd == CMD_MAP || o->cmd == CMD_CHECK))
        return usage_error("--print ne vaut que pour brochure ou build%s", "");
    if (o->icc && !o->print)
        return usage_error("--icc ne vaut qu’avec --print%s", "");
    if ((o->centre || o->each) && o->cmd != CMD_MAP)
        return usage_error("--centre et --each ne valent que pour map%s", "");
    if (o->centre && o->each)
        return usage_error("--centre ou --each, pas les deux%s", "");
    if ((o->centre || o->each) && o->format && strcmp(o->format, "png") && strcmp(o->format, "svg"))
        return usage_error("--centre et --each écrivent carte-ID.png et carte-ID.svg%s", "");
    if (!o->data)
        o->data = g_strdup("data");
    /* Left NULL when neither here nor installed: see missing_inputs(). */
    if (!o->geo)
        o->geo = crpv_datadir_lookup("geo", NULL);
    if (!o->fonts)
        o->fonts = crpv_datadir_lookup("fonts", NULL);
    if (!o->out)
        o->out = g_strdup("output");
    return 0;
}

/* PATH quoted for a shell when it needs to be, for a command to copy. */
static char *shell_word(const char *path)
{
    for (const char *p = path; *p; p++)
        if (!g_ascii_isalnum(*p) && !strchr("._/-+@%", *p))
            return g_shell_quote(path);
    return g_strdup(path);
}

/* How the user can call this program again: "crpv" when that is the one
 * the shell finds, else its full path. */
static char *program_for_hint(void)
{
    g_autofree char *self = g_file_read_link("/proc/self/exe", NULL);
    g_autofree char *found = g_find_program_in_path("crpv");
    GStatBuf a, b;
    if (!self || (found && g_stat(found, &a) == 0 && g_stat(self, &b) == 0 &&
                  a.st_dev == b.st_dev && a.st_ino == b.st_ino))
        return g_strdup("crpv");
    return shell_word(self);
}

/* Before reading anything, the folders a run cannot do without. Outside a
 * working folder, or without the installed data, one line says what was
 * looked for and how to fix it, rather than one error per missing file.
 * Returns 0, or the exit status after printing that line. */
static int missing_inputs(const options *o)
{
    bool default_data = strcmp(o->data, "data") == 0;
    if (!o->centres && (default_data ? !g_file_test("data/centres.csv", G_FILE_TEST_EXISTS)
                                     : !g_file_test(o->data, G_FILE_TEST_IS_DIR))) {
        if (default_data) {
            g_autofree char *cwd = g_get_current_dir();
            g_printerr("crpv : %s n’est pas un dossier de travail (pas de data/centres.csv) : "
                       "créez-en un avec « crpv init DOSSIER », ou indiquez vos données avec "
                       "--data DIR\n",
                       cwd);
        } else {
            g_printerr("crpv : dossier de données « %s » introuvable (--data) ; « crpv init "
                       "DOSSIER » en crée un\n",
                       o->data);
        }
        return CRPV_EXIT_IO;
    }
    struct {
        const char *name, *option, *what;
        const char *dir;
        bool needed;
    } folders[] = {
        {"geo", "--geo", "contours", o->geo, !(o->regions && o->departements)},
        {"fonts", "--fonts", "polices", o->fonts, o->cmd != CMD_CHECK},
    };
    for (size_t i = 0; i < G_N_ELEMENTS(folders); i++) {
        if (!folders[i].needed || (folders[i].dir && g_file_test(folders[i].dir,
                                                                 G_FILE_TEST_IS_DIR)))
            continue;
        if (folders[i].dir) {
            g_printerr("crpv : dossier de %s « %s » introuvable (%s)\n", folders[i].what,
                       folders[i].dir, folders[i].option);
        } else {
            GString *tried = g_string_new(NULL);
            crpv_datadir_lookup(folders[i].name, tried);
            g_printerr("crpv : %s introuvables (cherché : %s) : indiquez leur dossier avec %s, "
                       "ou réinstallez crpv\n",
                       folders[i].what, tried->str, folders[i].option);
            g_string_free(tried, TRUE);
        }
        return CRPV_EXIT_IO;
    }
    return 0;
}

/* crpv init: the templates copied into a new working folder, and what to
 * do next. */
static int run_init(const options *o)
{
    GString *tried = g_string_new(NULL);
    g_autofree char *datadir = crpv_datadir_find(tried);
    g_autofree char *templates = datadir ? g_build_filename(datadir, "modeles", NULL) : NULL;
    if (!templates || !g_file_test(templates, G_FILE_TEST_IS_DIR)) {
        g_printerr("crpv : modèles introuvables (cherché : %s) : réinstallez crpv, ou "
                   "indiquez son dossier de données dans CRPV_DATADIR\n",
                   templates ? templates : tried->str);
        g_string_free(tried, TRUE);
        return CRPV_EXIT_IO;
    }
    g_string_free(tried, TRUE);
    g_autoptr(GPtrArray) created = g_ptr_array_new_with_free_func(g_free);
    GError *error = NULL;
    if (!crpv_init_folder(templates, o->init_dir, created, &error)) {
        g_printerr("crpv : %s\n", error->message);
        g_error_free(error);
        return CRPV_EXIT_IO;
    }
    if (o->quiet)
        return 0;
    printf("Dossier de travail créé : %s\n", o->init_dir);
    for (guint i = 0; i < created->len; i++) {
        const char *what = crpv_init_describe(created->pdata[i]);
        printf("  %-18s %s\n", (char *)created->pdata[i], what ? what : "");
    }
    g_autofree char *dir = shell_word(o->init_dir);
    g_autofree char *prog = program_for_hint();
    printf("\nEnsuite :\n"
           "  cd %s\n"
           "  %s check    vérifie l’annuaire, le texte et le style\n"
           "  %s build    écrit la brochure et la carte dans output/\n",
           dir, prog, prog);
    return 0;
}

int crpv_cli_main(int argc, char **argv)
{
    setlocale(LC_ALL, "");
    /* Numbers in files are written the same whatever the user's locale. */
    setlocale(LC_NUMERIC, "C");
    run r = {0};
    r.warnings = g_ptr_array_new_with_free_func(g_free);
    r.errors = g_string_new(NULL);
    r.start_us = g_get_monotonic_time();
    int rc = parse_options(&r.opt, argc, argv);
    if (rc != 0) {
        if (rc < 0) {
            fputs(r.opt.help ? help_text : version_text, stdout);
            rc = 0;
        }
        run_clear(&r);
        return rc;
    }
    if (r.opt.cmd == CMD_INIT)
        rc = run_init(&r.opt);
    else
        rc = missing_inputs(&r.opt);
    if (rc != 0 || r.opt.cmd == CMD_INIT) {
        run_clear(&r);
        return rc;
    }
    r.progress = !r.opt.quiet && isatty(STDOUT_FILENO);
    bool prose = r.opt.cmd != CMD_MAP;
    load_inputs(&r, prose);
    /* The fonts are an input too: check verifies them and what they must
     * draw. */
    if (r.status == 0 && load_fonts(&r))
        check_glyphs(&r);

    if (r.status == 0 && r.opt.cmd == CMD_CHECK) {
        progress_done(&r);
        if (!r.opt.quiet)
            print_check(&r);
        if (!r.opt.quiet && r.opt.verbose)
            check_recto(&r);
    } else if (r.status == 0) {
        g_autofree char *p1 = input_path(r.opt.centres, r.opt.data, "centres.csv");
        g_autofree char *p2 = input_path(r.opt.prose, r.opt.data, "brochure.md");
        g_autofree char *p3 = input_path(r.opt.style, r.opt.data, "style.ini");
        g_autofree char *p4 = input_path(r.opt.regions, r.opt.geo, "regions-avec-outre-mer.shp");
        g_autofree char *p5 =
            input_path(r.opt.departements, r.opt.geo, "departements-avec-outre-mer.shp");
        const char *inputs[] = {p1, p2, p3, p4, p5, NULL};
        r.start = crpv_output_date(inputs);
        GError *error = NULL;
        crpv_batch *batch = crpv_batch_new(r.opt.out, &error);
        if (!batch) {
            fail(&r, error);
            g_error_free(error);
        } else {
            /* The map's files are queued first: the second core renders
             * them while this one composes the brochure. */
            r.jobs = crpv_jobs_new(r.opt.fonts);
            bool ok = true;
            if (r.opt.centre && !has_centre(r.directory, r.opt.centre)) {
                usage_error("centre « %s » inconnu de l’annuaire (voir la colonne id)",
                            r.opt.centre);
                r.status = CRPV_EXIT_USAGE;
                ok = false;
            } else if (r.opt.centre || r.opt.each)
                ok = write_centre_maps(&r, batch);
            else if (r.opt.cmd == CMD_BUILD || r.opt.cmd == CMD_MAP)
                ok = write_map(&r, batch);
            if (ok && (r.opt.cmd == CMD_BUILD || r.opt.cmd == CMD_BROCHURE))
                ok = write_brochure(&r);
            if (ok && !crpv_jobs_finish(r.jobs, r.ctx, batch, &error)) {
                fail(&r, error);
                g_clear_error(&error);
                ok = false;
            }
            if (ok && !crpv_batch_commit(batch, &error)) {
                fail(&r, error);
                g_error_free(error);
                ok = false;
            }
            progress_done(&r);
            if (ok) {
                print_summary(&r, batch);
                print_preflight(&r);
            }
            crpv_batch_free(batch);
        }
    }
    progress_done(&r);
    /* Warnings always show: a missing .prj or an empty prose file changes
     * the output, and --quiet silences only the summary (DESIGN §3). */
    for (guint i = 0; i < r.warnings->len; i++)
        g_printerr("%s\n", (char *)g_ptr_array_index(r.warnings, i));
    if (r.errors->len) {
        fputs(r.errors->str, stderr);
        if (r.status == CRPV_EXIT_INPUT)
            g_printerr("crpv : entrées invalides, rien n’a été écrit\n");
        else
            g_printerr("crpv : échec, les sorties précédentes sont intactes\n");
    }
    rc = r.status;
    run_clear(&r);
    return rc;
}
