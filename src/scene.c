#include "scene.h"

#include <glib.h>

#include "color.h"

struct crpv_scene {
    double width, height;
    GArray *items; /* of crpv_item, each owning its strings and shape */
    bool has_trim;
    crpv_rect trim, bleed;
};

crpv_scene *crpv_scene_new(double width, double height)
{
    crpv_scene *scene = g_new0(crpv_scene, 1);
    scene->width = width;
    scene->height = height;
    scene->items = g_array_new(FALSE, TRUE, sizeof(crpv_item));
    return scene;
}

static void item_clear(crpv_item *item)
{
    crpv_shape_clear(&item->shape);
    g_free(item->text);
    g_free(item->font);
    g_free(item->uri);
    g_free(item->title);
    g_free(item->link_name);
    g_free(item->key);
}

void crpv_scene_free(crpv_scene *scene)
{
    if (!scene)
        return;
    for (guint i = 0; i < scene->items->len; i++)
        item_clear(&g_array_index(scene->items, crpv_item, i));
    g_array_free(scene->items, TRUE);
    g_free(scene);
}

double crpv_scene_width(const crpv_scene *scene)
{
    return scene->width;
}

double crpv_scene_height(const crpv_scene *scene)
{
    return scene->height;
}

crpv_item *crpv_scene_add(crpv_scene *scene, crpv_item_kind kind, crpv_role role)
{
    crpv_item item = {0};
    item.kind = kind;
    item.role = role;
    item.frame = -1;
    g_array_append_val(scene->items, item);
    return &g_array_index(scene->items, crpv_item, scene->items->len - 1);
}

crpv_item *crpv_scene_add_rect(crpv_scene *scene, crpv_role role, crpv_rect box,
                               crpv_color fill, crpv_color stroke, double line_width)
{
    crpv_item *item = crpv_scene_add(scene, CRPV_ITEM_RECT, role);
    item->box = box;
    item->fill = fill;
    item->stroke = stroke;
    item->line_width = line_width;
    return item;
}

crpv_item *crpv_scene_add_text(crpv_scene *scene, crpv_role role, crpv_rect box,
                               const char *font, const char *markup, crpv_color color)
{
    crpv_item *item = crpv_scene_add(scene, CRPV_ITEM_TEXT, role);
    item->box = box;
    item->font = g_strdup(font);
    item->text = g_strdup(markup);
    item->fill = color;
    return item;
}

crpv_item *crpv_scene_add_link(crpv_scene *scene, crpv_rect box, const char *uri)
{
    crpv_item *item = crpv_scene_add(scene, CRPV_ITEM_LINK, CRPV_ROLE_NONE);
    item->box = box;
    item->uri = g_strdup(uri);
    return item;
}

crpv_item *crpv_scene_add_tag(crpv_scene *scene, const char *tag)
{
    crpv_item *item = crpv_scene_add(scene, CRPV_ITEM_TAG_BEGIN, CRPV_ROLE_NONE);
    item->text = g_strdup(tag);
    return item;
}

void crpv_scene_end_tag(crpv_scene *scene)
{
    crpv_scene_add(scene, CRPV_ITEM_TAG_END, CRPV_ROLE_NONE);
}

void crpv_scene_append(crpv_scene *dst, const crpv_scene *src, double dx, double dy)
{
    for (guint i = 0; i < src->items->len; i++) {
        crpv_item copy = g_array_index(src->items, crpv_item, i);
        copy.shape = crpv_shape_copy(&copy.shape);
        for (size_t r = 0; r < copy.shape.n_rings; r++)
            for (size_t k = 0; k < copy.shape.rings[r].n; k++) {
                copy.shape.rings[r].pts[k].x += dx;
                copy.shape.rings[r].pts[k].y += dy;
            }
        copy.box = (crpv_rect){copy.box.x0 + dx, copy.box.y0 + dy, copy.box.x1 + dx,
                               copy.box.y1 + dy};
        copy.center.x += dx;
        copy.center.y += dy;
        copy.baseline += dy;
        copy.text = g_strdup(copy.text);
        copy.font = g_strdup(copy.font);
        copy.uri = g_strdup(copy.uri);
        copy.title = g_strdup(copy.title);
        copy.link_name = g_strdup(copy.link_name);
        copy.key = g_strdup(copy.key);
        g_array_append_val(dst->items, copy);
    }
}

