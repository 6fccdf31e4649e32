/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <glib/gi18n.h>
#include <gio/gunixsocketaddress.h>

#include "dockyard-engine-error.h"
#include "dockyard-remote-private.h"
#include "dockyard-ssh-tunnel-private.h"

#define DOCKER_TLS_PORT 2376
#define DOCKER_PLAIN_PORT 2375

static gboolean host_is_loopback (const char *host);

void
_dockyard_remote_clear (DockyardRemote *remote)
{
  g_clear_pointer (&remote->address, g_free);
  g_clear_object (&remote->connectable);
  g_clear_object (&remote->tls_database);
  g_clear_object (&remote->tls_certificate);
  g_clear_pointer (&remote->tls_folder, g_free);
  g_clear_object (&remote->tunnel);
}

/**
 * _dockyard_remote_open_ssh:
 * @uri: `ssh://[USER@]HOST[:PORT]`
 *
 * Opens the local socket that leads to the engine through ssh.
 */
gboolean
_dockyard_remote_open_ssh (const char      *uri,
                           DockyardRemote  *remote,
                           GError         **error)
{
  DockyardSshTunnel *tunnel = _dockyard_ssh_tunnel_new (uri, &remote->address, error);

  if (tunnel == NULL)
    return FALSE;

  {
    g_autoptr(GUri) parsed = g_uri_parse (uri, G_URI_FLAGS_NON_DNS, NULL);

    remote->loopback = parsed != NULL && host_is_loopback (g_uri_get_host (parsed));
  }
  remote->tunnel = G_OBJECT (tunnel);
  remote->connectable = G_SOCKET_CONNECTABLE (
    g_unix_socket_address_new (_dockyard_ssh_tunnel_get_socket_path (tunnel)));
  return TRUE;
}

/* Returns: (transfer full) (nullable): what ssh said when it last failed */
char *
_dockyard_remote_dup_ssh_error (const DockyardRemote *remote)
{
  if (remote->tunnel == NULL)
    return NULL;
  return _dockyard_ssh_tunnel_dup_last_error (DOCKYARD_SSH_TUNNEL (remote->tunnel));
}

static gboolean
host_is_loopback (const char *host)
{
  g_autoptr(GInetAddress) inet = g_inet_address_new_from_string (host);

  if (inet != NULL)
    return g_inet_address_get_is_loopback (inet);
  return g_ascii_strcasecmp (host, "localhost") == 0;
}

static gboolean
load_tls (const char      *address,
          const char      *folder,
          DockyardRemote  *remote,
          GError         **error)
{
  g_autofree char *ca = g_build_filename (folder, "ca.pem", NULL);
  g_autofree char *cert = g_build_filename (folder, "cert.pem", NULL);
  g_autofree char *key = g_build_filename (folder, "key.pem", NULL);
  g_autoptr(GError) local_error = NULL;
  gboolean have_cert, have_key;

  remote->tls_folder = g_strdup (folder);

  if (!g_file_test (ca, G_FILE_TEST_EXISTS))
    {
      /* Translators: the first %s is an address such as tcp://host:2376 */
      g_set_error (error, DOCKYARD_ENGINE_ERROR, DOCKYARD_ENGINE_ERROR_UNSUPPORTED_ENDPOINT,
                   _("The engine at %s is to be reached over TLS (DOCKER_TLS_VERIFY is set), "
                     "but there is no CA certificate at %s. Put the CA’s certificate there, "
                     "or point DOCKER_CERT_PATH at the folder that has ca.pem, cert.pem "
                     "and key.pem."), address, ca);
      return FALSE;
    }

  remote->tls_database = g_tls_file_database_new (ca, &local_error);
  if (remote->tls_database == NULL)
    {
      g_set_error (error, DOCKYARD_ENGINE_ERROR, DOCKYARD_ENGINE_ERROR_UNSUPPORTED_ENDPOINT,
                   _("The CA certificate %s for the engine at %s cannot be read: %s"),
                   ca, address, local_error->message);
      return FALSE;
    }

  /* As the docker CLI: a client certificate only when both files are there. */
  have_cert = g_file_test (cert, G_FILE_TEST_EXISTS);
  have_key = g_file_test (key, G_FILE_TEST_EXISTS);
  if (have_cert != have_key)
    {
      g_set_error (error, DOCKYARD_ENGINE_ERROR, DOCKYARD_ENGINE_ERROR_UNSUPPORTED_ENDPOINT,
                   _("The client certificate for the engine at %s is incomplete: %s is there, "
                     "%s is not."), address, have_cert ? cert : key, have_cert ? key : cert);
      return FALSE;
    }

  if (have_cert)
    {
      remote->tls_certificate = g_tls_certificate_new_from_files (cert, key, &local_error);
      if (remote->tls_certificate == NULL)
        {
          g_set_error (error, DOCKYARD_ENGINE_ERROR, DOCKYARD_ENGINE_ERROR_UNSUPPORTED_ENDPOINT,
                       _("The client certificate %s and key %s for the engine at %s cannot be "
                         "read: %s"), cert, key, address, local_error->message);
          return FALSE;
        }
    }

  return TRUE;
}

/**
 * _dockyard_remote_parse_tcp:
 * @uri: `tcp://HOST[:PORT]`
 * @tls_verify: (nullable): `DOCKER_TLS_VERIFY`; TLS when not empty
 * @cert_path: (nullable): `DOCKER_CERT_PATH`; `~/.docker` when empty
 *
 * Reads the address and, for TLS, the CA and the client certificate the
 * way the docker CLI does.  Plain TCP is accepted for loopback addresses
 * only: anything else would send the engine's full control in clear text.
 */
