/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <string.h>

#include <glib/gi18n.h>

#include "dockyard-adaptive.h"
#include "dockyard-dockerfile-page-private.h"
#include "dockyard-line-diff.h"
#include "dockyard-project-files.h"
#include "dockyard-read-file.h"

/* Saving the page's text: atomically, the previous version kept as
 * Dockerfile.orig (the first original, never replaced) or a numbered
 * Dockerfile.N.orig, never over a hand-written file or a file changed on
 * disk without asking, and undone from the save's toast. */

typedef struct
{
  DockyardDockerfilePage *self;
  GCancellable           *cancellable;
  GFile                  *root;
  GFile                  *file;
  GFile                  *backup;
  GBytes                 *text;
  GBytes                 *previous;
  char                   *backup_path;
  gboolean                created;
  gboolean                changed_again;
} SaveData;

static void save_check (SaveData *data);

static void
save_data_free (SaveData *data)
{
  g_clear_object (&data->self);
  g_clear_object (&data->cancellable);
  g_clear_object (&data->root);
  g_clear_object (&data->file);
  g_clear_object (&data->backup);
  g_clear_pointer (&data->text, g_bytes_unref);
  g_clear_pointer (&data->previous, g_bytes_unref);
  g_free (data->backup_path);
  g_free (data);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (SaveData, save_data_free)

static void
save_finished (SaveData     *data,
               const GError *error)
{
  DockyardDockerfilePage *self = data->self;

  if (g_cancellable_is_cancelled (data->cancellable))
    return;

  self->saving = FALSE;

  if (error != NULL)
    {
      g_autofree char *message = NULL;

      /* Translators: %s says why, e.g. "Permission denied" */
      message = g_strdup_printf (_("Could not save the Dockerfile: %s"), error->message);
      adw_toast_overlay_add_toast (self->toast_overlay, adw_toast_new (message));
    }
  else if (data->text != NULL)
    {
      gsize length;
      const char *text = g_bytes_get_data (data->text, &length);
      AdwToast *toast;

      g_free (self->disk_text);
      self->disk_text = dup_text (text, length);
      self->disk_length = length;
      g_free (self->clean_text);
      self->clean_text = dup_text (text, length);
      self->clean_length = length;
      self->has_file = TRUE;
      _dockyard_dockerfile_page_mark_changes (self);

      /* A new file becomes the text the form edits from now on. */
      if (self->base_text == NULL)
        {
          g_autoptr(DockyardDockerfile) dockerfile = dockyard_dockerfile_new_from_data (text, length, NULL);

          self->base_text = dup_text (text, length);
          self->base_length = length;
          if (dockerfile != NULL)
            self->base_model = dockyard_dockerfile_model_new_from_dockerfile (dockerfile);
        }

      if (data->previous != NULL && data->backup_path != NULL)
        {
          g_autofree char *backup = g_path_get_basename (data->backup_path);
          g_autofree char *display = g_filename_display_name (backup);
          g_autofree char *title = NULL;

          /* Translators: %s is the backup's name, e.g. Dockerfile.orig or Dockerfile.3.orig */
          title = g_strdup_printf (_("Saved the Dockerfile; the previous version is %s"), display);
          toast = adw_toast_new (title);
          _dockyard_dockerfile_page_offer_undo (self, toast, data->file, FALSE,
                                                data->previous, data->text);
        }
      else
        {
          toast = adw_toast_new (_("Created the Dockerfile"));
          adw_toast_set_timeout (toast, 3);
        }
      adw_toast_overlay_add_toast (self->toast_overlay, toast);

      if (data->created)
        _dockyard_dockerfile_page_schedule_requirements (self, 0);
      g_signal_emit_by_name (self, "saved");
    }

  _dockyard_dockerfile_page_update_dirty (self);
  _dockyard_dockerfile_page_set_busy (self);
}

static void
create_defaults_thread (GTask        *task,
                        gpointer      source_object,
                        gpointer      task_data,
                        GCancellable *cancellable)
{
  GFile *dir = task_data;
  struct {
    const char *name;
    const char *contents;
  } files[] = {
    { ".dockerignore", DOCKYARD_DOCKERIGNORE_DEFAULTS },
    { DOCKYARD_DEFAULT_REQUIREMENTS_FILE, "" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (files); i++)
    {
      GError *error = NULL;
      gboolean existed;

      if (!dockyard_project_create_file (dir, files[i].name, files[i].contents, &existed, cancellable, &error))
        {
          g_task_return_error (task, error);
          return;
        }
    }

  g_task_return_boolean (task, TRUE);
}

static void
create_defaults_cb (GObject      *object,
                    GAsyncResult *result,
                    gpointer      user_data)
{
  g_autoptr(SaveData) data = user_data;
  g_autoptr(GError) error = NULL;

  if (!g_task_propagate_boolean (G_TASK (result), &error) &&
      !g_cancellable_is_cancelled (data->cancellable))
    {
      g_autofree char *message = NULL;

      /* The Dockerfile is saved: say what is missing, and carry on. */
      /* Translators: %s says why, e.g. "Permission denied" */
      message = g_strdup_printf (_("Could not create .dockerignore and requirements.txt: %s"), error->message);
      adw_toast_overlay_add_toast (data->self->toast_overlay, adw_toast_new (message));
    }

  save_finished (data, NULL);
}

/* Both files go through a temporary file renamed into place, also when
 * they do not exist yet: g_file_replace_contents() writes a new file in
 * place, and a crash in the middle would leave an empty or cut Dockerfile
 * or backup.  The temporary files have Dockyard's own names, so that one a
 * kill left behind is removed when the project is opened again. */
static void
write_files_thread (GTask        *task,
                    gpointer      source_object,
                    gpointer      task_data,
                    GCancellable *cancellable)
{
  SaveData *data = task_data;
  g_autofree char *path = NULL;
  g_autofree char *backup_path = data->previous != NULL ? g_file_get_path (data->backup) : NULL;
  g_autofree char *current = NULL;
  g_autoptr(GError) read_error = NULL;
  GError *error = NULL;
  gsize length = 0;

  /* The file may have changed while the user was asked, or since it was
   * checked: then nothing is written and the save starts over, asking
   * about the newer text instead of overwriting it. */
  if (!dockyard_read_file (data->root, data->file, DOCKYARD_MAX_TEXT_FILE_SIZE, &current, &length, &read_error)
      && !g_error_matches (read_error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND))
    {
      g_task_return_error (task, g_steal_pointer (&read_error));
      return;
    }
  if ((current != NULL) != (data->previous != NULL)
      || (current != NULL && (length != g_bytes_get_size (data->previous)
                              || memcmp (current, g_bytes_get_data (data->previous, NULL), length) != 0)))
    {
      data->changed_again = TRUE;
      g_task_return_boolean (task, TRUE);
      return;
    }

  /* Inside the project: through a link to a file in it, never out of it. */
  if (current != NULL)
    path = dockyard_project_resolve_write_path (data->root, data->file, NULL, &error);
  else
    path = g_file_get_path (data->file);
  if (path == NULL && error != NULL)
    {
      g_task_return_error (task, error);
      return;
    }
  if (path == NULL || (data->previous != NULL && backup_path == NULL))
    {
      g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED,
                               _("The project folder is not a local folder."));
      return;
    }

  if (!dockyard_project_replace_keeping_orig (path,
                                              data->previous != NULL
                                              ? g_bytes_get_data (data->previous, NULL) : NULL,
                                              data->previous != NULL
                                              ? g_bytes_get_size (data->previous) : 0,
                                              g_bytes_get_data (data->text, NULL),
                                              g_bytes_get_size (data->text),
                                              &data->backup_path, &error))
    {
      g_task_return_error (task, error);
      return;
    }

  g_task_return_boolean (task, TRUE);
}

static void
files_written_cb (GObject      *object,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  g_autoptr(SaveData) data = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(GTask) task = NULL;
  g_autoptr(GFile) dir = NULL;

  if (!g_task_propagate_boolean (G_TASK (result), &error))
    {
      g_clear_pointer (&data->text, g_bytes_unref);
      save_finished (data, error);
      return;
    }

  if (data->changed_again)
    {
      if (g_cancellable_is_cancelled (data->cancellable))
        return;
      data->changed_again = FALSE;
      g_clear_pointer (&data->previous, g_bytes_unref);
      save_check (g_steal_pointer (&data));
      return;
    }

  if (!data->created)
    {
      save_finished (data, NULL);
      return;
    }

  dir = g_file_get_parent (data->file);
  task = g_task_new (NULL, data->cancellable, create_defaults_cb, data);
  g_task_set_source_tag (task, files_written_cb);
  g_task_set_task_data (task, g_steal_pointer (&dir), g_object_unref);
  g_steal_pointer (&data);
  g_task_run_in_thread (task, create_defaults_thread);
}

static void
save_write (SaveData *data)
{
  g_autoptr(GTask) task = g_task_new (NULL, data->cancellable, files_written_cb, data);

  g_task_set_source_tag (task, save_write);
  g_task_set_task_data (task, data, NULL);
  g_task_run_in_thread (task, write_files_thread);
}

static void
confirm_response_cb (AdwMessageDialog *dialog,
                     const char       *response,
                     gpointer          user_data)
{
  SaveData *data = user_data;
  DockyardDockerfilePage *self = data->self;

  g_signal_handlers_disconnect_by_data (dialog, data);
  if (self->dialog == GTK_WIDGET (dialog))
    self->dialog = NULL;

  if (g_strcmp0 (response, "save") == 0 && !g_cancellable_is_cancelled (data->cancellable))
    {
      self->overwrite_confirmed = TRUE;
      save_write (data);
      return;
    }

  g_clear_pointer (&data->text, g_bytes_unref);
  save_finished (data, NULL);
  save_data_free (data);
}

/* What the save changes in the file, removed lines red, added ones green,
 * as the Pin Requirements review shows its changes. */
static GtkWidget *
diff_view (GBytes *old_text,
           GBytes *new_text)
{
  g_autoptr(GPtrArray) changes = dockyard_line_diff (old_text != NULL ? g_bytes_get_data (old_text, NULL) : "",
                                                     old_text != NULL ? g_bytes_get_size (old_text) : 0,
                                                     g_bytes_get_data (new_text, NULL),
                                                     g_bytes_get_size (new_text));
  g_autofree char *text = dockyard_line_diff_format (changes, 1);
  g_auto(GStrv) lines = g_strsplit (text, "\n", -1);
  g_autoptr(GString) markup = g_string_new (NULL);
  GtkWidget *label;
  GtkWidget *scrolled;

  for (guint i = 0; lines[i] != NULL; i++)
    {
      g_autofree char *escaped = g_markup_escape_text (lines[i], -1);

      if (i > 0)
        g_string_append_c (markup, '\n');
      if (lines[i][0] == '+')
        g_string_append_printf (markup, "<span foreground=\"#26a269\">%s</span>", escaped);
      else if (lines[i][0] == '-')
        g_string_append_printf (markup, "<span foreground=\"#c01c28\">%s</span>", escaped);
      else
        g_string_append (markup, escaped);
    }

  label = gtk_label_new (NULL);
  gtk_label_set_markup (GTK_LABEL (label), markup->str);
  gtk_label_set_xalign (GTK_LABEL (label), 0);
  gtk_label_set_yalign (GTK_LABEL (label), 0);
  gtk_label_set_selectable (GTK_LABEL (label), TRUE);
  gtk_label_set_wrap (GTK_LABEL (label), TRUE);
  gtk_label_set_wrap_mode (GTK_LABEL (label), PANGO_WRAP_WORD_CHAR);
  gtk_widget_add_css_class (label, "monospace");
  gtk_widget_set_margin_top (label, 6);
  gtk_widget_set_margin_bottom (label, 6);
  gtk_widget_set_margin_start (label, 6);
  gtk_widget_set_margin_end (label, 6);
  gtk_widget_set_name (label, "save-diff");

  scrolled = gtk_scrolled_window_new ();
  gtk_scrolled_window_set_policy (GTK_SCROLLED_WINDOW (scrolled), GTK_POLICY_NEVER, GTK_POLICY_AUTOMATIC);
  gtk_scrolled_window_set_propagate_natural_height (GTK_SCROLLED_WINDOW (scrolled), TRUE);
  gtk_scrolled_window_set_max_content_height (GTK_SCROLLED_WINDOW (scrolled), 320);
  gtk_scrolled_window_set_child (GTK_SCROLLED_WINDOW (scrolled), label);
  gtk_widget_add_css_class (scrolled, "card");
  return scrolled;
}

static void
confirm_save (SaveData   *data,
              gboolean    changed_on_disk)
{
  DockyardDockerfilePage *self = data->self;
  GtkRoot *root = gtk_widget_get_root (GTK_WIDGET (self));
  AdwMessageDialog *dialog;

  if (!GTK_IS_WINDOW (root))
    {
      /* Nobody to ask: not overwriting is the safe answer. */
      g_clear_pointer (&data->text, g_bytes_unref);
      save_finished (data, NULL);
      save_data_free (data);
      return;
    }

  if (changed_on_disk)
    {
      dialog = ADW_MESSAGE_DIALOG (adw_message_dialog_new (GTK_WINDOW (root),
                                                           _("Replace the Changed Dockerfile?"),
                                                           _("The Dockerfile was changed outside Dockyard since it was opened. Saving replaces those changes with the lines below; the file as it is now is kept as a backup beside it, ending in .orig.")));
      adw_message_dialog_add_responses (dialog,
                                        "cancel", _("_Cancel"),
                                        "save", _("_Replace"),
                                        NULL);
      adw_message_dialog_set_response_appearance (dialog, "save", ADW_RESPONSE_DESTRUCTIVE);
    }
  else
    {
      dialog = ADW_MESSAGE_DIALOG (adw_message_dialog_new (GTK_WINDOW (root),
                                                           _("Change the Hand-Written Dockerfile?"),
                                                           _("This Dockerfile was not written by Dockyard. Saving rewrites only the lines below and keeps the current file as a backup beside it, ending in .orig.")));
      adw_message_dialog_add_responses (dialog,
                                        "cancel", _("_Cancel"),
                                        "save", _("_Save"),
                                        NULL);
      adw_message_dialog_set_response_appearance (dialog, "save", ADW_RESPONSE_SUGGESTED);
    }
  adw_message_dialog_set_default_response (dialog, "cancel");
  adw_message_dialog_set_close_response (dialog, "cancel");
  adw_message_dialog_set_extra_child (dialog, diff_view (data->previous, data->text));
  gtk_window_set_default_size (GTK_WINDOW (dialog), 640, -1);

  self->dialog = GTK_WIDGET (dialog);
  g_signal_connect (dialog, "response", G_CALLBACK (confirm_response_cb), data);
  gtk_window_present (GTK_WINDOW (dialog));
}

static void
save_check_cb (GObject      *object,
               GAsyncResult *result,
               gpointer      user_data)
{
  g_autoptr(SaveData) data = user_data;
  DockyardDockerfilePage *self = data->self;
  g_autoptr(GError) error = NULL;
  g_autofree char *contents = NULL;
  gsize length = 0;
  gboolean exists;
  gboolean changed;

  if (!dockyard_read_file_finish (G_FILE (object), result, &contents, &length, &error) &&
      !g_error_matches (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND))
    {
      g_clear_pointer (&data->text, g_bytes_unref);
      save_finished (data, error);
      return;
    }

  exists = contents != NULL;
  changed = exists != self->has_file ||
            (exists && !texts_equal (contents, length, self->disk_text, self->disk_length));
  data->created = !exists;
  if (exists)
    data->previous = g_bytes_new_take (g_steal_pointer (&contents), length);

  if (changed)
    confirm_save (g_steal_pointer (&data), TRUE);
  else if (exists && self->hand_written && !self->overwrite_confirmed)
    confirm_save (g_steal_pointer (&data), FALSE);
  else
    save_write (g_steal_pointer (&data));
}

void
_dockyard_dockerfile_page_save_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *parameter)
{
  DockyardDockerfilePage *self = DOCKYARD_DOCKERFILE_PAGE (widget);
  SaveData *data;

  /* A change still waiting for the preview is part of what is saved. */
  if (self->preview_source != 0)
    _dockyard_dockerfile_page_update_preview (self);
  /* Save on an untouched form with an error: the fields show it now. */
  if (self->error != NULL && !self->touched)
    {
      self->touched = TRUE;
      _dockyard_dockerfile_page_form_updated (self);
      return;
    }
  if (self->project == NULL || self->saving || self->loading || self->error != NULL || self->text == NULL)
    return;
  if (!self->dirty && self->has_file)
    return;

  data = g_new0 (SaveData, 1);
  data->self = g_object_ref (self);
  data->root = g_object_ref (dockyard_project_get_directory (self->project));
  data->cancellable = g_object_ref (self->cancellable);
  data->file = _dockyard_dockerfile_page_dockerfile_file (self);
  {
    g_autoptr(GFile) folder = g_file_get_parent (data->file);
    g_autofree char *base = g_file_get_basename (data->file);
    g_autofree char *backup = g_strconcat (base, ".orig", NULL);

    data->backup = g_file_get_child (folder, backup);
  }
  data->text = g_bytes_new (self->text, self->length);

  self->saving = TRUE;
  _dockyard_dockerfile_page_update_status (self);
  _dockyard_dockerfile_page_update_actions (self);
  _dockyard_dockerfile_page_set_busy (self);

  save_check (data);
}

