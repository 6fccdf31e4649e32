/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <adwaita.h>

#include <vte/vte.h>

#include "dockyard-application.h"
#include "dockyard-dockerfile-page.h"
#include "dockyard-test-utils.h"
#include "dockyard-window.h"

static gboolean
tick_cb (gpointer data)
{
  return G_SOURCE_CONTINUE;
}

/* Iterates until the window shows @page, or fails after 60 s. */
static void
wait_for_page (DockyardWindow *window,
               const char     *page)
{
  gint64 deadline = g_get_monotonic_time () + 60 * G_USEC_PER_SEC;
  guint tick = g_timeout_add (50, tick_cb, NULL);

  while (g_strcmp0 (dockyard_window_get_page (window), page) != 0)
    {
      if (g_get_monotonic_time () > deadline)
        g_error ("window shows page “%s”, not “%s”", dockyard_window_get_page (window), page);
      g_main_context_iteration (NULL, TRUE);
    }

  g_source_remove (tick);
}

/* Lets the window lay out and paint; GtkStack crossfades for 200 ms. */
static void
settle (guint ms)
{
  gint64 until = g_get_monotonic_time () + ms * 1000;
  guint tick = g_timeout_add (16, tick_cb, NULL);

  while (g_get_monotonic_time () < until)
    g_main_context_iteration (NULL, TRUE);

  g_source_remove (tick);
}

/* Renders the window (as the compositor would show its contents) into a PNG
 * artefact that a person can look at. */
static void
save_screenshot (GtkWidget  *widget,
                 const char *name)
{
  g_autoptr(GdkPaintable) paintable = gtk_widget_paintable_new (widget);
  g_autoptr(GtkSnapshot) snapshot = gtk_snapshot_new ();
  g_autoptr(GskRenderNode) node = NULL;
  g_autoptr(GdkTexture) texture = NULL;
  g_autofree char *path = dockyard_test_artifact_path (name);
  int width = gtk_widget_get_width (widget);
  int height = gtk_widget_get_height (widget);
  GskRenderer *renderer = gtk_native_get_renderer (GTK_NATIVE (widget));

  /* A widget that has not been drawn since its last change snapshots as
   * nothing: let it draw, a few times if need be. */
  for (guint attempt = 0; attempt < 20 && node == NULL; attempt++)
    {
      g_clear_object (&snapshot);
      settle (100);
      snapshot = gtk_snapshot_new ();
      gdk_paintable_snapshot (paintable, snapshot, width, height);
      node = gtk_snapshot_free_to_node (g_steal_pointer (&snapshot));
    }
  g_assert_nonnull (node);
  texture = gsk_renderer_render_texture (renderer, node,
                                         &GRAPHENE_RECT_INIT (0, 0, width, height));
  g_assert_true (gdk_texture_save_to_png (texture, path));
  g_test_message ("screenshot: %s", path);
}

static char *
find_label_text (GtkWidget  *widget,
                 const char *needle)
{
  if (GTK_IS_LABEL (widget))
    {
      const char *text = gtk_label_get_text (GTK_LABEL (widget));

      if (strstr (text, needle) != NULL && gtk_widget_is_drawable (widget))
        return g_strdup (text);
    }

  for (GtkWidget *child = gtk_widget_get_first_child (widget);
       child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      char *found = find_label_text (child, needle);

      if (found != NULL)
        return found;
    }

  return NULL;
}

static DockyardApplication *
start_app (void)
{
  DockyardApplication *app = dockyard_application_new ();
  g_autoptr(GError) error = NULL;

  g_application_set_flags (G_APPLICATION (app),
                           G_APPLICATION_HANDLES_OPEN | G_APPLICATION_NON_UNIQUE);
  g_application_register (G_APPLICATION (app), NULL, &error);
  g_assert_no_error (error);

  return app;
}

static gboolean
quit_idle_cb (gpointer data)
{
  g_application_quit (G_APPLICATION (data));
  return G_SOURCE_REMOVE;
}

static void
no_activate_cb (GApplication *app)
{
  /* The test's windows are made by the test, not by activation. */
  g_signal_stop_emission_by_name (app, "activate");
}

/* Runs the app's main loop once to quit it, so that shutdown releases the
 * engine client, then checks that nothing keeps the app alive. */
