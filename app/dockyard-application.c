/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <signal.h>

#include <glib-unix.h>

#include <glib/gi18n.h>

#include "dockyard-application.h"
#include "dockyard-cli.h"
#include "dockyard-cli-build.h"
#include "dockyard-cli-context.h"
#include "dockyard-preferences-window.h"
#include "dockyard-resources.h"
#include "dockyard-window.h"

struct _DockyardApplication
{
  AdwApplication          parent_instance;

  GSettings              *settings;
  DockyardRecentProjects *recent_projects;
  /* The engine connection all windows share. */
  DockyardEngineMonitor  *monitor;
  /* SIGTERM, SIGINT and SIGHUP quit as the Quit action does, without
   * asking. */
  guint                   signal_sources[3];
  /* Quit closes the windows one by one, each asking as its close button
   * does; the one asking now (weak), and its handlers. */
  gboolean                quitting;
  GtkWindow              *quit_window;
  gulong                  quit_cancelled_id;
};

/* How long quitting waits for the engine to remove containers. */
#define CLEANUP_TIMEOUT_SECONDS 15

G_DEFINE_FINAL_TYPE (DockyardApplication, dockyard_application, ADW_TYPE_APPLICATION)

/* Actions ----------------------------------------------------------------- */

static DockyardWindow *
new_window (DockyardApplication *self)
{
  return dockyard_window_new (GTK_APPLICATION (self), self->monitor, self->settings,
                              self->recent_projects);
}

static DockyardWindow *
get_or_create_window (DockyardApplication *self)
{
  GtkWindow *window = gtk_application_get_active_window (GTK_APPLICATION (self));

  if (window == NULL)
    window = GTK_WINDOW (new_window (self));

  return DOCKYARD_WINDOW (window);
}

/* A folder opens in the active window while it shows no project (or this
 * one); a window with another project keeps it, with what runs there: the
 * folder gets a new window. */
static DockyardWindow *
window_for_project (DockyardApplication *self,
                    GFile               *directory)
{
  DockyardWindow *window = get_or_create_window (self);
  DockyardProject *open = dockyard_window_get_project (window);

  if (open != NULL && !g_file_equal (dockyard_project_get_directory (open), directory))
    window = new_window (self);

  return window;
}

static void
open_project_action (GSimpleAction *action,
                     GVariant      *parameter,
                     gpointer       user_data)
{
  DockyardApplication *self = user_data;
  const char *path = g_variant_get_string (parameter, NULL);
  g_autoptr(GFile) directory = NULL;
  DockyardWindow *window;

  directory = g_file_new_for_commandline_arg (path);
  window = window_for_project (self, directory);
  dockyard_window_open_project (window, directory);
  gtk_window_present (GTK_WINDOW (window));
}

/* Actions that act on the focused project window, as its buttons do. */
static void
window_action (DockyardApplication *self,
               const char          *name)
{
  GtkWindow *window = gtk_application_get_active_window (GTK_APPLICATION (self));

  if (window != NULL)
    gtk_widget_activate_action (GTK_WIDGET (window), name, NULL);
}

static void
dev_action (GSimpleAction *action,
            GVariant      *parameter,
            gpointer       user_data)
{
  window_action (DOCKYARD_APPLICATION (user_data), "win.dev");
}

static void
lab_action (GSimpleAction *action,
            GVariant      *parameter,
            gpointer       user_data)
{
  window_action (DOCKYARD_APPLICATION (user_data), "win.lab");
}

static void
stop_lab_action (GSimpleAction *action,
                 GVariant      *parameter,
                 gpointer       user_data)
{
  window_action (DOCKYARD_APPLICATION (user_data), "win.stop-lab");
}

static void
build_action (GSimpleAction *action,
              GVariant      *parameter,
              gpointer       user_data)
{
  window_action (DOCKYARD_APPLICATION (user_data), "win.build");
}

static void
reconnect_engine_action (GSimpleAction *action,
                         GVariant      *parameter,
                         gpointer       user_data)
{
  dockyard_engine_monitor_connect (DOCKYARD_APPLICATION (user_data)->monitor);
}

static void
preferences_action (GSimpleAction *action,
                    GVariant      *parameter,
                    gpointer       user_data)
{
  DockyardApplication *self = user_data;
  GtkWindow *parent = gtk_application_get_active_window (GTK_APPLICATION (self));
  DockyardPreferencesWindow *preferences;

  preferences = dockyard_preferences_window_new (self->settings);
  gtk_window_set_transient_for (GTK_WINDOW (preferences), parent);
  gtk_window_present (GTK_WINDOW (preferences));
}

