/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <string.h>

#include <vte/vte.h>

#include "dockyard-adaptive.h"
#include "dockyard-test-utils.h"
#include "ui-test-utils.h"

static gboolean
tick_cb (gpointer data)
{
  return G_SOURCE_CONTINUE;
}

/* A warning GTK gives about its own frame bookkeeping, whatever the app
 * does: GTK 4.24's X11 backend reports a popover's frame as submitted twice
 * on a server without a compositor (Xvfb). */
#define GDK_FRAME_TIMINGS_WARNING "gdk_frame_timings_submitted() called on submitted frame"

static const char *
log_field (const GLogField *fields,
           gsize            n_fields,
           const char      *key)
{
  for (gsize i = 0; i < n_fields; i++)
    if (g_str_equal (fields[i].key, key) && fields[i].length < 0)
      return fields[i].value;

  return NULL;
}

/* GLib's writer for everything but that one warning, which is only noted:
 * tests make every warning fatal. */
static GLogWriterOutput
log_writer_cb (GLogLevelFlags   log_level,
               const GLogField *fields,
               gsize            n_fields,
               gpointer         user_data)
{
  const char *message = log_field (fields, n_fields, "MESSAGE");

  if ((log_level & G_LOG_LEVEL_WARNING) != 0
      && g_strcmp0 (log_field (fields, n_fields, "GLIB_DOMAIN"), "Gdk") == 0
      && message != NULL && g_str_has_prefix (message, GDK_FRAME_TIMINGS_WARNING))
    {
      g_test_message ("not fatal, GTK's own: Gdk-WARNING %s", message);
      return G_LOG_WRITER_HANDLED;
    }

  return g_log_writer_default (log_level, fields, n_fields, user_data);
}

/**
 * dockyard_ui_test_init:
 *
 * dockyard_test_init() for a widget test, with the one GTK warning about
 * GTK itself that a test on Xvfb cannot avoid made not fatal.
 */
void
dockyard_ui_test_init (int    *argc,
                       char ***argv)
{
  dockyard_test_init (argc, argv);
  g_log_set_writer_func (log_writer_cb, NULL, NULL);
}

/**
 * dockyard_ui_test_iterate:
 *
 * Runs one iteration of the main context, returning within 20 ms even when
 * nothing happens, so that a caller polling a condition sees its deadline.
 */
void
dockyard_ui_test_iterate (void)
{
  guint tick = g_timeout_add (20, tick_cb, NULL);

  g_main_context_iteration (NULL, TRUE);
  g_source_remove (tick);
}

/* Lets the window lay out and paint; GtkStack crossfades for 200 ms. */
void
dockyard_ui_test_settle (guint ms)
{
  gint64 until = g_get_monotonic_time () + ms * 1000;
  guint tick = g_timeout_add (16, tick_cb, NULL);

  while (g_get_monotonic_time () < until)
    g_main_context_iteration (NULL, TRUE);

  g_source_remove (tick);
}

static gboolean
in_transition (GtkWidget *widget)
{
  if (GTK_IS_STACK (widget) && gtk_stack_get_transition_running (GTK_STACK (widget)))
    return TRUE;
  if (GTK_IS_REVEALER (widget) &&
      gtk_revealer_get_reveal_child (GTK_REVEALER (widget)) !=
      gtk_revealer_get_child_revealed (GTK_REVEALER (widget)))
    return TRUE;

  for (GtkWidget *child = gtk_widget_get_first_child (widget);
       child != NULL;
       child = gtk_widget_get_next_sibling (child))
    if (in_transition (child))
      return TRUE;

  return FALSE;
}

/**
 * dockyard_ui_test_wait_for_transitions:
 *
 * Iterates until no stack or revealer under @widget is animating (30 s at
 * most).  Their frames come after input and I/O: a test that feeds events
 * without pause would otherwise see a page half shown, its buttons not yet
 * there (slowly, under ASan).
 */
void
dockyard_ui_test_wait_for_transitions (GtkWidget *widget)
{
  gint64 deadline = g_get_monotonic_time () + 30 * G_USEC_PER_SEC;

  while (in_transition (widget))
    {
      if (g_get_monotonic_time () > deadline)
        g_error ("%s is still animating after 30 s", G_OBJECT_TYPE_NAME (widget));
      dockyard_ui_test_iterate ();
    }
}

