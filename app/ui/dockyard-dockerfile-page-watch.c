/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <glib/gi18n.h>

#include "dockyard-read-file.h"
#include "dockyard-dockerfile-page-private.h"
#include "dockyard-project-files.h"

/* The project's Dockerfile, .dockerignore and requirements file changed by
 * someone else (an editor, git, a shell): the page follows (issue 18,
 * item 2).  Without unsaved edits the Dockerfile is read again; with them,
 * a bar says so and offers Reload (after asking, it discards them) or Keep
 * Mine (then saving asks "Replace the Changed Dockerfile?", shows what
 * changes and keeps the version on disk as the backup).  A changed
 * .dockerignore or requirements file updates the findings and the
 * requirements rows.  Dockyard's own saves change nothing: the text on
 * disk is compared with the one the page knows. */

/* Editors write in several steps (truncate, write, rename): look once
 * they are done. */
#define SETTLE_MS 250

static void
clear_monitor (GFileMonitor **monitor,
               gpointer       data)
{
  if (*monitor == NULL)
    return;
  g_signal_handlers_disconnect_by_data (*monitor, data);
  g_file_monitor_cancel (*monitor);
  g_clear_object (monitor);
}

static void
set_disk_changed (DockyardDockerfilePage *self,
                  gboolean                changed)
{
  self->disk_changed = changed;
  gtk_revealer_set_reveal_child (self->disk_changed_revealer, changed);
  _dockyard_dockerfile_page_update_status (self);
}

/* The read does not keep the page alive: closing it is immediate. */
static void
dockerfile_read_cb (GObject      *object,
                    GAsyncResult *result,
                    gpointer      user_data)
{
  GWeakRef *page_ref = user_data;
  g_autoptr(DockyardDockerfilePage) self = g_weak_ref_get (page_ref);
  g_autoptr(GError) error = NULL;
  g_autofree char *contents = NULL;
  gsize length = 0;
  gboolean exists;

  g_weak_ref_clear (page_ref);
  g_free (page_ref);

  if (!dockyard_read_file_finish (G_FILE (object), result, &contents, &length, &error) &&
      !g_error_matches (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND))
    return;
  if (self == NULL || self->project == NULL || self->loading || self->saving)
    return;

  exists = contents != NULL;
  if (exists == self->has_file &&
      (!exists || texts_equal (contents, length, self->disk_text, self->disk_length)))
    return;

  if (!self->dirty)
    {
      AdwToast *toast = adw_toast_new (exists ? _("The Dockerfile changed on disk: showing it as it is now")
                                              : _("The Dockerfile was removed from the folder"));

      adw_toast_set_timeout (toast, 4);
      adw_toast_overlay_add_toast (self->toast_overlay, toast);
      set_disk_changed (self, FALSE);
      _dockyard_dockerfile_page_reload (self);
      return;
    }

  gtk_label_set_label (self->disk_changed_label,
                       exists ? _("The Dockerfile was changed on disk while you have unsaved changes here.")
                              : _("The Dockerfile was removed from the folder while you have unsaved changes here."));
  set_disk_changed (self, TRUE);
}

static gboolean
watch_timeout_cb (gpointer user_data)
{
  DockyardDockerfilePage *self = user_data;

  self->watch_source = 0;
  if (self->project == NULL)
    return G_SOURCE_REMOVE;

  /* During a load or a save, look again afterwards. */
  if (self->loading || self->saving)
    {
      self->watch_source = g_timeout_add (SETTLE_MS, watch_timeout_cb, self);
      return G_SOURCE_REMOVE;
    }

  if (self->watch_dockerfile)
    {
      g_autoptr(GFile) file = _dockyard_dockerfile_page_dockerfile_file (self);
      GWeakRef *page_ref = g_new0 (GWeakRef, 1);

      self->watch_dockerfile = FALSE;
      g_weak_ref_init (page_ref, self);
      dockyard_read_file_async (dockyard_project_get_directory (self->project), file,
                                DOCKYARD_MAX_TEXT_FILE_SIZE, self->cancellable,
                                dockerfile_read_cb, page_ref);
    }

  if (self->watch_others)
    {
      self->watch_others = FALSE;
      _dockyard_dockerfile_page_schedule_requirements (self, 0);
      if (self->text != NULL && !self->loading)
        _dockyard_dockerfile_page_start_lint (self);
    }

  return G_SOURCE_REMOVE;
}

static void
monitor_changed_cb (GFileMonitor      *monitor,
                    GFile             *file,
                    GFile             *other_file,
                    GFileMonitorEvent  event,
                    gpointer           user_data)
{
  DockyardDockerfilePage *self = user_data;

  switch (event)
    {
    case G_FILE_MONITOR_EVENT_CHANGES_DONE_HINT:
    case G_FILE_MONITOR_EVENT_CHANGED:
    case G_FILE_MONITOR_EVENT_CREATED:
    case G_FILE_MONITOR_EVENT_DELETED:
    case G_FILE_MONITOR_EVENT_MOVED:
    case G_FILE_MONITOR_EVENT_MOVED_IN:
    case G_FILE_MONITOR_EVENT_MOVED_OUT:
    case G_FILE_MONITOR_EVENT_RENAMED:
      break;
    case G_FILE_MONITOR_EVENT_ATTRIBUTE_CHANGED:
    case G_FILE_MONITOR_EVENT_PRE_UNMOUNT:
    case G_FILE_MONITOR_EVENT_UNMOUNTED:
    default:
      return;
    }

  if (monitor == self->dockerfile_monitor)
    self->watch_dockerfile = TRUE;
  else
    self->watch_others = TRUE;

  g_clear_handle_id (&self->watch_source, g_source_remove);
  self->watch_source = g_timeout_add (SETTLE_MS, watch_timeout_cb, self);
}

