/* directory: the centres read from the CSV, validated and normalised. */
#include "directory.h"

#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "csv.h"
#include "spreadsheet.h"
#include "textfile.h"

#define DIRECTORY_ERROR g_quark_from_static_string("crpv-directory-error")

/* Points this close (degrees) to a territory count as inside it: cities on
 * the coast fall just outside simplified coastlines. */
#define COAST_TOLERANCE 0.05

struct crpv_directory {
    GArray *centres; /* of crpv_centre, in file order */
    crpv_directory_source source;
    char *sheet;     /* owned; source.sheet points to it */
};

enum column {
    COL_ID,
    COL_NOM,
    COL_ANCIEN_NOM,
    COL_TERRITOIRE,
    COL_REGIONS,
    COL_DEPARTEMENT,
    COL_TELEPHONE,
    COL_SITE,
    COL_COURRIEL,
    COL_VILLE,
    COL_LON,
    COL_LAT,
    COL_STATUT,
    N_COLUMNS
};

static const char *const column_names[N_COLUMNS] = {
    "id",   "nom",      "ancien_nom", "territoire", "regions", "departement", "telephone",
    "site", "courriel", "ville",      "lon",        "lat",     "statut",
};

/* As a French reader names them, in messages. */
static const char *const column_labels[N_COLUMNS] = {
    "id",   "nom",      "ancien nom", "territoire", "régions", "département", "téléphone",
    "site", "courriel", "ville",      "longitude",  "latitude", "statut",
};

/* Header names accepted for each column, written as header_key() makes
 * them (lowercase ASCII letters and digits only). */
static const char *const column_synonyms[N_COLUMNS][12] = {
    [COL_ID] = {"id", "identifiant", "ident", "slug", "ref", "reference", NULL},
    [COL_NOM] = {"nom", "name", "nomducentre", "nomcentre", "centre", "structure",
                 "denomination", NULL},
    [COL_ANCIEN_NOM] = {"anciennom", "exnom", "ancien", "anciennomducentre", "oldname", NULL},
    [COL_TERRITOIRE] = {"territoire", "territory", "perimetre", "territoiredintervention",
                        "zone", NULL},
    [COL_REGIONS] = {"regions", "region", "coderegion", "codesregions", "coderegions",
                     "codesregion", "reg", "codereg", "inseereg", NULL},
    [COL_DEPARTEMENT] = {"departement", "departements", "dep", "dept", "codedepartement",
                         "codedep", "inseedep", NULL},
    [COL_TELEPHONE] = {"telephone", "telephones", "tel", "tels", "phone", "numerodetelephone",
                       "standard", NULL},
    [COL_SITE] = {"site", "siteweb", "siteinternet", "web", "url", "internet", "website",
                  "adressedusite", NULL},
    [COL_COURRIEL] = {"courriel", "email", "mail", "mel", "adressemail", "adresseelectronique",
                      "adressecourriel", "emails", "courriels", "adresseemail", NULL},
    [COL_VILLE] = {"ville", "commune", "city", "localite", "siege", NULL},
    [COL_LON] = {"lon", "lng", "long", "longitude", "x", NULL},
    [COL_LAT] = {"lat", "latitude", "y", NULL},
    [COL_STATUT] = {"statut", "status", "etat", "situation", NULL},
};

/* Columns that people keep beside the directory and crpv has no use for:
 * ignored without a word. */
static const char *const ignorable_headers[] = {
    "remarque", "remarques", "commentaire", "commentaires", "note", "notes", "observation",
    "observations", "numero", "no", "n", "num", "rang", "ordre", "contact", "adresse",
    "codepostal", "cp", "responsable", "directeur", "directrice", NULL,
};

static const bool column_required[N_COLUMNS] = {
    [COL_ID] = true,      [COL_NOM] = true,    [COL_TERRITOIRE] = true,
    [COL_REGIONS] = true, [COL_STATUT] = true,
};

/* What a parse accumulates: errors in file order. */
typedef struct {
    const char *filename;
    GString *errors;
    const char *column; /* the cell's column ("colonne G « Téléphone »"), or NULL */
} report;

G_GNUC_PRINTF(3, 4)
static void report_error(report *r, int line, const char *fmt, ...)
{
    if (r->errors->len > 0)
        g_string_append_c(r->errors, '\n');
    g_string_append_printf(r->errors, "%s:%d: ", r->filename, line);
    va_list ap;
    va_start(ap, fmt);
    g_string_append_vprintf(r->errors, fmt, ap);
    va_end(ap);
    if (r->column)
        g_string_append_printf(r->errors, " (%s)", r->column);
}

/* "G" for column index 6, "AA" for 26. Returns a new string. */
static char *column_letter(int index)
{
    char buf[8];
    int n = 0;
    for (int i = index + 1; i > 0 && n < 7; i = (i - 1) / 26)
        buf[n++] = (char)('A' + (i - 1) % 26);
    char *out = g_malloc((size_t)n + 1);
    for (int i = 0; i < n; i++)
        out[i] = buf[n - 1 - i];
    out[n] = '\0';
    return out;
}

static void centre_clear(void *p)
{
    crpv_centre *c = p;
    g_free(c->id);
    g_free(c->nom);
    g_free(c->ancien_nom);
    g_free(c->territoire);
    g_strfreev(c->regions);
    g_free(c->departement);
    g_strfreev(c->telephones);
    g_strfreev(c->telephone_uris);
    g_free(c->site);
    g_free(c->site_label);
    g_free(c->courriel);
    g_free(c->ville);
}

/* ---- Normalisation ---- */

/* Length of the blank (space, tab, no-break space, narrow no-break space)
 * at S, or 0. */
static size_t blank_len(const char *s)
{
    if (*s == ' ' || *s == '\t')
        return 1;
    if ((unsigned char)s[0] == 0xC2 && (unsigned char)s[1] == 0xA0)
        return 2;
    if ((unsigned char)s[0] == 0xE2 && (unsigned char)s[1] == 0x80 && (unsigned char)s[2] == 0xAF)
        return 3;
    return 0;
}

