#include "linebreak.h"

#include <glib.h>
#include <math.h>

#define AWFUL 1e12     /* demerits that only an impossible alternative beats */
#define INF_BAD 10000.0
#define FITNESS_CLASSES 4

crpv_lb_params crpv_lb_params_default(void)
{
    return (crpv_lb_params){
        .tolerance = 200,
        .line_penalty = 10,
        .double_hyphen = 10000,
        .final_hyphen = AWFUL,
        .fitness_demerits = 10000,
        .max_hyphen_run = 2,
        .line_end_stretch = 0,
    };
}

/* A feasible break: the best way found to end a line at item POS. */
typedef struct {
    size_t pos;     /* the break item; (size_t)-1 for the paragraph's start */
    size_t line;    /* lines before this break */
    int fitness;
    int run;        /* hyphenated lines in a row ending here */
    bool flagged;
    bool overfull;
    double demerits; /* total, from the paragraph's start */
    double ratio;    /* of the line that ends here */
    double natural;
    size_t prev;     /* index into the node array, (size_t)-1 for none */
} node;

typedef struct {
    const crpv_lb_item *items;
    size_t n;
    double *sw, *sy, *sz; /* prefix sums of widths, stretch, shrink (items before i) */
    size_t *start;        /* first item of the line after a break at i (boxes onward) */
} para;

static bool is_forced(const crpv_lb_item *it)
{
    return it->kind == CRPV_LB_PENALTY && it->penalty <= -CRPV_LB_INFINITY;
}

/* Whether a break may happen at item I. */
static bool is_legal(const para *pa, size_t i)
{
    const crpv_lb_item *it = &pa->items[i];
    if (it->kind == CRPV_LB_PENALTY)
        return it->penalty < CRPV_LB_INFINITY;
    if (it->kind == CRPV_LB_GLUE)
        return i > 0 && pa->items[i - 1].kind == CRPV_LB_BOX;
    return false;
}

static void para_init(para *pa, const crpv_lb_item *items, size_t n)
{
    pa->items = items;
    pa->n = n;
    pa->sw = g_new0(double, n + 1);
    pa->sy = g_new0(double, n + 1);
    pa->sz = g_new0(double, n + 1);
    pa->start = g_new0(size_t, n + 1);
    for (size_t i = 0; i < n; i++) {
        const crpv_lb_item *it = &items[i];
        double w = it->kind == CRPV_LB_PENALTY ? 0 : it->width;
        /* Boxes may stretch too: glyphs expanded as microtype does. */
        double y = it->kind == CRPV_LB_PENALTY ? 0 : it->stretch;
        double z = it->kind == CRPV_LB_PENALTY ? 0 : it->shrink;
        pa->sw[i + 1] = pa->sw[i] + w;
        pa->sy[i + 1] = pa->sy[i] + y;
        pa->sz[i + 1] = pa->sz[i] + z;
    }
    /* After a break, glue and penalties up to the next box vanish. */
    size_t next_box = n;
    for (size_t i = n + 1; i-- > 0;) {
        pa->start[i] = next_box;
        if (i < n && items[i].kind == CRPV_LB_BOX)
            next_box = i;
    }
}

static void para_free(para *pa)
{
    g_free(pa->sw);
    g_free(pa->sy);
    g_free(pa->sz);
    g_free(pa->start);
}

static int fitness_of(double r)
{
    if (r < -0.5)
        return 0;
    if (r <= 0.5)
        return 1;
    if (r <= 1)
        return 2;
    return 3;
}

/* One pass over the paragraph at TOLERANCE; OVERFULL_OK keeps a line going
 * when nothing fits. Returns the index of the best final node, or -1. */
