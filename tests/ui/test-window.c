/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <adwaita.h>

#include <vte/vte.h>

#include "dockyard-application.h"
#include "dockyard-build-view.h"
#include "dockyard-dockerfile-page.h"
#include "dockyard-test-utils.h"
#include "dockyard-window.h"
#include "ui-test-utils.h"

/* A window alone, no application registered: it needs only its engine
 * connection and settings. */
static void
test_engine_status (void)
{
  DockyardUiTestBareWindow *bare;
  DockyardWindow *window;
  g_autofree char *status = NULL;
  const char *socket = dockyard_test_engine_socket ();

  DOCKYARD_TEST_REQUIRE_ENGINE (socket);

  bare = dockyard_ui_test_bare_window_new (NULL);
  window = bare->window;

  dockyard_ui_test_wait_for_page (window, "welcome");
  dockyard_ui_test_settle (400);

  /* The welcome page names the engine, its mode and its socket. */
  status = dockyard_ui_test_find_label_text (GTK_WIDGET (window), "Docker ");
  g_assert_nonnull (status);
  g_assert_nonnull (strstr (status, ", rootful · "));
  g_assert_nonnull (strstr (status, socket));
  dockyard_ui_test_save_screenshot (GTK_WIDGET (window), "window-engine-status.png");

  dockyard_ui_test_bare_window_free (bare);
}

static void
test_open_project (void)
{
  DockyardUiTestProject *f;
  DockyardWindow *window;
  g_autofree char *found = NULL;

  DOCKYARD_TEST_REQUIRE_ENGINE (dockyard_test_engine_socket ());

  /* A name with a space and a quote, as users' folders have; opened
   * through the exported app action, as `gapplication action` would. */
  f = dockyard_ui_test_project_new ("my “demo” app", "FROM python:3.11.9\n");
  dockyard_ui_test_project_open (f, 0, 0);
  window = f->window;
  dockyard_ui_test_settle (400);

  g_assert_nonnull (dockyard_window_get_project (window));
  g_assert_cmpstr (dockyard_project_get_name (dockyard_window_get_project (window)), ==,
                   "my “demo” app");
  g_assert_true (dockyard_project_get_has_dockerfile (dockyard_window_get_project (window)));
  found = dockyard_ui_test_find_label_text (GTK_WIDGET (window), "has a Dockerfile");
  g_assert_nonnull (found);
  dockyard_ui_test_save_screenshot (GTK_WIDGET (window), "window-project.png");

  dockyard_ui_test_project_free (f);
}

static void
test_build (void)
{
  DockyardUiTestProject *f;
  DockyardWindow *window;
  g_autofree char *dockerfile = NULL;
  g_autofree char *status = NULL;
  DockyardBuild *build;

  DOCKYARD_TEST_REQUIRE_ENGINE (dockyard_test_engine_socket ());

  dockerfile = g_strdup_printf ("FROM %s\nRUN echo hello from the build view %" G_GINT64_FORMAT "\n",
                                g_getenv ("DOCKYARD_TEST_BUSYBOX_IMAGE"), g_get_real_time ());
  f = dockyard_ui_test_project_new ("UI Build Test", dockerfile);

  dockyard_ui_test_project_open (f, 0, 0);
  window = f->window;

  /* The exported action, as `gapplication action ... build` would. */
  g_action_group_activate_action (G_ACTION_GROUP (f->app), "build", NULL);
  dockyard_ui_test_wait_for_build_end (window);
  build = dockyard_window_get_build (window);
  g_assert_cmpint (dockyard_build_get_state (build), ==, DOCKYARD_BUILD_SUCCEEDED);
  g_assert_cmpstr (dockyard_build_get_tag (build), ==, "ui-build-test:dev");
  dockyard_ui_test_settle (400);

  status = dockyard_ui_test_find_label_text (GTK_WIDGET (window), "Built ui-build-test:dev");
  g_assert_nonnull (status);
  dockyard_ui_test_save_screenshot (GTK_WIDGET (window), "window-build.png");

  dockyard_ui_test_project_free (f);
}

/* The image name is the folder's unless the project chooses another; the
 * choice is checked, kept in the settings and used by the build. */
