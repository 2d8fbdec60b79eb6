/* One link per centre, from the scene's markers and the directory. */
#include "weblinks.h"

#include <string.h>

#include "svgmap.h"
#include "typeset.h"

struct crpv_weblinks {
    GArray *centres;     /* crpv_web_centre */
    GArray **members;    /* per centre, its items' indices (size_t) */
    crpv_web_item *items; /* one per scene item */
    GPtrArray *titles;   /* titles made here, owned */
    size_t n_items;
    /* Lookups by name, so that a directory of thousands costs no search
     * per item: a centre's index + 1 by its marker's key, by its URI (the
     * first centre with it), a directory entry's name by id. Keys
     * borrowed from the scene and the directory. */
    GHashTable *by_key, *by_uri, *names;
};

static bool has_key(const crpv_item *it)
{
    return it->key && it->key[0];
}

/* TEXT in French typography (no-break spaces before « : », curly
 * apostrophes), kept in WL; NULL stays NULL. */
static const char *french(crpv_weblinks *wl, const char *text)
{
    if (text == NULL)
        return NULL;
    char *t = crpv_typo_french(text);
    g_ptr_array_add(wl->titles, t);
    return t;
}

/* The centre whose marker has KEY, or -1. */
static long centre_by_key(const crpv_weblinks *wl, const char *key)
{
    return (long)GPOINTER_TO_SIZE(g_hash_table_lookup(wl->by_key, key)) - 1;
}

static long centre_by_uri(const crpv_weblinks *wl, const char *uri)
{
    return uri ? (long)GPOINTER_TO_SIZE(g_hash_table_lookup(wl->by_uri, uri)) - 1 : -1;
}

/* The territory's name: its title up to « : », else its key. New string. */
static char *territory_name(const crpv_item *it)
{
    if (it->title) {
        const char *colon = strstr(it->title, " : ");
        if (colon == NULL)
            colon = strstr(it->title, "\u00a0: ");
        if (colon)
            return g_strndup(it->title, (gsize)(colon - it->title));
        return g_strdup(it->title);
    }
    return g_strdup(it->key);
}

/* The linked centres that serve territory IT, as indices into CENTRES. */
static GArray *territory_centres(const crpv_weblinks *wl, const crpv_item *it,
                                 const crpv_directory *dir)
{
    GArray *found = g_array_new(FALSE, FALSE, sizeof(size_t));
    for (size_t i = 0; i < crpv_directory_count(dir); i++) {
        const crpv_centre *c = crpv_directory_nth(dir, i);
        bool serves = it->role == CRPV_ROLE_DEPARTEMENT
                          ? g_strcmp0(c->departement, it->key) == 0
                          : crpv_centre_serves_region(c, it->key);
        long k = serves ? centre_by_key(wl, c->id) : -1;
        if (k >= 0) {
            size_t v = (size_t)k;
            g_array_append_val(found, v);
        }
    }
    return found;
}

/* « Occitanie : 2 centres de ressources, Ressources & Territoires (7) et
 * Villes et Territoires (18) ». */
static char *several_title(const crpv_weblinks *wl, const crpv_item *it, GArray *found)
{
    g_autofree char *name = territory_name(it);
    GString *s = g_string_new(NULL);
    g_string_append_printf(s, "%s\u00a0: %u centres de ressources, ", name, found->len);
    for (guint j = 0; j < found->len; j++) {
        const crpv_web_centre *c =
            &g_array_index(wl->centres, crpv_web_centre, g_array_index(found, size_t, j));
        const char *nom = g_hash_table_lookup(wl->names, c->key);
        if (!nom)
            nom = c->key;
        if (j > 0)
            g_string_append(s, j + 1 == found->len ? " et " : ", ");
        g_string_append(s, nom);
        if (c->number[0])
            g_string_append_printf(s, " (%s)", c->number);
    }
    return g_string_free(s, FALSE);
}

