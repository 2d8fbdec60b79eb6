/* Tests of the geo module: the shipped boundaries, configurable fields,
 * other CRSs and encodings, and malformed shapefiles made here with
 * shapelib and then broken byte by byte. */
#include "testutil.h"

#include <math.h>
#include <shapefil.h>
#include <string.h>

#include "geo.h"
#include "projection.h"

static const char lambert93_wkt[] =
    "PROJCS[\"RGF_1993_Lambert_93\",GEOGCS[\"GCS_RGF_1993\",DATUM[\"D_RGF_1993\","
    "SPHEROID[\"GRS_1980\",6378137.0,298.257222101]],PRIMEM[\"Greenwich\",0.0],"
    "UNIT[\"Degree\",0.0174532925199433]],PROJECTION[\"Lambert_Conformal_Conic\"],"
    "PARAMETER[\"False_Easting\",700000.0],PARAMETER[\"False_Northing\",6600000.0],"
    "PARAMETER[\"Central_Meridian\",3.0],PARAMETER[\"Standard_Parallel_1\",49.0],"
    "PARAMETER[\"Standard_Parallel_2\",44.0],PARAMETER[\"Latitude_Of_Origin\",46.5],"
    "UNIT[\"Meter\",1.0]]";

static const char wgs84_wkt[] =
    "GEOGCS[\"GCS_WGS_1984\",DATUM[\"D_WGS_1984\",SPHEROID[\"WGS_1984\",6378137.0,"
    "298.257223563]],PRIMEM[\"Greenwich\",0.0],UNIT[\"Degree\",0.0174532925199433]]";

static crpv_layer *load_shipped(const char *name)
{
    g_autofree char *rel = g_strconcat("geo/", name, ".shp", NULL);
    g_autofree char *path = tu_source_path(rel);
    g_autoptr(GError) error = NULL;
    g_autoptr(GPtrArray) warnings = g_ptr_array_new_with_free_func(g_free);
    crpv_layer *layer = crpv_layer_load(path, "code", "nom", warnings, &error);
    if (!layer)
        fail_msg("%s", error->message);
    assert_int_equal(warnings->len, 0);
    return layer;
}

static void test_regions(void **state)
{
    (void)state;
    g_autoptr(crpv_layer) layer = load_shipped("regions-avec-outre-mer");
    assert_int_equal(crpv_layer_count(layer), 18);
    assert_true(g_str_has_suffix(crpv_layer_path(layer), "regions-avec-outre-mer.shp"));
    const char *metro[] = {"11", "24", "27", "28", "32", "44", "52",
                           "53", "75", "76", "84", "93", "94"};
    for (size_t i = 0; i < G_N_ELEMENTS(metro); i++) {
        const crpv_feature *f = crpv_layer_find(layer, metro[i]);
        assert_non_null(f);
        assert_true(f->bbox.x0 > -5.5 && f->bbox.x1 < 10 && f->bbox.y0 > 41 && f->bbox.y1 < 51.2);
        assert_true(crpv_rect_width(f->bbox) > 0.5);
        assert_true(f->shape.n_rings >= 1);
        for (size_t r = 0; r < f->shape.n_rings; r++) {
            const crpv_ring *ring = &f->shape.rings[r];
            assert_true(ring->n >= 4);
            assert_true(ring->pts[0].x == ring->pts[ring->n - 1].x &&
                        ring->pts[0].y == ring->pts[ring->n - 1].y);
        }
    }
    assert_string_equal(crpv_layer_find(layer, "11")->nom, "Île-de-France");
    assert_string_equal(crpv_layer_find(layer, "93")->nom, "Provence-Alpes-Côte d'Azur");
    assert_string_equal(crpv_layer_find(layer, "27")->nom, "Bourgogne-Franche-Comté");
    /* Paris is in Île-de-France, not in Centre-Val de Loire. */
    crpv_point paris = {2.3522, 48.8566};
    assert_true(crpv_shape_contains(&crpv_layer_find(layer, "11")->shape, paris));
    assert_false(crpv_shape_contains(&crpv_layer_find(layer, "24")->shape, paris));
    const crpv_feature *reunion = crpv_layer_find(layer, "04");
    assert_string_equal(reunion->nom, "La Réunion");
    assert_true(reunion->bbox.x0 > 55 && reunion->bbox.x1 < 56 && reunion->bbox.y1 < -20.5);
    const crpv_feature *guyane = crpv_layer_find(layer, "03");
    assert_true(guyane->bbox.x0 > -55 && guyane->bbox.y1 < 6);
    assert_non_null(crpv_layer_find(layer, "06"));
    assert_null(crpv_layer_find(layer, "99"));
    assert_null(crpv_layer_nth(layer, 18));
}

static void test_departements(void **state)
{
    (void)state;
    g_autoptr(crpv_layer) layer = load_shipped("departements-avec-outre-mer");
    assert_int_equal(crpv_layer_count(layer), 101);
    assert_string_equal(crpv_layer_find(layer, "2A")->nom, "Corse-du-Sud");
    assert_string_equal(crpv_layer_find(layer, "2B")->nom, "Haute-Corse");
    assert_string_equal(crpv_layer_find(layer, "971")->nom, "Guadeloupe");
    assert_string_equal(crpv_layer_find(layer, "976")->nom, "Mayotte");
    assert_string_equal(crpv_layer_find(layer, "06")->nom, "Alpes-Maritimes");
    assert_string_equal(crpv_layer_find(layer, "93")->nom, "Seine-Saint-Denis");
    assert_null(crpv_layer_find(layer, "20"));
}

static void test_field_names(void **state)
{
    (void)state;
    g_autofree char *path = tu_source_path("geo/regions-avec-outre-mer.shp");
    g_autoptr(GError) error = NULL;
    /* Field names match whatever their case. */
    g_autoptr(crpv_layer) layer = crpv_layer_load(path, "CODE", "Nom", NULL, &error);
    assert_non_null(layer);
    assert_int_equal(crpv_layer_count(layer), 18);

    crpv_layer *bad = crpv_layer_load(path, "INSEE_REG", "NOM", NULL, &error);
    assert_null(bad);
    assert_non_null(error);
    print_message("%s\n", error->message);
    assert_non_null(strstr(error->message, "regions-avec-outre-mer.dbf: champ « INSEE_REG » absent "
                                           "(champs présents : code, nom)"));
    assert_null(strchr(error->message, '\n'));
}