char *crpv_normalize_phone(const char *raw)
{
    GString *out = g_string_new(NULL);
    bool pending_space = false;
    for (const char *s = raw; *s;) {
        size_t n = blank_len(s);
        if (n > 0) {
            pending_space = out->len > 0;
            s += n;
            continue;
        }
        if (pending_space)
            g_string_append_c(out, ' ');
        pending_space = false;
        g_string_append_c(out, *s++);
    }
    return g_string_free(out, FALSE);
}

/* Length of the URI scheme at the start of S, without its ':', or 0 when S
 * has none. "www.x.org:8080/" is a host and port, not a scheme. */
static size_t scheme_len(const char *s)
{
    if (!g_ascii_isalpha(*s))
        return 0;
    size_t n = 1;
    while (g_ascii_isalnum(s[n]) || s[n] == '+' || s[n] == '-' || s[n] == '.')
        n++;
    if (s[n] != ':')
        return 0;
    const char *after = s + n + 1;
    size_t digits = strspn(after, "0123456789");
    if (digits > 0 && (after[digits] == '\0' || after[digits] == '/'))
        return 0;
    return n;
}

char *crpv_normalize_site(const char *raw)
{
    g_autofree char *s = g_strstrip(g_strdup(raw));
    if (*s == '\0')
        return NULL;
    size_t n = scheme_len(s);
    if (n == 0)
        return g_strconcat(g_str_has_prefix(s, "//") ? "https:" : "https://", s, NULL);
    g_autofree char *scheme = g_ascii_strdown(s, (gssize)n);
    if (!g_str_equal(scheme, "http") && !g_str_equal(scheme, "https"))
        return NULL;
    return g_strconcat(scheme, s + n, NULL);
}

/* ---- Field checks ---- */

/* True when S holds a control character (C0, DEL or C1); a tab only
 * counts when TAB_IS_CONTROL. */
static bool has_control(const char *s, bool tab_is_control)
{
    for (const char *p = s; *p; p = g_utf8_next_char(p)) {
        gunichar c = g_utf8_get_char(p);
        if (c == '\t' && !tab_is_control)
            continue;
        if (c < 0x20 || (c >= 0x7F && c <= 0x9F))
            return true;
    }
    return false;
}

static bool is_slug(const char *s)
{
    for (; *s; s++) {
        if (!g_ascii_islower(*s) && !g_ascii_isdigit(*s) && *s != '-')
            return false;
    }
    return true;
}

/* A code as typed, with the leading zero a spreadsheet drops from "01"
 * put back. Returns a new string. */
static char *normalize_code(const char *s)
{
    if (s[0] >= '1' && s[0] <= '9' && s[1] == '\0')
        return g_strdup_printf("0%s", s);
    return g_strdup(s);
}

/* The boundary file's name for messages: " (regions.shp)", or "" for a
 * layer built in memory. Returns a new string. */
static char *layer_suffix(const crpv_layer *layer)
{
    const char *path = crpv_layer_path(layer);
    if (!path || !*path)
        return g_strdup("");
    g_autofree char *base = g_path_get_basename(path);
    return g_strdup_printf(" (%s)", base);
}

/* Reads a coordinate. A decimal comma is accepted whatever the separator
 * (a comma-separated file quotes such a cell). */
static bool parse_number(const char *s, double *out)
{
    if (*s == '\0')
        return false;
    g_autofree char *copy = g_strdup(s);
    char *comma = strchr(copy, ',');
    if (comma && !strchr(copy, '.') && !strchr(comma + 1, ','))
        *comma = '.';
    /* Only plain decimal notation: no hexadecimal, "inf" or "nan". */
    for (const char *p = copy; *p; p++) {
        if (!g_ascii_isdigit(*p) && !strchr("+-.eE", *p))
            return false;
    }
    char *end = NULL;
    errno = 0;
    double v = g_ascii_strtod(copy, &end);
    if (end == copy || *end != '\0' || errno == ERANGE || !isfinite(v))
        return false;
    *out = v;
    return true;
}

static bool feature_near(const crpv_feature *f, double lon, double lat)
{
    crpv_point p = {lon, lat};
    if (f->shape.n_rings == 0 || f->moved)
        return true; /* known by its code only, or not at its true place: nothing to check */
    if (!crpv_rect_contains_point(crpv_rect_inflate(f->bbox, COAST_TOLERANCE), p))
        return false;
    return crpv_shape_near(&f->shape, p, COAST_TOLERANCE);
}

/* Splits a phone cell on '+' separators; a '+' starting a number is an
 * international prefix ("+33 1 ..."), not a separator. */
static GPtrArray *split_phones(const char *s)
{
    GPtrArray *parts = g_ptr_array_new_with_free_func(g_free);
    GString *cur = g_string_new(NULL);
    bool at_start = true;
    for (const char *p = s; *p; p++) {
        if (at_start && g_ascii_strncasecmp(p, "tel:", 4) == 0) {
            /* Keep "tel:" with its number; a "+" may follow. */
            g_string_append_len(cur, p, 4);
            p += 3;
            continue;
        }
        if (*p == '+' && !(at_start && g_ascii_isdigit(p[1]))) {
            g_ptr_array_add(parts, g_strdup(cur->str));
            g_string_truncate(cur, 0);
            at_start = true;
            continue;
        }
        if (!g_ascii_isspace(*p))
            at_start = false;
        g_string_append_c(cur, *p);
    }
    g_ptr_array_add(parts, g_string_free(cur, FALSE));
    return parts;
}

/* ---- Rows ---- */

typedef struct {
    report *rep;
    const crpv_layer *regions;
    const crpv_layer *departements;
    GHashTable *ids; /* id -> line (GINT_TO_POINTER) */
    GPtrArray *warnings;
    char *col_desc[N_COLUMNS]; /* "colonne G « Téléphone »", or NULL when absent */
} context;

