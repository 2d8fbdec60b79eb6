#include "style.h"

#include <glib/gstdio.h>
#include <math.h>
#include <stddef.h>
#include <string.h>

#include "color.h"
#include "projection.h"
#include "textfile.h"

#define STYLE_ERROR (g_quark_from_static_string("crpv-style-error"))

/* Default map layout, in points: a 540 x 430 map with the overseas regions
 * in a column on the left, as the maps of French public bodies arrange
 * them, and Île-de-France enlarged over the Channel, which the map leaves
 * blank. */
static const struct {
    const char *code, *title, *crs;
    crpv_rect frame;
} default_insets[] = {
    {"01", "Guadeloupe", "EPSG:5490", {4, 4, 84, 72}},
    {"02", "Martinique", "EPSG:5490", {4, 80, 84, 148}},
    {"03", "Guyane", "EPSG:2972", {4, 156, 84, 240}},
    {"04", "La Réunion", "EPSG:2975", {4, 248, 84, 316}},
    {"06", "Mayotte", "EPSG:4471", {4, 324, 84, 392}},
    /* Tall enough for Val-d'Oise to Essonne whole at 4 times the
     * mainland's scale, 4 points clear of the Atlantic coast. */
    {"idf", "Île-de-France", "EPSG:2154", {88, 204, 196, 376}},
};

/* The keys of [couleurs], where each lives in the style, and its print
 * value for the default screen value: the network's raspberry as a
 * three-ink red, its derived fills likewise without cyan, black text and
 * labels on the black plate alone, the light grey of regions without a
 * centre as a black tint that holds (8 %, not a 1 % dot of magenta). The
 * markers, whose 6-pt white numbers are knocked out of them, print in one
 * ink: the raspberry's main ink, solid (see single_ink). */
static const struct {
    const char *key;
    size_t offset;
    bool has_print;
    crpv_cmyk print;
} color_keys[] = {
    {"principale", offsetof(crpv_style, primary), true, {0, 95, 45, 10}},
    {"actif", offsetof(crpv_style, served), true, {0, 47, 31, 25}},
    {"secondaire", offsetof(crpv_style, secondary), true, {0, 47, 31, 25}},
    {"neutre", offsetof(crpv_style, neutral), true, {0, 0, 0, 8}},
    {"frontieres", offsetof(crpv_style, border), true, {0, 0, 0, 0}},
    {"texte", offsetof(crpv_style, text), true, {0, 0, 0, 100}},
    {"mer", offsetof(crpv_style, sea), false, {0, 0, 0, 0}},
    {"marqueur", offsetof(crpv_style, marker), true, {0, 100, 0, 0}},
    {"texte_marqueur", offsetof(crpv_style, marker_text), true, {0, 0, 0, 0}},
    {"texte_carte", offsetof(crpv_style, map_text), true, {0, 0, 0, 100}},
    {"marqueur_prefiguration", offsetof(crpv_style, marker_pending), true, {0, 0, 0, 50}},
};

static crpv_color *color_field(crpv_style *s, size_t i)
{
    return (crpv_color *)((char *)s + color_keys[i].offset);
}

static bool same_screen(crpv_color a, crpv_color b)
{
    return a.r == b.r && a.g == b.g && a.b == b.b && a.a == b.a;
}

/* A print value's strongest ink alone, solid: a white figure a few points
 * high knocked out of one ink stays sharp whatever the register, where
 * three inks slightly apart fill it in. */
static crpv_cmyk single_ink(crpv_cmyk v)
{
    double ink[4] = {v.c, v.m, v.y, v.k};
    int main = 0;
    for (int i = 1; i < 4; i++)
        if (ink[i] > ink[main])
            main = i;
    double solid[4] = {0, 0, 0, 0};
    solid[main] = 100;
    return (crpv_cmyk){solid[0], solid[1], solid[2], solid[3]};
}

/* The colour the print brochure paints the markers with (see
 * crpv_style.marker_print_key): MARKER, or, when another colour shares its
 * screen value with a different print value, the nearest colour one step
 * off that no colour of the style uses. */
