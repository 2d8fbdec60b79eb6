/* Boundaries read from shapefiles with shapelib, validated, decoded and
 * reprojected to WGS 84 longitude/latitude. */
#include "geo.h"

#include <math.h>
#include <shapefil.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "projection.h"

struct crpv_layer {
    GArray *features; /* crpv_feature */
    char *path;
};

/* Past this many problems a file is hopeless; listing more helps nobody. */
#define MAX_PROBLEMS 50

static GQuark geo_error_quark(void)
{
    return g_quark_from_static_string("crpv-geo-error");
}

crpv_layer *crpv_layer_new(void)
{
    crpv_layer *layer = g_new0(crpv_layer, 1);
    layer->features = g_array_new(FALSE, TRUE, sizeof(crpv_feature));
    layer->path = g_strdup("");
    return layer;
}

void crpv_layer_add(crpv_layer *layer, const char *code, const char *nom, crpv_shape shape)
{
    crpv_feature f = {g_strdup(code), g_strdup(nom), shape, crpv_shape_bbox(&shape), false, NULL};
    g_array_append_val(layer->features, f);
}

void crpv_layer_free(crpv_layer *layer)
{
    if (!layer)
        return;
    for (size_t i = 0; i < layer->features->len; i++) {
        crpv_feature *f = &g_array_index(layer->features, crpv_feature, i);
        g_free(f->code);
        g_free(f->nom);
        crpv_shape_clear(&f->shape);
        if (f->carry) {
            g_free(f->carry->crs);
            g_free(f->carry->target_crs);
            g_free(f->carry);
        }
    }
    g_array_free(layer->features, TRUE);
    g_free(layer->path);
    g_free(layer);
}

size_t crpv_layer_count(const crpv_layer *layer)
{
    return layer->features->len;
}

const crpv_feature *crpv_layer_nth(const crpv_layer *layer, size_t i)
{
    if (i >= layer->features->len)
        return NULL;
    return &g_array_index(layer->features, crpv_feature, i);
}

const crpv_feature *crpv_layer_find(const crpv_layer *layer, const char *code)
{
    for (size_t i = 0; i < layer->features->len; i++) {
        const crpv_feature *f = &g_array_index(layer->features, crpv_feature, i);
        if (strcmp(f->code, code) == 0)
            return f;
    }
    return NULL;
}

const char *crpv_layer_path(const crpv_layer *layer)
{
    return layer->path;
}

static bool code_in(const char *code, const char *const *codes)
{
    for (const char *const *c = codes; c && *c; c++)
        if (strcmp(*c, code) == 0)
            return true;
    return false;
}

crpv_rect crpv_layer_extent_except(const crpv_layer *layer, const char *const *codes)
{
    crpv_rect r = crpv_rect_empty();
    for (size_t i = 0; i < layer->features->len; i++) {
        const crpv_feature *f = &g_array_index(layer->features, crpv_feature, i);
        if (!code_in(f->code, codes) && f->shape.n_rings > 0)
            r = crpv_rect_union(r, f->bbox);
    }
    return r;
}

static bool rect_inside(crpv_rect inner, crpv_rect outer)
{
    return inner.x0 >= outer.x0 && inner.x1 <= outer.x1 && inner.y0 >= outer.y0 &&
           inner.y1 <= outer.y1;
}

size_t crpv_layer_mark_moved(crpv_layer *layer, const char *const *codes, crpv_rect mainland,
                             double margin, const crpv_layer *within)
{
    size_t n = 0;
    crpv_rect near = crpv_rect_inflate(mainland, margin);
    for (size_t i = 0; i < layer->features->len; i++) {
        crpv_feature *f = &g_array_index(layer->features, crpv_feature, i);
        if (f->shape.n_rings == 0)
            continue;
        bool moved = code_in(f->code, codes) && !crpv_rect_is_empty(mainland) &&
                     rect_inside(f->bbox, near);
        for (size_t j = 0; within && !moved && j < within->features->len; j++) {
            const crpv_feature *w = &g_array_index(within->features, crpv_feature, j);
            /* A tenth of a degree: outlines simplified apart. */
            moved = w->moved && rect_inside(f->bbox, crpv_rect_inflate(w->bbox, 0.1));
        }
        if (moved && !f->moved) {
            f->moved = true;
            n++;
        }
    }
    return n;
}

/* The scale and offset that take box FROM onto box TO, when their
 * proportions agree within TOLERANCE. The scale is the geometric mean of
 * the two axes': the area is kept. */
static bool fit_boxes(crpv_rect from, crpv_rect to, double tolerance, double *scale,
                      crpv_point *offset)
{
    double wf = crpv_rect_width(from), hf = crpv_rect_height(from);
    double wt = crpv_rect_width(to), ht = crpv_rect_height(to);
    if (!(wf > 0 && hf > 0 && wt > 0 && ht > 0))
        return false;
    double sx = wt / wf, sy = ht / hf;
    if (fabs(sx / sy - 1) > tolerance)
        return false;
    *scale = sqrt(sx * sy);
    *offset = (crpv_point){(to.x0 + to.x1) / 2 - *scale * (from.x0 + from.x1) / 2,
                           (to.y0 + to.y1) / 2 - *scale * (from.y0 + from.y1) / 2};
    return true;
}

