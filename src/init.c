#include "init.h"

#include <errno.h>
#include <glib/gstdio.h>
#include <string.h>

static int compare_strings(gconstpointer a, gconstpointer b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* Appends to FILES the paths of the regular files under ROOT/REL,
 * relative to ROOT, in name order so that the listing is stable. */
static bool list_tree(const char *root, const char *rel, GPtrArray *files, GError **error)
{
    g_autofree char *dir = g_build_filename(root, rel, NULL);
    GError *local = NULL;
    GDir *d = g_dir_open(dir, 0, &local);
    if (!d) {
        g_set_error(error, G_FILE_ERROR, local->code, "%s : modèles illisibles (%s)", dir,
                    local->message);
        g_error_free(local);
        return false;
    }
    GPtrArray *names = g_ptr_array_new_with_free_func(g_free);
    const char *name;
    while ((name = g_dir_read_name(d)))
        g_ptr_array_add(names, g_strdup(name));
    g_dir_close(d);
    g_ptr_array_sort(names, compare_strings);
    bool ok = true;
    for (guint i = 0; ok && i < names->len; i++) {
        char *sub = *rel ? g_build_filename(rel, names->pdata[i], NULL)
                         : g_strdup(names->pdata[i]);
        g_autofree char *path = g_build_filename(root, sub, NULL);
        if (g_file_test(path, G_FILE_TEST_IS_DIR)) {
            ok = list_tree(root, sub, files, error);
            g_free(sub);
        } else {
            g_ptr_array_add(files, sub);
        }
    }
    g_ptr_array_free(names, TRUE);
    return ok;
}

bool crpv_init_folder(const char *templates, const char *dir, GPtrArray *created,
                      GError **error)
{
    g_autoptr(GPtrArray) files = g_ptr_array_new_with_free_func(g_free);
    if (!list_tree(templates, "", files, error))
        return false;
    if (files->len == 0) {
        g_set_error(error, G_FILE_ERROR, G_FILE_ERROR_NOENT, "%s : aucun modèle", templates);
        return false;
    }
    /* Every check before the first write: a refused init leaves the
     * folder as it was. */
    for (guint i = 0; i < files->len; i++) {
        g_autofree char *dest = g_build_filename(dir, files->pdata[i], NULL);
        if (g_file_test(dest, G_FILE_TEST_EXISTS)) {
            g_set_error(error, G_FILE_ERROR, G_FILE_ERROR_EXIST,
                        "%s existe déjà : rien n’a été modifié (choisissez un autre dossier)",
                        dest);
            return false;
        }
    }
    for (guint i = 0; i < files->len; i++) {
        const char *rel = files->pdata[i];
        g_autofree char *src = g_build_filename(templates, rel, NULL);
        g_autofree char *dest = g_build_filename(dir, rel, NULL);
        g_autofree char *parent = g_path_get_dirname(dest);
        if (g_mkdir_with_parents(parent, 0777) != 0) {
            int e = errno;
            g_set_error(error, G_FILE_ERROR, g_file_error_from_errno(e),
                        "%s : création du dossier impossible (%s)", parent, g_strerror(e));
            return false;
        }
        g_autofree char *text = NULL;
        gsize len = 0;
        GError *local = NULL;
        if (!g_file_get_contents(src, &text, &len, &local)) {
            g_set_error(error, G_FILE_ERROR, local->code, "%s : modèle illisible (%s)", src,
                        local->message);
            g_error_free(local);
            return false;
        }
        /* Not g_file_set_contents: its file would be private to the user,
         * and a working folder is often shared. */
        FILE *f = g_fopen(dest, "wx");
        bool ok = f && fwrite(text, 1, len, f) == len;
        int e = errno;
        if (f && fclose(f) != 0 && ok) {
            ok = false;
            e = errno;
        }
        if (!ok) {
            if (f)
                g_unlink(dest);
            g_set_error(error, G_FILE_ERROR, g_file_error_from_errno(e),
                        "%s : écriture impossible (%s)", dest, g_strerror(e));
            return false;
        }
        if (created)
            g_ptr_array_add(created, g_strdup(rel));
    }
    return true;
}

const char *crpv_init_describe(const char *relative)
{
    static const char *const known[][2] = {
        {"data/centres.csv", "l’annuaire des centres, à ouvrir dans un tableur"},
        {"data/brochure.md", "le texte de la brochure, en Markdown"},
        {"data/style.ini", "le style, facultatif : chaque réglage y est expliqué"},
        {"output/README.md", "pour le webmestre : les fichiers produits, l’intégration de la carte"},
    };
    for (size_t i = 0; i < G_N_ELEMENTS(known); i++)
        if (strcmp(known[i][0], relative) == 0)
            return known[i][1];
    return NULL;
}