static void set_marker_print_key(crpv_style *s)
{
    const crpv_print_color *marker = &s->print_colors[7];
    s->marker_print_key = s->marker;
    bool shared = false;
    for (size_t i = 0; i < s->n_print_colors; i++) {
        const crpv_print_color *pc = &s->print_colors[i];
        if (i != 7 && same_screen(pc->screen, marker->screen) &&
            (pc->has_print != marker->has_print ||
             memcmp(&pc->print, &marker->print, sizeof pc->print)))
            shared = true;
    }
    if (!shared || s->marker.a <= 0)
        return;
    for (int step = 1; step < 64; step++) {
        for (int channel = 2; channel >= 0; channel--) {
            for (int sign = 1; sign >= -1; sign -= 2) {
                crpv_color c = s->marker;
                double *v = channel == 0 ? &c.r : channel == 1 ? &c.g : &c.b;
                *v += sign * step / 255.0;
                if (*v < 0 || *v > 1)
                    continue;
                bool used = false;
                for (size_t i = 0; i < s->n_print_colors; i++)
                    used = used || (fabs(s->print_colors[i].screen.r - c.r) < 0.9 / 255 &&
                                    fabs(s->print_colors[i].screen.g - c.g) < 0.9 / 255 &&
                                    fabs(s->print_colors[i].screen.b - c.b) < 0.9 / 255);
                if (!used) {
                    s->marker_print_key = c;
                    return;
                }
            }
        }
    }
}

/* After the colours are read and derived: each print value belongs to
 * its screen value; a colour whose screen value changed without a print
 * value (set, or derived from a new raspberry) has none, and goes through
 * the profile, except the markers, which take the raspberry's main ink. */
static void refresh_print_colors(crpv_style *s)
{
    G_STATIC_ASSERT(G_N_ELEMENTS(color_keys) == G_N_ELEMENTS(s->print_colors));
    s->n_print_colors = G_N_ELEMENTS(color_keys);
    for (size_t i = 0; i < s->n_print_colors; i++) {
        crpv_print_color *pc = &s->print_colors[i];
        crpv_color now = *color_field(s, i);
        if (!same_screen(now, pc->screen) && !pc->declared)
            pc->has_print = false;
        pc->screen = now;
    }
    crpv_print_color *marker = &s->print_colors[7], *primary = &s->print_colors[0];
    if (!marker->declared && same_screen(marker->screen, primary->screen)) {
        marker->print = single_ink(primary->print);
        marker->has_print = primary->has_print;
    }
    set_marker_print_key(s);
}

/* The colours not set by the style, derived from the network's colour so
 * that changing it alone keeps the map readable. The served fill is the
 * tint of PRIMARY (or shade, for a pale one) that best clears both the
 * contrast with the neutral fill and with the labels' text; the
 * préfiguration fill, the served one under white stripes. All under the
 * three visions. */
static void derive_colors(crpv_style *s, bool served_set, bool secondary_set, bool marker_set)
{
    const crpv_color white = crpv_color_rgb(0xffffff), black = crpv_color_rgb(0);
    if (!marker_set)
        s->marker = s->primary;
    if (!served_set) {
        /* A hue that colour-blind eyes see lighter or darker than others
         * (orange, red) may have no tint that clears both: it is then
         * greyed a little, as little as needed. */
        double best = -1;
        for (int sat = 10; sat >= 0 && best < 1.02; sat -= 2) {
            double l = crpv_color_luminance(s->primary);
            double g = l <= 0.0031308 ? l * 12.92 : 1.055 * pow(l, 1 / 2.4) - 0.055;
            crpv_color base = crpv_color_mix((crpv_color){g, g, g, 1}, s->primary, sat / 10.0);
            for (int i = -100; i <= 200; i++) {
                crpv_color c = i < 0 ? crpv_color_mix(base, black, -i / 100.0)
                                     : crpv_color_mix(base, white, i / 200.0);
                c = crpv_color_rgb((unsigned)lround(c.r * 255) << 16 |
                                   (unsigned)lround(c.g * 255) << 8 |
                                   (unsigned)lround(c.b * 255));
                double m = fmin(crpv_color_contrast_all(c, s->neutral) / CRPV_CLASS_CONTRAST,
                                crpv_color_contrast_all(c, s->map_text) / CRPV_TEXT_CONTRAST);
                if (m > best) {
                    best = m;
                    s->served = c;
                }
            }
        }
    }
    /* Préfiguration is not a stronger state than "served": its ground is
     * the served tint, struck through with white stripes, lighter on the
     * whole and told apart by its texture (see composite.c). */
    if (!secondary_set)
        s->secondary = s->served;
    s->hatch = white;
}