/* The box of SHAPE (degrees) once in CRS, or an empty one. */
static crpv_rect projected_bbox(const crpv_shape *shape, const char *crs)
{
    crpv_projection *p = crpv_projection_new("EPSG:4326", crs, NULL);
    crpv_shape s = crpv_shape_copy(shape);
    crpv_rect r = p && crpv_projection_apply_shape(p, &s, NULL) ? crpv_shape_bbox(&s)
                                                                 : crpv_rect_empty();
    crpv_shape_clear(&s);
    crpv_projection_free(p);
    return r;
}

bool crpv_layer_fit_carry(crpv_layer *layer, const char *code, const crpv_feature *truth,
                          const char *crs, const char *target_crs, double tolerance)
{
    crpv_feature *f = NULL;
    for (size_t i = 0; i < layer->features->len && !f; i++) {
        crpv_feature *g = &g_array_index(layer->features, crpv_feature, i);
        if (strcmp(g->code, code) == 0)
            f = g;
    }
    if (!f || !f->moved || !truth || truth->shape.n_rings == 0 || f->shape.n_rings == 0)
        return false;
    crpv_carry c = {false, 1, {0, 0}, NULL, NULL};
    bool ok = fit_boxes(truth->bbox, f->bbox, tolerance, &c.scale, &c.offset);
    if (!ok) {
        /* Moved in metres, from the territory's projection to the
         * mainland's (the way a GIS user does it by hand). */
        c.metric = true;
        ok = fit_boxes(projected_bbox(&truth->shape, crs), projected_bbox(&f->shape, target_crs),
                       tolerance, &c.scale, &c.offset);
    }
    if (!ok)
        return false;
    c.crs = g_strdup(crs);
    c.target_crs = g_strdup(target_crs);
    if (f->carry) {
        g_free(f->carry->crs);
        g_free(f->carry->target_crs);
        g_free(f->carry);
    }
    f->carry = g_memdup2(&c, sizeof c);
    return true;
}

/* ---- Credit ---- */

/* The length of the blank (space, no-break space, narrow no-break space)
 * at P, or 0. */
static size_t blank_at(const char *p)
{
    if (*p == ' ' || *p == '\t')
        return 1;
    if (g_str_has_prefix(p, "\u00a0"))
        return strlen("\u00a0");
    if (g_str_has_prefix(p, "\u202f"))
        return strlen("\u202f");
    return 0;
}

/* The « Source : … » quoted in TEXT, or NULL. */
static char *quoted_source(const char *text)
{
    for (const char *p = strstr(text, "«"); p; p = strstr(p + 1, "«")) {
        const char *in = p + strlen("«");
        for (size_t b; (b = blank_at(in)) > 0;)
            in += b;
        if (!g_str_has_prefix(in, "Source"))
            continue;
        const char *end = strstr(in, "»");
        const char *para = strstr(in, "\n\n");
        if (!end || (para && para < end))
            continue; /* not closed within the paragraph */
        /* Back over the blanks before », whatever their kind. */
        const char *stop = end;
        while (stop > in) {
            const char *prev = g_utf8_find_prev_char(in, stop);
            if (!prev || blank_at(prev) != (size_t)(stop - prev))
                break;
            stop = prev;
        }
        g_autofree char *raw = g_strndup(in, (size_t)(stop - in));
        /* A quote broken over lines is one line. */
        g_strdelimit(raw, "\r\n", ' ');
        char *s = g_strstrip(raw);
        if (*s && g_utf8_validate(s, -1, NULL) && strlen(s) < 200)
            return g_strdup(s);
    }
    return NULL;
}

char *crpv_geo_credit_in_text(const char *readme_text, size_t len)
{
    g_autofree char *text = g_strndup(readme_text, len);
    return quoted_source(text);
}

char *crpv_geo_credit_from_name(const char *shp_path)
{
    g_autofree char *base = g_path_get_basename(shp_path);
    /* LEVEL_YEAR_CARTElette.shp: every CARTElette layer is made from
     * IGN's (Admin Express or GEOFLA, by year), overseas moved. */
    g_auto(GStrv) parts = g_strsplit(base, "_", -1);
    if (g_strv_length(parts) != 3 || g_ascii_strcasecmp(parts[2], "CARTElette.shp") != 0 ||
        strlen(parts[1]) != 4 || strspn(parts[1], "0123456789") != 4 || !*parts[0])
        return NULL;
    return g_strdup_printf("Source : IGN, CARTElette (COG %s)", parts[1]);
}

char *crpv_geo_credit(const char *shp_path, char **source_file)
{
    g_autofree char *dir = g_path_get_dirname(shp_path);
    static const char *const readmes[] = {"README.md", "LISEZMOI.md", "README.txt", "LISEZMOI.txt",
                                          "README", "LISEZMOI"};
    if (source_file)
        *source_file = NULL;
    g_autofree char *credit_path = g_build_filename(dir, "credit.txt", NULL);
    char *text = NULL;
    gsize len = 0;
    /* A credit file is one line; anything large is not one. */
    if (g_file_get_contents(credit_path, &text, &len, NULL)) {
        char *line = g_strstrip(g_strndup(text, strcspn(text, "\r\n")));
        g_free(text);
        if (*line && len < 4096 && g_utf8_validate(line, -1, NULL)) {
            if (source_file)
                *source_file = g_steal_pointer(&credit_path);
            return line;
        }
        g_free(line);
    }
    for (size_t i = 0; i < G_N_ELEMENTS(readmes); i++) {
        g_autofree char *path = g_build_filename(dir, readmes[i], NULL);
        if (!g_file_get_contents(path, &text, &len, NULL))
            continue;
        /* A README is a page or two; a huge file is not one. */
        char *credit = len < 1024 * 1024 ? crpv_geo_credit_in_text(text, len) : NULL;
        g_free(text);
        if (credit) {
            if (source_file)
                *source_file = g_steal_pointer(&path);
            return credit;
        }
    }
    return NULL;
}