static void
about_action (GSimpleAction *action,
              GVariant      *parameter,
              gpointer       user_data)
{
  DockyardApplication *self = user_data;
  GtkWindow *parent = gtk_application_get_active_window (GTK_APPLICATION (self));
  const char *developers[] = { _("The Dockyard developers"), NULL };

  adw_show_about_window (parent,
                         "application-name", _("Dockyard"),
                         "application-icon", APP_ID,
                         "version", PACKAGE_VERSION,
                         "developer-name", _("The Dockyard developers"),
                         "developers", developers,
                         "comments", _("Develop in containers without going insane"),
                         "license-type", GTK_LICENSE_GPL_3_0,
                         "translator-credits", _("translator-credits"),
                         NULL);
}

static void quit_next_window (DockyardApplication *self);

static void
quit_stop_waiting (DockyardApplication *self)
{
  if (self->quit_window != NULL)
    {
      g_clear_signal_handler (&self->quit_cancelled_id, self->quit_window);
      g_object_remove_weak_pointer (G_OBJECT (self->quit_window), (gpointer *) &self->quit_window);
      self->quit_window = NULL;
    }
}

/* The user kept a window: the quit ends there, the other windows stay. */
static void
quit_cancelled_cb (DockyardWindow      *window,
                   DockyardApplication *self)
{
  quit_stop_waiting (self);
  self->quitting = FALSE;
}

static void
window_removed_cb (GtkApplication      *app,
                   GtkWindow           *window,
                   DockyardApplication *self)
{
  if (self->quitting && window == self->quit_window)
    {
      quit_stop_waiting (self);
      quit_next_window (self);
    }
}

/* Closes the next window as its close button does: what runs in it is
 * asked about ("Close Window?", naming it), unsaved Dockerfile changes
 * too.  With no window left, the app quits. */
static void
quit_next_window (DockyardApplication *self)
{
  GList *windows = gtk_application_get_windows (GTK_APPLICATION (self));
  GtkWindow *window = NULL;

  /* The windows that may ask first, so that Cancel there leaves the
   * others open too; then Dockyard's other windows; then the rest
   * (Preferences, About). */
  for (GList *l = windows; l != NULL && window == NULL; l = l->next)
    if (DOCKYARD_IS_WINDOW (l->data) &&
        dockyard_window_may_ask_before_closing (DOCKYARD_WINDOW (l->data)))
      window = l->data;
  for (GList *l = windows; l != NULL && window == NULL; l = l->next)
    if (DOCKYARD_IS_WINDOW (l->data))
      window = l->data;
  if (window == NULL && windows != NULL)
    window = windows->data;

  if (window == NULL)
    {
      self->quitting = FALSE;
      g_application_quit (G_APPLICATION (self));
      return;
    }

  self->quit_window = window;
  g_object_add_weak_pointer (G_OBJECT (window), (gpointer *) &self->quit_window);
  if (DOCKYARD_IS_WINDOW (window))
    self->quit_cancelled_id = g_signal_connect (window, "close-cancelled",
                                                G_CALLBACK (quit_cancelled_cb), self);
  /* Closed at once (nothing to ask), or later: window_removed_cb goes on. */
  gtk_window_close (window);
}

/* Quit (Ctrl+Q, the menu): each window asks what closing it would ask. */
static void
quit_action (GSimpleAction *action,
             GVariant      *parameter,
             gpointer       user_data)
{
  DockyardApplication *self = user_data;

  if (self->quitting)
    {
      /* Already asking: show that window's question again. */
      if (self->quit_window != NULL)
        gtk_window_present (self->quit_window);
      return;
    }

  self->quitting = TRUE;
  quit_next_window (self);
}

/* A terminating signal (logout, `kill`, Ctrl+C in the terminal that started
 * the app, a closed terminal) ends the app at once, without asking, so that
 * its dev and lab containers are removed; shutdown bounds the wait for
 * that.  Unsaved Dockerfile changes are still asked about. */
static gboolean
terminate_signal_cb (gpointer user_data)
{
  DockyardApplication *self = user_data;
  GList *windows = gtk_application_get_windows (GTK_APPLICATION (self));

  quit_stop_waiting (self);
  self->quitting = FALSE;
  /* Close each window so that it can clean up after itself. */
  for (GList *l = windows; l != NULL;)
    {
      GtkWindow *window = l->data;

      l = l->next;
      if (DOCKYARD_IS_WINDOW (window))
        dockyard_window_close_without_asking (DOCKYARD_WINDOW (window));
      else
        gtk_window_close (window);
    }

  g_application_quit (G_APPLICATION (self));
  return G_SOURCE_CONTINUE;
}