/* Appends a warning about a cell of column K (-1: none) at LINE. */
G_GNUC_PRINTF(4, 5)
static void add_warning(context *ctx, int line, int k, const char *fmt, ...)
{
    if (!ctx->warnings)
        return;
    va_list ap;
    va_start(ap, fmt);
    g_autofree char *msg = g_strdup_vprintf(fmt, ap);
    va_end(ap);
    if (k >= 0 && ctx->col_desc[k])
        g_ptr_array_add(ctx->warnings, g_strdup_printf("%s:%d: attention : %s (%s)",
                                                       ctx->rep->filename, line, msg,
                                                       ctx->col_desc[k]));
    else
        g_ptr_array_add(ctx->warnings,
                        g_strdup_printf("%s:%d: attention : %s", ctx->rep->filename, line, msg));
}

/* A phone of 9 digits not starting with 0 is a French number whose
 * leading zero a spreadsheet dropped (it took it for a number). Returns
 * the number restored ("03 88 14 35 89"), or NULL. */
static char *restore_leading_zero(const char *phone)
{
    GString *digits = g_string_new(NULL);
    for (const char *p = phone; *p; p++) {
        if (g_ascii_isdigit(*p))
            g_string_append_c(digits, *p);
        else if (*p != ' ') {
            g_string_free(digits, TRUE);
            return NULL;
        }
    }
    if (digits->len != 9 || digits->str[0] == '0') {
        g_string_free(digits, TRUE);
        return NULL;
    }
    GString *out = g_string_new("0");
    for (size_t i = 0; i < 9; i++) {
        if (i % 2 == 1)
            g_string_append_c(out, ' ');
        g_string_append_c(out, digits->str[i]);
    }
    g_string_free(digits, TRUE);
    return g_string_free(out, FALSE);
}

static void check_phones(context *ctx, int line, const char *value, crpv_centre *c)
{
    g_autoptr(GPtrArray) parts = split_phones(value);
    GPtrArray *phones = g_ptr_array_new();
    bool empty_reported = false;
    for (size_t i = 0; i < parts->len; i++) {
        char *phone = crpv_normalize_phone(parts->pdata[i]);
        /* "tel:" links are what some people paste from a website. */
        if (g_ascii_strncasecmp(phone, "tel:", 4) == 0) {
            char *rest = crpv_normalize_phone(phone + 4);
            g_free(phone);
            phone = rest;
        }
        if (*phone == '\0') {
            if (!empty_reported)
                report_error(ctx->rep, line, "numéro de téléphone vide dans « %s »", value);
            empty_reported = true;
            g_free(phone);
            continue;
        }
        char *restored = restore_leading_zero(phone);
        if (restored) {
            add_warning(ctx, line, COL_TELEPHONE,
                        "téléphone « %s » à 9 chiffres, lu « %s » (le tableur a sans doute "
                        "supprimé le zéro initial : saisissez le numéro comme du texte)",
                        phone, restored);
            g_free(phone);
            phone = restored;
        }
        int digits = 0;
        bool bad = false;
        for (const char *p = phone; *p; p++) {
            if (g_ascii_isdigit(*p))
                digits++;
            else if (!strchr(" +.()-", *p))
                bad = true;
        }
        if (bad)
            report_error(ctx->rep, line,
                         "téléphone « %s » invalide (chiffres, espaces et + . ( ) - seulement)",
                         phone);
        else if (digits < 4)
            report_error(ctx->rep, line, "téléphone « %s » trop court (au moins 4 chiffres)",
                         phone);
        else if (!strchr(phone, '+') && digits > 4 && digits != 10)
            /* A national number has 10 digits; 4 is a short service
             * number (« 3939 »); anything else lost or gained a digit. */
            add_warning(ctx, line, COL_TELEPHONE,
                        "téléphone « %s » de %d chiffres, alors qu’un numéro français en a 10 "
                        "(un numéro étranger s’écrit avec son indicatif : +32 …)",
                        phone, digits);
        g_ptr_array_add(phones, phone);
    }
    g_ptr_array_add(phones, NULL);
    c->telephones = (char **)g_ptr_array_free(phones, FALSE);
}

char *crpv_phone_uri(const char *phone, const char *region)
{
    static const struct {
        const char *region, *prefix;
    } prefixes[] = {
        {"01", "+590"}, {"02", "+596"}, {"03", "+594"}, {"04", "+262"}, {"06", "+262"},
    };
    GString *d = g_string_new(NULL);
    for (const char *p = phone; *p; p++)
        if (g_ascii_isdigit(*p))
            g_string_append_c(d, *p);
    const char *first = phone + strspn(phone, " ");
    GString *u = g_string_new("tel:");
    if (*first == '+') {
        g_string_append_c(u, '+');
    } else if (d->len == 10 && d->str[0] == '0') {
        /* A national number: "0262 …" in La Réunion is "+262 262 …". */
        const char *prefix = "+33";
        for (size_t i = 0; region && i < G_N_ELEMENTS(prefixes); i++)
            if (strcmp(region, prefixes[i].region) == 0)
                prefix = prefixes[i].prefix;
        g_string_append(u, prefix);
        g_string_erase(d, 0, 1);
    }
    g_string_append(u, d->str);
    g_string_free(d, TRUE);
    return g_string_free(u, FALSE);
}

