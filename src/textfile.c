/* textfile: bounded reads, and encodings decided line by line. */
#include "textfile.h"

#include <errno.h>
#include <glib/gstdio.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

/* Lines converted beyond this many are counted, not named one by one. */
#define MAX_NAMED_LINES 5

/* A converted line is quoted in its warning up to this many characters. */
#define QUOTE_CHARS 50

GQuark crpv_textfile_error_quark(void)
{
    return g_quark_from_static_string("crpv-textfile-error");
}

char *crpv_textfile_size_label(size_t bytes)
{
    if (bytes >= (1u << 20) && bytes % (1u << 20) == 0)
        return g_strdup_printf("%zu Mo", bytes >> 20);
    if (bytes >= 1024 && bytes % 1024 == 0)
        return g_strdup_printf("%zu Ko", bytes >> 10);
    return g_strdup_printf("%zu octets", bytes);
}

static bool too_large(const char *name, size_t size, size_t max_bytes, GError **error)
{
    g_autofree char *limit = crpv_textfile_size_label(max_bytes);
    if (size == SIZE_MAX)
        g_set_error(error, CRPV_TEXTFILE_ERROR, 0,
                    "%s: fichier trop gros (plus de %s, la limite de crpv pour ce fichier)", name,
                    limit);
    else {
        g_autofree char *mb = g_strdup_printf("%.1f", (double)size / (1 << 20));
        g_set_error(error, CRPV_TEXTFILE_ERROR, 0,
                    "%s: fichier trop gros (%s Mo, la limite de crpv pour ce fichier est %s)", name,
                    g_strdelimit(mb, ".", ','), limit);
    }
    return false;
}

/* Reads standard input, at most MAX_BYTES of it. */
static bool read_stdin(size_t max_bytes, char **data, size_t *len, GError **error)
{
    const char *name = "(entrée standard)";
    GString *buf = g_string_new(NULL);
    char chunk[65536];
    size_t n;
    while ((n = fread(chunk, 1, sizeof chunk, stdin)) > 0) {
        if (buf->len + n > max_bytes) {
            g_string_free(buf, TRUE);
            return too_large(name, SIZE_MAX, max_bytes, error);
        }
        g_string_append_len(buf, chunk, (gssize)n);
    }
    if (ferror(stdin)) {
        g_set_error(error, G_FILE_ERROR, G_FILE_ERROR_IO, "%s: lecture impossible", name);
        g_string_free(buf, TRUE);
        return false;
    }
    *len = buf->len;
    *data = g_string_free(buf, FALSE);
    return true;
}

static const char *why_unreadable(int code)
{
    switch (code) {
    case G_FILE_ERROR_NOENT:
        return "fichier introuvable";
    case G_FILE_ERROR_ACCES:
    case G_FILE_ERROR_PERM:
        return "accès refusé";
    case G_FILE_ERROR_ISDIR:
        return "c’est un dossier, pas un fichier";
    default:
        return "lecture impossible";
    }
}

bool crpv_textfile_read(const char *path, size_t max_bytes, char **data, size_t *len,
                        GError **error)
{
    *data = NULL;
    *len = 0;
    if (g_str_equal(path, "-"))
        return read_stdin(max_bytes, data, len, error);
    GStatBuf st;
    if (g_stat(path, &st) != 0) {
        int code = g_file_error_from_errno(errno);
        g_set_error(error, G_FILE_ERROR, code, "%s: %s", path, why_unreadable(code));
        return false;
    }
    if (S_ISDIR(st.st_mode)) {
        g_set_error(error, G_FILE_ERROR, G_FILE_ERROR_ISDIR, "%s: %s", path,
                    why_unreadable(G_FILE_ERROR_ISDIR));
        return false;
    }
    /* A device or a pipe may never end: /dev/urandom would be read until
     * memory runs out. */
    if (!S_ISREG(st.st_mode)) {
        g_set_error(error, CRPV_TEXTFILE_ERROR, 0,
                    "%s: ce n’est pas un fichier ordinaire (périphérique, tube ?) : crpv ne lit "
                    "que des fichiers",
                    path);
        return false;
    }
    if ((guint64)st.st_size > max_bytes)
        return too_large(path, (size_t)st.st_size, max_bytes, error);
    GError *local = NULL;
    gsize n = 0;
    if (!g_file_get_contents(path, data, &n, &local)) {
        g_set_error(error, G_FILE_ERROR, local->code, "%s: %s", path, why_unreadable(local->code));
        g_error_free(local);
        return false;
    }
    /* The file grew between the two looks. */
    if (n > max_bytes) {
        g_clear_pointer(data, g_free);
        return too_large(path, n, max_bytes, error);
    }
    *len = n;
    return true;
}

