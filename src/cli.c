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
#include "edition.h"
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
#include "watch.h"

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
    "  check       vérifie toutes les entrées et affiche un résumé, sans rien écrire,\n"
    "              et ce qui a changé depuis la dernière édition produite\n"
    "  watch       reconstruit tout à chaque enregistrement d’une entrée et dit ce\n"
    "              qui a changé (Ctrl+C pour arrêter)\n"
    "  init DOSSIER\n"
    "              crée un dossier de travail (data/ et output/) à partir des\n"
    "              modèles installés\n"
    "\n"
    "Entrées et sorties :\n"
    "  --data DIR          dossier de l’annuaire, du texte et du style (./data)\n"
    "  --geo DIR           dossier des contours (./geo, sinon ceux installés)\n"
    "  --fonts DIR         dossier des polices (./fonts, sinon celles installées)\n"
    "  --out DIR           dossier des sorties (./output)\n"
    "  --centres FICHIER   annuaire (.csv, .ods ou .xlsx) à la place de\n"
    "                      DATA/centres.csv ; « - » : l’entrée standard\n"
    "  --feuille NOM       feuille du classeur à lire (la première par défaut)\n"
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
    "intacts. Chaque construction réussie enregistre son édition dans\n"
    "OUT/edition.ini, à laquelle la suivante et check comparent l’annuaire.\n";

/* The GNU form: program and version, copyright, licence. */
static const char version_text[] =
    "crpv " CRPV_VERSION "\n"
    "Copyright © 2026 les auteurs de crpv\n"
    "Licence MIT : <https://opensource.org/licenses/MIT>\n"
    "Ceci est un logiciel libre : vous pouvez le modifier et le redistribuer.\n"
    "Il n’y a AUCUNE GARANTIE, dans les limites permises par la loi.\n";

typedef enum { CMD_BUILD, CMD_BROCHURE, CMD_MAP, CMD_CHECK, CMD_WATCH, CMD_INIT } command;

static const char *const command_names[] = {"build", "brochure", "map", "check", "watch", "init"};

typedef struct {
    command cmd;
    char *data, *geo, *fonts, *out;
    char *centres, *sheet, *prose, *style, *regions, *departements;
    char *format;
    char *icc; /* --icc: the print shop's CMYK profile */
    char *url_base; /* prefix of the images' addresses in carte.html, or NULL */
    char *init_dir; /* crpv init's folder */
    int width;      /* 0 when not given */
    int scale;      /* 0 when not given */
    gboolean print, quiet, verbose, version, help;
    char *centre;     /* map --centre ID */
    gboolean each;    /* map --each */
} options;

static void options_clear(options *o)
{
    char **strs[] = {&o->data,    &o->geo,     &o->fonts,   &o->out,          &o->centres,
                     &o->sheet,   &o->prose,   &o->style,   &o->regions,      &o->departements,
                     &o->format,  &o->init_dir, &o->url_base, &o->centre, &o->icc};
    for (size_t i = 0; i < G_N_ELEMENTS(strs); i++)
        g_clear_pointer(strs[i], g_free);
}

