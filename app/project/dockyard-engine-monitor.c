/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <glib/gi18n.h>

#include "dockyard-endpoint.h"
#include "dockyard-engine-monitor.h"
#include "dockyard-host-path.h"
#include "dockyard-orphan-sweep.h"

/* The live connection to the container engine that all windows share:
 * discovery with the user's preferences, the event stream and the lists
 * that follow it, reconnecting when the preferences change, and the count
 * of container removals still under way (quitting waits for them).  The
 * application owns one; windows get it as a construct property. */

struct _DockyardEngineMonitor
{
  GObject              parent_instance;

  GSettings           *settings;
  GCancellable        *connect_cancellable;

  /* The engine and what follows it; all NULL until one answers. */
  DockyardEngine      *engine;
  DockyardEventStream *events;
  DockyardObjectList  *images;
  DockyardObjectList  *containers;
  GError              *error;
  DockyardEngineState  state;

  /* Containers being removed: quitting waits for them. */
  guint                pending_cleanups;
};

G_DEFINE_FINAL_TYPE (DockyardEngineMonitor, dockyard_engine_monitor, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_SETTINGS,
  PROP_STATE,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void
set_state (DockyardEngineMonitor *self,
           DockyardEngineState    state)
{
  if (self->state == state)
    return;

  self->state = state;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_STATE]);
}

static void sweep_orphans (DockyardEngineMonitor *self);

static void
events_connected_cb (DockyardEngineMonitor *self,
                     GParamSpec            *pspec,
                     DockyardEventStream   *events)
{
  gboolean connected = dockyard_event_stream_get_connected (events);

  if (self->engine == NULL)
    return;

  /* Back after the engine was gone: what could not be removed meanwhile
   * (a dev container stopped while a Podman service was down, still
   * running under conmon) goes now. */
  if (connected && self->state == DOCKYARD_ENGINE_STATE_UNREACHABLE)
    sweep_orphans (self);

  set_state (self, connected ? DOCKYARD_ENGINE_STATE_READY : DOCKYARD_ENGINE_STATE_UNREACHABLE);
}

static void
events_error_cb (DockyardEngineMonitor *self,
                 GParamSpec            *pspec,
                 DockyardEventStream   *events)
{
  const GError *error = dockyard_event_stream_get_error (events);

  /* The stream reconnects by itself; say why it had to, for the journal. */
  if (error != NULL)
    g_message ("Engine events: %s", error->message);
}

static void
drop_engine (DockyardEngineMonitor *self)
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
  g_clear_error (&self->error);
}

static void
orphans_removed_cb (GObject      *object,
                    GAsyncResult *result,
                    gpointer      user_data)
{
  g_autoptr(DockyardEngineMonitor) self = user_data;
  g_autoptr(GError) error = NULL;
  guint removed;

  removed = dockyard_orphan_sweep_finish (result, &error);
  if (error != NULL)
    g_debug ("Cannot look for orphaned containers: %s", error->message);
  else if (removed > 0)
    g_message ("Removed %u container(s) left behind by an earlier Dockyard", removed);

  dockyard_engine_monitor_release_cleanup (self);
}

/* Containers an earlier, killed Dockyard left behind, and those this one
 * could not remove while the engine was gone. */
static void
sweep_orphans (DockyardEngineMonitor *self)
{
  dockyard_engine_monitor_hold_cleanup (self);
  dockyard_orphan_sweep_async (self->engine, NULL, orphans_removed_cb, g_object_ref (self));
}