crpv_style *crpv_style_new_default(void)
{
    crpv_style *s = g_new0(crpv_style, 1);
    s->warnings = g_ptr_array_new_with_free_func(g_free);
    s->page_width = 210;
    s->page_height = 297;
    s->margin_top = 14;
    s->margin_bottom = 14;
    s->margin_inner = 15;
    s->margin_outer = 15;
    s->bleed = 3;
    s->primary = crpv_color_rgb(0xb5174f);   /* a deep raspberry, the network's */
    /* Light, nothing there, yet not the paper: 1.17:1 from white, and
     * outlined (composite.c). */
    s->neutral = crpv_color_rgb(0xefede8);
    s->border = crpv_color_rgb(0xffffff);
    s->text = crpv_color_rgb(0x2b2b2b);
    s->sea = crpv_color_none();
    s->marker_text = crpv_color_rgb(0xffffff);
    s->map_text = crpv_color_rgb(0x000000); /* black: the most room for the served tint */
    s->font_family = g_strdup("Lato");
    s->body_size = 9.5;
    s->min_directory_size = 6.5;
    s->map_width = 540;
    s->map_height = 430;
    s->metro_crs = g_strdup("EPSG:2154");
    s->metro_frame = (crpv_rect){118, 0, 540, 408};
    s->n_insets = G_N_ELEMENTS(default_insets);
    s->insets = g_new0(crpv_inset_style, s->n_insets);
    for (size_t i = 0; i < s->n_insets; i++) {
        s->insets[i].code = g_strdup(default_insets[i].code);
        s->insets[i].title = g_strdup(default_insets[i].title);
        s->insets[i].crs = g_strdup(default_insets[i].crs);
        s->insets[i].frame = default_insets[i].frame;
    }
    s->label_field = g_strdup("territoire");
    s->legend = true;
    s->credit = g_strdup("Source : IGN – Admin Express COG 2018");
    /* Field names NULL: the geo module finds them among the usual ones. */
    s->hyphen_dictionary = g_strdup("/usr/share/hyphen/hyph_fr.dic");
    s->marker_pending = crpv_color_rgb(0x8a8fa0);
    s->max_ink = 300;
    derive_colors(s, false, false, false);
    for (size_t i = 0; i < G_N_ELEMENTS(color_keys); i++)
        s->print_colors[i] = (crpv_print_color){*color_field(s, i), color_keys[i].print,
                                                color_keys[i].has_print, false};
    s->n_print_colors = G_N_ELEMENTS(color_keys);
    set_marker_print_key(s);
    return s;
}

void crpv_style_free(crpv_style *s)
{
    if (!s)
        return;
    g_ptr_array_unref(s->warnings);
    for (size_t i = 0; i < s->n_insets; i++) {
        g_free(s->insets[i].code);
        g_free(s->insets[i].title);
        g_free(s->insets[i].crs);
    }
    g_free(s->insets);
    g_free(s->font_family);
    g_free(s->metro_crs);
    g_free(s->label_field);
    g_free(s->credit);
    g_free(s->regions_code_field);
    g_free(s->regions_name_field);
    g_free(s->departements_code_field);
    g_free(s->departements_name_field);
    g_free(s->hyphen_dictionary);
    g_free(s->icc_profile);
    g_free(s->output_condition);
    g_free(s);
}