static void
test_image_name (void)
{
  DockyardUiTestProject *f;
  DockyardWindow *window;
  g_autofree char *dockerfile = NULL;
  g_autoptr(GFile) directory = NULL;
  g_autoptr(GVariant) stored = NULL;
  g_autofree char *custom = g_strdup_printf ("dockyard-test/custom-%d:1", getpid ());
  const char *name;
  GtkWidget *row;

  DOCKYARD_TEST_REQUIRE_ENGINE (dockyard_test_engine_socket ());

  dockerfile = g_strdup_printf ("FROM %s\nRUN echo image name %" G_GINT64_FORMAT "\n",
                                g_getenv ("DOCKYARD_TEST_BUSYBOX_IMAGE"), g_get_real_time ());
  f = dockyard_ui_test_project_new ("UI Image Name", dockerfile);
  directory = g_file_new_for_path (f->project);

  f->app = dockyard_ui_test_start_app ();
  window = dockyard_ui_test_new_window (f->app);
  dockyard_window_open_project (window, directory);
  dockyard_ui_test_wait_for_page (window, "project");
  row = GTK_WIDGET (gtk_widget_get_template_child (GTK_WIDGET (window), DOCKYARD_TYPE_WINDOW, "project_image_row"));
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (row)), ==, "ui-image-name:dev");

  /* Refused, with the reason, and nothing changes. */
  gtk_editable_set_text (GTK_EDITABLE (row), "MyImage:dev");
  g_signal_emit_by_name (row, "apply");
  g_assert_true (gtk_widget_has_css_class (row, "error"));
  g_free (dockyard_ui_test_wait_for_label_text (GTK_WIDGET (window), "lower case"));
  {
    g_autofree char *unchanged = dockyard_project_dup_image_name (dockyard_window_get_project (window));

    g_assert_cmpstr (unchanged, ==, "ui-image-name:dev");
  }

  /* Taken, and the build tags the image with it. */
  gtk_editable_set_text (GTK_EDITABLE (row), custom);
  g_signal_emit_by_name (row, "apply");
  g_assert_false (gtk_widget_has_css_class (row, "error"));
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.build", NULL));
  dockyard_ui_test_wait_for_build_end (window);
  g_assert_cmpint (dockyard_build_get_state (dockyard_window_get_build (window)), ==,
                   DOCKYARD_BUILD_SUCCEEDED);
  g_assert_cmpstr (dockyard_build_get_tag (dockyard_window_get_build (window)), ==, custom);
  dockyard_ui_test_save_screenshot (GTK_WIDGET (window), "window-image-name.png");
  dockyard_ui_test_destroy_window (GTK_WINDOW (window));

  /* Kept for the folder: another window on it uses it too. */
  stored = g_settings_get_value (dockyard_application_get_settings (f->app), "project-image-names");
  g_assert_true (g_variant_lookup (stored, f->project, "&s", &name));
  g_assert_cmpstr (name, ==, custom);
  window = f->window = dockyard_ui_test_new_window (f->app);
  dockyard_window_open_project (window, directory);
  dockyard_ui_test_wait_for_page (window, "project");
  row = GTK_WIDGET (gtk_widget_get_template_child (GTK_WIDGET (window), DOCKYARD_TYPE_WINDOW, "project_image_row"));
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (row)), ==, custom);

  /* Emptied: back to the folder's name, and forgotten. */
  gtk_editable_set_text (GTK_EDITABLE (row), "");
  g_signal_emit_by_name (row, "apply");
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (row)), ==, "ui-image-name:dev");
  g_clear_pointer (&stored, g_variant_unref);
  stored = g_settings_get_value (dockyard_application_get_settings (f->app), "project-image-names");
  g_assert_false (g_variant_lookup (stored, f->project, "&s", &name));

  dockyard_ui_test_project_close (f);
  dockyard_ui_test_remove_image (custom);
  dockyard_ui_test_project_free (f);
}