/* What is on disk now: the backup, and whether someone else changed it. */
static void
save_check (SaveData *data)
{
  dockyard_read_file_async (data->root, data->file, DOCKYARD_MAX_TEXT_FILE_SIZE,
                            data->cancellable, save_check_cb, data);
}

/* Undo of a save -------------------------------------------------------- */

typedef struct
{
  GFile    *root;
  GFile    *file;
  GBytes   *previous;
  GBytes   *saved;
  gboolean  requirements;
} UndoData;

static void
undo_data_free (UndoData *data)
{
  g_clear_object (&data->root);
  g_clear_object (&data->file);
  g_clear_pointer (&data->previous, g_bytes_unref);
  g_clear_pointer (&data->saved, g_bytes_unref);
  g_free (data);
}

/* Puts the previous version back, only over the version the save wrote:
 * a file changed since then is left alone. */
static void
undo_thread (GTask        *task,
             gpointer      source_object,
             gpointer      task_data,
             GCancellable *cancellable)
{
  UndoData *data = task_data;
  g_autofree char *current = NULL;
  g_autofree char *path = NULL;
  GError *error = NULL;
  gsize length = 0;

  if (!dockyard_read_file (data->root, data->file, DOCKYARD_MAX_TEXT_FILE_SIZE, &current, &length, &error))
    {
      g_task_return_error (task, error);
      return;
    }
  if (!texts_equal (current, length, g_bytes_get_data (data->saved, NULL), g_bytes_get_size (data->saved)))
    {
      g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_EXISTS,
                               _("The file was changed since it was saved"));
      return;
    }

  path = dockyard_project_resolve_write_path (data->root, data->file, NULL, &error);
  if (path == NULL ||
      !dockyard_project_replace_file (path, g_bytes_get_data (data->previous, NULL),
                                      g_bytes_get_size (data->previous), &error))
    {
      g_task_return_error (task, error);
      return;
    }

  g_task_return_boolean (task, TRUE);
}