void crpv_style_drop_inset(crpv_style *s, const char *code)
{
    for (size_t i = 0; i < s->n_insets; i++) {
        if (strcmp(s->insets[i].code, code) != 0)
            continue;
        g_free(s->insets[i].code);
        g_free(s->insets[i].title);
        g_free(s->insets[i].crs);
        memmove(&s->insets[i], &s->insets[i + 1], (s->n_insets - i - 1) * sizeof *s->insets);
        s->n_insets--;
        return;
    }
}

/* GKeyFile does not keep line numbers: find them in the text, so that a
 * message can point at the line to fix. */
static int line_of(const char *text, const char *group, const char *key)
{
    int line = 1, group_line = 0;
    bool in_group = false;
    const char *p = text;
    while (*p) {
        const char *end = strchr(p, '\n');
        size_t len = end ? (size_t)(end - p) : strlen(p);
        g_autofree char *l = g_strstrip(g_strndup(p, len));
        if (l[0] == '[') {
            g_autofree char *name = g_strndup(l + 1, strcspn(l + 1, "]"));
            in_group = strcmp(name, group) == 0;
            if (in_group && !key)
                return line;
            if (in_group)
                group_line = line;
        } else if (in_group && key) {
            size_t klen = strcspn(l, "=");
            g_autofree char *k = g_strstrip(g_strndup(l, klen));
            if (strcmp(k, key) == 0)
                return line;
        }
        if (!end)
            break;
        p = end + 1;
        line++;
    }
    return group_line ? group_line : 1;
}

typedef struct {
    const char *path;
    const char *text;
    GKeyFile *kf;
    GString *errors;
} reader;

static void problem(reader *r, const char *group, const char *key, const char *fmt, ...)
    G_GNUC_PRINTF(4, 5);

static void problem(reader *r, const char *group, const char *key, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    g_autofree char *msg = g_strdup_vprintf(fmt, ap);
    va_end(ap);
    if (r->errors->len)
        g_string_append_c(r->errors, '\n');
    g_string_append_printf(r->errors, "%s:%d: %s", r->path, line_of(r->text, group, key), msg);
}

static char *get_string(reader *r, const char *group, const char *key)
{
    g_autofree char *v = g_key_file_get_string(r->kf, group, key, NULL);
    if (!v)
        return NULL;
    /* An end-of-line comment, as INI files elsewhere allow and the README's
     * example has: « 210   ; mm ». A ';' glued to text stays. */
    for (char *p = v; *p; p++)
        if (*p == ';' && p > v && (p[-1] == ' ' || p[-1] == '\t')) {
            *p = '\0';
            break;
        }
    return g_strdup(g_strstrip(v));
}

static void read_number(reader *r, const char *group, const char *key, double *out, double min,
                        double max)
{
    g_autofree char *v = get_string(r, group, key);
    if (!v)
        return;
    g_strdelimit(v, ",", '.');
    char *end = NULL;
    double d = g_ascii_strtod(v, &end);
    if (end == v || *end || !isfinite(d) || d < min || d > max) {
        problem(r, group, key, "« %s » doit être un nombre entre %g et %g, pas « %s »", key, min,
                max, v);
        return;
    }
    *out = d;
}

static bool parse_color(const char *v, crpv_color *out)
{
    if (g_ascii_strcasecmp(v, "aucune") == 0 || g_ascii_strcasecmp(v, "none") == 0) {
        *out = crpv_color_none();
        return true;
    }
    if (v[0] != '#' || strlen(v) != 7 || strspn(v + 1, "0123456789abcdefABCDEF") != 6)
        return false;
    *out = crpv_color_rgb((unsigned)strtoul(v + 1, NULL, 16));
    return true;
}

/* "0 95 45 10": cyan, magenta, yellow, black in percent. */
static bool parse_cmyk(const char *v, crpv_cmyk *out)
{
    g_auto(GStrv) parts = g_strsplit_set(v, " \t", -1);
    double n[4];
    int count = 0;
    for (char **p = parts; *p; p++) {
        if (!**p)
            continue;
        if (count == 4)
            return false;
        g_strdelimit(*p, ",", '.');
        char *end = NULL;
        n[count] = g_ascii_strtod(*p, &end);
        if (end == *p || *end || !isfinite(n[count]) || n[count] < 0 || n[count] > 100)
            return false;
        count++;
    }
    if (count != 4)
        return false;
    *out = (crpv_cmyk){n[0], n[1], n[2], n[3]};
    return true;
}

