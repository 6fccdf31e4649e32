/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The window as a daily tool (issue 18): what a failed build says, and the
 * last build kept across restarts.  Apart from test-window.c so that each
 * program stays well within its time limit under the sanitizers. */
#include "config.h"

#include <string.h>

#include <adwaita.h>

#include "dockyard-application.h"
#include "dockyard-build-record.h"
#include "dockyard-build-view.h"
#include "dockyard-terminal-page.h"
#include "dockyard-test-utils.h"
#include "dockyard-window.h"
#include "ui-test-utils.h"

/* Issue 18, item 5: the banner of a failed build starts with the error's
 * own headline (pip under PEP 668), then the step's last lines. */
static void
test_build_failure_headline (void)
{
  DockyardUiTestProject *f;
  DockyardWindow *window;
  g_autofree char *dockerfile = NULL;
  g_autofree char *banner = NULL;
  const char *python = g_getenv ("DOCKYARD_TEST_PYTHON_IMAGE");
  g_autoptr(GFile) directory = NULL;

  DOCKYARD_TEST_REQUIRE_ENGINE (dockyard_test_engine_socket ());
  if (python == NULL)
    {
      dockyard_test_skip_unless_ci ("no Python test image: run the suite with tests/run");
      return;
    }

  /* Debian's marker of an externally managed Python (removed from the
   * test image), put back, then a pip install. */
  dockerfile = g_strdup_printf ("FROM %s\n"
                                "RUN printf '[externally-managed]\\nError=To install Python packages "
                                "system-wide, try apt install\\n python3-xyz, where xyz is the package "
                                "you are trying to\\n install.\\n \\n If you wish to install a "
                                "non-Debian-packaged Python package,\\n create a virtual environment "
                                "using python3 -m venv path/to/venv.\\n Then use path/to/venv/bin/python "
                                "and path/to/venv/bin/pip. Make\\n sure you have python3-full "
                                "installed.\\n' > \"$(python3 -c 'import sysconfig; "
                                "print(sysconfig.get_path(\"stdlib\"))')/EXTERNALLY-MANAGED\"\n"
                                "RUN pip install --no-index somepackage\n",
                                python);
  f = dockyard_ui_test_project_new ("pip-headline", dockerfile);
  f->app = dockyard_ui_test_start_app ();
  window = f->window = dockyard_ui_test_new_window (f->app);
  directory = g_file_new_for_path (f->project);
  dockyard_window_open_project (window, directory);
  dockyard_ui_test_wait_for_page (window, "project");

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.build", NULL));
  dockyard_ui_test_wait_for_build_end (window);
  g_assert_cmpint (dockyard_build_get_state (dockyard_window_get_build (window)), ==,
                   DOCKYARD_BUILD_FAILED);
  banner = dockyard_ui_test_wait_for_label_text (GTK_WIDGET (window),
                                                 "\n\nerror: externally-managed-environment\n…\n");
  g_assert_nonnull (strstr (banner, "hint: See PEP 668"));
  g_free (dockyard_ui_test_wait_for_label_text (GTK_WIDGET (window), "Line 3 of the Dockerfile"));
  dockyard_ui_test_settle (400);
  dockyard_ui_test_save_screenshot (GTK_WIDGET (window), "window-build-failed-headline.png");

  dockyard_ui_test_project_free (f);
}

/* Issue 18, item 12: "Build Image" on the Terminal page's not-built state
 * builds, then opens the shell; after the app is closed and started again,
 * the Build page and the Overview show the last build (its result, when,
 * how long, the image's size) from Dockyard's record and the engine. */
