#include "output.h"

#include <cairo-pdf.h>
#include <cairo-svg.h>
#include <errno.h>
#include <limits.h>
#include <fcntl.h>
#include <glib/gstdio.h>
#include <png.h>
#include <pthread.h>
#include <signal.h>
#include <zlib.h>
#include <stdio.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include "pdfpost.h"
#include "render.h"

typedef struct {
    char *name;     /* final file name inside the directory */
    char *tmp_path; /* where it was written, until commit */
    size_t size;
} entry;

struct crpv_batch {
    char *dir;
    GArray *entries; /* of entry */
    bool committed;
    int lock_fd;     /* the output folder, open and flock()ed, or -1 */
};

/* ---- Temporary files and interruptions ----
 *
 * An interrupted run (Ctrl+C, a time-out's SIGTERM, a closed terminal)
 * must not leave its temporary files in the output folder. The signal
 * handler can only call async-signal-safe functions, so the paths of the
 * temporaries live in a fixed table it reads: each slot holds a path
 * (owned by its batch entry) or NULL. Slots change on the main thread
 * with those signals blocked; the render thread (jobs.c) blocks them, so
 * that the handler never runs while a slot is half-changed. A SIGKILL
 * cannot be caught: the next run removes what it left
 * (remove_stale_temporaries). */

#define MAX_TEMPORARIES 4096

static const char *volatile temporaries[MAX_TEMPORARIES];

static void on_fatal_signal(int sig)
{
    for (size_t i = 0; i < MAX_TEMPORARIES; i++) {
        const char *path = temporaries[i];
        if (path)
            unlink(path);
    }
    /* SA_RESETHAND put the default action back: the signal, raised again,
     * ends the process once this handler returns, with the status a
     * caller expects of it. */
    raise(sig);
}

static const int caught_signals[] = {SIGINT, SIGTERM, SIGHUP};

/* Installs the handler for the signals whose action is still the default
 * (one that the caller ignores, as nohup does, stays ignored; watch mode's
 * own handlers stay). */
static void install_handlers(void)
{
    for (size_t i = 0; i < G_N_ELEMENTS(caught_signals); i++) {
        struct sigaction old;
        if (sigaction(caught_signals[i], NULL, &old) != 0 || old.sa_handler != SIG_DFL ||
            (old.sa_flags & SA_SIGINFO))
            continue;
        struct sigaction sa = {0};
        sa.sa_handler = on_fatal_signal;
        sa.sa_flags = SA_RESETHAND;
        sigemptyset(&sa.sa_mask);
        sigaction(caught_signals[i], &sa, NULL);
    }
}

void crpv_output_block_signals(bool block, sigset_t *saved)
{
    if (block) {
        sigset_t set;
        sigemptyset(&set);
        for (size_t i = 0; i < G_N_ELEMENTS(caught_signals); i++)
            sigaddset(&set, caught_signals[i]);
        pthread_sigmask(SIG_BLOCK, &set, saved);
    } else {
        pthread_sigmask(SIG_SETMASK, saved, NULL);
    }
}

/* Records PATH (borrowed until forget_temporary) for the handler. */
static void remember_temporary(const char *path)
{
    for (size_t i = 0; i < MAX_TEMPORARIES; i++) {
        if (!temporaries[i]) {
            temporaries[i] = path;
            return;
        }
    }
    /* Table full (thousands of outputs): that file is still removed by
     * crpv_batch_free or by the next run. */
}

static void forget_temporary(const char *path)
{
    for (size_t i = 0; i < MAX_TEMPORARIES; i++) {
        if (temporaries[i] == path) {
            temporaries[i] = NULL;
            return;
        }
    }
}

/* True when NAME is a temporary file that crpv_batch_add_bytes makes:
 * ".carte.svg.Ab3dE9", ".brochure-1.png.x8YzQ2", ".edition.ini.k2L0pA". */