/* A colour of [couleurs], "#rrggbb", optionally followed by its print
 * value "/ c m y k". A new screen value without a print value loses the
 * default print value, which was chosen for the default screen colour. */
static void read_print_color(reader *r, crpv_style *s, size_t i)
{
    const char *key = color_keys[i].key;
    g_autofree char *v = get_string(r, "couleurs", key);
    if (!v)
        return;
    char *slash = strchr(v, '/');
    if (slash)
        *slash = 0;
    g_autofree char *screen = g_strstrip(g_strdup(v));
    crpv_print_color *pc = &s->print_colors[i];
    crpv_color c;
    if (!parse_color(screen, &c)) {
        problem(r, "couleurs", key,
                "couleur « %s » invalide (attendu : #rrggbb ou aucune, suivie au besoin de "
                "« / C M J N » pour l’impression)",
                screen);
        return;
    }
    *color_field(s, i) = c;
    if (slash) {
        g_autofree char *print = g_strstrip(g_strdup(slash + 1));
        if (!parse_cmyk(print, &pc->print)) {
            problem(r, "couleurs", key,
                    "valeurs d’impression « %s » invalides (attendu : quatre pourcentages C M J N "
                    "entre 0 et 100, comme « 0 95 45 10 »)",
                    print);
            return;
        }
        pc->has_print = true;
        pc->declared = true;
    }
}

static void read_text(reader *r, const char *group, const char *key, char **out)
{
    char *v = get_string(r, group, key);
    if (!v)
        return;
    if (!*v) {
        problem(r, group, key, "« %s » est vide", key);
        g_free(v);
        return;
    }
    g_free(*out);
    *out = v;
}

static void read_bool(reader *r, const char *group, const char *key, bool *out)
{
    g_autofree char *v = get_string(r, group, key);
    if (!v)
        return;
    if (!g_ascii_strcasecmp(v, "oui") || !g_ascii_strcasecmp(v, "true") || !strcmp(v, "1"))
        *out = true;
    else if (!g_ascii_strcasecmp(v, "non") || !g_ascii_strcasecmp(v, "false") || !strcmp(v, "0"))
        *out = false;
    else
        problem(r, group, key, "« %s » doit valoir oui ou non, pas « %s »", key, v);
}

/* "x, y, largeur, hauteur" in points. */
static void read_frame(reader *r, const char *group, const char *key, crpv_rect *out)
{
    g_autofree char *v = get_string(r, group, key);
    if (!v)
        return;
    g_auto(GStrv) parts = g_strsplit(v, ",", -1);
    double n[4];
    bool ok = g_strv_length(parts) == 4;
    for (int i = 0; ok && i < 4; i++) {
        char *p = g_strstrip(parts[i]), *end = NULL;
        n[i] = g_ascii_strtod(p, &end);
        ok = end != p && !*end && isfinite(n[i]) && n[i] >= 0 && n[i] <= 10000;
    }
    if (!ok || n[2] <= 0 || n[3] <= 0) {
        problem(r, group, key, "cadre « %s » invalide (attendu : x, y, largeur, hauteur en points)",
                v);
        return;
    }
    *out = (crpv_rect){n[0], n[1], n[0] + n[2], n[1] + n[3]};
}

static double rect_area(crpv_rect r)
{
    return crpv_rect_width(r) * crpv_rect_height(r);
}

static crpv_rect rect_intersection(crpv_rect a, crpv_rect b)
{
    crpv_rect r = {fmax(a.x0, b.x0), fmax(a.y0, b.y0), fmin(a.x1, b.x1), fmin(a.y1, b.y1)};
    if (r.x1 <= r.x0 || r.y1 <= r.y0)
        return (crpv_rect){0, 0, 0, 0};
    return r;
}

/* Values each inside its range can still make a map without regions: a
 * frame off the map, an inset hiding metropolitan France or another inset,
 * metropolitan France too small to read. Each problem names its key. */
