/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <glib/gi18n.h>

#include "dockyard-docker-context.h"
#include "dockyard-endpoint.h"
#include "dockyard-engine-private.h"
#include "dockyard-remote-private.h"

/* How long a ping may take before the engine counts as not answering. */
#define PING_TIMEOUT_SECONDS 10
/* Error bodies are small JSON objects; do not read a runaway body whole. */
#define MAX_ERROR_BODY (64 * 1024)
/* A ping's answer is "OK". */
#define MAX_PING_BODY (16 * 1024)
/* The largest JSON answer read: a listing of thousands of images is a few
 * MiB; a broken or hostile engine must not make the app take all memory. */
#define MAX_JSON_ANSWER (64 * 1024 * 1024)

struct _DockyardEngine
{
  GObject      parent_instance;

  char        *socket_path;  /* NULL unless a unix socket */
  SoupSession *session;
  /* A tcp:// engine (transport.address NULL for a unix socket). */
  DockyardRemote transport;
  guint        request_timeout;

  /* Filled in by dockyard_engine_connect_async(). */
  char        *api_version;
  char        *name;
  char        *version;
  guint        has_buildkit : 1;
  guint        has_bridge : 1;
  guint        is_podman : 1;
  guint        rootless : 1;
  guint        has_cdi : 1;
};