static void
undo_cb (GObject      *object,
         GAsyncResult *result,
         gpointer      user_data)
{
  DockyardDockerfilePage *self = DOCKYARD_DOCKERFILE_PAGE (object);
  g_autoptr(GError) error = NULL;
  g_autofree char *message = NULL;

  if (!g_task_propagate_boolean (G_TASK (result), &error))
    {
      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        return;
      /* Translators: %s says why, e.g. "Permission denied" */
      message = g_strdup_printf (_("Could not undo the save: %s"), error->message);
      adw_toast_overlay_add_toast (self->toast_overlay, adw_toast_new (message));
      return;
    }

  {
    AdwToast *toast = adw_toast_new (g_task_get_task_data (G_TASK (result)) != NULL &&
                                     ((UndoData *) g_task_get_task_data (G_TASK (result)))->requirements
                                     ? _("Restored the requirements file as it was before")
                                     : _("Restored the Dockerfile as it was before the save"));

    adw_toast_overlay_add_toast (self->toast_overlay, toast);
  }
  if (((UndoData *) g_task_get_task_data (G_TASK (result)))->requirements)
    _dockyard_dockerfile_page_requirements_written (self);
  else
    _dockyard_dockerfile_page_reload (self);
}

void
_dockyard_dockerfile_page_forget_undo (DockyardDockerfilePage *self)
{
  g_clear_pointer (&self->undo_previous, g_bytes_unref);
  g_clear_pointer (&self->undo_saved, g_bytes_unref);
  g_clear_object (&self->undo_file);
  self->undo_requirements = FALSE;
}