static void test_built_layer(void **state)
{
    (void)state;
    g_autoptr(crpv_layer) layer = crpv_layer_new();
    crpv_shape s = {NULL, 0};
    crpv_point sq[] = {{0, 0}, {1, 0}, {1, 1}, {0, 1}, {0, 0}};
    crpv_shape_add_ring(&s, sq, 5);
    crpv_layer_add(layer, "X", "Ixe", s);
    assert_int_equal(crpv_layer_count(layer), 1);
    assert_string_equal(crpv_layer_path(layer), "");
    const crpv_feature *f = crpv_layer_find(layer, "X");
    assert_string_equal(f->nom, "Ixe");
    assert_double_near(f->bbox.x1, 1, 0);
    crpv_layer_free(NULL);
}

/* ---- Fixtures written with shapelib ---- */

typedef struct {
    const char *code, *nom; /* raw bytes, in whatever encoding */
    int n_parts;
    const int *starts;
    int n;
    const double *x, *y;
    int type; /* 0: the file's type; NULL_SHAPE: a null shape */
} fixture_record;

#define NULL_SHAPE 99

/* Writes DIR/NAME.{shp,shx,dbf} with shapelib; CODE_PAGE NULL gives
 * shapelib's default (LDID 87, no .cpg). */
static char *write_fixture(const char *dir, const char *name, int shp_type,
                           const fixture_record *recs, int n_shp, int n_dbf, const char *code_page)
{
    char *base = g_build_filename(dir, name, NULL);
    SHPHandle shp = SHPCreate(base, shp_type);
    assert_non_null(shp);
    for (int i = 0; i < n_shp; i++) {
        const fixture_record *r = &recs[i];
        int type = r->type == NULL_SHAPE ? SHPT_NULL : r->type ? r->type : shp_type;
        SHPObject *o =
            SHPCreateObject(type, -1, r->n_parts, r->starts, NULL, r->n, r->x, r->y, NULL, NULL);
        assert_true(SHPWriteObject(shp, -1, o) >= 0);
        SHPDestroyObject(o);
    }
    SHPClose(shp);
    g_autofree char *dbf_path = g_strconcat(base, ".dbf", NULL);
    DBFHandle dbf = code_page ? DBFCreateEx(dbf_path, code_page) : DBFCreate(dbf_path);
    assert_non_null(dbf);
    DBFAddField(dbf, "code", FTString, 10, 0);
    DBFAddField(dbf, "nom", FTString, 60, 0);
    for (int i = 0; i < n_dbf; i++) {
        DBFWriteStringAttribute(dbf, i, 0, recs[i].code);
        DBFWriteStringAttribute(dbf, i, 1, recs[i].nom);
    }
    DBFClose(dbf);
    char *shp_path = g_strconcat(base, ".shp", NULL);
    g_free(base);
    return shp_path;
}

static const int one_part[] = {0};
static const int two_parts[] = {0, 5};
static const double sq_x[] = {0, 0, 1, 1, 0, 0.2, 0.4, 0.4, 0.2, 0.2};
static const double sq_y[] = {0, 1, 1, 0, 0, 0.2, 0.2, 0.4, 0.4, 0.2};
static const double sq2_x[] = {1, 1, 2, 2, 1};
static const double sq2_y[] = {0, 1, 1, 0, 0};

/* Two good records: a square with a hole, and a square beside it. */
static fixture_record good[] = {
    {"A", "Alpha", 2, two_parts, 10, sq_x, sq_y, 0},
    {"B", "B\xc3\xa9ta", 1, one_part, 5, sq2_x, sq2_y, 0},
};

static char *make_good(const char *dir)
{
    char *shp = write_fixture(dir, "f", SHPT_POLYGON, good, 2, 2, "UTF-8");
    g_free(tu_write_file(dir, "f.prj", wgs84_wkt, strlen(wgs84_wkt)));
    return shp;
}

static char *load_error(const char *shp_path, GPtrArray *warnings)
{
    g_autoptr(GError) error = NULL;
    crpv_layer *layer = crpv_layer_load(shp_path, "code", "nom", warnings, &error);
    if (layer)
        fail_msg("%s: loaded, an error was expected", shp_path);
    assert_non_null(error);
    print_message("%s\n", error->message);
    return g_strdup(error->message);
}

static void assert_has(const char *haystack, const char *needle)
{
    if (!strstr(haystack, needle))
        fail_msg("« %s » not found in:\n%s", needle, haystack);
}

static void test_fixture_good(void **state)
{
    (void)state;
    g_autofree char *dir = tu_tmpdir();
    g_autofree char *shp = make_good(dir);
    g_autoptr(GError) error = NULL;
    g_autoptr(GPtrArray) warnings = g_ptr_array_new_with_free_func(g_free);
    g_autoptr(crpv_layer) layer = crpv_layer_load(shp, "code", "nom", warnings, &error);
    assert_non_null(layer);
    assert_int_equal(warnings->len, 0);
    assert_int_equal(crpv_layer_count(layer), 2);
    const crpv_feature *a = crpv_layer_find(layer, "A");
    assert_int_equal(a->shape.n_rings, 2);
    assert_false(crpv_shape_contains(&a->shape, (crpv_point){0.3, 0.3}));
    assert_true(crpv_shape_contains(&a->shape, (crpv_point){0.7, 0.7}));
    assert_string_equal(crpv_layer_find(layer, "B")->nom, "Béta");
    assert_double_near(crpv_layer_find(layer, "B")->bbox.x1, 2, 0);

    /* Without a .prj: WGS 84 and a warning. */
    g_autofree char *prj = g_build_filename(dir, "f.prj", NULL);
    assert_int_equal(remove(prj), 0);
    g_autoptr(crpv_layer) again = crpv_layer_load(shp, "code", "nom", warnings, &error);
    assert_non_null(again);
    assert_int_equal(warnings->len, 1);
    g_autofree char *expected =
        g_strdup_printf("%s: attention : pas de fichier .prj, coordonnées lues en WGS 84", shp);
    assert_string_equal(warnings->pdata[0], expected);
    /* An empty .prj is no .prj. */
    g_free(tu_write_file(dir, "f.prj", " \n", 2));
    g_autoptr(crpv_layer) empty_prj = crpv_layer_load(shp, "code", "nom", warnings, &error);
    assert_non_null(empty_prj);
    assert_int_equal(warnings->len, 2);
    assert_string_equal(warnings->pdata[1], expected);
    /* NULL warnings is fine. */
    g_autoptr(crpv_layer) third = crpv_layer_load(shp, "code", "nom", NULL, &error);
    assert_non_null(third);

    /* A .prj PROJ does not know. */
    g_free(tu_write_file(dir, "f.prj", "GEOGCS[\"n'importe quoi\"]", 25));
    g_autofree char *msg = load_error(shp, NULL);
    assert_has(msg, "f.prj: système de coordonnées");
    tu_rmtree(dir);
}

