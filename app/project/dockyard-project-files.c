/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <unistd.h>

#include <glib/gi18n.h>
#include <glib/gstdio.h>

#include "dockyard-project-files.h"

/* Writes @contents to a hidden temporary file next to @path, then links it
 * to @path: the file appears whole or not at all (a kill in the middle
 * leaves no empty or cut file that would then count as existing), and
 * link() never replaces an existing file.  Returns 0, EEXIST, or another
 * errno after which the caller takes the plain way (it reports errors, and
 * works on file systems without hard links). */
static int
create_whole (const char *path,
              const char *contents)
{
  g_autofree char *dir = g_path_get_dirname (path);
  g_autofree char *base = g_path_get_basename (path);
  g_autofree char *tmp = g_strdup_printf ("%s/.%s.dockyard-XXXXXX", dir, base);
  gsize length = strlen (contents);
  gsize written = 0;
  int saved_errno = 0;
  int fd;

  fd = g_mkstemp_full (tmp, O_WRONLY | O_CLOEXEC, 0666);
  if (fd < 0)
    return errno;

  while (written < length && saved_errno == 0)
    {
      ssize_t n = write (fd, contents + written, length - written);

      if (n >= 0)
        written += n;
      else if (errno != EINTR)
        saved_errno = errno;
    }
  if (saved_errno == 0 && fsync (fd) != 0)
    saved_errno = errno;
  if (close (fd) != 0 && saved_errno == 0)
    saved_errno = errno;
  if (saved_errno == 0 && link (tmp, path) != 0)
    saved_errno = errno;

  g_unlink (tmp);
  return saved_errno;
}

/**
 * dockyard_project_create_file:
 * @dir: the project folder
 * @name: the file's name in @dir
 * @contents: what to write
 * @existed: (out): set to %TRUE when the file was already there
 *
 * Creates @name in @dir with @contents unless it exists: an existing file
 * is never touched.  The file appears whole or not at all, even if the
 * process is killed while writing it.  Blocking: call it from a thread in
 * the UI.
 *
 * Returns: %FALSE with @error set if the file could not be created
 */
gboolean
dockyard_project_create_file (GFile         *dir,
                              const char    *name,
                              const char    *contents,
                              gboolean      *existed,
                              GCancellable  *cancellable,
                              GError       **error)
{
  g_autoptr(GFile) file = NULL;
  g_autoptr(GFileOutputStream) stream = NULL;
  g_autoptr(GError) local_error = NULL;
  g_autofree char *path = NULL;

  g_return_val_if_fail (G_IS_FILE (dir), FALSE);
  g_return_val_if_fail (name != NULL, FALSE);
  g_return_val_if_fail (contents != NULL, FALSE);
  g_return_val_if_fail (existed != NULL, FALSE);

  *existed = FALSE;
  file = g_file_get_child (dir, name);

  path = g_file_get_path (file);
  if (path != NULL)
    {
      int result = create_whole (path, contents);

      if (result == 0 || result == EEXIST)
        {
          *existed = result == EEXIST;
          return TRUE;
        }
    }

  stream = g_file_create (file, G_FILE_CREATE_NONE, cancellable, &local_error);
  if (stream == NULL)
    {
      if (g_error_matches (local_error, G_IO_ERROR, G_IO_ERROR_EXISTS))
        {
          *existed = TRUE;
          return TRUE;
        }
      g_propagate_error (error, g_steal_pointer (&local_error));
      return FALSE;
    }

  if (!g_output_stream_write_all (G_OUTPUT_STREAM (stream), contents, strlen (contents), NULL,
                                  cancellable, error) ||
      !g_output_stream_close (G_OUTPUT_STREAM (stream), cancellable, error))
    {
      g_file_delete (file, NULL, NULL);
      return FALSE;
    }

  return TRUE;
}

/**
 * dockyard_project_replace_file:
 * @file: a file of the project
 * @contents: what to write
 * @backup: (nullable): where to keep @previous
 * @previous: (nullable): the file as it was, kept in @backup first
 *
 * Replaces @file with @contents through a temporary file renamed into
 * place, so that a crash leaves the old or the new file, never a cut one;
 * the backup is written the same way, before.  Blocking: call it from a
 * thread in the UI.
 *
 * Returns: %FALSE with @error set if a file could not be written
 */
gboolean
dockyard_project_replace_file (GFile         *file,
                               GBytes        *contents,
                               GFile         *backup,
                               GBytes        *previous,
                               GCancellable  *cancellable,
                               GError       **error)
{
  g_autofree char *path = NULL;
  g_autofree char *backup_path = NULL;

  g_return_val_if_fail (G_IS_FILE (file), FALSE);
  g_return_val_if_fail (contents != NULL, FALSE);
  g_return_val_if_fail (backup == NULL || G_IS_FILE (backup), FALSE);

  path = g_file_get_path (file);
  if (backup != NULL && previous != NULL)
    backup_path = g_file_get_path (backup);
  if (path == NULL || (backup != NULL && previous != NULL && backup_path == NULL))
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED,
                           _("The project folder is not a local folder."));
      return FALSE;
    }

  if (g_cancellable_set_error_if_cancelled (cancellable, error))
    return FALSE;

  if (backup_path != NULL &&
      !g_file_set_contents_full (backup_path, g_bytes_get_data (previous, NULL),
                                 g_bytes_get_size (previous),
                                 G_FILE_SET_CONTENTS_CONSISTENT, 0666, error))
    return FALSE;

  return g_file_set_contents_full (path, g_bytes_get_data (contents, NULL),
                                   g_bytes_get_size (contents),
                                   G_FILE_SET_CONTENTS_CONSISTENT, 0666, error);
}
