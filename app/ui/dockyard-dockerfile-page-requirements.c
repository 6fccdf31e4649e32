/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <glib/gi18n.h>

#include "dockyard-dockerfile-page-private.h"
#include "dockyard-requirements.h"

/* The requirements file: read in a thread when its name or the file
 * changes, its unpinned lines listed under the form. */

typedef struct
{
  GFile *root;
  GFile *file;
  char  *name;
  guint  serial;
} RequirementsData;

static void
requirements_data_free (RequirementsData *data)
{
  g_clear_object (&data->file);
  g_clear_object (&data->root);
  g_free (data->name);
  g_free (data);
}

static void
requirements_thread (GTask        *task,
                     gpointer      source_object,
                     gpointer      task_data,
                     GCancellable *cancellable)
{
  RequirementsData *data = task_data;
  DockyardRequirements *requirements;
  GError *error = NULL;

  requirements = dockyard_requirements_load (data->root, data->file, data->name, cancellable, &error);
  if (requirements == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, requirements, (GDestroyNotify) dockyard_requirements_unref);
}

static void
clear_unpinned_rows (DockyardDockerfilePage *self)
{
  for (guint i = 0; i < self->unpinned_rows->len; i++)
    adw_expander_row_remove (self->unpinned_row, g_ptr_array_index (self->unpinned_rows, i));
  g_ptr_array_set_size (self->unpinned_rows, 0);
}

static void
requirements_cb (GObject      *object,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  DockyardDockerfilePage *self = DOCKYARD_DOCKERFILE_PAGE (object);
  RequirementsData *data = g_task_get_task_data (G_TASK (result));
  g_autoptr(DockyardRequirements) requirements = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *subtitle = NULL;
  guint n_unpinned = 0;

  self->n_threads--;
  requirements = g_task_propagate_pointer (G_TASK (result), &error);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED) || data->serial != self->requirements_serial)
    {
      if (!g_cancellable_is_cancelled (self->cancellable))
        _dockyard_dockerfile_page_set_busy (self);
      return;
    }

  g_clear_object (&self->requirements_cancellable);
  clear_unpinned_rows (self);

  if (requirements == NULL)
    {
      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND))
        /* Translators: %s is a file name such as requirements.txt */
        subtitle = g_strdup_printf (_("“%s” is not in the project folder yet"), data->name);
      else
        subtitle = g_strdup (error->message);
    }
  else
    {
      for (guint i = 0; i < dockyard_requirements_get_n_items (requirements); i++)
        {
          const DockyardRequirement *req = dockyard_requirements_get_item (requirements, i);
          g_autofree char *title = NULL;
          g_autofree char *where = NULL;
          GtkWidget *row;

          if (req->pinned || req->constraint || dockyard_requirements_is_satisfied_pinned (requirements, req))
            continue;

          n_unpinned++;
          if (req->name != NULL)
            title = g_strdup_printf ("%s%s%s%s%s", req->name,
                                     req->extras != NULL ? "[" : "", req->extras != NULL ? req->extras : "",
                                     req->extras != NULL ? "]" : "", req->specifier != NULL ? req->specifier : "");
          else
            title = g_strdup (req->url != NULL ? req->url : "");
          /* Translators: where a requirement is, e.g. "requirements.txt, line 3" */
          where = g_strdup_printf (_("%s, line %u"), req->file, req->line);

          row = adw_action_row_new ();
          adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
          adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), title);
          adw_action_row_set_subtitle (ADW_ACTION_ROW (row), where);
          gtk_widget_add_css_class (row, "monospace");
          adw_expander_row_add_row (self->unpinned_row, row);
          g_ptr_array_add (self->unpinned_rows, row);
        }

      if (dockyard_requirements_get_n_items (requirements) == 0)
        subtitle = g_strdup (_("The file lists no packages yet"));
      else if (n_unpinned == 0)
        subtitle = g_strdup (_("Every requirement is pinned to one version"));
      else
        subtitle = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                                 "%u requirement can change between builds: pin it with ==VERSION",
                                                 "%u requirements can change between builds: pin them with ==VERSION",
                                                 n_unpinned),
                                    n_unpinned);
    }

  self->n_unpinned = n_unpinned;
  _dockyard_dockerfile_page_update_actions (self);
  adw_expander_row_set_subtitle (self->unpinned_row, subtitle);
  adw_expander_row_set_enable_expansion (self->unpinned_row, n_unpinned > 0);
  if (n_unpinned == 0)
    adw_expander_row_set_expanded (self->unpinned_row, FALSE);
  _dockyard_dockerfile_page_set_busy (self);
}

static gboolean
requirements_timeout_cb (gpointer user_data)
{
  DockyardDockerfilePage *self = user_data;
  g_autoptr(GTask) task = NULL;
  const char *name = dockyard_dockerfile_model_get_requirements_file (self->form);
  RequirementsData *data;

  self->requirements_source = 0;
  if (self->requirements_cancellable != NULL)
    g_cancellable_cancel (self->requirements_cancellable);
  g_clear_object (&self->requirements_cancellable);
  self->requirements_serial++;

  gtk_widget_set_visible (GTK_WIDGET (self->unpinned_row), name != NULL && self->project != NULL);
  if (name == NULL || self->project == NULL)
    {
      clear_unpinned_rows (self);
      self->n_unpinned = 0;
      _dockyard_dockerfile_page_update_actions (self);
      _dockyard_dockerfile_page_set_busy (self);
      return G_SOURCE_REMOVE;
    }

  self->requirements_cancellable = g_cancellable_new ();
  data = g_new0 (RequirementsData, 1);
  data->root = g_object_ref (dockyard_project_get_directory (self->project));
  /* Named relative to the build context, read only inside the project. */
  data->file = g_file_resolve_relative_path (dockyard_project_get_context_directory (self->project),
                                             name);
  data->name = g_strdup (name);
  data->serial = self->requirements_serial;

  task = g_task_new (self, self->requirements_cancellable, requirements_cb, NULL);
  g_task_set_source_tag (task, requirements_timeout_cb);
  g_task_set_task_data (task, data, (GDestroyNotify) requirements_data_free);
  self->n_threads++;
  g_task_run_in_thread (task, requirements_thread);

  _dockyard_dockerfile_page_set_busy (self);
  return G_SOURCE_REMOVE;
}

/* The requirements file changed under the page: its findings and its
 * list of unpinned lines are out of date. */
void
_dockyard_dockerfile_page_requirements_written (DockyardDockerfilePage *self)
{
  if (self->form != NULL && self->text != NULL)
    _dockyard_dockerfile_page_start_lint (self);
  _dockyard_dockerfile_page_schedule_requirements (self, 0);
}

void
_dockyard_dockerfile_page_schedule_requirements (DockyardDockerfilePage *self,
                                                 guint                   delay_ms)
{
  g_clear_handle_id (&self->requirements_source, g_source_remove);
  self->requirements_source = g_timeout_add (delay_ms, requirements_timeout_cb, self);
  _dockyard_dockerfile_page_watch_requirements (self);
  _dockyard_dockerfile_page_set_busy (self);
}