static void test_lambert93_copy(void **state)
{
    (void)state;
    g_autoptr(crpv_layer) regions = load_shipped("regions-avec-outre-mer");
    g_autoptr(GError) error = NULL;
    g_autoptr(crpv_projection) to_l93 = crpv_projection_new("EPSG:4326", "EPSG:2154", &error);
    assert_non_null(to_l93);

    g_autofree char *dir = tu_tmpdir();
    g_autofree char *base = g_build_filename(dir, "l93", NULL);
    SHPHandle shp = SHPCreate(base, SHPT_POLYGON);
    g_autofree char *dbf_path = g_strconcat(base, ".dbf", NULL);
    DBFHandle dbf = DBFCreateEx(dbf_path, "UTF-8");
    DBFAddField(dbf, "INSEE_REG", FTString, 3, 0);
    DBFAddField(dbf, "NOM", FTString, 80, 0);
    const char *codes[] = {"11", "53", "84", "94"};
    for (int i = 0; i < (int)G_N_ELEMENTS(codes); i++) {
        const crpv_feature *f = crpv_layer_find(regions, codes[i]);
        crpv_shape s = crpv_shape_copy(&f->shape);
        assert_true(crpv_projection_apply_shape(to_l93, &s, &error));
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
        SHPObject *o = SHPCreateObject(SHPT_POLYGON, -1, (int)s.n_rings, starts, NULL, (int)n, x, y,
                                       NULL, NULL);
        SHPWriteObject(shp, -1, o);
        SHPDestroyObject(o);
        DBFWriteStringAttribute(dbf, i, 0, f->code);
        DBFWriteStringAttribute(dbf, i, 1, f->nom);
        g_free(x);
        g_free(y);
        g_free(starts);
        crpv_shape_clear(&s);
    }
    SHPClose(shp);
    DBFClose(dbf);
    g_free(tu_write_file(dir, "l93.prj", lambert93_wkt, strlen(lambert93_wkt)));

    g_autofree char *shp_path = g_strconcat(base, ".shp", NULL);
    g_autoptr(crpv_layer) back = crpv_layer_load(shp_path, "INSEE_REG", "NOM", NULL, &error);
    if (!back)
        fail_msg("%s", error->message);
    assert_int_equal(crpv_layer_count(back), 4);
    for (size_t i = 0; i < G_N_ELEMENTS(codes); i++) {
        const crpv_feature *a = crpv_layer_find(regions, codes[i]);
        const crpv_feature *b = crpv_layer_find(back, codes[i]);
        assert_string_equal(a->nom, b->nom);
        assert_int_equal(a->shape.n_rings, b->shape.n_rings);
        for (size_t r = 0; r < a->shape.n_rings; r++) {
            assert_int_equal(a->shape.rings[r].n, b->shape.rings[r].n);
            for (size_t j = 0; j < a->shape.rings[r].n; j++) {
                /* 1e-8° is about a millimetre. */
                assert_double_near(b->shape.rings[r].pts[j].x, a->shape.rings[r].pts[j].x, 1e-8);
                assert_double_near(b->shape.rings[r].pts[j].y, a->shape.rings[r].pts[j].y, 1e-8);
            }
        }
        assert_double_near(b->bbox.x0, a->bbox.x0, 1e-8);
    }
    tu_rmtree(dir);
}