/* ---- Loading ---- */

typedef struct {
    GPtrArray *lines; /* problems, one line each */
    size_t dropped;   /* beyond MAX_PROBLEMS */
} problems;

G_GNUC_PRINTF(2, 3)
static void problem(problems *p, const char *fmt, ...)
{
    if (p->lines->len >= MAX_PROBLEMS) {
        p->dropped++;
        return;
    }
    va_list ap;
    va_start(ap, fmt);
    g_ptr_array_add(p->lines, g_strdup_vprintf(fmt, ap));
    va_end(ap);
}

static uint32_t be32(const unsigned char *b)
{
    return (uint32_t)b[0] << 24 | (uint32_t)b[1] << 16 | (uint32_t)b[2] << 8 | b[3];
}

static uint32_t le32(const unsigned char *b)
{
    return (uint32_t)b[3] << 24 | (uint32_t)b[2] << 16 | (uint32_t)b[1] << 8 | b[0];
}

static uint16_t le16(const unsigned char *b)
{
    return (uint16_t)(b[1] << 8 | b[0]);
}

/* BASE + "." + EXT, or with the extension in capitals when only that one
 * exists (files copied from old Windows tools). */
static char *sibling(const char *base, const char *ext)
{
    char *lower = g_strconcat(base, ".", ext, NULL);
    if (g_file_test(lower, G_FILE_TEST_EXISTS))
        return lower;
    g_autofree char *up = g_ascii_strup(ext, -1);
    char *upper = g_strconcat(base, ".", up, NULL);
    if (g_file_test(upper, G_FILE_TEST_EXISTS)) {
        g_free(lower);
        return upper;
    }
    g_free(upper);
    return lower;
}

static const char *shape_type_name(uint32_t type)
{
    switch (type) {
    case SHPT_NULL:
        return "vide";
    case SHPT_POINT:
    case SHPT_POINTZ:
    case SHPT_POINTM:
        return "point";
    case SHPT_ARC:
    case SHPT_ARCZ:
    case SHPT_ARCM:
        return "ligne";
    case SHPT_MULTIPOINT:
    case SHPT_MULTIPOINTZ:
    case SHPT_MULTIPOINTM:
        return "multipoint";
    case SHPT_MULTIPATCH:
        return "multipatch";
    default:
        return "inconnu";
    }
}

static bool is_polygon_type(uint32_t type)
{
    return type == SHPT_POLYGON || type == SHPT_POLYGONZ || type == SHPT_POLYGONM;
}

/* shapelib prints its errors on stderr; ours are more precise and go
 * through GError. */
static void silent_error(const char *message)
{
    (void)message;
}

/* What the validation of the .shx and .shp learnt about each record. */
typedef enum { RECORD_OK, RECORD_NULL, RECORD_BAD } record_state;

/* Checks the .shx index and each record's header in the .shp before
 * shapelib reads anything: offsets inside the file, counts that the record
 * can hold, part indices in order. Returns the record count, or -1 when the
 * files cannot be read at all; fills STATES (one per record). */
