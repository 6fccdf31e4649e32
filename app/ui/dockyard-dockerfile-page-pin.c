/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <glib/gi18n.h>

#include "dockyard-dockerfile-page-private.h"
#include "dockyard-pin-requirements.h"

/* Pin Requirements: the versions come from the last built image, the
 * change is shown line by line, and only Apply writes the file. */

static void
pin_finished (DockyardDockerfilePage *self)
{
  gtk_widget_set_visible (GTK_WIDGET (self->pin_spinner), FALSE);
  gtk_spinner_set_spinning (self->pin_spinner, FALSE);
  g_clear_object (&self->pin_cancellable);
  _dockyard_dockerfile_page_update_actions (self);
  _dockyard_dockerfile_page_set_busy (self);
}

static void
toast (DockyardDockerfilePage *self,
       const char             *text)
{
  adw_toast_overlay_add_toast (self->toast_overlay, adw_toast_new (text));
}

static void
applied_cb (GObject      *object,
            GAsyncResult *result,
            gpointer      user_data)
{
  g_autoptr(DockyardDockerfilePage) self = user_data;
  DockyardPinPlan *plan = g_task_get_task_data (G_TASK (result));
  g_autoptr(GError) error = NULL;
  g_autofree char *text = NULL;

  if (!dockyard_pin_plan_apply_finish (result, &error))
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        {
          /* Translators: %s says why, e.g. "Permission denied" */
          text = g_strdup_printf (_("Could not pin the requirements: %s"), error->message);
          toast (self, text);
          pin_finished (self);
        }
      return;
    }

  {
    const char *backup_path = dockyard_pin_plan_get_backup_path (plan);
    g_autofree char *backup = g_path_get_basename (backup_path != NULL ? backup_path : "");
    g_autofree char *name = g_filename_display_name (backup);
    guint n = dockyard_pin_plan_get_n_changes (plan);

    /* Translators: %u is a number of lines, %s a file name such as requirements.txt.orig */
    text = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                         "Pinned %u requirement; the previous version is %s",
                                         "Pinned %u requirements; the previous version is %s",
                                         n),
                            n, name);
  }
  {
    AdwToast *pinned = adw_toast_new (text);

    _dockyard_dockerfile_page_offer_undo (self, pinned, dockyard_pin_plan_get_file (plan), TRUE,
                                          dockyard_pin_plan_get_original (plan),
                                          dockyard_pin_plan_get_text (plan));
    adw_toast_overlay_add_toast (self->toast_overlay, pinned);
  }
  pin_finished (self);
  _dockyard_dockerfile_page_requirements_written (self);
}

static void
review_response_cb (AdwMessageDialog *dialog,
                    const char       *response,
                    gpointer          user_data)
{
  DockyardDockerfilePage *self = user_data;
  DockyardPinPlan *plan = g_object_get_data (G_OBJECT (dialog), "plan");

  g_signal_handlers_disconnect_by_data (dialog, self);
  if (self->dialog == GTK_WIDGET (dialog))
    self->dialog = NULL;

  if (g_strcmp0 (response, "apply") == 0 && self->pin_cancellable != NULL &&
      !g_cancellable_is_cancelled (self->pin_cancellable))
    {
      dockyard_pin_plan_apply_async (plan, self->pin_cancellable, applied_cb, g_object_ref (self));
      return;
    }

  if (self->pin_cancellable != NULL && !g_cancellable_is_cancelled (self->pin_cancellable))
    pin_finished (self);
}