G_DEFINE_FINAL_TYPE (DockyardEngine, dockyard_engine, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_SOCKET_PATH,
  PROP_TRANSPORT,
  PROP_API_VERSION,
  PROP_NAME,
  PROP_VERSION,
  PROP_REQUEST_TIMEOUT,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void
dockyard_engine_finalize (GObject *object)
{
  DockyardEngine *self = (DockyardEngine *)object;

  g_clear_object (&self->session);
  g_clear_pointer (&self->socket_path, g_free);
  _dockyard_remote_clear (&self->transport);
  g_clear_pointer (&self->api_version, g_free);
  g_clear_pointer (&self->name, g_free);
  g_clear_pointer (&self->version, g_free);

  G_OBJECT_CLASS (dockyard_engine_parent_class)->finalize (object);
}

static void
dockyard_engine_constructed (GObject *object)
{
  DockyardEngine *self = (DockyardEngine *)object;
  g_autoptr(GSocketConnectable) address = NULL;
  g_autoptr(GTlsInteraction) interaction = NULL;

  G_OBJECT_CLASS (dockyard_engine_parent_class)->constructed (object);

  if (self->transport.connectable != NULL)
    address = g_object_ref (self->transport.connectable);
  else
    address = G_SOCKET_CONNECTABLE (g_unix_socket_address_new (self->socket_path));
  /* Long streams (/events, /build, logs) each hold a connection; the default
   * of two per host would make every other request wait behind them.  No
   * proxy: the engine is reached directly, as the docker CLI does. */
  self->session = g_object_new (SOUP_TYPE_SESSION,
                                "remote-connectable", address,
                                "proxy-resolver", NULL,
                                "max-conns", 64,
                                "max-conns-per-host", 64,
                                "timeout", 0,
                                "idle-timeout", 30,
                                "user-agent", "Dockyard/" PACKAGE_VERSION,
                                NULL);
  if (self->transport.tls_database != NULL)
    {
      interaction = _dockyard_client_cert_interaction_new (self->transport.tls_certificate);
      g_object_set (self->session,
                    "tls-database", self->transport.tls_database,
                    "tls-interaction", interaction,
                    NULL);
    }
}

static void
dockyard_engine_get_property (GObject    *object,
                              guint       prop_id,
                              GValue     *value,
                              GParamSpec *pspec)
{
  DockyardEngine *self = DOCKYARD_ENGINE (object);

  switch (prop_id)
    {
    case PROP_SOCKET_PATH:
      g_value_set_string (value, self->socket_path);
      break;
    case PROP_API_VERSION:
      g_value_set_string (value, self->api_version);
      break;
    case PROP_NAME:
      g_value_set_string (value, self->name);
      break;
    case PROP_VERSION:
      g_value_set_string (value, self->version);
      break;
    case PROP_REQUEST_TIMEOUT:
      g_value_set_uint (value, self->request_timeout);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
dockyard_engine_set_property (GObject      *object,
                              guint         prop_id,
                              const GValue *value,
                              GParamSpec   *pspec)
{
  DockyardEngine *self = DOCKYARD_ENGINE (object);

  switch (prop_id)
    {
    case PROP_SOCKET_PATH:
      self->socket_path = g_value_dup_string (value);
      break;
    case PROP_TRANSPORT:
      if (g_value_get_pointer (value) != NULL)
        {
          DockyardRemote *remote = g_value_get_pointer (value);

          self->transport = *remote;
          memset (remote, 0, sizeof *remote);
        }
      break;
    case PROP_REQUEST_TIMEOUT:
      dockyard_engine_set_request_timeout (self, g_value_get_uint (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
dockyard_engine_class_init (DockyardEngineClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->constructed = dockyard_engine_constructed;
  object_class->finalize = dockyard_engine_finalize;
  object_class->get_property = dockyard_engine_get_property;
  object_class->set_property = dockyard_engine_set_property;

  properties[PROP_SOCKET_PATH] =
    g_param_spec_string ("socket-path", NULL, NULL, NULL,
                         (G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS));
  /* Private: a DockyardRemote whose contents the engine takes over. */
  properties[PROP_TRANSPORT] =
    g_param_spec_pointer ("transport", NULL, NULL,
                          (G_PARAM_WRITABLE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS));
  properties[PROP_API_VERSION] =
    g_param_spec_string ("api-version", NULL, NULL, NULL,
                         (G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));
  properties[PROP_NAME] =
    g_param_spec_string ("name", NULL, NULL, NULL,
                         (G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));
  properties[PROP_VERSION] =
    g_param_spec_string ("version", NULL, NULL, NULL,
                         (G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));
  /**
   * DockyardEngine:request-timeout:
   *
   * Seconds a request made with dockyard_engine_request_async() waits for
   * the whole answer; 0 waits for ever.  Streams have no timeout.
   */
  properties[PROP_REQUEST_TIMEOUT] =
    g_param_spec_uint ("request-timeout", NULL, NULL, 0, G_MAXUINT / 2,
                       DOCKYARD_ENGINE_REQUEST_TIMEOUT,
                       (G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
dockyard_engine_init (DockyardEngine *self)
{
  self->request_timeout = DOCKYARD_ENGINE_REQUEST_TIMEOUT;
}

/**
 * dockyard_engine_new:
 * @socket_path: the engine's unix socket
 *
 * Creates a client for the engine at @socket_path.  Nothing is sent until
 * dockyard_engine_connect_async() or a request.
 *
 * Returns: (transfer full): a new #DockyardEngine
 */
DockyardEngine *
dockyard_engine_new (const char *socket_path)
{
  g_return_val_if_fail (socket_path != NULL, NULL);

  return g_object_new (DOCKYARD_TYPE_ENGINE, "socket-path", socket_path, NULL);
}

/**
 * dockyard_engine_new_for_address:
 * @address: `unix:///PATH`, a plain absolute path, `tcp://HOST[:PORT]` or
 *   `ssh://[USER@]HOST[:PORT]`
 *
 * Creates a client for the engine at @address.  For tcp://, TLS is used
 * when `DOCKER_TLS_VERIFY` is set, with `ca.pem`, `cert.pem` and `key.pem`
 * from `DOCKER_CERT_PATH` (or `~/.docker`), as the docker CLI reads them;
 * plain TCP only to a loopback address.  For ssh://, each connection is
 * `ssh HOST docker system dial-stdio`, as the docker CLI does it, with
 * BatchMode (never a prompt).  Nothing is sent yet.
 *
 * Returns: (transfer full): a new #DockyardEngine, or %NULL with
 *   %DOCKYARD_ENGINE_ERROR_UNSUPPORTED_ENDPOINT
 */
DockyardEngine *
dockyard_engine_new_for_address (const char  *address,
                                 GError     **error)
{
  g_auto(DockyardRemote) remote = { 0 };
  g_autofree char *socket_path = NULL;
  g_return_val_if_fail (address != NULL, NULL);

  if (g_str_has_prefix (address, "tcp://"))
    {
      if (!_dockyard_remote_parse_tcp (address, g_getenv ("DOCKER_TLS_VERIFY"),
                                       g_getenv ("DOCKER_CERT_PATH"), &remote, error))
        return NULL;

      /* The construct property takes what @remote holds. */
      return g_object_new (DOCKYARD_TYPE_ENGINE, "transport", &remote, NULL);
    }

  if (g_str_has_prefix (address, "ssh://"))
    {
      if (!_dockyard_remote_open_ssh (address, &remote, error))
        return NULL;
      return g_object_new (DOCKYARD_TYPE_ENGINE, "transport", &remote, NULL);
    }

  socket_path = dockyard_endpoint_socket_from_uri (address, error);
  if (socket_path == NULL)
    return NULL;
  return dockyard_engine_new (socket_path);
}

/**
 * dockyard_engine_new_for_context:
 * @name: a Docker context's name
 *
 * Creates a client for the engine of the Docker context @name, with the
 * context's TLS material (`contexts/tls/…/docker/`) for a tcp:// engine.
 *
 * Returns: (transfer full): a new #DockyardEngine, or %NULL with
 *   %DOCKYARD_ENGINE_ERROR_UNSUPPORTED_ENDPOINT
 */
DockyardEngine *
dockyard_engine_new_for_context (const char  *name,
                                 GError     **error)
{
  g_autoptr(DockyardDockerContext) context = NULL;
  g_auto(DockyardRemote) remote = { 0 };

  g_return_val_if_fail (name != NULL, NULL);

  context = dockyard_docker_context_load (name, error);
  if (context == NULL)
    return NULL;

  if (!g_str_has_prefix (context->host, "tcp://"))
    return dockyard_engine_new_for_address (context->host, error);

  if (context->skip_tls_verify)
    {
      /* Translators: %s is the name of a Docker context */
      g_set_error (error, DOCKYARD_ENGINE_ERROR, DOCKYARD_ENGINE_ERROR_UNSUPPORTED_ENDPOINT,
                   _("The Docker context “%s” does not check the engine’s certificate "
                     "(SkipTLSVerify). Dockyard talks only to engines whose certificate it can "
                     "check: give the context the CA’s certificate."), name);
      return NULL;
    }

  if (!_dockyard_remote_parse_tcp (context->host, context->tls_folder != NULL ? "1" : NULL,
                                   context->tls_folder, &remote, error))
    return NULL;
  return g_object_new (DOCKYARD_TYPE_ENGINE, "transport", &remote, NULL);
}

/**
 * dockyard_engine_get_socket_path:
 *
 * Returns: (nullable): the engine's unix socket, or %NULL for an engine
 *   reached over the network
 */
const char *
dockyard_engine_get_socket_path (DockyardEngine *self)
{
  g_return_val_if_fail (DOCKYARD_IS_ENGINE (self), NULL);
  return self->socket_path;
}

/**
 * dockyard_engine_get_address:
 *
 * Returns: the engine's address as shown to the user: the socket's path,
 *   or e.g. `tcp://host:2376`
 */
const char *
dockyard_engine_get_address (DockyardEngine *self)
{
  g_return_val_if_fail (DOCKYARD_IS_ENGINE (self), NULL);
  return self->transport.address != NULL ? self->transport.address : self->socket_path;
}

/**
 * dockyard_engine_get_is_on_this_computer:
 *
 * Whether the engine runs on this computer: a unix socket, or tcp:// and
 * ssh:// to a loopback address.  Only such an engine can bind-mount the
 * project folder.
 *
 * For the tests, `DOCKYARD_TREAT_ENGINE_AS_REMOTE=1` makes every engine
 * count as elsewhere (loopback and unix sockets too), so that the volume
 * sync and the port relay of remote engines run against the private test
 * engines.
 *
 * Returns: %TRUE for an engine on this computer
 */
gboolean
dockyard_engine_get_is_on_this_computer (DockyardEngine *self)
{
  g_return_val_if_fail (DOCKYARD_IS_ENGINE (self), TRUE);
  if (g_strcmp0 (g_getenv ("DOCKYARD_TREAT_ENGINE_AS_REMOTE"), "1") == 0)
    return FALSE;
  return self->transport.address == NULL || self->transport.loopback;
}

/**
 * dockyard_engine_dup_security_warning:
 *
 * What the user must know about how the engine is reached: a tcp://
 * engine without TLS (allowed on loopback only) can be controlled by
 * every user of this computer.
 *
 * Returns: (transfer full) (nullable): a sentence, or %NULL
 */
char *
dockyard_engine_dup_security_warning (DockyardEngine *self)
{
  g_return_val_if_fail (DOCKYARD_IS_ENGINE (self), NULL);

  if (self->transport.address == NULL || self->transport.tunnel != NULL ||
      self->transport.tls_database != NULL)
    return NULL;

  return g_strdup (_("Reached over plain TCP without TLS: every user of this computer can "
                     "control the engine. Set DOCKER_TLS_VERIFY=1 and DOCKER_CERT_PATH to use "
                     "TLS."));
}

/**
 * dockyard_engine_get_is_remote:
 *
 * Returns: %TRUE when the engine is reached over the network rather than
 *   through a unix socket on this computer
 */
gboolean
dockyard_engine_get_is_remote (DockyardEngine *self)
{
  g_return_val_if_fail (DOCKYARD_IS_ENGINE (self), FALSE);
  return self->transport.address != NULL;
}

/**
 * dockyard_engine_get_api_version:
 *
 * Returns: (nullable): the negotiated API version, %NULL before connecting
 */
const char *
dockyard_engine_get_api_version (DockyardEngine *self)
{
  g_return_val_if_fail (DOCKYARD_IS_ENGINE (self), NULL);
  return self->api_version;
}

/**
 * dockyard_engine_get_name:
 *
 * Returns: (nullable): "Docker Engine" or "Podman Engine", %NULL before connecting
 */
const char *
dockyard_engine_get_name (DockyardEngine *self)
{
  g_return_val_if_fail (DOCKYARD_IS_ENGINE (self), NULL);
  return self->name;
}

const char *
dockyard_engine_get_version (DockyardEngine *self)
{
  g_return_val_if_fail (DOCKYARD_IS_ENGINE (self), NULL);
  return self->version;
}

gboolean
dockyard_engine_get_has_buildkit (DockyardEngine *self)
{
  g_return_val_if_fail (DOCKYARD_IS_ENGINE (self), FALSE);
  return self->has_buildkit;
}

/**
 * dockyard_engine_get_has_bridge:
 *
 * Returns: whether the engine has its default bridge network; without it,
 *   containers that need a network use the host's
 */
gboolean
dockyard_engine_get_has_bridge (DockyardEngine *self)
{
  g_return_val_if_fail (DOCKYARD_IS_ENGINE (self), FALSE);
  return self->has_bridge;
}

/**
 * dockyard_engine_get_is_podman:
 *
 * Returns: whether the engine is Podman (its Docker-compatible API)
 */
gboolean
dockyard_engine_get_is_podman (DockyardEngine *self)
{
  g_return_val_if_fail (DOCKYARD_IS_ENGINE (self), FALSE);
  return self->is_podman;
}

/**
 * dockyard_engine_get_has_cdi:
 *
 * Returns: whether the engine gives containers devices by their Container
 *   Device Interface names (e.g. "nvidia.com/gpu=all")
 */
gboolean
dockyard_engine_get_has_cdi (DockyardEngine *self)
{
  g_return_val_if_fail (DOCKYARD_IS_ENGINE (self), FALSE);
  return self->has_cdi;
}

/**
 * dockyard_engine_get_rootless:
 *
 * Returns: whether the engine runs as an ordinary user (in a user
 *   namespace where that user is root), as far as it said when connecting
 */
gboolean
dockyard_engine_get_rootless (DockyardEngine *self)
{
  g_return_val_if_fail (DOCKYARD_IS_ENGINE (self), FALSE);
  return self->rootless;
}

/**
 * dockyard_engine_dup_description:
 *
 * Returns: (transfer full) (nullable): which engine and mode, e.g.
 *   "Podman 4.3.1, rootless"; %NULL before connecting
 */
char *
dockyard_engine_dup_description (DockyardEngine *self)
{
  g_return_val_if_fail (DOCKYARD_IS_ENGINE (self), NULL);

  if (self->version == NULL)
    return NULL;

  /* Translators: the engine, its version and its mode, e.g. "Podman 4.3.1, rootless" */
  return g_strdup_printf (_("%s %s, %s"), self->is_podman ? "Podman" : "Docker", self->version,
                          self->rootless ? _("rootless") : _("rootful"));
}

guint
dockyard_engine_get_request_timeout (DockyardEngine *self)
{
  g_return_val_if_fail (DOCKYARD_IS_ENGINE (self), 0);
  return self->request_timeout;
}

/**
 * dockyard_engine_set_request_timeout:
 * @seconds: see #DockyardEngine:request-timeout
 *
 * Applies to requests sent from now on.
 */
void
dockyard_engine_set_request_timeout (DockyardEngine *self,
                                     guint           seconds)
{
  g_return_if_fail (DOCKYARD_IS_ENGINE (self));

  if (self->request_timeout == seconds)
    return;

  self->request_timeout = seconds;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_REQUEST_TIMEOUT]);
}

SoupSession *
_dockyard_engine_get_session (DockyardEngine *self)
{
  return self->session;
}

const DockyardRemote *
_dockyard_engine_get_transport (DockyardEngine *self)
{
  return &self->transport;
}

/* Connections of our own (exec's upgrade, the build's upload) -------------------- */

static void
connection_event_cb (GSocketClient      *client,
                     GSocketClientEvent  event,
                     GSocketConnectable *connectable,
                     GIOStream          *connection,
                     DockyardEngine     *self)
{
  if (event != G_SOCKET_CLIENT_TLS_HANDSHAKING)
    return;

  g_tls_connection_set_database (G_TLS_CONNECTION (connection), self->transport.tls_database);
  if (self->transport.tls_certificate != NULL)
    g_tls_connection_set_certificate (G_TLS_CONNECTION (connection),
                                      self->transport.tls_certificate);
}

static void
connection_connected_cb (GObject      *object,
                         GAsyncResult *result,
                         gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  GSocketConnection *connection;
  GError *error = NULL;

  connection = g_socket_client_connect_finish (G_SOCKET_CLIENT (object), result, &error);
  if (connection == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, connection, g_object_unref);
}

/*
 * _dockyard_engine_open_connection_async:
 *
 * Opens a connection of its own to the engine, on which the caller speaks
 * HTTP itself: the unix socket, or TCP with TLS (the handshake done) as
 * the engine's address asks.
 */
void
_dockyard_engine_open_connection_async (DockyardEngine      *self,
                                        GCancellable        *cancellable,
                                        GAsyncReadyCallback  callback,
                                        gpointer             user_data)
{
  g_autoptr(GSocketClient) client = g_socket_client_new ();
  g_autoptr(GSocketConnectable) address = NULL;
  GTask *task;

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, _dockyard_engine_open_connection_async);

  g_socket_client_set_enable_proxy (client, FALSE);
  if (self->transport.connectable != NULL)
    address = g_object_ref (self->transport.connectable);
  else
    address = G_SOCKET_CONNECTABLE (g_unix_socket_address_new (self->socket_path));

  if (self->transport.tls_database != NULL)
    {
      g_socket_client_set_tls (client, TRUE);
      /* The client lives until the connection is made. */
      g_signal_connect_object (client, "event", G_CALLBACK (connection_event_cb), self, 0);
    }

  g_socket_client_connect_async (client, address, cancellable, connection_connected_cb, task);
}

/*
 * Returns: (transfer full): the connection; with TLS a #GTcpWrapperConnection
 *   whose streams go through TLS, while its #GSocket is the plain one
 */
GSocketConnection *
_dockyard_engine_open_connection_finish (DockyardEngine  *self,
                                         GAsyncResult    *result,
                                         GError         **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}

static char *
build_uri (DockyardEngine *self,
           const char     *path)
{
  const char *base = self->transport.tls_database != NULL ? "https://docker" : "http://docker";

  g_assert (path[0] == '/');

  /* /_ping is unversioned; so is everything before negotiation. */
  if (self->api_version == NULL || g_str_has_prefix (path, "/_ping"))
    return g_strconcat (base, path, NULL);

  return g_strconcat (base, "/v", self->api_version, path, NULL);
}

/**
 * dockyard_engine_new_message:
 * @method: an HTTP method
 * @path: the API path with its query, already escaped, e.g. `/containers/json?all=1`
 *
 * Returns: (transfer full): a message for the negotiated API version
 */
SoupMessage *
dockyard_engine_new_message (DockyardEngine *self,
                             const char     *method,
                             const char     *path)
{
  g_autofree char *uri = NULL;
  SoupMessage *message;

  g_return_val_if_fail (DOCKYARD_IS_ENGINE (self), NULL);
  g_return_val_if_fail (method != NULL, NULL);
  g_return_val_if_fail (path != NULL && path[0] == '/', NULL);

  uri = build_uri (self, path);
  message = soup_message_new (method, uri);
  g_return_val_if_fail (message != NULL, NULL);

  return message;
}

/* Short exchanges: requests with a JSON answer, and the ping ------------------ */

/* A request and a ping travel the same way: sent under a deadline, the
 * answer read whole but bounded, an error status turned into the engine's
 * message.  They differ in how they read and interpret the body. */
typedef enum
{
  EXCHANGE_JSON,
  EXCHANGE_PING,
} ExchangeKind;

typedef struct
{
  SoupMessage  *message;
  DockyardDeadline deadline;
  guint         timeout;
  ExchangeKind  kind;
} Exchange;

static void
exchange_free (Exchange *exchange)
{
  _dockyard_deadline_clear (&exchange->deadline);
  g_clear_object (&exchange->message);
  g_free (exchange);
}

static void
exchange_return_transport_error (GTask  *task,
                                 GError *error)
{
  DockyardEngine *self = g_task_get_source_object (task);
  Exchange *exchange = g_task_get_task_data (task);

  if (!_dockyard_deadline_expired (&exchange->deadline, error))
    g_task_return_error (task, _dockyard_engine_error_from_transport (error, self));
  else if (exchange->kind == EXCHANGE_PING)
    g_task_return_new_error (task, DOCKYARD_ENGINE_ERROR, DOCKYARD_ENGINE_ERROR_NO_ENGINE,
                             _("The engine at %s did not answer within %d seconds."),
                             dockyard_engine_get_address (self), PING_TIMEOUT_SECONDS);
  else
    g_task_return_new_error (task, DOCKYARD_ENGINE_ERROR, DOCKYARD_ENGINE_ERROR_TIMED_OUT,
                             g_dngettext (GETTEXT_PACKAGE,
                                          "The engine did not answer within %u second.",
                                          "The engine did not answer within %u seconds.",
                                          exchange->timeout),
                             exchange->timeout);
}

static void
exchange_return_too_large (GTask *task)
{
  Exchange *exchange = g_task_get_task_data (task);

  if (exchange->kind == EXCHANGE_PING)
    g_task_return_new_error (task, DOCKYARD_ENGINE_ERROR, DOCKYARD_ENGINE_ERROR_MALFORMED_RESPONSE,
                             _("The engine’s answer to a ping is larger than %d KiB."),
                             MAX_PING_BODY / 1024);
  else
    g_task_return_new_error (task, DOCKYARD_ENGINE_ERROR, DOCKYARD_ENGINE_ERROR_MALFORMED_RESPONSE,
                             _("The engine’s answer is larger than %d MiB."),
                             MAX_JSON_ANSWER / (1024 * 1024));
}

static void
exchange_return_json (GTask  *task,
                      GBytes *body)
{
  g_autoptr(JsonParser) parser = NULL;
  g_autoptr(GError) error = NULL;

  if (g_bytes_get_size (body) == 0)
    {
      g_task_return_pointer (task, json_node_new (JSON_NODE_NULL),
                             (GDestroyNotify) json_node_unref);
      return;
    }

  parser = json_parser_new_immutable ();
  if (!json_parser_load_from_data (parser, g_bytes_get_data (body, NULL),
                                   g_bytes_get_size (body), &error))
    {
      g_task_return_new_error (task, DOCKYARD_ENGINE_ERROR,
                               DOCKYARD_ENGINE_ERROR_MALFORMED_RESPONSE,
                               _("The engine sent a malformed answer: %s"), error->message);
      return;
    }

  /* Only blanks: as good as an empty answer. */
  if (json_parser_get_root (parser) == NULL)
    g_task_return_pointer (task, json_node_new (JSON_NODE_NULL),
                           (GDestroyNotify) json_node_unref);
  else
    g_task_return_pointer (task, json_node_ref (json_parser_get_root (parser)),
                           (GDestroyNotify) json_node_unref);
}

/* The whole answer is in: an error status, or the answer of its kind. */
static void
exchange_return_body (GTask  *task,
                      GBytes *body)
{
  Exchange *exchange = g_task_get_task_data (task);
  guint status = soup_message_get_status (exchange->message);
  const char *api_version;

  if (!SOUP_STATUS_IS_SUCCESSFUL (status))
    {
      g_task_return_error (task, _dockyard_engine_error_from_reply (status, body));
      return;
    }

  if (exchange->kind == EXCHANGE_JSON)
    {
      exchange_return_json (task, body);
      return;
    }

  api_version = soup_message_headers_get_one (soup_message_get_response_headers (exchange->message),
                                              "Api-Version");
  g_task_return_pointer (task, g_strdup (api_version), g_free);
}

/* A GMemoryOutputStream that refuses to grow past MAX_JSON_ANSWER. */
static gpointer
limited_realloc (gpointer data,
                 gsize    size)
{
  if (size > MAX_JSON_ANSWER)
    return NULL;
  return g_realloc (data, size);
}

static void
exchange_spliced_cb (GObject      *object,
                     GAsyncResult *result,
                     gpointer      user_data)
{
  GOutputStream *output = G_OUTPUT_STREAM (object);
  g_autoptr(GTask) task = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) body = NULL;

  if (g_output_stream_splice_finish (output, result, &error) < 0)
    {
      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_NO_SPACE))
        exchange_return_too_large (task);
      else
        exchange_return_transport_error (task, error);
      return;
    }

  body = g_memory_output_stream_steal_as_bytes (G_MEMORY_OUTPUT_STREAM (output));
  exchange_return_body (task, body);
}

static void
exchange_read_cb (GObject      *object,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  g_autoptr(GBytes) body = NULL;
  g_autoptr(GError) error = NULL;

  body = _dockyard_read_all_finish (G_INPUT_STREAM (object), result, &error);
  g_input_stream_close (G_INPUT_STREAM (object), NULL, NULL);
  if (body == NULL)
    {
      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_MESSAGE_TOO_LARGE))
        exchange_return_too_large (task);
      else
        exchange_return_transport_error (task, error);
      return;
    }

  exchange_return_body (task, body);
}

static void
exchange_sent_cb (GObject      *object,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  Exchange *exchange = g_task_get_task_data (task);
  g_autoptr(GInputStream) input = NULL;
  g_autoptr(GOutputStream) output = NULL;
  g_autoptr(GError) error = NULL;

  input = soup_session_send_finish (SOUP_SESSION (object), result, &error);
  if (input == NULL)
    {
      exchange_return_transport_error (task, error);
      return;
    }

  /* The deadline covers the body too: an answer that never ends times
   * out; the bound stops one that floods. */
  if (exchange->kind == EXCHANGE_PING)
    {
      _dockyard_read_all_async (input, MAX_PING_BODY, exchange->deadline.cancellable,
                                exchange_read_cb, g_steal_pointer (&task));
      return;
    }

  /* A JSON answer may be large: it grows as it arrives, up to its bound. */
  output = g_memory_output_stream_new (NULL, 0, limited_realloc, g_free);
  g_output_stream_splice_async (output, input,
                                G_OUTPUT_STREAM_SPLICE_CLOSE_SOURCE |
                                G_OUTPUT_STREAM_SPLICE_CLOSE_TARGET,
                                G_PRIORITY_DEFAULT, exchange->deadline.cancellable,
                                exchange_spliced_cb, g_steal_pointer (&task));
}

static void
exchange_start (DockyardEngine      *self,
                SoupMessage         *message,
                ExchangeKind         kind,
                guint                timeout,
                gpointer             source_tag,
                GCancellable        *cancellable,
                GAsyncReadyCallback  callback,
                gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  Exchange *exchange;

  exchange = g_new0 (Exchange, 1);
  exchange->message = g_object_ref (message);
  exchange->kind = kind;
  exchange->timeout = timeout;
  _dockyard_deadline_init (&exchange->deadline, cancellable, timeout);

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, source_tag);
  g_task_set_task_data (task, exchange, (GDestroyNotify) exchange_free);

  soup_session_send_async (self->session, message, G_PRIORITY_DEFAULT,
                           exchange->deadline.cancellable, exchange_sent_cb,
                           g_steal_pointer (&task));
}

/**
 * dockyard_engine_request_async:
 * @method: an HTTP method
 * @path: the API path with its (escaped) query, without the version prefix
 * @body: (nullable): a JSON body to send
 *
 * Sends one request and parses the JSON answer.  HTTP errors become
 * #DockyardEngineError errors carrying the engine's own message.  Without
 * an answer within #DockyardEngine:request-timeout seconds it fails with
 * %DOCKYARD_ENGINE_ERROR_TIMED_OUT: this is for short requests; streams
 * (events, builds, logs, waiting for an exit) use
 * dockyard_engine_open_stream_async(), which has no timeout.
 */
void
dockyard_engine_request_async (DockyardEngine      *self,
                               const char          *method,
                               const char          *path,
                               JsonNode            *body,
                               GCancellable        *cancellable,
                               GAsyncReadyCallback  callback,
                               gpointer             user_data)
{
  g_autoptr(SoupMessage) message = NULL;

  g_return_if_fail (DOCKYARD_IS_ENGINE (self));
  g_return_if_fail (!cancellable || G_IS_CANCELLABLE (cancellable));

  message = dockyard_engine_new_message (self, method, path);

  if (body != NULL)
    {
      g_autofree char *text = json_to_string (body, FALSE);
      gsize len = strlen (text);
      g_autoptr(GBytes) bytes = g_bytes_new_take (g_steal_pointer (&text), len);

      soup_message_set_request_body_from_bytes (message, "application/json", bytes);
    }
  else if (g_strcmp0 (method, "POST") == 0)
    {
      /* Some engines answer 411 to a POST without any body. */
      g_autoptr(GBytes) empty = g_bytes_new_static ("", 0);

      soup_message_set_request_body_from_bytes (message, "text/plain", empty);
    }

  exchange_start (self, message, EXCHANGE_JSON, self->request_timeout,
                  dockyard_engine_request_async, cancellable, callback, user_data);
}

/**
 * dockyard_engine_request_finish:
 *
 * Returns: (transfer full): the parsed answer (a %JSON_NODE_NULL node when the
 *   engine sent no body), or %NULL with @error set
 */
JsonNode *
dockyard_engine_request_finish (DockyardEngine  *self,
                                GAsyncResult    *result,
                                GError         **error)
{
  g_return_val_if_fail (DOCKYARD_IS_ENGINE (self), NULL);
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

/* Streams --------------------------------------------------------------------- */

static void
stream_error_body_cb (GObject      *object,
                      GAsyncResult *result,
                      gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  SoupMessage *message = g_task_get_task_data (task);
  g_autoptr(GBytes) body = NULL;

  body = g_input_stream_read_bytes_finish (G_INPUT_STREAM (object), result, NULL);
  g_task_return_error (task, _dockyard_engine_error_from_reply (soup_message_get_status (message),
                                                                body));
}

static void
open_stream_cb (GObject      *object,
                GAsyncResult *result,
                gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  DockyardEngine *self = g_task_get_source_object (task);
  SoupMessage *message = g_task_get_task_data (task);
  g_autoptr(GInputStream) stream = NULL;
  g_autoptr(GError) error = NULL;

  stream = soup_session_send_finish (SOUP_SESSION (object), result, &error);
  if (stream == NULL)
    {
      g_task_return_error (task, _dockyard_engine_error_from_transport (error, self));
      return;
    }

  if (!SOUP_STATUS_IS_SUCCESSFUL (soup_message_get_status (message)))
    {
      GCancellable *cancellable = g_task_get_cancellable (task);

      g_input_stream_read_bytes_async (stream, MAX_ERROR_BODY, G_PRIORITY_DEFAULT, cancellable,
                                       stream_error_body_cb, g_steal_pointer (&task));
      return;
    }

  g_task_return_pointer (task, g_steal_pointer (&stream), g_object_unref);
}

/**
 * dockyard_engine_open_stream_async:
 * @message: a message made with dockyard_engine_new_message()
 *
 * Sends @message and hands back the body as a stream once the engine has
 * answered with a success status (an error status becomes a #GError).
 */
void
dockyard_engine_open_stream_async (DockyardEngine      *self,
                                   SoupMessage         *message,
                                   GCancellable        *cancellable,
                                   GAsyncReadyCallback  callback,
                                   gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;

  g_return_if_fail (DOCKYARD_IS_ENGINE (self));
  g_return_if_fail (SOUP_IS_MESSAGE (message));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, dockyard_engine_open_stream_async);
  g_task_set_task_data (task, g_object_ref (message), g_object_unref);

  soup_session_send_async (self->session, message, G_PRIORITY_DEFAULT, cancellable,
                           open_stream_cb, g_steal_pointer (&task));
}

/**
 * dockyard_engine_open_stream_finish:
 *
 * Returns: (transfer full): the response body
 */
GInputStream *
dockyard_engine_open_stream_finish (DockyardEngine  *self,
                                    GAsyncResult    *result,
                                    GError         **error)
{
  g_return_val_if_fail (DOCKYARD_IS_ENGINE (self), NULL);
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

/* Ping and version negotiation ---------------------------------------------- */

static gboolean
parse_api_version (const char *text,
                   guint      *major,
                   guint      *minor)
{
  g_auto(GStrv) parts = NULL;
  guint64 a, b;

  if (text == NULL)
    return FALSE;

  parts = g_strsplit (text, ".", 3);
  if (g_strv_length (parts) != 2 ||
      !g_ascii_string_to_unsigned (parts[0], 10, 0, 1000, &a, NULL) ||
      !g_ascii_string_to_unsigned (parts[1], 10, 0, 1000, &b, NULL))
    return FALSE;

  *major = a;
  *minor = b;
  return TRUE;
}

static int
compare_api_versions (const char *a,
                      const char *b)
{
  guint a1 = 0, a2 = 0, b1 = 0, b2 = 0;

  parse_api_version (a, &a1, &a2);
  parse_api_version (b, &b1, &b2);

  if (a1 != b1)
    return a1 < b1 ? -1 : 1;
  if (a2 != b2)
    return a2 < b2 ? -1 : 1;
  return 0;
}

/**
 * dockyard_engine_ping_async:
 *
 * `GET /_ping`, bounded by a timeout so that an engine that accepts the
 * connection but never answers does not hang the caller.
 */
void
dockyard_engine_ping_async (DockyardEngine      *self,
                            GCancellable        *cancellable,
                            GAsyncReadyCallback  callback,
                            gpointer             user_data)
{
  g_autoptr(SoupMessage) message = NULL;

  g_return_if_fail (DOCKYARD_IS_ENGINE (self));

  message = dockyard_engine_new_message (self, "GET", "/_ping");
  exchange_start (self, message, EXCHANGE_PING, PING_TIMEOUT_SECONDS,
                  dockyard_engine_ping_async, cancellable, callback, user_data);
}


static char *
ping_finish_version (DockyardEngine  *self,
                     GAsyncResult    *result,
                     GError         **error)
{
  return g_task_propagate_pointer (G_TASK (result), error);
}

gboolean
dockyard_engine_ping_finish (DockyardEngine  *self,
                             GAsyncResult    *result,
                             GError         **error)
{
  g_autofree char *version = NULL;
  g_autoptr(GError) local_error = NULL;

  g_return_val_if_fail (DOCKYARD_IS_ENGINE (self), FALSE);
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);

  version = ping_finish_version (self, result, &local_error);
  if (local_error != NULL)
    {
      g_propagate_error (error, g_steal_pointer (&local_error));
      return FALSE;
    }

  return TRUE;
}

/* Podman: host.security.rootless in its own info; Docker: "name=rootless"
 * among the SecurityOptions of /info. */
static gboolean
info_says_rootless (JsonNode *node,
                    gboolean  is_podman)
{
  JsonObject *object;
  JsonArray *options;

  if (node == NULL || !JSON_NODE_HOLDS_OBJECT (node))
    return FALSE;
  object = json_node_get_object (node);

  if (is_podman)
    {
      JsonObject *host, *security;

      if (!json_object_has_member (object, "host") ||
          !JSON_NODE_HOLDS_OBJECT (json_object_get_member (object, "host")))
        return FALSE;
      host = json_object_get_object_member (object, "host");
      if (!json_object_has_member (host, "security") ||
          !JSON_NODE_HOLDS_OBJECT (json_object_get_member (host, "security")))
        return FALSE;
      security = json_object_get_object_member (host, "security");
      return json_object_has_member (security, "rootless") &&
             JSON_NODE_HOLDS_VALUE (json_object_get_member (security, "rootless")) &&
             json_object_get_boolean_member (security, "rootless");
    }

  if (!json_object_has_member (object, "SecurityOptions") ||
      !JSON_NODE_HOLDS_ARRAY (json_object_get_member (object, "SecurityOptions")))
    return FALSE;
  options = json_object_get_array_member (object, "SecurityOptions");
  for (guint i = 0; i < json_array_get_length (options); i++)
    {
      JsonNode *item = json_array_get_element (options, i);

      if (JSON_NODE_HOLDS_VALUE (item) &&
          json_node_get_value_type (item) == G_TYPE_STRING &&
          g_str_equal (json_node_get_string (item), "name=rootless"))
        return TRUE;
    }

  return FALSE;
}

/* Docker 25 and later list their CDI spec folders when CDI is enabled.
 * Podman's compatible API (4.3, measured) takes a CDI name in Devices for a
 * path and ignores DeviceRequests: no CDI there. */
static gboolean
info_says_cdi (JsonNode *node,
               gboolean  is_podman)
{
  JsonNode *dirs;

  if (is_podman)
    return FALSE;
  if (node == NULL || !JSON_NODE_HOLDS_OBJECT (node))
    return FALSE;
  dirs = json_object_get_member (json_node_get_object (node), "CDISpecDirs");
  return dirs != NULL && JSON_NODE_HOLDS_ARRAY (dirs) &&
         json_array_get_length (json_node_get_array (dirs)) > 0;
}

static void
info_cb (GObject      *object,
         GAsyncResult *result,
         gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  DockyardEngine *self = DOCKYARD_ENGINE (object);
  g_autoptr(JsonNode) node = NULL;
  g_autoptr(GError) error = NULL;

  node = dockyard_engine_request_finish (self, result, &error);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  /* An engine that does not say is taken as rootful, as before. */
  if (error != NULL)
    g_debug ("The engine did not say whether it is rootless: %s", error->message);
  self->rootless = info_says_rootless (node, self->is_podman);
  self->has_cdi = info_says_cdi (node, self->is_podman);
  g_task_return_boolean (task, TRUE);
}

static void
bridge_cb (GObject      *object,
           GAsyncResult *result,
           gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  DockyardEngine *self = DOCKYARD_ENGINE (object);
  g_autoptr(JsonNode) node = NULL;
  g_autoptr(GError) error = NULL;
  GCancellable *cancellable;

  node = dockyard_engine_request_finish (self, result, &error);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  /* Podman always answers for "bridge" (its default network); one that is
   * not a bridge (a loopback-only network) gives containers no network. */
  if (node != NULL && JSON_NODE_HOLDS_OBJECT (node))
    {
      const char *driver = _dockyard_json_get_string (json_node_get_object (node), "Driver");

      self->has_bridge = driver == NULL || g_str_equal (driver, "bridge");
    }
  else
    self->has_bridge = node != NULL;

  /* Rootless or not decides which user the containers run as. */
  cancellable = g_task_get_cancellable (task);
  dockyard_engine_request_async (self, "GET", self->is_podman ? "/libpod/info" : "/info", NULL,
                                 cancellable, info_cb, g_steal_pointer (&task));
}

static void
version_cb (GObject      *object,
            GAsyncResult *result,
            gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  DockyardEngine *self = DOCKYARD_ENGINE (object);
  g_autoptr(JsonNode) node = NULL;
  g_autoptr(GError) error = NULL;
  const char *engine_api = g_task_get_task_data (task);
  JsonObject *root;
  JsonArray *components;
  gboolean is_podman = FALSE;
  const char *version;
  GCancellable *cancellable;

  node = dockyard_engine_request_finish (self, result, &error);
  if (node == NULL)
    {
      g_clear_pointer (&self->api_version, g_free);
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  if (!JSON_NODE_HOLDS_OBJECT (node))
    {
      g_clear_pointer (&self->api_version, g_free);
      g_task_return_new_error (task, DOCKYARD_ENGINE_ERROR, DOCKYARD_ENGINE_ERROR_MALFORMED_RESPONSE,
                               _("The engine's version information is malformed."));
      return;
    }

  root = json_node_get_object (node);
  if (engine_api == NULL)
    engine_api = _dockyard_json_get_string (root, "ApiVersion");

  components = json_object_has_member (root, "Components") &&
               JSON_NODE_HOLDS_ARRAY (json_object_get_member (root, "Components"))
               ? json_object_get_array_member (root, "Components") : NULL;
  for (guint i = 0; components != NULL && i < json_array_get_length (components); i++)
    {
      JsonNode *item = json_array_get_element (components, i);

      if (JSON_NODE_HOLDS_OBJECT (item) &&
          g_strcmp0 (_dockyard_json_get_string (json_node_get_object (item), "Name"),
                     "Podman Engine") == 0)
        is_podman = TRUE;
    }

  version = _dockyard_json_get_string (root, "Version");
  if (version == NULL || engine_api == NULL || !parse_api_version (engine_api, &(guint){0}, &(guint){0}))
    {
      g_clear_pointer (&self->api_version, g_free);
      g_task_return_new_error (task, DOCKYARD_ENGINE_ERROR, DOCKYARD_ENGINE_ERROR_MALFORMED_RESPONSE,
                               _("The engine did not say which version it is."));
      return;
    }

  if (compare_api_versions (engine_api, DOCKYARD_ENGINE_API_VERSION_MIN) < 0)
    {
      g_clear_pointer (&self->api_version, g_free);
      g_task_return_new_error (task, DOCKYARD_ENGINE_ERROR, DOCKYARD_ENGINE_ERROR_TOO_OLD,
                               _("The engine at %s speaks API %s; Dockyard needs %s or newer."),
                               dockyard_engine_get_address (self), engine_api,
                               DOCKYARD_ENGINE_API_VERSION_MIN);
      return;
    }

  g_free (self->api_version);
  self->api_version = g_strdup (compare_api_versions (engine_api, DOCKYARD_ENGINE_API_VERSION) < 0
                                ? engine_api : DOCKYARD_ENGINE_API_VERSION);
  g_free (self->name);
  self->name = g_strdup (is_podman ? "Podman Engine" : "Docker Engine");
  g_free (self->version);
  self->version = g_strdup (version);
  self->is_podman = is_podman;
  /* Podman's compatible API builds with buildah: no BuildKit trace. */
  self->has_buildkit = !is_podman;

  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_API_VERSION]);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_NAME]);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_VERSION]);

  /* Engines started with --bridge=none cannot give containers the default
   * network: builds and Jupyter then use the host's loopback instead. */
  cancellable = g_task_get_cancellable (task);
  dockyard_engine_request_async (self, "GET", "/networks/bridge", NULL, cancellable,
                                 bridge_cb, g_steal_pointer (&task));
}

