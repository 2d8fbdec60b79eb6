/* Uniform grid: each cell holds the items filed under it; a query walks
 * the cells a box touches and keeps each item once (a stamp per item). */
#include "spatial.h"

#include <glib.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

/* Beyond this many cells, the cells grow instead: memory stays bounded
 * whatever the extent and the cell size asked for. */
#define MAX_CELLS (1u << 20)

typedef struct {
    size_t *ids;
    size_t n, cap;
} cell;

struct crpv_grid {
    double x0, y0, side;
    size_t nx, ny;
    cell *cells;
    uint64_t *stamp; /* per item id: the last query that returned it */
    size_t n_stamp;
    uint64_t epoch;
    size_t *found; /* the last query's answer */
    size_t n_found, cap_found;
    size_t *tmp; /* room for sorting FOUND */
    size_t cap_tmp;
};

static _Thread_local crpv_cost cost;

void crpv_cost_reset(void)
{
    cost = (crpv_cost){0};
}

crpv_cost crpv_cost_get(void)
{
    return cost;
}

void crpv_cost_add_pairs(uint64_t n)
{
    cost.pair_checks += n;
}

void crpv_cost_add_candidates(uint64_t n)
{
    cost.candidates += n;
}

crpv_grid *crpv_grid_new(crpv_rect extent, double side)
{
    crpv_grid *g = g_new0(crpv_grid, 1);
    if (!(extent.x1 >= extent.x0 && extent.y1 >= extent.y0) || !isfinite(extent.x0) ||
        !isfinite(extent.y0) || !isfinite(extent.x1) || !isfinite(extent.y1))
        extent = (crpv_rect){0, 0, 1, 1};
    if (!(side > 0) || !isfinite(side))
        side = 1;
    double w = extent.x1 - extent.x0, h = extent.y1 - extent.y0;
    while ((w / side + 1) * (h / side + 1) > MAX_CELLS)
        side *= 2;
    g->x0 = extent.x0;
    g->y0 = extent.y0;
    g->side = side;
    g->nx = (size_t)(w / side) + 1;
    g->ny = (size_t)(h / side) + 1;
    g->cells = g_new0(cell, g->nx * g->ny);
    return g;
}

void crpv_grid_free(crpv_grid *g)
{
    if (!g)
        return;
    for (size_t c = 0; c < g->nx * g->ny; c++)
        g_free(g->cells[c].ids);
    g_free(g->cells);
    g_free(g->stamp);
    g_free(g->found);
    g_free(g->tmp);
    g_free(g);
}

/* The column (or row) of coordinate V, border cells holding what is beyond. */
static size_t index_of(double v, double origin, double side, size_t n)
{
    double t = floor((v - origin) / side);
    if (!(t > 0)) /* also NaN */
        return 0;
    if (t >= (double)(n - 1))
        return n - 1;
    return (size_t)t;
}

typedef struct {
    size_t cx0, cy0, cx1, cy1;
} span;

static span span_of(const crpv_grid *g, crpv_rect b)
{
    return (span){index_of(b.x0, g->x0, g->side, g->nx), index_of(b.y0, g->y0, g->side, g->ny),
                  index_of(b.x1, g->x0, g->side, g->nx), index_of(b.y1, g->y0, g->side, g->ny)};
}

void crpv_grid_insert(crpv_grid *g, size_t id, crpv_rect box)
{
    if (id >= g->n_stamp) {
        size_t n = g->n_stamp ? g->n_stamp : 64;
        while (n <= id)
            n *= 2;
        g->stamp = g_renew(uint64_t, g->stamp, n);
        for (size_t k = g->n_stamp; k < n; k++)
            g->stamp[k] = 0;
        g->n_stamp = n;
    }
    span s = span_of(g, box);
    for (size_t y = s.cy0; y <= s.cy1; y++)
        for (size_t x = s.cx0; x <= s.cx1; x++) {
            cell *c = &g->cells[y * g->nx + x];
            if (c->n == c->cap) {
                c->cap = c->cap ? 2 * c->cap : 4;
                c->ids = g_renew(size_t, c->ids, c->cap);
            }
            c->ids[c->n++] = id;
        }
}

