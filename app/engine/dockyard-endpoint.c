/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <glib/gi18n.h>

#include "dockyard-docker-context.h"
#include "dockyard-endpoint.h"
#include "dockyard-engine.h"

/**
 * dockyard_endpoint_socket_from_uri:
 * @uri: `unix:///path/to/socket` or a plain absolute path
 *
 * Returns: (transfer full): the socket path, or %NULL with
 *   %DOCKYARD_ENGINE_ERROR_UNSUPPORTED_ENDPOINT
 */
char *
dockyard_endpoint_socket_from_uri (const char  *uri,
                                   GError     **error)
{
  g_return_val_if_fail (uri != NULL, NULL);

  if (g_str_has_prefix (uri, "unix://"))
    uri += strlen ("unix://");

  if (g_path_is_absolute (uri))
    return g_strdup (uri);

  g_set_error (error, DOCKYARD_ENGINE_ERROR, DOCKYARD_ENGINE_ERROR_UNSUPPORTED_ENDPOINT,
               _("“%s” is not an engine address Dockyard understands. Use "
                 "unix:///PATH, tcp://HOST:PORT or ssh://USER@HOST."), uri);
  return NULL;
}

/**
 * dockyard_endpoint_candidates:
 * @override_uri: (nullable): the endpoint chosen in preferences, or %NULL/"" for automatic
 *
 * The engines to try, in order.  An explicit choice (preferences, then
 * `DOCKER_HOST`) is the only candidate, a socket path or one tcp:// or
 * ssh:// address: falling back to another engine behind the user's back
 * would show other images and containers.  Without one, the docker CLI's
 * current context (`DOCKER_CONTEXT`, then config.json's `currentContext`) is
 * the only candidate, as `context:NAME`.  Otherwise the local sockets:
 * rootless Docker's, rootful Docker's, rootless Podman's, rootful Podman's.
 *
 * Returns: (transfer full): a %NULL-terminated array of socket paths
 */
GStrv
dockyard_endpoint_candidates (const char  *override_uri,
                              GError     **error)
{
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();
  const char *docker_host = g_getenv ("DOCKER_HOST");
  const char *runtime_dir = g_get_user_runtime_dir ();
  const char *explicit_uri = NULL;
  g_autofree char *rootless = NULL;
  g_autofree char *podman = NULL;
  g_autofree char *context = NULL;

  if (override_uri != NULL && *override_uri != '\0')
    explicit_uri = override_uri;
  else if (docker_host != NULL && *docker_host != '\0')
    explicit_uri = docker_host;
  else if ((context = dockyard_docker_context_current ()) != NULL)
    {
      /* The docker CLI's current context (DOCKER_CONTEXT, config.json). */
      g_autofree char *candidate = g_strconcat (DOCKYARD_ENDPOINT_CONTEXT_PREFIX, context, NULL);

      g_strv_builder_add (builder, candidate);
      return g_strv_builder_end (builder);
    }

  if (explicit_uri != NULL)
    {
      g_autofree char *path = NULL;

      /* Engines on the network are checked when the engine is made. */
      if (g_str_has_prefix (explicit_uri, "tcp://") || g_str_has_prefix (explicit_uri, "ssh://") ||
          g_str_has_prefix (explicit_uri, DOCKYARD_ENDPOINT_CONTEXT_PREFIX))
        {
          g_strv_builder_add (builder, explicit_uri);
          return g_strv_builder_end (builder);
        }

      path = dockyard_endpoint_socket_from_uri (explicit_uri, error);
      if (path == NULL)
        return NULL;

      g_strv_builder_add (builder, path);
      return g_strv_builder_end (builder);
    }

  rootless = g_build_filename (runtime_dir, "docker.sock", NULL);
  podman = g_build_filename (runtime_dir, "podman", "podman.sock", NULL);
  g_strv_builder_add (builder, rootless);
  g_strv_builder_add (builder, "/run/docker.sock");
  g_strv_builder_add (builder, "/var/run/docker.sock");
  g_strv_builder_add (builder, podman);
  /* Rootful Podman's socket (podman.socket as a system unit). */
  g_strv_builder_add (builder, "/run/podman/podman.sock");

  return g_strv_builder_end (builder);
}