static bool is_own_temporary(const char *name)
{
    static const char *const stems[] = {".carte", ".brochure", ".edition"};
    static const char *const exts[] = {".png.", ".svg.", ".pdf.", ".html.", ".ini."};
    size_t n = strlen(name);
    if (n < 8 || name[n - 7] != '.')
        return false;
    for (size_t i = n - 6; i < n; i++)
        if (!g_ascii_isalnum(name[i]))
            return false;
    bool stem = false;
    for (size_t i = 0; i < G_N_ELEMENTS(stems) && !stem; i++)
        stem = g_str_has_prefix(name, stems[i]);
    if (!stem || strchr(name, '/'))
        return false;
    g_autofree char *head = g_strndup(name, n - 6); /* ".carte.svg." */
    for (size_t i = 0; i < G_N_ELEMENTS(exts); i++)
        if (g_str_has_suffix(head, exts[i]))
            return true;
    return false;
}

/* Removes the temporaries a killed run left in DIR. Called with DIR
 * locked, so that none of them belongs to a run still going. */
static void remove_stale_temporaries(const char *dir)
{
    GDir *d = g_dir_open(dir, 0, NULL);
    if (!d)
        return;
    const char *name;
    while ((name = g_dir_read_name(d))) {
        if (!is_own_temporary(name))
            continue;
        g_autofree char *path = g_build_filename(dir, name, NULL);
        GStatBuf st;
        if (g_lstat(path, &st) == 0 && S_ISREG(st.st_mode))
            g_unlink(path);
    }
    g_dir_close(d);
}

/* Opens DIR and takes its advisory lock, waiting for another run that
 * writes there to finish. Returns the descriptor, or -1 where the file
 * system has no locks (the batch then works as before, unlocked). */
static int lock_directory(const char *dir)
{
    int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd < 0)
        return -1;
    while (flock(fd, LOCK_EX) != 0) {
        if (errno != EINTR) {
            close(fd);
            return -1;
        }
    }
    return fd;
}

crpv_batch *crpv_batch_new(const char *out_dir, GError **error)
{
    if (g_mkdir_with_parents(out_dir, 0755) != 0) {
        int e = errno;
        g_set_error(error, G_FILE_ERROR, g_file_error_from_errno(e),
                    "%s : impossible de créer le dossier de sortie : %s", out_dir, g_strerror(e));
        return NULL;
    }
    install_handlers();
    crpv_batch *b = g_new0(crpv_batch, 1);
    b->dir = g_strdup(out_dir);
    b->entries = g_array_new(FALSE, TRUE, sizeof(entry));
    /* One run at a time writes into a folder, so that two builds never
     * interleave their files and the stale temporaries found are no live
     * run's. */
    b->lock_fd = lock_directory(out_dir);
    if (b->lock_fd >= 0)
        remove_stale_temporaries(out_dir);
    return b;
}

void crpv_batch_free(crpv_batch *b)
{
    if (!b)
        return;
    sigset_t saved;
    crpv_output_block_signals(true, &saved);
    for (guint i = 0; i < b->entries->len; i++) {
        entry *e = &g_array_index(b->entries, entry, i);
        if (!b->committed && e->tmp_path)
            g_unlink(e->tmp_path);
        if (e->tmp_path)
            forget_temporary(e->tmp_path);
        g_free(e->name);
        g_free(e->tmp_path);
    }
    crpv_output_block_signals(false, &saved);
    g_array_free(b->entries, TRUE);
    if (b->lock_fd >= 0)
        close(b->lock_fd); /* releases the lock */
    g_free(b->dir);
    g_free(b);
}

static bool io_error(GError **error, const char *path, int err)
{
    g_set_error(error, G_FILE_ERROR, g_file_error_from_errno(err), "%s : écriture impossible : %s",
                path, g_strerror(err));
    return false;
}

