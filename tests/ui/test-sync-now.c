/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Issue 20: Dev on an engine on another computer, through the real window
 * (the suite's engine counted as elsewhere): the project's files are in
 * the dev shell, Sync Now is on the Terminal page, a file a typed command
 * made comes back, and a deletion is applied only once the alert's Delete
 * is clicked. */
#include "config.h"

#include <string.h>

#include <adwaita.h>
#include <vte/vte.h>

#include "dockyard-adaptive.h"
#include "dockyard-application.h"
#include "dockyard-terminal-page.h"
#include "dockyard-test-utils.h"
#include "dockyard-window.h"
#include "ui-test-utils.h"

static GtkWidget *
sync_button (DockyardWindow *window)
{
  GtkWidget *page = GTK_WIDGET (gtk_widget_get_template_child (GTK_WIDGET (window), DOCKYARD_TYPE_WINDOW,
                                                                "terminal_page"));
  GObject *button;

  g_assert_nonnull (page);
  button = gtk_widget_get_template_child (page, DOCKYARD_TYPE_TERMINAL_PAGE, "sync_button");
  g_assert_nonnull (button);
  return GTK_WIDGET (button);
}

static void
wait_for_file (const char *path,
               gboolean    exists)
{
  gint64 deadline = g_get_monotonic_time () + 60 * G_USEC_PER_SEC;

  while (g_file_test (path, G_FILE_TEST_EXISTS) != exists)
    {
      g_assert_cmpint (g_get_monotonic_time (), <, deadline);
      dockyard_ui_test_iterate ();
    }
}

/* The alert the next sync shows, once there: its heading must be @heading
 * and its text name @name. */
static GtkWidget *
sync_and_wait_for_alert (DockyardWindow *window,
                         const char     *heading,
                         const char     *name)
{
  GtkWidget *alert;
  g_autofree char *body = NULL;

  g_assert_true (gtk_widget_get_sensitive (sync_button (window)));
  g_signal_emit_by_name (sync_button (window), "clicked");
  alert = dockyard_ui_test_wait_for_alert (120);
  g_assert_cmpstr (dockyard_alert_get_heading (alert), ==, heading);
  /* AdwMessageDialog and AdwAlertDialog both have it. */
  g_object_get (alert, "body", &body, NULL);
  g_assert_nonnull (strstr (body, name));
  return alert;
}

static void
test_sync_now (void)
{
  DockyardUiTestProject *f;
  DockyardWindow *window;
  DockyardDevSession *session;
  DockyardTerminal *terminal;
  g_autoptr(DockyardEngine) engine = NULL;
  g_autofree char *dockerfile = NULL;
  g_autofree char *gone = NULL;
  g_autofree char *typed = NULL;
  g_autofree char *typed_text = NULL;
  g_autofree char *volume = NULL;
  GtkWidget *alert;

  DOCKYARD_TEST_REQUIRE_ENGINE (dockyard_test_engine_socket ());

  dockerfile = g_strdup_printf ("FROM %s\nWORKDIR /usr/src/app\n", g_getenv ("DOCKYARD_TEST_BUSYBOX_IMAGE"));
  f = dockyard_ui_test_project_new ("Sync Now", dockerfile);
  gone = g_build_filename (f->project, "gone.txt", NULL);
  typed = g_build_filename (f->project, "typed.txt", NULL);
  g_assert_true (g_file_set_contents (gone, "to be deleted in the container\n", -1, NULL));
  dockyard_ui_test_project_open (f, 1280, 800);
  window = f->window;

  g_action_group_activate_action (G_ACTION_GROUP (f->app), "build", NULL);
  dockyard_ui_test_wait_for_build_end (window);

  /* Dev: the files were synced into the volume before the shell started. */
  g_action_group_activate_action (G_ACTION_GROUP (f->app), "dev", NULL);
  session = dockyard_window_get_dev_session (window);
  terminal = dockyard_window_get_terminal (window, 0);
  {
    gint64 deadline = g_get_monotonic_time () + 120 * G_USEC_PER_SEC;

    while (dockyard_dev_session_get_state (session) != DOCKYARD_DEV_SESSION_RUNNING ||
           dockyard_terminal_get_stream (terminal) == NULL)
      {
        g_assert_cmpint (g_get_monotonic_time (), <, deadline);
        dockyard_ui_test_iterate ();
      }
  }
  g_assert_nonnull (dockyard_dev_session_get_sync (session));
  volume = g_strdup (dockyard_volume_sync_get_volume_name (dockyard_dev_session_get_sync (session)));
  g_assert_true (gtk_widget_get_visible (sync_button (window)));

  vte_terminal_feed_child (dockyard_terminal_get_vte (terminal),
                           "cat gone.txt && echo typed > typed.txt && rm gone.txt && echo do''ne\r", -1);
  dockyard_ui_test_wait_for_terminal_text (terminal, "to be deleted in the container");
  dockyard_ui_test_wait_for_terminal_text (terminal, "done");

  /* Sync Now: the new file comes; the deletion is asked about. */
  alert = sync_and_wait_for_alert (window, "Delete Files on the Other Side?", "gone.txt");
  g_assert_true (g_file_get_contents (typed, &typed_text, NULL, NULL));
  g_assert_cmpstr (typed_text, ==, "typed\n");
  g_assert_true (g_file_test (gone, G_FILE_TEST_EXISTS));
  dockyard_ui_test_settle (400);
  /* The alert's own window (AdwMessageDialog), or the project window it
   * shows in (AdwAlertDialog, libadwaita >= 1.5). */
  dockyard_ui_test_save_screenshot (GTK_WIDGET (gtk_widget_get_native (alert)), "sync-now-deletions.png");
  dockyard_ui_test_save_screenshot (GTK_WIDGET (window), "sync-now-window.png");

  /* Kept: nothing is deleted, and the next sync asks again. */
  dockyard_alert_response (alert, "keep");
  dockyard_ui_test_settle (1500);
  g_assert_true (g_file_test (gone, G_FILE_TEST_EXISTS));
  alert = sync_and_wait_for_alert (window, "Delete Files on the Other Side?", "gone.txt");

  /* Delete: gone here too. */
  dockyard_alert_response (alert, "delete");
  wait_for_file (gone, FALSE);

  dockyard_ui_test_project_close (f);
  dockyard_ui_test_remove_image ("sync-now:dev");
  dockyard_ui_test_project_free (f);

  engine = dockyard_test_connect_engine ();
  if (engine != NULL)
    {
      g_autofree char *path = g_strdup_printf ("/volumes/%s", volume);
      g_autoptr(JsonNode) node = NULL;
      g_autoptr(GError) error = NULL;

      node = dockyard_test_request (engine, "DELETE", path, &error);
      g_assert_no_error (error);
    }
}

int
main (int   argc,
      char *argv[])
{
  g_autofree char *state = g_dir_make_tmp ("dockyard-sync-now-state-XXXXXX", NULL);
  int ret;

  /* The suite's engine counts as on another computer; the manifests go
   * into a folder of the test's own. */
  g_setenv ("DOCKYARD_TREAT_ENGINE_AS_REMOTE", "1", TRUE);
  g_setenv ("XDG_STATE_HOME", state, TRUE);
  dockyard_ui_test_init (&argc, &argv);

  g_test_add_func ("/sync-now/dev", test_sync_now);

  ret = g_test_run ();
  dockyard_test_remove_tree (state);
  return ret;
}
