/* Coordinate transformations through PROJ. */
#include "projection.h"

#include <math.h>
#include <string.h>
#include <proj.h>

struct crpv_projection {
    PJ *pj;
    bool noop; /* same CRS on both sides: nothing to compute (PJ may be NULL) */
};

/* One PROJ context for the process: each new context opens PROJ's
 * database again, which was most of the cost of reading a shapefile. The
 * program uses PROJ from its main thread only (see projection.h). */
static PJ_CONTEXT *shared_context(void)
{
    static PJ_CONTEXT *ctx;
    if (!ctx) {
        ctx = proj_context_create();
        /* Transformations must not depend on grids fetched from the network. */
        proj_context_set_enable_network(ctx, 0);
        proj_log_level(ctx, PJ_LOG_ERROR);
    }
    return ctx;
}

static GQuark projection_error_quark(void)
{
    return g_quark_from_static_string("crpv-projection-error");
}

/* A CRS as the user would recognise it: a long WKT is cut short. */
static char *crs_label(const char *crs)
{
    g_autofree char *flat = g_strdup(crs);
    g_strstrip(g_strdelimit(flat, "\r\n\t", ' '));
    if (g_utf8_strlen(flat, -1) <= 60)
        return g_steal_pointer(&flat);
    g_autofree char *head = g_utf8_substring(flat, 0, 57);
    return g_strconcat(head, "…", NULL);
}

/* PROJ's error codes are vague ("Unknown error"); the reason is in its
 * log, so the last logged error is kept for the message. */
static void log_capture(void *data, int level, const char *msg)
{
    char **last = data;
    if (data && level == PJ_LOG_ERROR && msg) {
        g_free(*last);
        *last = g_strdup(msg);
    }
}

static const char *proj_message(PJ_CONTEXT *ctx, char *const *last_log)
{
    if (last_log && *last_log) {
        /* "proj_create: crs not found" -> "crs not found" */
        const char *colon = strstr(*last_log, ": ");
        return colon && strncmp(*last_log, "proj_", 5) == 0 ? colon + 2 : *last_log;
    }
    int err = proj_context_errno(ctx);
    const char *msg = err ? proj_context_errno_string(ctx, err) : NULL;
    return msg ? msg : "définition non reconnue";
}

static PJ *create_crs(PJ_CONTEXT *ctx, const char *crs, char *const *last_log, GError **error)
{
    PJ *pj = crs && *crs ? proj_create(ctx, crs) : NULL;
    if (pj && !proj_is_crs(pj)) {
        proj_destroy(pj);
        pj = NULL;
    }
    if (!pj) {
        g_autofree char *label = crs_label(crs ? crs : "");
        g_set_error(error, projection_error_quark(), 1,
                    "système de coordonnées « %s » inconnu de PROJ : %s", label,
                    proj_message(ctx, last_log));
    }
    return pj;
}

/* The operations PROJ finds for the map's default frames, as it writes
 * them. Searching its database for them costs a few milliseconds each,
 * most of a map's composition; test_projection checks that every entry is
 * what the search gives, so that the table cannot drift from PROJ. */
static const struct {
    const char *from, *to, *pipeline;
} known[] = {
#define FROM_DEGREES "+proj=pipeline +step +proj=unitconvert +xy_in=deg +xy_out=rad +step "
    {"EPSG:4326", "EPSG:2154",
     FROM_DEGREES "+proj=lcc +lat_0=46.5 +lon_0=3 +lat_1=49 +lat_2=44 +x_0=700000 "
                  "+y_0=6600000 +ellps=GRS80"},
    {"EPSG:4326", "EPSG:5490", FROM_DEGREES "+proj=utm +zone=20 +ellps=GRS80"},
    {"EPSG:4326", "EPSG:2972", FROM_DEGREES "+proj=utm +zone=22 +ellps=GRS80"},
    {"EPSG:4326", "EPSG:2975", FROM_DEGREES "+proj=utm +zone=40 +south +ellps=GRS80"},
    {"EPSG:4326", "EPSG:4471", FROM_DEGREES "+proj=utm +zone=38 +south +ellps=GRS80"},
#undef FROM_DEGREES
};

const char *crpv_projection_known_pipeline(const char *from, const char *to)
{
    for (size_t i = 0; i < G_N_ELEMENTS(known); i++)
        if (g_strcmp0(known[i].from, from) == 0 && g_strcmp0(known[i].to, to) == 0)
            return known[i].pipeline;
    return NULL;
}