bool crpv_batch_add_bytes(crpv_batch *b, const char *name, const void *data, size_t len,
                          GError **error)
{
    g_autofree char *final = g_build_filename(b->dir, name, NULL);
    /* Owned by the batch's entry from here on, and known to the signal
     * handler from the moment the file exists. */
    char *tmpl = g_strdup_printf("%s/.%s.XXXXXX", b->dir, name);
    sigset_t saved;
    crpv_output_block_signals(true, &saved);
    int fd = g_mkstemp_full(tmpl, O_WRONLY, 0644);
    int mkstemp_errno = errno;
    entry *e = NULL;
    if (fd >= 0) {
        /* Replacing a file of the same name in this batch: drop the older one. */
        for (guint i = 0; i < b->entries->len && !e; i++) {
            entry *old = &g_array_index(b->entries, entry, i);
            if (strcmp(old->name, name) == 0) {
                g_unlink(old->tmp_path);
                forget_temporary(old->tmp_path);
                g_free(old->tmp_path);
                e = old;
            }
        }
        if (!e) {
            g_array_append_val(b->entries, ((entry){g_strdup(name), NULL, 0}));
            e = &g_array_index(b->entries, entry, b->entries->len - 1);
        }
        e->tmp_path = tmpl;
        e->size = len;
        remember_temporary(tmpl);
    }
    crpv_output_block_signals(false, &saved);
    if (fd < 0) {
        g_free(tmpl);
        return io_error(error, final, mkstemp_errno);
    }
    const char *p = data;
    size_t left = len;
    while (left > 0) {
        ssize_t w = write(fd, p, left);
        if (w < 0 && errno == EINTR)
            continue;
        if (w <= 0) {
            int err = w < 0 ? errno : ENOSPC;
            close(fd);
            return io_error(error, final, err); /* the entry's file goes with the batch */
        }
        p += w;
        left -= (size_t)w;
    }
    /* No fsync: the rename is what keeps a failed run from touching the
     * previous file, and syncing every output would triple a build's
     * time for a power cut's sake. */
    if (close(fd) != 0)
        return io_error(error, final, errno);
    return true;
}

static cairo_status_t append_bytes(void *closure, const unsigned char *data, unsigned int len)
{
    g_byte_array_append(closure, data, len);
    return CAIRO_STATUS_SUCCESS;
}

static bool cairo_failed(GError **error, const char *name, cairo_status_t status)
{
    g_set_error(error, G_FILE_ERROR, G_FILE_ERROR_FAILED, "%s : erreur de rendu : %s", name,
                cairo_status_to_string(status));
    return false;
}

/* Finishes SURFACE, whose stream goes to BYTES; returns BYTES, or frees
 * it and returns NULL with ERROR set. */
static GByteArray *finish_surface(const char *name, cairo_surface_t *surface, GByteArray *bytes,
                                  GError **error)
{
    cairo_surface_finish(surface);
    cairo_status_t status = cairo_surface_status(surface);
    cairo_surface_destroy(surface);
    if (status != CAIRO_STATUS_SUCCESS) {
        g_byte_array_free(bytes, TRUE);
        cairo_failed(error, name, status);
        return NULL;
    }
    return bytes;
}

