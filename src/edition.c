/* edition: the manifest of a build and the report of what changed. */
#include "edition.h"

#include "content.h"

#include <string.h>

#define EDITION_ERROR g_quark_from_static_string("crpv-edition-error")

/* The fields recorded per centre, in report order: key in the manifest
 * and label in messages. */
static const struct {
    const char *key, *label;
} fields[] = {
    {"nom", "nom"},
    {"ancien_nom", "ancien nom"},
    {"territoire", "territoire"},
    {"regions", "régions"},
    {"departement", "département"},
    {"telephone", "téléphone"},
    {"site", "site"},
    {"courriel", "courriel"},
    {"ville", "ville"},
    {"coordonnees", "coordonnées"},
    {"statut", "statut"},
};
#define N_FIELDS G_N_ELEMENTS(fields)

/* The figures, as the prose variables name them, and as a report says. */
static const struct {
    const char *key, *label;
} figures[] = {
    {"centres", "centres"},
    {"actifs", "centres actifs"},
    {"prefiguration", "centres en préfiguration"},
    {"outremer", "centres en outre-mer"},
    {"outremer_actifs", "centres actifs en outre-mer"},
    {"regions", "régions dotées d’un centre"},
    {"regions_actifs", "régions dotées d’un centre actif"},
    {"regions_outremer", "régions d’outre-mer dotées d’un centre"},
    {"regions_outremer_actifs", "régions d’outre-mer dotées d’un centre actif"},
};
#define N_FIGURES G_N_ELEMENTS(figures)

typedef struct {
    char *id;
    int numero;             /* 1-based, as on the map */
    char *values[N_FIELDS]; /* "" when empty */
} entry;

struct crpv_edition {
    gint64 date;          /* 0 when unknown */
    guint64 figures[N_FIGURES];
    GArray *entries;      /* of entry, in number order */
};

static void entry_clear(void *p)
{
    entry *e = p;
    g_free(e->id);
    for (size_t i = 0; i < N_FIELDS; i++)
        g_free(e->values[i]);
}

static crpv_edition *edition_alloc(void)
{
    crpv_edition *ed = g_new0(crpv_edition, 1);
    ed->entries = g_array_new(FALSE, TRUE, sizeof(entry));
    g_array_set_clear_func(ed->entries, entry_clear);
    return ed;
}

void crpv_edition_free(crpv_edition *ed)
{
    if (!ed)
        return;
    g_array_unref(ed->entries);
    g_free(ed);
}

static char *or_empty(const char *s)
{
    return g_strdup(s ? s : "");
}

crpv_edition *crpv_edition_new(const crpv_directory *dir, const crpv_directory_stats *st)
{
    crpv_edition *ed = edition_alloc();
    ed->date = st->date;
    const size_t values[N_FIGURES] = {
        st->centres,         st->actifs,         st->prefiguration,
        st->outremer,        st->outremer_actifs, st->regions,
        st->regions_actifs,  st->regions_outremer, st->regions_outremer_actifs,
    };
    for (size_t i = 0; i < N_FIGURES; i++)
        ed->figures[i] = values[i];
    for (size_t i = 0; i < crpv_directory_count(dir); i++) {
        const crpv_centre *c = crpv_directory_nth(dir, i);
        entry e = {.id = g_strdup(c->id), .numero = (int)i + 1};
        e.values[0] = or_empty(c->nom);
        e.values[1] = or_empty(c->ancien_nom);
        e.values[2] = or_empty(c->territoire);
        e.values[3] = c->regions ? g_strjoinv("+", c->regions) : g_strdup("");
        e.values[4] = or_empty(c->departement);
        e.values[5] = c->telephones ? g_strjoinv(" + ", c->telephones) : g_strdup("");
        e.values[6] = or_empty(c->site_label);
        e.values[7] = or_empty(c->courriel);
        e.values[8] = or_empty(c->ville);
        if (c->has_coords) {
            char lon[G_ASCII_DTOSTR_BUF_SIZE], lat[G_ASCII_DTOSTR_BUF_SIZE];
            e.values[9] = g_strdup_printf("%s, %s", g_ascii_formatd(lon, sizeof lon, "%.6f", c->lon),
                                          g_ascii_formatd(lat, sizeof lat, "%.6f", c->lat));
        } else {
            e.values[9] = g_strdup("");
        }
        e.values[10] =
            g_strdup(c->statut == CRPV_STATUT_ACTIF ? "actif" : "prefiguration");
        g_array_append_val(ed->entries, e);
    }
    return ed;
}

