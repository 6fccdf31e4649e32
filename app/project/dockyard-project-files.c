/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <string.h>

#include "dockyard-project-files.h"

/**
 * dockyard_project_create_file:
 * @dir: the project folder
 * @name: the file's name in @dir
 * @contents: what to write
 * @existed: (out): set to %TRUE when the file was already there
 *
 * Creates @name in @dir with @contents unless it exists: an existing file
 * is never touched.  A file that cannot be written completely is removed
 * again.  Blocking: call it from a thread in the UI.
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

  g_return_val_if_fail (G_IS_FILE (dir), FALSE);
  g_return_val_if_fail (name != NULL, FALSE);
  g_return_val_if_fail (contents != NULL, FALSE);
  g_return_val_if_fail (existed != NULL, FALSE);

  *existed = FALSE;
  file = g_file_get_child (dir, name);
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