static void test_encodings(void **state)
{
    (void)state;
    g_autofree char *dir = tu_tmpdir();
    /* "Île-de-France" and "Côte" in Windows-1252; 0x80 is the euro sign
     * there, and invalid in ISO-8859-1's printable sense but still decoded
     * by iconv as a C1 control: keep to letters. */
    fixture_record recs[] = {
        {"11", "\xcele-de-France", 1, one_part, 5, sq2_x, sq2_y, 0},
        {"93", "C\xf4te \x80", 1, one_part, 5, sq_x, sq_y, 0},
    };
    g_autoptr(GError) error = NULL;

    /* shapelib's default: language driver 87 (ANSI), no .cpg. */
    g_autofree char *shp = write_fixture(dir, "w", SHPT_POLYGON, recs, 2, 2, NULL);
    g_autofree char *cpg = g_build_filename(dir, "w.cpg", NULL);
    assert_false(g_file_test(cpg, G_FILE_TEST_EXISTS));
    g_autoptr(crpv_layer) a = crpv_layer_load(shp, "code", "nom", NULL, &error);
    assert_non_null(a);
    assert_string_equal(crpv_layer_find(a, "11")->nom, "Île-de-France");
    assert_string_equal(crpv_layer_find(a, "93")->nom, "Côte €");

    /* No language driver byte either: Windows-1252 still. */
    g_autofree char *dbf = g_build_filename(dir, "w.dbf", NULL);
    gsize len = 0;
    char *bytes = NULL;
    assert_true(g_file_get_contents(dbf, &bytes, &len, NULL));
    assert_int_equal((unsigned char)bytes[29], 87);
    bytes[29] = 0;
    g_free(tu_write_file(dir, "w.dbf", bytes, len));
    g_free(bytes);
    g_autoptr(crpv_layer) b = crpv_layer_load(shp, "code", "nom", NULL, &error);
    assert_non_null(b);
    assert_string_equal(crpv_layer_find(b, "11")->nom, "Île-de-France");

    /* Code pages as .cpg files spell them. */
    const char *cpgs[] = {"1252", "CP1252", "windows-1252\r\n", "ANSI 1252"};
    for (size_t i = 0; i < G_N_ELEMENTS(cpgs); i++) {
        g_free(tu_write_file(dir, "w.cpg", cpgs[i], strlen(cpgs[i])));
        g_autoptr(crpv_layer) c = crpv_layer_load(shp, "code", "nom", NULL, &error);
        if (!c)
            fail_msg("%s: %s", cpgs[i], error->message);
        assert_string_equal(crpv_layer_find(c, "93")->nom, "Côte €");
    }
    g_free(tu_write_file(dir, "w.cpg", "ISO-8859-1", 10));
    g_autoptr(crpv_layer) d = crpv_layer_load(shp, "code", "nom", NULL, &error);
    assert_non_null(d);
    assert_string_equal(crpv_layer_find(d, "11")->nom, "Île-de-France");

    /* Declared UTF-8 but Windows-1252 bytes: an error, not mojibake. */
    g_free(tu_write_file(dir, "w.cpg", "UTF-8", 5));
    g_autofree char *msg = load_error(shp, NULL);
    assert_has(msg, "w.dbf: enregistrement 1 : champ « nom » : octets invalides en UTF-8");
    assert_has(msg, "w.dbf: enregistrement 2 : champ « nom »");

    g_free(tu_write_file(dir, "w.cpg", "KLINGON-7", 9));
    g_autofree char *msg2 = load_error(shp, NULL);
    assert_has(msg2, "w.dbf: encodage « KLINGON-7 » inconnu");

    /* 0x81 is undefined in Windows-1252. */
    assert_true(remove(cpg) == 0);
    fixture_record bad[] = {{"11", "x\x81y", 1, one_part, 5, sq2_x, sq2_y, 0}};
    g_autofree char *shp2 = write_fixture(dir, "v", SHPT_POLYGON, bad, 1, 1, NULL);
    g_autofree char *msg3 = load_error(shp2, NULL);
    assert_has(msg3, "v.dbf: enregistrement 1 : champ « nom » : octets invalides en WINDOWS-1252");
    tu_rmtree(dir);
}

/* ---- Malformed files ---- */

static char *file_path(const char *dir, const char *name)
{
    return g_build_filename(dir, name, NULL);
}

static unsigned char *slurp(const char *dir, const char *name, gsize *len)
{
    g_autofree char *path = file_path(dir, name);
    char *data = NULL;
    assert_true(g_file_get_contents(path, &data, len, NULL));
    return (unsigned char *)data;
}

static void spit(const char *dir, const char *name, const unsigned char *data, gsize len)
{
    g_free(tu_write_file(dir, name, (const char *)data, len));
}

static uint32_t get_be32(const unsigned char *b)
{
    return (uint32_t)b[0] << 24 | (uint32_t)b[1] << 16 | (uint32_t)b[2] << 8 | b[3];
}

static void put_be32(unsigned char *b, uint32_t v)
{
    b[0] = v >> 24;
    b[1] = v >> 16;
    b[2] = v >> 8;
    b[3] = v;
}

static void put_le32(unsigned char *b, uint32_t v)
{
    b[0] = v;
    b[1] = v >> 8;
    b[2] = v >> 16;
    b[3] = v >> 24;
}

/* Byte offset, in the .shp, of record I's content (after its header). */
static size_t record_content(const unsigned char *shx, int i)
{
    return (size_t)get_be32(shx + 100 + 8 * i) * 2 + 8;
}

static void test_truncated_shp(void **state)
{
    (void)state;
    g_autofree char *dir = tu_tmpdir();
    g_autofree char *shp = make_good(dir);
    gsize shp_len, shx_len;
    g_autofree unsigned char *data = slurp(dir, "f.shp", &shp_len);
    g_autofree unsigned char *shx = slurp(dir, "f.shx", &shx_len);
    /* Cut in the middle of the second record. */
    spit(dir, "f.shp", data, record_content(shx, 1) + 20);
    g_autoptr(GPtrArray) warnings = g_ptr_array_new_with_free_func(g_free);
    g_autofree char *msg = load_error(shp, warnings);
    /* The file the user gave is named, the index in the message. */
    assert_has(msg, "f.shp: enregistrement 2 : position");
    assert_has(msg, "(lue dans l’index « f.shx ») hors du fichier");
    assert_null(strstr(msg, "enregistrement 1 "));
    assert_null(strstr(msg, "f.shx:"));
    /* Cut inside the header. */
    spit(dir, "f.shp", data, 50);
    g_autofree char *msg2 = load_error(shp, NULL);
    assert_has(msg2, "f.shp: pas un fichier .shp");
    /* Empty. */
    spit(dir, "f.shp", data, 0);
    g_autofree char *msg3 = load_error(shp, NULL);
    assert_has(msg3, "f.shp: pas un fichier .shp");
    tu_rmtree(dir);
}

static void test_shx_past_end(void **state)
{
    (void)state;
    g_autofree char *dir = tu_tmpdir();
    g_autofree char *shp = make_good(dir);
    gsize shx_len;
    g_autofree unsigned char *shx = slurp(dir, "f.shx", &shx_len);
    put_be32(shx + 100 + 8, 0x7ffffff0); /* record 2's offset */
    spit(dir, "f.shx", shx, shx_len);
    g_autofree char *msg = load_error(shp, NULL);
    assert_has(msg, "f.shp: enregistrement 2 : position 4294967264 (lue dans l’index « f.shx ») "
                    "hors du fichier");
    /* A .shx whose header declares more records than it holds. */
    g_autofree unsigned char *shx2 = slurp(dir, "f.shx", &shx_len);
    put_be32(shx2 + 24, 0x7fffffff);
    spit(dir, "f.shx", shx2, shx_len);
    g_autofree char *msg2 = load_error(shp, NULL);
    assert_has(msg2, "f.shp: index « f.shx » tronqué ou corrompu");
    /* A length past the end. */
    g_autofree unsigned char *shx3 = slurp(dir, "f.shx", &shx_len);
    put_be32(shx3 + 24, (uint32_t)shx_len / 2);
    put_be32(shx3 + 100 + 4, 0x40000000);
    spit(dir, "f.shx", shx3, shx_len);
    g_autofree char *msg3 = load_error(shp, NULL);
    assert_has(msg3, "f.shp: enregistrement 1 : position 100 (lue dans l’index « f.shx »)");
    tu_rmtree(dir);
}