static const GActionEntry app_actions[] = {
  { "open-project", open_project_action, "s" },
  { "build", build_action },
  { "dev", dev_action },
  { "lab", lab_action },
  { "stop-lab", stop_lab_action },
  { "reconnect-engine", reconnect_engine_action },
  { "preferences", preferences_action },
  { "about", about_action },
  { "quit", quit_action },
};

/* GApplication vfuncs ----------------------------------------------------- */

static int
dockyard_application_handle_local_options (GApplication *app,
                                           GVariantDict *options)
{
  g_autofree const char **paths = NULL;
  g_autoptr(GError) error = NULL;
  const char *init_dir = NULL;
  const char *base_image = NULL;
  const char *build_dir = NULL;
  const char *context_dir = NULL;
  const char *format = NULL;
  DockyardCheckFormat check_format = DOCKYARD_CHECK_FORMAT_TEXT;
  gboolean check = FALSE;
  gboolean fix = FALSE;

  if (g_variant_dict_contains (options, "version"))
    {
      g_print ("%s %s\n", "dockyard", PACKAGE_VERSION);
      return 0;
    }

  g_variant_dict_lookup (options, "check", "b", &check);
  g_variant_dict_lookup (options, "fix", "b", &fix);
  g_variant_dict_lookup (options, "init", "^&ay", &init_dir);
  g_variant_dict_lookup (options, "base", "&s", &base_image);
  g_variant_dict_lookup (options, "format", "&s", &format);
  g_variant_dict_lookup (options, "build", "^&ay", &build_dir);
  g_variant_dict_lookup (options, "context-list", "^&ay", &context_dir);
  g_variant_dict_lookup (options, G_OPTION_REMAINING, "^a&ay", &paths);

  if (format != NULL)
    {
      if (g_str_equal (format, "json"))
        check_format = DOCKYARD_CHECK_FORMAT_JSON;
      else if (g_str_equal (format, "sarif"))
        check_format = DOCKYARD_CHECK_FORMAT_SARIF;
      else if (!g_str_equal (format, "text") && !g_str_equal (format, "gcc"))
        {
          g_printerr (_("--format is text, json or sarif\n"));
          return 2;
        }
    }

  if (check)
    {
      if (paths == NULL || paths[0] == NULL)
        {
          g_printerr (_("--check needs a Dockerfile or a project folder\n"));
          return 2;
        }
      return dockyard_cli_check ((const char * const *) paths, fix, check_format);
    }

  if (build_dir != NULL)
    return dockyard_cli_build (build_dir);

  if (context_dir != NULL)
    return dockyard_cli_context_list (context_dir);

  if (init_dir != NULL)
    {
      if (base_image == NULL)
        {
          g_printerr (_("--init needs --base IMAGE, e.g. --base python:3.11.9\n"));
          return 2;
        }
      return dockyard_cli_init (init_dir, base_image);
    }

  if (fix || format != NULL || base_image != NULL)
    {
      g_printerr (_("--fix and --format go with --check, and --base with --init\n"));
      return 2;
    }

  if (paths == NULL || paths[0] == NULL)
    return -1;

  /* Project folders: open them in the running instance, or in this one. */
  if (!g_application_register (app, NULL, &error))
    {
      g_printerr ("%s\n", error->message);
      return 1;
    }

  for (guint i = 0; paths[i] != NULL; i++)
    {
      g_autoptr(GFile) file = g_file_new_for_commandline_arg (paths[i]);
      g_autofree char *path = g_file_get_path (file);

      if (path != NULL)
        g_action_group_activate_action (G_ACTION_GROUP (app), "open-project",
                                        g_variant_new_string (path));
    }

  return g_application_get_is_remote (app) ? 0 : -1;
}

