/* SPDX-License-Identifier: GPL-3.0-or-later */
/* "Add Dev Container Configuration": the file is previewed, written as
 * previewed when the user agrees, and never written over. */
#include "config.h"

#include "ui-test-utils.h"

static AdwMessageDialog *
open_dialog (DockyardUiTestProject *f)
{
  AdwMessageDialog *dialog;

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (f->window), "win.add-devcontainer", NULL));
  dialog = ADW_MESSAGE_DIALOG (dockyard_ui_test_wait_for_toplevel (ADW_TYPE_MESSAGE_DIALOG, NULL, 30));
  g_assert_nonnull (dialog);
  return dialog;
}

static char *
previewed_text (AdwMessageDialog *dialog)
{
  GtkWidget *view = dockyard_ui_test_find_widget (adw_message_dialog_get_extra_child (dialog),
                                                  GTK_TYPE_TEXT_VIEW);
  GtkTextBuffer *buffer = gtk_text_view_get_buffer (GTK_TEXT_VIEW (view));
  GtkTextIter start, end;

  gtk_text_buffer_get_bounds (buffer, &start, &end);
  return gtk_text_buffer_get_text (buffer, &start, &end, FALSE);
}

static void
test_preview_and_write (void)
{
  DockyardUiTestProject *f = dockyard_ui_test_project_new ("dialog-project",
                                                           "FROM localhost/base:1.0\nWORKDIR /srv/app\n");
  g_autofree char *path = g_build_filename (f->project, ".devcontainer", "devcontainer.json", NULL);
  g_autofree char *shown = NULL;
  g_autofree char *written = NULL;
  g_autofree char *again = NULL;
  AdwMessageDialog *dialog;
  gint64 deadline;

  dockyard_ui_test_project_open (f, 0, 0);

  dialog = open_dialog (f);
  shown = previewed_text (dialog);
  g_assert_nonnull (strstr (shown, "\"dockerfile\" : \"../Dockerfile\""));
  g_assert_nonnull (strstr (shown, "\"workspaceFolder\" : \"/srv/app\""));
  g_assert_nonnull (strstr (shown, "8888"));
  dockyard_ui_test_settle (300);
  dockyard_ui_test_save_screenshot (GTK_WIDGET (dialog), "devcontainer-dialog.png");
  /* Nothing is written before the user agrees. */
  g_assert_false (g_file_test (path, G_FILE_TEST_EXISTS));

  /* As a click on the button does: the response, then the dialog closes. */
  adw_message_dialog_response (dialog, "create");
  gtk_window_destroy (GTK_WINDOW (dialog));
  deadline = g_get_monotonic_time () + 10 * G_USEC_PER_SEC;
  while (!g_file_test (path, G_FILE_TEST_EXISTS))
    {
      g_assert_cmpint (g_get_monotonic_time (), <, deadline);
      dockyard_ui_test_iterate ();
    }
  g_assert_true (g_file_get_contents (path, &written, NULL, NULL));
  g_assert_cmpstr (written, ==, shown);

  /* Asked again (the project was opened without one): refused, unchanged. */
  dockyard_ui_test_settle (200);
  dialog = open_dialog (f);
  adw_message_dialog_response (dialog, "create");
  {
    AdwMessageDialog *asked = dialog;

    dialog = ADW_MESSAGE_DIALOG (dockyard_ui_test_wait_for_toplevel (ADW_TYPE_MESSAGE_DIALOG,
                                                                     GTK_WINDOW (asked), 30));
    gtk_window_destroy (GTK_WINDOW (asked));
  }
  g_assert_nonnull (strstr (adw_message_dialog_get_body (dialog), "already"));
  g_assert_true (g_file_get_contents (path, &again, NULL, NULL));
  g_assert_cmpstr (again, ==, written);
  gtk_window_destroy (GTK_WINDOW (dialog));
  dockyard_ui_test_settle (300);

  dockyard_ui_test_project_free (f);
}

int
main (int   argc,
      char *argv[])
{
  dockyard_ui_test_init (&argc, &argv);

  g_test_add_func ("/devcontainer-dialog/preview-and-write", test_preview_and_write);

  return g_test_run ();
}