static void
quit_app (DockyardApplication *app)
{
  g_signal_connect (app, "activate", G_CALLBACK (no_activate_cb), NULL);
  g_idle_add (quit_idle_cb, app);
  g_application_run (G_APPLICATION (app), 0, NULL);
  g_assert_finalize_object (app);
}

static void
test_engine_status (void)
{
  DockyardApplication *app;
  DockyardWindow *window;
  g_autofree char *status = NULL;
  const char *socket = dockyard_test_engine_socket ();

  if (socket == NULL)
    {
      dockyard_test_skip_unless_ci ("no engine: run the suite with tests/run");
      return;
    }

  app = start_app ();
  window = dockyard_window_new (app);
  gtk_window_present (GTK_WINDOW (window));

  wait_for_page (window, "welcome");
  settle (400);

  /* The welcome page names the engine and its socket. */
  status = find_label_text (GTK_WIDGET (window), "Docker Engine");
  g_assert_nonnull (status);
  g_assert_nonnull (strstr (status, socket));
  save_screenshot (GTK_WIDGET (window), "window-engine-status.png");

  g_object_add_weak_pointer (G_OBJECT (window), (gpointer *) &window);
  gtk_window_destroy (GTK_WINDOW (window));
  g_assert_null (window);
  quit_app (app);
}

static void
test_open_project (void)
{
  DockyardApplication *app;
  DockyardWindow *window;
  g_autofree char *dir = NULL;
  g_autofree char *project = NULL;
  g_autofree char *dockerfile = NULL;
  g_autofree char *found = NULL;
  g_autoptr(GError) error = NULL;

  if (dockyard_test_engine_socket () == NULL)
    {
      dockyard_test_skip_unless_ci ("no engine: run the suite with tests/run");
      return;
    }

  /* A name with a space and a quote, as users' folders have. */
  dir = g_dir_make_tmp ("dockyard-ui-XXXXXX", &error);
  g_assert_no_error (error);
  project = g_build_filename (dir, "my “demo” app", NULL);
  g_assert_cmpint (g_mkdir (project, 0755), ==, 0);
  dockerfile = g_build_filename (project, "Dockerfile", NULL);
  g_file_set_contents (dockerfile, "FROM python:3.11.9\n", -1, &error);
  g_assert_no_error (error);

  app = start_app ();
  window = dockyard_window_new (app);
  gtk_window_present (GTK_WINDOW (window));

  /* Through the exported app action, as `gapplication action` would. */
  g_action_group_activate_action (G_ACTION_GROUP (app), "open-project",
                                  g_variant_new_string (project));
  wait_for_page (window, "project");
  settle (400);

  g_assert_nonnull (dockyard_window_get_project (window));
  g_assert_cmpstr (dockyard_project_get_name (dockyard_window_get_project (window)), ==,
                   "my “demo” app");
  g_assert_true (dockyard_project_get_has_dockerfile (dockyard_window_get_project (window)));
  found = find_label_text (GTK_WIDGET (window), "has a Dockerfile");
  g_assert_nonnull (found);
  save_screenshot (GTK_WIDGET (window), "window-project.png");

  g_object_add_weak_pointer (G_OBJECT (window), (gpointer *) &window);
  gtk_window_destroy (GTK_WINDOW (window));
  g_assert_null (window);
  quit_app (app);

  g_unlink (dockerfile);
  g_rmdir (project);
  g_rmdir (dir);
}

static char *
make_project (const char *name,
              const char *dockerfile)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("dockyard-ui-XXXXXX", &error);
  g_autofree char *path = NULL;
  char *project;

  g_assert_no_error (error);
  project = g_build_filename (dir, name, NULL);
  g_assert_cmpint (g_mkdir (project, 0755), ==, 0);
  path = g_build_filename (project, "Dockerfile", NULL);
  g_file_set_contents (path, dockerfile, -1, &error);
  g_assert_no_error (error);

  return project;
}

static void
remove_project (const char *project)
{
  g_autofree char *parent = g_path_get_dirname (project);
  g_autofree char *command = g_strdup_printf ("rm -rf '%s'", parent);

  g_assert_true (g_spawn_command_line_sync (command, NULL, NULL, NULL, NULL));
}