static void check_map_geometry(reader *r, const crpv_style *s)
{
    crpv_rect map = {0, 0, s->map_width, s->map_height};
    const crpv_rect metro = s->metro_frame;
    /* A frame a hair past the edge is a rounding: a point is tolerated. */
    crpv_rect within = crpv_rect_inflate(map, 1);
    if (metro.x0 < within.x0 || metro.y0 < within.y0 || metro.x1 > within.x1 ||
        metro.y1 > within.y1)
        problem(r, "carte", "metropole",
                "le cadre de la métropole (%g, %g, %g × %g) déborde de la carte (%g × %g points)",
                metro.x0, metro.y0, crpv_rect_width(metro), crpv_rect_height(metro), s->map_width,
                s->map_height);
    else if (crpv_rect_width(metro) < s->map_width / 4 || crpv_rect_height(metro) < s->map_height / 4)
        problem(r, "carte", "metropole",
                "le cadre de la métropole (%g × %g points) est trop petit pour être lu : au moins "
                "un quart de la carte (%g × %g) dans chaque sens",
                crpv_rect_width(metro), crpv_rect_height(metro), s->map_width / 4,
                s->map_height / 4);
    for (size_t i = 0; i < s->n_insets; i++) {
        const crpv_inset_style *is = &s->insets[i];
        crpv_rect f = is->frame;
        if (f.x0 < within.x0 || f.y0 < within.y0 || f.x1 > within.x1 || f.y1 > within.y1) {
            problem(r, "encarts", is->code,
                    "l’encart « %s » (%g, %g, %g × %g) déborde de la carte (%g × %g points)",
                    is->code, f.x0, f.y0, crpv_rect_width(f), crpv_rect_height(f), s->map_width,
                    s->map_height);
            continue;
        }
        if (crpv_rect_width(f) < 20 || crpv_rect_height(f) < 20) {
            problem(r, "encarts", is->code,
                    "l’encart « %s » (%g × %g points) est trop petit : 20 points au moins de "
                    "chaque côté",
                    is->code, crpv_rect_width(f), crpv_rect_height(f));
            continue;
        }
        /* Île-de-France sits over the Channel by design: an inset may
         * cover a corner of the mainland's frame, not a quarter of it. */
        if (rect_area(rect_intersection(f, metro)) > rect_area(metro) / 4)
            problem(r, "encarts", is->code,
                    "l’encart « %s » couvre plus du quart du cadre de la métropole", is->code);
        for (size_t j = 0; j < i; j++) {
            crpv_rect g = s->insets[j].frame;
            if (rect_area(rect_intersection(f, g)) <= 0)
                continue;
            /* Reported at the key the user wrote. */
            bool mine = g_key_file_has_key(r->kf, "encarts", is->code, NULL);
            const char *a = mine ? is->code : s->insets[j].code;
            const char *b = mine ? s->insets[j].code : is->code;
            problem(r, "encarts", a, "l’encart « %s » chevauche l’encart « %s »", a, b);
        }
    }
}

/* Keys naming things outside the file: a CRS PROJ must know, a
 * hyphenation dictionary that is a plain file of reasonable size (not a
 * device that never ends). */
static void check_files(reader *r, const crpv_style *s)
{
    if (g_key_file_has_key(r->kf, "carte", "projection", NULL) &&
        !crpv_projection_crs_info(s->metro_crs, &(crpv_crs_info){0}))
        problem(r, "carte", "projection", "système de coordonnées « %s » inconnu de PROJ",
                s->metro_crs);
    if (g_key_file_has_key(r->kf, "geo", "cesure", NULL)) {
        GStatBuf st;
        if (g_stat(s->hyphen_dictionary, &st) == 0 &&
            (!S_ISREG(st.st_mode) || st.st_size > 16 * 1024 * 1024))
            problem(r, "geo", "cesure",
                    "« %s » n’est pas un dictionnaire de césure (un fichier .dic de quelques "
                    "centaines de kilo-octets)",
                    s->hyphen_dictionary);
    }
}