static void
test_build_failure (void)
{
  DockyardUiTestProject *f;
  DockyardWindow *window;
  g_autofree char *dockerfile = NULL;
  g_autofree char *banner = NULL;
  g_autofree char *tail = NULL;
  g_autoptr(GFile) directory = NULL;
  gint64 deadline;

  DOCKYARD_TEST_REQUIRE_ENGINE (dockyard_test_engine_socket ());

  /* Instructions that make no build step (ENV, LABEL) before the failing
   * one must not shift its line (issue 18, item 1). */
  dockerfile = g_strdup_printf ("# A comment, then a continued line\n"
                                "FROM %s\n"
                                "ENV A=1\n"
                                "LABEL purpose=test\n"
                                "RUN echo ok\n"
                                "RUN echo preparing \\\n"
                                "    && echo the step says why; exit 3\n",
                                g_getenv ("DOCKYARD_TEST_BUSYBOX_IMAGE"));
  f = dockyard_ui_test_project_new ("failing", dockerfile);

  f->app = dockyard_ui_test_start_app ();
  window = f->window = dockyard_ui_test_new_window (f->app);
  directory = g_file_new_for_path (f->project);
  dockyard_window_open_project (window, directory);
  dockyard_ui_test_wait_for_page (window, "project");

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.build", NULL));
  dockyard_ui_test_wait_for_build_end (window);
  g_assert_cmpint (dockyard_build_get_state (dockyard_window_get_build (window)), ==,
                   DOCKYARD_BUILD_FAILED);

  /* The banner names the Dockerfile line and shows the step's last words. */
  deadline = g_get_monotonic_time () + 10 * G_USEC_PER_SEC;
  while ((banner = dockyard_ui_test_find_label_text (GTK_WIDGET (window), "Line 6 of the Dockerfile")) == NULL)
    {
      g_assert_cmpint (g_get_monotonic_time (), <, deadline);
      dockyard_ui_test_settle (50);
    }
  tail = dockyard_ui_test_find_label_text (GTK_WIDGET (window), "exit code: 3\n\npreparing\nthe step says why");
  g_assert_nonnull (tail);
  dockyard_ui_test_settle (400);
  dockyard_ui_test_save_screenshot (GTK_WIDGET (window), "window-build-failed.png");

  /* "Show in Dockerfile" opens the Dockerfile page with line 6 selected
   * and the keyboard focus in the file. */
  {
    GtkWidget *build_view = GTK_WIDGET (gtk_widget_get_template_child (GTK_WIDGET (window), DOCKYARD_TYPE_WINDOW,
                                                           "build_view"));
    GtkWidget *button = GTK_WIDGET (gtk_widget_get_template_child (build_view, DOCKYARD_TYPE_BUILD_VIEW,
                                                       "show_line_button"));
    GtkWidget *page = GTK_WIDGET (gtk_widget_get_template_child (GTK_WIDGET (window), DOCKYARD_TYPE_WINDOW,
                                                     "dockerfile_page"));
    GtkTextView *preview = GTK_TEXT_VIEW (GTK_WIDGET (gtk_widget_get_template_child (page,
                                                                         DOCKYARD_TYPE_DOCKERFILE_PAGE,
                                                                         "preview_view")));
    GtkTextBuffer *buffer = gtk_text_view_get_buffer (preview);
    g_autofree char *selected = NULL;
    GtkTextIter start, end;

    g_assert_true (gtk_widget_get_visible (button));
    g_signal_emit_by_name (button, "clicked");
    deadline = g_get_monotonic_time () + 30 * G_USEC_PER_SEC;
    while (!gtk_text_buffer_get_selection_bounds (buffer, &start, &end))
      {
        g_assert_cmpint (g_get_monotonic_time (), <, deadline);
        dockyard_ui_test_settle (50);
      }
    g_assert_cmpstr (dockyard_window_get_page (window), ==, "project");
    g_assert_cmpint (gtk_text_iter_get_line (&start), ==, 5);
    selected = gtk_text_buffer_get_text (buffer, &start, &end, FALSE);
    g_assert_cmpstr (selected, ==, "RUN echo preparing \\");
    g_assert_true (gtk_widget_has_focus (GTK_WIDGET (preview)));
    dockyard_ui_test_settle (400);
    dockyard_ui_test_save_screenshot (GTK_WIDGET (window), "window-build-failed-line.png");
  }

  dockyard_ui_test_project_free (f);
}

