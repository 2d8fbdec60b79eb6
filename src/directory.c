/* directory: the centres read from the CSV, validated and normalised. */
#include "directory.h"

#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <string.h>

#include "csv.h"

#define DIRECTORY_ERROR g_quark_from_static_string("crpv-directory-error")

/* Points this close (degrees) to a territory count as inside it: cities on
 * the coast fall just outside simplified coastlines. */
#define COAST_TOLERANCE 0.05

struct crpv_directory {
    GArray *centres; /* of crpv_centre, in file order */
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

static const bool column_required[N_COLUMNS] = {
    [COL_ID] = true,      [COL_NOM] = true,    [COL_TERRITOIRE] = true,
    [COL_REGIONS] = true, [COL_STATUT] = true,
};

/* What a parse accumulates: errors in file order. */
typedef struct {
    const char *filename;
    GString *errors;
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

/* Reads a coordinate. In a semicolon file a decimal comma is accepted. */
static bool parse_number(const char *s, char separator, double *out)
{
    if (*s == '\0')
        return false;
    g_autofree char *copy = g_strdup(s);
    if (separator == ';') {
        char *comma = strchr(copy, ',');
        if (comma && !strchr(copy, '.') && !strchr(comma + 1, ','))
            *comma = '.';
    }
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
    char separator;
    GHashTable *ids; /* id -> line (GINT_TO_POINTER) */
    GPtrArray *warnings;
} context;

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
        g_ptr_array_add(phones, phone);
    }
    g_ptr_array_add(phones, NULL);
    c->telephones = (char **)g_ptr_array_free(phones, FALSE);
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
    if (!*lat_s) {
        report_error(ctx->rep, line, "longitude « %s » sans latitude", lon_s);
        return;
    }
    if (!*lon_s) {
        report_error(ctx->rep, line, "latitude « %s » sans longitude", lat_s);
        return;
    }
    double lon = 0, lat = 0;
    bool ok = true;
    if (!parse_number(lon_s, ctx->separator, &lon)) {
        report_error(ctx->rep, line, "longitude « %s » n'est pas un nombre", lon_s);
        ok = false;
    } else if (lon < -180 || lon > 180) {
        report_error(ctx->rep, line, "longitude « %s » hors limites (de -180 à 180)", lon_s);
        ok = false;
    }
    if (!parse_number(lat_s, ctx->separator, &lat)) {
        report_error(ctx->rep, line, "latitude « %s » n'est pas un nombre", lat_s);
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
    if (dep) {
        checked = true;
        inside = feature_near(dep, lon, lat);
    } else if (ctx->regions && c->regions) {
        for (char **r = c->regions; *r && !inside; r++) {
            const crpv_feature *f = crpv_layer_find(ctx->regions, *r);
            if (f) {
                checked = true;
                inside = feature_near(f, lon, lat);
            }
        }
    }
    if (checked && !inside) {
        char lon_buf[G_ASCII_DTOSTR_BUF_SIZE], lat_buf[G_ASCII_DTOSTR_BUF_SIZE];
        report_error(ctx->rep, line, "coordonnées (%s, %s) hors du territoire « %s »",
                     g_ascii_formatd(lon_buf, sizeof lon_buf, "%.6g", lon),
                     g_ascii_formatd(lat_buf, sizeof lat_buf, "%.6g", lat),
                     c->territoire ? c->territoire : "");
    }
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

static void check_regions(context *ctx, int line, const char *value, crpv_centre *c)
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

static void check_departement(context *ctx, int line, const char *value, crpv_centre *c)
{
    char *code = normalize_code(value);
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

/* Validates one data row; appends the centre when it has no error. */
static void parse_row(context *ctx, const crpv_csv_row *row, const int *cols, GArray *centres)
{
    const int line = row->line;
    size_t errors_before = ctx->rep->errors->len;
    char *v[N_COLUMNS];
    for (int k = 0; k < N_COLUMNS; k++) {
        const char *raw =
            cols[k] >= 0 && (size_t)cols[k] < row->n_fields ? row->fields[cols[k]] : "";
        v[k] = g_strstrip(g_strdup(raw));
    }

    crpv_centre c = {.line = line};
    for (int k = 0; k < N_COLUMNS; k++) {
        if (column_required[k] && *v[k] == '\0')
            report_error(ctx->rep, line, "valeur obligatoire « %s » vide", column_names[k]);
        if (has_control(v[k], k != COL_TELEPHONE)) {
            report_error(ctx->rep, line, "valeur de « %s » avec un caractère de contrôle",
                         column_names[k]);
            /* Nothing more to check in it. */
            v[k][0] = '\0';
        }
    }

    if (*v[COL_ID]) {
        if (!is_slug(v[COL_ID]))
            report_error(ctx->rep, line,
                         "identifiant « %s » invalide (lettres minuscules, chiffres et tirets "
                         "seulement)",
                         v[COL_ID]);
        gpointer first = g_hash_table_lookup(ctx->ids, v[COL_ID]);
        if (first)
            report_error(ctx->rep, line, "identifiant « %s » en double (déjà ligne %d)", v[COL_ID],
                         GPOINTER_TO_INT(first));
        else
            g_hash_table_insert(ctx->ids, g_strdup(v[COL_ID]), GINT_TO_POINTER(line));
        c.id = g_strdup(v[COL_ID]);
    }
    c.nom = *v[COL_NOM] ? g_strdup(v[COL_NOM]) : NULL;
    c.ancien_nom = *v[COL_ANCIEN_NOM] ? g_strdup(v[COL_ANCIEN_NOM]) : NULL;
    c.territoire = *v[COL_TERRITOIRE] ? g_strdup(v[COL_TERRITOIRE]) : NULL;
    c.ville = *v[COL_VILLE] ? g_strdup(v[COL_VILLE]) : NULL;
    if (*v[COL_REGIONS])
        check_regions(ctx, line, v[COL_REGIONS], &c);
    if (*v[COL_DEPARTEMENT])
        check_departement(ctx, line, v[COL_DEPARTEMENT], &c);
    if (*v[COL_TELEPHONE])
        check_phones(ctx, line, v[COL_TELEPHONE], &c);
    else
        c.telephones = g_new0(char *, 1);
    if (*v[COL_SITE])
        check_site(ctx, line, v[COL_SITE], &c);
    if (*v[COL_COURRIEL])
        check_courriel(ctx, line, v[COL_COURRIEL], &c);
    check_coords(ctx, line, v[COL_LON], v[COL_LAT], &c);
    if (*v[COL_STATUT] && !check_statut(v[COL_STATUT], &c.statut))
        report_error(ctx->rep, line, "statut « %s » inconnu (attendu : actif ou prefiguration)",
                     v[COL_STATUT]);

    if (ctx->warnings && c.id) {
        if (!*v[COL_TELEPHONE])
            g_ptr_array_add(ctx->warnings,
                            g_strdup_printf("%s:%d: attention : centre « %s » sans téléphone",
                                            ctx->rep->filename, line, c.id));
        if (!*v[COL_SITE] && !*v[COL_COURRIEL])
            g_ptr_array_add(ctx->warnings,
                            g_strdup_printf("%s:%d: attention : centre « %s » sans site ni "
                                            "courriel",
                                            ctx->rep->filename, line, c.id));
    }

    for (int k = 0; k < N_COLUMNS; k++)
        g_free(v[k]);
    if (ctx->rep->errors->len == errors_before)
        g_array_append_val(centres, c);
    else
        centre_clear(&c);
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

/* Finds the columns by header name; reports the missing required ones. */
static bool read_header(report *rep, const crpv_csv_row *header, int *cols)
{
    for (int k = 0; k < N_COLUMNS; k++)
        cols[k] = -1;
    bool ok = true;
    for (size_t i = 0; i < header->n_fields; i++) {
        g_autofree char *name = g_utf8_strdown(header->fields[i], -1);
        g_strstrip(name);
        for (int k = 0; k < N_COLUMNS; k++) {
            if (!g_str_equal(name, column_names[k]))
                continue;
            if (cols[k] >= 0) {
                report_error(rep, header->line, "colonne « %s » en double", column_names[k]);
                ok = false;
            } else {
                cols[k] = (int)i;
            }
        }
    }
    for (int k = 0; k < N_COLUMNS; k++) {
        if (column_required[k] && cols[k] < 0) {
            report_error(rep, header->line, "colonne obligatoire « %s » absente", column_names[k]);
            ok = false;
        }
    }
    return ok;
}

crpv_directory *crpv_directory_parse(const char *data, size_t len, const char *filename,
                                     const crpv_layer *regions, const crpv_layer *departements,
                                     GPtrArray *warnings, GError **error)
{
    GError *csv_error = NULL;
    g_autoptr(crpv_csv) csv = crpv_csv_parse(data, len, filename, &csv_error);
    if (!csv) {
        /* One domain for every invalid directory. */
        g_set_error_literal(error, DIRECTORY_ERROR, 0, csv_error->message);
        g_error_free(csv_error);
        return NULL;
    }
    if (crpv_csv_n_rows(csv) == 0) {
        g_set_error(error, DIRECTORY_ERROR, 0, "%s:1: fichier vide (ligne d'en-tête attendue)",
                    filename);
        return NULL;
    }

    report rep = {.filename = filename, .errors = g_string_new(NULL)};
    int cols[N_COLUMNS];
    GArray *centres = g_array_new(FALSE, TRUE, sizeof(crpv_centre));
    g_array_set_clear_func(centres, centre_clear);
    if (read_header(&rep, crpv_csv_nth(csv, 0), cols)) {
        context ctx = {
            .rep = &rep,
            .regions = regions,
            .departements = departements,
            .separator = crpv_csv_separator(csv),
            .ids = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL),
            .warnings = warnings,
        };
        for (size_t i = 1; i < crpv_csv_n_rows(csv); i++) {
            const crpv_csv_row *row = crpv_csv_nth(csv, i);
            /* A blank row in the middle is a spreadsheet's spacing. */
            if (!row_is_blank(row))
                parse_row(&ctx, row, cols, centres);
        }
        g_hash_table_unref(ctx.ids);
        if (rep.errors->len == 0 && centres->len == 0)
            report_error(&rep, 1, "aucun centre dans le fichier");
    }
    if (rep.errors->len > 0) {
        g_set_error_literal(error, DIRECTORY_ERROR, 0, rep.errors->str);
        g_string_free(rep.errors, TRUE);
        g_array_unref(centres);
        return NULL;
    }
    g_string_free(rep.errors, TRUE);
    crpv_directory *dir = g_new0(crpv_directory, 1);
    dir->centres = centres;
    return dir;
}

crpv_directory *crpv_directory_load(const char *path, const crpv_layer *regions,
                                    const crpv_layer *departements, GPtrArray *warnings,
                                    GError **error)
{
    char *data = NULL;
    gsize len = 0;
    GError *err = NULL;
    if (!g_file_get_contents(path, &data, &len, &err)) {
        const char *why;
        switch (err->code) {
        case G_FILE_ERROR_NOENT:
            why = "fichier introuvable";
            break;
        case G_FILE_ERROR_ACCES:
        case G_FILE_ERROR_PERM:
            why = "accès refusé";
            break;
        case G_FILE_ERROR_ISDIR:
            why = "c'est un dossier, pas un fichier";
            break;
        default:
            why = "lecture impossible";
            break;
        }
        g_set_error(error, G_FILE_ERROR, err->code, "%s: %s", path, why);
        g_error_free(err);
        return NULL;
    }
    crpv_directory *dir =
        crpv_directory_parse(data, len, path, regions, departements, warnings, error);
    g_free(data);
    return dir;
}

void crpv_directory_free(crpv_directory *dir)
{
    if (!dir)
        return;
    g_array_unref(dir->centres);
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
    for (size_t i = 0; i < dir->centres->len; i++) {
        const crpv_centre *c = crpv_directory_nth(dir, i);
        st.centres++;
        if (c->statut == CRPV_STATUT_ACTIF)
            st.actifs++;
        else
            st.prefiguration++;
        bool overseas = false;
        for (char **r = c->regions; r && *r; r++) {
            if (crpv_region_is_overseas(*r))
                overseas = true;
            if (g_hash_table_add(seen, *r)) {
                st.regions++;
                if (crpv_region_is_overseas(*r))
                    st.regions_outremer++;
            }
        }
        if (overseas)
            st.outremer++;
    }
    return st;
}