static long validate_shp(const char *shp_name, const unsigned char *shp, size_t shp_size,
                         const char *shx_name, const unsigned char *shx, size_t shx_size,
                         GArray *states, problems *p, GPtrArray *warnings)
{
    /* The user names the .shp: faults of its index are reported under that
     * name, the index named in the message. */
    g_autofree char *shx_base = g_path_get_basename(shx_name);
    bool ok = true;
    if (shp_size < 100 || be32(shp) != 9994) {
        problem(p, "%s: pas un fichier .shp (en-tête absent ou invalide)", shp_name);
        ok = false;
    }
    if (shx_size < 100 || be32(shx) != 9994) {
        problem(p, "%s: index « %s » invalide (en-tête absent ou tronqué)", shp_name, shx_base);
        ok = false;
    }
    if (!ok)
        return -1;
    /* shapelib takes the record count from the length the .shx header
     * declares: it must be the real one. */
    uint64_t declared = (uint64_t)be32(shx + 24) * 2;
    if (declared != shx_size || (shx_size - 100) % 8 != 0) {
        problem(p,
                "%s: index « %s » tronqué ou corrompu (son en-tête annonce %" G_GUINT64_FORMAT
                " octets, il en a %zu)",
                shp_name, shx_base, declared, shx_size);
        return -1;
    }
    /* A wrong length in the .shp header alone is a slip of the writer:
     * shapelib and GDAL read the records through the index all the same.
     * A record really cut short is caught below, record by record. */
    uint64_t shp_declared = (uint64_t)be32(shp + 24) * 2;
    if (shp_declared != shp_size && warnings)
        g_ptr_array_add(warnings,
                        g_strdup_printf("%s: attention : l’en-tête annonce %" G_GUINT64_FORMAT
                                        " octets, le fichier en a %zu ; lu quand même",
                                        shp_name, shp_declared, shp_size));
    uint32_t file_type = le32(shp + 32);
    if (!is_polygon_type(file_type)) {
        problem(p, "%s: formes de type « %s » (%u) au lieu de polygones", shp_name,
                shape_type_name(file_type), file_type);
        return -1;
    }

    long n = (long)((shx_size - 100) / 8);
    for (long i = 0; i < n; i++) {
        const unsigned char *entry = shx + 100 + 8 * i;
        uint64_t offset = (uint64_t)be32(entry) * 2, length = (uint64_t)be32(entry + 4) * 2;
        record_state state = RECORD_BAD;
        long rec = i + 1;
        if (offset < 100 || offset + 8 + length > shp_size) {
            problem(p,
                    "%s: enregistrement %ld : position %" G_GUINT64_FORMAT
                    " (lue dans l’index « %s ») hors du fichier (%zu octets, fichier tronqué ?)",
                    shp_name, rec, offset, shx_base, shp_size);
        } else if (length < 4) {
            problem(p, "%s: enregistrement %ld : enregistrement trop court", shp_name, rec);
        } else {
            const unsigned char *c = shp + offset + 8;
            uint32_t type = le32(c);
            if (type == SHPT_NULL) {
                state = RECORD_NULL;
            } else if (!is_polygon_type(type)) {
                problem(p, "%s: enregistrement %ld : forme de type « %s » (%u) au lieu de polygone",
                        shp_name, rec, shape_type_name(type), type);
            } else if (length < 44) {
                problem(p, "%s: enregistrement %ld : enregistrement trop court", shp_name, rec);
            } else {
                uint64_t parts = le32(c + 36), points = le32(c + 40);
                if (parts == 0 && points == 0) {
                    /* How some writers store an empty geometry. */
                    state = RECORD_NULL;
                } else if (parts == 0 || points == 0) {
                    problem(p, "%s: enregistrement %ld : polygone sans anneau", shp_name, rec);
                } else if (44 + 4 * parts + 16 * points > length) {
                    problem(p,
                            "%s: enregistrement %ld : %" G_GUINT64_FORMAT
                            " anneaux et %" G_GUINT64_FORMAT
                            " points annoncés, plus que l'enregistrement (%" G_GUINT64_FORMAT
                            " octets) ne peut en contenir",
                            shp_name, rec, parts, points, length);
                } else {
                    state = RECORD_OK;
                    uint64_t prev = 0;
                    for (uint64_t k = 0; k < parts && state == RECORD_OK; k++) {
                        uint64_t start = le32(c + 44 + 4 * k);
                        uint64_t end = k + 1 < parts ? le32(c + 44 + 4 * (k + 1)) : points;
                        if (k == 0 && start != 0) {
                            problem(p,
                                    "%s: enregistrement %ld : le premier anneau commence au "
                                    "point %" G_GUINT64_FORMAT " au lieu de 0",
                                    shp_name, rec, start);
                            state = RECORD_BAD;
                        } else if (start >= points || (k > 0 && start <= prev)) {
                            problem(p,
                                    "%s: enregistrement %ld : indice de l'anneau %" G_GUINT64_FORMAT
                                    " (%" G_GUINT64_FORMAT
                                    ") hors limites ou non croissant (%" G_GUINT64_FORMAT
                                    " points)",
                                    shp_name, rec, k + 1, start, points);
                            state = RECORD_BAD;
                        } else if (end > start && end <= points && end - start < 4) {
                            problem(p,
                                    "%s: enregistrement %ld : anneau %" G_GUINT64_FORMAT
                                    " de %" G_GUINT64_FORMAT " points (4 au moins)",
                                    shp_name, rec, k + 1, end - start);
                            state = RECORD_BAD;
                        }
                        prev = start;
                    }
                }
            }
        }
        g_array_append_val(states, state);
    }
    return n;
}

/* The iconv name for a .cpg value or shapelib's "LDID/N". */
static const char *charset_for(const char *code_page, bool *known)
{
    *known = true;
    if (!code_page || !*code_page)
        return "WINDOWS-1252";
    if (g_str_has_prefix(code_page, "LDID/")) {
        /* dBase language driver ids, as ESRI and GDAL read them. */
        switch (atoi(code_page + 5)) {
        case 0x01:
            return "CP437";
        case 0x02:
            return "CP850";
        case 0x64:
            return "CP852";
        case 0x65:
            return "CP866";
        case 0xC8:
            return "WINDOWS-1250";
        case 0xC9:
            return "WINDOWS-1251";
        case 0xCB:
            return "WINDOWS-1253";
        case 0xCA:
            return "WINDOWS-1254";
        default: /* 0x03 and 0x57 (ANSI), and whatever we do not know */
            return "WINDOWS-1252";
        }
    }
    static const struct {
        const char *cpg, *iconv;
    } names[] = {
        {"UTF-8", "UTF-8"},
        {"UTF8", "UTF-8"},
        {"65001", "UTF-8"},
        {"1252", "WINDOWS-1252"},
        {"ANSI 1252", "WINDOWS-1252"},
        {"88591", "ISO-8859-1"},
        {"ISO88591", "ISO-8859-1"},
        {"LATIN1", "ISO-8859-1"},
        {"885915", "ISO-8859-15"},
        {"1250", "WINDOWS-1250"},
        {"1251", "WINDOWS-1251"},
        {"437", "CP437"},
        {"850", "CP850"},
    };
    for (size_t i = 0; i < G_N_ELEMENTS(names); i++)
        if (g_ascii_strcasecmp(code_page, names[i].cpg) == 0)
            return names[i].iconv;
    /* Anything else ("CP1252", "ISO-8859-1", "windows-1252"): iconv may
     * know it, but only a plain name is worth asking (iconv takes
     * suffixes such as "//IGNORE" that would change the decoding). */
    for (const char *c = code_page; *c; c++) {
        if (!g_ascii_isalnum(*c) && *c != '-' && *c != '_' && *c != '.' && *c != ':') {
            *known = false;
            return NULL;
        }
    }
    GIConv cd = g_iconv_open("UTF-8", code_page);
    if (cd == (GIConv)-1) {
        *known = false;
        return NULL;
    }
    g_iconv_close(cd);
    return code_page;
}

