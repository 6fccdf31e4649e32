/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Replacing a user's file keeps the previous version as NAME.orig; "Add
 * JupyterLab" appends its pinned line to requirements.txt that way. */
#include "config.h"

#include <unistd.h>

#include <glib/gstdio.h>

#include "dockyard-project-files.h"
#include "dockyard-requirements-file.h"
#include "dockyard-test-utils.h"

/* @name in @dir holds @expected, or does not exist for %NULL. */
static void
assert_contents (const char *dir,
                 const char *name,
                 const char *expected)
{
  g_autofree char *path = g_build_filename (dir, name, NULL);
  g_autofree char *contents = NULL;

  if (expected == NULL)
    {
      g_assert_false (g_file_test (path, G_FILE_TEST_EXISTS));
      return;
    }

  g_assert_true (g_file_get_contents (path, &contents, NULL, NULL));
  g_assert_cmpstr (contents, ==, expected);
}

static char *
make_project (const char *requirements)
{
  char *dir = dockyard_test_make_shared_dir ("dockyard-requirements");

  if (requirements != NULL)
    {
      g_autofree char *path = g_build_filename (dir, "requirements.txt", NULL);

      g_assert_true (g_file_set_contents (path, requirements, -1, NULL));
    }

  return dir;
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
  g_autofree char *dir = make_project (NULL);
  g_autofree char *path = g_build_filename (dir, "Dockerfile", NULL);
  g_autoptr(GError) error = NULL;

  g_assert_true (g_file_set_contents (path, "FROM old\n", -1, NULL));
  g_assert_true (dockyard_project_replace_keeping_orig (path, "FROM old\n", 9, "FROM new\n", 9,
                                                        NULL, &error));
  g_assert_no_error (error);
  assert_contents (dir, "Dockerfile", "FROM new\n");
  assert_contents (dir, "Dockerfile.orig", "FROM old\n");

  /* Nothing to keep: no backup, and the earlier one stays as it was. */
  g_assert_true (dockyard_project_replace_keeping_orig (path, NULL, 0, "FROM newer\n", 11,
                                                        NULL, &error));
  g_assert_no_error (error);
  assert_contents (dir, "Dockerfile", "FROM newer\n");
  assert_contents (dir, "Dockerfile.orig", "FROM old\n");

  /* The first original is never replaced (issue 18, item 8): the next
   * versions are numbered, the same text is not kept twice, and the newest
   * ten numbered ones stay. */
  {
    g_autofree char *backup = NULL;

    g_assert_true (dockyard_project_replace_keeping_orig (path, "FROM newer\n", 11, "FROM 3\n", 7,
                                                          &backup, &error));
    g_assert_no_error (error);
    assert_contents (dir, "Dockerfile.orig", "FROM old\n");
    assert_contents (dir, "Dockerfile.2.orig", "FROM newer\n");
    g_assert_true (g_str_has_suffix (backup, "/Dockerfile.2.orig"));
    g_clear_pointer (&backup, g_free);

    g_assert_true (dockyard_project_replace_keeping_orig (path, "FROM newer\n", 11, "FROM 3\n", 7,
                                                          &backup, &error));
    g_assert_true (g_str_has_suffix (backup, "/Dockerfile.2.orig"));
    g_clear_pointer (&backup, g_free);
    g_assert_true (dockyard_project_replace_keeping_orig (path, "FROM old\n", 9, "FROM 3\n", 7,
                                                          &backup, &error));
    g_assert_true (g_str_has_suffix (backup, "/Dockerfile.orig"));
    g_clear_pointer (&backup, g_free);

    for (guint i = 3; i <= 14; i++)
      {
        g_autofree char *previous = g_strdup_printf ("FROM v%u\n", i);

        g_assert_true (dockyard_project_replace_keeping_orig (path, previous, strlen (previous),
                                                              "FROM x\n", 7, NULL, &error));
        g_assert_no_error (error);
      }
    assert_contents (dir, "Dockerfile.orig", "FROM old\n");
    assert_contents (dir, "Dockerfile.14.orig", "FROM v14\n");
    assert_contents (dir, "Dockerfile.5.orig", "FROM v5\n");
    {
      g_autofree char *gone = g_build_filename (dir, "Dockerfile.4.orig", NULL);

      g_assert_false (g_file_test (gone, G_FILE_TEST_EXISTS));
    }
  }

  dockyard_test_remove_tree (dir);
}