static void
wait_for_session_state (DockyardDevSession      *session,
                        DockyardDevSessionState  state)
{
  gint64 deadline = g_get_monotonic_time () + 60 * G_USEC_PER_SEC;

  while (dockyard_dev_session_get_state (session) != state)
    {
      g_assert_cmpint (g_get_monotonic_time (), <, deadline);
      dockyard_ui_test_iterate ();
    }
}

static void
test_dev_terminal (void)
{
  DockyardUiTestProject *f;
  DockyardWindow *window;
  g_autofree char *dockerfile = NULL;
  g_autofree char *container_id = NULL;
  g_autofree char *message = NULL;
  DockyardDevSession *session;
  DockyardTerminal *terminal;
  DockyardTerminal *second;

  DOCKYARD_TEST_REQUIRE_ENGINE (dockyard_test_engine_socket ());

  dockerfile = g_strdup_printf ("FROM %s\nWORKDIR /usr/src/app\n",
                                g_getenv ("DOCKYARD_TEST_BUSYBOX_IMAGE"));
  f = dockyard_ui_test_project_new ("Dev Terminal Test", dockerfile);
  /* Built by an earlier run, the image would hide the "not built" case. */
  dockyard_ui_test_remove_image ("dev-terminal-test:dev");

  dockyard_ui_test_project_open (f, 900, 600);
  window = f->window;

  /* Dev before the image exists: a clear message that offers Build. */
  g_action_group_activate_action (G_ACTION_GROUP (f->app), "dev", NULL);
  {
    gint64 deadline = g_get_monotonic_time () + 30 * G_USEC_PER_SEC;

    while ((message = dockyard_ui_test_find_label_text (GTK_WIDGET (window), "build it first")) == NULL)
      {
        g_assert_cmpint (g_get_monotonic_time (), <, deadline);
        dockyard_ui_test_settle (50);
      }
    g_clear_pointer (&message, g_free);
  }
  dockyard_ui_test_settle (300);
  dockyard_ui_test_save_screenshot (GTK_WIDGET (window), "window-dev-not-built.png");

  g_action_group_activate_action (G_ACTION_GROUP (f->app), "build", NULL);
  dockyard_ui_test_wait_for_build_end (window);
  g_assert_cmpint (dockyard_build_get_state (dockyard_window_get_build (window)), ==,
                   DOCKYARD_BUILD_SUCCEEDED);

  g_action_group_activate_action (G_ACTION_GROUP (f->app), "dev", NULL);
  session = dockyard_window_get_dev_session (window);
  g_assert_nonnull (session);
  wait_for_session_state (session, DOCKYARD_DEV_SESSION_RUNNING);
  container_id = g_strdup (dockyard_dev_session_get_container_id (session));
  terminal = dockyard_window_get_terminal (window, 0);
  g_assert_nonnull (terminal);

  /* The terminal has the keyboard focus when it opens. */
  dockyard_ui_test_settle (300);
  g_assert_true (gtk_widget_has_focus (GTK_WIDGET (dockyard_terminal_get_vte (terminal))));

  /* Typed through the real X server into the window when xdotool is there,
   * else through VTE's own input path (the commit signal either way). */
  if (!dockyard_ui_test_type_line ("echo $((6*7))"))
    vte_terminal_feed_child (dockyard_terminal_get_vte (terminal), "echo $((6*7))\r", -1);
  dockyard_ui_test_wait_for_terminal_text (terminal, "\n42");

  /* Plain Ctrl+letter keys are the shell's while the terminal has the
   * focus: Ctrl+W erases a word (it does not close the window) and Ctrl+B
   * moves back a character (it does not start a build). */
  if (dockyard_ui_test_xdotool ((const char *[]) { "type", "--delay", "20", "echo wrld junk", NULL }))
    {
      DockyardBuild *last_build = dockyard_window_get_build (window);

      /* "echo wrld " -> "echo wrld" -> "echo w|rld" -> "echo world" */
      g_assert_true (dockyard_ui_test_xdotool ((const char *[]) { "key", "ctrl+w", "BackSpace",
                                                                  "ctrl+b", "ctrl+b", "ctrl+b", "o",
                                                                  "Return", NULL }));
      dockyard_ui_test_wait_for_terminal_text (terminal, "\nworld");
      g_assert_true (gtk_widget_get_visible (GTK_WIDGET (window)));
      g_assert_true (dockyard_window_get_build (window) == last_build);
    }

  vte_terminal_feed_child (dockyard_terminal_get_vte (terminal), "stty size\r", -1);
  {
    g_autofree char *size = g_strdup_printf ("%ld %ld",
                                             vte_terminal_get_row_count (dockyard_terminal_get_vte (terminal)),
                                             vte_terminal_get_column_count (dockyard_terminal_get_vte (terminal)));
    dockyard_ui_test_wait_for_terminal_text (terminal, size);
  }
  dockyard_ui_test_save_screenshot (GTK_WIDGET (window), "window-dev-terminal.png");

  /* A second shell in the same container sees the project folder. */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.new-terminal", NULL));
  second = dockyard_window_get_terminal (window, 1);
  g_assert_nonnull (second);
  /* Typed at once, before the shell's stream is there (it is opened
   * asynchronously), the keys are not lost: they reach the shell. */
  g_assert_null (dockyard_terminal_get_stream (second));
  vte_terminal_feed_child (dockyard_terminal_get_vte (second), "ls /usr/src/app\r", -1);
  dockyard_ui_test_wait_for_terminal_text (second, "Dockerfile");

  /* The shell's exit status shows, with Restart. */
  vte_terminal_feed_child (dockyard_terminal_get_vte (terminal), "exit 3\r", -1);
  wait_for_session_state (session, DOCKYARD_DEV_SESSION_EXITED);
  dockyard_ui_test_settle (400);
  dockyard_ui_test_save_screenshot (GTK_WIDGET (window), "window-dev-exited.png");
  g_free (message);
  message = dockyard_ui_test_find_label_text (GTK_WIDGET (window), "status 3");
  g_assert_nonnull (message);

  /* Restart gives a new container; closing the window removes it. */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.dev-restart", NULL));
  session = dockyard_window_get_dev_session (window);
  wait_for_session_state (session, DOCKYARD_DEV_SESSION_RUNNING);
  g_free (container_id);
  container_id = g_strdup (dockyard_dev_session_get_container_id (session));

  dockyard_ui_test_project_close (f);
  g_assert_true (dockyard_ui_test_container_gone (container_id));
  dockyard_ui_test_remove_image ("dev-terminal-test:dev");
  dockyard_ui_test_project_free (f);
}