static void
wait_for_build_end (DockyardWindow *window)
{
  gint64 deadline = g_get_monotonic_time () + 120 * G_USEC_PER_SEC;
  guint tick = g_timeout_add (50, tick_cb, NULL);

  while (dockyard_window_get_build (window) == NULL ||
         dockyard_build_get_state (dockyard_window_get_build (window)) == DOCKYARD_BUILD_RUNNING)
    {
      g_assert_cmpint (g_get_monotonic_time (), <, deadline);
      g_main_context_iteration (NULL, TRUE);
    }

  g_source_remove (tick);
}

static void
test_build (void)
{
  DockyardApplication *app;
  DockyardWindow *window;
  g_autofree char *dockerfile = NULL;
  g_autofree char *project = NULL;
  g_autofree char *status = NULL;
  DockyardBuild *build;

  if (dockyard_test_engine_socket () == NULL)
    {
      dockyard_test_skip_unless_ci ("no engine: run the suite with tests/run");
      return;
    }

  dockerfile = g_strdup_printf ("FROM %s\nRUN echo hello from the build view %" G_GINT64_FORMAT "\n",
                                g_getenv ("DOCKYARD_TEST_BUSYBOX_IMAGE"), g_get_real_time ());
  project = make_project ("UI Build Test", dockerfile);

  app = start_app ();
  window = dockyard_window_new (app);
  gtk_window_present (GTK_WINDOW (window));
  g_action_group_activate_action (G_ACTION_GROUP (app), "open-project",
                                  g_variant_new_string (project));
  wait_for_page (window, "project");

  /* The exported action, as `gapplication action ... build` would. */
  g_action_group_activate_action (G_ACTION_GROUP (app), "build", NULL);
  wait_for_build_end (window);
  build = dockyard_window_get_build (window);
  g_assert_cmpint (dockyard_build_get_state (build), ==, DOCKYARD_BUILD_SUCCEEDED);
  g_assert_cmpstr (dockyard_build_get_tag (build), ==, "ui-build-test:dev");
  settle (400);

  status = find_label_text (GTK_WIDGET (window), "Built ui-build-test:dev");
  g_assert_nonnull (status);
  save_screenshot (GTK_WIDGET (window), "window-build.png");

  g_object_add_weak_pointer (G_OBJECT (window), (gpointer *) &window);
  gtk_window_destroy (GTK_WINDOW (window));
  g_assert_null (window);
  quit_app (app);
  remove_project (project);
}

static void
test_build_failure (void)
{
  DockyardApplication *app;
  DockyardWindow *window;
  g_autofree char *dockerfile = NULL;
  g_autofree char *project = NULL;
  g_autofree char *banner = NULL;
  g_autofree char *tail = NULL;
  g_autoptr(GFile) directory = NULL;
  gint64 deadline;

  if (dockyard_test_engine_socket () == NULL)
    {
      dockyard_test_skip_unless_ci ("no engine: run the suite with tests/run");
      return;
    }

  dockerfile = g_strdup_printf ("# A comment, then a continued line\n"
                                "FROM %s\n"
                                "RUN echo preparing \\\n"
                                "    && echo the step says why; exit 3\n",
                                g_getenv ("DOCKYARD_TEST_BUSYBOX_IMAGE"));
  project = make_project ("failing", dockerfile);

  app = start_app ();
  window = dockyard_window_new (app);
  gtk_window_present (GTK_WINDOW (window));
  directory = g_file_new_for_path (project);
  dockyard_window_open_project (window, directory);
  wait_for_page (window, "project");

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.build", NULL));
  wait_for_build_end (window);
  g_assert_cmpint (dockyard_build_get_state (dockyard_window_get_build (window)), ==,
                   DOCKYARD_BUILD_FAILED);

  /* The banner names the Dockerfile line and shows the step's last words. */
  deadline = g_get_monotonic_time () + 10 * G_USEC_PER_SEC;
  while ((banner = find_label_text (GTK_WIDGET (window), "Line 3 of the Dockerfile")) == NULL)
    {
      g_assert_cmpint (g_get_monotonic_time (), <, deadline);
      settle (50);
    }
  tail = find_label_text (GTK_WIDGET (window), "exit code: 3\n\npreparing\nthe step says why");
  g_assert_nonnull (tail);
  settle (400);
  save_screenshot (GTK_WIDGET (window), "window-build-failed.png");

  g_object_add_weak_pointer (G_OBJECT (window), (gpointer *) &window);
  gtk_window_destroy (GTK_WINDOW (window));
  g_assert_null (window);
  quit_app (app);
  remove_project (project);
}