const char *crpv_projection_definition(const crpv_projection *proj)
{
    return proj->pj ? proj_pj_info(proj->pj).definition : "proj=noop";
}

static crpv_projection *noop_projection(void)
{
    crpv_projection *proj = g_new0(crpv_projection, 1);
    proj->noop = true;
    return proj;
}

/* WGS 84 as the .prj files of the usual tools write it (ESRI's, then the
 * OGC form), compared without blanks: reading a shapefile in WGS 84 then
 * costs no database lookup, which took most of the time of reading it. */
static const char *const wgs84_wkt[] = {
    "GEOGCS[\"GCS_WGS_1984\",DATUM[\"D_WGS_1984\",SPHEROID[\"WGS_1984\",6378137.0,"
    "298.257223563]],PRIMEM[\"Greenwich\",0.0],UNIT[\"Degree\",0.0174532925199433]]",
    "GEOGCS[\"WGS84\",DATUM[\"WGS_1984\",SPHEROID[\"WGS84\",6378137,298.257223563,"
    "AUTHORITY[\"EPSG\",\"7030\"]],AUTHORITY[\"EPSG\",\"6326\"]],PRIMEM[\"Greenwich\",0,"
    "AUTHORITY[\"EPSG\",\"8901\"]],UNIT[\"degree\",0.0174532925199433,AUTHORITY[\"EPSG\","
    "\"9122\"]],AUTHORITY[\"EPSG\",\"4326\"]]",
};

static bool is_wgs84(const char *crs)
{
    if (g_strcmp0(crs, "EPSG:4326") == 0)
        return true;
    GString *flat = g_string_new(NULL);
    for (const char *p = crs; p && *p; p++)
        if (!g_ascii_isspace(*p))
            g_string_append_c(flat, *p);
    bool found = false;
    for (size_t i = 0; i < G_N_ELEMENTS(wgs84_wkt) && !found; i++) {
        /* The OGC form's "WGS 84" loses its blank with the others. */
        found = strcmp(flat->str, wgs84_wkt[i]) == 0;
    }
    g_string_free(flat, TRUE);
    return found;
}

crpv_projection *crpv_projection_new(const char *from, const char *to, GError **error)
{
    if (is_wgs84(from) && is_wgs84(to))
        return noop_projection();
    const char *pipeline = crpv_projection_known_pipeline(from, to);
    if (pipeline) {
        PJ_CONTEXT *ctx = shared_context();
        proj_log_level(ctx, PJ_LOG_NONE);
        PJ *pj = proj_create(ctx, pipeline);
        proj_log_level(ctx, PJ_LOG_ERROR);
        if (pj) {
            crpv_projection *proj = g_new0(crpv_projection, 1);
            proj->pj = pj;
            return proj;
        }
        /* A PROJ that cannot read the pipeline still finds the operation. */
    }
    return crpv_projection_new_searched(from, to, error);
}

crpv_projection *crpv_projection_new_searched(const char *from, const char *to, GError **error)
{
    PJ_CONTEXT *ctx = shared_context();
    /* PROJ logs to stderr by default; errors reach the user via GError. */
    char *last_log = NULL;
    proj_log_func(ctx, &last_log, log_capture);

    PJ *src = create_crs(ctx, from, &last_log, error);
    PJ *dst = src ? create_crs(ctx, to, &last_log, error) : NULL;
    PJ *op = NULL;
    if (src && dst &&
        proj_is_equivalent_to_with_ctx(ctx, src, dst,
                                       PJ_COMP_EQUIVALENT_EXCEPT_AXIS_ORDER_GEOGCRS)) {
        /* The same CRS on both sides, as a .prj in WGS 84 says: no search
         * of the database, whose cost is most of a run's start. */
        proj_destroy(src);
        proj_destroy(dst);
        proj_log_func(ctx, NULL, log_capture);
        g_free(last_log);
        crpv_projection *proj = g_new0(crpv_projection, 1);
        proj->noop = true;
        return proj;
    }
    if (src && dst) {
        op = proj_create_crs_to_crs_from_pj(ctx, src, dst, NULL, NULL);
        if (!op) {
            g_autofree char *a = crs_label(from), *b = crs_label(to);
            g_set_error(error, projection_error_quark(), 2,
                        "pas de transformation de « %s » vers « %s » : %s", a, b,
                        proj_message(ctx, &last_log));
        }
    }
    PJ *norm = op ? proj_normalize_for_visualization(ctx, op) : NULL;
    if (op && !norm) {
        g_autofree char *a = crs_label(from), *b = crs_label(to);
        g_set_error(error, projection_error_quark(), 2,
                    "pas de transformation de « %s » vers « %s » : %s", a, b,
                    proj_message(ctx, &last_log));
    }
    proj_destroy(op);
    proj_destroy(src);
    proj_destroy(dst);
    /* LAST_LOG dies here: later messages are dropped. */
    proj_log_func(ctx, NULL, log_capture);
    g_free(last_log);
    if (!norm)
        return NULL;
    crpv_projection *proj = g_new0(crpv_projection, 1);
    proj->pj = norm;
    const char *def = proj_pj_info(norm).definition;
    proj->noop = def && g_str_has_prefix(def, "proj=noop");
    return proj;
}

