/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Replacing a user's file keeps the previous version as NAME.orig; "Add
 * JupyterLab" appends its pinned line to requirements.txt that way. */
#include "config.h"

#include "dockyard-project-files.h"
#include "dockyard-requirements-file.h"
#include "dockyard-test-utils.h"

static char *
read_file (const char *dir,
           const char *name)
{
  g_autofree char *path = g_build_filename (dir, name, NULL);
  char *contents = NULL;

  if (!g_file_get_contents (path, &contents, NULL, NULL))
    return NULL;
  return contents;
}

static void
write_file (const char *dir,
            const char *name,
            const char *contents)
{
  g_autofree char *path = g_build_filename (dir, name, NULL);
  g_autoptr(GError) error = NULL;

  g_file_set_contents (path, contents, -1, &error);
  g_assert_no_error (error);
}

static char *
make_dir (void)
{
  g_autoptr(GError) error = NULL;
  char *dir = g_dir_make_tmp ("dockyard-requirements-XXXXXX", &error);

  g_assert_no_error (error);
  return dir;
}

static void
remove_dir (const char *dir)
{
  g_autoptr(GDir) entries = g_dir_open (dir, 0, NULL);
  const char *name;

  while ((name = g_dir_read_name (entries)) != NULL)
    {
      g_autofree char *path = g_build_filename (dir, name, NULL);

      g_assert_cmpint (g_unlink (path), ==, 0);
    }
  g_assert_cmpint (g_rmdir (dir), ==, 0);
}

static gboolean
add_requirement (const char  *dir,
                 const char  *requirement,
                 GError     **error)
{
  g_autoptr(GFile) directory = g_file_new_for_path (dir);
  g_autoptr(GAsyncResult) result = NULL;

  dockyard_requirements_file_add_async (directory, requirement, NULL,
                                        dockyard_test_store_result_cb, &result);
  dockyard_test_wait_for_async (&result);
  return dockyard_requirements_file_add_finish (result, error);
}

static void
test_replace_keeping_orig (void)
{
  g_autofree char *dir = make_dir ();
  g_autofree char *path = g_build_filename (dir, "Dockerfile", NULL);
  g_autofree char *text = NULL;
  g_autofree char *backup = NULL;
  g_autoptr(GError) error = NULL;

  write_file (dir, "Dockerfile", "FROM old\n");
  g_assert_true (dockyard_project_replace_keeping_orig (path, "FROM old\n", 9, "FROM new\n", 9,
                                                        &error));
  g_assert_no_error (error);
  text = read_file (dir, "Dockerfile");
  backup = read_file (dir, "Dockerfile.orig");
  g_assert_cmpstr (text, ==, "FROM new\n");
  g_assert_cmpstr (backup, ==, "FROM old\n");

  /* Nothing to keep: no backup, and the earlier one stays as it was. */
  g_clear_pointer (&text, g_free);
  g_clear_pointer (&backup, g_free);
  g_assert_true (dockyard_project_replace_keeping_orig (path, NULL, 0, "FROM newer\n", 11,
                                                        &error));
  g_assert_no_error (error);
  text = read_file (dir, "Dockerfile");
  backup = read_file (dir, "Dockerfile.orig");
  g_assert_cmpstr (text, ==, "FROM newer\n");
  g_assert_cmpstr (backup, ==, "FROM old\n");

  remove_dir (dir);
}

/* A backup that cannot be written leaves the file alone. */
static void
test_replace_backup_fails (void)
{
  g_autofree char *dir = make_dir ();
  g_autofree char *path = g_build_filename (dir, "requirements.txt", NULL);
  g_autofree char *orig = g_build_filename (dir, "requirements.txt.orig", NULL);
  g_autofree char *text = NULL;
  g_autoptr(GError) error = NULL;

  write_file (dir, "requirements.txt", "flask==3.0.0\n");
  /* A folder where the backup would go: renaming over it fails. */
  g_assert_cmpint (g_mkdir (orig, 0755), ==, 0);
  g_assert_false (dockyard_project_replace_keeping_orig (path, "flask==3.0.0\n", 13, "x\n", 2,
                                                         &error));
  g_assert_error (error, G_FILE_ERROR, G_FILE_ERROR_ISDIR);
  text = read_file (dir, "requirements.txt");
  g_assert_cmpstr (text, ==, "flask==3.0.0\n");

  g_assert_cmpint (g_rmdir (orig), ==, 0);
  remove_dir (dir);
}

static void
test_add_to_existing (void)
{
  g_autofree char *dir = make_dir ();
  g_autofree char *text = NULL;
  g_autofree char *backup = NULL;
  g_autoptr(GError) error = NULL;

  /* No newline at the end: the new line still starts a line of its own. */
  write_file (dir, "requirements.txt", "numpy==1.26.4");
  g_assert_true (add_requirement (dir, DOCKYARD_PINNED_JUPYTERLAB, &error));
  g_assert_no_error (error);

  text = read_file (dir, "requirements.txt");
  backup = read_file (dir, "requirements.txt.orig");
  g_assert_cmpstr (text, ==, "numpy==1.26.4\n" DOCKYARD_PINNED_JUPYTERLAB "\n");
  g_assert_cmpstr (backup, ==, "numpy==1.26.4");

  remove_dir (dir);
}

static void
test_add_to_missing (void)
{
  g_autofree char *dir = make_dir ();
  g_autofree char *text = NULL;
  g_autofree char *backup = NULL;
  g_autoptr(GError) error = NULL;

  g_assert_true (add_requirement (dir, "jupyterlab==4.2.5", &error));
  g_assert_no_error (error);

  text = read_file (dir, "requirements.txt");
  backup = read_file (dir, "requirements.txt.orig");
  g_assert_cmpstr (text, ==, "jupyterlab==4.2.5\n");
  g_assert_null (backup);

  remove_dir (dir);
}

static void
test_add_unreadable (void)
{
  g_autofree char *dir = make_dir ();
  g_autofree char *path = g_build_filename (dir, "requirements.txt", NULL);
  g_autoptr(GError) error = NULL;

  /* requirements.txt is a folder: an error, and nothing written. */
  g_assert_cmpint (g_mkdir (path, 0755), ==, 0);
  g_assert_false (add_requirement (dir, "jupyterlab==4.2.5", &error));
  g_assert_nonnull (error);
  g_assert_false (g_file_test (path, G_FILE_TEST_IS_REGULAR));

  g_assert_cmpint (g_rmdir (path), ==, 0);
  remove_dir (dir);
}

int
main (int   argc,
      char *argv[])
{
  dockyard_test_init (&argc, &argv);

  g_test_add_func ("/project/replace-keeping-orig", test_replace_keeping_orig);
  g_test_add_func ("/project/replace-backup-fails", test_replace_backup_fails);
  g_test_add_func ("/project/requirements/add-to-existing", test_add_to_existing);
  g_test_add_func ("/project/requirements/add-to-missing", test_add_to_missing);
  g_test_add_func ("/project/requirements/add-unreadable", test_add_unreadable);

  return g_test_run ();
}