static GFileMonitor *
watch_file (DockyardDockerfilePage *self,
            GFile                  *file)
{
  g_autoptr(GError) error = NULL;
  GFileMonitor *monitor = g_file_monitor_file (file, G_FILE_MONITOR_NONE, NULL, &error);

  if (monitor == NULL)
    {
      g_autofree char *name = g_file_get_parse_name (file);

      /* The page still works; it only does not notice outside changes. */
      g_debug ("Cannot watch %s: %s", name, error->message);
      return NULL;
    }

  g_file_monitor_set_rate_limit (monitor, SETTLE_MS);
  g_signal_connect (monitor, "changed", G_CALLBACK (monitor_changed_cb), self);
  return monitor;
}

/**
 * _dockyard_dockerfile_page_watch_requirements:
 *
 * Watches the requirements file the form names now (the default one when
 * it names none).
 */
void
_dockyard_dockerfile_page_watch_requirements (DockyardDockerfilePage *self)
{
  const char *name = NULL;
  g_autoptr(GFile) file = NULL;

  if (self->project == NULL)
    return;

  if (self->form != NULL)
    name = dockyard_dockerfile_model_get_requirements_file (self->form);
  if (name == NULL || g_path_is_absolute (name))
    name = DOCKYARD_DEFAULT_REQUIREMENTS_FILE;

  file = g_file_resolve_relative_path (dockyard_project_get_directory (self->project), name);
  if (self->requirements_watched != NULL && g_file_equal (file, self->requirements_watched))
    return;

  clear_monitor (&self->requirements_monitor, self);
  g_set_object (&self->requirements_watched, file);
  self->requirements_monitor = watch_file (self, file);
}

/**
 * _dockyard_dockerfile_page_watch:
 *
 * Starts watching the project's files; see the top of this file.
 */
void
_dockyard_dockerfile_page_watch (DockyardDockerfilePage *self)
{
  g_autoptr(GFile) dockerfile = NULL;
  g_autoptr(GFile) ignore = NULL;

  _dockyard_dockerfile_page_unwatch (self);
  if (self->project == NULL)
    return;

  dockerfile = _dockyard_dockerfile_page_dockerfile_file (self);
  ignore = g_file_get_child (dockyard_project_get_directory (self->project), ".dockerignore");
  self->dockerfile_monitor = watch_file (self, dockerfile);
  self->ignore_monitor = watch_file (self, ignore);
  _dockyard_dockerfile_page_watch_requirements (self);
}

void
_dockyard_dockerfile_page_unwatch (DockyardDockerfilePage *self)
{
  clear_monitor (&self->dockerfile_monitor, self);
  clear_monitor (&self->ignore_monitor, self);
  clear_monitor (&self->requirements_monitor, self);
  g_clear_object (&self->requirements_watched);
  g_clear_handle_id (&self->watch_source, g_source_remove);
  self->watch_dockerfile = FALSE;
  self->watch_others = FALSE;
  if (self->disk_changed_revealer != NULL)
    set_disk_changed (self, FALSE);
}

void
_dockyard_dockerfile_page_keep_mine_action (GtkWidget  *widget,
                                            const char *action_name,
                                            GVariant   *parameter)
{
  DockyardDockerfilePage *self = DOCKYARD_DOCKERFILE_PAGE (widget);

  /* The save that follows finds the file changed and asks, with the diff. */
  set_disk_changed (self, FALSE);
}

static void
discard_response_cb (AdwMessageDialog *dialog,
                     const char       *response,
                     gpointer          user_data)
{
  DockyardDockerfilePage *self = user_data;

  g_signal_handlers_disconnect_by_data (dialog, self);
  if (self->dialog == GTK_WIDGET (dialog))
    self->dialog = NULL;

  if (g_strcmp0 (response, "discard") != 0)
    return;

  set_disk_changed (self, FALSE);
  _dockyard_dockerfile_page_reload (self);
}

void
_dockyard_dockerfile_page_reload_changed_action (GtkWidget  *widget,
                                                 const char *action_name,
                                                 GVariant   *parameter)
{
  DockyardDockerfilePage *self = DOCKYARD_DOCKERFILE_PAGE (widget);
  GtkRoot *root = gtk_widget_get_root (widget);
  AdwMessageDialog *dialog;

  if (!self->dirty || !GTK_IS_WINDOW (root))
    {
      set_disk_changed (self, FALSE);
      _dockyard_dockerfile_page_reload (self);
      return;
    }

  dialog = ADW_MESSAGE_DIALOG (adw_message_dialog_new (GTK_WINDOW (root),
                                                       _("Discard Your Changes?"),
                                                       _("Reloading shows the Dockerfile as it is on disk now. The changes you have not saved are lost.")));
  adw_message_dialog_add_responses (dialog,
                                    "cancel", _("_Cancel"),
                                    "discard", _("_Discard and Reload"),
                                    NULL);
  adw_message_dialog_set_response_appearance (dialog, "discard", ADW_RESPONSE_DESTRUCTIVE);
  adw_message_dialog_set_default_response (dialog, "cancel");
  adw_message_dialog_set_close_response (dialog, "cancel");

  self->dialog = GTK_WIDGET (dialog);
  g_signal_connect (dialog, "response", G_CALLBACK (discard_response_cb), self);
  gtk_window_present (GTK_WINDOW (dialog));
}