static GtkWidget *
pin_row (const DockyardRequirementPin *pin)
{
  g_autofree char *title = NULL;
  g_autofree char *subtitle = NULL;
  GtkWidget *row = adw_action_row_new ();

  if (pin->new_text != NULL)
    {
      /* Translators: a line of requirements.txt before and after pinning */
      title = g_strdup_printf (_("%s → %s"), pin->old_text, pin->new_text);
      /* Translators: %u is a line number */
      subtitle = g_strdup_printf (_("Line %u"), pin->line);
    }
  else if (pin->version == NULL)
    {
      title = g_strdup (pin->old_text);
      /* Translators: %u is a line number */
      subtitle = g_strdup_printf (_("Line %u · not installed in the image: stays as it is"), pin->line);
    }
  else
    {
      title = g_strdup (pin->old_text);
      /* Translators: %u is a line number, %s a version such as 2.31.0 */
      subtitle = g_strdup_printf (_("Line %u · %s is installed, but the line is too unusual to rewrite: pin it by hand"),
                                  pin->line, pin->version);
    }

  adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), title);
  adw_action_row_set_subtitle (ADW_ACTION_ROW (row), subtitle);
  adw_action_row_set_title_lines (ADW_ACTION_ROW (row), 3);
  gtk_widget_add_css_class (row, "monospace");
  return row;
}

static void
review (DockyardDockerfilePage *self,
        DockyardPinPlan        *plan)
{
  GtkRoot *root = gtk_widget_get_root (GTK_WIDGET (self));
  g_autofree char *name = g_filename_display_name (dockyard_pin_plan_get_display_name (plan));
  g_autofree char *body = NULL;
  guint n_changes = dockyard_pin_plan_get_n_changes (plan);
  GtkWidget *list;
  GtkWidget *scrolled;
  AdwMessageDialog *dialog;

  if (!GTK_IS_WINDOW (root))
    {
      pin_finished (self);
      return;
    }

  if (n_changes > 0)
    /* Translators: %u is a number of lines, %s a file name such as requirements.txt */
    body = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                         "%u line of %s gets the version installed in the last built image. The file as it is now is kept as a backup beside it, ending in .orig.",
                                         "%u lines of %s get the version installed in the last built image. The file as it is now is kept as a backup beside it, ending in .orig.",
                                         n_changes),
                            n_changes, name);
  else
    /* Translators: %s is a file name such as requirements.txt */
    body = g_strdup_printf (_("None of the unpinned requirements of %s is installed in the last built image: there is nothing to pin them to."),
                            name);

  list = gtk_list_box_new ();
  gtk_list_box_set_selection_mode (GTK_LIST_BOX (list), GTK_SELECTION_NONE);
  gtk_widget_add_css_class (list, "boxed-list");
  for (guint i = 0; i < dockyard_pin_plan_get_n_pins (plan); i++)
    gtk_list_box_append (GTK_LIST_BOX (list), pin_row (dockyard_pin_plan_get_pin (plan, i)));

  scrolled = gtk_scrolled_window_new ();
  gtk_scrolled_window_set_policy (GTK_SCROLLED_WINDOW (scrolled), GTK_POLICY_NEVER, GTK_POLICY_AUTOMATIC);
  gtk_scrolled_window_set_propagate_natural_height (GTK_SCROLLED_WINDOW (scrolled), TRUE);
  gtk_scrolled_window_set_max_content_height (GTK_SCROLLED_WINDOW (scrolled), 320);
  gtk_scrolled_window_set_child (GTK_SCROLLED_WINDOW (scrolled), list);

  dialog = ADW_MESSAGE_DIALOG (adw_message_dialog_new (GTK_WINDOW (root), _("Pin Requirements?"), body));
  adw_message_dialog_set_extra_child (dialog, scrolled);
  gtk_window_set_default_size (GTK_WINDOW (dialog), 560, -1);
  adw_message_dialog_add_responses (dialog,
                                    "cancel", _("_Cancel"),
                                    "apply", _("_Apply"),
                                    NULL);
  adw_message_dialog_set_response_appearance (dialog, "apply", ADW_RESPONSE_SUGGESTED);
  adw_message_dialog_set_response_enabled (dialog, "apply", n_changes > 0);
  adw_message_dialog_set_default_response (dialog, n_changes > 0 ? "apply" : "cancel");
  adw_message_dialog_set_close_response (dialog, "cancel");
  g_object_set_data_full (G_OBJECT (dialog), "plan", dockyard_pin_plan_ref (plan),
                          (GDestroyNotify) dockyard_pin_plan_unref);

  self->dialog = GTK_WIDGET (dialog);
  g_signal_connect (dialog, "response", G_CALLBACK (review_response_cb), self);
  gtk_window_present (GTK_WINDOW (dialog));
}