static void
dockyard_application_startup (GApplication *app)
{
  DockyardApplication *self = DOCKYARD_APPLICATION (app);
  static const char *quit_accels[] = { "<Control>q", NULL };
  static const char *open_accels[] = { "<Control>o", NULL };
  static const char *new_project_accels[] = { "<Control>n", NULL };
  static const char *preferences_accels[] = { "<Control>comma", NULL };
  static const char *close_accels[] = { "<Control>w", NULL };
  static const char *build_accels[] = { "<Control>b", NULL };
  static const char *dev_accels[] = { "<Control><Shift>d", NULL };
  static const char *new_terminal_accels[] = { "<Control><Shift>t", NULL };
  static const char *lab_accels[] = { "<Control><Shift>l", NULL };
  static const char *help_overlay_accels[] = { "<Control>question", NULL };

  G_APPLICATION_CLASS (dockyard_application_parent_class)->startup (app);

  g_action_map_add_action_entries (G_ACTION_MAP (self), app_actions,
                                   G_N_ELEMENTS (app_actions), self);

  /* All accelerators in one place (Ctrl+S is the Dockerfile page's own). */
  /* Plain Ctrl+letter keys go to actions that step aside while a terminal
   * has the focus (see DockyardWindow), so that the shell gets them. */
  gtk_application_set_accels_for_action (GTK_APPLICATION (self), "win.quit-key", quit_accels);
  gtk_application_set_accels_for_action (GTK_APPLICATION (self), "app.preferences",
                                         preferences_accels);
  gtk_application_set_accels_for_action (GTK_APPLICATION (self), "win.open-folder-key", open_accels);
  gtk_application_set_accels_for_action (GTK_APPLICATION (self), "win.new-project-key",
                                         new_project_accels);
  gtk_application_set_accels_for_action (GTK_APPLICATION (self), "win.close-key", close_accels);
  gtk_application_set_accels_for_action (GTK_APPLICATION (self), "win.build-key", build_accels);
  gtk_application_set_accels_for_action (GTK_APPLICATION (self), "win.dev", dev_accels);
  gtk_application_set_accels_for_action (GTK_APPLICATION (self), "win.new-terminal",
                                         new_terminal_accels);
  gtk_application_set_accels_for_action (GTK_APPLICATION (self), "win.lab", lab_accels);
  gtk_application_set_accels_for_action (GTK_APPLICATION (self), "win.show-help-overlay",
                                         help_overlay_accels);

  {
    static const int signals[] = { SIGTERM, SIGINT, SIGHUP };

    G_STATIC_ASSERT (G_N_ELEMENTS (signals) == G_N_ELEMENTS (self->signal_sources));
    for (guint i = 0; i < G_N_ELEMENTS (signals); i++)
      self->signal_sources[i] = g_unix_signal_add (signals[i], terminate_signal_cb, self);
  }

  g_signal_connect (self, "window-removed", G_CALLBACK (window_removed_cb), self);

  self->settings = g_settings_new (APP_ID);
  /* One list for every window; it follows other instances' changes too. */
  self->recent_projects = dockyard_recent_projects_new (self->settings);
  /* It follows the engine preferences by itself. */
  self->monitor = dockyard_engine_monitor_new (self->settings);
  dockyard_engine_monitor_connect (self->monitor);
}

static gboolean
cleanup_timeout_cb (gpointer data)
{
  gboolean *timed_out = data;

  *timed_out = TRUE;
  return G_SOURCE_REMOVE;
}

static void
dockyard_application_shutdown (GApplication *app)
{
  DockyardApplication *self = DOCKYARD_APPLICATION (app);
  gboolean timed_out = FALSE;
  guint timeout_id;

  /* No container may be left behind: let the removals that closing the
   * windows started finish (bounded, in case the engine is gone). */
  timeout_id = g_timeout_add_seconds (CLEANUP_TIMEOUT_SECONDS, cleanup_timeout_cb, &timed_out);
  while (self->monitor != NULL &&
         dockyard_engine_monitor_get_pending_cleanups (self->monitor) > 0 && !timed_out)
    g_main_context_iteration (NULL, TRUE);
  if (timed_out)
    g_warning ("Quitting before the engine removed %u container(s)",
               dockyard_engine_monitor_get_pending_cleanups (self->monitor));
  else
    g_source_remove (timeout_id);

  /* Let cancelled streams (logs, waits) finish and let go of their buffers. */
  for (guint i = 0; i < 1000 && g_main_context_pending (NULL); i++)
    g_main_context_iteration (NULL, FALSE);

  if (self->monitor != NULL)
    dockyard_engine_monitor_disconnect (self->monitor);

  for (guint i = 0; i < G_N_ELEMENTS (self->signal_sources); i++)
    g_clear_handle_id (&self->signal_sources[i], g_source_remove);

  G_APPLICATION_CLASS (dockyard_application_parent_class)->shutdown (app);
}