static void test_part_index_out_of_range(void **state)
{
    (void)state;
    g_autofree char *dir = tu_tmpdir();
    g_autofree char *shp = make_good(dir);
    gsize shp_len, shx_len;
    g_autofree unsigned char *data = slurp(dir, "f.shp", &shp_len);
    g_autofree unsigned char *shx = slurp(dir, "f.shx", &shx_len);
    size_t c = record_content(shx, 0);
    put_le32(data + c + 44 + 4, 12); /* second ring starts past the 10 points */
    spit(dir, "f.shp", data, shp_len);
    g_autofree char *msg = load_error(shp, NULL);
    assert_has(msg, "f.shp: enregistrement 1 : indice de l'anneau 2 (12) hors limites");

    put_le32(data + c + 44 + 4, 0); /* not increasing */
    spit(dir, "f.shp", data, shp_len);
    g_autofree char *msg2 = load_error(shp, NULL);
    assert_has(msg2, "f.shp: enregistrement 1 : indice de l'anneau 2 (0)");

    put_le32(data + c + 44 + 4, 5);
    put_le32(data + c + 36, 0x7fffffff); /* absurd ring count */
    spit(dir, "f.shp", data, shp_len);
    g_autofree char *msg3 = load_error(shp, NULL);
    assert_has(msg3, "f.shp: enregistrement 1 : 2147483647 anneaux et 10 points annoncés");

    put_le32(data + c + 36, 2);
    put_le32(data + c + 40, 0xffffffff); /* absurd point count */
    spit(dir, "f.shp", data, shp_len);
    g_autofree char *msg4 = load_error(shp, NULL);
    assert_has(msg4, "f.shp: enregistrement 1 : 2 anneaux et 4294967295 points");
    tu_rmtree(dir);
}

static void test_short_ring_and_nan(void **state)
{
    (void)state;
    g_autofree char *dir = tu_tmpdir();
    static const double tri_x[] = {0, 1, 0}, tri_y[] = {0, 0, 1};
    static const double nan_x[] = {0, 0, NAN, 1, 0}, nan_y[] = {0, 1, 1, 0, 0};
    static const double inf_x[] = {0, 0, 1, 1, 0}, inf_y[] = {0, INFINITY, 1, 0, 0};
    static const double open_x[] = {0, 0, 1, 1}, open_y[] = {0, 1, 1, 0};
    fixture_record recs[] = {
        {"A", "a", 1, one_part, 3, tri_x, tri_y, 0},
        {"B", "b", 1, one_part, 5, nan_x, nan_y, 0},
        {"C", "c", 1, one_part, 5, inf_x, inf_y, 0},
        {"D", "d", 1, one_part, 4, open_x, open_y, 0},
    };
    g_autofree char *shp = write_fixture(dir, "r", SHPT_POLYGON, recs, 4, 4, "UTF-8");
    g_autofree char *msg = load_error(shp, NULL);
    assert_has(msg, "r.shp: enregistrement 1 : anneau 1 de 3 points (4 au moins)");
    assert_has(msg, "r.shp: enregistrement 2 : point 3 : coordonnée non finie (nan, 1)");
    assert_has(msg, "r.shp: enregistrement 3 : point 2 : coordonnée non finie (0, inf)");
    /* The open ring of 4 points is closed, not an error. */
    assert_null(strstr(msg, "enregistrement 4"));

    g_autofree char *shp2 = write_fixture(dir, "o", SHPT_POLYGON, recs + 3, 1, 1, "UTF-8");
    g_autoptr(GError) error = NULL;
    g_autoptr(crpv_layer) layer = crpv_layer_load(shp2, "code", "nom", NULL, &error);
    assert_non_null(layer);
    assert_int_equal(crpv_layer_nth(layer, 0)->shape.rings[0].n, 5);
    tu_rmtree(dir);
}

static void test_record_count_mismatch(void **state)
{
    (void)state;
    g_autofree char *dir = tu_tmpdir();
    g_autofree char *shp = write_fixture(dir, "m", SHPT_POLYGON, good, 2, 1, "UTF-8");
    g_autofree char *msg = load_error(shp, NULL);
    g_autofree char *expected = g_strdup_printf("m.dbf: 1 enregistrements, mais 2 dans %s", shp);
    assert_has(msg, expected);

    /* A .dbf whose header announces records it does not hold. */
    gsize len;
    g_autofree unsigned char *dbf = slurp(dir, "m.dbf", &len);
    put_le32(dbf + 4, 1000);
    spit(dir, "m.dbf", dbf, len);
    g_autofree char *msg2 = load_error(shp, NULL);
    assert_has(msg2, "m.dbf: fichier tronqué (1000 enregistrements annoncés, 1 présents)");
    tu_rmtree(dir);
}

static void test_wrong_shape_type(void **state)
{
    (void)state;
    g_autofree char *dir = tu_tmpdir();
    static const double px[] = {1}, py[] = {2};
    fixture_record pts[] = {{"A", "a", 0, NULL, 1, px, py, 0}};
    g_autofree char *shp = write_fixture(dir, "p", SHPT_POINT, pts, 1, 1, "UTF-8");
    g_autofree char *msg = load_error(shp, NULL);
    assert_has(msg, "p.shp: formes de type « point » (1) au lieu de polygones");

    /* A polygon file with one record of another type. */
    g_autofree char *shp2 = make_good(dir);
    gsize shp_len, shx_len;
    g_autofree unsigned char *data = slurp(dir, "f.shp", &shp_len);
    g_autofree unsigned char *shx = slurp(dir, "f.shx", &shx_len);
    put_le32(data + record_content(shx, 1), SHPT_ARC);
    spit(dir, "f.shp", data, shp_len);
    g_autofree char *msg2 = load_error(shp2, NULL);
    assert_has(msg2, "f.shp: enregistrement 2 : forme de type « ligne » (3) au lieu de polygone");
    tu_rmtree(dir);
}

