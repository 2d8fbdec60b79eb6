/* Boundary files as French GIS users have them, made here from the shipped
 * ones: IGN-derived files in Lambert-93 with their own field names and
 * Windows-1252 names without .cpg (CARTElette), overseas regions moved
 * next to the mainland, a regions file without the overseas; and what the
 * crpv program makes of each, run as a user runs it. */
#include "testutil.h"

#include <math.h>
#include <shapefil.h>
#include <string.h>

#include "checks.h"
#include "composite.h"
#include "directory.h"
#include "fonts.h"
#include "geo.h"
#include "projection.h"
#include "style.h"

#define RUN(cwd, out, err, ...) \
    tu_run_crpv((cwd), (out), (err), (const char *const[]){__VA_ARGS__, NULL})

static const char lambert93_wkt[] =
    "PROJCS[\"RGF_1993_Lambert_93\",GEOGCS[\"GCS_RGF_1993\",DATUM[\"D_RGF_1993\","
    "SPHEROID[\"GRS_1980\",6378137.0,298.257222101]],PRIMEM[\"Greenwich\",0.0],"
    "UNIT[\"Degree\",0.0174532925199433]],PROJECTION[\"Lambert_Conformal_Conic\"],"
    "PARAMETER[\"False_Easting\",700000.0],PARAMETER[\"False_Northing\",6600000.0],"
    "PARAMETER[\"Central_Meridian\",3.0],PARAMETER[\"Standard_Parallel_1\",49.0],"
    "PARAMETER[\"Standard_Parallel_2\",44.0],PARAMETER[\"Latitude_Of_Origin\",46.5],"
    "UNIT[\"Meter\",1.0]]";

/* The overseas regions, their départements and the CRS of their insets. */
static const struct {
    const char *region, *departement, *crs;
} overseas[] = {
    {"01", "971", "EPSG:5490"}, {"02", "972", "EPSG:5490"}, {"03", "973", "EPSG:2972"},
    {"04", "974", "EPSG:2975"}, {"06", "976", "EPSG:4471"},
};

typedef enum { OVERSEAS_TRUE, OVERSEAS_MOVED, OVERSEAS_TURNED, OVERSEAS_NONE } overseas_mode;

static int overseas_index(const char *code)
{
    for (size_t i = 0; i < G_N_ELEMENTS(overseas); i++)
        if (strcmp(overseas[i].region, code) == 0 || strcmp(overseas[i].departement, code) == 0)
            return (int)i;
    return -1;
}

/* SHAPE (degrees) in the CRS TO. */
static void project(crpv_shape *shape, const char *to)
{
    g_autoptr(GError) error = NULL;
    g_autoptr(crpv_projection) p = crpv_projection_new("EPSG:4326", to, &error);
    if (!p || !crpv_projection_apply_shape(p, shape, &error))
        fail_msg("%s", error->message);
}

/* Where the overseas region I lands when moved: a column west of
 * Brittany, as CARTElette arranges them, at the true scale. The
 * translation is taken from the region's own box so that its
 * départements move with it. */
static crpv_point moved_offset(const crpv_layer *regions, int i)
{
    crpv_shape s = crpv_shape_copy(&crpv_layer_find(regions, overseas[i].region)->shape);
    project(&s, overseas[i].crs);
    crpv_rect b = crpv_shape_bbox(&s);
    crpv_shape_clear(&s);
    crpv_point target = {i == 2 ? -250000 : -60000, 7000000 - 260000 * i};
    return (crpv_point){target.x - (b.x0 + b.x1) / 2, target.y - (b.y0 + b.y1) / 2};
}

/* Writes DIR/NAME.{shp,shx,dbf,prj} from the shipped layer SHIPPED in
 * Lambert-93, with the fields CODE_FIELD and NOM in Windows-1252 and
 * neither .cpg nor language driver, as CARTElette's files come. */