static void check_site(context *ctx, int line, const char *value, crpv_centre *c)
{
    char *site = crpv_normalize_site(value);
    if (!site) {
        report_error(ctx->rep, line, "schéma de lien refusé dans « %s » (attendu : http ou https)",
                     value);
        return;
    }
    if (strpbrk(site, " \t") || g_utf8_strchr(site, -1, 0xA0)) {
        report_error(ctx->rep, line, "lien « %s » invalide (il contient une espace)", value);
        g_free(site);
        return;
    }
    const char *host = strstr(site, "://");
    if (!host || host[3] == '\0' || host[3] == '/') {
        report_error(ctx->rep, line, "lien « %s » sans adresse de site", value);
        g_free(site);
        return;
    }
    host += 3;
    c->site = site;
    char *label = g_strdup(host);
    size_t n = strlen(label);
    while (n > 0 && label[n - 1] == '/')
        label[--n] = '\0';
    c->site_label = label;
}

static void check_courriel(context *ctx, int line, const char *value, crpv_centre *c)
{
    const char *addr = value;
    if (g_ascii_strncasecmp(addr, "mailto:", 7) == 0)
        addr += 7;
    const char *at = strchr(addr, '@');
    size_t colon = strcspn(addr, ":");
    if (addr[colon] == ':' && (!at || addr + colon < at)) {
        report_error(ctx->rep, line,
                     "schéma de lien refusé dans « %s » (attendu : une adresse ou mailto:)", value);
        return;
    }
    bool ok = at && at > addr && strchr(at + 1, '@') == NULL && at[1] != '\0';
    if (ok) {
        const char *dot = strrchr(at + 1, '.');
        ok = dot && dot > at + 1 && dot[1] != '\0' && !strstr(addr, "..");
    }
    for (const char *p = addr; ok && *p; p = g_utf8_next_char(p)) {
        gunichar ch = g_utf8_get_char(p);
        if (g_unichar_isspace(ch) || strchr("<>,;\"()[]\\", (int)(ch < 128 ? ch : 'a')))
            ok = false;
    }
    if (!ok) {
        report_error(ctx->rep, line, "adresse électronique « %s » invalide", value);
        return;
    }
    c->courriel = g_strdup(addr);
}

static void check_coords(context *ctx, int line, const char *lon_s, const char *lat_s,
                         crpv_centre *c)
{
    if (!*lon_s && !*lat_s)
        return;
    ctx->rep->column = ctx->col_desc[COL_LON];
    if (!*lat_s) {
        report_error(ctx->rep, line, "longitude « %s » sans latitude", lon_s);
        return;
    }
    if (!*lon_s) {
        ctx->rep->column = ctx->col_desc[COL_LAT];
        report_error(ctx->rep, line, "latitude « %s » sans longitude", lat_s);
        return;
    }
    double lon = 0, lat = 0;
    bool ok = true;
    if (!parse_number(lon_s, &lon)) {
        report_error(ctx->rep, line, "longitude « %s » n’est pas un nombre", lon_s);
        ok = false;
    } else if (lon < -180 || lon > 180) {
        report_error(ctx->rep, line, "longitude « %s » hors limites (de -180 à 180)", lon_s);
        ok = false;
    }
    ctx->rep->column = ctx->col_desc[COL_LAT];
    if (!parse_number(lat_s, &lat)) {
        report_error(ctx->rep, line, "latitude « %s » n’est pas un nombre", lat_s);
        ok = false;
    } else if (lat < -90 || lat > 90) {
        report_error(ctx->rep, line, "latitude « %s » hors limites (de -90 à 90)", lat_s);
        ok = false;
    }
    if (!ok)
        return;
    c->has_coords = true;
    c->lon = lon;
    c->lat = lat;

    /* The point must fall in the département served, else in one of the
     * regions; codes unknown to the layers were reported already. */
    bool checked = false, inside = false;
    const crpv_feature *dep = NULL;
    if (c->departement && ctx->departements)
        dep = crpv_layer_find(ctx->departements, c->departement);
    bool swapped = false; /* the point is inside with longitude and latitude exchanged */
    if (dep) {
        checked = true;
        inside = feature_near(dep, lon, lat);
        swapped = !inside && feature_near(dep, lat, lon);
    } else if (ctx->regions && c->regions) {
        for (char **r = c->regions; *r && !inside; r++) {
            const crpv_feature *f = crpv_layer_find(ctx->regions, *r);
            if (f) {
                checked = true;
                inside = feature_near(f, lon, lat);
                swapped = swapped || (!inside && feature_near(f, lat, lon));
            }
        }
    }
    g_autofree char *both = ctx->col_desc[COL_LON] && ctx->col_desc[COL_LAT]
                                ? g_strdup_printf("colonnes %s et %s",
                                                  ctx->col_desc[COL_LON] + strlen("colonne "),
                                                  ctx->col_desc[COL_LAT] + strlen("colonne "))
                                : NULL;
    ctx->rep->column = both;
    if (checked && !inside) {
        char lon_buf[G_ASCII_DTOSTR_BUF_SIZE], lat_buf[G_ASCII_DTOSTR_BUF_SIZE];
        report_error(ctx->rep, line, "coordonnées (%s, %s) hors du territoire « %s »%s",
                     g_ascii_formatd(lon_buf, sizeof lon_buf, "%.6g", lon),
                     g_ascii_formatd(lat_buf, sizeof lat_buf, "%.6g", lat),
                     c->territoire ? c->territoire : "",
                     swapped ? " : longitude et latitude inversées ?" : "");
    }
    ctx->rep->column = NULL;
}

/* Splits S on '+'. g_strsplit() calls strstr() per part, which
 * sanitizers make quadratic on a cell of a million '+'. */
static char **split_on_plus(const char *s)
{
    GPtrArray *parts = g_ptr_array_new();
    const char *start = s;
    for (const char *p = s;; p++) {
        if (*p == '+' || *p == '\0') {
            g_ptr_array_add(parts, g_strndup(start, (gsize)(p - start)));
            if (*p == '\0')
                break;
            start = p + 1;
        }
    }
    g_ptr_array_add(parts, NULL);
    return (char **)g_ptr_array_free(parts, FALSE);
}

/* NUMERIC: the spreadsheet stored the cell as a number, which was warned
 * already. */
