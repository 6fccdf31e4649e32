/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <glib/gi18n.h>

#include "dockyard-endpoint.h"
#include "dockyard-engine-error.h"

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
               _("“%s” is not a Unix socket. Dockyard talks to engines through "
                 "unix:// sockets only."), uri);
  return NULL;
}

/**
 * dockyard_endpoint_candidates:
 * @override_uri: (nullable): the socket chosen in preferences, or %NULL/"" for automatic
 *
 * The sockets to try, in order.  An explicit choice (preferences, then
 * `DOCKER_HOST`) is the only candidate: falling back to another engine
 * behind the user's back would show other images and containers.
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

  if (override_uri != NULL && *override_uri != '\0')
    explicit_uri = override_uri;
  else if (docker_host != NULL && *docker_host != '\0')
    explicit_uri = docker_host;

  if (explicit_uri != NULL)
    {
      g_autofree char *path = dockyard_endpoint_socket_from_uri (explicit_uri, error);

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

  return g_strv_builder_end (builder);
}