/* Decodes a field's bytes into a new UTF-8 string, or NULL when they are
 * not valid in CHARSET. */
static char *decode(const char *raw, const char *charset)
{
    if (g_ascii_strcasecmp(charset, "UTF-8") == 0)
        return g_utf8_validate(raw, -1, NULL) ? g_strdup(raw) : NULL;
    return g_convert(raw, -1, "UTF-8", charset, NULL, NULL, NULL);
}

/* The .dbf side: field lookup, text decoding. */
typedef struct {
    DBFHandle dbf;
    const char *name; /* for messages */
    const char *charset;
    int code_field, name_field;
} dbf_reader;

static int find_field(DBFHandle dbf, const char *wanted)
{
    int n = DBFGetFieldCount(dbf);
    for (int i = 0; i < n; i++) {
        char name[XBASE_FLDNAME_LEN_READ + 1] = "";
        DBFGetFieldInfo(dbf, i, name, NULL, NULL);
        if (g_ascii_strcasecmp(name, wanted) == 0)
            return i;
    }
    return -1;
}

/* The fields that hold a territory's code and name in the files French GIS
 * users have, in order of preference: the shipped files (code, nom), IGN's
 * Admin Express (INSEE_DEP, INSEE_REG, NOM, NOM_M), CARTElette (DEP, REG),
 * INSEE's and data.gouv's exports (code_insee, libelle). A département
 * file also carries its region's code, so département fields come first. */
static const char *const code_candidates[] = {"code",     "code_insee", "insee_dep", "dep",
                                              "code_dep", "insee_reg",  "reg",       "code_reg",
                                              "insee",    NULL};
static const char *const name_candidates[] = {"nom",     "libelle", "nom_dep", "nom_reg", "libgeo",
                                              "nom_m",   "lib",     "name",    NULL};

/* WANTED when given, else the first of CANDIDATES the .dbf has. */
static int find_field_among(DBFHandle dbf, const char *wanted, const char *const *candidates,
                            const char **found)
{
    if (wanted) {
        *found = wanted;
        return find_field(dbf, wanted);
    }
    for (const char *const *c = candidates; *c; c++) {
        int i = find_field(dbf, *c);
        if (i >= 0) {
            *found = *c;
            return i;
        }
    }
    *found = NULL;
    return -1;
}

static char *field_list(DBFHandle dbf, const char *charset)
{
    GString *s = g_string_new(NULL);
    int n = DBFGetFieldCount(dbf);
    for (int i = 0; i < n; i++) {
        char name[XBASE_FLDNAME_LEN_READ + 1] = "";
        DBFGetFieldInfo(dbf, i, name, NULL, NULL);
        g_autofree char *utf8 = decode(name, charset);
        g_autofree char *valid = g_utf8_make_valid(utf8 ? utf8 : name, -1);
        g_string_append_printf(s, "%s%s", i ? ", " : "", valid);
    }
    if (n == 0)
        g_string_append(s, "aucun");
    return g_string_free(s, FALSE);
}

typedef enum { TEXT_ASCII, TEXT_UTF8, TEXT_OTHER } text_kind;

/* What the bytes of FIELDS in the N records are: plain ASCII, UTF-8 with
 * accented letters, or something else. */
static text_kind scan_text(DBFHandle dbf, int n, const int *fields, size_t n_fields)
{
    text_kind kind = TEXT_ASCII;
    for (int i = 0; i < n; i++) {
        for (size_t f = 0; f < n_fields; f++) {
            if (DBFIsAttributeNULL(dbf, i, fields[f]))
                continue;
            const char *raw = DBFReadStringAttribute(dbf, i, fields[f]);
            if (!raw)
                continue;
            bool ascii = true;
            for (const char *c = raw; *c && ascii; c++)
                ascii = (unsigned char)*c < 0x80;
            if (ascii)
                continue;
            if (!g_utf8_validate(raw, -1, NULL))
                return TEXT_OTHER;
            kind = TEXT_UTF8;
        }
    }
    return kind;
}

/* A text attribute, decoded and trimmed; NULL (with a problem added) when
 * its bytes are not valid. */
static char *read_text(dbf_reader *r, int record, int field, const char *field_name, problems *p)
{
    /* shapelib's buffer lives until its next call: decode (copy) at once. */
    const char *raw = DBFIsAttributeNULL(r->dbf, record, field)
                          ? ""
                          : DBFReadStringAttribute(r->dbf, record, field);
    if (!raw) {
        problem(p, "%s: enregistrement %d : illisible (fichier tronqué ?)", r->name, record + 1);
        return NULL;
    }
    char *text = decode(raw, r->charset);
    if (!text) {
        problem(p, "%s: enregistrement %d : champ « %s » : octets invalides en %s", r->name,
                record + 1, field_name, r->charset);
        return NULL;
    }
    return g_strstrip(text);
}

/* Copies a shapelib polygon into SHAPE, closing rings left open. Returns
 * false (with a problem added) on a non-finite coordinate. */
