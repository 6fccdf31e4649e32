/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <glib/gi18n.h>

#include "dockyard-application.h"
#include "dockyard-orphan-sweep.h"
#include "dockyard-cli.h"
#include "dockyard-cli-build.h"
#include "dockyard-cli-context.h"
#include "dockyard-preferences-window.h"
#include "dockyard-resources.h"
#include "dockyard-window.h"

struct _DockyardApplication
{
  AdwApplication       parent_instance;

  GSettings              *settings;
  GCancellable           *connect_cancellable;
  DockyardRecentProjects *recent_projects;

  /* The engine and what follows it; all NULL until one answers. */
  DockyardEngine      *engine;
  DockyardEventStream *events;
  DockyardObjectList  *images;
  DockyardObjectList  *containers;
  GError              *engine_error;
  DockyardEngineState  engine_state;

  /* Containers being removed: quitting waits for them. */
  guint                pending_cleanups;
};

/* How long quitting waits for the engine to remove containers. */
#define CLEANUP_TIMEOUT_SECONDS 15

G_DEFINE_FINAL_TYPE (DockyardApplication, dockyard_application, ADW_TYPE_APPLICATION)

enum {
  PROP_0,
  PROP_ENGINE_STATE,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void
set_engine_state (DockyardApplication *self,
                  DockyardEngineState  state)
{
  if (self->engine_state == state)
    return;

  self->engine_state = state;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_ENGINE_STATE]);
}

static void
events_connected_cb (DockyardApplication *self,
                     GParamSpec          *pspec,
                     DockyardEventStream *events)
{
  if (self->engine == NULL)
    return;

  set_engine_state (self, dockyard_event_stream_get_connected (events)
                          ? DOCKYARD_ENGINE_STATE_READY
                          : DOCKYARD_ENGINE_STATE_UNREACHABLE);
}

static void
events_error_cb (DockyardApplication *self,
                 GParamSpec          *pspec,
                 DockyardEventStream *events)
{
  const GError *error = dockyard_event_stream_get_error (events);

  /* The stream reconnects by itself; say why it had to, for the journal. */
  if (error != NULL)
    g_message ("Engine events: %s", error->message);
}

static void
drop_engine (DockyardApplication *self)
{
  if (self->events != NULL)
    {
      g_signal_handlers_disconnect_by_data (self->events, self);
      dockyard_event_stream_stop (self->events);
    }

  g_clear_object (&self->images);
  g_clear_object (&self->containers);
  g_clear_object (&self->events);
  g_clear_object (&self->engine);
  g_clear_error (&self->engine_error);
}

static void
orphans_removed_cb (GObject      *object,
                    GAsyncResult *result,
                    gpointer      user_data)
{
  g_autoptr(DockyardApplication) self = user_data;
  g_autoptr(GError) error = NULL;
  guint removed;

  removed = dockyard_orphan_sweep_finish (result, &error);
  if (error != NULL)
    g_debug ("Cannot look for orphaned containers: %s", error->message);
  else if (removed > 0)
    g_message ("Removed %u container(s) left behind by an earlier Dockyard", removed);

  dockyard_application_release_cleanup (self);
}