static char *
terminal_text (DockyardTerminal *terminal)
{
  char *text;

  /* Deprecated in newer VTE in favour of a format-taking variant. */
  G_GNUC_BEGIN_IGNORE_DEPRECATIONS
  text = vte_terminal_get_text (dockyard_terminal_get_vte (terminal), NULL, NULL, NULL);
  G_GNUC_END_IGNORE_DEPRECATIONS

  return text;
}

static void
wait_for_terminal_text (DockyardTerminal *terminal,
                        const char       *needle)
{
  gint64 deadline = g_get_monotonic_time () + 30 * G_USEC_PER_SEC;
  guint tick = g_timeout_add (50, tick_cb, NULL);

  for (;;)
    {
      g_autofree char *text = terminal_text (terminal);

      if (text != NULL && strstr (text, needle) != NULL)
        break;
      if (g_get_monotonic_time () > deadline)
        g_error ("“%s” never appeared in the terminal, which shows:\n%s", needle, text);
      g_main_context_iteration (NULL, TRUE);
    }

  g_source_remove (tick);
}

static void
remove_image (const char *name)
{
  g_autofree char *command = g_strdup_printf ("curl -s -o /dev/null -X DELETE --unix-socket %s "
                                              "http://d/images/%s?force=1",
                                              dockyard_test_engine_socket (), name);

  g_assert_true (g_spawn_command_line_sync (command, NULL, NULL, NULL, NULL));
}

static gboolean
container_gone (const char *id)
{
  g_autofree char *command = g_strdup_printf ("curl -s -o /dev/null -w %%{http_code} --unix-socket %s "
                                              "http://d/containers/%s/json",
                                              dockyard_test_engine_socket (), id);
  g_autofree char *out = NULL;

  g_assert_true (g_spawn_command_line_sync (command, &out, NULL, NULL, NULL));
  return g_strcmp0 (out, "404") == 0;
}

/* Types through the X server, as a person would (xdotool, XTEST). */
static gboolean
type_with_xdotool (const char *text)
{
  const char *argv_type[] = { "xdotool", "type", "--delay", "20", text, NULL };
  const char *argv_key[] = { "xdotool", "key", "Return", NULL };
  g_autoptr(GError) error = NULL;
  g_autofree char *xdotool = g_find_program_in_path ("xdotool");
  int status = 0;

  if (xdotool == NULL)
    return FALSE;

  g_spawn_sync (NULL, (char **) argv_type, NULL, G_SPAWN_SEARCH_PATH, NULL, NULL, NULL, NULL,
                &status, &error);
  g_assert_no_error (error);
  g_spawn_sync (NULL, (char **) argv_key, NULL, G_SPAWN_SEARCH_PATH, NULL, NULL, NULL, NULL,
                &status, &error);
  g_assert_no_error (error);
  return TRUE;
}

static void
wait_for_session_state (DockyardDevSession      *session,
                        DockyardDevSessionState  state)
{
  gint64 deadline = g_get_monotonic_time () + 60 * G_USEC_PER_SEC;
  guint tick = g_timeout_add (50, tick_cb, NULL);

  while (dockyard_dev_session_get_state (session) != state)
    {
      g_assert_cmpint (g_get_monotonic_time (), <, deadline);
      g_main_context_iteration (NULL, TRUE);
    }

  g_source_remove (tick);
}