gboolean
_dockyard_remote_parse_tcp (const char      *uri,
                            const char      *tls_verify,
                            const char      *cert_path,
                            DockyardRemote  *remote,
                            GError         **error)
{
  g_autoptr(GUri) parsed = NULL;
  gboolean tls = tls_verify != NULL && *tls_verify != '\0';
  const char *host;
  const char *path;
  int port;

  parsed = g_uri_parse (uri, G_URI_FLAGS_NON_DNS, NULL);
  host = parsed != NULL ? g_uri_get_host (parsed) : NULL;
  path = parsed != NULL ? g_uri_get_path (parsed) : NULL;
  if (parsed == NULL || g_strcmp0 (g_uri_get_scheme (parsed), "tcp") != 0 ||
      host == NULL || *host == '\0' || (path != NULL && *path != '\0' && g_strcmp0 (path, "/") != 0) ||
      g_uri_get_userinfo (parsed) != NULL || g_uri_get_query (parsed) != NULL)
    {
      g_set_error (error, DOCKYARD_ENGINE_ERROR, DOCKYARD_ENGINE_ERROR_UNSUPPORTED_ENDPOINT,
                   _("“%s” is not an engine address Dockyard understands. Use tcp://HOST:PORT, "
                     "ssh://USER@HOST or unix:///PATH."), uri);
      return FALSE;
    }

  port = g_uri_get_port (parsed);
  if (port <= 0)
    port = tls ? DOCKER_TLS_PORT : DOCKER_PLAIN_PORT;

  remote->loopback = host_is_loopback (host);
  if (strchr (host, ':') != NULL)
    remote->address = g_strdup_printf ("tcp://[%s]:%d", host, port);
  else
    remote->address = g_strdup_printf ("tcp://%s:%d", host, port);
  remote->connectable = g_network_address_new (host, port);

  if (!tls)
    {
      if (!remote->loopback)
        {
          g_set_error (error, DOCKYARD_ENGINE_ERROR, DOCKYARD_ENGINE_ERROR_UNSUPPORTED_ENDPOINT,
                       _("Dockyard talks to the engine at %s only over TLS: without it, anyone "
                         "on the network could take over the engine. Set DOCKER_TLS_VERIFY=1 "
                         "and DOCKER_CERT_PATH to the folder with ca.pem, cert.pem and key.pem, "
                         "or reach the engine with ssh://."), remote->address);
          return FALSE;
        }
      g_message ("The engine at %s is reached over plain TCP without TLS: every local user "
                 "can control it. Set DOCKER_TLS_VERIFY=1 to use TLS.", remote->address);
      return TRUE;
    }

  if (cert_path != NULL && *cert_path != '\0')
    return load_tls (remote->address, cert_path, remote, error);
  else
    {
      g_autofree char *folder = g_build_filename (g_get_home_dir (), ".docker", NULL);

      return load_tls (remote->address, folder, remote, error);
    }
}

/* The client certificate --------------------------------------------------------
 *
 * libsoup builds its TLS connections itself; it hands a server's request for
 * a client certificate to the session's interaction. */

#define DOCKYARD_TYPE_CLIENT_CERT_INTERACTION (dockyard_client_cert_interaction_get_type ())
G_DECLARE_FINAL_TYPE (DockyardClientCertInteraction, dockyard_client_cert_interaction,
                      DOCKYARD, CLIENT_CERT_INTERACTION, GTlsInteraction)

struct _DockyardClientCertInteraction
{
  GTlsInteraction  parent_instance;
  GTlsCertificate *certificate;
};

G_DEFINE_FINAL_TYPE (DockyardClientCertInteraction, dockyard_client_cert_interaction,
                     G_TYPE_TLS_INTERACTION)

static GTlsInteractionResult
dockyard_client_cert_interaction_request_certificate (GTlsInteraction              *interaction,
                                                      GTlsConnection               *connection,
                                                      GTlsCertificateRequestFlags   flags,
                                                      GCancellable                 *cancellable,
                                                      GError                      **error)
{
  DockyardClientCertInteraction *self = DOCKYARD_CLIENT_CERT_INTERACTION (interaction);

  if (self->certificate == NULL)
    return G_TLS_INTERACTION_UNHANDLED;

  g_tls_connection_set_certificate (connection, self->certificate);
  return G_TLS_INTERACTION_HANDLED;
}

static void
dockyard_client_cert_interaction_finalize (GObject *object)
{
  DockyardClientCertInteraction *self = DOCKYARD_CLIENT_CERT_INTERACTION (object);

  g_clear_object (&self->certificate);

  G_OBJECT_CLASS (dockyard_client_cert_interaction_parent_class)->finalize (object);
}

static void
dockyard_client_cert_interaction_class_init (DockyardClientCertInteractionClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GTlsInteractionClass *interaction_class = G_TLS_INTERACTION_CLASS (klass);

  object_class->finalize = dockyard_client_cert_interaction_finalize;
  interaction_class->request_certificate = dockyard_client_cert_interaction_request_certificate;
}

static void
dockyard_client_cert_interaction_init (DockyardClientCertInteraction *self)
{
}

/* Returns: (transfer full): an interaction that answers with @certificate */
GTlsInteraction *
_dockyard_client_cert_interaction_new (GTlsCertificate *certificate)
{
  DockyardClientCertInteraction *self;

  self = g_object_new (DOCKYARD_TYPE_CLIENT_CERT_INTERACTION, NULL);
  g_set_object (&self->certificate, certificate);
  return G_TLS_INTERACTION (self);
}