char *crpv_edition_to_data(const crpv_edition *ed, size_t *len)
{
    GKeyFile *kf = g_key_file_new();
    g_key_file_set_int64(kf, "edition", "date", ed->date);
    for (size_t i = 0; i < N_FIGURES; i++)
        g_key_file_set_uint64(kf, "chiffres", figures[i].key, ed->figures[i]);
    for (guint i = 0; i < ed->entries->len; i++) {
        const entry *e = &g_array_index(ed->entries, entry, i);
        g_autofree char *group = g_strconcat("centre ", e->id, NULL);
        g_key_file_set_integer(kf, group, "numero", e->numero);
        for (size_t f = 0; f < N_FIELDS; f++)
            if (*e->values[f])
                g_key_file_set_string(kf, group, fields[f].key, e->values[f]);
    }
    g_key_file_set_comment(kf, NULL, NULL,
                           " L’édition produite par crpv, comparée à la suivante : ne pas "
                           "modifier.",
                           NULL);
    gsize n = 0;
    char *data = g_key_file_to_data(kf, &n, NULL);
    g_key_file_free(kf);
    if (len)
        *len = n;
    return data;
}

crpv_edition *crpv_edition_load(const char *path, GError **error)
{
    GKeyFile *kf = g_key_file_new();
    GError *err = NULL;
    if (!g_key_file_load_from_file(kf, path, G_KEY_FILE_NONE, &err)) {
        if (err->domain == G_FILE_ERROR)
            g_set_error(error, G_FILE_ERROR, err->code, "%s: lecture impossible", path);
        else
            g_set_error(error, EDITION_ERROR, 0, "%s: édition précédente illisible", path);
        g_error_free(err);
        g_key_file_free(kf);
        return NULL;
    }
    crpv_edition *ed = edition_alloc();
    ed->date = g_key_file_get_int64(kf, "edition", "date", NULL);
    for (size_t i = 0; i < N_FIGURES; i++)
        ed->figures[i] = g_key_file_get_uint64(kf, "chiffres", figures[i].key, NULL);
    gsize n = 0;
    g_auto(GStrv) groups = g_key_file_get_groups(kf, &n);
    for (gsize g = 0; g < n; g++) {
        if (!g_str_has_prefix(groups[g], "centre "))
            continue;
        entry e = {.id = g_strdup(groups[g] + strlen("centre "))};
        e.numero = g_key_file_get_integer(kf, groups[g], "numero", NULL);
        for (size_t f = 0; f < N_FIELDS; f++) {
            char *v = g_key_file_get_string(kf, groups[g], fields[f].key, NULL);
            e.values[f] = v ? v : g_strdup("");
        }
        g_array_append_val(ed->entries, e);
    }
    g_key_file_free(kf);
    return ed;
}

static const entry *find_entry(const crpv_edition *ed, const char *id)
{
    for (guint i = 0; i < ed->entries->len; i++) {
        const entry *e = &g_array_index(ed->entries, entry, i);
        if (g_str_equal(e->id, id))
            return e;
    }
    return NULL;
}

/* « Labo Cités » (n° 3) */
static char *describe(const entry *e)
{
    return g_strdup_printf("n° %d « %s »", e->numero, *e->values[0] ? e->values[0] : e->id);
}

static char *quoted_or_none(const char *v)
{
    return *v ? g_strdup_printf("« %s »", v) : g_strdup("(vide)");
}

GPtrArray *crpv_edition_compare(const crpv_edition *old, const crpv_edition *new)
{
    GPtrArray *out = g_ptr_array_new_with_free_func(g_free);
    for (guint i = 0; i < old->entries->len; i++) {
        const entry *o = &g_array_index(old->entries, entry, i);
        if (!find_entry(new, o->id)) {
            g_autofree char *d = describe(o);
            g_ptr_array_add(out, g_strdup_printf("retiré : %s (%s)", d, o->values[2]));
        }
    }
    for (guint i = 0; i < new->entries->len; i++) {
        const entry *e = &g_array_index(new->entries, entry, i);
        const entry *o = find_entry(old, e->id);
        g_autofree char *d = describe(e);
        if (!o) {
            g_ptr_array_add(out, g_strdup_printf("ajouté : %s (%s)", d, e->values[2]));
            continue;
        }
        if (o->numero != e->numero)
            g_ptr_array_add(out, g_strdup_printf("renuméroté : « %s » n° %d → n° %d",
                                                 *e->values[0] ? e->values[0] : e->id,
                                                 o->numero, e->numero));
        for (size_t f = 0; f < N_FIELDS; f++) {
            if (g_str_equal(o->values[f], e->values[f]))
                continue;
            g_autofree char *was = quoted_or_none(o->values[f]);
            g_autofree char *now = quoted_or_none(e->values[f]);
            g_ptr_array_add(out, g_strdup_printf("modifié : %s, %s %s → %s", d, fields[f].label,
                                                 was, now));
        }
    }
    for (size_t i = 0; i < N_FIGURES; i++)
        if (old->figures[i] != new->figures[i])
            g_ptr_array_add(out, g_strdup_printf("chiffre : %s %" G_GUINT64_FORMAT
                                                 " → %" G_GUINT64_FORMAT,
                                                 figures[i].label, old->figures[i],
                                                 new->figures[i]));
    return out;
}

char *crpv_edition_date_text(const crpv_edition *ed)
{
    return ed->date > 0 ? crpv_french_date(ed->date) : NULL;
}