static void
error_response_cb (AdwMessageDialog *dialog,
                   const char       *response,
                   gpointer          user_data)
{
  DockyardDockerfilePage *self = user_data;

  g_signal_handlers_disconnect_by_data (dialog, self);
  if (self->dialog == GTK_WIDGET (dialog))
    self->dialog = NULL;

  /* The window's Build: it saves nothing by itself and shows the log. */
  if (g_strcmp0 (response, "build") == 0)
    gtk_widget_activate_action (GTK_WIDGET (self), "win.build", NULL);
}

static void
show_error (DockyardDockerfilePage *self,
            const GError           *error)
{
  GtkRoot *root = gtk_widget_get_root (GTK_WIDGET (self));
  gboolean no_image = g_error_matches (error, DOCKYARD_PIN_ERROR, DOCKYARD_PIN_ERROR_NO_IMAGE);
  AdwMessageDialog *dialog;

  if (!GTK_IS_WINDOW (root))
    {
      toast (self, error->message);
      return;
    }

  dialog = ADW_MESSAGE_DIALOG (adw_message_dialog_new (GTK_WINDOW (root),
                                                       no_image ? _("The Image Is Not Built Yet")
                                                                : _("Cannot Pin the Requirements"),
                                                       error->message));
  if (no_image)
    {
      adw_message_dialog_add_responses (dialog,
                                        "cancel", _("_Cancel"),
                                        "build", _("_Build"),
                                        NULL);
      adw_message_dialog_set_response_appearance (dialog, "build", ADW_RESPONSE_SUGGESTED);
      adw_message_dialog_set_default_response (dialog, "build");
      adw_message_dialog_set_close_response (dialog, "cancel");
    }
  else
    {
      adw_message_dialog_add_response (dialog, "cancel", _("_Close"));
      adw_message_dialog_set_close_response (dialog, "cancel");
    }

  self->dialog = GTK_WIDGET (dialog);
  g_signal_connect (dialog, "response", G_CALLBACK (error_response_cb), self);
  gtk_window_present (GTK_WINDOW (dialog));
}

static void
pinned_cb (GObject      *object,
           GAsyncResult *result,
           gpointer      user_data)
{
  g_autoptr(DockyardDockerfilePage) self = user_data;
  g_autoptr(DockyardPinPlan) plan = NULL;
  g_autoptr(GError) error = NULL;

  plan = dockyard_pin_requirements_finish (result, &error);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;

  if (plan == NULL)
    {
      pin_finished (self);
      show_error (self, error);
      return;
    }

  if (dockyard_pin_plan_get_n_pins (plan) == 0)
    {
      pin_finished (self);
      toast (self, _("No requirement can be pinned to a version: the unpinned lines name files or addresses"));
      return;
    }

  gtk_widget_set_visible (GTK_WIDGET (self->pin_spinner), FALSE);
  gtk_spinner_set_spinning (self->pin_spinner, FALSE);
  review (self, plan);
}

void
_dockyard_dockerfile_page_pin_action (GtkWidget  *widget,
                                      const char *action_name,
                                      GVariant   *parameter)
{
  DockyardDockerfilePage *self = DOCKYARD_DOCKERFILE_PAGE (widget);
  const char *name = self->form ? dockyard_dockerfile_model_get_requirements_file (self->form) : NULL;

  if (self->project == NULL || self->engine == NULL || name == NULL || self->pin_cancellable != NULL)
    return;

  self->pin_cancellable = g_cancellable_new ();
  gtk_widget_set_visible (GTK_WIDGET (self->pin_spinner), TRUE);
  gtk_spinner_set_spinning (self->pin_spinner, TRUE);
  _dockyard_dockerfile_page_update_actions (self);
  _dockyard_dockerfile_page_set_busy (self);

  dockyard_pin_requirements_async (self->project, self->engine, name, self->pin_cancellable,
                                   pinned_cb, g_object_ref (self));
}