/* The end of the line starting at P (before END): just past its line end
 * (LF, CRLF or a lone CR), or END. */
static const char *line_end(const char *p, const char *end)
{
    for (; p < end; p++) {
        if (*p == '\n')
            return p + 1;
        if (*p == '\r')
            return p + 1 < end && p[1] == '\n' ? p + 2 : p + 1;
    }
    return end;
}

bool crpv_textfile_has_utf8_line(const char *data, size_t len)
{
    const char *end = data + len;
    for (const char *p = data; p < end;) {
        const char *next = line_end(p, end);
        bool high = false;
        for (const char *q = p; q < next && !high; q++)
            high = (unsigned char)*q >= 0x80;
        if (high && g_utf8_validate_len(p, (gsize)(next - p), NULL))
            return true;
        p = next;
    }
    return false;
}

/* LINE (LEN bytes) without its line end, shortened for a message. */
static char *quote_line(const char *line, size_t len)
{
    while (len > 0 && (line[len - 1] == '\n' || line[len - 1] == '\r'))
        len--;
    if (g_utf8_strlen(line, (gssize)len) <= QUOTE_CHARS)
        return g_strndup(line, len);
    const char *cut = g_utf8_offset_to_pointer(line, QUOTE_CHARS);
    g_autofree char *head = g_strndup(line, (gsize)(cut - line));
    return g_strconcat(head, "…", NULL);
}

char *crpv_textfile_decode_lines(const char *data, size_t len, const char *filename,
                                 GPtrArray *warnings, size_t *converted, GError **error)
{
    GString *out = g_string_sized_new(len + len / 8 + 1);
    const char *end = data + len;
    size_t n_converted = 0;
    int line = 1;
    for (const char *p = data; p < end; line++) {
        const char *next = line_end(p, end);
        size_t n = (size_t)(next - p);
        const char *nul = memchr(p, '\0', n);
        if (nul) {
            g_set_error(error, CRPV_TEXTFILE_ERROR, 0,
                        "%s:%d: caractère nul dans le fichier (fichier binaire ?)", filename, line);
            g_string_free(out, TRUE);
            return NULL;
        }
        if (g_utf8_validate_len(p, n, NULL)) {
            g_string_append_len(out, p, (gssize)n);
            p = next;
            continue;
        }
        gsize read = 0;
        char *win = g_convert(p, (gssize)n, "UTF-8", "WINDOWS-1252", &read, NULL, NULL);
        if (!win) {
            g_set_error(error, CRPV_TEXTFILE_ERROR, 0,
                        "%s:%d: octet 0x%02X illisible (la ligne n’est ni en UTF-8, ni en "
                        "Windows-1252)",
                        filename, line, read < n ? (unsigned char)p[read] : 0);
            g_string_free(out, TRUE);
            return NULL;
        }
        n_converted++;
        if (warnings && n_converted <= MAX_NAMED_LINES) {
            g_autofree char *shown = quote_line(win, strlen(win));
            g_ptr_array_add(warnings,
                            g_strdup_printf("%s:%d: attention : ligne qui n’est pas en UTF-8 "
                                            "comme le reste du fichier, lue en Windows-1252 : "
                                            "« %s » (vérifiez ses accents, puis enregistrez le "
                                            "fichier en UTF-8)",
                                            filename, line, shown));
        }
        g_string_append(out, win);
        g_free(win);
        p = next;
    }
    if (warnings && n_converted > MAX_NAMED_LINES)
        g_ptr_array_add(warnings, g_strdup_printf("%s: attention : et %zu autres lignes lues en "
                                                  "Windows-1252",
                                                  filename, n_converted - MAX_NAMED_LINES));
    if (converted)
        *converted = n_converted;
    return g_string_free(out, FALSE);
}
