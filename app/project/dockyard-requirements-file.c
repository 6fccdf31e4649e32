/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <glib/gi18n.h>

#include "dockyard-project-files.h"
#include "dockyard-read-file.h"
#include "dockyard-requirements-file.h"

/* A project's requirements.txt, changed the way the user would: a line
 * added at the end, the previous version kept as requirements.txt.orig. */

typedef struct
{
  GFile *directory;
  GFile *file;
  char  *requirement;
} AddData;

static void
add_data_free (AddData *data)
{
  g_clear_object (&data->directory);
  g_clear_object (&data->file);
  g_free (data->requirement);
  g_free (data);
}

static void
add_thread (GTask        *task,
            gpointer      source_object,
            gpointer      task_data,
            GCancellable *cancellable)
{
  AddData *data = task_data;
  GFile *file = data->file;
  const char *requirement = data->requirement;
  g_autofree char *path = NULL;
  g_autofree char *contents = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GString) text = NULL;
  gsize length = 0;

  /* Like every project file: inside the project, regular, bounded. */
  if (!dockyard_read_file (data->directory, file, DOCKYARD_MAX_TEXT_FILE_SIZE, &contents, &length, &error) &&
      !g_error_matches (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND))
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  g_clear_error (&error);

  path = contents != NULL ? dockyard_project_resolve_write_path (data->directory, file, NULL, &error)
                          : g_file_get_path (file);
  if (path == NULL && error != NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  if (path == NULL)
    {
      g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED,
                               _("The project folder is not a local folder."));
      return;
    }

  text = g_string_new_len (contents, contents != NULL ? length : 0);
  if (text->len > 0 && text->str[text->len - 1] != '\n')
    g_string_append_c (text, '\n');
  g_string_append_printf (text, "%s\n", requirement);

  /* No backup of a file that was not there. */
  if (!dockyard_project_replace_keeping_orig (path, contents, length, text->str, text->len,
                                              NULL, &error))
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  g_task_return_boolean (task, TRUE);
}

/**
 * dockyard_requirements_file_add_async:
 * @directory: the project folder
 * @requirement: a line for requirements.txt, e.g. %DOCKYARD_PINNED_JUPYTERLAB
 *
 * Appends @requirement to the project's requirements.txt (made if there is
 * none), atomically, keeping the previous version as requirements.txt.orig.
 * Runs in a thread.
 */
void
dockyard_requirements_file_add_async (GFile               *directory,
                                      const char          *requirement,
                                      GCancellable        *cancellable,
                                      GAsyncReadyCallback  callback,
                                      gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  AddData *data;

  g_return_if_fail (G_IS_FILE (directory));
  g_return_if_fail (requirement != NULL);
  g_return_if_fail (!cancellable || G_IS_CANCELLABLE (cancellable));

  data = g_new0 (AddData, 1);
  data->directory = g_object_ref (directory);
  data->file = g_file_get_child (directory, "requirements.txt");
  data->requirement = g_strdup (requirement);
  task = g_task_new (NULL, cancellable, callback, user_data);
  g_task_set_source_tag (task, dockyard_requirements_file_add_async);
  g_task_set_task_data (task, data, (GDestroyNotify) add_data_free);
  g_task_run_in_thread (task, add_thread);
}

/**
 * dockyard_requirements_file_add_finish:
 *
 * Returns: %FALSE with @error set when the file could not be read or written
 */
gboolean
dockyard_requirements_file_add_finish (GAsyncResult  *result,
                                       GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), FALSE);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) ==
                        dockyard_requirements_file_add_async, FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}