/**
 * dockyard_ui_test_save_screenshot:
 *
 * Renders @widget (a window as the compositor would show its contents)
 * into the PNG artefact @name, which a person can look at.
 */
void
dockyard_ui_test_save_screenshot (GtkWidget  *widget,
                                  const char *name)
{
  g_autoptr(GdkPaintable) paintable = gtk_widget_paintable_new (widget);
  g_autoptr(GtkSnapshot) snapshot = NULL;
  g_autoptr(GskRenderNode) node = NULL;
  g_autoptr(GdkTexture) texture = NULL;
  g_autofree char *path = dockyard_test_artifact_path (name);
  int width = 0;
  int height = 0;
  GskRenderer *renderer = gtk_native_get_renderer (GTK_NATIVE (widget));

  /* A widget that has not been drawn since its last change, or not laid
   * out yet (a new window, slowly under ASan), snapshots as nothing: let it
   * draw, a few times if need be. */
  for (guint attempt = 0; attempt < 100 && node == NULL; attempt++)
    {
      g_clear_object (&snapshot);
      dockyard_ui_test_settle (100);
      width = gtk_widget_get_width (widget);
      height = gtk_widget_get_height (widget);
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

/**
 * dockyard_ui_test_find_label_text:
 *
 * Returns: (transfer full) (nullable): the text of the first label on
 *   show under @widget that contains @needle
 */
char *
dockyard_ui_test_find_label_text (GtkWidget  *widget,
                                  const char *needle)
{
  /* Nothing under a widget that is not drawn is on show. */
  if (!gtk_widget_is_drawable (widget))
    return NULL;

  if (GTK_IS_LABEL (widget))
    {
      const char *text = gtk_label_get_text (GTK_LABEL (widget));

      if (strstr (text, needle) != NULL)
        return g_strdup (text);
    }

  for (GtkWidget *child = gtk_widget_get_first_child (widget);
       child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      char *found = dockyard_ui_test_find_label_text (child, needle);

      if (found != NULL)
        return found;
    }

  return NULL;
}

/* As dockyard_ui_test_find_label_text(), waiting up to 30 s for it to show. */
char *
dockyard_ui_test_wait_for_label_text (GtkWidget  *widget,
                                      const char *needle)
{
  gint64 deadline = g_get_monotonic_time () + 30 * G_USEC_PER_SEC;
  char *found;

  while ((found = dockyard_ui_test_find_label_text (widget, needle)) == NULL)
    {
      if (g_get_monotonic_time () > deadline)
        g_error ("“%s” never showed", needle);
      dockyard_ui_test_settle (50);
    }

  return found;
}

/* The first widget of @type under @widget (itself included), or NULL. */
GtkWidget *
dockyard_ui_test_find_widget (GtkWidget *widget,
                              GType      type)
{
  if (G_TYPE_CHECK_INSTANCE_TYPE (widget, type))
    return widget;

  for (GtkWidget *child = gtk_widget_get_first_child (widget);
       child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found = dockyard_ui_test_find_widget (child, type);

      if (found != NULL)
        return found;
    }

  return NULL;
}

/* The app, registered without a name on the bus: windows are the test's. */
DockyardApplication *
dockyard_ui_test_start_app (void)
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

/**
 * dockyard_ui_test_quit_app:
 *
 * Runs the app's main loop once to quit it, so that shutdown releases the
 * engine client (and waits for container removals), then checks that
 * nothing keeps the app alive.
 */
void
dockyard_ui_test_quit_app (DockyardApplication *app)
{
  g_signal_connect (app, "activate", G_CALLBACK (no_activate_cb), NULL);
  g_idle_add (quit_idle_cb, app);
  g_application_run (G_APPLICATION (app), 0, NULL);
  g_assert_finalize_object (app);
}

/**
 * dockyard_ui_test_new_window:
 * @app: a started app (dockyard_ui_test_start_app())
 *
 * Returns: (transfer none): a new window of @app with the app's engine
 *   connection, settings and recent projects, on show
 */
DockyardWindow *
dockyard_ui_test_new_window (DockyardApplication *app)
{
  return dockyard_ui_test_new_sized_window (app, 0, 0);
}

/* As dockyard_ui_test_new_window(), @width × @height pixels large. */
DockyardWindow *
dockyard_ui_test_new_sized_window (DockyardApplication *app,
                                   int                  width,
                                   int                  height)
{
  DockyardWindow *window = dockyard_window_new (GTK_APPLICATION (app),
                                                dockyard_application_get_engine_monitor (app),
                                                dockyard_application_get_settings (app),
                                                dockyard_application_get_recent_projects (app));

  if (width > 0 && height > 0)
    gtk_window_set_default_size (GTK_WINDOW (window), width, height);
  gtk_window_present (GTK_WINDOW (window));
  return window;
}

/* Opens @project through the app's exported action, as `gapplication
 * action` would, and waits until @window shows it. */
void
dockyard_ui_test_open_project (DockyardApplication *app,
                               DockyardWindow      *window,
                               const char          *project)
{
  g_action_group_activate_action (G_ACTION_GROUP (app), "open-project",
                                  g_variant_new_string (project));
  dockyard_ui_test_wait_for_page (window, "project");
}

/**
 * dockyard_ui_test_project_new:
 * @name: the project folder's name (in a new temporary folder)
 * @dockerfile: its Dockerfile
 *
 * The fixture of a test of the whole window: a project folder now, the
 * app and its window once dockyard_ui_test_project_open() is called (so
 * that the test can add files first).
 */
DockyardUiTestProject *
dockyard_ui_test_project_new (const char *name,
                              const char *dockerfile)
{
  DockyardUiTestProject *f = g_new0 (DockyardUiTestProject, 1);
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("dockyard-ui-XXXXXX", &error);
  g_autofree char *path = NULL;

  g_assert_no_error (error);
  f->project = g_build_filename (dir, name, NULL);
  g_assert_cmpint (g_mkdir (f->project, 0755), ==, 0);
  path = g_build_filename (f->project, "Dockerfile", NULL);
  g_file_set_contents (path, dockerfile, -1, &error);
  g_assert_no_error (error);

  return f;
}

/* Starts the app, makes its window (@width × @height, or the default
 * size for 0) and opens the project in it through the app's action. */
void
dockyard_ui_test_project_open (DockyardUiTestProject *f,
                               int                    width,
                               int                    height)
{
  g_assert_null (f->app);

  f->app = dockyard_ui_test_start_app ();
  f->window = dockyard_ui_test_new_sized_window (f->app, width, height);
  dockyard_ui_test_open_project (f->app, f->window, f->project);
}

/* Closes the window (which removes its containers) and quits the app,
 * checking that neither leaks; the project folder stays. */
void
dockyard_ui_test_project_close (DockyardUiTestProject *f)
{
  if (f->window != NULL)
    dockyard_ui_test_destroy_window (GTK_WINDOW (g_steal_pointer (&f->window)));
  if (f->app != NULL)
    dockyard_ui_test_quit_app (g_steal_pointer (&f->app));
}

/* Closes what is open and removes the project folder, unless the test
 * took it (set f->project to NULL) to look at later. */
void
dockyard_ui_test_project_free (DockyardUiTestProject *f)
{
  dockyard_ui_test_project_close (f);

  if (f->project != NULL)
    {
      g_autofree char *parent = g_path_get_dirname (f->project);
      g_autofree char *command = g_strdup_printf ("rm -rf '%s'", parent);

      g_assert_true (g_spawn_command_line_sync (command, NULL, NULL, NULL, NULL));
    }

  g_free (f->project);
  g_free (f);
}

/**
 * dockyard_ui_test_bare_window_new:
 * @project: (nullable): a folder to open
 *
 * A window as a test of the window alone makes it: g_object_new() with
 * its own settings and engine connection, no application registered.
 * With @project, returns once the window shows it.
 */
DockyardUiTestBareWindow *
dockyard_ui_test_bare_window_new (const char *project)
{
  DockyardUiTestBareWindow *bare = g_new0 (DockyardUiTestBareWindow, 1);

  bare->settings = g_settings_new (APP_ID);
  bare->monitor = dockyard_engine_monitor_new (bare->settings);
  dockyard_engine_monitor_connect (bare->monitor);
  bare->window = g_object_new (DOCKYARD_TYPE_WINDOW,
                               "monitor", bare->monitor,
                               "settings", bare->settings,
                               NULL);
  gtk_window_present (GTK_WINDOW (bare->window));

  if (project != NULL)
    {
      g_autoptr(GFile) directory = g_file_new_for_path (project);

      dockyard_window_open_project (bare->window, directory);
      dockyard_ui_test_wait_for_page (bare->window, "project");
    }

  return bare;
}

/* Destroys the window, waits for the container removals it started, and
 * checks that neither the window nor the engine connection leaks. */
void
dockyard_ui_test_bare_window_free (DockyardUiTestBareWindow *bare)
{
  gint64 deadline = g_get_monotonic_time () + 30 * G_USEC_PER_SEC;

  dockyard_ui_test_destroy_window (GTK_WINDOW (bare->window));
  while (dockyard_engine_monitor_get_pending_cleanups (bare->monitor) > 0)
    {
      g_assert_cmpint (g_get_monotonic_time (), <, deadline);
      dockyard_ui_test_iterate ();
    }
  dockyard_engine_monitor_disconnect (bare->monitor);
  /* Let the cancelled discovery and streams let go of the monitor. */
  for (guint i = 0; i < 1000 && g_main_context_pending (NULL); i++)
    g_main_context_iteration (NULL, FALSE);

  g_assert_finalize_object (bare->monitor);
  g_assert_finalize_object (bare->settings);
  g_free (bare);
}

/* Destroys @window and checks that it is gone at once. */
void
dockyard_ui_test_destroy_window (GtkWindow *window)
{
  g_object_add_weak_pointer (G_OBJECT (window), (gpointer *) &window);
  gtk_window_destroy (window);
  g_assert_null (window);
}

static GtkWidget *
find_mapped (GtkWidget *widget,
             GType      type)
{
  if (!gtk_widget_get_mapped (widget))
    return NULL;
  if (G_TYPE_CHECK_INSTANCE_TYPE (widget, type))
    return widget;

  for (GtkWidget *child = gtk_widget_get_first_child (widget);
       child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found = find_mapped (child, type);

      if (found != NULL)
        return found;
    }

  return NULL;
}

/**
 * dockyard_ui_test_find_alert:
 *
 * Returns: (transfer none) (nullable): a question on show: an AdwMessageDialog
 *   window, or what dockyard_alert_new() makes on this libadwaita (an
 *   AdwAlertDialog on its window from 1.5)
 */
GtkWidget *
dockyard_ui_test_find_alert (void)
{
  GListModel *toplevels = gtk_window_get_toplevels ();

  for (guint i = 0; i < g_list_model_get_n_items (toplevels); i++)
    {
      g_autoptr(GtkWidget) window = g_list_model_get_item (toplevels, i);
      GtkWidget *found = find_mapped (window, ADW_TYPE_MESSAGE_DIALOG);

      if (found == NULL)
        found = find_mapped (window, dockyard_alert_get_type_shown ());
      if (found != NULL)
        return found;
    }

  return NULL;
}

/* The question on show (dockyard_ui_test_find_alert()) once there is one;
 * fails after @seconds. */
GtkWidget *
dockyard_ui_test_wait_for_alert (guint seconds)
{
  gint64 deadline = g_get_monotonic_time () + seconds * G_USEC_PER_SEC;
  GtkWidget *alert;

  while ((alert = dockyard_ui_test_find_alert ()) == NULL)
    {
      if (g_get_monotonic_time () > deadline)
        g_error ("no question on show after %u s", seconds);
      dockyard_ui_test_iterate ();
    }

  return alert;
}

/* The toplevel of type @type other than @except, once it is mapped; fails
 * after @seconds. */
GtkWindow *
dockyard_ui_test_wait_for_toplevel (GType      type,
                                    GtkWindow *except,
                                    guint      seconds)
{
  gint64 deadline = g_get_monotonic_time () + seconds * G_USEC_PER_SEC;

  for (;;)
    {
      g_autoptr(GList) toplevels = gtk_window_list_toplevels ();

      for (GList *l = toplevels; l != NULL; l = l->next)
        if (l->data != except && G_TYPE_CHECK_INSTANCE_TYPE (l->data, type) &&
            gtk_widget_get_mapped (l->data) && gtk_widget_get_width (l->data) > 0)
          return l->data;

      g_assert_cmpint (g_get_monotonic_time (), <, deadline);
      dockyard_ui_test_settle (50);
    }
}

/* Iterates until the window shows @page, or fails after 60 s. */
void
dockyard_ui_test_wait_for_page (DockyardWindow *window,
                                const char     *page)
{
  gint64 deadline = g_get_monotonic_time () + 60 * G_USEC_PER_SEC;

  while (g_strcmp0 (dockyard_window_get_page (window), page) != 0)
    {
      if (g_get_monotonic_time () > deadline)
        g_error ("window shows page “%s”, not “%s”", dockyard_window_get_page (window), page);
      dockyard_ui_test_iterate ();
    }
}

/* Iterates until the window's build has ended, or fails after 120 s. */
void
dockyard_ui_test_wait_for_build_end (DockyardWindow *window)
{
  gint64 deadline = g_get_monotonic_time () + 120 * G_USEC_PER_SEC;

  /* READY: the window is still opening the build context. */
  while (dockyard_window_get_build (window) == NULL ||
         dockyard_build_get_state (dockyard_window_get_build (window)) == DOCKYARD_BUILD_READY ||
         dockyard_build_get_state (dockyard_window_get_build (window)) == DOCKYARD_BUILD_RUNNING)
    {
      g_assert_cmpint (g_get_monotonic_time (), <, deadline);
      dockyard_ui_test_iterate ();
    }
}

/* Iterates until the Dockerfile page has caught up (file read, preview,
 * findings, and what idle callbacks start after them); fails after
 * @seconds. */
void
dockyard_ui_test_wait_for_page_idle (DockyardDockerfilePage *page,
                                     guint                   seconds)
{
  gint64 deadline = g_get_monotonic_time () + seconds * G_USEC_PER_SEC;

  do
    {
      while (dockyard_dockerfile_page_get_busy (page))
        {
          if (g_get_monotonic_time () > deadline)
            g_error ("the Dockerfile page is still busy after %u s", seconds);
          dockyard_ui_test_iterate ();
        }
      /* Idle callbacks that may start more work. */
      while (g_main_context_iteration (NULL, FALSE))
        ;
    }
  while (dockyard_dockerfile_page_get_busy (page));
}

char *
dockyard_ui_test_terminal_text (DockyardTerminal *terminal)
{
  char *text;

  /* Deprecated in newer VTE in favour of a format-taking variant. */
  G_GNUC_BEGIN_IGNORE_DEPRECATIONS
  text = vte_terminal_get_text (dockyard_terminal_get_vte (terminal), NULL, NULL, NULL);
  G_GNUC_END_IGNORE_DEPRECATIONS

  return text;
}

/* Iterates until @needle shows in the terminal, or fails after 30 s. */
void
dockyard_ui_test_wait_for_terminal_text (DockyardTerminal *terminal,
                                         const char       *needle)
{
  gint64 deadline = g_get_monotonic_time () + 30 * G_USEC_PER_SEC;

  for (;;)
    {
      g_autofree char *text = dockyard_ui_test_terminal_text (terminal);

      if (text != NULL && strstr (text, needle) != NULL)
        break;
      if (g_get_monotonic_time () > deadline)
        g_error ("“%s” never appeared in the terminal, which shows:\n%s", needle, text);
      dockyard_ui_test_iterate ();
    }
}

/**
 * dockyard_ui_test_xdotool:
 * @args: xdotool's arguments, e.g. `{ "key", "ctrl+s", NULL }`
 *
 * Sends input through the X server, as a person would (xdotool, XTEST).
 *
 * Returns: %FALSE when xdotool is not installed
 */
gboolean
dockyard_ui_test_xdotool (const char * const *args)
{
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();
  g_auto(GStrv) argv = NULL;
  g_autofree char *program = g_find_program_in_path ("xdotool");
  g_autoptr(GError) error = NULL;
  int status = 0;

  if (program == NULL)
    return FALSE;

  g_strv_builder_add (builder, program);
  g_strv_builder_addv (builder, (const char **) args);
  argv = g_strv_builder_end (builder);
  g_spawn_sync (NULL, argv, NULL, G_SPAWN_DEFAULT, NULL, NULL, NULL, NULL, &status, &error);
  g_assert_no_error (error);
  g_assert_true (g_spawn_check_wait_status (status, NULL));
  return TRUE;
}

/* Types @text and Return through the X server; FALSE without xdotool. */
gboolean
dockyard_ui_test_type_line (const char *text)
{
  return dockyard_ui_test_xdotool ((const char *[]) { "type", "--delay", "20", text, NULL }) &&
         dockyard_ui_test_xdotool ((const char *[]) { "key", "Return", NULL });
}

/**
 * dockyard_ui_test_register_browser:
 *
 * Registers a browser for the test the way desktops do (XDG): it only
 * writes down the addresses it is asked to open, one a line.
 *
 * Returns: (transfer full): the file of those addresses
 */
char *
dockyard_ui_test_register_browser (void)
{
  const char *data_home = g_get_user_data_dir ();
  const char *config_home = g_get_user_config_dir ();
  g_autofree char *applications = g_build_filename (data_home, "applications", NULL);
  g_autofree char *script = g_build_filename (data_home, "test-browser", NULL);
  g_autofree char *desktop = g_build_filename (applications, "dockyard-test-browser.desktop", NULL);
  g_autofree char *mimeapps = g_build_filename (config_home, "mimeapps.list", NULL);
  char *urls = g_build_filename (data_home, "opened-urls", NULL);
  g_autofree char *argv_log = g_build_filename (data_home, "opened-argv", NULL);
  /* Its command line goes to opened-argv; the address it ends up at (a
   * page's redirect, as a browser follows it) to opened-urls. */
  g_autofree char *script_text =
    g_strdup_printf ("#!/bin/sh\n"
                     "printf '%%s\\n' \"$1\" >> '%s'\n"
                     "case \"$1\" in\n"
                     "  file://*) page=${1#file://} ;;\n"
                     "  /*) page=$1 ;;\n"
                     "  *) printf '%%s\\n' \"$1\" >> '%s'; exit 0 ;;\n"
                     "esac\n"
                     "sed -n 's/.*content=\"0;url=\\([^\"]*\\)\".*/\\1/p' \"$page\" |"
                     " sed 's/&amp;/\\&/g' >> '%s'\n",
                     argv_log, urls, urls);
  g_autofree char *desktop_text = g_strdup_printf ("[Desktop Entry]\nType=Application\n"
                                                   "Name=Test Browser\nExec=%s %%u\n"
                                                   "MimeType=x-scheme-handler/http;text/html;\n",
                                                   script);
  g_autoptr(GError) error = NULL;

  g_mkdir_with_parents (applications, 0755);
  g_mkdir_with_parents (config_home, 0755);
  g_file_set_contents (script, script_text, -1, &error);
  g_assert_no_error (error);
  g_chmod (script, 0755);
  g_file_set_contents (desktop, desktop_text, -1, &error);
  g_assert_no_error (error);
  g_file_set_contents (mimeapps, "[Default Applications]\n"
                       "x-scheme-handler/http=dockyard-test-browser.desktop\n"
                       "text/html=dockyard-test-browser.desktop\n", -1, &error);
  g_assert_no_error (error);

  return urls;
}

/* The first address the test browser was asked to open (waits up to 30 s). */
char *
dockyard_ui_test_wait_for_opened_url (const char *urls)
{
  gint64 deadline = g_get_monotonic_time () + 30 * G_USEC_PER_SEC;
  g_autofree char *contents = NULL;

  g_autofree char *folder = g_path_get_dirname (urls);
  g_autofree char *argv_log = g_build_filename (folder, "opened-argv", NULL);
  g_autofree char *argv = NULL;

  while (!g_file_get_contents (urls, &contents, NULL, NULL) || *contents == '\0')
    {
      g_clear_pointer (&contents, g_free);
      g_assert_cmpint (g_get_monotonic_time (), <, deadline);
      dockyard_ui_test_settle (100);
    }

  /* Every local user can read a browser's command line: no token on it. */
  g_assert_true (g_file_get_contents (argv_log, &argv, NULL, NULL));
  g_test_message ("the browser's command line: %s", argv);
  g_assert_null (strstr (argv, "token="));

  return g_strdup (g_strstrip (contents));
}

void
dockyard_ui_test_remove_image (const char *name)
{
  g_autofree char *command = g_strdup_printf ("curl -s -o /dev/null -X DELETE --unix-socket %s "
                                              "http://d/images/%s?force=1",
                                              dockyard_test_engine_socket (), name);

  g_assert_true (g_spawn_command_line_sync (command, NULL, NULL, NULL, NULL));
}

gboolean
dockyard_ui_test_container_gone (const char *id)
{
  g_autofree char *command = g_strdup_printf ("curl -s -o /dev/null -w %%{http_code} --unix-socket %s "
                                              "http://d/containers/%s/json",
                                              dockyard_test_engine_socket (), id);
  g_autofree char *out = NULL;

  g_assert_true (g_spawn_command_line_sync (command, &out, NULL, NULL, NULL));
  return g_strcmp0 (out, "404") == 0;
}