static char *write_ign_like(const char *dir, const char *name, const char *shipped,
                            const char *code_field, overseas_mode mode)
{
    g_autofree char *src = tu_source_path(shipped);
    g_autoptr(GError) error = NULL;
    g_autoptr(crpv_layer) layer = crpv_layer_load(src, NULL, NULL, NULL, &error);
    g_autofree char *rsrc = tu_source_path("geo/regions-avec-outre-mer.shp");
    g_autoptr(crpv_layer) regions = crpv_layer_load(rsrc, NULL, NULL, NULL, &error);
    assert_non_null(layer);
    assert_non_null(regions);
    g_autofree char *base = g_build_filename(dir, name, NULL);
    SHPHandle shp = SHPCreate(base, SHPT_POLYGON);
    g_autofree char *dbf_path = g_strconcat(base, ".dbf", NULL);
    DBFHandle dbf = DBFCreate(dbf_path);
    DBFAddField(dbf, code_field, FTString, 3, 0);
    DBFAddField(dbf, "NOM", FTString, 60, 0);
    int rec = 0;
    for (size_t i = 0; i < crpv_layer_count(layer); i++) {
        const crpv_feature *f = crpv_layer_nth(layer, i);
        int o = overseas_index(f->code);
        if (o >= 0 && mode == OVERSEAS_NONE)
            continue;
        crpv_shape s = crpv_shape_copy(&f->shape);
        if (o >= 0 && (mode == OVERSEAS_MOVED || mode == OVERSEAS_TURNED)) {
            project(&s, overseas[o].crs);
            crpv_point d = moved_offset(regions, o);
            crpv_rect b = crpv_shape_bbox(&s);
            crpv_point c = {(b.x0 + b.x1) / 2, (b.y0 + b.y1) / 2};
            for (size_t r = 0; r < s.n_rings; r++)
                for (size_t k = 0; k < s.rings[r].n; k++) {
                    crpv_point *q = &s.rings[r].pts[k];
                    /* Turned a quarter round its middle: no scale nor
                     * translation explains it. */
                    if (mode == OVERSEAS_TURNED)
                        *q = (crpv_point){c.x - (q->y - c.y), c.y + (q->x - c.x)};
                    q->x += d.x;
                    q->y += d.y;
                }
        } else {
            project(&s, "EPSG:2154");
        }
        size_t n = crpv_shape_n_points(&s), k = 0;
        double *x = g_new(double, n), *y = g_new(double, n);
        int *starts = g_new(int, s.n_rings);
        for (size_t r = 0; r < s.n_rings; r++) {
            starts[r] = (int)k;
            for (size_t j = 0; j < s.rings[r].n; j++, k++) {
                x[k] = s.rings[r].pts[j].x;
                y[k] = s.rings[r].pts[j].y;
            }
        }
        SHPObject *obj = SHPCreateObject(SHPT_POLYGON, -1, (int)s.n_rings, starts, NULL, (int)n,
                                         x, y, NULL, NULL);
        SHPWriteObject(shp, -1, obj);
        SHPDestroyObject(obj);
        g_autofree char *nom = g_convert(f->nom, -1, "WINDOWS-1252", "UTF-8", NULL, NULL, NULL);
        assert_non_null(nom);
        DBFWriteStringAttribute(dbf, rec, 0, f->code);
        DBFWriteStringAttribute(dbf, rec, 1, nom);
        rec++;
        g_free(x);
        g_free(y);
        g_free(starts);
        crpv_shape_clear(&s);
    }
    SHPClose(shp);
    DBFClose(dbf);
    /* Neither language driver nor .cpg: the names' encoding is a guess. */
    gsize len = 0;
    char *bytes = NULL;
    assert_true(g_file_get_contents(dbf_path, &bytes, &len, NULL));
    bytes[29] = 0;
    g_autofree char *dbf_name = g_strconcat(name, ".dbf", NULL);
    g_free(tu_write_file(dir, dbf_name, bytes, len));
    g_free(bytes);
    g_autofree char *prj = g_strconcat(name, ".prj", NULL);
    g_free(tu_write_file(dir, prj, lambert93_wkt, strlen(lambert93_wkt)));
    return g_strconcat(base, ".shp", NULL);
}

static void assert_has(const char *haystack, const char *needle)
{
    if (!strstr(haystack, needle))
        fail_msg("« %s » not found in:\n%s", needle, haystack);
}

/* IGN files in Lambert-93 with the overseas at their true places and
 * INSEE_REG/INSEE_DEP/NOM fields: no configuration, the same map. */