/**
 * _dockyard_dockerfile_page_offer_undo:
 * @toast: the toast that says what was written; gets the Undo button
 * @file: the file written
 * @requirements: whether it is a requirements file (else the Dockerfile)
 * @previous: its text before
 * @saved: what was written
 *
 * Gives a write's toast an Undo that puts @previous back, only over
 * @saved: a file changed since is left alone.
 */
void
_dockyard_dockerfile_page_offer_undo (DockyardDockerfilePage *self,
                                      AdwToast               *toast,
                                      GFile                  *file,
                                      gboolean                requirements,
                                      GBytes                 *previous,
                                      GBytes                 *saved)
{
  _dockyard_dockerfile_page_forget_undo (self);
  /* One Undo on show at a time: the older toast goes first.  (Not a
   * high-priority toast: libadwaita 1.2 puts the one it replaces back in
   * its queue and fails an assertion when it shows it again.) */
  if (self->undo_toast != NULL)
    adw_toast_dismiss (self->undo_toast);
  g_set_weak_pointer (&self->undo_toast, toast);
  self->undo_previous = g_bytes_ref (previous);
  self->undo_saved = g_bytes_ref (saved);
  self->undo_file = g_object_ref (file);
  self->undo_requirements = requirements;

  adw_toast_set_button_label (toast, _("_Undo"));
  adw_toast_set_action_name (toast, "dockerfile.undo-save");
  adw_toast_set_timeout (toast, 10);
  _dockyard_dockerfile_page_update_actions (self);
}