static gssize run_pass(const para *pa, const double *widths, size_t n_widths,
                       const crpv_lb_params *p, double tolerance, bool overfull_ok, GArray *nodes)
{
    g_array_set_size(nodes, 0);
    node first = {.pos = (size_t)-1, .fitness = 1, .prev = (size_t)-1};
    g_array_append_val(nodes, first);
    GArray *active = g_array_new(false, false, sizeof(size_t));
    size_t zero = 0;
    g_array_append_val(active, zero);
    int runs = p->max_hyphen_run + 2;
    int per_slot = FITNESS_CLASSES * runs;
    int n_keys = per_slot * (int)n_widths;
    node *cand = g_new(node, (size_t)n_keys);
    bool *has = g_new(bool, (size_t)n_keys);
    gssize best_final = -1;

    for (size_t b = 0; b < pa->n && active->len > 0; b++) {
        if (!is_legal(pa, b))
            continue;
        const crpv_lb_item *brk = &pa->items[b];
        bool forced = is_forced(brk);
        bool flagged = brk->kind == CRPV_LB_PENALTY && brk->flagged;
        double pen = brk->kind == CRPV_LB_PENALTY ? brk->penalty : 0;
        double extra = brk->kind == CRPV_LB_PENALTY ? brk->width : 0;
        bool any = false;
        gssize worst_dropped = -1;
        for (int k = 0; k < n_keys; k++)
            has[k] = false;
        size_t kept = 0;
        for (size_t ai = 0; ai < active->len; ai++) {
            size_t a_index = g_array_index(active, size_t, ai);
            const node *a = &g_array_index(nodes, node, a_index);
            size_t s = a->pos == (size_t)-1 ? pa->start[0] : pa->start[a->pos];
            if (a->pos == (size_t)-1 && pa->n > 0 && pa->items[0].kind == CRPV_LB_BOX)
                s = 0;
            if (s > b) { /* the break lies before this line's first box */
                g_array_index(active, size_t, kept++) = a_index;
                continue;
            }
            size_t lc = MIN(a->line, n_widths - 1);
            double width = widths[lc];
            double L = pa->sw[b] - pa->sw[s] + extra;
            double Y = pa->sy[b] - pa->sy[s] + (forced ? 0 : p->line_end_stretch);
            double Z = pa->sz[b] - pa->sz[s];
            double r;
            if (L < width)
                r = Y > 0 ? (width - L) / Y : INFINITY;
            else if (L > width)
                r = Z > 0 ? (width - L) / Z : -INFINITY;
            else
                r = 0;
            bool deactivate = r < -1 || forced;
            if (deactivate) {
                if (worst_dropped < 0 ||
                    a->demerits < g_array_index(nodes, node, worst_dropped).demerits)
                    worst_dropped = (gssize)a_index;
            } else {
                g_array_index(active, size_t, kept++) = a_index;
            }
            if (r < -1)
                continue;
            double bad = isinf(r) ? INF_BAD : MIN(100 * fabs(r * r * r), INF_BAD);
            if (bad > tolerance)
                continue;
            /* Past the tolerance, the looser the worse: spread the
             * looseness rather than heap it on one line. */
            if (tolerance >= INF_BAD && !isinf(r))
                bad = 100 * fabs(r * r * r);
            double d = (p->line_penalty + bad) * (p->line_penalty + bad);
            if (pen >= 0)
                d += pen * pen;
            else if (pen > -CRPV_LB_INFINITY)
                d -= pen * pen;
            if (flagged && a->flagged)
                d += p->double_hyphen;
            if (forced && a->flagged)
                d += p->final_hyphen;
            int fit = fitness_of(isinf(r) ? 10 : r);
            if (abs(fit - a->fitness) > 1)
                d += p->fitness_demerits;
            int run = flagged ? a->run + 1 : 0;
            if (run > p->max_hyphen_run) {
                d += AWFUL;
                run = p->max_hyphen_run + 1;
            }
            d += a->demerits;
            /* Breaks are told apart by what the rest depends on: the
             * fitness, the hyphen run and, while the measure changes from
             * line to line, the line count. */
            size_t slot = MIN(a->line + 1, n_widths - 1);
            int key = (int)slot * per_slot + fit * runs + run;
            if (!has[key] || d < cand[key].demerits) {
                has[key] = true;
                cand[key] = (node){.pos = b,
                                   .line = a->line + 1,
                                   .fitness = fit,
                                   .run = run,
                                   .flagged = flagged,
                                   .demerits = d,
                                   .ratio = isinf(r) ? 1e3 : r,
                                   .natural = L,
                                   .prev = a_index};
                any = true;
            }
        }
        g_array_set_size(active, kept);
        if (!any && active->len == 0 && overfull_ok && worst_dropped >= 0) {
            /* Nothing fits: keep the paragraph going with an overfull line
             * from the best node that had to stop here. */
            const node *a = &g_array_index(nodes, node, worst_dropped);
            size_t s = a->pos == (size_t)-1 ? 0 : pa->start[a->pos];
            double L = pa->sw[b] - pa->sw[s] + extra;
            cand[0] = (node){.pos = b,
                             .line = a->line + 1,
                             .fitness = 0,
                             .run = flagged ? 1 : 0,
                             .flagged = flagged,
                             .overfull = true,
                             .demerits = a->demerits + 1e8,
                             .ratio = -1,
                             .natural = L,
                             .prev = (size_t)worst_dropped};
            has[0] = true;
            any = true;
        }
        for (int k = 0; k < n_keys; k++) {
            if (!has[k])
                continue;
            g_array_append_val(nodes, cand[k]);
            size_t idx = nodes->len - 1;
            if (forced) {
                if (best_final < 0 ||
                    cand[k].demerits < g_array_index(nodes, node, best_final).demerits)
                    best_final = (gssize)idx;
            } else {
                g_array_append_val(active, idx);
            }
        }
    }
    g_free(cand);
    g_free(has);
    g_array_free(active, true);
    return best_final;
}

