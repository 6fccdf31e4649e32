/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <glib/gi18n.h>

#include "dockyard-engine-private.h"
#include "dockyard-remote-private.h"

G_DEFINE_QUARK (dockyard-engine-error-quark, dockyard_engine_error)

/* Reading the engine's JSON: a member of the wrong type counts as absent. */

const char *
_dockyard_json_get_string (JsonObject *object,
                           const char *member)
{
  JsonNode *node;

  if (object == NULL || !json_object_has_member (object, member))
    return NULL;

  node = json_object_get_member (object, member);
  if (!JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_STRING)
    return NULL;

  return json_node_get_string (node);
}

gint64
_dockyard_json_get_int (JsonObject *object,
                        const char *member)
{
  JsonNode *node;

  if (object == NULL || !json_object_has_member (object, member))
    return 0;

  node = json_object_get_member (object, member);
  if (!JSON_NODE_HOLDS_VALUE (node))
    return 0;

  switch (json_node_get_value_type (node))
    {
    case G_TYPE_INT64:
      return json_node_get_int (node);
    case G_TYPE_DOUBLE:
      {
        double value = json_node_get_double (node);

        /* Out of range (or NaN), the cast would be undefined. */
        if (!(value > -9223372036854775808.0 && value < 9223372036854775808.0))
          return value > 0 ? G_MAXINT64 : value < 0 ? G_MININT64 : 0;
        return (gint64) value;
      }
    default:
      return 0;
    }
}

/* The same for an engine on the network: say which address, and for TLS
 * which side did not trust the other. */
static GError *
remote_error_from_transport (GError               *error,
                             const char           *address,
                             const DockyardRemote *remote)
{
  if (error->domain == G_TLS_ERROR && remote->tls_database != NULL)
    {
      g_autofree char *ca = g_build_filename (remote->tls_folder, "ca.pem", NULL);

      if (error->code == G_TLS_ERROR_BAD_CERTIFICATE)
        /* Translators: the first %s is an address such as tcp://host:2376, the second a file */
        return g_error_new (DOCKYARD_ENGINE_ERROR, DOCKYARD_ENGINE_ERROR_TLS,
                            _("The engine at %s is not trusted: its certificate is not signed by "
                              "the CA in %s, or is not for this address."), address, ca);
      if (remote->tls_certificate == NULL)
        return g_error_new (DOCKYARD_ENGINE_ERROR, DOCKYARD_ENGINE_ERROR_TLS,
                            _("The engine at %s refused the TLS connection: it wants a client "
                              "certificate, and %s has no cert.pem and key.pem (%s)."),
                            address, remote->tls_folder, error->message);
      /* Also what an engine that dies during the handshake looks like: a
       * broken connection, not a refusal. */
      if (error->code == G_TLS_ERROR_NOT_TLS || error->code == G_TLS_ERROR_EOF)
        return g_error_new (DOCKYARD_ENGINE_ERROR, DOCKYARD_ENGINE_ERROR_DISCONNECTED,
                            _("The engine at %s does not speak TLS: %s"), address, error->message);
      return g_error_new (DOCKYARD_ENGINE_ERROR, DOCKYARD_ENGINE_ERROR_TLS,
                          _("The engine at %s refused the TLS connection: %s. Is the client "
                            "certificate in %s one its CA signed?"),
                          address, error->message, remote->tls_folder);
    }

  if (remote->tunnel != NULL)
    {
      g_autofree char *ssh_error = _dockyard_remote_dup_ssh_error (remote);

      /* ssh's own words say more than a connection that closed. */
      if (ssh_error != NULL)
        /* Translators: the first %s is an address such as ssh://me@gpu-box, the second what ssh printed */
        return g_error_new (DOCKYARD_ENGINE_ERROR, DOCKYARD_ENGINE_ERROR_NO_ENGINE,
                            _("The engine at %s cannot be reached through ssh: %s"),
                            address, ssh_error);
    }

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CONNECTION_REFUSED))
    return g_error_new (DOCKYARD_ENGINE_ERROR, DOCKYARD_ENGINE_ERROR_NO_ENGINE,
                        _("The engine at %s refused the connection: %s"), address, error->message);

  if (error->domain == G_RESOLVER_ERROR)
    return g_error_new (DOCKYARD_ENGINE_ERROR, DOCKYARD_ENGINE_ERROR_NO_ENGINE,
                        _("The engine at %s cannot be reached: %s"), address, error->message);

  return g_error_new (DOCKYARD_ENGINE_ERROR, DOCKYARD_ENGINE_ERROR_DISCONNECTED,
                      _("The connection to the engine at %s broke: %s"),
                      address, error->message);
}

/**
 * dockyard_engine_error_not_on_this_computer:
 * @what: what does not work, e.g. "Dev"
 *
 * Returns: (transfer full): the error for a session that needs the project
 *   folder bind-mounted, on an engine on another computer
 */