static void check_regions(context *ctx, int line, const char *value, bool numeric,
                          crpv_centre *c)
{
    g_auto(GStrv) parts = split_on_plus(value);
    GPtrArray *codes = g_ptr_array_new();
    g_autofree char *suffix = ctx->regions ? layer_suffix(ctx->regions) : NULL;
    bool empty_reported = false;
    for (char **p = parts; *p; p++) {
        g_strstrip(*p);
        if (**p == '\0') {
            /* Once per cell: "++++..." must not repeat the cell each time. */
            if (!empty_reported)
                report_error(ctx->rep, line, "code région vide dans « %s »", value);
            empty_reported = true;
            continue;
        }
        char *code = normalize_code(*p);
        if (!numeric && !g_str_equal(code, *p))
            add_warning(ctx, line, COL_REGIONS,
                        "code région « %s » lu « %s » (le zéro initial manque : le tableur l’a "
                        "sans doute pris pour un nombre)",
                        *p, code);
        if (ctx->regions && !crpv_layer_find(ctx->regions, code)) {
            report_error(ctx->rep, line, "code région « %s » inconnu des contours%s", *p, suffix);
            g_free(code);
            continue;
        }
        g_ptr_array_add(codes, code);
    }
    if (codes->len == 0) {
        g_ptr_array_free(codes, TRUE);
        return;
    }
    g_ptr_array_add(codes, NULL);
    c->regions = (char **)g_ptr_array_free(codes, FALSE);
}

static void check_departement(context *ctx, int line, const char *value, bool numeric,
                              crpv_centre *c)
{
    char *code = normalize_code(value);
    if (!numeric && !g_str_equal(code, value))
        add_warning(ctx, line, COL_DEPARTEMENT,
                    "code département « %s » lu « %s » (le zéro initial manque : le tableur l’a "
                    "sans doute pris pour un nombre)",
                    value, code);
    if (ctx->departements && !crpv_layer_find(ctx->departements, code)) {
        g_autofree char *suffix = layer_suffix(ctx->departements);
        report_error(ctx->rep, line, "code département « %s » inconnu des contours%s", value,
                     suffix);
        g_free(code);
        return;
    }
    c->departement = code;
}

static bool check_statut(const char *value, crpv_statut *out)
{
    g_autofree char *s = g_utf8_strdown(value, -1);
    if (g_str_equal(s, "actif")) {
        *out = CRPV_STATUT_ACTIF;
        return true;
    }
    const char *p = s;
    if (g_str_has_prefix(p, "en "))
        p += 3;
    if (g_str_equal(p, "prefiguration") || g_str_equal(p, "préfiguration")) {
        *out = CRPV_STATUT_PREFIGURATION;
        return true;
    }
    return false;
}

/* S with each line break typed in the cell (Excel's Alt+Enter, a
 * LibreOffice paragraph, a quoted CSV field over two lines) and the
 * blanks around it replaced by JOINER: a list separator in the list
 * columns, a space elsewhere. Returns a new string. */
static char *join_lines(const char *s, const char *joiner)
{
    if (!strpbrk(s, "\r\n"))
        return g_strdup(s);
    GString *out = g_string_new(NULL);
    for (const char *p = s; *p;) {
        if (*p != '\r' && *p != '\n') {
            g_string_append_c(out, *p++);
            continue;
        }
        while (out->len > 0 && (out->str[out->len - 1] == ' ' || out->str[out->len - 1] == '\t'))
            g_string_truncate(out, out->len - 1);
        while (*p == '\r' || *p == '\n' || *p == ' ' || *p == '\t')
            p++;
        if (out->len > 0 && *p)
            g_string_append(out, joiner);
    }
    return g_string_free(out, FALSE);
}

/* True when the spreadsheet stored ROW's cell in column COL as a number. */
static bool cell_numeric(const crpv_csv_row *row, int col)
{
    return row->numeric && col >= 0 && (size_t)col < row->n_fields && row->numeric[col];
}

