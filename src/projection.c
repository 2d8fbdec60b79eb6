/* Coordinate transformations through PROJ. */
#include "projection.h"

#include <math.h>
#include <string.h>
#include <proj.h>

struct crpv_projection {
    /* One context per object: PROJ contexts are not shareable between
     * threads, and this keeps each projection independent. */
    PJ_CONTEXT *ctx;
    PJ *pj;
    bool noop; /* same CRS on both sides: nothing to compute */
};

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

crpv_projection *crpv_projection_new(const char *from, const char *to, GError **error)
{
    PJ_CONTEXT *ctx = proj_context_create();
    /* Transformations must not depend on grids fetched from the network. */
    proj_context_set_enable_network(ctx, 0);
    /* PROJ logs to stderr by default; errors reach the user via GError. */
    char *last_log = NULL;
    proj_log_level(ctx, PJ_LOG_ERROR);
    proj_log_func(ctx, &last_log, log_capture);

    PJ *src = create_crs(ctx, from, &last_log, error);
    PJ *dst = src ? create_crs(ctx, to, &last_log, error) : NULL;
    PJ *op = NULL;
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
    if (!norm) {
        proj_context_destroy(ctx);
        return NULL;
    }
    crpv_projection *proj = g_new0(crpv_projection, 1);
    proj->ctx = ctx;
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
    proj_context_destroy(proj->ctx);
    g_free(proj);
}

bool crpv_projection_apply(const crpv_projection *proj, crpv_point *pts, size_t n, GError **error)
{
    if (n == 0)
        return true;
    proj_errno_reset(proj->pj);
    /* One call for all points: per-point calls cost several times more. */
    if (!proj->noop)
        proj_trans_generic(proj->pj, PJ_FWD, &pts[0].x, sizeof *pts, n, &pts[0].y, sizeof *pts, n,
                           NULL, 0, 0, NULL, 0, 0);
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