static void test_admin_express_without_configuration(void **state)
{
    (void)state;
    g_autofree char *dir = tu_tmpdir();
    g_autofree char *reg = write_ign_like(dir, "REGION", "geo/regions-avec-outre-mer.shp",
                                          "INSEE_REG", OVERSEAS_TRUE);
    g_autofree char *dep = write_ign_like(dir, "DEPARTEMENT",
                                          "geo/departements-avec-outre-mer.shp", "INSEE_DEP",
                                          OVERSEAS_TRUE);
    g_autofree char *out = NULL, *err = NULL;
    int rc = RUN(NULL, &out, &err, "check", "--regions", reg, "--departements", dep);
    if (rc != 0)
        fail_msg("exit %d: %s", rc, err);
    assert_has(out, "Régions couvertes : 17 sur 18");
    /* The names were guessed as Windows-1252, and it says so. */
    assert_has(err, "REGION.dbf: attention : encodage non déclaré");
    assert_null(strstr(err, "déplacée"));
    /* No credit beside these files: the map's is the shipped one, and the
     * user is told to give the right one. */
    assert_has(err, "attention : ni credit.txt ni README citant « Source : … » à côté des "
                    "contours ; la carte porte « Source : IGN – Admin Express COG 2018 »");
    tu_rmtree(dir);
}

/* CARTElette: overseas regions already moved next to the mainland. */
static void test_moved_overseas_drawn_as_they_are(void **state)
{
    (void)state;
    g_autofree char *dir = tu_tmpdir();
    g_autofree char *reg = write_ign_like(dir, "REG_2022_CARTElette",
                                          "geo/regions-avec-outre-mer.shp", "REG", OVERSEAS_MOVED);
    g_autofree char *dep = write_ign_like(dir, "DEP_2022_CARTElette",
                                          "geo/departements-avec-outre-mer.shp", "DEP",
                                          OVERSEAS_MOVED);
    /* The directory with a centre in a moved département: its true
     * coordinates are not checked against the moved outline. */
    g_autofree char *csv = tu_read_source("data/centres.csv", NULL);
    g_autofree char *csv2 = g_strconcat(
        csv, "crpv-test-974,Centre de test,,La Réunion,04,974,02 62 00 00 00,www.example.org,,"
             "Saint-Denis,55.4504,-20.8823,actif\n",
        NULL);
    g_autofree char *centres = tu_write_file(dir, "centres.csv", csv2, strlen(csv2));
    /* The files' own credit, not the shipped one's. */
    const char *credit = "Source : IGN – CARTElette 2022\n";
    g_free(tu_write_file(dir, "credit.txt", credit, strlen(credit)));
    g_autofree char *outdir = g_build_filename(dir, "out", NULL);
    g_autofree char *out = NULL, *err = NULL;
    int rc = RUN(NULL, &out, &err, "map", "--format", "svg", "--regions", reg, "--departements",
                 dep, "--centres", centres, "--out", outdir);
    if (rc != 0)
        fail_msg("exit %d: %s", rc, err);
    g_autofree char *warning = g_strdup_printf(
        "%s: attention : Guadeloupe, Martinique, Guyane, La Réunion, Mayotte déjà déplacées près "
        "de la métropole par le fichier ; dessinées là où il les place, sans encart",
        reg);
    assert_has(err, warning);
    g_autofree char *svg_path = g_build_filename(outdir, "carte.svg", NULL);
    g_autofree char *svg = NULL;
    assert_true(g_file_get_contents(svg_path, &svg, NULL, NULL));
    /* Overseas regions drawn, no inset frame for them, Île-de-France's
     * still there. */
    assert_has(svg, "id=\"region-02\"");
    assert_has(svg, "id=\"region-04\"");
    assert_null(strstr(svg, "Martinique</title></rect>"));
    assert_has(svg, "Île-de-France</title></rect>");
    assert_has(svg, "Source : IGN – CARTElette 2022");
    assert_null(strstr(svg, "Admin Express"));
    tu_rmtree(dir);
}

/* CARTElette's départements with the shipped regions: the overseas
 * départements are recognised as moved on their own, and the coordinates
 * of a centre serving one are not checked against the moved outline. */