void
_dockyard_dockerfile_page_undo_save_action (GtkWidget  *widget,
                                            const char *action_name,
                                            GVariant   *parameter)
{
  DockyardDockerfilePage *self = DOCKYARD_DOCKERFILE_PAGE (widget);
  g_autoptr(GTask) task = NULL;
  UndoData *data;

  if (self->project == NULL || self->undo_previous == NULL ||
      (self->dirty && !self->undo_requirements))
    return;

  data = g_new0 (UndoData, 1);
  data->root = g_object_ref (dockyard_project_get_directory (self->project));
  data->file = g_steal_pointer (&self->undo_file);
  data->previous = g_steal_pointer (&self->undo_previous);
  data->saved = g_steal_pointer (&self->undo_saved);
  data->requirements = self->undo_requirements;
  self->undo_requirements = FALSE;
  /* Its toast's button dismissed it already. */
  g_clear_weak_pointer (&self->undo_toast);
  _dockyard_dockerfile_page_update_actions (self);

  task = g_task_new (self, self->cancellable, undo_cb, NULL);
  g_task_set_source_tag (task, _dockyard_dockerfile_page_undo_save_action);
  g_task_set_task_data (task, data, (GDestroyNotify) undo_data_free);
  g_task_run_in_thread (task, undo_thread);
}
