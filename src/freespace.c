/* Room on the map, as an occupancy grid. */
#include "freespace.h"

#include <math.h>
#include <stdlib.h>

struct crpv_freespace {
    crpv_rect area;
    double cell;
    int nx, ny;
    guint8 *taken;   /* nx * ny */
    guint32 *sum;    /* (nx + 1) * (ny + 1) summed-area table, made on demand */
    bool dirty;      /* SUM is out of date */
};

crpv_freespace *crpv_freespace_new(crpv_rect area, double cell)
{
    crpv_freespace *fs = g_new0(crpv_freespace, 1);
    fs->area = area;
    fs->cell = cell;
    fs->nx = MAX(1, (int)ceil(crpv_rect_width(area) / cell));
    fs->ny = MAX(1, (int)ceil(crpv_rect_height(area) / cell));
    fs->taken = g_new0(guint8, (size_t)fs->nx * fs->ny);
    fs->sum = g_new0(guint32, (size_t)(fs->nx + 1) * (fs->ny + 1));
    fs->dirty = true;
    return fs;
}

void crpv_freespace_free(crpv_freespace *fs)
{
    if (!fs)
        return;
    g_free(fs->taken);
    g_free(fs->sum);
    g_free(fs);
}

static void take(crpv_freespace *fs, int i, int j)
{
    if (i >= 0 && j >= 0 && i < fs->nx && j < fs->ny)
        fs->taken[(size_t)j * fs->nx + i] = 1;
}

static int cell_x(const crpv_freespace *fs, double x)
{
    return (int)floor((x - fs->area.x0) / fs->cell);
}

static int cell_y(const crpv_freespace *fs, double y)
{
    return (int)floor((y - fs->area.y0) / fs->cell);
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* Fills SHAPE's inside, row by row through the cells' centres (even-odd
 * over all its rings: holes stay free), then marks its outlines. */
static void add_shape(crpv_freespace *fs, const crpv_shape *shape)
{
    crpv_rect b = crpv_shape_bbox(shape);
    if (crpv_rect_is_empty(b) || !crpv_rect_intersects(b, fs->area))
        return;
    size_t n_edges = crpv_shape_n_points(shape);
    double *xs = g_new(double, n_edges + 1);
    int j0 = MAX(0, cell_y(fs, b.y0)), j1 = MIN(fs->ny - 1, cell_y(fs, b.y1));
    for (int j = j0; j <= j1; j++) {
        double y = fs->area.y0 + (j + 0.5) * fs->cell;
        size_t n = 0;
        for (size_t r = 0; r < shape->n_rings; r++) {
            const crpv_ring *ring = &shape->rings[r];
            for (size_t k = 0; k + 1 < ring->n; k++) {
                crpv_point a = ring->pts[k], c = ring->pts[k + 1];
                if ((a.y <= y) != (c.y <= y))
                    xs[n++] = a.x + (y - a.y) * (c.x - a.x) / (c.y - a.y);
            }
        }
        qsort(xs, n, sizeof *xs, cmp_double);
        for (size_t k = 0; k + 1 < n; k += 2) {
            /* Cells whose centre lies between the two crossings. */
            int i0 = (int)ceil((xs[k] - fs->area.x0) / fs->cell - 0.5);
            int i1 = (int)floor((xs[k + 1] - fs->area.x0) / fs->cell - 0.5);
            for (int i = MAX(0, i0); i <= MIN(fs->nx - 1, i1); i++)
                take(fs, i, j);
        }
    }
    g_free(xs);
    /* Outlines: thin parts (an isthmus, a small island) fall between the
     * cells' centres. */
    for (size_t r = 0; r < shape->n_rings; r++) {
        const crpv_ring *ring = &shape->rings[r];
        for (size_t k = 0; k + 1 < ring->n; k++) {
            crpv_point a = ring->pts[k], c = ring->pts[k + 1];
            double len = hypot(c.x - a.x, c.y - a.y);
            int steps = (int)ceil(2 * len / fs->cell) + 1;
            for (int s = 0; s <= steps; s++) {
                double t = (double)s / steps;
                take(fs, cell_x(fs, a.x + t * (c.x - a.x)), cell_y(fs, a.y + t * (c.y - a.y)));
            }
        }
    }
    fs->dirty = true;
}

void crpv_freespace_add_shapes(crpv_freespace *fs, const crpv_shape *shapes, size_t n)
{
    for (size_t i = 0; i < n; i++)
        add_shape(fs, &shapes[i]);
}

void crpv_freespace_add_rect(crpv_freespace *fs, crpv_rect r)
{
    if (crpv_rect_is_empty(r))
        return;
    int i0 = MAX(0, cell_x(fs, r.x0)), i1 = MIN(fs->nx - 1, cell_x(fs, r.x1));
    int j0 = MAX(0, cell_y(fs, r.y0)), j1 = MIN(fs->ny - 1, cell_y(fs, r.y1));
    for (int j = j0; j <= j1; j++)
        for (int i = i0; i <= i1; i++)
            take(fs, i, j);
    fs->dirty = true;
}

static void update_sum(crpv_freespace *fs)
{
    if (!fs->dirty)
        return;
    size_t w = (size_t)fs->nx + 1;
    for (int j = 0; j < fs->ny; j++) {
        guint32 row = 0;
        for (int i = 0; i < fs->nx; i++) {
            row += fs->taken[(size_t)j * fs->nx + i];
            fs->sum[(size_t)(j + 1) * w + i + 1] = fs->sum[(size_t)j * w + i + 1] + row;
        }
    }
    fs->dirty = false;
}

/* Taken cells among columns I0..I1-1 and rows J0..J1-1. */
static guint32 count(const crpv_freespace *fs, int i0, int j0, int i1, int j1)
{
    size_t w = (size_t)fs->nx + 1;
    return fs->sum[(size_t)j1 * w + i1] - fs->sum[(size_t)j0 * w + i1] -
           fs->sum[(size_t)j1 * w + i0] + fs->sum[(size_t)j0 * w + i0];
}

bool crpv_freespace_is_free(crpv_freespace *fs, crpv_rect r)
{
    if (!crpv_rect_contains_rect(fs->area, r))
        return false;
    update_sum(fs);
    int i0 = MAX(0, cell_x(fs, r.x0)), i1 = MIN(fs->nx, cell_x(fs, r.x1) + 1);
    int j0 = MAX(0, cell_y(fs, r.y0)), j1 = MIN(fs->ny, cell_y(fs, r.y1) + 1);
    return count(fs, i0, j0, i1, j1) == 0;
}

bool crpv_freespace_find(crpv_freespace *fs, double w, double h, double margin,
                         crpv_point prefer, crpv_rect *out)
{
    update_sum(fs);
    /* The box with its margin, in whole cells. */
    int cw = (int)ceil((w + 2 * margin) / fs->cell), ch = (int)ceil((h + 2 * margin) / fs->cell);
    double best = INFINITY;
    for (int j = 0; j + ch <= fs->ny; j++)
        for (int i = 0; i + cw <= fs->nx; i++) {
            if (count(fs, i, j, i + cw, j + ch) != 0)
                continue;
            double x0 = fs->area.x0 + i * fs->cell + margin, y0 = fs->area.y0 + j * fs->cell + margin;
            double d = hypot(x0 + w / 2 - prefer.x, y0 + h / 2 - prefer.y);
            if (d < best) {
                best = d;
                *out = (crpv_rect){x0, y0, x0 + w, y0 + h};
            }
        }
    return isfinite(best);
}