void crpv_projection_free(crpv_projection *proj)
{
    if (!proj)
        return;
    proj_destroy(proj->pj);
    g_free(proj);
}

bool crpv_projection_apply(const crpv_projection *proj, crpv_point *pts, size_t n, GError **error)
{
    if (n == 0)
        return true;
    /* One call for all points: per-point calls cost several times more. */
    if (!proj->noop) {
        proj_errno_reset(proj->pj);
        proj_trans_generic(proj->pj, PJ_FWD, &pts[0].x, sizeof *pts, n, &pts[0].y, sizeof *pts, n,
                           NULL, 0, 0, NULL, 0, 0);
    }
    /* PROJ marks a failed point with HUGE_VAL; a NaN input stays NaN. */
    for (size_t i = 0; i < n; i++) {
        if (!isfinite(pts[i].x) || !isfinite(pts[i].y)) {
            g_set_error(error, projection_error_quark(), 3,
                        "point %zu impossible à transformer : hors du domaine de la projection",
                        i + 1);
            return false;
        }
    }
    return true;
}

bool crpv_projection_apply_shape(const crpv_projection *proj, crpv_shape *shape, GError **error)
{
    for (size_t i = 0; i < shape->n_rings; i++)
        if (!crpv_projection_apply(proj, shape->rings[i].pts, shape->rings[i].n, error))
            return false;
    return true;
}

bool crpv_projection_crs_info(const char *crs, crpv_crs_info *info)
{
    *info = (crpv_crs_info){false, false, {0, 0, 0, 0}};
    if (is_wgs84(crs)) {
        /* No database lookup for the common case. */
        info->has_area = true;
        info->area = (crpv_rect){-180, -90, 180, 90};
        return true;
    }
    PJ_CONTEXT *ctx = shared_context();
    proj_log_level(ctx, PJ_LOG_NONE);
    PJ *pj = crs && *crs ? proj_create(ctx, crs) : NULL;
    bool ok = pj && proj_is_crs(pj);
    if (ok) {
        PJ *base = proj_get_type(pj) == PJ_TYPE_BOUND_CRS ? proj_get_source_crs(ctx, pj) : NULL;
        PJ_TYPE type = proj_get_type(base ? base : pj);
        info->projected = type == PJ_TYPE_PROJECTED_CRS;
        double w = -1000, s = 0, e = 0, n = 0;
        PJ *crs_pj = base ? base : pj;
        if (!proj_get_area_of_use(ctx, crs_pj, &w, &s, &e, &n, NULL) || w <= -1000) {
            /* An ESRI .prj names no authority: the area is the one of the
             * EPSG CRS PROJ recognises in it, when it is sure enough. */
            int *confidence = NULL;
            PJ_OBJ_LIST *list = proj_identify(ctx, crs_pj, "EPSG", NULL, &confidence);
            if (list && proj_list_get_count(list) > 0 && confidence[0] >= 70) {
                PJ *match = proj_list_get(ctx, list, 0);
                if (!proj_get_area_of_use(ctx, match, &w, &s, &e, &n, NULL))
                    w = -1000;
                proj_destroy(match);
            }
            proj_int_list_destroy(confidence);
            proj_list_destroy(list);
        }
        if (w > -1000) {
            info->has_area = true;
            /* An area across the antimeridian has W > E: take it whole. */
            info->area = w <= e ? (crpv_rect){w, s, e, n} : (crpv_rect){-180, s, 180, n};
        }
        proj_destroy(base);
    }
    proj_destroy(pj);
    proj_log_level(ctx, PJ_LOG_ERROR);
    return ok;
}
