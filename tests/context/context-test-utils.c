/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <archive.h>
#include <archive_entry.h>
#include <string.h>
#include <unistd.h>

#include "context-test-utils.h"
#include "dockyard-build-context.h"
#include "dockyard-test-utils.h"

/* Fixtures live outside the test home (which is 0700) so that a test that
 * drops root privileges can still reach them. */
char *
context_test_make_dir (void)
{
  g_autoptr(GError) error = NULL;
  char *dir = g_dir_make_tmp ("dockyard-context-XXXXXX", &error);

  g_assert_no_error (error);
  g_assert_no_errno (g_chmod (dir, 0755));

  return dir;
}

void
context_test_remove_tree (const char *path)
{
  g_autoptr(GDir) dir = g_dir_open (path, 0, NULL);
  const char *name;

  while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *child = g_build_filename (path, name, NULL);

      if (g_file_test (child, G_FILE_TEST_IS_DIR) && !g_file_test (child, G_FILE_TEST_IS_SYMLINK))
        context_test_remove_tree (child);
      else
        g_unlink (child);
    }

  g_rmdir (path);
}

void
context_test_mkdir (const char *root,
                    const char *rel)
{
  g_autofree char *path = g_build_filename (root, rel, NULL);

  g_assert_no_errno (g_mkdir_with_parents (path, 0755));
}

static void
make_parent (const char *path)
{
  g_autofree char *parent = g_path_get_dirname (path);

  g_assert_no_errno (g_mkdir_with_parents (parent, 0755));
}

void
context_test_write (const char *root,
                    const char *rel,
                    const char *contents)
{
  g_autofree char *path = g_build_filename (root, rel, NULL);
  g_autoptr(GError) error = NULL;

  make_parent (path);
  g_file_set_contents (path, contents, -1, &error);
  g_assert_no_error (error);
  g_assert_no_errno (g_chmod (path, 0644));
}

void
context_test_symlink (const char *root,
                      const char *rel,
                      const char *target)
{
  g_autofree char *path = g_build_filename (root, rel, NULL);

  make_parent (path);
  g_assert_no_errno (symlink (target, path));
}

static void
tar_entry_free (gpointer data)
{
  TarEntry *entry = data;

  g_free (entry->path);
  g_free (entry->uname);
  g_free (entry->gname);
  g_free (entry->symlink);
  g_free (entry->hardlink);
  g_clear_pointer (&entry->data, g_bytes_unref);
  g_free (entry);
}

GPtrArray *
context_test_read_tar (GBytes *tar)
{
  GPtrArray *entries = g_ptr_array_new_with_free_func (tar_entry_free);
  struct archive *archive = archive_read_new ();
  struct archive_entry *entry;
  gsize size;
  const void *data = g_bytes_get_data (tar, &size);
  int ret;

  archive_read_support_format_tar (archive);
  g_assert_cmpint (archive_read_open_memory (archive, data, size), ==, ARCHIVE_OK);

  while ((ret = archive_read_next_header (archive, &entry)) == ARCHIVE_OK)
    {
      TarEntry *item = g_new0 (TarEntry, 1);
      g_autoptr(GByteArray) contents = g_byte_array_new ();
      char buffer[8192];
      la_ssize_t n;

      item->path = g_strdup (archive_entry_pathname (entry));
      if (g_str_has_suffix (item->path, "/") && strlen (item->path) > 1)
        item->path[strlen (item->path) - 1] = '\0';
      item->type = archive_entry_filetype (entry);
      item->mode = archive_entry_perm (entry) | (archive_entry_mode (entry) & 07000);
      item->uid = archive_entry_uid (entry);
      item->gid = archive_entry_gid (entry);
      item->uname = g_strdup (archive_entry_uname (entry));
      item->gname = g_strdup (archive_entry_gname (entry));
      item->size = archive_entry_size (entry);
      item->mtime = archive_entry_mtime (entry);
      item->mtime_nsec = archive_entry_mtime_nsec (entry);
      item->symlink = g_strdup (archive_entry_symlink (entry));
      item->hardlink = g_strdup (archive_entry_hardlink (entry));

      while ((n = archive_read_data (archive, buffer, sizeof buffer)) > 0)
        g_byte_array_append (contents, (guint8 *) buffer, n);
      g_assert_cmpint (n, ==, 0);
      item->data = g_byte_array_free_to_bytes (g_steal_pointer (&contents));

      g_ptr_array_add (entries, item);
    }

  g_assert_cmpint (ret, ==, ARCHIVE_EOF);
  archive_read_free (archive);

  return entries;
}

/* Reads the stream asynchronously, as the HTTP layer would. */
GBytes *
context_test_read_stream (GInputStream  *stream,
                          GError       **error)
{
  g_autoptr(GByteArray) all = g_byte_array_new ();

  for (;;)
    {
      g_autoptr(GAsyncResult) result = NULL;
      g_autoptr(GBytes) bytes = NULL;

      g_input_stream_read_bytes_async (stream, 16384, G_PRIORITY_DEFAULT, NULL,
                                       dockyard_test_store_result_cb, &result);
      dockyard_test_wait_for_async (&result);
      bytes = g_input_stream_read_bytes_finish (stream, result, error);
      if (bytes == NULL)
        return NULL;
      if (g_bytes_get_size (bytes) == 0)
        break;
      g_byte_array_append (all, g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes));
    }

  return g_byte_array_free_to_bytes (g_steal_pointer (&all));
}

TarEntry *
context_test_find_entry (GPtrArray  *entries,
                         const char *path)
{
  for (guint i = 0; i < entries->len; i++)
    {
      TarEntry *entry = g_ptr_array_index (entries, i);

      if (g_str_equal (entry->path, path))
        return entry;
    }

  return NULL;
}

char **
context_test_list (const char  *root,
                   const char  *dockerfile_name,
                   GError     **error)
{
  g_autoptr(GFile) dir = g_file_new_for_path (root);
  g_autoptr(DockyardBuildContext) context = dockyard_build_context_new (dir, dockerfile_name);
  g_autoptr(GAsyncResult) result = NULL;

  dockyard_build_context_list_async (context, NULL, dockyard_test_store_result_cb, &result);
  dockyard_test_wait_for_async (&result);

  return dockyard_build_context_list_finish (context, result, error);
}

GPtrArray *
context_test_tar (const char  *root,
                  const char  *dockerfile_name,
                  GError     **error)
{
  g_autoptr(GFile) dir = g_file_new_for_path (root);
  g_autoptr(DockyardBuildContext) context = dockyard_build_context_new (dir, dockerfile_name);
  g_autoptr(GInputStream) stream = NULL;
  g_autoptr(GBytes) tar = NULL;

  stream = dockyard_build_context_open_tar_stream (context, NULL, error);
  if (stream == NULL)
    return NULL;

  tar = context_test_read_stream (stream, error);
  if (tar == NULL)
    return NULL;

  g_assert_true (g_input_stream_close (stream, NULL, NULL));

  return context_test_read_tar (tar);
}

/* For readable assertion failures: names joined with " | ". */
char *
context_test_join (const char * const *names)
{
  return g_strjoinv (" | ", (char **) names);
}
