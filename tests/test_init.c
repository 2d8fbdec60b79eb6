/* crpv init's copy of the templates, and where the installed data is
 * looked for. */
#include "testutil.h"

#include <glib/gstdio.h>
#include <string.h>
#include <sys/stat.h>

#include "datadir.h"
#include "init.h"

/* A templates tree like the installed one, in a new temporary folder. */
static char *make_templates(void)
{
    char *root = tu_tmpdir();
    g_autofree char *data = g_build_filename(root, "data", NULL);
    g_autofree char *out = g_build_filename(root, "output", NULL);
    g_mkdir(data, 0755);
    g_mkdir(out, 0755);
    g_free(tu_write_file(data, "centres.csv", "id,nom\n", 7));
    g_free(tu_write_file(data, "brochure.md", "# Titre\n", 8));
    g_free(tu_write_file(data, "style.ini", "# vide\n", 7));
    g_free(tu_write_file(out, "README.md", "# output\n", 9));
    return root;
}

static void test_init_copies_every_template(void **state)
{
    (void)state;
    g_autofree char *templates = make_templates();
    g_autofree char *tmp = tu_tmpdir();
    g_autofree char *dir = g_build_filename(tmp, "reseau", "2026", NULL);
    g_autoptr(GPtrArray) created = g_ptr_array_new_with_free_func(g_free);
    g_autoptr(GError) error = NULL;
    assert_true(crpv_init_folder(templates, dir, created, &error));
    assert_null(error);
    assert_int_equal(created->len, 4);
    assert_string_equal(created->pdata[0], "data/brochure.md");
    assert_string_equal(created->pdata[1], "data/centres.csv");
    assert_string_equal(created->pdata[2], "data/style.ini");
    assert_string_equal(created->pdata[3], "output/README.md");
    for (guint i = 0; i < created->len; i++)
        assert_non_null(crpv_init_describe(created->pdata[i]));
    assert_null(crpv_init_describe("data/autre.txt"));
    g_autofree char *csv = g_build_filename(dir, "data", "centres.csv", NULL);
    g_autofree char *text = NULL;
    assert_true(g_file_get_contents(csv, &text, NULL, NULL));
    assert_string_equal(text, "id,nom\n");
    /* Readable by the others who share the folder, as the umask allows. */
    GStatBuf st;
    assert_int_equal(g_stat(csv, &st), 0);
    mode_t mask = umask(0);
    umask(mask);
    assert_int_equal(st.st_mode & 0777, 0666 & ~mask);
    tu_rmtree(tmp);
    tu_rmtree(templates);
}

static void test_init_never_overwrites(void **state)
{
    (void)state;
    g_autofree char *templates = make_templates();
    g_autofree char *dir = tu_tmpdir();
    g_autofree char *data = g_build_filename(dir, "data", NULL);
    g_mkdir(data, 0755);
    g_autofree char *mine = tu_write_file(data, "style.ini", "[page]\nlargeur = 148\n", 21);
    g_autoptr(GError) error = NULL;
    assert_false(crpv_init_folder(templates, dir, NULL, &error));
    assert_true(g_error_matches(error, G_FILE_ERROR, G_FILE_ERROR_EXIST));
    assert_non_null(strstr(error->message, "style.ini existe déjà"));
    /* Refused before the first write: nothing else appeared. */
    g_autofree char *csv = g_build_filename(data, "centres.csv", NULL);
    g_autofree char *out = g_build_filename(dir, "output", NULL);
    assert_false(g_file_test(csv, G_FILE_TEST_EXISTS));
    assert_false(g_file_test(out, G_FILE_TEST_EXISTS));
    g_autofree char *text = NULL;
    assert_true(g_file_get_contents(mine, &text, NULL, NULL));
    assert_string_equal(text, "[page]\nlargeur = 148\n");
    tu_rmtree(dir);
    tu_rmtree(templates);
}

static void test_init_missing_templates(void **state)
{
    (void)state;
    g_autofree char *tmp = tu_tmpdir();
    g_autofree char *none = g_build_filename(tmp, "absent", NULL);
    g_autofree char *dir = g_build_filename(tmp, "reseau", NULL);
    g_autoptr(GError) error = NULL;
    assert_false(crpv_init_folder(none, dir, NULL, &error));
    assert_true(g_error_matches(error, G_FILE_ERROR, G_FILE_ERROR_NOENT));
    assert_false(g_file_test(dir, G_FILE_TEST_EXISTS));
    tu_rmtree(tmp);
}

static void test_datadir_lookup(void **state)
{
    (void)state;
    g_autofree char *tmp = tu_tmpdir();
    g_autofree char *geo = g_build_filename(tmp, "geo", NULL);
    g_mkdir(geo, 0755);
    g_setenv("CRPV_DATADIR", tmp, TRUE);
    GString *tried = g_string_new(NULL);
    g_autofree char *found = crpv_datadir_find(tried);
    assert_string_equal(found, tmp);
    assert_string_equal(tried->str, tmp);
    g_string_truncate(tried, 0);

    /* The tests run from the source root, whose geo/ comes first. */
    g_autofree char *local = crpv_datadir_lookup("geo", tried);
    assert_string_equal(local, "geo");
    g_autofree char *old = g_get_current_dir();
    g_autofree char *empty = tu_tmpdir();
    assert_int_equal(g_chdir(empty), 0);
    g_autofree char *installed = crpv_datadir_lookup("geo", NULL);
    assert_string_equal(installed, geo);
    g_string_truncate(tried, 0);
    assert_null(crpv_datadir_lookup("fonts", tried));
    g_autofree char *expected = g_strdup_printf("./fonts, %s/fonts", tmp);
    assert_string_equal(tried->str, expected);

    /* An explicit folder that does not exist is reported, not bypassed. */
    g_autofree char *absent = g_build_filename(tmp, "absent", NULL);
    g_setenv("CRPV_DATADIR", absent, TRUE);
    assert_null(crpv_datadir_find(NULL));
    g_string_truncate(tried, 0);
    assert_null(crpv_datadir_lookup("geo", tried));
    g_autofree char *expected2 = g_strdup_printf("./geo, %s/geo", absent);
    assert_string_equal(tried->str, expected2);
    g_unsetenv("CRPV_DATADIR");
    assert_int_equal(g_chdir(old), 0);
    g_string_free(tried, TRUE);
    tu_rmtree(empty);
    tu_rmtree(tmp);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_init_copies_every_template),
        cmocka_unit_test(test_init_never_overwrites),
        cmocka_unit_test(test_init_missing_templates),
        cmocka_unit_test(test_datadir_lookup),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