static void test_moved_departements_alone(void **state)
{
    (void)state;
    g_autofree char *dir = tu_tmpdir();
    g_autofree char *dep = write_ign_like(dir, "DEP", "geo/departements-avec-outre-mer.shp",
                                          "DEP", OVERSEAS_MOVED);
    g_autofree char *csv = tu_read_source("data/centres.csv", NULL);
    g_autofree char *csv2 = g_strconcat(
        csv, "crpv-test-974,Centre de test,,La Réunion,04,974,02 62 00 00 00,www.example.org,,"
             "Saint-Denis,55.4504,-20.8823,actif\n",
        NULL);
    g_autofree char *centres = tu_write_file(dir, "centres.csv", csv2, strlen(csv2));
    g_autofree char *out = NULL, *err = NULL;
    int rc = RUN(NULL, &out, &err, "check", "--departements", dep, "--centres", centres);
    if (rc != 0)
        fail_msg("exit %d: %s", rc, err);
    g_autofree char *w = g_strdup_printf("%s: attention : départements 971, 972, 973, 976, 974 "
                                         "déjà déplacés près de la métropole par le fichier",
                                         dep);
    assert_has(err, w);
    assert_null(strstr(err, "hors du territoire"));
    tu_rmtree(dir);
}

/* The width-to-height ratio of SHAPE's box. */
static double aspect(const crpv_shape *shape)
{
    crpv_rect b = crpv_shape_bbox(shape);
    return crpv_rect_width(b) / crpv_rect_height(b);
}

/* The moved regions keep the shape they have in their own projection:
 * not projected again (the rotated Martinique of a naive reading). */
static void test_moved_overseas_undistorted(void **state)
{
    (void)state;
    g_autofree char *dir = tu_tmpdir();
    g_autofree char *reg = write_ign_like(dir, "REG", "geo/regions-avec-outre-mer.shp", "REG",
                                          OVERSEAS_MOVED);
    g_autoptr(GError) error = NULL;
    g_autoptr(crpv_layer) regions = crpv_layer_load(reg, NULL, NULL, NULL, &error);
    assert_non_null(regions);
    /* Fields found, Windows-1252 names without .cpg decoded right. */
    assert_string_equal(crpv_layer_find(regions, "11")->nom, "Île-de-France");
    assert_string_equal(crpv_layer_find(regions, "04")->nom, "La Réunion");
    g_autoptr(crpv_style) style = crpv_style_new_default();
    g_autoptr(GPtrArray) warnings = g_ptr_array_new_with_free_func(g_free);
    g_autofree char *truth_path = tu_source_path("geo/regions-avec-outre-mer.shp");
    crpv_check_boundaries(regions, NULL, truth_path, style, warnings);
    /* The moved regions and the missing credit. */
    assert_int_equal(warnings->len, 2);
    assert_true(strstr(warnings->pdata[0], "déjà déplacées près de la métropole"));
    assert_int_equal(style->n_insets, 1);
    assert_string_equal(style->insets[0].code, "idf");

    g_autofree char *csv = g_strdup("id,nom,territoire,regions,statut\n"
                                    "a,Centre A,Martinique,02,actif\n"
                                    "b,Centre B,Bretagne,53,actif\n");
    g_autoptr(crpv_directory) directory =
        crpv_directory_parse(csv, strlen(csv), "t.csv", regions, NULL, NULL, &error);
    if (!directory)
        fail_msg("%s", error->message);
    PangoContext *ctx = crpv_fonts_context_new("fonts", &error);
    assert_non_null(ctx);
    crpv_map_input in = {regions, NULL, directory, style, ctx};
    g_autoptr(crpv_map) map = crpv_map_compose(&in, 540, 0.2, &error);
    if (!map)
        fail_msg("%s", error->message);
    assert_int_equal(crpv_map_frame_count(map), 1); /* no Île-de-France without départements */
    size_t n = 0;
    const crpv_shape *shapes = crpv_map_frame_shapes(map, 0, &n);
    assert_int_equal(n, 18);

    g_autofree char *shipped = tu_source_path("geo/regions-avec-outre-mer.shp");
    g_autoptr(crpv_layer) truth = crpv_layer_load(shipped, NULL, NULL, NULL, &error);
    for (size_t i = 0; i < n; i++) {
        const crpv_feature *f = crpv_layer_nth(regions, i);
        int o = overseas_index(f->code);
        if (o < 0)
            continue;
        assert_true(f->moved);
        crpv_shape s = crpv_shape_copy(&crpv_layer_find(truth, f->code)->shape);
        project(&s, overseas[o].crs);
        /* The map flips y: the box's ratio is unchanged. Simplification
         * moves a box by a fraction of a point. */
        double want = aspect(&s), got = aspect(&shapes[i]);
        print_message("%s: aspect %.3f, on the map %.3f\n", f->code, want, got);
        assert_double_near(got, want, 0.05 * want);
        crpv_shape_clear(&s);
    }
    g_object_unref(ctx);
    tu_rmtree(dir);
}