typedef struct {
    const options *opt;
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
    if (r->ctx)
        g_object_unref(r->ctx);
    g_ptr_array_free(r->warnings, TRUE);
    g_string_free(r->errors, TRUE);
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

/* The inputs of a run, as paths (NULL-terminated, new). */
static char **input_paths(const options *o)
{
    char **p = g_new0(char *, 6);
    p[0] = input_path(o->centres, o->data, "centres.csv");
    p[1] = input_path(o->prose, o->data, "brochure.md");
    p[2] = input_path(o->style, o->data, "style.ini");
    p[3] = input_path(o->regions, o->geo, "regions-avec-outre-mer.shp");
    p[4] = input_path(o->departements, o->geo, "departements-avec-outre-mer.shp");
    return p;
}

/* COUNT with its thousands set apart by narrow no-break spaces, as French
 * prints them (« 28 500 »). New string. */
static char *french_count(size_t count)
{
    g_autofree char *digits = g_strdup_printf("%zu", count);
    GString *s = g_string_new(NULL);
    size_t n = strlen(digits);
    for (size_t i = 0; i < n; i++) {
        if (i > 0 && (n - i) % 3 == 0)
            g_string_append(s, "\u202f");
        g_string_append_c(s, digits[i]);
    }
    return g_string_free(s, FALSE);
}

/* Refuses, before anything is composed, a directory larger than what the
 * command's outputs can hold: the work stays bounded (seconds, not
 * minutes) and the message names the limit. */
static void check_limits(run *r, const char *path)
{
    command cmd = r->opt->cmd;
    bool brochure = cmd == CMD_BUILD || cmd == CMD_BROCHURE || cmd == CMD_WATCH;
    bool map = brochure || cmd == CMD_MAP;
    size_t n = crpv_directory_count(r->directory), limit = 0;
    const char *why = NULL;
    if (brochure && n > CRPV_BROCHURE_MAX_CENTRES) {
        limit = CRPV_BROCHURE_MAX_CENTRES;
        why = "plus que les %s que la brochure peut lister";
    } else if (map && r->opt->each && n > CRPV_MAP_EACH_MAX_CENTRES) {
        limit = CRPV_MAP_EACH_MAX_CENTRES;
        why = "plus que les %s pour lesquels --each fait une carte chacun";
    } else if (map && n > CRPV_MAP_MAX_CENTRES) {
        limit = CRPV_MAP_MAX_CENTRES;
        why = "plus que les %s que la carte peut dessiner";
    }
    if (!why)
        return;
    g_autofree char *count = french_count(n), *most = french_count(limit);
    g_autofree char *beyond = g_strdup_printf(why, most);
    GError *error = g_error_new(g_quark_from_static_string("crpv-limit"), 1, "%s: %s centres, %s",
                                g_str_equal(path, "-") ? "(entrée standard)" : path, count,
                                beyond);
    fail(r, error);
    g_error_free(error);
}

static void load_inputs(run *r, bool need_prose)
{
    const options *o = r->opt;
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
    for (guint i = 0; i < r->style->warnings->len; i++)
        g_ptr_array_add(r->warnings, g_strdup(r->style->warnings->pdata[i]));

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

    if (r->regions) {
        /* The shipped regions, at their true places: what moved overseas
         * regions are compared with. */
        g_autofree char *truth = g_build_filename(o->geo, "regions-avec-outre-mer.shp", NULL);
        crpv_check_boundaries(r->regions, r->departements, truth, r->style, r->warnings);
    }

    progress(r, "Lecture de l’annuaire");
    g_autofree char *centres_path = input_path(o->centres, o->data, "centres.csv");
    /* Even without boundaries, the directory is checked for everything
     * else, so that every error shows in one run. */
    r->directory = crpv_directory_read(centres_path, o->sheet, r->regions, r->departements,
                                       r->warnings, &error);
    if (!r->directory) {
        fail(r, error);
        g_clear_error(&error);
    } else {
        check_limits(r, centres_path);
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
        stats.date = r->start;
        r->content = crpv_content_load(prose_path, &stats, r->hyph, &error);
        if (r->content) {
            const GPtrArray *w = crpv_content_warnings(r->content);
            for (guint i = 0; i < w->len; i++)
                g_ptr_array_add(r->warnings, g_strdup(w->pdata[i]));
        }
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
    r->ctx = crpv_fonts_context_new(r->opt->fonts, &error);
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
    g_autofree char *path = input_path(r->opt->centres, r->opt->data, "centres.csv");
    crpv_check_glyphs(r->ctx, r->directory, path, r->content, r->warnings);
}

static crpv_map_input map_input(run *r)
{
    return (crpv_map_input){r->regions, r->departements, r->directory, r->style, r->ctx};
}

static int map_width(const options *o)
{
    return o->width ? o->width : 1200;
}

static bool wants(const run *r, const char *format)
{
    return !r->opt->format || strcmp(r->opt->format, format) == 0;
}

/* Simplification tolerance in points: finer than a device pixel of the
 * densest output (carte@2x.png) and than a tenth of a millimetre. */
static const double map_tolerance = 0.2;

/* The labels without a free place named one by one; the others counted. */
#define UNPLACED_NAMED 20

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
    if (r->opt->verbose)
        g_printerr("carte : %zu sommets lus, %zu après simplification\n", ms.vertices_in,
                   ms.vertices_out);
    /* A label with no free place is not drawn: each is worth a word,
     * naming the centre by its number and id, which the reader finds in
     * the directory; past a score, one line counts the others. */
    size_t unplaced = 0, number = 0;
    for (const crpv_centre *c; (c = crpv_map_unplaced_label(map, unplaced, &number)); unplaced++)
        if (unplaced < UNPLACED_NAMED)
            g_ptr_array_add(r->warnings,
                            g_strdup_printf("attention : carte : n°\u00a0%zu %s «\u00a0%s\u00a0» : "
                                            "pas de place pour l’étiquette, numéro seul",
                                            number, c->id, c->nom));
    if (unplaced > UNPLACED_NAMED) {
        g_autofree char *others = french_count(unplaced - UNPLACED_NAMED);
        g_autofree char *all = french_count(unplaced);
        g_autofree char *total = french_count(crpv_directory_count(r->directory));
        g_ptr_array_add(r->warnings,
                        g_strdup_printf("attention : carte : %s autres étiquettes sans place, "
                                        "numéro seul (%s en tout pour %s centres)",
                                        others, all, total));
    }
    const int scale = r->opt->scale ? r->opt->scale : 1;
    double px_per_pt = (double)map_width(r->opt) / crpv_scene_width(scene);
    g_autofree char *title = crpv_map_title(r->directory);
    g_autofree char *desc = crpv_map_description(r->directory);
    progress(r, "Écriture de la carte");
    if (r->opt->format && strcmp(r->opt->format, "png") == 0 && scale != 1) {
        g_autofree char *name = g_strdup_printf("carte@%dx.png", scale);
        crpv_jobs_png_density(r->jobs, name, scene, px_per_pt, scale);
    } else if (wants(r, "png") || wants(r, "html")) {
        /* The largest first: it is the longest job. */
        if (scale > 2) {
            g_autofree char *name = g_strdup_printf("carte@%dx.png", scale);
            crpv_jobs_png_density(r->jobs, name, scene, px_per_pt, scale);
        }
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
        const char *base = r->opt->url_base ? r->opt->url_base : "";
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
        if (!r->opt->each && strcmp(c->id, r->opt->centre) != 0)
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
        double px_per_pt = (double)map_width(r->opt) / crpv_scene_width(scene);
        g_autofree char *png = g_strdup_printf("carte-%s.png", c->id);
        if (wants(r, "png"))
            crpv_jobs_png_density(r->jobs, png, scene, px_per_pt,
                                  r->opt->scale ? r->opt->scale : 1);
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
    crpv_brochure_input bin = {r->content, &in, r->opt->print, map};
    crpv_brochure_stats stats = {0};
    r->pages = crpv_brochure_compose(&bin, &stats, &error);
    if (!r->pages) {
        fail(r, error);
        g_error_free(error);
        return false;
    }
    if (r->pages->len > 2 && !r->opt->quiet)
        printf("La brochure passe à %u pages : l’annuaire (%zu centres) ne tient plus au "
               "verso.\n",
               r->pages->len, crpv_directory_count(r->directory));
    if (r->opt->verbose && stats.body_stepped_down) {
        g_autofree char *from = french_number("%.2g", r->style->body_size);
        g_autofree char *to = french_number("%.2g", stats.body_size);
        g_printerr("recto : corps réduit de %s à %s\u00a0pt pour tenir sur la page\n", from, to);
    }
    progress(r, "Écriture de la brochure");
    const char *stem = r->opt->print ? "brochure-impression" : "brochure";
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
        if (r->opt->print)
            crpv_jobs_print_pdf(r->jobs, name, (const crpv_scene *const *)r->pages->pdata,
                                r->pages->len, &info, r->style, r->opt->icc);
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
    if (r->opt->quiet)
        return;
    double seconds = (g_get_monotonic_time() - r->start_us) / 1e6;
    GString *s = g_string_new(NULL);
    size_t n = 0;
    for (size_t i = 0; i < crpv_batch_count(batch); i++) {
        /* The edition manifest is bookkeeping, not an output to hand on. */
        if (g_str_equal(crpv_batch_name(batch, i), CRPV_EDITION_FILE))
            continue;
        g_autofree char *size = human_size(crpv_batch_size(batch, i));
        g_string_append_printf(s, "%s%s (%s)", n++ ? ", " : "", crpv_batch_name(batch, i), size);
    }
    g_autofree char *t = g_strdup_printf("%.2f", seconds);
    g_strdelimit(t, ".", ',');
    printf("%zu %s dans %s en %s s : %s\n", n, n == 1 ? "fichier écrit" : "fichiers écrits",
           r->opt->out, t, s->str);
    g_string_free(s, TRUE);
}

/* The path of the edition manifest in the output folder (new string). */
static char *edition_path(const run *r)
{
    return g_build_filename(r->opt->out, CRPV_EDITION_FILE, NULL);
}

/* The edition this run makes, or NULL when the directory did not load. */
static crpv_edition *this_edition(const run *r)
{
    if (!r->directory)
        return NULL;
    crpv_directory_stats st = crpv_directory_get_stats(r->directory);
    st.date = r->start;
    return crpv_edition_new(r->directory, &st);
}

/* The report of what changed since the edition recorded in the output
 * folder, as printed (new string), or NULL when there is none to compare
 * with (a first build). */
static char *changes_report(run *r, const crpv_edition *now)
{
    if (r->opt->quiet || !now)
        return NULL;
    g_autofree char *path = edition_path(r);
    GError *error = NULL;
    g_autoptr(crpv_edition) before = crpv_edition_load(path, &error);
    if (!before) {
        /* No previous edition is the first build, not a problem. */
        if (!g_error_matches(error, G_FILE_ERROR, G_FILE_ERROR_NOENT))
            g_ptr_array_add(r->warnings, g_strdup_printf("attention : %s", error->message));
        g_error_free(error);
        return NULL;
    }
    g_autoptr(GPtrArray) changes = crpv_edition_compare(before, now);
    g_autofree char *date = crpv_edition_date_text(before);
    g_autofree char *since = date ? g_strdup_printf("l’édition du %s", date)
                                  : g_strdup("l’édition précédente");
    if (changes->len == 0)
        return g_strdup_printf("Aucun changement depuis %s.\n", since);
    GString *s = g_string_new(NULL);
    g_string_append_printf(s, "%u %s depuis %s :\n", changes->len,
                           changes->len == 1 ? "changement" : "changements", since);
    for (guint i = 0; i < changes->len; i++)
        g_string_append_printf(s, "  %s\n", (char *)changes->pdata[i]);
    return g_string_free(s, FALSE);
}

static void print_changes(run *r, const crpv_edition *now)
{
    g_autofree char *report = changes_report(r, now);
    if (report)
        fputs(report, stdout);
}

static const char *separator_name(char sep)
{
    switch (sep) {
    case ',':
        return "virgule";
    case ';':
        return "point-virgule";
    case '\t':
        return "tabulation";
    default:
        return "?";
    }
}

static const char *encoding_name(const char *enc)
{
    if (g_str_equal(enc, "WINDOWS-1252"))
        return "Windows-1252";
    if (g_str_equal(enc, "MACINTOSH"))
        return "MacRoman";
    if (g_str_equal(enc, "UTF-8+WINDOWS-1252"))
        return "UTF-8 (avec des lignes en Windows-1252)";
    return enc;
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
    for (guint i = 0; p->warnings && i < p->warnings->len; i++)
        g_printerr("brochure-impression.pdf : attention : %s\n",
                   (char *)g_ptr_array_index(p->warnings, i));
    if (!r->opt->quiet) {
        g_autofree char *size = g_strdup_printf("%.1f", p->min_text_size);
        g_autofree char *ink = g_strdup_printf("%.0f", p->max_ink);
        g_strdelimit(size, ".", ',');
        /* A warning (the default US profile, say) is not "nothing to
         * report": the summary says what is left to check. */
        guint warnings = p->warnings ? p->warnings->len : 0;
        g_autofree char *status =
            p->problems->len ? g_strdup("problèmes signalés")
            : warnings       ? g_strdup_printf("%u point%s à vérifier", warnings,
                                               warnings > 1 ? "s" : "")
                             : g_strdup("rien à signaler");
        printf("Contrôle avant impression : %s (PDF/X-4 CMJN, %zu/%zu polices incorporées, "
               "plus petit texte %s pt, encrage maximal %s %%)\n",
               status, p->fonts_embedded, p->fonts, size, ink);
    }
    if (r->opt->verbose) {
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
    crpv_directory_source src = crpv_directory_get_source(r->directory);
    size_t n_regions = r->regions ? crpv_layer_count(r->regions) : 0;
    g_autofree char *centres_path = input_path(r->opt->centres, r->opt->data, "centres.csv");
    if (src.sheet)
        printf("Lu : %s, classeur %s, feuille « %s »\n",
               g_str_equal(centres_path, "-") ? "(entrée standard)" : centres_path, src.format,
               src.sheet);
    else
        printf("Lu : %s, CSV en %s, séparateur %s%s%s\n",
               g_str_equal(centres_path, "-") ? "(entrée standard)" : centres_path,
               encoding_name(src.encoding), separator_name(src.separator),
               src.line_ends ? ", fins de ligne " : "", src.line_ends ? src.line_ends : "");
    printf("Annuaire : %zu %s (%zu %s, %zu en préfiguration), dont %zu en outre-mer\n",
           st.centres, st.centres == 1 ? "centre" : "centres", st.actifs,
           st.actifs == 1 ? "actif" : "actifs", st.prefiguration, st.outremer);
    printf("Régions couvertes : %zu sur %zu (%zu avec un centre actif)\n", st.regions, n_regions,
           st.regions_actifs);
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
    g_autoptr(crpv_edition) now = this_edition(r);
    print_changes(r, now);
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

/* The options each command takes, beyond the common ones. */
static const char *const command_options[][8] = {
    [CMD_BUILD] = {"--print", "--url-base", "--icc", NULL},
    [CMD_BROCHURE] = {"--print", "--format", "--icc", NULL},
    [CMD_MAP] = {"--format", "--width", "--scale", "--url-base", "--centre", "--each", NULL},
    [CMD_CHECK] = {NULL},
    [CMD_WATCH] = {"--print", "--url-base", "--icc", NULL},
    [CMD_INIT] = {NULL},
};

static bool command_takes(command cmd, const char *option)
{
    for (const char *const *o = command_options[cmd]; *o; o++)
        if (g_str_equal(*o, option))
            return true;
    return false;
}

/* An option given to a command that does not take it: exit 2, naming the
 * ones it takes. */
static int option_refused(command cmd, const char *option)
{
    GString *s = g_string_new(NULL);
    for (const char *const *o = command_options[cmd]; *o; o++)
        g_string_append_printf(s, "%s%s", s->len ? ", " : "", *o);
    g_printerr("crpv : l’option %s ne vaut pas pour « crpv %s » ", option, command_names[cmd]);
    if (s->len)
        g_printerr("(ses options propres : %s ; ", s->str);
    else
        g_printerr("(elle n’a pas d’option propre ; ");
    g_printerr("communes : --data, --geo, --fonts, --out, --centres, --feuille, --prose, "
               "--style, --regions, --departements, --quiet, --verbose)\n"
               "Essayez « crpv --help ».\n");
    g_string_free(s, TRUE);
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
        {"feuille", 0, 0, G_OPTION_ARG_STRING, &o->sheet, NULL, NULL},
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
    /* GOption's own help is not in French: ours replaces it. */
    GOptionContext *oc = g_option_context_new(NULL);
    g_option_context_set_help_enabled(oc, FALSE);
    g_option_context_add_main_entries(oc, entries, NULL);
    GError *error = NULL;
    bool ok = g_option_context_parse(oc, &argc, &argv, &error);
    g_option_context_free(oc);
    if (!ok) {
        /* GLib's messages follow the locale; ours are French always. */
        int rc;
        if (error->code == G_OPTION_ERROR_UNKNOWN_OPTION) {
            const char *opt = strstr(error->message, "--");
            g_autofree char *name = opt ? g_strdup(opt) : g_strdup(error->message);
            rc = usage_error("option inconnue %s", name);
        } else if (error->code == G_OPTION_ERROR_BAD_VALUE) {
            rc = usage_error("valeur d’option invalide (%s)", error->message);
        } else {
            rc = usage_error("option sans sa valeur (%s)", error->message);
        }
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
        else if (strcmp(c, "watch") == 0)
            o->cmd = CMD_WATCH;
        else if (strcmp(c, "init") == 0)
            o->cmd = CMD_INIT;
        else
            return usage_error("commande « %s » inconnue (build, brochure, map, check, watch ou "
                               "init)",
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
    if (o->format && !command_takes(o->cmd, "--format"))
        return option_refused(o->cmd, "--format");
    if (o->width && !command_takes(o->cmd, "--width"))
        return option_refused(o->cmd, "--width");
    if (o->scale && !command_takes(o->cmd, "--scale"))
        return option_refused(o->cmd, "--scale");
    if (o->print && !command_takes(o->cmd, "--print"))
        return option_refused(o->cmd, "--print");
    if (o->icc && !command_takes(o->cmd, "--icc"))
        return option_refused(o->cmd, "--icc");
    if (o->url_base && !command_takes(o->cmd, "--url-base"))
        return option_refused(o->cmd, "--url-base");
    if (o->centre && !command_takes(o->cmd, "--centre"))
        return option_refused(o->cmd, "--centre");
    if (o->each && !command_takes(o->cmd, "--each"))
        return option_refused(o->cmd, "--each");
    if (o->format) {
        const char *allowed = o->cmd == CMD_BROCHURE ? "pdf svg png" : "png svg pdf html";
        g_auto(GStrv) list = g_strsplit(allowed, " ", -1);
        if (!g_strv_contains((const char *const *)list, o->format))
            return usage_error("format « %s » inconnu pour cette commande", o->format);
    }
    if (o->width && (o->width < 100 || o->width > 10000))
        return usage_error("--width doit être entre 100 et 10000 pixels%s", "");
    if (o->scale && (o->scale < 1 || o->scale > 4))
        return usage_error("--scale doit être entre 1 et 4%s", "");
    if (o->cmd == CMD_WATCH && o->centres && g_str_equal(o->centres, "-"))
        return usage_error("watch ne peut pas surveiller l’entrée standard (--centres %s)", "-");
    if (o->url_base) {
        for (const unsigned char *c = (const unsigned char *)o->url_base; *c; c++)
            if (*c <= 0x20 || *c == 0x7f || *c == '"' || *c == '<' || *c == '>' || *c == '\\')
                return usage_error("--url-base « %s » : une adresse ne contient ni espace ni "
                                   "guillemet ni chevron",
                                   o->url_base);
        if (!g_utf8_validate(o->url_base, -1, NULL))
            return usage_error("--url-base : adresse mal encodée%s", "");
    }
    if (o->icc && !o->print)
        return usage_error("--icc ne vaut qu’avec --print%s", "");
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


/* Writes the outputs of a build, brochure or map command. */
static void produce(run *r)
{
    GError *error = NULL;
    crpv_batch *batch = crpv_batch_new(r->opt->out, &error);
    if (!batch) {
        fail(r, error);
        g_error_free(error);
        return;
    }
    command cmd = r->opt->cmd == CMD_WATCH ? CMD_BUILD : r->opt->cmd;
    /* The map's files are queued first: the second core renders them
     * while this one composes the brochure. */
    r->jobs = crpv_jobs_new(r->opt->fonts);
    bool ok = true;
    if (r->opt->centre && !has_centre(r->directory, r->opt->centre)) {
        usage_error("centre « %s » inconnu de l’annuaire (voir la colonne id)", r->opt->centre);
        r->status = CRPV_EXIT_USAGE;
        ok = false;
    } else if (r->opt->centre || r->opt->each) {
        ok = write_centre_maps(r, batch);
    } else if (cmd == CMD_BUILD || cmd == CMD_MAP) {
        ok = write_map(r, batch);
    }
    if (ok && (cmd == CMD_BUILD || cmd == CMD_BROCHURE))
        ok = write_brochure(r);
    if (ok && !crpv_jobs_finish(r->jobs, r->ctx, batch, &error)) {
        fail(r, error);
        g_clear_error(&error);
        ok = false;
    }
    /* The edition is written with the outputs, atomically: it always
     * describes the files beside it. */
    g_autoptr(crpv_edition) now = ok ? this_edition(r) : NULL;
    if (ok) {
        size_t len = 0;
        g_autofree char *data = crpv_edition_to_data(now, &len);
        ok = crpv_batch_add_bytes(batch, CRPV_EDITION_FILE, data, len, &error);
        if (!ok) {
            fail(r, error);
            g_clear_error(&error);
        }
    }
    /* Compared before the commit replaces the previous edition, told after
     * it succeeds. */
    g_autofree char *report = ok ? changes_report(r, now) : NULL;
    if (ok && !crpv_batch_commit(batch, &error)) {
        fail(r, error);
        g_error_free(error);
        ok = false;
    }
    progress_done(r);
    if (ok && report)
        fputs(report, stdout);
    if (ok) {
        print_summary(r, batch);
        print_preflight(r);
    }
    crpv_batch_free(batch);
}

/* One run of COMMAND on the inputs: returns its exit status. */
static int run_once(const options *opt)
{
    run r = {0};
    r.opt = opt;
    r.warnings = g_ptr_array_new_with_free_func(g_free);
    r.errors = g_string_new(NULL);
    r.start_us = g_get_monotonic_time();
    r.progress = !opt->quiet && isatty(STDOUT_FILENO);
    g_auto(GStrv) inputs = input_paths(opt);
    r.start = crpv_output_date((const char *const *)inputs);
    bool prose = opt->cmd != CMD_MAP;
    load_inputs(&r, prose);
    /* The fonts are an input too: check verifies them and what they must
     * draw. */
    if (r.status == 0 && load_fonts(&r))
        check_glyphs(&r);

    if (r.status == 0 && opt->cmd == CMD_CHECK) {
        progress_done(&r);
        if (!opt->quiet)
            print_check(&r);
        if (!r.opt->quiet && r.opt->verbose)
            check_recto(&r);
    } else if (r.status == 0) {
        produce(&r);
    }
    progress_done(&r);
    /* Warnings always show: a missing .prj or an empty prose file changes
     * the output, and --quiet silences only the summary (DESIGN §3). */
    for (guint i = 0; i < r.warnings->len; i++)
        g_printerr("%s\n", (char *)g_ptr_array_index(r.warnings, i));
    if (r.errors->len) {
        fputs(r.errors->str, stderr);
        /* check writes nothing: only the other commands speak of outputs. */
        if (opt->cmd == CMD_CHECK)
            g_printerr("crpv : %s\n", r.status == CRPV_EXIT_INPUT ? "entrées invalides"
                                                                   : "échec de la lecture");
        else if (r.status == CRPV_EXIT_INPUT)
            g_printerr("crpv : entrées invalides, rien n’a été écrit\n");
        else
            g_printerr("crpv : échec, les sorties précédentes sont intactes\n");
    }
    int rc = r.status;
    run_clear(&r);
    return rc;
}

static void rebuild(void *user)
{
    const options *o = user;
    GDateTime *now = g_date_time_new_now_local();
    g_autofree char *t = g_date_time_format(now, "%H:%M:%S");
    g_date_time_unref(now);
    if (!o->quiet)
        printf("— %s : reconstruction —\n", t);
    fflush(stdout);
    int rc = run_once(o);
    if (rc != 0)
        printf("Erreurs ci-dessus : les sorties précédentes restent en place.\n");
    fflush(stdout);
    fflush(stderr);
}

static void watching(void *user)
{
    const options *o = user;
    if (!o->quiet)
        printf("Surveillance de l’annuaire, du texte, du style et des contours "
               "(Ctrl+C pour arrêter)…\n");
    fflush(stdout);
}

/* crpv watch: a first build, then one after each save. */
static int watch(options *o)
{
    o->cmd = CMD_WATCH;
    rebuild(o);
    g_auto(GStrv) inputs = input_paths(o);
    GError *error = NULL;
    if (!crpv_watch_run((const char *const *)inputs, 300, rebuild, watching, o, &error)) {
        g_printerr("crpv : %s\n", error->message);
        g_error_free(error);
        return CRPV_EXIT_IO;
    }
    return 0;
}

/* Messages are UTF-8 whatever the locale: GLib would turn « é » into
 * « ? » under LANG=C, where the console's charset is ASCII. */
static void print_raw(const char *s)
{
    fputs(s, stdout);
}

static void printerr_raw(const char *s)
{
    fputs(s, stderr);
}

int crpv_cli_main(int argc, char **argv)
{
    setlocale(LC_ALL, "");
    /* Numbers in files are written the same whatever the user's locale. */
    setlocale(LC_NUMERIC, "C");
    g_set_print_handler(print_raw);
    g_set_printerr_handler(printerr_raw);
    options o = {0};
    int rc = parse_options(&o, argc, argv);
    if (rc != 0) {
        if (rc < 0) {
            fputs(o.help ? help_text : version_text, stdout);
            rc = 0;
        }
    } else if (o.cmd == CMD_INIT) {
        rc = run_init(&o);
    } else if ((rc = missing_inputs(&o)) != 0) {
        /* Said in one line already. */
    } else if (o.cmd == CMD_WATCH) {
        rc = watch(&o);
    } else {
        rc = run_once(&o);
    }
    options_clear(&o);
    return rc;
}