static const char *const known[][16] = {
    {"page", "largeur", "hauteur", "marge_haut", "marge_bas", "marge_interieure",
     "marge_exterieure", "fond_perdu", NULL},
    {"couleurs", "principale", "actif", "secondaire", "neutre", "frontieres", "texte", "mer",
     "marqueur", "texte_marqueur", "texte_carte", "marqueur_prefiguration", NULL},
    {"polices", "famille", "taille_texte", "taille_min_annuaire", NULL},
    {"carte", "largeur", "hauteur", "projection", "metropole", "etiquette", "legende", "credit",
     NULL},
    {"encarts", "01", "02", "03", "04", "06", "idf", NULL},
    {"geo", "regions_code", "regions_nom", "departements_code", "departements_nom", "cesure",
     NULL},
    {"impression", "profil", "condition", "encrage_max", NULL},
};

static void check_known(reader *r)
{
    gsize n_groups = 0;
    g_auto(GStrv) groups = g_key_file_get_groups(r->kf, &n_groups);
    for (gsize g = 0; g < n_groups; g++) {
        int gi = -1;
        for (size_t k = 0; k < G_N_ELEMENTS(known); k++)
            if (strcmp(known[k][0], groups[g]) == 0)
                gi = (int)k;
        if (gi < 0) {
            problem(r, groups[g], NULL,
                    "section [%s] inconnue (connues : page, couleurs, polices, carte, encarts, "
                    "geo, impression)",
                    groups[g]);
            continue;
        }
        g_auto(GStrv) keys = g_key_file_get_keys(r->kf, groups[g], NULL, NULL);
        for (char **k = keys; k && *k; k++) {
            bool found = false;
            for (int i = 1; known[gi][i]; i++)
                found = found || strcmp(known[gi][i], *k) == 0;
            if (!found)
                problem(r, groups[g], *k, "clé « %s » inconnue dans [%s]", *k, groups[g]);
        }
    }
}