/* Overseas regions moved and turned: the displacement is not recognised,
 * which the user is told, and the centres are marked at the heart of
 * their territory, inside it. */
static void test_moved_overseas_turned(void **state)
{
    (void)state;
    g_autofree char *dir = tu_tmpdir();
    g_autofree char *reg = write_ign_like(dir, "REG", "geo/regions-avec-outre-mer.shp", "REG",
                                          OVERSEAS_TURNED);
    g_autofree char *out = NULL, *err = NULL;
    g_autofree char *outdir = g_build_filename(dir, "out", NULL);
    int rc = RUN(NULL, &out, &err, "map", "--format", "svg", "--regions", reg, "--out", outdir);
    if (rc != 0)
        fail_msg("exit %d: %s", rc, err);
    g_autofree char *w = g_strdup_printf(
        "%s: attention : Guadeloupe, Martinique, Guyane, La Réunion, Mayotte : déplacement non "
        "reconnu (ni échelle ni translation seules), centres repérés au cœur du territoire",
        reg);
    assert_has(err, w);
    g_autoptr(GError) error = NULL;
    g_autoptr(crpv_layer) regions = crpv_layer_load(reg, NULL, NULL, NULL, &error);
    g_autofree char *truth = tu_source_path("geo/regions-avec-outre-mer.shp");
    g_autoptr(crpv_style) style = crpv_style_new_default();
    g_autoptr(GPtrArray) warnings = g_ptr_array_new_with_free_func(g_free);
    crpv_check_boundaries(regions, NULL, truth, style, warnings);
    for (size_t i = 0; i < G_N_ELEMENTS(overseas); i++) {
        const crpv_feature *f = crpv_layer_find(regions, overseas[i].region);
        assert_true(f->moved);
        assert_null(f->carry);
    }
    tu_rmtree(dir);
}

/* A regions file with only the 13 metropolitan regions: the map is made,
 * the overseas insets empty, with a warning for each. */
static void test_metropolitan_regions_only(void **state)
{
    (void)state;
    g_autofree char *dir = tu_tmpdir();
    g_autofree char *reg = write_ign_like(dir, "regions-metropole",
                                          "geo/regions-avec-outre-mer.shp", "code", OVERSEAS_NONE);
    g_autofree char *out = NULL, *err = NULL;
    g_autofree char *outdir = g_build_filename(dir, "out", NULL);
    int rc = RUN(NULL, &out, &err, "map", "--format", "svg", "--regions", reg, "--out", outdir);
    if (rc != 0)
        fail_msg("exit %d: %s", rc, err);
    g_autofree char *w = g_strdup_printf("%s: attention : pas de contour pour la région « Guyane » "
                                         "(03), son encart reste vide",
                                         reg);
    assert_has(err, w);
    g_autofree char *svg_path = g_build_filename(outdir, "carte.svg", NULL);
    g_autofree char *svg = NULL;
    assert_true(g_file_get_contents(svg_path, &svg, NULL, NULL));
    /* The inset is there, empty of land, with its centre's marker. */
    assert_has(svg, "Guyane</title></rect>");
    assert_null(strstr(svg, "id=\"region-03\""));
    assert_has(svg, "Centre de ressources Politique de la ville (Guyane)");
    tu_rmtree(dir);
}

/* A missing boundary file: exit 3, one line per missing file. */
static void test_missing_boundaries(void **state)
{
    (void)state;
    g_autofree char *out = NULL, *err = NULL;
    int rc = RUN(NULL, &out, &err, "check", "--regions", "nowhere/regions.shp", "--departements",
                 "nowhere/departements.shp");
    assert_int_equal(rc, 3);
    assert_has(err, "nowhere/regions.shp: fichier introuvable\n");
    assert_has(err, "nowhere/departements.shp: fichier introuvable\n");
    assert_null(strstr(err, ".shx"));
    assert_null(strstr(err, ".dbf"));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_admin_express_without_configuration),
        cmocka_unit_test(test_moved_overseas_drawn_as_they_are),
        cmocka_unit_test(test_moved_overseas_undistorted),
        cmocka_unit_test(test_moved_departements_alone),
        cmocka_unit_test(test_moved_overseas_turned),
        cmocka_unit_test(test_metropolitan_regions_only),
        cmocka_unit_test(test_missing_boundaries),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