/* Discovery ------------------------------------------------------------------- */

typedef struct
{
  GStrv   candidates;
  guint   next;
  GError *best_error;
} DiscoverState;

static void
discover_state_free (DiscoverState *state)
{
  g_strfreev (state->candidates);
  g_clear_error (&state->best_error);
  g_free (state);
}

static void discover_next (GTask *task);

/* Which failure to report when nothing answers: the one the user can act on. */
static int
error_rank (const GError *error)
{
  if (error->domain != DOCKYARD_ENGINE_ERROR)
    return 1;

  switch (error->code)
    {
    case DOCKYARD_ENGINE_ERROR_NO_ENGINE:
      return 0;
    case DOCKYARD_ENGINE_ERROR_PERMISSION_DENIED:
    case DOCKYARD_ENGINE_ERROR_TOO_OLD:
      return 3;
    default:
      return 2;
    }
}

static void
discover_connect_cb (GObject      *object,
                     GAsyncResult *result,
                     gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  g_autoptr(DockyardEngine) engine = DOCKYARD_ENGINE (object);
  DiscoverState *state = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;

  if (dockyard_engine_connect_finish (engine, result, &error))
    {
      g_task_return_pointer (task, g_steal_pointer (&engine), g_object_unref);
      return;
    }

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  g_debug ("No engine at %s: %s", dockyard_engine_get_address (engine), error->message);

  if (state->best_error == NULL || error_rank (error) > error_rank (state->best_error))
    {
      g_clear_error (&state->best_error);
      state->best_error = g_steal_pointer (&error);
    }

  discover_next (g_steal_pointer (&task));
}

static void
discover_next (GTask *task)
{
  DiscoverState *state = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;
  DockyardEngine *engine;
  const char *candidate;

  if (state->candidates[state->next] == NULL)
    {
      if (state->next > 1 && error_rank (state->best_error) == 0)
        {
          g_autofree char *tried = g_strjoinv (", ", state->candidates);

          g_task_return_new_error (task, DOCKYARD_ENGINE_ERROR, DOCKYARD_ENGINE_ERROR_NO_ENGINE,
                                   _("No container engine found. Tried %s."), tried);
        }
      else
        g_task_return_error (task, g_steal_pointer (&state->best_error));

      g_object_unref (task);
      return;
    }

  candidate = state->candidates[state->next++];
  if (g_str_has_prefix (candidate, DOCKYARD_ENDPOINT_CONTEXT_PREFIX))
    engine = dockyard_engine_new_for_context (candidate + strlen (DOCKYARD_ENDPOINT_CONTEXT_PREFIX),
                                              &error);
  else
    engine = dockyard_engine_new_for_address (candidate, &error);
  if (engine == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      g_object_unref (task);
      return;
    }
  dockyard_engine_connect_async (engine, g_task_get_cancellable (task),
                                 discover_connect_cb, task);
}

/**
 * dockyard_engine_discover_async:
 * @override_uri: (nullable): the endpoint chosen in preferences, or %NULL for automatic
 *
 * Finds the engine: the chosen endpoint (an address or `context:NAME`), or
 * `DOCKER_HOST` when set, or the docker CLI's current context, otherwise
 * the first that answers of rootless Docker, rootful Docker and Podman.
 */
void
dockyard_engine_discover_async (const char          *override_uri,
                                GCancellable        *cancellable,
                                GAsyncReadyCallback  callback,
                                gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  g_autoptr(GError) error = NULL;
  DiscoverState *state;
  GStrv candidates;

  task = g_task_new (NULL, cancellable, callback, user_data);
  g_task_set_source_tag (task, dockyard_engine_discover_async);

  candidates = dockyard_endpoint_candidates (override_uri, &error);
  if (candidates == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  state = g_new0 (DiscoverState, 1);
  state->candidates = candidates;
  g_task_set_task_data (task, state, (GDestroyNotify) discover_state_free);

  discover_next (g_steal_pointer (&task));
}

/**
 * dockyard_engine_discover_finish:
 *
 * Returns: (transfer full): a connected engine
 */
DockyardEngine *
dockyard_engine_discover_finish (GAsyncResult  *result,
                                 GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}