static void
discover_cb (GObject      *object,
             GAsyncResult *result,
             gpointer      user_data)
{
  g_autoptr(DockyardApplication) self = user_data;
  g_autoptr(DockyardEngine) engine = NULL;
  g_autoptr(GError) error = NULL;

  engine = dockyard_engine_discover_finish (result, &error);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;

  if (engine == NULL)
    {
      g_debug ("No engine: %s", error->message);
      self->engine_error = g_steal_pointer (&error);
      set_engine_state (self, DOCKYARD_ENGINE_STATE_FAILED);
      return;
    }

  g_debug ("Connected to %s %s at %s (API %s)",
           dockyard_engine_get_name (engine), dockyard_engine_get_version (engine),
           dockyard_engine_get_socket_path (engine), dockyard_engine_get_api_version (engine));

  self->engine = g_steal_pointer (&engine);
  self->events = dockyard_event_stream_new (self->engine);
  self->images = dockyard_object_list_new_images (self->events);
  self->containers = dockyard_object_list_new_containers (self->events);
  g_signal_connect_object (self->events, "notify::connected",
                           G_CALLBACK (events_connected_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->events, "notify::error",
                           G_CALLBACK (events_error_cb), self, G_CONNECT_SWAPPED);
  dockyard_event_stream_start (self->events);

  /* Containers an earlier, killed Dockyard left behind. */
  dockyard_application_hold_cleanup (self);
  dockyard_orphan_sweep_async (self->engine, NULL, orphans_removed_cb, g_object_ref (self));

  /* READY now: the engine answered; the stream's state takes over from here. */
  self->engine_state = DOCKYARD_ENGINE_STATE_CONNECTING;
  set_engine_state (self, DOCKYARD_ENGINE_STATE_READY);
}

/**
 * dockyard_application_connect_engine:
 *
 * (Re)discovers the engine with the current preferences.
 */
void
dockyard_application_connect_engine (DockyardApplication *self)
{
  g_autofree char *socket = NULL;

  g_return_if_fail (DOCKYARD_IS_APPLICATION (self));

  g_cancellable_cancel (self->connect_cancellable);
  g_clear_object (&self->connect_cancellable);
  self->connect_cancellable = g_cancellable_new ();

  drop_engine (self);
  set_engine_state (self, DOCKYARD_ENGINE_STATE_CONNECTING);

  if (!g_settings_get_boolean (self->settings, "engine-automatic"))
    socket = g_settings_get_string (self->settings, "engine-socket");

  dockyard_engine_discover_async (socket, self->connect_cancellable, discover_cb,
                                  g_object_ref (self));
}

static void
engine_settings_changed_cb (DockyardApplication *self,
                            const char          *key,
                            GSettings           *settings)
{
  dockyard_application_connect_engine (self);
}

/* Actions ----------------------------------------------------------------- */

static DockyardWindow *
get_or_create_window (DockyardApplication *self)
{
  GtkWindow *window = gtk_application_get_active_window (GTK_APPLICATION (self));

  if (window == NULL)
    window = GTK_WINDOW (dockyard_window_new (self));

  return DOCKYARD_WINDOW (window);
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
  window = get_or_create_window (self);
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
  dockyard_application_connect_engine (DOCKYARD_APPLICATION (user_data));
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

static void
quit_action (GSimpleAction *action,
             GVariant      *parameter,
             gpointer       user_data)
{
  GApplication *app = user_data;
  GList *windows = gtk_application_get_windows (GTK_APPLICATION (app));

  /* Close each window so that it can clean up after itself. */
  for (GList *l = windows; l != NULL;)
    {
      GtkWindow *window = l->data;

      l = l->next;
      gtk_window_close (window);
    }

  g_application_quit (app);
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
  g_variant_dict_lookup (options, "build", "^&ay", &build_dir);
  g_variant_dict_lookup (options, "context-list", "^&ay", &context_dir);
  g_variant_dict_lookup (options, G_OPTION_REMAINING, "^a&ay", &paths);

  if (check)
    {
      if (paths == NULL || paths[0] == NULL)
        {
          g_printerr (_("--check needs a Dockerfile or a project folder\n"));
          return 2;
        }
      return dockyard_cli_check ((const char * const *) paths, fix);
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

  if (fix || base_image != NULL)
    {
      g_printerr (_("--fix goes with --check, and --base with --init\n"));
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
  static const char *preferences_accels[] = { "<Control>comma", NULL };
  static const char *close_accels[] = { "<Control>w", NULL };
  static const char *build_accels[] = { "<Control>b", NULL };
  static const char *dev_accels[] = { "<Control><Shift>d", NULL };
  static const char *new_terminal_accels[] = { "<Control><Shift>t", NULL };
  static const char *lab_accels[] = { "<Control><Shift>l", NULL };

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
  gtk_application_set_accels_for_action (GTK_APPLICATION (self), "win.close-key", close_accels);
  gtk_application_set_accels_for_action (GTK_APPLICATION (self), "win.build-key", build_accels);
  gtk_application_set_accels_for_action (GTK_APPLICATION (self), "win.dev", dev_accels);
  gtk_application_set_accels_for_action (GTK_APPLICATION (self), "win.new-terminal",
                                         new_terminal_accels);
  gtk_application_set_accels_for_action (GTK_APPLICATION (self), "win.lab", lab_accels);

  self->settings = g_settings_new (APP_ID);
  /* One list for every window; it follows other instances' changes too. */
  self->recent_projects = dockyard_recent_projects_new (self->settings);
  g_signal_connect_object (self->settings, "changed::engine-automatic",
                           G_CALLBACK (engine_settings_changed_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->settings, "changed::engine-socket",
                           G_CALLBACK (engine_settings_changed_cb), self, G_CONNECT_SWAPPED);

  dockyard_application_connect_engine (self);
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
  while (self->pending_cleanups > 0 && !timed_out)
    g_main_context_iteration (NULL, TRUE);
  if (timed_out)
    g_warning ("Quitting before the engine removed %u container(s)", self->pending_cleanups);
  else
    g_source_remove (timeout_id);

  /* Let cancelled streams (logs, waits) finish and let go of their buffers. */
  for (guint i = 0; i < 1000 && g_main_context_pending (NULL); i++)
    g_main_context_iteration (NULL, FALSE);

  g_cancellable_cancel (self->connect_cancellable);
  drop_engine (self);

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
      DockyardWindow *window = i == 0 ? get_or_create_window (self) : dockyard_window_new (self);

      dockyard_window_open_project (window, files[i]);
      gtk_window_present (GTK_WINDOW (window));
    }
}

static void
dockyard_application_dispose (GObject *object)
{
  DockyardApplication *self = (DockyardApplication *)object;

  drop_engine (self);
  g_clear_object (&self->connect_cancellable);
  g_clear_object (&self->recent_projects);
  g_clear_object (&self->settings);

  G_OBJECT_CLASS (dockyard_application_parent_class)->dispose (object);
}

static void
dockyard_application_get_property (GObject    *object,
                                   guint       prop_id,
                                   GValue     *value,
                                   GParamSpec *pspec)
{
  DockyardApplication *self = DOCKYARD_APPLICATION (object);

  switch (prop_id)
    {
    case PROP_ENGINE_STATE:
      g_value_set_int (value, self->engine_state);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
dockyard_application_class_init (DockyardApplicationClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GApplicationClass *app_class = G_APPLICATION_CLASS (klass);

  object_class->dispose = dockyard_application_dispose;
  object_class->get_property = dockyard_application_get_property;

  dockyard_register_resource ();

  app_class->handle_local_options = dockyard_application_handle_local_options;
  app_class->startup = dockyard_application_startup;
  app_class->shutdown = dockyard_application_shutdown;
  app_class->activate = dockyard_application_activate;
  app_class->open = dockyard_application_open;

  properties[PROP_ENGINE_STATE] =
    g_param_spec_int ("engine-state", NULL, NULL,
                      DOCKYARD_ENGINE_STATE_CONNECTING, DOCKYARD_ENGINE_STATE_FAILED,
                      DOCKYARD_ENGINE_STATE_CONNECTING,
                      (G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static const GOptionEntry option_entries[] = {
  { "version", 0, 0, G_OPTION_ARG_NONE, NULL, N_("Show the version and exit"), NULL },
  { "check", 0, 0, G_OPTION_ARG_NONE, NULL,
    N_("Check the Dockerfiles or project folders given and print their findings"), NULL },
  { "fix", 0, 0, G_OPTION_ARG_NONE, NULL,
    N_("With --check: apply the available fixes"), NULL },
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
 * dockyard_application_hold_cleanup:
 *
 * Marks a container removal under way; quitting waits until it is released.
 */
void
dockyard_application_hold_cleanup (DockyardApplication *self)
{
  g_return_if_fail (DOCKYARD_IS_APPLICATION (self));

  self->pending_cleanups++;
}

void
dockyard_application_release_cleanup (DockyardApplication *self)
{
  g_return_if_fail (DOCKYARD_IS_APPLICATION (self));
  g_return_if_fail (self->pending_cleanups > 0);

  self->pending_cleanups--;
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

DockyardEngineState
dockyard_application_get_engine_state (DockyardApplication *self)
{
  g_return_val_if_fail (DOCKYARD_IS_APPLICATION (self), DOCKYARD_ENGINE_STATE_FAILED);
  return self->engine_state;
}

/**
 * dockyard_application_get_engine:
 *
 * Returns: (transfer none) (nullable): the engine, once one answered
 */
DockyardEngine *
dockyard_application_get_engine (DockyardApplication *self)
{
  g_return_val_if_fail (DOCKYARD_IS_APPLICATION (self), NULL);
  return self->engine;
}

/**
 * dockyard_application_get_engine_error:
 *
 * Returns: (transfer none) (nullable): why no engine could be used
 */
const GError *
dockyard_application_get_engine_error (DockyardApplication *self)
{
  g_return_val_if_fail (DOCKYARD_IS_APPLICATION (self), NULL);
  return self->engine_error;
}

/**
 * dockyard_application_get_images:
 *
 * Returns: (transfer none) (nullable): the engine's images
 */
DockyardObjectList *
dockyard_application_get_images (DockyardApplication *self)
{
  g_return_val_if_fail (DOCKYARD_IS_APPLICATION (self), NULL);
  return self->images;
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

/**
 * dockyard_application_get_containers:
 *
 * Returns: (transfer none) (nullable): the engine's containers
 */
DockyardObjectList *
dockyard_application_get_containers (DockyardApplication *self)
{
  g_return_val_if_fail (DOCKYARD_IS_APPLICATION (self), NULL);
  return self->containers;
}