static void
screenshot_in_chromium (const char *url,
                        const char *name)
{
  g_autofree char *chromium = g_find_program_in_path ("chromium");
  g_autofree char *path = dockyard_test_artifact_path (name);
  g_autofree char *profile = g_dir_make_tmp ("dockyard-chromium-XXXXXX", NULL);
  g_autofree char *screenshot = g_strdup_printf ("--screenshot=%s", path);
  g_autofree char *user_data = g_strdup_printf ("--user-data-dir=%s", profile);
  g_autofree char *cleanup = g_strdup_printf ("rm -rf '%s'", profile);
  g_autoptr(GError) error = NULL;
  const char *argv[] = {
    chromium, "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
    "--disable-component-update", "--disable-sync", "--no-first-run", user_data,
    "--window-size=1200,800", "--virtual-time-budget=8000", screenshot, url, NULL
  };
  int status = 0;

  if (chromium == NULL)
    {
      dockyard_test_skip_unless_ci ("chromium is not installed: no screenshot of Jupyter");
      return;
    }

  g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_STDOUT_TO_DEV_NULL | G_SPAWN_STDERR_TO_DEV_NULL,
                NULL, NULL, NULL, NULL, &status, &error);
  g_assert_no_error (error);
  g_assert_true (g_file_test (path, G_FILE_TEST_EXISTS));
  g_test_message ("screenshot: %s", path);
  g_spawn_command_line_sync (cleanup, NULL, NULL, NULL, NULL);
}