static void
test_build_state (void)
{
  DockyardUiTestProject *f;
  DockyardWindow *window;
  g_autofree char *dockerfile = NULL;
  g_autofree char *failing = NULL;
  g_autofree char *path = NULL;
  g_autofree char *text = NULL;
  DockyardDevSession *session;
  GtkWidget *row;
  GtkWidget *terminal_page;
  GtkWidget *build_button;

  DOCKYARD_TEST_REQUIRE_ENGINE (dockyard_test_engine_socket ());

  dockerfile = g_strdup_printf ("FROM %s\nRUN echo build state %" G_GINT64_FORMAT "\n",
                                g_getenv ("DOCKYARD_TEST_BUSYBOX_IMAGE"), g_get_real_time ());
  f = dockyard_ui_test_project_new ("Build State Test", dockerfile);
  dockyard_ui_test_remove_image ("build-state-test:dev");

  dockyard_ui_test_project_open (f, 1000, 700);
  window = f->window;
  row = GTK_WIDGET (gtk_widget_get_template_child (GTK_WIDGET (window), DOCKYARD_TYPE_WINDOW,
                                                   "last_build_row"));
  g_assert_cmpstr (adw_action_row_get_subtitle (ADW_ACTION_ROW (row)), ==, "Not built yet");

  /* Dev before the image exists, then the page's own Build Image button. */
  g_action_group_activate_action (G_ACTION_GROUP (f->app), "dev", NULL);
  g_free (dockyard_ui_test_wait_for_label_text (GTK_WIDGET (window), "build it first"));
  terminal_page = GTK_WIDGET (gtk_widget_get_template_child (GTK_WIDGET (window), DOCKYARD_TYPE_WINDOW,
                                                             "terminal_page"));
  build_button = GTK_WIDGET (gtk_widget_get_template_child (terminal_page, DOCKYARD_TYPE_TERMINAL_PAGE,
                                                            "build_button"));
  g_assert_true (gtk_widget_get_visible (build_button));
  g_signal_emit_by_name (build_button, "clicked");
  dockyard_ui_test_wait_for_build_end (window);
  g_assert_cmpint (dockyard_build_get_state (dockyard_window_get_build (window)), ==,
                   DOCKYARD_BUILD_SUCCEEDED);
  {
    gint64 deadline = g_get_monotonic_time () + 60 * G_USEC_PER_SEC;

    while ((session = dockyard_window_get_dev_session (window)) == NULL ||
           dockyard_dev_session_get_state (session) != DOCKYARD_DEV_SESSION_RUNNING)
      {
        g_assert_cmpint (g_get_monotonic_time (), <, deadline);
        dockyard_ui_test_iterate ();
      }
  }
  g_assert_cmpstr (dockyard_window_get_page (window), ==, "project");
  dockyard_ui_test_settle (300);
  dockyard_ui_test_save_screenshot (GTK_WIDGET (window), "window-build-then-dev.png");

  /* The app closed and started again. */
  dockyard_ui_test_project_close (f);
  dockyard_ui_test_project_open (f, 1000, 700);
  window = f->window;
  row = GTK_WIDGET (gtk_widget_get_template_child (GTK_WIDGET (window), DOCKYARD_TYPE_WINDOW,
                                                   "last_build_row"));
  g_free (dockyard_ui_test_wait_for_label_text (GTK_WIDGET (window), "Built build-state-test:dev today at "));
  g_free (dockyard_ui_test_wait_for_label_text (GTK_WIDGET (window), "The image is "));
  g_assert_nonnull (strstr (adw_action_row_get_subtitle (ADW_ACTION_ROW (row)), " s. The image is "));
  dockyard_ui_test_settle (300);
  dockyard_ui_test_save_screenshot (GTK_WIDGET (window), "window-overview-last-build.png");
  adw_view_stack_set_visible_child_name (ADW_VIEW_STACK (gtk_widget_get_template_child (GTK_WIDGET (window),
                                                                                       DOCKYARD_TYPE_WINDOW,
                                                                                       "project_stack")),
                                         "build");
  g_free (dockyard_ui_test_wait_for_label_text (GTK_WIDGET (window), "Last Build Succeeded"));
  dockyard_ui_test_settle (300);
  dockyard_ui_test_save_screenshot (GTK_WIDGET (window), "window-build-page-last-build.png");

  /* A failed build is kept as such, with its step; the earlier image stays. */
  failing = g_strdup_printf ("FROM %s\nENV A=1\nRUN exit 3\n", g_getenv ("DOCKYARD_TEST_BUSYBOX_IMAGE"));
  path = g_build_filename (f->project, "Dockerfile", NULL);
  g_assert_true (g_file_set_contents (path, failing, -1, NULL));
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.build", NULL));
  dockyard_ui_test_wait_for_build_end (window);
  g_assert_cmpint (dockyard_build_get_state (dockyard_window_get_build (window)), ==,
                   DOCKYARD_BUILD_FAILED);
  g_free (dockyard_ui_test_wait_for_label_text (GTK_WIDGET (window), "Line 3 of the Dockerfile"));
  dockyard_ui_test_project_close (f);
  dockyard_ui_test_project_open (f, 1000, 700);
  window = f->window;
  g_free (dockyard_ui_test_wait_for_label_text (GTK_WIDGET (window), "at “RUN exit 3”."));
  adw_view_stack_set_visible_child_name (ADW_VIEW_STACK (gtk_widget_get_template_child (GTK_WIDGET (window),
                                                                                       DOCKYARD_TYPE_WINDOW,
                                                                                       "project_stack")),
                                         "build");
  g_free (dockyard_ui_test_wait_for_label_text (GTK_WIDGET (window), "Last Build Failed"));
  dockyard_ui_test_settle (300);
  dockyard_ui_test_save_screenshot (GTK_WIDGET (window), "window-build-page-last-failed.png");

  /* Kept in the user's state folder, not in the project folder. */
  {
    g_autoptr(GFile) directory = g_file_new_for_path (f->project);
    g_autofree char *record = dockyard_build_record_dup_path (directory);
    g_autofree char *state = g_build_filename (g_get_user_state_dir (), "dockyard", NULL);
    g_autoptr(GDir) dir = g_dir_open (f->project, 0, NULL);
    const char *name;

    g_assert_true (g_str_has_prefix (record, state));
    g_assert_true (g_file_test (record, G_FILE_TEST_IS_REGULAR));
    while ((name = g_dir_read_name (dir)) != NULL)
      g_assert_cmpstr (name, ==, "Dockerfile");
  }

  dockyard_ui_test_project_free (f);
  dockyard_ui_test_remove_image ("build-state-test:dev");
}

int
main (int   argc,
      char *argv[])
{
  dockyard_test_init (&argc, &argv);
  gtk_init ();
  adw_init ();

  g_test_add_func ("/window/build-failure-headline", test_build_failure_headline);
  g_test_add_func ("/window/build-state", test_build_state);

  return g_test_run ();
}