static void test_missing_files(void **state)
{
    (void)state;
    g_autofree char *dir = tu_tmpdir();
    g_autofree char *shp = make_good(dir);
    g_autofree char *dbf = file_path(dir, "f.dbf");
    g_autofree char *shx = file_path(dir, "f.shx");
    assert_int_equal(remove(dbf), 0);
    g_autoptr(GError) error = NULL;
    assert_null(crpv_layer_load(shp, "code", "nom", NULL, &error));
    /* A missing file is an I/O failure (exit 3), named by the .shp. */
    assert_true(g_error_matches(error, G_FILE_ERROR, G_FILE_ERROR_NOENT));
    g_autofree char *expected = g_strdup_printf("%s: fichier « f.dbf » (les noms et les codes) "
                                                "introuvable", shp);
    assert_string_equal(error->message, expected);
    g_clear_error(&error);
    assert_int_equal(remove(shx), 0);
    g_autofree char *msg2 = load_error(shp, NULL);
    assert_has(msg2, "f.shp: fichier « f.dbf » (les noms et les codes) introuvable");
    assert_has(msg2, "f.shp: fichier « f.shx » (l’index des formes) introuvable");
    /* No .shp: one line, not one per part. */
    g_autofree char *nowhere = file_path(dir, "nowhere.shp");
    assert_null(crpv_layer_load(nowhere, "code", "nom", NULL, &error));
    assert_true(g_error_matches(error, G_FILE_ERROR, G_FILE_ERROR_NOENT));
    g_autofree char *expected3 = g_strdup_printf("%s: fichier introuvable", nowhere);
    assert_string_equal(error->message, expected3);
    tu_rmtree(dir);
}

static void test_null_and_duplicate(void **state)
{
    (void)state;
    g_autofree char *dir = tu_tmpdir();
    fixture_record recs[] = {
        good[0],
        {"N", "vide", 0, NULL, 0, NULL, NULL, NULL_SHAPE},
        good[1],
    };
    g_autofree char *shp = write_fixture(dir, "n", SHPT_POLYGON, recs, 3, 3, "UTF-8");
    g_autoptr(GPtrArray) warnings = g_ptr_array_new_with_free_func(g_free);
    g_autoptr(GError) error = NULL;
    g_free(tu_write_file(dir, "n.prj", wgs84_wkt, strlen(wgs84_wkt)));
    g_autoptr(crpv_layer) layer = crpv_layer_load(shp, "code", "nom", warnings, &error);
    if (!layer)
        fail_msg("%s", error->message);
    assert_int_equal(crpv_layer_count(layer), 2);
    assert_int_equal(warnings->len, 1);
    assert_has(warnings->pdata[0], "n.shp: attention : enregistrement 2 : forme vide, ignorée");

    fixture_record dup[] = {good[0], good[0]};
    dup[1].nom = "";
    g_autofree char *shp2 = write_fixture(dir, "d", SHPT_POLYGON, dup, 2, 2, "UTF-8");
    g_autofree char *msg = load_error(shp2, NULL);
    assert_has(msg, "d.dbf: enregistrement 2 : code « A » en double (déjà enregistrement 1)");
    tu_rmtree(dir);
}

static void test_many_problems_capped(void **state)
{
    (void)state;
    g_autofree char *dir = tu_tmpdir();
    static const double tri_x[] = {0, 1, 0}, tri_y[] = {0, 0, 1};
    fixture_record *recs = g_new(fixture_record, 200);
    for (int i = 0; i < 200; i++)
        recs[i] = (fixture_record){"A", "a", 1, one_part, 3, tri_x, tri_y, 0};
    g_autofree char *shp = write_fixture(dir, "k", SHPT_POLYGON, recs, 200, 200, "UTF-8");
    g_free(recs);
    g_autofree char *msg = load_error(shp, NULL);
    g_auto(GStrv) lines = g_strsplit(msg, "\n", -1);
    assert_int_equal(g_strv_length(lines), 51);
    assert_has(msg, "… et 150 autres problèmes");
    tu_rmtree(dir);
}

/* A .dbf with the given field names, every record the same shape: how
 * other producers' files look. VALUES holds N_FIELDS strings per record. */
static char *write_fields(const char *dir, const char *name, const char *const *fields,
                          size_t n_fields, const char *const *values, int n, const char *code_page)
{
    g_autofree char *base = g_build_filename(dir, name, NULL);
    SHPHandle shp = SHPCreate(base, SHPT_POLYGON);
    for (int i = 0; i < n; i++) {
        double x[5], y[5];
        for (int k = 0; k < 5; k++) {
            x[k] = sq2_x[k] + i;
            y[k] = sq2_y[k];
        }
        SHPObject *o = SHPCreateObject(SHPT_POLYGON, -1, 1, one_part, NULL, 5, x, y, NULL, NULL);
        SHPWriteObject(shp, -1, o);
        SHPDestroyObject(o);
    }
    SHPClose(shp);
    g_autofree char *dbf_path = g_strconcat(base, ".dbf", NULL);
    DBFHandle dbf = code_page ? DBFCreateEx(dbf_path, code_page) : DBFCreate(dbf_path);
    for (size_t f = 0; f < n_fields; f++)
        DBFAddField(dbf, fields[f], FTString, 40, 0);
    for (int i = 0; i < n; i++)
        for (size_t f = 0; f < n_fields; f++)
            DBFWriteStringAttribute(dbf, i, (int)f, values[i * n_fields + f]);
    DBFClose(dbf);
    return g_strconcat(base, ".shp", NULL);
}