static void
dockyard_application_activate (GApplication *app)
{
  gtk_window_present (GTK_WINDOW (get_or_create_window (DOCKYARD_APPLICATION (app))));
}

static void
dockyard_application_open (GApplication  *app,
                           GFile        **files,
                           int            n_files,
                           const char    *hint)
{
  DockyardApplication *self = DOCKYARD_APPLICATION (app);

  for (int i = 0; i < n_files; i++)
    {
      DockyardWindow *window = i == 0 ? window_for_project (self, files[i]) : new_window (self);

      dockyard_window_open_project (window, files[i]);
      gtk_window_present (GTK_WINDOW (window));
    }
}

static void
dockyard_application_dispose (GObject *object)
{
  DockyardApplication *self = (DockyardApplication *)object;

  g_clear_object (&self->monitor);
  g_clear_object (&self->recent_projects);
  g_clear_object (&self->settings);

  G_OBJECT_CLASS (dockyard_application_parent_class)->dispose (object);
}

static void
dockyard_application_class_init (DockyardApplicationClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GApplicationClass *app_class = G_APPLICATION_CLASS (klass);

  object_class->dispose = dockyard_application_dispose;

  dockyard_register_resource ();

  app_class->handle_local_options = dockyard_application_handle_local_options;
  app_class->startup = dockyard_application_startup;
  app_class->shutdown = dockyard_application_shutdown;
  app_class->activate = dockyard_application_activate;
  app_class->open = dockyard_application_open;
}

static const GOptionEntry option_entries[] = {
  { "version", 0, 0, G_OPTION_ARG_NONE, NULL, N_("Show the version and exit"), NULL },
  { "check", 0, 0, G_OPTION_ARG_NONE, NULL,
    N_("Check the Dockerfiles or project folders given and print their findings"), NULL },
  { "fix", 0, 0, G_OPTION_ARG_NONE, NULL,
    N_("With --check: apply the available fixes"), NULL },
  { "format", 0, 0, G_OPTION_ARG_STRING, NULL,
    N_("With --check: print the findings as text (the default), json or sarif"), N_("FORMAT") },
  { "init", 0, 0, G_OPTION_ARG_FILENAME, NULL,
    N_("Write a Dockerfile, .dockerignore and requirements.txt into DIR"), N_("DIR") },
  { "build", 0, 0, G_OPTION_ARG_FILENAME, NULL,
    N_("Build the image of the project in DIR and print its progress"), N_("DIR") },
  { "context-list", 0, 0, G_OPTION_ARG_FILENAME, NULL,
    N_("Print the files of DIR that a build would send to the engine"), N_("DIR") },
  { "base", 0, 0, G_OPTION_ARG_STRING, NULL,
    N_("With --init: the pinned base image, e.g. python:3.11.9"), N_("IMAGE") },
  { G_OPTION_REMAINING, 0, 0, G_OPTION_ARG_FILENAME_ARRAY, NULL, NULL, N_("[PATH…]") },
  { NULL }
};

static void
dockyard_application_init (DockyardApplication *self)
{
  g_application_add_main_option_entries (G_APPLICATION (self), option_entries);
  g_application_set_option_context_summary (G_APPLICATION (self),
                                            _("Build, run and develop a project in containers."));
}

DockyardApplication *
dockyard_application_new (void)
{
  return g_object_new (DOCKYARD_TYPE_APPLICATION,
                       "application-id", APP_ID,
                       "flags", G_APPLICATION_HANDLES_OPEN,
                       "resource-base-path", RESOURCE_PREFIX,
                       NULL);
}

/**
 * dockyard_application_get_settings:
 *
 * Returns: (transfer none): the app's settings
 */
GSettings *
dockyard_application_get_settings (DockyardApplication *self)
{
  g_return_val_if_fail (DOCKYARD_IS_APPLICATION (self), NULL);
  return self->settings;
}

/**
 * dockyard_application_get_engine_monitor:
 *
 * Returns: (transfer none) (nullable): the engine connection, from startup on
 */
DockyardEngineMonitor *
dockyard_application_get_engine_monitor (DockyardApplication *self)
{
  g_return_val_if_fail (DOCKYARD_IS_APPLICATION (self), NULL);
  return self->monitor;
}

/**
 * dockyard_application_get_recent_projects:
 *
 * Returns: (transfer none): the projects opened lately
 */
DockyardRecentProjects *
dockyard_application_get_recent_projects (DockyardApplication *self)
{
  g_return_val_if_fail (DOCKYARD_IS_APPLICATION (self), NULL);
  return self->recent_projects;
}