static void iso_date(time_t t, char buf[32])
{
    struct tm tm;
    gmtime_r(&t, &tm);
    strftime(buf, 32, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

static void add_outlines(cairo_surface_t *surface, const crpv_scene *scene, int page,
                         int parents[8])
{
    for (size_t i = 0; i < crpv_scene_count(scene); i++) {
        const crpv_item *item = crpv_scene_nth(scene, i);
        if (item->kind != CRPV_ITEM_OUTLINE || !item->text)
            continue;
        int level = CLAMP(item->level, 1, 7);
        g_autofree char *dest =
            g_strdup_printf("page=%d pos=[%.1f %.1f]", page, item->box.x0, item->box.y0);
        int parent = level > 1 ? parents[level - 1] : CAIRO_PDF_OUTLINE_ROOT;
        parents[level] =
            cairo_pdf_surface_add_outline(surface, parent, item->text, dest,
                                          CAIRO_PDF_OUTLINE_FLAG_OPEN);
        for (int l = level + 1; l < 8; l++)
            parents[l] = parents[level];
    }
}

/* What Cairo 1.16 cannot write, added through qpdf: the page boxes for
 * print, and what readers need (language, title, metadata, the map's
 * alternative text, link descriptions). */
static bool untagged(const crpv_scene *const *pages, size_t n);

/* Who each link leads to, for its description (the map's: its centre). */
static void name_links(crpv_pdfdoc *doc, const crpv_scene *const *pages, size_t n)
{
    for (size_t p = 0; p < n; p++)
        for (size_t i = 0; i < crpv_scene_count(pages[p]); i++) {
            const crpv_item *it = crpv_scene_nth(pages[p], i);
            if (it->uri && it->link_name)
                crpv_pdfdoc_name_link(doc, it->uri, it->link_name);
        }
}

static GByteArray *finish_pdf(const char *name, GByteArray *bytes,
                              const crpv_scene *const *pages, size_t n,
                              const crpv_pdf_info *info, GError **error)
{
    g_autoptr(crpv_pdfdoc) doc = crpv_pdfdoc_open(bytes->data, bytes->len, name, error);
    g_byte_array_free(bytes, TRUE);
    if (!doc)
        return NULL;
    for (size_t i = 0; i < n && i < crpv_pdfdoc_page_count(doc); i++) {
        crpv_rect trim, bleed;
        if (!crpv_scene_get_trim(pages[i], &trim, &bleed))
            continue;
        double h = crpv_scene_height(pages[i]);
        crpv_pdfdoc_set_boxes(doc, i, (crpv_rect){trim.x0, h - trim.y1, trim.x1, h - trim.y0},
                              (crpv_rect){bleed.x0, h - bleed.y1, bleed.x1, h - bleed.y0});
    }
    if (info) {
        crpv_pdfdoc_meta meta = {info->title,    info->subject, info->author,
                                 info->keywords, info->creator, info->date};
        crpv_pdfdoc_set_meta(doc, &meta);
        name_links(doc, pages, n);
        crpv_pdfdoc_make_accessible(doc, "fr-FR", info->figure_alt);
        crpv_pdfdoc_mark_untagged(doc, info->figure_alt && untagged(pages, n));
    }
    return crpv_pdfdoc_write(doc, error);
}

/* True when no page of the document opens a structure element. */
static bool untagged(const crpv_scene *const *pages, size_t n)
{
    for (size_t p = 0; p < n; p++)
        for (size_t i = 0; i < crpv_scene_count(pages[p]); i++)
            if (crpv_scene_nth(pages[p], i)->kind == CRPV_ITEM_TAG_BEGIN)
                return false;
    return true;
}

GByteArray *crpv_output_pdf(const char *name, const crpv_scene *const *pages, size_t n,
                            PangoContext *ctx, const crpv_pdf_info *info, GError **error)
{
    g_return_val_if_fail(n > 0, NULL);
    GByteArray *bytes = g_byte_array_new();
    cairo_surface_t *surface = cairo_pdf_surface_create_for_stream(
        append_bytes, bytes, crpv_scene_width(pages[0]), crpv_scene_height(pages[0]));
    cairo_pdf_surface_restrict_to_version(surface, CAIRO_PDF_VERSION_1_5);
    if (info) {
        char date[32];
        iso_date(info->date, date);
        const struct {
            cairo_pdf_metadata_t key;
            const char *value;
        } meta[] = {
            {CAIRO_PDF_METADATA_TITLE, info->title},
            {CAIRO_PDF_METADATA_SUBJECT, info->subject},
            {CAIRO_PDF_METADATA_AUTHOR, info->author},
            {CAIRO_PDF_METADATA_KEYWORDS, info->keywords},
            {CAIRO_PDF_METADATA_CREATOR, info->creator},
            {CAIRO_PDF_METADATA_CREATE_DATE, date},
            {CAIRO_PDF_METADATA_MOD_DATE, date},
        };
        for (size_t i = 0; i < G_N_ELEMENTS(meta); i++)
            if (meta[i].value)
                cairo_pdf_surface_set_metadata(surface, meta[i].key, meta[i].value);
    }
    int parents[8] = {0};
    /* A document its scenes do not tag (the map alone) is one figure, so
     * that a reader is told what it shows. */
    bool structured = !untagged(pages, n);
    bool figure = info && info->figure_alt && !structured;
    for (size_t p = 0; p < n; p++) {
        cairo_pdf_surface_set_size(surface, crpv_scene_width(pages[p]),
                                   crpv_scene_height(pages[p]));
        cairo_t *cr = cairo_create(surface);
        /* One Document element holds every page's structure, when the
         * pages have one, or the figure. */
        if (p == 0 && (structured || figure))
            cairo_tag_begin(cr, "Document", "");
        if (figure) {
            /* Readers skip a figure's children, its /Alt standing for it:
             * the map's links follow it, one per centre, so that what Tab
             * reaches is read too. */
            cairo_tag_begin(cr, "Figure", "");
            crpv_render_scene_unlinked(cr, pages[p], ctx);
            cairo_tag_end(cr, "Figure");
            crpv_render_links(cr, pages[p]);
        } else {
            crpv_render_scene(cr, pages[p], ctx);
        }
        if (p + 1 == n && (structured || figure))
            cairo_tag_end(cr, "Document");
        add_outlines(surface, pages[p], (int)p + 1, parents);
        cairo_show_page(cr);
        cairo_status_t status = cairo_status(cr);
        cairo_destroy(cr);
        if (status != CAIRO_STATUS_SUCCESS) {
            cairo_surface_destroy(surface);
            g_byte_array_free(bytes, TRUE);
            cairo_failed(error, name, status);
            return NULL;
        }
    }
    bytes = finish_surface(name, surface, bytes, error);
    return bytes ? finish_pdf(name, bytes, pages, n, info, error) : NULL;
}

/* Cairo names an SVG's root group after a counter of every surface the
 * process created ("surface702"), which depends on what other threads
 * drew first: number them in order of appearance instead, so that the
 * same page gives the same bytes. */
static GByteArray *renumber_surfaces(GByteArray *bytes)
{
    GByteArray *out = g_byte_array_sized_new(bytes->len);
    GHashTable *ids = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
    static const char key[] = "surface";
    const size_t klen = sizeof key - 1;
    size_t i = 0;
    while (i < bytes->len) {
        const guint8 *p = bytes->data + i;
        size_t digits = 0;
        if (bytes->len - i > klen && memcmp(p, key, klen) == 0)
            while (i + klen + digits < bytes->len && g_ascii_isdigit(p[klen + digits]))
                digits++;
        if (!digits) {
            g_byte_array_append(out, p, 1);
            i++;
            continue;
        }
        g_autofree char *old = g_strndup((const char *)p + klen, digits);
        gpointer n = g_hash_table_lookup(ids, old);
        if (!n) {
            n = GUINT_TO_POINTER(g_hash_table_size(ids) + 1);
            g_hash_table_insert(ids, g_steal_pointer(&old), n);
        }
        char id[32];
        int len = g_snprintf(id, sizeof id, "surface%u", GPOINTER_TO_UINT(n));
        g_byte_array_append(out, (const guint8 *)id, (guint)len);
        i += klen + digits;
    }
    g_hash_table_destroy(ids);
    g_byte_array_free(bytes, TRUE);
    return out;
}

GByteArray *crpv_output_svg(const char *name, const crpv_scene *scene, PangoContext *ctx,
                            GError **error)
{
    GByteArray *bytes = g_byte_array_new();
    cairo_surface_t *surface = cairo_svg_surface_create_for_stream(
        append_bytes, bytes, crpv_scene_width(scene), crpv_scene_height(scene));
    cairo_svg_surface_set_document_unit(surface, CAIRO_SVG_UNIT_PT);
    cairo_t *cr = cairo_create(surface);
    crpv_render_scene(cr, scene, ctx);
    cairo_status_t status = cairo_status(cr);
    cairo_destroy(cr);
    if (status != CAIRO_STATUS_SUCCESS) {
        cairo_surface_destroy(surface);
        g_byte_array_free(bytes, TRUE);
        cairo_failed(error, name, status);
        return NULL;
    }
    bytes = finish_surface(name, surface, bytes, error);
    return bytes ? renumber_surfaces(bytes) : NULL;
}

static void png_append(png_structp png, png_bytep data, size_t len)
{
    g_byte_array_append(png_get_io_ptr(png), data, (guint)len);
}

static void png_flush(png_structp png)
{
    (void)png;
}

/* An indexed PNG of the opaque image SURFACE. A map is a few flat colours
 * and their anti-aliased edges: colours are counted in 15-bit buckets, the
 * 256 most frequent buckets become the palette (each its most frequent
 * colour, so that a flat fill keeps its exact colour) and every other
 * bucket takes its nearest entry. The result is a third of Cairo's RGB
 * PNG and several times faster to compress. NULL on a libpng failure. */
static GByteArray *encode_png(cairo_surface_t *surface)
{
    int w = cairo_image_surface_get_width(surface), h = cairo_image_surface_get_height(surface);
    int stride = cairo_image_surface_get_stride(surface);
    const unsigned char *data = cairo_image_surface_get_data(surface);
    enum { BUCKETS = 1 << 15 };
    /* Per bucket, its count and its colour; the tables stay small enough
     * for the cache. */
    guint32 *count = g_new0(guint32, BUCKETS);
    guint32 *colour = g_new(guint32, BUCKETS);
    /* Each bucket's colour is its most frequent one (Boyer-Moore's
     * majority vote): an anti-aliased pixel seen first must not stand for
     * a whole flat fill of its bucket (a pink edge for a near-white fill). */
    guint32 *votes = g_new0(guint32, BUCKETS);
    for (int y = 0; y < h; y++) {
        const uint32_t *row = (const uint32_t *)(data + (size_t)y * stride);
        for (int x = 0; x < w; x++) {
            uint32_t p = row[x];
            unsigned k = ((p >> 19) & 0x1f) << 10 | ((p >> 11) & 0x1f) << 5 | ((p >> 3) & 0x1f);
            count[k]++;
            if (votes[k] == 0) {
                colour[k] = p;
                votes[k] = 1;
            } else if (colour[k] == p) {
                votes[k]++;
            } else {
                votes[k]--;
            }
        }
    }
    g_free(votes);
    /* The most frequent buckets, ties broken by bucket number. */
    int *order = g_new(int, BUCKETS);
    int used = 0;
    for (int k = 0; k < BUCKETS; k++)
        if (count[k])
            order[used++] = k;
    for (int i = 1; i < used; i++) { /* insertion sort: few buckets are used */
        int k = order[i], j = i - 1;
        while (j >= 0 && (count[order[j]] < count[k] ||
                          (count[order[j]] == count[k] && order[j] > k))) {
            order[j + 1] = order[j];
            j--;
        }
        order[j + 1] = k;
    }
    int n_pal = MIN(used, 256);
    png_color pal[256];
    for (int i = 0; i < n_pal; i++) {
        guint32 c = colour[order[i]];
        pal[i].red = (png_byte)(c >> 16);
        pal[i].green = (png_byte)(c >> 8);
        pal[i].blue = (png_byte)c;
    }
    unsigned char *index = g_new0(unsigned char, BUCKETS);
    for (int i = 0; i < used; i++) {
        int k = order[i];
        if (i < n_pal) {
            index[k] = (unsigned char)i;
            continue;
        }
        guint32 c = colour[k];
        int r = (int)((c >> 16) & 0xff), g = (int)((c >> 8) & 0xff), bl = (int)(c & 0xff);
        int best = 0, best_d = INT_MAX;
        for (int j = 0; j < n_pal; j++) {
            int dr = r - pal[j].red, dg = g - pal[j].green, db = bl - pal[j].blue;
            int d = 3 * dr * dr + 4 * dg * dg + 2 * db * db;
            if (d < best_d) {
                best_d = d;
                best = j;
            }
        }
        index[k] = (unsigned char)best;
    }
    g_free(order);
    g_free(colour);
    g_free(count);

    GByteArray *out = g_byte_array_new();
    unsigned char *line = g_new(unsigned char, (size_t)w);
    png_structp png = png_create_write_struct(PNG_LIBPNG_VER_STRING, NULL, NULL, NULL);
    png_infop info = png ? png_create_info_struct(png) : NULL;
    if (!png || !info || setjmp(png_jmpbuf(png))) {
        png_destroy_write_struct(&png, &info);
        g_free(line);
        g_free(index);
        g_byte_array_free(out, TRUE);
        return NULL;
    }
    png_set_write_fn(png, out, png_append, png_flush);
    png_set_IHDR(png, info, (png_uint_32)w, (png_uint_32)h, 8, PNG_COLOR_TYPE_PALETTE,
                 PNG_INTERLACE_NONE, PNG_COMPRESSION_TYPE_DEFAULT, PNG_FILTER_TYPE_DEFAULT);
    png_set_PLTE(png, info, pal, n_pal);
    /* Indexed rows compress best unfiltered. */
    png_set_filter(png, PNG_FILTER_TYPE_BASE, PNG_FILTER_NONE);
    png_set_compression_level(png, 1);
    png_set_compression_strategy(png, Z_RLE);
    png_write_info(png, info);
    for (int y = 0; y < h; y++) {
        const uint32_t *row = (const uint32_t *)(data + (size_t)y * stride);
        for (int x = 0; x < w; x++) {
            uint32_t p = row[x];
            line[x] = index[((p >> 19) & 0x1f) << 10 | ((p >> 11) & 0x1f) << 5 | ((p >> 3) & 0x1f)];
        }
        png_write_row(png, line);
    }
    png_write_end(png, info);
    png_destroy_write_struct(&png, &info);
    g_free(line);
    g_free(index);
    return out;
}

void crpv_output_png_size(const crpv_scene *scene, double scale, int *width, int *height)
{
    *width = (int)(crpv_scene_width(scene) * scale + 0.5);
    *height = (int)(crpv_scene_height(scene) * scale + 0.5);
}

GByteArray *crpv_output_png(const char *name, const crpv_scene *scene, PangoContext *ctx,
                            double scale, int *width, int *height, GError **error)
{
    return crpv_output_png_density(name, scene, ctx, scale, 1, width, height, error);
}

GByteArray *crpv_output_png_density(const char *name, const crpv_scene *scene, PangoContext *ctx,
                                    double scale, int density, int *width, int *height,
                                    GError **error)
{
    int w = 0, h = 0;
    crpv_output_png_size(scene, scale, &w, &h);
    w *= density;
    h *= density;
    if (w <= 0 || h <= 0 || w > 30000 || h > 30000) {
        g_set_error(error, G_FILE_ERROR, G_FILE_ERROR_INVAL,
                    "%s : taille d’image impossible (%d × %d pixels)", name, w, h);
        return NULL;
    }
    /* RGB24: an opaque white image compresses better and shows the same
     * everywhere. */
    cairo_surface_t *surface = cairo_image_surface_create(CAIRO_FORMAT_RGB24, w, h);
    cairo_t *cr = cairo_create(surface);
    cairo_set_source_rgb(cr, 1, 1, 1);
    cairo_paint(cr);
    cairo_scale(cr, (double)w / crpv_scene_width(scene), (double)h / crpv_scene_height(scene));
    crpv_render_scene(cr, scene, ctx);
    cairo_status_t status = cairo_status(cr);
    cairo_destroy(cr);
    if (status != CAIRO_STATUS_SUCCESS) {
        cairo_surface_destroy(surface);
        cairo_failed(error, name, status);
        return NULL;
    }
    cairo_surface_flush(surface);
    GByteArray *bytes = encode_png(surface);
    cairo_surface_destroy(surface);
    if (!bytes) {
        cairo_failed(error, name, CAIRO_STATUS_WRITE_ERROR);
        return NULL;
    }
    if (width)
        *width = w;
    if (height)
        *height = h;
    return bytes;
}

bool crpv_batch_commit(crpv_batch *b, GError **error)
{
    /* An interruption waits for the renames to end (a few system calls):
     * the folder then holds one run's files, never a mix of two. */
    sigset_t saved;
    crpv_output_block_signals(true, &saved);
    for (guint i = 0; i < b->entries->len; i++) {
        entry *e = &g_array_index(b->entries, entry, i);
        g_autofree char *final = g_build_filename(b->dir, e->name, NULL);
        if (g_rename(e->tmp_path, final) != 0) {
            int err = errno;
            crpv_output_block_signals(false, &saved);
            /* Files renamed so far are complete and new; the rest stay as
             * temporaries until crpv_batch_free removes them. */
            g_set_error(error, G_FILE_ERROR, g_file_error_from_errno(err),
                        "%s : impossible de remplacer le fichier : %s", final, g_strerror(err));
            return false;
        }
        forget_temporary(e->tmp_path);
        g_clear_pointer(&e->tmp_path, g_free);
    }
    b->committed = true;
    crpv_output_block_signals(false, &saved);
    return true;
}

size_t crpv_batch_count(const crpv_batch *b)
{
    return b->entries->len;
}

const char *crpv_batch_name(const crpv_batch *b, size_t i)
{
    return g_array_index(b->entries, entry, i).name;
}

size_t crpv_batch_size(const crpv_batch *b, size_t i)
{
    return g_array_index(b->entries, entry, i).size;
}

time_t crpv_output_date(const char *const *paths)
{
    const char *epoch = g_getenv("SOURCE_DATE_EPOCH");
    if (epoch && *epoch) {
        char *end = NULL;
        gint64 v = g_ascii_strtoll(epoch, &end, 10);
        if (end && !*end && v >= 0)
            return (time_t)v;
    }
    time_t newest = 0;
    for (const char *const *p = paths; p && *p; p++) {
        GStatBuf st;
        if (g_stat(*p, &st) == 0 && st.st_mtime > newest)
            newest = st.st_mtime;
    }
    return newest;
}