static void
test_dev_terminal (void)
{
  DockyardApplication *app;
  DockyardWindow *window;
  g_autofree char *dockerfile = NULL;
  g_autofree char *project = NULL;
  g_autofree char *container_id = NULL;
  g_autofree char *message = NULL;
  DockyardDevSession *session;
  DockyardTerminal *terminal;
  DockyardTerminal *second;

  if (dockyard_test_engine_socket () == NULL)
    {
      dockyard_test_skip_unless_ci ("no engine: run the suite with tests/run");
      return;
    }

  dockerfile = g_strdup_printf ("FROM %s\nWORKDIR /usr/src/app\n",
                                g_getenv ("DOCKYARD_TEST_BUSYBOX_IMAGE"));
  project = make_project ("Dev Terminal Test", dockerfile);
  /* Built by an earlier run, the image would hide the "not built" case. */
  remove_image ("dev-terminal-test:dev");

  app = start_app ();
  window = dockyard_window_new (app);
  gtk_window_set_default_size (GTK_WINDOW (window), 900, 600);
  gtk_window_present (GTK_WINDOW (window));
  g_action_group_activate_action (G_ACTION_GROUP (app), "open-project",
                                  g_variant_new_string (project));
  wait_for_page (window, "project");

  /* Dev before the image exists: a clear message that offers Build. */
  g_action_group_activate_action (G_ACTION_GROUP (app), "dev", NULL);
  {
    gint64 deadline = g_get_monotonic_time () + 30 * G_USEC_PER_SEC;

    while ((message = find_label_text (GTK_WIDGET (window), "build it first")) == NULL)
      {
        g_assert_cmpint (g_get_monotonic_time (), <, deadline);
        settle (50);
      }
    g_clear_pointer (&message, g_free);
  }
  settle (300);
  save_screenshot (GTK_WIDGET (window), "window-dev-not-built.png");

  g_action_group_activate_action (G_ACTION_GROUP (app), "build", NULL);
  wait_for_build_end (window);
  g_assert_cmpint (dockyard_build_get_state (dockyard_window_get_build (window)), ==,
                   DOCKYARD_BUILD_SUCCEEDED);

  g_action_group_activate_action (G_ACTION_GROUP (app), "dev", NULL);
  session = dockyard_window_get_dev_session (window);
  g_assert_nonnull (session);
  wait_for_session_state (session, DOCKYARD_DEV_SESSION_RUNNING);
  container_id = g_strdup (dockyard_dev_session_get_container_id (session));
  terminal = dockyard_window_get_terminal (window, 0);
  g_assert_nonnull (terminal);

  /* The terminal has the keyboard focus when it opens. */
  settle (300);
  g_assert_true (gtk_widget_has_focus (GTK_WIDGET (dockyard_terminal_get_vte (terminal))));

  /* Typed through the real X server into the window when xdotool is there,
   * else through VTE's own input path (the commit signal either way). */
  if (!type_with_xdotool ("echo $((6*7))"))
    vte_terminal_feed_child (dockyard_terminal_get_vte (terminal), "echo $((6*7))\r", -1);
  wait_for_terminal_text (terminal, "\n42");

  vte_terminal_feed_child (dockyard_terminal_get_vte (terminal), "stty size\r", -1);
  {
    g_autofree char *size = g_strdup_printf ("%ld %ld",
                                             vte_terminal_get_row_count (dockyard_terminal_get_vte (terminal)),
                                             vte_terminal_get_column_count (dockyard_terminal_get_vte (terminal)));
    wait_for_terminal_text (terminal, size);
  }
  save_screenshot (GTK_WIDGET (window), "window-dev-terminal.png");

  /* A second shell in the same container sees the project folder. */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.new-terminal", NULL));
  second = dockyard_window_get_terminal (window, 1);
  g_assert_nonnull (second);
  settle (500);
  vte_terminal_feed_child (dockyard_terminal_get_vte (second), "ls /usr/src/app\r", -1);
  wait_for_terminal_text (second, "Dockerfile");

  /* The shell's exit status shows, with Restart. */
  vte_terminal_feed_child (dockyard_terminal_get_vte (terminal), "exit 3\r", -1);
  wait_for_session_state (session, DOCKYARD_DEV_SESSION_EXITED);
  settle (400);
  save_screenshot (GTK_WIDGET (window), "window-dev-exited.png");
  g_free (message);
  message = find_label_text (GTK_WIDGET (window), "status 3");
  g_assert_nonnull (message);

  /* Restart gives a new container; closing the window removes it. */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.dev-restart", NULL));
  session = dockyard_window_get_dev_session (window);
  wait_for_session_state (session, DOCKYARD_DEV_SESSION_RUNNING);
  g_free (container_id);
  container_id = g_strdup (dockyard_dev_session_get_container_id (session));

  g_object_add_weak_pointer (G_OBJECT (window), (gpointer *) &window);
  gtk_window_destroy (GTK_WINDOW (window));
  g_assert_null (window);
  quit_app (app);
  g_assert_true (container_gone (container_id));
  remove_image ("dev-terminal-test:dev");
  remove_project (project);
}

/* A browser for the test, registered the way desktops do (XDG): it only
 * writes down the address it was asked to open. */