static bool copy_polygon(const SHPObject *obj, crpv_shape *shape, const char *name, int record,
                         problems *p)
{
    for (int k = 0; k < obj->nParts; k++) {
        int start = obj->panPartStart[k];
        int end = k + 1 < obj->nParts ? obj->panPartStart[k + 1] : obj->nVertices;
        /* Checked on the raw record already; shapelib must agree. */
        if (start < 0 || end > obj->nVertices || end - start < 4) {
            problem(p, "%s: enregistrement %d : anneau %d invalide", name, record + 1, k + 1);
            return false;
        }
        size_t n = (size_t)(end - start);
        crpv_point *pts = g_new(crpv_point, n + 1);
        for (size_t j = 0; j < n; j++) {
            double x = obj->padfX[start + j], y = obj->padfY[start + j];
            if (!isfinite(x) || !isfinite(y)) {
                problem(p, "%s: enregistrement %d : point %zu : coordonnée non finie (%g, %g)",
                        name, record + 1, (size_t)start + j + 1, x, y);
                g_free(pts);
                return false;
            }
            pts[j] = (crpv_point){x, y};
        }
        /* Open rings are common in hand-made files; closing them is safe. */
        if (pts[0].x != pts[n - 1].x || pts[0].y != pts[n - 1].y)
            pts[n++] = pts[0];
        crpv_shape_add_ring(shape, pts, n);
        g_free(pts);
    }
    return true;
}

/* Reads PATH, a companion of the shapefile SHP_PATH; WHAT says what it
 * holds. A missing companion is reported under the .shp's name, the one
 * the user gave. */
static bool read_companion(const char *shp_path, const char *path, const char *what, char **data,
                           size_t *len, problems *p)
{
    g_autoptr(GError) err = NULL;
    gsize n = 0;
    if (!g_file_get_contents(path, data, &n, &err)) {
        g_autofree char *base = g_path_get_basename(path);
        problem(p, "%s: fichier « %s » (%s) %s", shp_path, base, what,
                g_error_matches(err, G_FILE_ERROR, G_FILE_ERROR_NOENT) ? "introuvable"
                                                                       : "illisible");
        return false;
    }
    *len = n;
    return true;
}

/* Everything crpv_layer_load() holds while it works, released at once. */
typedef struct {
    char *base, *shx_path, *dbf_path, *prj_path, *cpg_path;
    GMappedFile *shp_map;
    char *shx;
    size_t shx_len;
    char *dbf_head;
    size_t dbf_len;
    GArray *states;
    SHPHandle shp;
    DBFHandle dbf;
    GHashTable *codes; /* code -> record number (GINT_TO_POINTER) */
    crpv_projection *proj;
    problems p;
} load_state;

static void load_state_clear(load_state *s)
{
    g_free(s->base);
    g_free(s->shx_path);
    g_free(s->dbf_path);
    g_free(s->prj_path);
    g_free(s->cpg_path);
    if (s->shp_map)
        g_mapped_file_unref(s->shp_map);
    g_free(s->shx);
    g_free(s->dbf_head);
    if (s->states)
        g_array_free(s->states, TRUE);
    if (s->shp)
        SHPClose(s->shp);
    if (s->dbf)
        DBFClose(s->dbf);
    if (s->codes)
        g_hash_table_destroy(s->codes);
    crpv_projection_free(s->proj);
    g_ptr_array_free(s->p.lines, TRUE);
}

/* The .dbf header's record count, checked against the file's size (shapelib
 * trusts it). Returns -1 with a problem when the header is unusable. */
static long validate_dbf(const char *name, const unsigned char *d, size_t len, problems *p)
{
    if (len < 32) {
        problem(p, "%s: pas un fichier .dbf (en-tête absent ou tronqué)", name);
        return -1;
    }
    uint64_t records = le32(d + 4), header = le16(d + 8), record_len = le16(d + 10);
    if (header < 33 || record_len < 1 || header > len) {
        problem(p, "%s: en-tête .dbf invalide", name);
        return -1;
    }
    uint64_t present = (len - header) / record_len;
    if (present < records) {
        problem(p,
                "%s: fichier tronqué (%" G_GUINT64_FORMAT
                " enregistrements annoncés, %" G_GUINT64_FORMAT " présents)",
                name, records, present);
        return -1;
    }
    return (long)records;
}

/* A .prj that contradicts the coordinates: a projection in metres over
 * coordinates that are all within ±180, ±90 (a file in degrees with a
 * Lambert-93 .prj copied beside it), or a layer wholly outside the area
 * where the CRS is used. Either way the map would come out distorted. */
static void check_crs(const char *shp_path, const char *prj_path, const crpv_crs_info *crs,
                      crpv_rect raw, crpv_rect extent, problems *p)
{
    g_autofree char *prj = g_path_get_basename(prj_path);
    if (crs->projected && raw.x0 >= -180 && raw.x1 <= 180 && raw.y0 >= -90 && raw.y1 <= 90) {
        problem(p,
                "%s: coordonnées en degrés (longitudes de %.6g à %.6g, latitudes de %.6g à "
                "%.6g), mais « %s » déclare une projection en mètres : remplacez le .prj par "
                "celui du système réel (WGS 84 s’il est absent)",
                shp_path, raw.x0, raw.x1, raw.y0, raw.y1, prj);
        return;
    }
    if (!crs->has_area)
        return;
    /* A margin of 2°: files often reach a little beyond the official
     * area (islands, territorial waters); a layer that holds the overseas
     * in a metropolitan CRS still meets the area with its mainland. */
    crpv_rect area = crpv_rect_inflate(crs->area, 2);
    if (!(extent.x0 <= extent.x1) || crpv_rect_intersects(area, extent))
        return;
    problem(p,
            "%s: une fois lues dans le système que déclare « %s », les coordonnées tombent "
            "hors de sa zone d’usage (longitudes %.3g à %.3g, latitudes %.3g à %.3g, pour une "
            "zone de %.3g à %.3g et %.3g à %.3g) : le .prj ne correspond pas au fichier",
            shp_path, prj, extent.x0, extent.x1, extent.y0, extent.y1, crs->area.x0, crs->area.x1,
            crs->area.y0, crs->area.y1);
}