static void
connect_ping_cb (GObject      *object,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  DockyardEngine *self = DOCKYARD_ENGINE (object);
  g_autoptr(GError) error = NULL;
  g_autofree char *engine_api = NULL;
  GCancellable *cancellable;

  engine_api = ping_finish_version (self, result, &error);
  if (error != NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  /* /version is asked unversioned: it must answer whatever the engine's level. */
  g_clear_pointer (&self->api_version, g_free);
  g_task_set_task_data (task, g_steal_pointer (&engine_api), g_free);
  cancellable = g_task_get_cancellable (task);
  dockyard_engine_request_async (self, "GET", "/version", NULL, cancellable,
                                 version_cb, g_steal_pointer (&task));
}

/**
 * dockyard_engine_connect_async:
 *
 * Pings the engine, reads its version and negotiates the API version
 * (the lower of Dockyard's and the engine's).
 */
void
dockyard_engine_connect_async (DockyardEngine      *self,
                               GCancellable        *cancellable,
                               GAsyncReadyCallback  callback,
                               gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;

  g_return_if_fail (DOCKYARD_IS_ENGINE (self));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, dockyard_engine_connect_async);

  dockyard_engine_ping_async (self, cancellable, connect_ping_cb, g_steal_pointer (&task));
}

gboolean
dockyard_engine_connect_finish (DockyardEngine  *self,
                                GAsyncResult    *result,
                                GError         **error)
{
  g_return_val_if_fail (DOCKYARD_IS_ENGINE (self), FALSE);
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}
