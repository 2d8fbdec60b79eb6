#include "pdfcheck.h"

#include <glib.h>
#include <math.h>
#include <string.h>

#include "pdfcontent.h"

typedef struct {
    double m[6];    /* current transformation matrix */
    double cmyk[4]; /* fill colour, 0..1; -1 in C: not CMYK */
    double stroke_ink; /* C+M+Y+K of the stroke colour, percent */
} gstate;

typedef struct {
    crpv_pdf_page_facts f;
    GArray *stack;    /* of gstate: q/Q */
    gstate gs;
    double tm[6];     /* text matrix */
    double font_size;
    GArray *marks;    /* of int: per open marked content, 1 tagged, 2 artifact, 0 neither */
    const double *area; /* where ink counts (x0 y0 x1 y1), NULL: everywhere */
    double path[4];   /* the current subpath's bounds in default units; x0 > x1: empty */
    bool path_in;     /* an earlier subpath of the current path reaches into AREA */
} scan;

/* Grows the current path's bounds by (X, Y) in user space. */
static void path_point(scan *s, double x, double y)
{
    const double *m = s->gs.m;
    double dx = m[0] * x + m[2] * y + m[4], dy = m[1] * x + m[3] * y + m[5];
    s->path[0] = MIN(s->path[0], dx);
    s->path[1] = MIN(s->path[1], dy);
    s->path[2] = MAX(s->path[2], dx);
    s->path[3] = MAX(s->path[3], dy);
}

/* Whether the current subpath reaches into the area checked. Subpaths
 * are taken one by one: the two strokes of a corner's crop mark stay
 * outside the bleed, though their joint bounds would not. */
static bool subpath_in_area(const scan *s)
{
    if (s->path[0] > s->path[2])
        return false;
    if (!s->area)
        return true;
    /* The crop marks start on the bleed's edge: touching is not reaching in. */
    const double eps = 0.05;
    return s->path[0] < s->area[2] - eps && s->path[2] > s->area[0] + eps &&
           s->path[1] < s->area[3] - eps && s->path[3] > s->area[1] + eps;
}

/* Starts a new subpath; FORGET: a new path. */
static void subpath_start(scan *s, bool forget)
{
    s->path_in = !forget && (s->path_in || subpath_in_area(s));
    s->path[0] = s->path[1] = G_MAXDOUBLE;
    s->path[2] = s->path[3] = -G_MAXDOUBLE;
}

/* Path painting operators, and n, which ends a path unpainted. */
static bool is_paint(const crpv_pdf_op *op)
{
    static const char *const names[] = {"S", "s", "f", "F", "f*", "B", "B*", "b", "b*", "n"};
    for (size_t i = 0; i < G_N_ELEMENTS(names); i++)
        if (crpv_pdf_op_is(op, names[i]))
            return true;
    return false;
}

static double fill_ink(const scan *s)
{
    const double *c = s->gs.cmyk;
    return c[0] < 0 ? 0 : 100 * (c[0] + c[1] + c[2] + c[3]);
}

static void mul(const double a[6], const double b[6], double out[6])
{
    double r[6] = {a[0] * b[0] + a[1] * b[2],        a[0] * b[1] + a[1] * b[3],
                   a[2] * b[0] + a[3] * b[2],        a[2] * b[1] + a[3] * b[3],
                   a[4] * b[0] + a[5] * b[2] + b[4], a[4] * b[1] + a[5] * b[3] + b[5]};
    memcpy(out, r, sizeof r);
}

static bool numbers(const crpv_pdf_op *op, size_t n, double *out)
{
    if (op->n_operands < n)
        return false;
    const crpv_pdf_token *t = op->operands + op->n_operands - n;
    for (size_t i = 0; i < n; i++) {
        if (t[i].kind != CRPV_PDF_NUMBER)
            return false;
        out[i] = t[i].number;
    }
    return true;
}

static int mark_state(const scan *s)
{
    int state = 0;
    for (guint i = 0; i < s->marks->len; i++)
        state = MAX(state, g_array_index(s->marks, int, i));
    return state;
}

