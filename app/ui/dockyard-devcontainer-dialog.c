/* SPDX-License-Identifier: GPL-3.0-or-later */
/* "Add Dev Container Configuration": the file is shown before it is
 * written, and an existing configuration is never replaced. */
#include "config.h"

#include <glib/gi18n.h>

#include "dockyard-devcontainer-dialog.h"
#include "dockyard-devcontainer-writer.h"

typedef struct
{
  GtkWindow       *parent;
  DockyardProject *project;
  AdwToastOverlay *toasts;
  char            *user;
  gboolean         host_network;
  char            *text;
} DialogData;

static void
dialog_data_free (DialogData *data)
{
  g_clear_object (&data->parent);
  g_clear_object (&data->project);
  g_clear_object (&data->toasts);
  g_free (data->user);
  g_free (data->text);
  g_free (data);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (DialogData, dialog_data_free)

static DialogData *
dialog_data_copy (const DialogData *data)
{
  DialogData *copy = g_new0 (DialogData, 1);

  copy->parent = g_object_ref (data->parent);
  copy->project = g_object_ref (data->project);
  copy->toasts = data->toasts ? g_object_ref (data->toasts) : NULL;
  copy->user = g_strdup (data->user);
  copy->host_network = data->host_network;
  copy->text = g_strdup (data->text);
  return copy;
}

static void
show_error (GtkWindow  *parent,
            const char *heading,
            const char *body)
{
  GtkWidget *dialog = adw_message_dialog_new (parent, heading, body);

  adw_message_dialog_add_response (ADW_MESSAGE_DIALOG (dialog), "close", _("_Close"));
  gtk_window_present (GTK_WINDOW (dialog));
}

static void
created_cb (GObject      *object,
            GAsyncResult *result,
            gpointer      user_data)
{
  g_autoptr(DialogData) data = user_data;
  g_autoptr(GError) error = NULL;

  if (!dockyard_devcontainer_create_finish (result, &error))
    {
      show_error (data->parent, _("Cannot Add the Dev Container Configuration"), error->message);
      return;
    }

  if (data->toasts != NULL)
    adw_toast_overlay_add_toast (data->toasts,
                                 adw_toast_new (_("Created .devcontainer/devcontainer.json")));
}

static void
response_cb (AdwMessageDialog *dialog,
             const char       *response,
             DialogData       *data)
{
  if (g_strcmp0 (response, "create") != 0)
    return;

  /* The text as shown is what is written. */
  dockyard_devcontainer_create_async (data->project, data->text, NULL, created_cb,
                                      dialog_data_copy (data));
}

static void
generate_thread (GTask        *task,
                 gpointer      source_object,
                 gpointer      task_data,
                 GCancellable *cancellable)
{
  DialogData *data = task_data;
  GError *error = NULL;
  char *text = dockyard_devcontainer_generate (data->project, data->user, data->host_network, &error);

  if (text == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, text, g_free);
}

static void
generated_cb (GObject      *object,
              GAsyncResult *result,
              gpointer      user_data)
{
  g_autoptr(GTask) task = G_TASK (g_object_ref (result));
  DialogData *data = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;
  GtkWidget *dialog;
  GtkWidget *scrolled;
  GtkWidget *view;
  GtkTextBuffer *buffer;

  data->text = g_task_propagate_pointer (task, &error);
  if (data->text == NULL)
    {
      show_error (data->parent, _("Cannot Add the Dev Container Configuration"), error->message);
      return;
    }

  dialog = adw_message_dialog_new (data->parent, _("Add Dev Container Configuration?"),
                                   _("This file lets VS Code, the devcontainer CLI and the other "
                                     "Dev Containers tools open the project as Dockyard’s dev "
                                     "container does. It is written as "
                                     ".devcontainer/devcontainer.json."));
  buffer = gtk_text_buffer_new (NULL);
  gtk_text_buffer_set_text (buffer, data->text, -1);
  view = gtk_text_view_new_with_buffer (buffer);
  g_object_unref (buffer);
  gtk_text_view_set_editable (GTK_TEXT_VIEW (view), FALSE);
  gtk_text_view_set_monospace (GTK_TEXT_VIEW (view), TRUE);
  gtk_text_view_set_left_margin (GTK_TEXT_VIEW (view), 6);
  gtk_text_view_set_top_margin (GTK_TEXT_VIEW (view), 6);
  gtk_accessible_update_property (GTK_ACCESSIBLE (view), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  _("The configuration"), -1);
  scrolled = gtk_scrolled_window_new ();
  gtk_scrolled_window_set_child (GTK_SCROLLED_WINDOW (scrolled), view);
  gtk_scrolled_window_set_min_content_height (GTK_SCROLLED_WINDOW (scrolled), 240);
  gtk_scrolled_window_set_min_content_width (GTK_SCROLLED_WINDOW (scrolled), 420);
  gtk_widget_add_css_class (scrolled, "card");
  adw_message_dialog_set_extra_child (ADW_MESSAGE_DIALOG (dialog), scrolled);

  adw_message_dialog_add_responses (ADW_MESSAGE_DIALOG (dialog),
                                    "cancel", _("_Cancel"),
                                    "create", _("C_reate"),
                                    NULL);
  adw_message_dialog_set_response_appearance (ADW_MESSAGE_DIALOG (dialog), "create",
                                              ADW_RESPONSE_SUGGESTED);
  adw_message_dialog_set_default_response (ADW_MESSAGE_DIALOG (dialog), "create");
  adw_message_dialog_set_close_response (ADW_MESSAGE_DIALOG (dialog), "cancel");
  g_signal_connect_data (dialog, "response", G_CALLBACK (response_cb),
                         dialog_data_copy (data), (GClosureNotify) (void (*) (void)) dialog_data_free, 0);
  gtk_window_present (GTK_WINDOW (dialog));
}

/**
 * dockyard_devcontainer_dialog_present:
 * @user: (nullable): the dev container's user, "uid:gid"
 * @host_network: whether the dev container shares the host's network
 * @toasts: (nullable): where to say that the file was written
 *
 * Makes the configuration (in a thread: it reads the Dockerfile), shows
 * it, and writes it when the user agrees.
 */
void
dockyard_devcontainer_dialog_present (GtkWindow       *parent,
                                      DockyardProject *project,
                                      const char      *user,
                                      gboolean         host_network,
                                      AdwToastOverlay *toasts)
{
  g_autoptr(GTask) task = NULL;
  DialogData *data;

  g_return_if_fail (GTK_IS_WINDOW (parent));
  g_return_if_fail (DOCKYARD_IS_PROJECT (project));

  data = g_new0 (DialogData, 1);
  data->parent = g_object_ref (parent);
  data->project = g_object_ref (project);
  data->toasts = toasts ? g_object_ref (toasts) : NULL;
  data->user = g_strdup (user);
  data->host_network = host_network;

  task = g_task_new (NULL, NULL, generated_cb, NULL);
  g_task_set_source_tag (task, dockyard_devcontainer_dialog_present);
  g_task_set_task_data (task, data, (GDestroyNotify) dialog_data_free);
  g_task_run_in_thread (task, generate_thread);
}