static void test_header_length_tolerated(void **state)
{
    (void)state;
    g_autofree char *dir = tu_tmpdir();
    g_autofree char *shp = make_good(dir);
    gsize len;
    g_autofree unsigned char *data = slurp(dir, "f.shp", &len);
    /* A length 1,000 bytes too long, as some writers leave it: shapelib
     * reads the records through the index all the same. */
    put_be32(data + 24, (uint32_t)(len + 1000) / 2);
    spit(dir, "f.shp", data, len);
    g_autoptr(GPtrArray) warnings = g_ptr_array_new_with_free_func(g_free);
    g_autoptr(GError) error = NULL;
    g_autoptr(crpv_layer) layer = crpv_layer_load(shp, "code", "nom", warnings, &error);
    if (!layer)
        fail_msg("%s", error->message);
    assert_int_equal(crpv_layer_count(layer), 2);
    assert_int_equal(warnings->len, 1);
    g_autofree char *expected = g_strdup_printf(
        "%s: attention : l’en-tête annonce %zu octets, le fichier en a %zu ; lu quand même", shp,
        (size_t)len + 1000, (size_t)len);
    assert_string_equal(warnings->pdata[0], expected);
    /* Too short, down to the header alone: the index still finds every
     * record. */
    put_be32(data + 24, 50);
    spit(dir, "f.shp", data, len);
    g_ptr_array_set_size(warnings, 0);
    g_autoptr(crpv_layer) again = crpv_layer_load(shp, "code", "nom", warnings, &error);
    if (!again)
        fail_msg("%s", error->message);
    assert_int_equal(crpv_layer_count(again), 2);
    assert_int_equal(crpv_layer_nth(again, 0)->shape.n_rings, 2);
    assert_int_equal(warnings->len, 1);
    tu_rmtree(dir);
}

static void test_field_detection(void **state)
{
    (void)state;
    g_autofree char *dir = tu_tmpdir();
    g_autoptr(GError) error = NULL;
    /* IGN Admin Express: the département file also carries its region. */
    const char *const ae_fields[] = {"ID", "NOM_M", "NOM", "INSEE_DEP", "INSEE_REG"};
    const char *const ae_values[] = {"DEPART0001", "AIN", "Ain", "01", "84",
                                     "DEPART0002", "AISNE", "Aisne", "02", "32"};
    g_autofree char *ae = write_fields(dir, "DEPARTEMENT", ae_fields, 5, ae_values, 2, "UTF-8");
    g_autoptr(crpv_layer) deps = crpv_layer_load(ae, NULL, NULL, NULL, &error);
    if (!deps)
        fail_msg("%s", error->message);
    assert_string_equal(crpv_layer_find(deps, "01")->nom, "Ain");
    assert_string_equal(crpv_layer_find(deps, "02")->nom, "Aisne");
    /* CARTElette: REG, and a name in capitals. */
    const char *const ce_fields[] = {"REG", "NOM_M"};
    const char *const ce_values[] = {"11", "ILE-DE-FRANCE", "94", "CORSE"};
    g_autofree char *ce = write_fields(dir, "REG_2022", ce_fields, 2, ce_values, 2, "UTF-8");
    g_autoptr(crpv_layer) regs = crpv_layer_load(ce, NULL, NULL, NULL, &error);
    assert_non_null(regs);
    assert_string_equal(crpv_layer_find(regs, "94")->nom, "CORSE");
    /* A key of the style still wins. */
    g_autoptr(crpv_layer) by_key = crpv_layer_load(ae, "INSEE_REG", "NOM_M", NULL, &error);
    assert_string_equal(crpv_layer_find(by_key, "84")->nom, "AIN");
    /* Nothing recognisable: say which fields there are and where to say. */
    const char *const odd_fields[] = {"ZZ", "YY"};
    const char *const odd_values[] = {"1", "a"};
    g_autofree char *odd = write_fields(dir, "odd", odd_fields, 2, odd_values, 1, "UTF-8");
    assert_null(crpv_layer_load(odd, NULL, NULL, NULL, &error));
    g_autofree char *msg = g_strdup(error->message);
    assert_has(msg, "odd.dbf: aucun champ de code connu (code, INSEE_REG, INSEE_DEP, REG, DEP, "
                    "code_insee…) parmi ZZ, YY ; indiquez-le dans la section [geo] du style");
    assert_has(msg, "odd.dbf: aucun champ de nom connu");
    tu_rmtree(dir);
}

static void test_encoding_detection(void **state)
{
    (void)state;
    g_autofree char *dir = tu_tmpdir();
    g_autoptr(GError) error = NULL;
    g_autoptr(GPtrArray) warnings = g_ptr_array_new_with_free_func(g_free);
    const char *const fields[] = {"code", "nom"};
    /* UTF-8 bytes, no .cpg, shapelib's default language driver (ANSI), as
     * ogr2ogr writes without -lco ENCODING: the bytes say UTF-8. */
    const char *const utf8[] = {"11", "\xc3\x8ele-de-France", "93", "C\xc3\xb4te"};
    g_autofree char *u = write_fields(dir, "u", fields, 2, utf8, 2, NULL);
    g_autoptr(crpv_layer) lu = crpv_layer_load(u, NULL, NULL, warnings, &error);
    assert_non_null(lu);
    assert_string_equal(crpv_layer_find(lu, "11")->nom, "Île-de-France");
    assert_int_equal(warnings->len, 1); /* the missing .prj */
    /* Windows-1252 bytes, neither .cpg nor language driver: read as
     * Windows-1252, with a warning that it was a guess. */
    const char *const cp1252[] = {"11", "\xcele-de-France", "93", "C\xf4te"};
    g_autofree char *w = write_fields(dir, "w", fields, 2, cp1252, 2, NULL);
    gsize len;
    g_autofree unsigned char *dbf = slurp(dir, "w.dbf", &len);
    dbf[29] = 0;
    spit(dir, "w.dbf", dbf, len);
    g_ptr_array_set_size(warnings, 0);
    g_autoptr(crpv_layer) lw = crpv_layer_load(w, NULL, NULL, warnings, &error);
    assert_non_null(lw);
    assert_string_equal(crpv_layer_find(lw, "93")->nom, "Côte");
    assert_int_equal(warnings->len, 2);
    assert_has(warnings->pdata[0], "w.dbf: attention : encodage non déclaré (ni fichier .cpg, ni "
                                   "pilote de langue), noms lus en WINDOWS-1252");
    /* The same bytes with the ANSI language driver: declared, no warning. */
    dbf[29] = 87;
    spit(dir, "w.dbf", dbf, len);
    g_ptr_array_set_size(warnings, 0);
    g_autoptr(crpv_layer) lw2 = crpv_layer_load(w, NULL, NULL, warnings, &error);
    assert_string_equal(crpv_layer_find(lw2, "11")->nom, "Île-de-France");
    assert_int_equal(warnings->len, 1);
    tu_rmtree(dir);
}