static char *on_op(void *user, const crpv_pdf_op *op)
{
    scan *s = user;
    double v[6];
    if (crpv_pdf_op_is(op, "q")) {
        g_array_append_val(s->stack, s->gs);
    } else if (crpv_pdf_op_is(op, "Q")) {
        if (s->stack->len) {
            s->gs = g_array_index(s->stack, gstate, s->stack->len - 1);
            g_array_set_size(s->stack, s->stack->len - 1);
        }
    } else if (crpv_pdf_op_is(op, "cm") && numbers(op, 6, v)) {
        mul(v, s->gs.m, s->gs.m);
    } else if (crpv_pdf_op_is(op, "BT")) {
        double id[6] = {1, 0, 0, 1, 0, 0};
        memcpy(s->tm, id, sizeof id);
    } else if (crpv_pdf_op_is(op, "Tm") && numbers(op, 6, v)) {
        memcpy(s->tm, v, sizeof v);
    } else if (crpv_pdf_op_is(op, "Tf") && numbers(op, 1, v)) {
        s->font_size = v[0];
    } else if (crpv_pdf_op_is(op, "k") && numbers(op, 4, v)) {
        memcpy(s->gs.cmyk, v, 4 * sizeof(double));
    } else if (crpv_pdf_op_is(op, "K") && numbers(op, 4, v)) {
        s->gs.stroke_ink = 100 * (v[0] + v[1] + v[2] + v[3]);
    } else if (crpv_pdf_op_is(op, "G") && numbers(op, 1, v)) {
        s->gs.stroke_ink = 100 * (1 - v[0]);
    } else if (crpv_pdf_op_is(op, "m") && numbers(op, 2, v)) {
        subpath_start(s, false);
        path_point(s, v[0], v[1]);
    } else if (crpv_pdf_op_is(op, "l") && numbers(op, 2, v)) {
        path_point(s, v[0], v[1]);
    } else if (crpv_pdf_op_is(op, "c") && numbers(op, 6, v)) {
        for (int i = 0; i < 6; i += 2)
            path_point(s, v[i], v[i + 1]);
    } else if ((crpv_pdf_op_is(op, "v") || crpv_pdf_op_is(op, "y")) && numbers(op, 4, v)) {
        path_point(s, v[0], v[1]);
        path_point(s, v[2], v[3]);
    } else if (crpv_pdf_op_is(op, "re") && numbers(op, 4, v)) {
        subpath_start(s, false);
        path_point(s, v[0], v[1]);
        path_point(s, v[0] + v[2], v[1] + v[3]);
        path_point(s, v[0] + v[2], v[1]);
        path_point(s, v[0], v[1] + v[3]);
    } else if (is_paint(op)) {
        /* Painting (or n, discarding) ends the path. */
        if (op->name[0] != 'n' && (s->path_in || subpath_in_area(s))) {
            bool fill = op->name[0] != 'S' && op->name[0] != 's';
            bool stroke = strchr("SsBb", op->name[0]) != NULL;
            if (fill)
                s->f.max_ink = MAX(s->f.max_ink, fill_ink(s));
            if (stroke)
                s->f.max_ink = MAX(s->f.max_ink, s->gs.stroke_ink);
        }
        subpath_start(s, true);
    } else if (crpv_pdf_op_is(op, "g") && numbers(op, 1, v)) {
        double c[4] = {0, 0, 0, 1 - v[0]};
        memcpy(s->gs.cmyk, c, sizeof c);
    } else if (crpv_pdf_op_is(op, "rg") || crpv_pdf_op_is(op, "RG")) {
        s->f.rgb_colors++;
        if (op->name[0] == 'r')
            s->gs.cmyk[0] = -1;
    } else if (crpv_pdf_op_is(op, "BDC") || crpv_pdf_op_is(op, "BMC")) {
        int state = 0;
        if (op->n_operands && op->operands[0].kind == CRPV_PDF_NAME &&
            op->operands[0].len == 9 && !memcmp(op->operands[0].text, "/Artifact", 9))
            state = 2;
        for (size_t i = 0; state == 0 && i < op->n_operands; i++)
            if (op->operands[i].kind == CRPV_PDF_NAME && op->operands[i].len == 5 &&
                !memcmp(op->operands[i].text, "/MCID", 5))
                state = 1;
        g_array_append_val(s->marks, state);
    } else if (crpv_pdf_op_is(op, "EMC")) {
        if (s->marks->len)
            g_array_set_size(s->marks, s->marks->len - 1);
    } else if (crpv_pdf_op_is(op, "Tj") || crpv_pdf_op_is(op, "TJ") || crpv_pdf_op_is(op, "'") ||
               crpv_pdf_op_is(op, "\"")) {
        s->f.text_ops++;
        int state = mark_state(s);
        if (state == 2)
            s->f.text_artifact++;
        else if (state == 1)
            s->f.text_tagged++;
        else
            s->f.text_untagged++;
        double m[6];
        mul(s->tm, s->gs.m, m);
        double size = fabs(s->font_size) * sqrt(fabs(m[0] * m[3] - m[1] * m[2]));
        if (size > 0 && (s->f.min_text_size == 0 || size < s->f.min_text_size))
            s->f.min_text_size = size;
        s->f.max_ink = MAX(s->f.max_ink, fill_ink(s));
        const double *c = s->gs.cmyk;
        if (c[0] >= 0 && c[3] >= 0.5 && (c[0] >= 0.1 || c[1] >= 0.1 || c[2] >= 0.1))
            s->f.text_multi_ink++;
    }
    return NULL;
}

crpv_pdf_page_facts crpv_pdf_check_page(const char *data, size_t len)
{
    return crpv_pdf_check_page_in(data, len, NULL);
}

crpv_pdf_page_facts crpv_pdf_check_page_in(const char *data, size_t len, const double area[4])
{
    scan s = {.stack = g_array_new(FALSE, FALSE, sizeof(gstate)),
              .gs = {{1, 0, 0, 1, 0, 0}, {0, 0, 0, 1}, 100},
              .tm = {1, 0, 0, 1, 0, 0},
              .marks = g_array_new(FALSE, FALSE, sizeof(int)),
              .area = area};
    subpath_start(&s, true);
    GString *out = crpv_pdf_content_scan(data, len, on_op, &s);
    g_string_free(out, TRUE);
    g_array_free(s.stack, TRUE);
    g_array_free(s.marks, TRUE);
    return s.f;
}