/* Validates one data row; appends the centre when it has no error. */
static void parse_row(context *ctx, const crpv_csv_row *row, const int *cols, GArray *centres)
{
    const int line = row->line;
    report *rep = ctx->rep;
    size_t errors_before = rep->errors->len;
    char *v[N_COLUMNS];
    for (int k = 0; k < N_COLUMNS; k++) {
        const char *raw =
            cols[k] >= 0 && (size_t)cols[k] < row->n_fields ? row->fields[cols[k]] : "";
        const char *joiner = k == COL_TELEPHONE ? " + " : k == COL_REGIONS ? "+" : " ";
        v[k] = g_strstrip(join_lines(raw, joiner));
    }

    crpv_centre c = {.line = line};
    for (int k = 0; k < N_COLUMNS; k++) {
        rep->column = ctx->col_desc[k];
        if (column_required[k] && *v[k] == '\0')
            report_error(rep, line, "valeur obligatoire vide");
        if (has_control(v[k], k != COL_TELEPHONE)) {
            report_error(rep, line, "valeur avec un caractère de contrôle");
            /* Nothing more to check in it. */
            v[k][0] = '\0';
        }
        rep->column = NULL;
    }
    /* A code the spreadsheet stored as a number lost its leading zero. */
    static const int codes[] = {COL_REGIONS, COL_DEPARTEMENT};
    for (size_t i = 0; i < G_N_ELEMENTS(codes); i++) {
        int k = codes[i];
        if (cell_numeric(row, cols[k]) && v[k][0] >= '1' && v[k][0] <= '9' && v[k][1] == '\0')
            add_warning(ctx, line, k, "code %s enregistré comme le nombre %s, lu « 0%s »",
                        k == COL_REGIONS ? "région" : "département", v[k], v[k]);
    }

    if (*v[COL_ID]) {
        rep->column = ctx->col_desc[COL_ID];
        if (!is_slug(v[COL_ID]))
            report_error(rep, line,
                         "identifiant « %s » invalide (lettres minuscules, chiffres et tirets "
                         "seulement)",
                         v[COL_ID]);
        gpointer first = g_hash_table_lookup(ctx->ids, v[COL_ID]);
        if (first)
            report_error(rep, line, "identifiant « %s » en double (déjà ligne %d)", v[COL_ID],
                         GPOINTER_TO_INT(first));
        else
            g_hash_table_insert(ctx->ids, g_strdup(v[COL_ID]), GINT_TO_POINTER(line));
        c.id = g_strdup(v[COL_ID]);
    }
    c.nom = *v[COL_NOM] ? g_strdup(v[COL_NOM]) : NULL;
    c.ancien_nom = *v[COL_ANCIEN_NOM] ? g_strdup(v[COL_ANCIEN_NOM]) : NULL;
    c.territoire = *v[COL_TERRITOIRE] ? g_strdup(v[COL_TERRITOIRE]) : NULL;
    c.ville = *v[COL_VILLE] ? g_strdup(v[COL_VILLE]) : NULL;
    rep->column = ctx->col_desc[COL_REGIONS];
    if (*v[COL_REGIONS])
        check_regions(ctx, line, v[COL_REGIONS], cell_numeric(row, cols[COL_REGIONS]), &c);
    rep->column = ctx->col_desc[COL_DEPARTEMENT];
    if (*v[COL_DEPARTEMENT])
        check_departement(ctx, line, v[COL_DEPARTEMENT],
                          cell_numeric(row, cols[COL_DEPARTEMENT]), &c);
    rep->column = ctx->col_desc[COL_TELEPHONE];
    if (*v[COL_TELEPHONE])
        check_phones(ctx, line, v[COL_TELEPHONE], &c);
    else
        c.telephones = g_new0(char *, 1);
    rep->column = ctx->col_desc[COL_SITE];
    if (*v[COL_SITE])
        check_site(ctx, line, v[COL_SITE], &c);
    rep->column = ctx->col_desc[COL_COURRIEL];
    if (*v[COL_COURRIEL])
        check_courriel(ctx, line, v[COL_COURRIEL], &c);
    check_coords(ctx, line, v[COL_LON], v[COL_LAT], &c);
    rep->column = ctx->col_desc[COL_STATUT];
    if (*v[COL_STATUT] && !check_statut(v[COL_STATUT], &c.statut))
        report_error(rep, line, "statut « %s » inconnu (attendu : actif ou prefiguration)",
                     v[COL_STATUT]);
    rep->column = NULL;

    if (c.id) {
        if (!*v[COL_TELEPHONE])
            add_warning(ctx, line, -1, "centre « %s » sans téléphone", c.id);
        if (!*v[COL_SITE] && !*v[COL_COURRIEL])
            add_warning(ctx, line, -1, "centre « %s » sans site ni courriel", c.id);
    }

    for (int k = 0; k < N_COLUMNS; k++)
        g_free(v[k]);
    if (rep->errors->len == errors_before) {
        size_t n = g_strv_length(c.telephones);
        c.telephone_uris = g_new0(char *, n + 1);
        for (size_t i = 0; i < n; i++)
            c.telephone_uris[i] = crpv_phone_uri(c.telephones[i], c.regions ? c.regions[0] : NULL);
        g_array_append_val(centres, c);
    } else {
        centre_clear(&c);
    }
}

static bool row_is_blank(const crpv_csv_row *row)
{
    for (size_t i = 0; i < row->n_fields; i++) {
        for (const char *p = row->fields[i]; *p; p++) {
            if (!g_ascii_isspace(*p))
                return false;
        }
    }
    return true;
}

/* A header as compared: lowercase ASCII letters and digits, accents
 * dropped ("Téléphone" -> "telephone", "e-mail" -> "email", "Site web" ->
 * "siteweb"). Returns a new string. */
static char *header_key(const char *header)
{
    g_autofree char *valid = g_utf8_make_valid(header, -1);
    g_autofree char *ascii = g_str_to_ascii(valid, "C");
    GString *out = g_string_new(NULL);
    for (const char *p = ascii; *p; p++)
        if (g_ascii_isalnum(*p))
            g_string_append_c(out, g_ascii_tolower(*p));
    return g_string_free(out, FALSE);
}

/* Levenshtein distance between A and B, capped for long strings. */
static size_t edit_distance(const char *a, const char *b)
{
    size_t la = MIN(strlen(a), 64), lb = MIN(strlen(b), 64);
    size_t prev[65], cur[65];
    for (size_t j = 0; j <= lb; j++)
        prev[j] = j;
    for (size_t i = 1; i <= la; i++) {
        cur[0] = i;
        for (size_t j = 1; j <= lb; j++) {
            size_t sub = prev[j - 1] + (a[i - 1] != b[j - 1]);
            cur[j] = MIN(MIN(prev[j] + 1, cur[j - 1] + 1), sub);
        }
        memcpy(prev, cur, sizeof prev);
    }
    return prev[lb];
}

/* The column whose name or synonym is nearest to KEY, and its distance. */
static int nearest_column(const char *key, size_t *distance)
{
    int best = -1;
    *distance = SIZE_MAX;
    for (int k = 0; k < N_COLUMNS; k++) {
        for (const char *const *syn = column_synonyms[k]; *syn; syn++) {
            /* One-letter synonyms (x, y) only match exactly. */
            if (strlen(*syn) < 2)
                continue;
            size_t d = edit_distance(key, *syn);
            /* A header that holds a name whole ("telephone fixe") is near. */
            if (strlen(*syn) >= 3 && strstr(key, *syn))
                d = MIN(d, 1);
            if (d < *distance) {
                *distance = d;
                best = k;
            }
        }
    }
    return best;
}

static int column_of_key(const char *key)
{
    for (int k = 0; k < N_COLUMNS; k++)
        for (const char *const *syn = column_synonyms[k]; *syn; syn++)
            if (g_str_equal(key, *syn))
                return k;
    return -1;
}