void crpv_scene_set_trim(crpv_scene *scene, crpv_rect trim, crpv_rect bleed)
{
    scene->has_trim = true;
    scene->trim = trim;
    scene->bleed = bleed;
}

bool crpv_scene_get_trim(const crpv_scene *scene, crpv_rect *trim, crpv_rect *bleed)
{
    if (scene->has_trim) {
        *trim = scene->trim;
        *bleed = scene->bleed;
    }
    return scene->has_trim;
}

size_t crpv_scene_count(const crpv_scene *scene)
{
    return scene->items->len;
}

crpv_item *crpv_scene_nth(const crpv_scene *scene, size_t i)
{
    g_return_val_if_fail(i < scene->items->len, NULL);
    return &g_array_index(scene->items, crpv_item, i);
}

crpv_color crpv_color_rgb(unsigned hex)
{
    return (crpv_color){((hex >> 16) & 0xff) / 255.0, ((hex >> 8) & 0xff) / 255.0,
                        (hex & 0xff) / 255.0, 1.0};
}

crpv_color crpv_color_none(void)
{
    return (crpv_color){0, 0, 0, 0};
}

/* Does item IT's fill cover P? */
static bool fill_hits(const crpv_item *it, crpv_point p)
{
    if (it->fill.a <= 0)
        return false;
    bool hit = false;
    switch (it->kind) {
    case CRPV_ITEM_SHAPE:
        /* BOX, when set, bounds the shape: a quick refusal. */
        hit = (it->box.x1 <= it->box.x0 || crpv_rect_contains_point(it->box, p)) &&
              crpv_shape_contains(&it->shape, p);
        break;
    case CRPV_ITEM_RECT:
        hit = crpv_rect_contains_point(it->box, p);
        break;
    case CRPV_ITEM_DISC:
        hit = (p.x - it->center.x) * (p.x - it->center.x) +
                  (p.y - it->center.y) * (p.y - it->center.y) <=
              it->radius * it->radius;
        break;
    default:
        break;
    }
    return hit;
}

crpv_color crpv_scene_color_at(const crpv_scene *scene, crpv_point p, size_t before)
{
    crpv_color c = crpv_color_rgb(0xffffff);
    for (size_t i = 0; i < before && i < scene->items->len; i++) {
        const crpv_item *it = &g_array_index(scene->items, crpv_item, i);
        if (fill_hits(it, p))
            c = crpv_color_over(it->fill, c);
    }
    return c;
}

crpv_color crpv_scene_color_at_items(const crpv_scene *scene, crpv_point p, size_t before,
                                     const size_t *items, size_t n)
{
    crpv_color c = crpv_color_rgb(0xffffff);
    for (size_t k = 0; k < n; k++) {
        size_t i = items[k];
        if (i >= before || i >= scene->items->len)
            continue;
        const crpv_item *it = &g_array_index(scene->items, crpv_item, i);
        if (fill_hits(it, p))
            c = crpv_color_over(it->fill, c);
    }
    return c;
}

bool crpv_scene_fill_box(const crpv_scene *scene, size_t i, crpv_rect *out)
{
    const crpv_item *it = &g_array_index(scene->items, crpv_item, i);
    if (it->fill.a <= 0)
        return false;
    switch (it->kind) {
    case CRPV_ITEM_SHAPE:
        *out = it->box.x1 <= it->box.x0 ? crpv_shape_bbox(&it->shape) : it->box;
        return true;
    case CRPV_ITEM_RECT:
        *out = it->box;
        return true;
    case CRPV_ITEM_DISC:
        *out = (crpv_rect){it->center.x - it->radius, it->center.y - it->radius,
                           it->center.x + it->radius, it->center.y + it->radius};
        return true;
    default:
        return false;
    }
}