GError *
dockyard_engine_error_not_on_this_computer (DockyardEngine *engine,
                                            const char     *what)
{
  /* Translators: the first %s is an address such as ssh://me@gpu-box, the second "Dev" or "Lab" */
  return g_error_new (G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED,
                      _("The engine at %s runs on another computer, which cannot see the "
                        "project folder on this one: %s needs an engine on this computer for "
                        "now. Building works with it."),
                      dockyard_engine_get_address (engine), what);
}

/* Turns a connection-level failure into the Dockyard error a user can act on. */
GError *
_dockyard_engine_error_from_transport (GError         *error,
                                       DockyardEngine *engine)
{
  const char *socket_path = dockyard_engine_get_address (engine);

  if (error->domain == DOCKYARD_ENGINE_ERROR ||
      g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return g_error_copy (error);

  if (dockyard_engine_get_is_remote (engine))
    return remote_error_from_transport (error, socket_path, _dockyard_engine_get_transport (engine));

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_PERMISSION_DENIED))
    return g_error_new (DOCKYARD_ENGINE_ERROR, DOCKYARD_ENGINE_ERROR_PERMISSION_DENIED,
                        _("Permission denied on %s. Add your user to the “docker” group "
                          "(then log out and back in), or use rootless Docker or Podman."),
                        socket_path);

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND) ||
      g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CONNECTION_REFUSED) ||
      g_error_matches (error, G_IO_ERROR, G_IO_ERROR_NOT_DIRECTORY))
    return g_error_new (DOCKYARD_ENGINE_ERROR, DOCKYARD_ENGINE_ERROR_NO_ENGINE,
                        _("No container engine answers at %s."), socket_path);

  return g_error_new (DOCKYARD_ENGINE_ERROR, DOCKYARD_ENGINE_ERROR_DISCONNECTED,
                      _("The connection to the engine at %s broke: %s"),
                      socket_path, error->message);
}

/* "HTTP/1.1 200 OK" -> 200, for the connections Dockyard speaks HTTP on
 * itself (exec's upgrade, the build's upload).  FALSE for anything else. */
gboolean
_dockyard_parse_http_status (const char *line,
                             guint      *status)
{
  g_auto(GStrv) parts = g_strsplit (line, " ", 3);
  guint64 code = 0;

  if (g_strv_length (parts) < 2 || !g_str_has_prefix (parts[0], "HTTP/") ||
      !g_ascii_string_to_unsigned (parts[1], 10, 100, 599, &code, NULL))
    return FALSE;

  *status = code;
  return TRUE;
}

/* Turns an HTTP error reply into an error carrying the engine's own message. */
GError *
_dockyard_engine_error_from_reply (guint   status,
                                   GBytes *body)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autofree char *message = NULL;
  g_autofree char *cause = NULL;
  DockyardEngineError code;

  if (body != NULL && g_bytes_get_size (body) > 0 &&
      json_parser_load_from_data (parser, g_bytes_get_data (body, NULL),
                                  g_bytes_get_size (body), NULL))
    {
      JsonNode *root = json_parser_get_root (parser);

      /* Blank text parses, to no root. */
      if (root != NULL && JSON_NODE_HOLDS_OBJECT (root))
        {
          JsonObject *object = json_node_get_object (root);

          message = g_strdup (_dockyard_json_get_string (object, "message"));
          /* Podman's errors also name their kind. */
          cause = g_strdup (_dockyard_json_get_string (object, "cause"));
        }
    }

  if (message == NULL && body != NULL && g_bytes_get_size (body) > 0)
    {
      gsize len = MIN (g_bytes_get_size (body), 512);

      message = g_utf8_make_valid (g_bytes_get_data (body, NULL), len);
      g_strstrip (message);
    }

  if (message == NULL || *message == '\0')
    {
      g_free (message);
      message = g_strdup_printf (_("The engine answered with HTTP status %u (%s)."),
                                 status, soup_status_get_phrase (status));
    }

  switch (status)
    {
    case SOUP_STATUS_BAD_REQUEST:
      code = DOCKYARD_ENGINE_ERROR_BAD_REQUEST;
      break;
    case SOUP_STATUS_NOT_FOUND:
      code = DOCKYARD_ENGINE_ERROR_NOT_FOUND;
      break;
    case SOUP_STATUS_CONFLICT:
      code = DOCKYARD_ENGINE_ERROR_CONFLICT;
      break;
    case SOUP_STATUS_INTERNAL_SERVER_ERROR:
      /* Podman 4 answers a create with a name that is taken with 500, not
       * Docker's 409: "… the container name "x" is already in use by ID.
       * … that name is already in use", with that last part as its cause. */
      if (g_strcmp0 (cause, "that name is already in use") == 0)
        code = DOCKYARD_ENGINE_ERROR_CONFLICT;
      else
        code = DOCKYARD_ENGINE_ERROR_SERVER_ERROR;
      break;
    default:
      code = status >= 500 ? DOCKYARD_ENGINE_ERROR_SERVER_ERROR
                           : DOCKYARD_ENGINE_ERROR_BAD_REQUEST;
      break;
    }

  return g_error_new_literal (DOCKYARD_ENGINE_ERROR, code, message);
}