static void
test_lab (void)
{
  DockyardUiTestProject *f;
  DockyardWindow *window;
  g_autofree char *dockerfile = NULL;
  g_autofree char *urls = NULL;
  g_autofree char *opened = NULL;
  g_autofree char *notes = NULL;
  g_autofree char *container_id = NULL;
  g_autofree char *label = NULL;
  g_autoptr(GError) error = NULL;
  DockyardLabSession *lab;
  gint64 deadline;

  DOCKYARD_TEST_REQUIRE_ENGINE (dockyard_test_engine_socket ());

  urls = dockyard_ui_test_register_browser ();
  dockerfile = g_strdup_printf ("FROM %s\nWORKDIR /usr/src/app\n",
                                g_getenv ("DOCKYARD_TEST_PYTHON_IMAGE"));
  f = dockyard_ui_test_project_new ("Lab Test", dockerfile);
  notes = g_build_filename (f->project, "experiment-notes.md", NULL);
  g_file_set_contents (notes, "# Notes\n", -1, &error);
  g_assert_no_error (error);

  dockyard_ui_test_project_open (f, 900, 700);
  window = f->window;

  g_action_group_activate_action (G_ACTION_GROUP (f->app), "build", NULL);
  dockyard_ui_test_wait_for_build_end (window);
  g_assert_cmpint (dockyard_build_get_state (dockyard_window_get_build (window)), ==,
                   DOCKYARD_BUILD_SUCCEEDED);

  /* Lab, through the exported action: Jupyter starts and the browser opens it. */
  g_action_group_activate_action (G_ACTION_GROUP (f->app), "lab", NULL);
  lab = dockyard_window_get_lab_session (window);
  g_assert_nonnull (lab);
  deadline = g_get_monotonic_time () + 120 * G_USEC_PER_SEC;
  while (dockyard_lab_session_get_state (lab) == DOCKYARD_LAB_SESSION_STARTING)
    {
      g_assert_cmpint (g_get_monotonic_time (), <, deadline);
      dockyard_ui_test_settle (100);
    }
  g_assert_cmpint (dockyard_lab_session_get_state (lab), ==, DOCKYARD_LAB_SESSION_RUNNING);
  container_id = g_strdup (dockyard_lab_session_get_container_id (lab));

  opened = dockyard_ui_test_wait_for_opened_url (urls);
  g_assert_cmpstr (opened, ==, dockyard_lab_session_get_url (lab));
  g_assert_true (g_str_has_prefix (opened, "http://127.0.0.1:"));
  dockyard_ui_test_settle (400);
  label = dockyard_ui_test_find_label_text (GTK_WIDGET (window), "127.0.0.1:");
  g_assert_nonnull (label);
  dockyard_ui_test_save_screenshot (GTK_WIDGET (window), "window-lab.png");
  screenshot_in_chromium (opened, "jupyter-in-chromium.png");

  /* Lab again reuses the running one, and opens it again. */
  g_action_group_activate_action (G_ACTION_GROUP (f->app), "lab", NULL);
  g_assert_true (dockyard_window_get_lab_session (window) == lab);
  {
    g_autofree char *both = NULL;

    deadline = g_get_monotonic_time () + 30 * G_USEC_PER_SEC;
    while (g_file_get_contents (urls, &both, NULL, NULL) && strchr (both, '\n') == strrchr (both, '\n'))
      {
        g_clear_pointer (&both, g_free);
        g_assert_cmpint (g_get_monotonic_time (), <, deadline);
        dockyard_ui_test_settle (100);
      }
  }
  /* The launcher holds the window until the browser was started. */
  dockyard_ui_test_settle (1000);

  /* Stop, through the exported action, removes the container. */
  g_action_group_activate_action (G_ACTION_GROUP (f->app), "stop-lab", NULL);
  deadline = g_get_monotonic_time () + 30 * G_USEC_PER_SEC;
  while (!dockyard_ui_test_container_gone (container_id))
    {
      g_assert_cmpint (g_get_monotonic_time (), <, deadline);
      dockyard_ui_test_settle (100);
    }
  g_assert_cmpint (dockyard_lab_session_get_state (lab), ==, DOCKYARD_LAB_SESSION_STOPPED);

  dockyard_ui_test_project_close (f);
  dockyard_ui_test_remove_image ("lab-test:dev");
  dockyard_ui_test_project_free (f);
}

static void
collect_shortcuts (GtkWidget *widget,
                   GPtrArray *shortcuts)
{
  if (GTK_IS_SHORTCUTS_SHORTCUT (widget))
    g_ptr_array_add (shortcuts, widget);

  for (GtkWidget *child = gtk_widget_get_first_child (widget);
       child != NULL;
       child = gtk_widget_get_next_sibling (child))
    collect_shortcuts (child, shortcuts);
}