static void
discover_cb (GObject      *object,
             GAsyncResult *result,
             gpointer      user_data)
{
  g_autoptr(DockyardEngineMonitor) self = user_data;
  g_autoptr(DockyardEngine) engine = NULL;
  g_autoptr(GError) error = NULL;

  engine = dockyard_engine_discover_finish (result, &error);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;

  if (engine == NULL)
    {
      g_debug ("No engine: %s", error->message);
      self->error = g_steal_pointer (&error);
      set_state (self, DOCKYARD_ENGINE_STATE_FAILED);
      return;
    }

  g_debug ("Connected to %s %s at %s (API %s)",
           dockyard_engine_get_name (engine), dockyard_engine_get_version (engine),
           dockyard_engine_get_address (engine), dockyard_engine_get_api_version (engine));

  self->engine = g_steal_pointer (&engine);
  self->events = dockyard_event_stream_new (self->engine);
  self->images = dockyard_object_list_new_images (self->events);
  self->containers = dockyard_object_list_new_containers (self->events);
  g_signal_connect_object (self->events, "notify::connected",
                           G_CALLBACK (events_connected_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->events, "notify::error",
                           G_CALLBACK (events_error_cb), self, G_CONNECT_SWAPPED);
  dockyard_event_stream_start (self->events);

  sweep_orphans (self);

  /* READY now: the engine answered; the stream's state takes over from here. */
  self->state = DOCKYARD_ENGINE_STATE_CONNECTING;
  set_state (self, DOCKYARD_ENGINE_STATE_READY);
}

/**
 * dockyard_engine_monitor_connect:
 *
 * (Re)discovers the engine with the current preferences; the state goes
 * to %DOCKYARD_ENGINE_STATE_CONNECTING, then READY or FAILED.
 */
void
dockyard_engine_monitor_connect (DockyardEngineMonitor *self)
{
  g_autofree char *socket = NULL;

  g_return_if_fail (DOCKYARD_IS_ENGINE_MONITOR (self));

  g_cancellable_cancel (self->connect_cancellable);
  g_clear_object (&self->connect_cancellable);
  self->connect_cancellable = g_cancellable_new ();

  drop_engine (self);
  set_state (self, DOCKYARD_ENGINE_STATE_CONNECTING);

  if (!g_settings_get_boolean (self->settings, "engine-automatic"))
    {
      g_autofree char *context = g_settings_get_string (self->settings, "engine-context");

      if (*context != '\0')
        socket = g_strconcat (DOCKYARD_ENDPOINT_CONTEXT_PREFIX, context, NULL);
      else
        socket = g_settings_get_string (self->settings, "engine-socket");
    }

  dockyard_engine_discover_async (socket, self->connect_cancellable, discover_cb,
                                  g_object_ref (self));
}

/**
 * dockyard_engine_monitor_disconnect:
 *
 * Stops following the engine and lets go of it (on quit).
 */
void
dockyard_engine_monitor_disconnect (DockyardEngineMonitor *self)
{
  g_return_if_fail (DOCKYARD_IS_ENGINE_MONITOR (self));

  g_cancellable_cancel (self->connect_cancellable);
  drop_engine (self);
}

static void
engine_settings_changed_cb (DockyardEngineMonitor *self,
                            const char            *key,
                            GSettings             *settings)
{
  dockyard_engine_monitor_connect (self);
}

/**
 * dockyard_engine_monitor_dup_help:
 * @title: (out) (optional): a title for the help
 *
 * Why no engine could be used and what the user can do about it: the
 * engine's error with advice that fits it (permissions, DOCKER_HOST, a
 * Flatpak sandbox, nothing installed).
 *
 * Returns: (transfer full) (nullable): the help, or %NULL unless the state
 *   is %DOCKYARD_ENGINE_STATE_FAILED
 */
char *
dockyard_engine_monitor_dup_help (DockyardEngineMonitor  *self,
                                  char                  **title)
{
  const GError *error;
  gboolean automatic;
  g_autofree char *hint = NULL;
  g_autofree char *socket_path = NULL;
  g_auto(GStrv) candidates = NULL;

  g_return_val_if_fail (DOCKYARD_IS_ENGINE_MONITOR (self), NULL);

  error = self->error;
  if (self->state != DOCKYARD_ENGINE_STATE_FAILED || error == NULL)
    return NULL;

  /* The socket the user asked for, or the first one Dockyard looks at. */
  automatic = g_settings_get_boolean (self->settings, "engine-automatic");
  if (!automatic)
    socket_path = g_settings_get_string (self->settings, "engine-socket");
  else if ((candidates = dockyard_endpoint_candidates (NULL, NULL)) != NULL && candidates[0] != NULL)
    socket_path = g_strdup (candidates[0]);

  if (g_error_matches (error, DOCKYARD_ENGINE_ERROR, DOCKYARD_ENGINE_ERROR_PERMISSION_DENIED))
    {
      if (title != NULL)
        *title = g_strdup (_("No Access to the Container Engine"));
      return g_strdup (error->message);
    }

  if (g_error_matches (error, DOCKYARD_ENGINE_ERROR, DOCKYARD_ENGINE_ERROR_TOO_OLD))
    {
      if (title != NULL)
        *title = g_strdup (_("Container Engine Too Old"));
      return g_strdup (error->message);
    }

  /* Something listens there but hangs up (or answers nonsense): not a
   * missing engine, and the raw error alone says little. */
  if (g_error_matches (error, DOCKYARD_ENGINE_ERROR, DOCKYARD_ENGINE_ERROR_DISCONNECTED) ||
      g_error_matches (error, DOCKYARD_ENGINE_ERROR, DOCKYARD_ENGINE_ERROR_MALFORMED_RESPONSE))
    {
      if (title != NULL)
        *title = g_strdup (_("The Engine Does Not Answer"));
      /* Translators: %s is the technical error, e.g. "The connection to the engine at /run/docker.sock broke: …" */
      return g_strdup_printf (_("The socket takes connections but closes them without a Docker or "
                                "Podman answer: it may belong to another program, or the engine is "
                                "starting or stopping. Retry once it runs, or choose the engine’s "
                                "socket in Preferences.\n\nDetails: %s"),
                              error->message);
    }

  if (g_getenv ("DOCKER_HOST") != NULL && automatic)
    {
      if (title != NULL)
        *title = g_strdup (_("No Container Engine Found"));
      /* Translators: %s is the value of the DOCKER_HOST environment variable */
      return g_strdup_printf (_("%s\n\nThe DOCKER_HOST environment variable chooses this "
                                "engine (DOCKER_HOST=%s). Start that engine, or unset "
                                "DOCKER_HOST to let Dockyard find one."),
                              error->message, g_getenv ("DOCKER_HOST"));
    }

  if ((hint = dockyard_flatpak_override_hint (socket_path)) != NULL)
    {
      if (title != NULL)
        *title = g_strdup (_("No Access to the Container Engine"));
      /* Translators: the second %s is a command, e.g. "flatpak override --user …" */
      return g_strdup_printf (_("%s\n\nDockyard runs in a sandbox that cannot reach the "
                                "engine’s socket. Allow it with:\n\n%s"),
                              error->message, hint);
    }

  if (title != NULL)
    *title = g_strdup (_("No Container Engine Found"));
  return g_strdup_printf ("%s\n\n%s", error->message,
                          _("Install and start Docker (for example “sudo apt install "
                            "docker.io”), rootless Docker or Podman’s API service "
                            "(“systemctl --user start podman.socket”), or choose the "
                            "engine’s socket in Preferences."));
}

static void
dockyard_engine_monitor_constructed (GObject *object)
{
  DockyardEngineMonitor *self = DOCKYARD_ENGINE_MONITOR (object);

  G_OBJECT_CLASS (dockyard_engine_monitor_parent_class)->constructed (object);

  g_assert (G_IS_SETTINGS (self->settings));
  g_signal_connect_object (self->settings, "changed::engine-automatic",
                           G_CALLBACK (engine_settings_changed_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->settings, "changed::engine-socket",
                           G_CALLBACK (engine_settings_changed_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->settings, "changed::engine-context",
                           G_CALLBACK (engine_settings_changed_cb), self, G_CONNECT_SWAPPED);
}

static void
dockyard_engine_monitor_dispose (GObject *object)
{
  DockyardEngineMonitor *self = DOCKYARD_ENGINE_MONITOR (object);

  g_cancellable_cancel (self->connect_cancellable);
  drop_engine (self);
  g_clear_object (&self->connect_cancellable);
  g_clear_object (&self->settings);

  G_OBJECT_CLASS (dockyard_engine_monitor_parent_class)->dispose (object);
}

static void
dockyard_engine_monitor_get_property (GObject    *object,
                                      guint       prop_id,
                                      GValue     *value,
                                      GParamSpec *pspec)
{
  DockyardEngineMonitor *self = DOCKYARD_ENGINE_MONITOR (object);

  switch (prop_id)
    {
    case PROP_SETTINGS:
      g_value_set_object (value, self->settings);
      break;
    case PROP_STATE:
      g_value_set_int (value, self->state);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
dockyard_engine_monitor_set_property (GObject      *object,
                                      guint         prop_id,
                                      const GValue *value,
                                      GParamSpec   *pspec)
{
  DockyardEngineMonitor *self = DOCKYARD_ENGINE_MONITOR (object);

  switch (prop_id)
    {
    case PROP_SETTINGS:
      self->settings = g_value_dup_object (value);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
dockyard_engine_monitor_class_init (DockyardEngineMonitorClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->constructed = dockyard_engine_monitor_constructed;
  object_class->dispose = dockyard_engine_monitor_dispose;
  object_class->get_property = dockyard_engine_monitor_get_property;
  object_class->set_property = dockyard_engine_monitor_set_property;

  properties[PROP_SETTINGS] =
    g_param_spec_object ("settings", NULL, NULL, G_TYPE_SETTINGS,
                         (G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS));
  properties[PROP_STATE] =
    g_param_spec_int ("state", NULL, NULL,
                      DOCKYARD_ENGINE_STATE_CONNECTING, DOCKYARD_ENGINE_STATE_FAILED,
                      DOCKYARD_ENGINE_STATE_CONNECTING,
                      (G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
dockyard_engine_monitor_init (DockyardEngineMonitor *self)
{
}

/**
 * dockyard_engine_monitor_new:
 * @settings: the app's settings (the engine preferences)
 *
 * Returns: (transfer full): a monitor, not connected yet: call
 *   dockyard_engine_monitor_connect()
 */
DockyardEngineMonitor *
dockyard_engine_monitor_new (GSettings *settings)
{
  g_return_val_if_fail (G_IS_SETTINGS (settings), NULL);

  return g_object_new (DOCKYARD_TYPE_ENGINE_MONITOR, "settings", settings, NULL);
}

/**
 * dockyard_engine_monitor_hold_cleanup:
 *
 * Marks a container removal under way; quitting waits until it is released.
 */
void
dockyard_engine_monitor_hold_cleanup (DockyardEngineMonitor *self)
{
  g_return_if_fail (DOCKYARD_IS_ENGINE_MONITOR (self));

  self->pending_cleanups++;
}

void
dockyard_engine_monitor_release_cleanup (DockyardEngineMonitor *self)
{
  g_return_if_fail (DOCKYARD_IS_ENGINE_MONITOR (self));
  g_return_if_fail (self->pending_cleanups > 0);

  self->pending_cleanups--;
}

/**
 * dockyard_engine_monitor_get_pending_cleanups:
 *
 * Returns: how many container removals are still under way
 */
guint
dockyard_engine_monitor_get_pending_cleanups (DockyardEngineMonitor *self)
{
  g_return_val_if_fail (DOCKYARD_IS_ENGINE_MONITOR (self), 0);
  return self->pending_cleanups;
}

DockyardEngineState
dockyard_engine_monitor_get_state (DockyardEngineMonitor *self)
{
  g_return_val_if_fail (DOCKYARD_IS_ENGINE_MONITOR (self), DOCKYARD_ENGINE_STATE_FAILED);
  return self->state;
}

/**
 * dockyard_engine_monitor_get_engine:
 *
 * Returns: (transfer none) (nullable): the engine, once one answered
 */
DockyardEngine *
dockyard_engine_monitor_get_engine (DockyardEngineMonitor *self)
{
  g_return_val_if_fail (DOCKYARD_IS_ENGINE_MONITOR (self), NULL);
  return self->engine;
}

/**
 * dockyard_engine_monitor_get_error:
 *
 * Returns: (transfer none) (nullable): why no engine could be used
 */
const GError *
dockyard_engine_monitor_get_error (DockyardEngineMonitor *self)
{
  g_return_val_if_fail (DOCKYARD_IS_ENGINE_MONITOR (self), NULL);
  return self->error;
}

/**
 * dockyard_engine_monitor_get_images:
 *
 * Returns: (transfer none) (nullable): the engine's images
 */
DockyardObjectList *
dockyard_engine_monitor_get_images (DockyardEngineMonitor *self)
{
  g_return_val_if_fail (DOCKYARD_IS_ENGINE_MONITOR (self), NULL);
  return self->images;
}

/**
 * dockyard_engine_monitor_get_containers:
 *
 * Returns: (transfer none) (nullable): the engine's containers
 */
DockyardObjectList *
dockyard_engine_monitor_get_containers (DockyardEngineMonitor *self)
{
  g_return_val_if_fail (DOCKYARD_IS_ENGINE_MONITOR (self), NULL);
  return self->containers;
}