crpv_weblinks *crpv_weblinks_new(const crpv_scene *scene, const crpv_directory *directory)
{
    crpv_weblinks *wl = g_new0(crpv_weblinks, 1);
    wl->n_items = crpv_scene_count(scene);
    wl->items = g_new0(crpv_web_item, wl->n_items);
    wl->centres = g_array_new(FALSE, TRUE, sizeof(crpv_web_centre));
    wl->titles = g_ptr_array_new_with_free_func(g_free);
    wl->by_key = g_hash_table_new(g_str_hash, g_str_equal);
    wl->by_uri = g_hash_table_new(g_str_hash, g_str_equal);
    wl->names = g_hash_table_new(g_str_hash, g_str_equal);
    /* The last of equal ids, as the search it replaces found. */
    for (size_t i = 0; directory && i < crpv_directory_count(directory); i++)
        g_hash_table_insert(wl->names, crpv_directory_nth(directory, i)->id,
                            crpv_directory_nth(directory, i)->nom);

    for (size_t i = 0; i < wl->n_items; i++) {
        const crpv_item *it = crpv_scene_nth(scene, i);
        if (it->kind != CRPV_ITEM_DISC || it->role != CRPV_ROLE_MARKER || !has_key(it) ||
            !crpv_svgmap_uri_allowed(it->uri) || centre_by_key(wl, it->key) >= 0)
            continue;
        crpv_web_centre c = {
            .key = it->key,
            .uri = it->uri,
            .name = french(wl, it->title && it->title[0] ? it->title : it->key),
            .number = it->text ? it->text : "",
            .center = it->center,
            .radius = it->radius,
        };
        g_array_append_val(wl->centres, c);
        gpointer index = GSIZE_TO_POINTER((gsize)wl->centres->len);
        g_hash_table_insert(wl->by_key, (gpointer)c.key, index);
        if (c.uri && !g_hash_table_contains(wl->by_uri, c.uri))
            g_hash_table_insert(wl->by_uri, (gpointer)c.uri, index);
    }
    size_t n_centres = wl->centres->len;
    wl->members = g_new0(GArray *, n_centres ? n_centres : 1);
    for (size_t c = 0; c < n_centres; c++)
        wl->members[c] = g_array_new(FALSE, FALSE, sizeof(size_t));

    for (size_t i = 0; i < wl->n_items; i++) {
        const crpv_item *it = crpv_scene_nth(scene, i);
        crpv_web_item *w = &wl->items[i];
        w->title = french(wl, it->title);
        bool allowed = crpv_svgmap_uri_allowed(it->uri);
        long c = -1;
        if ((it->role == CRPV_ROLE_MARKER || it->role == CRPV_ROLE_LABEL) && has_key(it) &&
            it->kind != CRPV_ITEM_LINK)
            c = centre_by_key(wl, it->key);
        if (c >= 0) {
            w->link = CRPV_WEB_CENTRE;
            w->centre = (size_t)c;
            g_array_append_val(wl->members[c], i);
            continue;
        }
        bool territory = (it->role == CRPV_ROLE_REGION || it->role == CRPV_ROLE_DEPARTEMENT) &&
                         it->kind == CRPV_ITEM_SHAPE && has_key(it);
        if (territory && directory) {
            GArray *found = territory_centres(wl, it, directory);
            w->served_by = found->len;
            if (found->len == 1) {
                w->link = CRPV_WEB_DUPLICATE;
                w->centre = g_array_index(found, size_t, 0);
            } else if (found->len > 1) {
                char *title = several_title(wl, it, found);
                w->title = french(wl, title);
                g_free(title);
            }
            g_array_free(found, TRUE);
            continue;
        }
        if (!allowed)
            continue;
        c = centre_by_uri(wl, it->uri);
        if (c >= 0) {
            w->link = CRPV_WEB_DUPLICATE;
            w->centre = (size_t)c;
        } else {
            w->link = CRPV_WEB_OWN;
        }
    }
    for (size_t c = 0; c < n_centres; c++) {
        crpv_web_centre *wc = &g_array_index(wl->centres, crpv_web_centre, c);
        wc->items = (const size_t *)wl->members[c]->data;
        wc->n_items = wl->members[c]->len;
    }
    return wl;
}

void crpv_weblinks_free(crpv_weblinks *links)
{
    if (links == NULL)
        return;
    for (guint c = 0; c < links->centres->len; c++)
        g_array_free(links->members[c], TRUE);
    g_free(links->members);
    g_array_free(links->centres, TRUE);
    g_ptr_array_free(links->titles, TRUE);
    g_hash_table_unref(links->by_key);
    g_hash_table_unref(links->by_uri);
    g_hash_table_unref(links->names);
    g_free(links->items);
    g_free(links);
}

size_t crpv_weblinks_centre_count(const crpv_weblinks *links)
{
    return links->centres->len;
}

const crpv_web_centre *crpv_weblinks_centre(const crpv_weblinks *links, size_t i)
{
    return &g_array_index(links->centres, crpv_web_centre, i);
}

const crpv_web_item *crpv_weblinks_item(const crpv_weblinks *links, size_t i)
{
    return &links->items[i];
}