static char *
register_test_browser (void)
{
  const char *data_home = g_get_user_data_dir ();
  const char *config_home = g_get_user_config_dir ();
  g_autofree char *applications = g_build_filename (data_home, "applications", NULL);
  g_autofree char *script = g_build_filename (data_home, "test-browser", NULL);
  g_autofree char *desktop = g_build_filename (applications, "dockyard-test-browser.desktop", NULL);
  g_autofree char *mimeapps = g_build_filename (config_home, "mimeapps.list", NULL);
  char *urls = g_build_filename (data_home, "opened-urls", NULL);
  g_autofree char *script_text = g_strdup_printf ("#!/bin/sh\nprintf '%%s\\n' \"$1\" >> '%s'\n", urls);
  g_autofree char *desktop_text = g_strdup_printf ("[Desktop Entry]\nType=Application\n"
                                                   "Name=Test Browser\nExec=%s %%u\n"
                                                   "MimeType=x-scheme-handler/http;\n", script);
  g_autoptr(GError) error = NULL;

  g_mkdir_with_parents (applications, 0755);
  g_mkdir_with_parents (config_home, 0755);
  g_file_set_contents (script, script_text, -1, &error);
  g_assert_no_error (error);
  g_chmod (script, 0755);
  g_file_set_contents (desktop, desktop_text, -1, &error);
  g_assert_no_error (error);
  g_file_set_contents (mimeapps, "[Default Applications]\n"
                       "x-scheme-handler/http=dockyard-test-browser.desktop\n", -1, &error);
  g_assert_no_error (error);

  return urls;
}

static char *
wait_for_opened_url (const char *urls)
{
  gint64 deadline = g_get_monotonic_time () + 30 * G_USEC_PER_SEC;
  g_autofree char *contents = NULL;

  while (!g_file_get_contents (urls, &contents, NULL, NULL) || *contents == '\0')
    {
      g_clear_pointer (&contents, g_free);
      g_assert_cmpint (g_get_monotonic_time (), <, deadline);
      settle (100);
    }

  return g_strdup (g_strstrip (contents));
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
  DockyardApplication *app;
  DockyardWindow *window;
  g_autofree char *dockerfile = NULL;
  g_autofree char *project = NULL;
  g_autofree char *urls = NULL;
  g_autofree char *opened = NULL;
  g_autofree char *notes = NULL;
  g_autofree char *container_id = NULL;
  g_autofree char *label = NULL;
  g_autoptr(GError) error = NULL;
  DockyardLabSession *lab;
  gint64 deadline;

  if (dockyard_test_engine_socket () == NULL)
    {
      dockyard_test_skip_unless_ci ("no engine: run the suite with tests/run");
      return;
    }

  urls = register_test_browser ();
  dockerfile = g_strdup_printf ("FROM %s\nWORKDIR /usr/src/app\n",
                                g_getenv ("DOCKYARD_TEST_PYTHON_IMAGE"));
  project = make_project ("Lab Test", dockerfile);
  notes = g_build_filename (project, "experiment-notes.md", NULL);
  g_file_set_contents (notes, "# Notes\n", -1, &error);
  g_assert_no_error (error);

  app = start_app ();
  window = dockyard_window_new (app);
  gtk_window_set_default_size (GTK_WINDOW (window), 900, 700);
  gtk_window_present (GTK_WINDOW (window));
  g_action_group_activate_action (G_ACTION_GROUP (app), "open-project",
                                  g_variant_new_string (project));
  wait_for_page (window, "project");

  g_action_group_activate_action (G_ACTION_GROUP (app), "build", NULL);
  wait_for_build_end (window);
  g_assert_cmpint (dockyard_build_get_state (dockyard_window_get_build (window)), ==,
                   DOCKYARD_BUILD_SUCCEEDED);

  /* Lab, through the exported action: Jupyter starts and the browser opens it. */
  g_action_group_activate_action (G_ACTION_GROUP (app), "lab", NULL);
  lab = dockyard_window_get_lab_session (window);
  g_assert_nonnull (lab);
  deadline = g_get_monotonic_time () + 120 * G_USEC_PER_SEC;
  while (dockyard_lab_session_get_state (lab) == DOCKYARD_LAB_SESSION_STARTING)
    {
      g_assert_cmpint (g_get_monotonic_time (), <, deadline);
      settle (100);
    }
  g_assert_cmpint (dockyard_lab_session_get_state (lab), ==, DOCKYARD_LAB_SESSION_RUNNING);
  container_id = g_strdup (dockyard_lab_session_get_container_id (lab));

  opened = wait_for_opened_url (urls);
  g_assert_cmpstr (opened, ==, dockyard_lab_session_get_url (lab));
  g_assert_true (g_str_has_prefix (opened, "http://127.0.0.1:"));
  settle (400);
  label = find_label_text (GTK_WIDGET (window), "127.0.0.1:");
  g_assert_nonnull (label);
  save_screenshot (GTK_WIDGET (window), "window-lab.png");
  screenshot_in_chromium (opened, "jupyter-in-chromium.png");

  /* Lab again reuses the running one, and opens it again. */
  g_action_group_activate_action (G_ACTION_GROUP (app), "lab", NULL);
  g_assert_true (dockyard_window_get_lab_session (window) == lab);
  {
    g_autofree char *both = NULL;

    deadline = g_get_monotonic_time () + 30 * G_USEC_PER_SEC;
    while (g_file_get_contents (urls, &both, NULL, NULL) && strchr (both, '\n') == strrchr (both, '\n'))
      {
        g_clear_pointer (&both, g_free);
        g_assert_cmpint (g_get_monotonic_time (), <, deadline);
        settle (100);
      }
  }
  /* The launcher holds the window until the browser was started. */
  settle (1000);

  /* Stop, through the exported action, removes the container. */
  g_action_group_activate_action (G_ACTION_GROUP (app), "stop-lab", NULL);
  deadline = g_get_monotonic_time () + 30 * G_USEC_PER_SEC;
  while (!container_gone (container_id))
    {
      g_assert_cmpint (g_get_monotonic_time (), <, deadline);
      settle (100);
    }
  g_assert_cmpint (dockyard_lab_session_get_state (lab), ==, DOCKYARD_LAB_SESSION_STOPPED);

  g_object_add_weak_pointer (G_OBJECT (window), (gpointer *) &window);
  gtk_window_destroy (GTK_WINDOW (window));
  g_assert_null (window);
  quit_app (app);
  remove_image ("lab-test:dev");
  remove_project (project);
}