void crpv_grid_remove(crpv_grid *g, size_t id, crpv_rect box)
{
    span s = span_of(g, box);
    for (size_t y = s.cy0; y <= s.cy1; y++)
        for (size_t x = s.cx0; x <= s.cx1; x++) {
            cell *c = &g->cells[y * g->nx + x];
            for (size_t k = 0; k < c->n; k++)
                if (c->ids[k] == id) {
                    c->ids[k] = c->ids[--c->n]; /* order within a cell does not matter */
                    break;
                }
        }
}

/* Sorts IDS in increasing order: insertion for the usual few, a radix
 * sort by bytes for many (TMP: room for N). */
static void sort_ids(size_t *ids, size_t n, size_t *tmp)
{
    if (n <= 32) {
        for (size_t i = 1; i < n; i++) {
            size_t v = ids[i], j = i;
            for (; j > 0 && ids[j - 1] > v; j--)
                ids[j] = ids[j - 1];
            ids[j] = v;
        }
        return;
    }
    size_t max = 0;
    for (size_t i = 0; i < n; i++)
        max = ids[i] > max ? ids[i] : max;
    size_t *src = ids, *dst = tmp;
    for (unsigned shift = 0; shift < sizeof(size_t) * 8 && (max >> shift) != 0; shift += 8) {
        size_t count[257] = {0};
        for (size_t i = 0; i < n; i++)
            count[((src[i] >> shift) & 0xff) + 1]++;
        for (int b = 0; b < 256; b++)
            count[b + 1] += count[b];
        for (size_t i = 0; i < n; i++)
            dst[count[(src[i] >> shift) & 0xff]++] = src[i];
        size_t *t = src;
        src = dst;
        dst = t;
    }
    if (src != ids)
        memcpy(ids, src, n * sizeof *ids);
}

static size_t collect(crpv_grid *g, crpv_rect box)
{
    cost.queries++;
    g->epoch++;
    g->n_found = 0;
    span s = span_of(g, box);
    for (size_t y = s.cy0; y <= s.cy1; y++)
        for (size_t x = s.cx0; x <= s.cx1; x++) {
            const cell *c = &g->cells[y * g->nx + x];
            cost.visits += c->n;
            for (size_t k = 0; k < c->n; k++) {
                size_t id = c->ids[k];
                if (g->stamp[id] == g->epoch)
                    continue;
                g->stamp[id] = g->epoch;
                if (g->n_found == g->cap_found) {
                    g->cap_found = g->cap_found ? 2 * g->cap_found : 64;
                    g->found = g_renew(size_t, g->found, g->cap_found);
                }
                g->found[g->n_found++] = id;
            }
        }
    return g->n_found;
}

size_t crpv_grid_query(crpv_grid *g, crpv_rect box, const size_t **out)
{
    size_t n = collect(g, box);
    /* Increasing order: callers that sum over the answer get the same
     * floating-point result as a loop over every item. */
    if (n > 1) {
        if (g->cap_tmp < n) {
            g->cap_tmp = g->cap_found;
            g->tmp = g_renew(size_t, g->tmp, g->cap_tmp);
        }
        sort_ids(g->found, n, g->tmp);
    }
    *out = g->found;
    return n;
}

size_t crpv_grid_query_unordered(crpv_grid *g, crpv_rect box, const size_t **out)
{
    size_t n = collect(g, box);
    *out = g->found;
    return n;
}

size_t crpv_grid_cell(const crpv_grid *g, crpv_point p)
{
    return index_of(p.y, g->y0, g->side, g->ny) * g->nx + index_of(p.x, g->x0, g->side, g->nx);
}

crpv_rect crpv_grid_cell_box(const crpv_grid *g, crpv_point p)
{
    size_t x = index_of(p.x, g->x0, g->side, g->nx), y = index_of(p.y, g->y0, g->side, g->ny);
    crpv_rect r = {g->x0 + (double)x * g->side, g->y0 + (double)y * g->side,
                   g->x0 + (double)(x + 1) * g->side, g->y0 + (double)(y + 1) * g->side};
    if (x == 0)
        r.x0 = -INFINITY;
    if (y == 0)
        r.y0 = -INFINITY;
    if (x == g->nx - 1)
        r.x1 = INFINITY;
    if (y == g->ny - 1)
        r.y1 = INFINITY;
    return r;
}