size_t crpv_linebreak(const crpv_lb_item *items, size_t n, const double *widths, size_t n_widths,
                      const crpv_lb_params *params, crpv_lb_line **lines)
{
    *lines = NULL;
    if (n_widths == 0)
        return 0;
    /* A paragraph always ends with a forced break after infinite glue. */
    GArray *all = g_array_sized_new(false, false, sizeof(crpv_lb_item), (guint)n + 2);
    g_array_append_vals(all, items, (guint)n);
    if (n == 0 || !is_forced(&items[n - 1])) {
        crpv_lb_item fill = {.kind = CRPV_LB_GLUE, .stretch = CRPV_LB_FIL};
        crpv_lb_item end = {.kind = CRPV_LB_PENALTY, .penalty = -CRPV_LB_INFINITY};
        g_array_append_val(all, fill);
        g_array_append_val(all, end);
    }
    para pa;
    para_init(&pa, (const crpv_lb_item *)all->data, all->len);
    /* Looser and looser: as set, then any underfull line, then overfull
     * lines where a word is wider than the measure; a pass whose best
     * still breaks a rule (a hyphen before the last line, three in a row)
     * lets the next one try. */
    GArray *nodes = g_array_new(false, false, sizeof(node));
    GArray *trial = g_array_new(false, false, sizeof(node));
    gssize best = -1;
    for (int pass = 0; pass < 3; pass++) {
        double tol = pass == 0 ? params->tolerance : INF_BAD;
        gssize b = run_pass(&pa, widths, n_widths, params, tol, pass == 2, trial);
        if (b >= 0 && (best < 0 || g_array_index(trial, node, b).demerits <
                                       g_array_index(nodes, node, best).demerits)) {
            GArray *swap = nodes;
            nodes = trial;
            trial = swap;
            best = b;
        }
        if (best >= 0 && g_array_index(nodes, node, best).demerits < AWFUL)
            break;
    }
    g_array_free(trial, true);
    size_t count = 0;
    if (best >= 0) {
        for (size_t i = (size_t)best; g_array_index(nodes, node, i).prev != (size_t)-1;
             i = g_array_index(nodes, node, i).prev)
            count++;
        crpv_lb_line *out = g_new0(crpv_lb_line, count);
        size_t k = count;
        for (size_t i = (size_t)best; g_array_index(nodes, node, i).prev != (size_t)-1;
             i = g_array_index(nodes, node, i).prev) {
            const node *nd = &g_array_index(nodes, node, i);
            const node *pv = &g_array_index(nodes, node, nd->prev);
            size_t s = pv->pos == (size_t)-1 ? 0 : pa.start[pv->pos];
            k--;
            out[k] = (crpv_lb_line){.start = s,
                                    .end = MIN(nd->pos, n),
                                    .ratio = nd->ratio,
                                    .natural = nd->natural,
                                    .hyphen = nd->flagged,
                                    .overfull = nd->overfull};
        }
        *lines = out;
    }
    g_array_free(nodes, true);
    para_free(&pa);
    g_array_free(all, true);
    return count;
}

crpv_lb_stats crpv_lb_stats_of(const crpv_lb_line *lines, size_t n_lines)
{
    crpv_lb_stats st = {.lines = n_lines};
    size_t run = 0;
    for (size_t i = 0; i < n_lines; i++) {
        if (lines[i].hyphen) {
            st.hyphens++;
            run++;
            st.max_hyphen_run = MAX(st.max_hyphen_run, run);
        } else {
            run = 0;
        }
        if (i + 1 < n_lines) {
            st.max_ratio = i == 0 ? lines[i].ratio : MAX(st.max_ratio, lines[i].ratio);
            st.min_ratio = i == 0 ? lines[i].ratio : MIN(st.min_ratio, lines[i].ratio);
        }
    }
    return st;
}