static void
test_no_engine (void)
{
  DockyardApplication *app;
  DockyardWindow *window;
  g_autofree char *help = NULL;
  g_autofree char *saved = g_strdup (g_getenv ("DOCKER_HOST"));

  g_setenv ("DOCKER_HOST", "unix:///nonexistent/dockyard-test.sock", TRUE);

  app = start_app ();
  window = dockyard_window_new (app);
  gtk_window_present (GTK_WINDOW (window));

  wait_for_page (window, "no-engine");
  settle (400);

  help = find_label_text (GTK_WIDGET (window), "/nonexistent/dockyard-test.sock");
  g_assert_nonnull (help);
  save_screenshot (GTK_WIDGET (window), "window-no-engine.png");

  /* Retry goes back to connecting and fails again, visibly. */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "app.reconnect-engine", NULL));
  wait_for_page (window, "no-engine");

  if (saved != NULL)
    {
      /* Retry after the engine is reachable again connects. */
      g_setenv ("DOCKER_HOST", saved, TRUE);
      gtk_widget_activate_action (GTK_WIDGET (window), "app.reconnect-engine", NULL);
      wait_for_page (window, "welcome");
    }
  else
    g_unsetenv ("DOCKER_HOST");

  g_object_add_weak_pointer (G_OBJECT (window), (gpointer *) &window);
  gtk_window_destroy (GTK_WINDOW (window));
  g_assert_null (window);
  quit_app (app);
}

static AdwMessageDialog *
wait_for_dialog (void)
{
  gint64 deadline = g_get_monotonic_time () + 60 * G_USEC_PER_SEC;
  guint tick = g_timeout_add (50, tick_cb, NULL);
  AdwMessageDialog *found = NULL;

  while (found == NULL)
    {
      GListModel *toplevels = gtk_window_get_toplevels ();

      for (guint i = 0; i < g_list_model_get_n_items (toplevels) && found == NULL; i++)
        {
          g_autoptr(GObject) toplevel = g_list_model_get_item (toplevels, i);

          if (ADW_IS_MESSAGE_DIALOG (toplevel) && gtk_widget_get_visible (GTK_WIDGET (toplevel)))
            found = ADW_MESSAGE_DIALOG (toplevel);
        }
      if (found == NULL)
        {
          g_assert_cmpint (g_get_monotonic_time (), <, deadline);
          g_main_context_iteration (NULL, TRUE);
        }
    }

  g_source_remove (tick);
  return found;
}