static void test_prj_contradicts_coordinates(void **state)
{
    (void)state;
    g_autofree char *dir = tu_tmpdir();
    /* Coordinates in degrees with a Lambert-93 .prj beside them. */
    g_autofree char *shp = make_good(dir);
    g_free(tu_write_file(dir, "f.prj", lambert93_wkt, strlen(lambert93_wkt)));
    g_autofree char *msg = load_error(shp, NULL);
    assert_has(msg, "f.shp: coordonnées en degrés (longitudes de 0 à 2, latitudes de 0 à 1), "
                    "mais « f.prj » déclare une projection en mètres");
    /* La Réunion in its UTM zone, with a Lambert-93 .prj: outside the
     * area Lambert-93 is made for. */
    static const double rx[] = {315000, 315000, 380000, 380000, 315000};
    static const double ry[] = {7630000, 7690000, 7690000, 7630000, 7630000};
    fixture_record rec[] = {{"04", "La Réunion", 1, one_part, 5, rx, ry, 0}};
    g_autofree char *shp2 = write_fixture(dir, "r", SHPT_POLYGON, rec, 1, 1, "UTF-8");
    g_free(tu_write_file(dir, "r.prj", lambert93_wkt, strlen(lambert93_wkt)));
    g_autofree char *msg2 = load_error(shp2, NULL);
    assert_has(msg2, "r.shp: une fois lues dans le système que déclare « r.prj », les "
                     "coordonnées tombent hors de sa zone d’usage");
    /* With its own CRS, the same file is right. */
    g_free(tu_write_file(dir, "r.prj", "EPSG:2975", 9));
    g_autoptr(GError) error = NULL;
    g_autoptr(crpv_layer) ok = crpv_layer_load(shp2, "code", "nom", NULL, &error);
    if (!ok)
        fail_msg("%s", error->message);
    assert_true(crpv_layer_nth(ok, 0)->bbox.x0 > 55 && crpv_layer_nth(ok, 0)->bbox.x1 < 56);
    tu_rmtree(dir);
}

static void test_credit(void **state)
{
    (void)state;
    /* The shipped README quotes the credit its licence asks for. */
    g_autofree char *shipped = tu_source_path("geo/regions-avec-outre-mer.shp");
    g_autofree char *from = NULL;
    g_autofree char *credit = crpv_geo_credit(shipped, &from);
    assert_string_equal(credit, "Source : IGN – Admin Express COG 2018");
    assert_true(g_str_has_suffix(from, "README.md"));

    g_autofree char *dir = tu_tmpdir();
    g_autofree char *shp = g_build_filename(dir, "REG.shp", NULL);
    assert_null(crpv_geo_credit(shp, NULL));
    /* A README in French, the quote broken over two lines, with the
     * non-breaking spaces French typography puts inside « ». */
    const char *readme = "# Contours\n\nCitez « Source : IGN –\nCARTElette\u00a0» sur vos cartes.\n";
    g_free(tu_write_file(dir, "LISEZMOI.md", readme, strlen(readme)));
    g_autofree char *c1 = crpv_geo_credit(shp, NULL);
    assert_string_equal(c1, "Source : IGN – CARTElette");
    /* Narrow no-break spaces (three bytes each) inside the guillemets. */
    g_autofree char *narrow =
        crpv_geo_credit_in_text("«\u202fSource : IGN\u202f»", strlen("«\u202fSource : IGN\u202f»"));
    assert_string_equal(narrow, "Source : IGN");
    /* A guillemet that is not a source is no credit. */
    const char *other = "« Bonjour » et rien d'autre\n";
    g_free(tu_write_file(dir, "LISEZMOI.md", other, strlen(other)));
    assert_null(crpv_geo_credit(shp, NULL));
    /* credit.txt wins, its first line. */
    const char *line = "Source : IGN – Admin Express COG 2024\r\nautre chose\n";
    g_free(tu_write_file(dir, "credit.txt", line, strlen(line)));
    g_autofree char *from2 = NULL;
    g_autofree char *c2 = crpv_geo_credit(shp, &from2);
    assert_string_equal(c2, "Source : IGN – Admin Express COG 2024");
    assert_true(g_str_has_suffix(from2, "credit.txt"));
    tu_rmtree(dir);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_regions),
        cmocka_unit_test(test_departements),
        cmocka_unit_test(test_field_names),
        cmocka_unit_test(test_built_layer),
        cmocka_unit_test(test_fixture_good),
        cmocka_unit_test(test_lambert93_copy),
        cmocka_unit_test(test_encodings),
        cmocka_unit_test(test_truncated_shp),
        cmocka_unit_test(test_shx_past_end),
        cmocka_unit_test(test_part_index_out_of_range),
        cmocka_unit_test(test_short_ring_and_nan),
        cmocka_unit_test(test_record_count_mismatch),
        cmocka_unit_test(test_wrong_shape_type),
        cmocka_unit_test(test_missing_files),
        cmocka_unit_test(test_null_and_duplicate),
        cmocka_unit_test(test_many_problems_capped),
        cmocka_unit_test(test_header_length_tolerated),
        cmocka_unit_test(test_field_detection),
        cmocka_unit_test(test_encoding_detection),
        cmocka_unit_test(test_prj_contradicts_coordinates),
        cmocka_unit_test(test_credit),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