crpv_layer *crpv_layer_load(const char *shp_path, const char *code_field, const char *name_field,
                            GPtrArray *warnings, GError **error)
{
    load_state s = {0};
    s.p.lines = g_ptr_array_new_with_free_func(g_free);
    problems *p = &s.p;
    crpv_layer *layer = NULL;
    bool io_failure = false;

    size_t plen = strlen(shp_path);
    s.base = plen > 4 && g_ascii_strcasecmp(shp_path + plen - 4, ".shp") == 0
                 ? g_strndup(shp_path, plen - 4)
                 : g_strdup(shp_path);
    s.shx_path = sibling(s.base, "shx");
    s.dbf_path = sibling(s.base, "dbf");
    s.prj_path = sibling(s.base, "prj");
    s.cpg_path = sibling(s.base, "cpg");

    /* Missing files first: a missing .shp in one line (its companions are
     * then missing too, most likely, and saying so helps nobody), else
     * each missing companion. These are I/O failures (exit 3). */
    g_autoptr(GError) map_err = NULL;
    s.shp_map = g_mapped_file_new(shp_path, FALSE, &map_err);
    if (!s.shp_map) {
        problem(p, "%s: %s", shp_path,
                g_error_matches(map_err, G_FILE_ERROR, G_FILE_ERROR_NOENT) ? "fichier introuvable"
                                                                           : "fichier illisible");
        io_failure = true;
        goto done;
    }
    bool have_shx = read_companion(shp_path, s.shx_path, "l’index des formes", &s.shx,
                                   &s.shx_len, p);
    bool have_dbf = read_companion(shp_path, s.dbf_path, "les noms et les codes", &s.dbf_head,
                                   &s.dbf_len, p);
    if (!have_shx || !have_dbf) {
        io_failure = true;
        goto done;
    }

    const unsigned char *shp_bytes = (const unsigned char *)g_mapped_file_get_contents(s.shp_map);
    size_t shp_len = g_mapped_file_get_length(s.shp_map);
    s.states = g_array_new(FALSE, FALSE, sizeof(record_state));
    long n_records = validate_shp(shp_path, shp_bytes, shp_len, s.shx_path,
                                  (const unsigned char *)s.shx, s.shx_len, s.states, p, warnings);
    long n_dbf = validate_dbf(s.dbf_path, (const unsigned char *)s.dbf_head, s.dbf_len, p);
    if (n_records < 0 || n_dbf < 0)
        goto done;
    if (n_dbf != n_records)
        problem(p, "%s: %ld enregistrements, mais %ld dans %s", s.dbf_path, n_dbf, n_records,
                shp_path);

    SAHooks hooks;
    SASetupDefaultHooks(&hooks);
    hooks.Error = silent_error;
    s.shp = SHPOpenLL(shp_path, "rb", &hooks);
    if (!s.shp)
        problem(p, "%s: fichier illisible ou corrompu", shp_path);
    s.dbf = DBFOpenLL(s.dbf_path, "rb", &hooks);
    if (!s.dbf)
        problem(p, "%s: fichier illisible ou corrompu", s.dbf_path);
    if (!s.shp || !s.dbf)
        goto done;
    int shp_entities = 0;
    SHPGetInfo(s.shp, &shp_entities, NULL, NULL, NULL);
    if (shp_entities != n_records || DBFGetRecordCount(s.dbf) != n_dbf) {
        problem(p, "%s: fichier illisible ou corrompu", shp_path);
        goto done;
    }

    bool known = true;
    const char *code_page = DBFGetCodePage(s.dbf);
    dbf_reader r = {s.dbf, s.dbf_path, charset_for(code_page, &known), -1, -1};
    if (!known) {
        g_autofree char *shown = g_utf8_make_valid(code_page, -1);
        problem(p, "%s: encodage « %s » inconnu (fichier .cpg)", s.dbf_path, shown);
        goto done;
    }
    r.code_field = find_field_among(s.dbf, code_field, code_candidates, &code_field);
    r.name_field = find_field_among(s.dbf, name_field, name_candidates, &name_field);
    if (r.code_field < 0 || r.name_field < 0) {
        g_autofree char *fields = field_list(s.dbf, r.charset);
        if (r.code_field < 0 && code_field)
            problem(p, "%s: champ « %s » absent (champs présents : %s)", s.dbf_path, code_field,
                    fields);
        else if (r.code_field < 0)
            problem(p,
                    "%s: aucun champ de code connu (code, INSEE_REG, INSEE_DEP, REG, DEP, "
                    "code_insee…) parmi %s ; indiquez-le dans la section [geo] du style",
                    s.dbf_path, fields);
        if (r.name_field < 0 && name_field)
            problem(p, "%s: champ « %s » absent (champs présents : %s)", s.dbf_path, name_field,
                    fields);
        else if (r.name_field < 0)
            problem(p,
                    "%s: aucun champ de nom connu (nom, NOM, NOM_M, libelle…) parmi %s ; "
                    "indiquez-le dans la section [geo] du style",
                    s.dbf_path, fields);
        goto done;
    }
    /* Without a .cpg, the text itself tells UTF-8 (the only common
     * encoding in which random accented bytes are seldom valid) from the
     * language driver's code page. */
    if (!g_file_test(s.cpg_path, G_FILE_TEST_EXISTS)) {
        int field_ids[] = {r.code_field, r.name_field};
        text_kind kind = scan_text(s.dbf, (int)n_dbf, field_ids, G_N_ELEMENTS(field_ids));
        if (kind == TEXT_UTF8) {
            r.charset = "UTF-8";
        } else if (kind == TEXT_OTHER && (!code_page || !*code_page || strcmp(code_page, "LDID/0") == 0) &&
                   warnings) {
            g_ptr_array_add(warnings,
                            g_strdup_printf("%s: attention : encodage non déclaré (ni fichier "
                                            ".cpg, ni pilote de langue), noms lus en %s",
                                            s.dbf_path, r.charset));
        }
    }

    char *wkt = NULL;
    crpv_crs_info crs = {false, false, {0, 0, 0, 0}};
    /* An empty .prj says no more than a missing one. */
    if (g_file_get_contents(s.prj_path, &wkt, NULL, NULL) && *g_strstrip(wkt)) {
        g_autoptr(GError) perr = NULL;
        s.proj = crpv_projection_new(wkt, "EPSG:4326", &perr);
        if (!s.proj)
            problem(p, "%s: %s", s.prj_path, perr->message);
        else
            crpv_projection_crs_info(wkt, &crs);
    } else if (warnings) {
        g_ptr_array_add(
            warnings,
            g_strdup_printf("%s: attention : pas de fichier .prj, coordonnées lues en WGS 84",
                            shp_path));
    }
    g_free(wkt);

    layer = crpv_layer_new();
    g_free(layer->path);
    layer->path = g_strdup(shp_path);
    s.codes = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
    long n_common = MIN(n_records, n_dbf);
    /* The extent as read and once reprojected, to check the .prj. */
    crpv_rect raw_extent = crpv_rect_empty(), extent = crpv_rect_empty();
    for (int i = 0; i < n_common; i++) {
        record_state state = g_array_index(s.states, record_state, i);
        if (state == RECORD_BAD)
            continue;
        if (state == RECORD_NULL) {
            if (warnings)
                g_ptr_array_add(warnings,
                                g_strdup_printf("%s: attention : enregistrement %d : forme vide, ignorée",
                                                shp_path, i + 1));
            continue;
        }
        SHPObject *obj = SHPReadObject(s.shp, i);
        if (!obj || !is_polygon_type((uint32_t)obj->nSHPType) || obj->nParts < 1) {
            problem(p, "%s: enregistrement %d : illisible ou corrompu", shp_path, i + 1);
            SHPDestroyObject(obj);
            continue;
        }
        crpv_shape shape = {NULL, 0};
        bool ok = copy_polygon(obj, &shape, shp_path, i, p);
        SHPDestroyObject(obj);
        if (ok)
            raw_extent = crpv_rect_union(raw_extent, crpv_shape_bbox(&shape));
        g_autoptr(GError) perr = NULL;
        if (ok && s.proj && !crpv_projection_apply_shape(s.proj, &shape, &perr)) {
            problem(p, "%s: enregistrement %d : %s", shp_path, i + 1, perr->message);
            ok = false;
        }
        g_autofree char *code = read_text(&r, i, r.code_field, code_field, p);
        g_autofree char *nom = read_text(&r, i, r.name_field, name_field, p);
        if (code && !*code) {
            problem(p, "%s: enregistrement %d : champ « %s » vide", s.dbf_path, i + 1, code_field);
            ok = false;
        } else if (code) {
            gpointer first = g_hash_table_lookup(s.codes, code);
            if (first) {
                problem(p, "%s: enregistrement %d : code « %s » en double (déjà enregistrement %d)",
                        s.dbf_path, i + 1, code, GPOINTER_TO_INT(first));
                ok = false;
            } else {
                g_hash_table_insert(s.codes, g_strdup(code), GINT_TO_POINTER(i + 1));
            }
        }
        if (!ok || !code || !nom) {
            crpv_shape_clear(&shape);
            continue;
        }
        crpv_layer_add(layer, code, nom, shape);
        extent = crpv_rect_union(extent, crpv_layer_nth(layer, crpv_layer_count(layer) - 1)->bbox);
    }
    if (p->lines->len == 0 && crpv_layer_count(layer) > 0)
        check_crs(shp_path, s.prj_path, &crs, raw_extent, extent, p);
    if (p->lines->len == 0 && crpv_layer_count(layer) == 0)
        problem(p, "%s: aucun polygone", shp_path);

done:
    if (p->lines->len > 0) {
        GString *msg = g_string_new(NULL);
        for (size_t i = 0; i < p->lines->len; i++)
            g_string_append_printf(msg, "%s%s", i ? "\n" : "", (char *)p->lines->pdata[i]);
        if (p->dropped)
            g_string_append_printf(msg, "\n%s: … et %zu autres problèmes", shp_path, p->dropped);
        if (io_failure)
            g_set_error_literal(error, G_FILE_ERROR, G_FILE_ERROR_NOENT, msg->str);
        else
            g_set_error_literal(error, geo_error_quark(), 1, msg->str);
        g_string_free(msg, TRUE);
        crpv_layer_free(layer);
        layer = NULL;
    }
    load_state_clear(&s);
    return layer;
}