/* A backup that cannot be written leaves the file alone. */
static void
test_replace_backup_fails (void)
{
  g_autofree char *dir = make_project ("flask==3.0.0\n");
  g_autofree char *path = g_build_filename (dir, "requirements.txt", NULL);
  g_autofree char *orig = g_build_filename (dir, "requirements.txt.orig", NULL);
  g_autoptr(GError) error = NULL;

  /* A folder where the backup would go: renaming over it fails. */
  g_assert_cmpint (g_mkdir (orig, 0755), ==, 0);
  g_assert_false (dockyard_project_replace_keeping_orig (path, "flask==3.0.0\n", 13, "x\n", 2,
                                                         NULL, &error));
  g_assert_error (error, G_FILE_ERROR, G_FILE_ERROR_ISDIR);
  assert_contents (dir, "requirements.txt", "flask==3.0.0\n");

  dockyard_test_remove_tree (dir);
}

static void
test_add_to_existing (void)
{
  /* No newline at the end: the new line still starts a line of its own. */
  g_autofree char *dir = make_project ("numpy==1.26.4");
  g_autoptr(GError) error = NULL;

  g_assert_true (add_requirement (dir, DOCKYARD_PINNED_JUPYTERLAB, &error));
  g_assert_no_error (error);
  assert_contents (dir, "requirements.txt", "numpy==1.26.4\n" DOCKYARD_PINNED_JUPYTERLAB "\n");
  assert_contents (dir, "requirements.txt.orig", "numpy==1.26.4");

  dockyard_test_remove_tree (dir);
}

static void
test_add_to_missing (void)
{
  g_autofree char *dir = make_project (NULL);
  g_autoptr(GError) error = NULL;

  g_assert_true (add_requirement (dir, "jupyterlab==4.2.5", &error));
  g_assert_no_error (error);
  assert_contents (dir, "requirements.txt", "jupyterlab==4.2.5\n");
  assert_contents (dir, "requirements.txt.orig", NULL);

  dockyard_test_remove_tree (dir);
}

static void
test_add_unreadable (void)
{
  g_autofree char *dir = make_project (NULL);
  g_autofree char *path = g_build_filename (dir, "requirements.txt", NULL);
  g_autoptr(GError) error = NULL;

  /* requirements.txt is a folder: an error, and nothing written. */
  g_assert_cmpint (g_mkdir (path, 0755), ==, 0);
  g_assert_false (add_requirement (dir, "jupyterlab==4.2.5", &error));
  g_assert_nonnull (error);
  g_assert_false (g_file_test (path, G_FILE_TEST_IS_REGULAR));
  assert_contents (dir, "requirements.txt.orig", NULL);

  dockyard_test_remove_tree (dir);
}

/* Issue 16, items 3 and 7: a requirements.txt that is a link to /dev/zero
 * or to a file outside the project is refused at once, and nothing is
 * written outside. */
static void
test_add_special (void)
{
  g_autofree char *dir = make_project (NULL);
  g_autofree char *outside = g_strconcat (dir, "-outside.txt", NULL);
  g_autofree char *path = g_build_filename (dir, "requirements.txt", NULL);
  g_autofree char *contents = NULL;
  g_autoptr(GError) error = NULL;

  g_assert_no_errno (symlink ("/dev/zero", path));
  g_assert_false (add_requirement (dir, "jupyterlab==4.0.9", &error));
  g_test_message ("%s", error->message);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_PERMISSION_DENIED);
  g_clear_error (&error);

  g_assert_true (g_file_set_contents (outside, "requests==2.31.0\n", -1, NULL));
  g_assert_no_errno (g_unlink (path));
  g_assert_no_errno (symlink (outside, path));
  g_assert_false (add_requirement (dir, "jupyterlab==4.0.9", &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_PERMISSION_DENIED);
  g_assert_true (g_file_get_contents (outside, &contents, NULL, NULL));
  g_assert_cmpstr (contents, ==, "requests==2.31.0\n");

  g_unlink (outside);
  dockyard_test_remove_tree (dir);
}

int
main (int   argc,
      char *argv[])
{
  dockyard_test_init (&argc, &argv);

  g_test_add_func ("/project/replace-keeping-orig", test_replace_keeping_orig);
  g_test_add_func ("/project/add-special", test_add_special);
  g_test_add_func ("/project/replace-backup-fails", test_replace_backup_fails);
  g_test_add_func ("/project/requirements/add-to-existing", test_add_to_existing);
  g_test_add_func ("/project/requirements/add-to-missing", test_add_to_missing);
  g_test_add_func ("/project/requirements/add-unreadable", test_add_unreadable);

  return g_test_run ();
}