/* The shortcuts window lists every accelerator the app sets, and each
 * action it lists has one. */
static void
test_shortcuts (void)
{
  DockyardApplication *app = dockyard_ui_test_start_app ();
  DockyardWindow *window = dockyard_ui_test_new_window (app);
  g_autoptr(GPtrArray) shortcuts = g_ptr_array_new ();
  g_autoptr(GHashTable) listed = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  g_auto(GStrv) actions = NULL;
  GtkWindow *help;
  gboolean save_listed = FALSE;

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.show-help-overlay", NULL));
  help = dockyard_ui_test_wait_for_toplevel (GTK_TYPE_SHORTCUTS_WINDOW, GTK_WINDOW (window), 10);
  dockyard_ui_test_settle (400);
  dockyard_ui_test_save_screenshot (GTK_WIDGET (help), "shortcuts.png");

  collect_shortcuts (GTK_WIDGET (help), shortcuts);
  for (guint i = 0; i < shortcuts->len; i++)
    {
      g_autofree char *action = NULL;
      g_autofree char *accelerator = NULL;

      g_object_get (g_ptr_array_index (shortcuts, i),
                    "action-name", &action, "accelerator", &accelerator, NULL);
      if (action != NULL)
        {
          g_auto(GStrv) accels = gtk_application_get_accels_for_action (GTK_APPLICATION (app), action);

          if (accels[0] == NULL)
            g_error ("the shortcuts window lists %s, which has no accelerator", action);
          g_hash_table_add (listed, g_steal_pointer (&action));
        }
      /* The Dockerfile page binds Ctrl+S itself. */
      else if (g_strcmp0 (accelerator, "<Control>s") == 0)
        save_listed = TRUE;
    }
  g_assert_true (save_listed);

  actions = gtk_application_list_action_descriptions (GTK_APPLICATION (app));
  for (guint i = 0; actions[i] != NULL; i++)
    {
      g_autofree char *action = NULL;
      g_autoptr(GVariant) target = NULL;

      g_assert_true (g_action_parse_detailed_name (actions[i], &action, &target, NULL));
      if (!g_hash_table_contains (listed, action))
        g_error ("the shortcuts window does not list %s", action);
    }

  /* The application window owns its help overlay. */
  gtk_widget_set_visible (GTK_WIDGET (help), FALSE);
  dockyard_ui_test_destroy_window (GTK_WINDOW (window));
  dockyard_ui_test_quit_app (app);
}

static void
test_no_engine (void)
{
  DockyardApplication *app;
  DockyardWindow *window;
  g_autofree char *help = NULL;
  g_autofree char *saved = g_strdup (g_getenv ("DOCKER_HOST"));

  g_setenv ("DOCKER_HOST", "unix:///nonexistent/dockyard-test.sock", TRUE);

  app = dockyard_ui_test_start_app ();
  window = dockyard_ui_test_new_window (app);

  dockyard_ui_test_wait_for_page (window, "no-engine");
  dockyard_ui_test_settle (400);

  help = dockyard_ui_test_find_label_text (GTK_WIDGET (window), "/nonexistent/dockyard-test.sock");
  g_assert_nonnull (help);
  dockyard_ui_test_save_screenshot (GTK_WIDGET (window), "window-no-engine.png");

  /* Retry goes back to connecting and fails again, visibly. */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "app.reconnect-engine", NULL));
  dockyard_ui_test_wait_for_page (window, "no-engine");

  if (saved != NULL)
    {
      /* Retry after the engine is reachable again connects. */
      g_setenv ("DOCKER_HOST", saved, TRUE);
      gtk_widget_activate_action (GTK_WIDGET (window), "app.reconnect-engine", NULL);
      dockyard_ui_test_wait_for_page (window, "welcome");
    }
  else
    g_unsetenv ("DOCKER_HOST");

  dockyard_ui_test_destroy_window (GTK_WINDOW (window));
  dockyard_ui_test_quit_app (app);
}

/* Pinning runs a container before its dialog shows, hence 60 s. */
static AdwMessageDialog *
wait_for_dialog (void)
{
  return ADW_MESSAGE_DIALOG (dockyard_ui_test_wait_for_toplevel (ADW_TYPE_MESSAGE_DIALOG, NULL, 60));
}