/* Finds the columns by header name, tolerant of case, accents, spaces and
 * synonyms; reports the missing required ones, and a header close to a
 * missing column's name, so that no column is lost silently. */
static bool read_header(context *ctx, const crpv_csv *csv, const crpv_csv_row *header, int *cols)
{
    report *rep = ctx->rep;
    for (int k = 0; k < N_COLUMNS; k++)
        cols[k] = -1;
    bool ok = true;
    GPtrArray *unknown = g_ptr_array_new(); /* indices, as pointers */
    for (size_t i = 0; i < header->n_fields; i++) {
        g_autofree char *key = header_key(header->fields[i]);
        int k = column_of_key(key);
        if (k < 0) {
            bool blank_header = *key == '\0';
            bool ignorable = blank_header;
            for (const char *const *ig = ignorable_headers; *ig && !ignorable; ig++)
                ignorable = g_str_equal(key, *ig);
            if (!ignorable)
                g_ptr_array_add(unknown, GSIZE_TO_POINTER(i));
            else if (blank_header) {
                /* A column without a header that holds values is data
                 * nobody named: worth a word. */
                for (size_t r = 1; r < crpv_csv_n_rows(csv); r++) {
                    const crpv_csv_row *row = crpv_csv_nth(csv, r);
                    g_autofree char *value = i < row->n_fields ? g_strdup(row->fields[i]) : NULL;
                    if (value && *g_strstrip(value)) {
                        g_autofree char *col = column_letter((int)i);
                        add_warning(ctx, header->line, -1,
                                    "colonne %s sans nom dans la ligne d’en-tête : ignorée",
                                    col);
                        break;
                    }
                }
            }
            continue;
        }
        if (cols[k] >= 0) {
            report_error(rep, header->line, "colonne « %s » en double (« %s » et « %s »)",
                         column_names[k], header->fields[cols[k]], header->fields[i]);
            ok = false;
        } else {
            cols[k] = (int)i;
        }
    }
    for (guint u = 0; u < unknown->len; u++) {
        size_t i = GPOINTER_TO_SIZE(unknown->pdata[u]);
        const char *name = header->fields[i];
        g_autofree char *key = header_key(name);
        size_t d = 0;
        int k = nearest_column(key, &d);
        bool close = k >= 0 && d <= MAX((size_t)2, strlen(key) / 3);
        g_autofree char *col = column_letter((int)i);
        if (close && cols[k] < 0) {
            report_error(rep, header->line,
                         "colonne %s « %s » inconnue : est-ce « %s » ? (renommez-la « %s », "
                         "sinon ses valeurs seraient perdues)",
                         col, name, column_labels[k], column_names[k]);
            ok = false;
        } else if (k >= 0) {
            add_warning(ctx, header->line, -1,
                        "colonne %s « %s » inconnue, ignorée (la plus proche : « %s »)", col,
                        name, column_names[k]);
        }
    }
    g_ptr_array_free(unknown, TRUE);
    for (int k = 0; k < N_COLUMNS; k++) {
        if (column_required[k] && cols[k] < 0) {
            report_error(rep, header->line, "colonne obligatoire « %s » absente", column_names[k]);
            ok = false;
        }
    }
    /* A message about a cell names its column, by letter (what a
     * spreadsheet shows) and by the header as written: « lien invalide »
     * alone would not say which cell of the row to fix. */
    for (int k = 0; k < N_COLUMNS; k++) {
        if (cols[k] < 0)
            continue;
        g_autofree char *col = column_letter(cols[k]);
        ctx->col_desc[k] = g_strdup_printf("colonne %s « %s »", col, header->fields[cols[k]]);
    }
    return ok;
}

/* Validates the table CSV read from FILENAME. */
static crpv_directory *parse_table(const crpv_csv *csv, const char *filename,
                                   const crpv_layer *regions, const crpv_layer *departements,
                                   GPtrArray *warnings, GError **error)
{
    if (crpv_csv_n_rows(csv) == 0) {
        g_set_error(error, DIRECTORY_ERROR, 0, "%s:1: fichier vide (ligne d’en-tête attendue)",
                    filename);
        return NULL;
    }

    report rep = {.filename = filename, .errors = g_string_new(NULL)};
    int cols[N_COLUMNS];
    GArray *centres = g_array_new(FALSE, TRUE, sizeof(crpv_centre));
    g_array_set_clear_func(centres, centre_clear);
    context ctx = {
        .rep = &rep,
        .regions = regions,
        .departements = departements,
        .ids = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL),
        .warnings = warnings,
    };
    const crpv_csv_row *header = crpv_csv_nth(csv, 0);
    if (read_header(&ctx, csv, header, cols)) {
        for (size_t i = 1; i < crpv_csv_n_rows(csv); i++) {
            const crpv_csv_row *row = crpv_csv_nth(csv, i);
            /* A blank row in the middle is a spreadsheet's spacing. */
            if (!row_is_blank(row))
                parse_row(&ctx, row, cols, centres);
        }
        if (rep.errors->len == 0 && centres->len == 0)
            report_error(&rep, header->line, "aucun centre dans le fichier");
    }
    g_hash_table_unref(ctx.ids);
    for (int k = 0; k < N_COLUMNS; k++)
        g_free(ctx.col_desc[k]);
    if (rep.errors->len > 0) {
        g_set_error_literal(error, DIRECTORY_ERROR, 0, rep.errors->str);
        g_string_free(rep.errors, TRUE);
        g_array_unref(centres);
        return NULL;
    }
    g_string_free(rep.errors, TRUE);
    crpv_directory *dir = g_new0(crpv_directory, 1);
    dir->centres = centres;
    dir->sheet = g_strdup(crpv_csv_sheet(csv));
    dir->source = (crpv_directory_source){
        .format = crpv_csv_format(csv),
        .encoding = crpv_csv_encoding(csv),
        .separator = crpv_csv_separator(csv),
        .line_ends = crpv_csv_line_ends(csv),
        .sheet = dir->sheet,
    };
    return dir;
}