static void
wait_until_idle (DockyardDockerfilePage *page)
{
  gint64 deadline = g_get_monotonic_time () + 60 * G_USEC_PER_SEC;
  guint tick = g_timeout_add (50, tick_cb, NULL);

  while (dockyard_dockerfile_page_get_busy (page))
    {
      g_assert_cmpint (g_get_monotonic_time (), <, deadline);
      g_main_context_iteration (NULL, TRUE);
    }

  g_source_remove (tick);
}

/* Pin Requirements before the first build: the dialog's Build builds
 * the image, and pinning then takes the versions from it. */
static void
test_pin_requirements_build (void)
{
  DockyardApplication *app;
  DockyardWindow *window;
  DockyardDockerfilePage *page;
  AdwMessageDialog *dialog;
  g_autofree char *dockerfile = NULL;
  g_autofree char *project = NULL;
  g_autofree char *requirements = NULL;
  g_autofree char *pinned = NULL;
  g_autofree char *path = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(JsonNode) node = NULL;
  g_autoptr(GError) error = NULL;

  if (dockyard_test_engine_socket () == NULL)
    {
      dockyard_test_skip_unless_ci ("no engine: run the suite with tests/run");
      return;
    }

  /* MarkupSafe is in the image already: pip needs no index. */
  dockerfile = g_strdup_printf ("FROM %s\nWORKDIR /usr/src/app\nCOPY requirements.txt .\n"
                                "RUN --mount=type=cache,target=/root/.cache/pip pip install -r requirements.txt\n",
                                g_getenv ("DOCKYARD_TEST_PYTHON_IMAGE"));
  project = make_project ("UI Pin Test", dockerfile);
  requirements = g_build_filename (project, "requirements.txt", NULL);
  g_file_set_contents (requirements, "MarkupSafe\n", -1, &error);
  g_assert_no_error (error);

  app = start_app ();
  window = dockyard_window_new (app);
  gtk_window_present (GTK_WINDOW (window));
  g_action_group_activate_action (G_ACTION_GROUP (app), "open-project",
                                  g_variant_new_string (project));
  wait_for_page (window, "project");
  page = DOCKYARD_DOCKERFILE_PAGE (gtk_widget_get_template_child (GTK_WIDGET (window), DOCKYARD_TYPE_WINDOW,
                                                                  "dockerfile_page"));
  wait_until_idle (page);

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (page), "dockerfile.pin-requirements", NULL));
  dialog = wait_for_dialog ();
  g_assert_cmpstr (adw_message_dialog_get_heading (dialog), ==, "The Image Is Not Built Yet");
  adw_message_dialog_response (dialog, "build");
  gtk_window_destroy (GTK_WINDOW (dialog));
  wait_for_build_end (window);
  g_assert_cmpint (dockyard_build_get_state (dockyard_window_get_build (window)), ==, DOCKYARD_BUILD_SUCCEEDED);

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (page), "dockerfile.pin-requirements", NULL));
  dialog = wait_for_dialog ();
  g_assert_cmpstr (adw_message_dialog_get_heading (dialog), ==, "Pin Requirements?");
  adw_message_dialog_response (dialog, "apply");
  gtk_window_destroy (GTK_WINDOW (dialog));
  wait_until_idle (page);
  g_file_get_contents (requirements, &pinned, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (pinned, ==, "MarkupSafe==2.1.2\n");

  dockyard_engine_request_async (dockyard_application_get_engine (app), "DELETE",
                                 "/images/ui-pin-test:dev?force=1", NULL, NULL,
                                 dockyard_test_store_result_cb, &result);
  dockyard_test_wait_for_async (&result);
  node = dockyard_engine_request_finish (dockyard_application_get_engine (app), result, NULL);

  g_object_add_weak_pointer (G_OBJECT (window), (gpointer *) &window);
  gtk_window_destroy (GTK_WINDOW (window));
  g_assert_null (window);
  quit_app (app);
  remove_project (project);
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
  g_test_add_func ("/window/build", test_build);
  g_test_add_func ("/window/build-failure", test_build_failure);
  g_test_add_func ("/window/dev-terminal", test_dev_terminal);
  g_test_add_func ("/window/lab", test_lab);
  g_test_add_func ("/window/pin-requirements-build", test_pin_requirements_build);

  return g_test_run ();
}