/* Pin Requirements before the first build: the dialog's Build builds
 * the image, and pinning then takes the versions from it. */
static void
test_pin_requirements_build (void)
{
  DockyardUiTestProject *f;
  DockyardWindow *window;
  DockyardDockerfilePage *page;
  AdwMessageDialog *dialog;
  g_autofree char *dockerfile = NULL;
  g_autofree char *requirements = NULL;
  g_autofree char *pinned = NULL;
  g_autofree char *path = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(JsonNode) node = NULL;
  g_autoptr(GError) error = NULL;

  DOCKYARD_TEST_REQUIRE_ENGINE (dockyard_test_engine_socket ());

  /* MarkupSafe is in the image already: pip needs no index. */
  dockerfile = g_strdup_printf ("FROM %s\nWORKDIR /usr/src/app\nCOPY requirements.txt .\n"
                                "RUN --mount=type=cache,target=/root/.cache/pip pip install -r requirements.txt\n",
                                g_getenv ("DOCKYARD_TEST_PYTHON_IMAGE"));
  f = dockyard_ui_test_project_new ("UI Pin Test", dockerfile);
  requirements = g_build_filename (f->project, "requirements.txt", NULL);
  g_file_set_contents (requirements, "MarkupSafe\n", -1, &error);
  g_assert_no_error (error);

  dockyard_ui_test_project_open (f, 0, 0);
  window = f->window;
  page = DOCKYARD_DOCKERFILE_PAGE (gtk_widget_get_template_child (GTK_WIDGET (window), DOCKYARD_TYPE_WINDOW,
                                                                  "dockerfile_page"));
  dockyard_ui_test_wait_for_page_idle (page, 60);

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (page), "dockerfile.pin-requirements", NULL));
  dialog = wait_for_dialog ();
  g_assert_cmpstr (adw_message_dialog_get_heading (dialog), ==, "The Image Is Not Built Yet");
  adw_message_dialog_response (dialog, "build");
  gtk_window_destroy (GTK_WINDOW (dialog));
  dockyard_ui_test_wait_for_build_end (window);
  g_assert_cmpint (dockyard_build_get_state (dockyard_window_get_build (window)), ==, DOCKYARD_BUILD_SUCCEEDED);

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (page), "dockerfile.pin-requirements", NULL));
  dialog = wait_for_dialog ();
  g_assert_cmpstr (adw_message_dialog_get_heading (dialog), ==, "Pin Requirements?");
  adw_message_dialog_response (dialog, "apply");
  gtk_window_destroy (GTK_WINDOW (dialog));
  dockyard_ui_test_wait_for_page_idle (page, 60);
  g_file_get_contents (requirements, &pinned, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (pinned, ==, "MarkupSafe==2.1.2\n");

  dockyard_engine_request_async (dockyard_engine_monitor_get_engine (dockyard_application_get_engine_monitor (f->app)), "DELETE",
                                 "/images/ui-pin-test:dev?force=1", NULL, NULL,
                                 dockyard_test_store_result_cb, &result);
  dockyard_test_wait_for_async (&result);
  node = dockyard_engine_request_finish (dockyard_engine_monitor_get_engine (dockyard_application_get_engine_monitor (f->app)), result, NULL);

  dockyard_ui_test_project_free (f);
}

int
main (int   argc,
      char *argv[])
{
  dockyard_test_init (&argc, &argv);
  gtk_init ();
  adw_init ();

  g_test_add_func ("/window/engine-status", test_engine_status);
  g_test_add_func ("/window/open-project", test_open_project);
  g_test_add_func ("/window/no-engine", test_no_engine);
  g_test_add_func ("/window/shortcuts", test_shortcuts);
  g_test_add_func ("/window/build", test_build);
  g_test_add_func ("/window/build-failure", test_build_failure);
  g_test_add_func ("/window/image-name", test_image_name);
  g_test_add_func ("/window/dev-terminal", test_dev_terminal);
  g_test_add_func ("/window/lab", test_lab);
  g_test_add_func ("/window/pin-requirements-build", test_pin_requirements_build);

  return g_test_run ();
}