crpv_style *crpv_style_parse(const char *text, size_t len, const char *path, GError **error)
{
    g_autoptr(GKeyFile) kf = g_key_file_new();
    g_autoptr(GError) local = NULL;
    if (len > CRPV_MAX_STYLE_BYTES) {
        g_autofree char *limit = crpv_textfile_size_label(CRPV_MAX_STYLE_BYTES);
        g_set_error(error, STYLE_ERROR, 1, "%s:1: fichier de style trop gros (limite : %s)", path,
                    limit);
        return NULL;
    }
    /* A line pasted from a Windows program (a credit line with its
     * accents) is read as Windows-1252, with a word. */
    g_autoptr(GPtrArray) read_warnings = g_ptr_array_new_with_free_func(g_free);
    g_autofree char *decoded = NULL;
    if (!g_utf8_validate_len(text, len, NULL)) {
        decoded = memchr(text, '\0', len)
                      ? NULL
                      : crpv_textfile_decode_lines(text, len, path, read_warnings, NULL, NULL);
        if (!decoded) {
            g_set_error(error, STYLE_ERROR, 1, "%s:1: le fichier n’est pas en UTF-8", path);
            return NULL;
        }
        text = decoded;
        len = strlen(decoded);
    }
    /* INI files elsewhere take ';' for a comment line; GKeyFile only '#'. */
    g_autofree char *keyfile_text = g_strndup(text, len);
    for (char *line = keyfile_text; line; line = strchr(line, '\n') ? strchr(line, '\n') + 1 : NULL) {
        char *first = line + strspn(line, " \t");
        if (*first == ';')
            *first = '#';
    }
    if (!g_key_file_load_from_data(kf, keyfile_text, len, G_KEY_FILE_NONE, &local)) {
        g_set_error(error, STYLE_ERROR, 1, "%s: fichier de style illisible : %s", path,
                    local->message);
        return NULL;
    }
    g_autofree char *nul_text = g_strndup(text, len);
    reader r = {path, nul_text, kf, g_string_new(NULL)};
    crpv_style *s = crpv_style_new_default();
    g_ptr_array_extend_and_steal(s->warnings, g_steal_pointer(&read_warnings));
    check_known(&r);

    read_number(&r, "page", "largeur", &s->page_width, 50, 2000);
    read_number(&r, "page", "hauteur", &s->page_height, 50, 2000);
    read_number(&r, "page", "marge_haut", &s->margin_top, 0, 200);
    read_number(&r, "page", "marge_bas", &s->margin_bottom, 0, 200);
    read_number(&r, "page", "marge_interieure", &s->margin_inner, 0, 200);
    read_number(&r, "page", "marge_exterieure", &s->margin_outer, 0, 200);
    read_number(&r, "page", "fond_perdu", &s->bleed, 0, 20);
    for (size_t i = 0; i < G_N_ELEMENTS(color_keys); i++)
        read_print_color(&r, s, i);
    derive_colors(s, g_key_file_has_key(kf, "couleurs", "actif", NULL),
                  g_key_file_has_key(kf, "couleurs", "secondaire", NULL),
                  g_key_file_has_key(kf, "couleurs", "marqueur", NULL));
    refresh_print_colors(s);
    read_text(&r, "impression", "profil", &s->icc_profile);
    if (s->icc_profile && !g_path_is_absolute(s->icc_profile)) {
        /* A profile beside the style file is named as the designer sees it. */
        g_autofree char *dir = g_path_get_dirname(path);
        char *full = g_build_filename(dir, s->icc_profile, NULL);
        g_free(s->icc_profile);
        s->icc_profile = full;
    }
    read_text(&r, "impression", "condition", &s->output_condition);
    read_number(&r, "impression", "encrage_max", &s->max_ink, 100, 400);
    read_text(&r, "polices", "famille", &s->font_family);
    read_number(&r, "polices", "taille_texte", &s->body_size, 5, 30);
    read_number(&r, "polices", "taille_min_annuaire", &s->min_directory_size, 4, 30);
    read_number(&r, "carte", "largeur", &s->map_width, 100, 5000);
    read_number(&r, "carte", "hauteur", &s->map_height, 100, 5000);
    read_text(&r, "carte", "projection", &s->metro_crs);
    read_frame(&r, "carte", "metropole", &s->metro_frame);
    read_text(&r, "carte", "etiquette", &s->label_field);
    if (strcmp(s->label_field, "territoire") && strcmp(s->label_field, "nom"))
        problem(&r, "carte", "etiquette", "« etiquette » doit valoir territoire ou nom, pas « %s »",
                s->label_field);
    read_bool(&r, "carte", "legende", &s->legend);
    read_text(&r, "carte", "credit", &s->credit);
    s->credit_from_style = g_key_file_has_key(kf, "carte", "credit", NULL);
    for (size_t i = 0; i < s->n_insets; i++)
        read_frame(&r, "encarts", s->insets[i].code, &s->insets[i].frame);
    read_text(&r, "geo", "regions_code", &s->regions_code_field);
    read_text(&r, "geo", "regions_nom", &s->regions_name_field);
    read_text(&r, "geo", "departements_code", &s->departements_code_field);
    read_text(&r, "geo", "departements_nom", &s->departements_name_field);
    read_text(&r, "geo", "cesure", &s->hyphen_dictionary);
    check_map_geometry(&r, s);
    check_files(&r, s);
    if (s->margin_inner + s->margin_outer > s->page_width / 2 ||
        s->margin_top + s->margin_bottom > s->page_height / 2)
        problem(&r, "page", NULL, "les marges occupent plus de la moitié de la page");

    if (r.errors->len) {
        g_set_error_literal(error, STYLE_ERROR, 1, r.errors->str);
        g_string_free(r.errors, TRUE);
        crpv_style_free(s);
        return NULL;
    }
    g_string_free(r.errors, TRUE);
    return s;
}

crpv_style *crpv_style_load(const char *path, GError **error)
{
    g_autofree char *text = NULL;
    size_t len = 0;
    if (!crpv_textfile_read(path, CRPV_MAX_STYLE_BYTES, &text, &len, error))
        return NULL;
    return crpv_style_parse(text, len, path, error);
}