/* Reports what is not a directory at all but a file of another kind. */
static bool refuse_other_formats(const char *data, size_t len, const char *filename,
                                 GError **error)
{
    if (len >= 8 && memcmp(data, "\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1", 8) == 0) {
        g_set_error(error, DIRECTORY_ERROR, 0,
                    "%s: classeur Excel 97-2003 (.xls) : enregistrez-le au format .xlsx, .ods "
                    "ou CSV",
                    filename);
        return true;
    }
    if (len >= 5 && memcmp(data, "%PDF-", 5) == 0) {
        g_set_error(error, DIRECTORY_ERROR, 0,
                    "%s: c’est un PDF, pas un annuaire : donnez le fichier du tableur (.ods, "
                    ".xlsx ou CSV)",
                    filename);
        return true;
    }
    return false;
}

crpv_directory *crpv_directory_parse_any(const char *data, size_t len, const char *filename,
                                         const char *sheet, const crpv_layer *regions,
                                         const crpv_layer *departements, GPtrArray *warnings,
                                         GError **error)
{
    if (refuse_other_formats(data, len, filename, error))
        return NULL;
    GError *table_error = NULL;
    if (sheet && !crpv_spreadsheet_sniff(data, len) && warnings)
        g_ptr_array_add(warnings, g_strdup_printf("%s: attention : feuille « %s » demandée, mais "
                                                  "le fichier est un CSV, qui n’en a qu’une",
                                                  filename, sheet));
    g_autoptr(crpv_csv) csv =
        crpv_spreadsheet_sniff(data, len)
            ? crpv_spreadsheet_parse(data, len, filename, sheet, &table_error)
            : crpv_csv_parse(data, len, filename, &table_error);
    if (!csv) {
        /* One domain for every invalid directory. */
        g_set_error_literal(error, DIRECTORY_ERROR, 0, table_error->message);
        g_error_free(table_error);
        return NULL;
    }
    const GPtrArray *read_warnings = crpv_csv_warnings(csv);
    for (guint i = 0; warnings && i < read_warnings->len; i++)
        g_ptr_array_add(warnings, g_strdup(read_warnings->pdata[i]));
    return parse_table(csv, filename, regions, departements, warnings, error);
}

crpv_directory *crpv_directory_parse(const char *data, size_t len, const char *filename,
                                     const crpv_layer *regions, const crpv_layer *departements,
                                     GPtrArray *warnings, GError **error)
{
    return crpv_directory_parse_any(data, len, filename, NULL, regions, departements, warnings,
                                    error);
}

crpv_directory *crpv_directory_read(const char *path, const char *sheet,
                                    const crpv_layer *regions, const crpv_layer *departements,
                                    GPtrArray *warnings, GError **error)
{
    char *data = NULL;
    size_t len = 0;
    if (!crpv_textfile_read(path, CRPV_MAX_DIRECTORY_BYTES, &data, &len, error))
        return NULL;
    const char *name = g_str_equal(path, "-") ? "(entrée standard)" : path;
    crpv_directory *dir = crpv_directory_parse_any(data, len, name, sheet, regions, departements,
                                                   warnings, error);
    g_free(data);
    return dir;
}

crpv_directory *crpv_directory_load(const char *path, const crpv_layer *regions,
                                    const crpv_layer *departements, GPtrArray *warnings,
                                    GError **error)
{
    return crpv_directory_read(path, NULL, regions, departements, warnings, error);
}

void crpv_directory_free(crpv_directory *dir)
{
    if (!dir)
        return;
    g_array_unref(dir->centres);
    g_free(dir->sheet);
    g_free(dir);
}

size_t crpv_directory_count(const crpv_directory *dir)
{
    return dir->centres->len;
}

const crpv_centre *crpv_directory_nth(const crpv_directory *dir, size_t i)
{
    g_return_val_if_fail(i < dir->centres->len, NULL);
    return &g_array_index(dir->centres, crpv_centre, i);
}

bool crpv_centre_serves_region(const crpv_centre *c, const char *code)
{
    for (char **r = c->regions; r && *r; r++)
        if (strcmp(*r, code) == 0)
            return true;
    return false;
}

bool crpv_region_is_overseas(const char *code)
{
    return code && code[0] == '0' && code[1] >= '1' && code[1] <= '6' && code[2] == '\0';
}

crpv_directory_stats crpv_directory_get_stats(const crpv_directory *dir)
{
    crpv_directory_stats st = {0};
    g_autoptr(GHashTable) seen = g_hash_table_new(g_str_hash, g_str_equal);
    g_autoptr(GHashTable) seen_actif = g_hash_table_new(g_str_hash, g_str_equal);
    for (size_t i = 0; i < dir->centres->len; i++) {
        const crpv_centre *c = crpv_directory_nth(dir, i);
        st.centres++;
        if (c->statut == CRPV_STATUT_ACTIF)
            st.actifs++;
        else
            st.prefiguration++;
        bool overseas = false;
        bool actif = c->statut == CRPV_STATUT_ACTIF;
        for (char **r = c->regions; r && *r; r++) {
            if (crpv_region_is_overseas(*r))
                overseas = true;
            if (g_hash_table_add(seen, *r)) {
                st.regions++;
                if (crpv_region_is_overseas(*r))
                    st.regions_outremer++;
            }
            if (actif && g_hash_table_add(seen_actif, *r)) {
                st.regions_actifs++;
                if (crpv_region_is_overseas(*r))
                    st.regions_outremer_actifs++;
            }
        }
        if (overseas)
            st.outremer++;
        if (overseas && actif)
            st.outremer_actifs++;
    }
    return st;
}

crpv_directory_source crpv_directory_get_source(const crpv_directory *dir)
{
    return dir->source;
}
