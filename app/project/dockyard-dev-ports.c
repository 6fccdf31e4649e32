/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <glib/gi18n.h>

#include "dockyard-dev-ports-private.h"
#include "dockyard-engine-error.h"
#include "dockyard-exec-collect.h"

/* Both files hold a few hundred lines at most; a runaway is cut. */
#define MAX_PROC_OUTPUT (1024 * 1024)

static const char * const proc_net_argv[] = { "cat", "/proc/net/tcp", "/proc/net/tcp6", NULL };

/**
 * DockyardDevPort:
 *
 * A TCP port of the dev container: one that a process in it listens on,
 * or one the project publishes (devcontainer.json's `forwardPorts`, the
 * ports listed in the Overview), with the address to open it at from this
 * computer, if any.
 */
struct _DockyardDevPort
{
  GObject              parent_instance;

  guint16              port;
  char                *label;
  gboolean             listening;
  DockyardListenScope  scope;
  char                *bound_address;
  gboolean             ipv4_loopback;
  gboolean             configured;
  guint16              host_port;
  char                *address;
  char                *advice;
  gboolean             needs_restart;
};

G_DEFINE_FINAL_TYPE (DockyardDevPort, dockyard_dev_port, G_TYPE_OBJECT)

static void
dockyard_dev_port_finalize (GObject *object)
{
  DockyardDevPort *self = (DockyardDevPort *)object;

  g_clear_pointer (&self->label, g_free);
  g_clear_pointer (&self->bound_address, g_free);
  g_clear_pointer (&self->address, g_free);
  g_clear_pointer (&self->advice, g_free);

  G_OBJECT_CLASS (dockyard_dev_port_parent_class)->finalize (object);
}

static void
dockyard_dev_port_class_init (DockyardDevPortClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = dockyard_dev_port_finalize;
}

static void
dockyard_dev_port_init (DockyardDevPort *self)
{
}

guint16
dockyard_dev_port_get_port (DockyardDevPort *self)
{
  g_return_val_if_fail (DOCKYARD_IS_DEV_PORT (self), 0);
  return self->port;
}

/**
 * dockyard_dev_port_get_label:
 *
 * Returns: (nullable): the port's `portsAttributes` label
 */
const char *
dockyard_dev_port_get_label (DockyardDevPort *self)
{
  g_return_val_if_fail (DOCKYARD_IS_DEV_PORT (self), NULL);
  return self->label;
}

gboolean
dockyard_dev_port_get_listening (DockyardDevPort *self)
{
  g_return_val_if_fail (DOCKYARD_IS_DEV_PORT (self), FALSE);
  return self->listening;
}

DockyardListenScope
dockyard_dev_port_get_scope (DockyardDevPort *self)
{
  g_return_val_if_fail (DOCKYARD_IS_DEV_PORT (self), DOCKYARD_LISTEN_SCOPE_LOOPBACK);
  return self->scope;
}

/**
 * dockyard_dev_port_get_bound_address:
 *
 * Returns: (nullable): the address it listens on in the container, or
 *   %NULL when nothing listens
 */
const char *
dockyard_dev_port_get_bound_address (DockyardDevPort *self)
{
  g_return_val_if_fail (DOCKYARD_IS_DEV_PORT (self), NULL);
  return self->bound_address;
}

/**
 * dockyard_dev_port_get_configured:
 *
 * Returns: whether the project publishes it (forwardPorts or its own list)
 */
gboolean
dockyard_dev_port_get_configured (DockyardDevPort *self)
{
  g_return_val_if_fail (DOCKYARD_IS_DEV_PORT (self), FALSE);
  return self->configured;
}

/**
 * dockyard_dev_port_get_host_port:
 *
 * Returns: the port of 127.0.0.1 the engine published it on, or 0
 */
guint16
dockyard_dev_port_get_host_port (DockyardDevPort *self)
{
  g_return_val_if_fail (DOCKYARD_IS_DEV_PORT (self), 0);
  return self->host_port;
}

/**
 * dockyard_dev_port_get_address:
 *
 * Returns: (nullable): the URL to open from this computer, or %NULL when
 *   the port cannot be reached from here (see dockyard_dev_port_get_advice())
 */
const char *
dockyard_dev_port_get_address (DockyardDevPort *self)
{
  g_return_val_if_fail (DOCKYARD_IS_DEV_PORT (self), NULL);
  return self->address;
}

/**
 * dockyard_dev_port_get_advice:
 *
 * Returns: who can reach the port, or why it cannot be reached and what
 *   to do about it, in a sentence or two
 */
const char *
dockyard_dev_port_get_advice (DockyardDevPort *self)
{
  g_return_val_if_fail (DOCKYARD_IS_DEV_PORT (self), NULL);
  return self->advice;
}

/**
 * dockyard_dev_port_get_needs_restart:
 *
 * Returns: whether the port is published only once it is in the project's
 *   ports and the dev container starts again
 */
gboolean
dockyard_dev_port_get_needs_restart (DockyardDevPort *self)
{
  g_return_val_if_fail (DOCKYARD_IS_DEV_PORT (self), FALSE);
  return self->needs_restart;
}

/**
 * DockyardDevPorts:
 *
 * The Ports panel's model: while the dev session runs, reads the dev
 * container's /proc/net/tcp and /proc/net/tcp6 through exec every few
 * seconds (as VS Code does) and lists the ports processes listen on,
 * together with the ports the project publishes.
 */
struct _DockyardDevPorts
{
  GObject             parent_instance;

  DockyardDevSession *session;
  DockyardEngine     *engine;
  GListStore         *store;
  GCancellable       *cancellable;
  char               *container_id;
  GHashTable         *host_ports;   /* container port -> published host port */
  GArray             *listening;    /* DockyardListenPort, the last reading */
  /* With the host's network, the ports that already listened at the first
   * reading: the host's own servers, not the dev container's. */
  GHashTable         *host_own;
  gboolean            first_read;
  char               *signature;    /* what the store shows, to skip no-change updates */
  guint               timeout_id;
  DockyardDevNetwork  network;
  gboolean            polling;
};

G_DEFINE_FINAL_TYPE (DockyardDevPorts, dockyard_dev_ports, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_NETWORK,
  PROP_POLLING,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void poll_now (DockyardDevPorts *self);

/**
 * _dockyard_dev_port_set_reachability:
 * @network: how the dev container is connected
 * @engine_remote: whether the engine runs on another computer
 * @engine_has_bridge: whether the engine has a bridge network
 *
 * The one place that says where a port is reached from this computer: it
 * sets the port's address, advice and whether it needs a restart.  (A
 * relay for remote engines replaces what this computes.)
 */
void
_dockyard_dev_port_set_reachability (DockyardDevPort    *port,
                                     DockyardDevNetwork  network,
                                     gboolean            engine_remote,
                                     gboolean            engine_has_bridge)
{
  g_autofree char *host = NULL;

  g_clear_pointer (&port->address, g_free);
  g_clear_pointer (&port->advice, g_free);
  port->needs_restart = FALSE;

  if (engine_remote)
    {
      port->advice = g_strdup (_("The engine runs on another computer: its ports are not this "
                                 "computer’s."));
      return;
    }

  switch (network)
    {
    case DOCKYARD_DEV_NETWORK_UNKNOWN:
      port->advice = g_strdup (engine_has_bridge
                               ? _("Published on 127.0.0.1 when the dev container starts.")
                               : _("Reachable on this computer when the dev container runs."));
      return;

    case DOCKYARD_DEV_NETWORK_NONE:
      port->advice = g_strdup (_("The dev container has no network: this port cannot be reached "
                                 "from outside it."));
      return;

    case DOCKYARD_DEV_NETWORK_HOST:
      if (!port->listening)
        {
          port->advice = g_strdup (_("Nothing listens on it yet."));
          return;
        }
      if (port->scope == DOCKYARD_LISTEN_SCOPE_ADDRESS)
        host = g_strdup (port->bound_address);
      else if (port->scope == DOCKYARD_LISTEN_SCOPE_LOOPBACK && !port->ipv4_loopback)
        host = g_strdup ("::1");
      else
        host = g_strdup ("127.0.0.1");
      port->address = g_strdup_printf (strchr (host, ':') ? "http://[%s]:%u/" : "http://%s:%u/",
                                       host, port->port);
      if (port->scope == DOCKYARD_LISTEN_SCOPE_ALL)
        port->advice = g_strdup (_("Listens on every interface: other computers on the network "
                                   "can reach it too. Start the server on 127.0.0.1 to keep it "
                                   "to this computer."));
      else if (port->scope == DOCKYARD_LISTEN_SCOPE_LOOPBACK)
        port->advice = g_strdup (_("Listens on loopback: only this computer reaches it."));
      else
        port->advice = g_strdup_printf (_("Listens on %s only."), port->bound_address);
      return;

    case DOCKYARD_DEV_NETWORK_BRIDGE:
    default:
      if (port->host_port == 0)
        {
          port->needs_restart = TRUE;
          port->advice = g_strdup (port->configured
                                   ? _("Published once the dev container restarts.")
                                   : _("Not published: add it to the project’s ports and restart "
                                       "the dev container."));
          return;
        }
      if (!port->listening)
        port->advice = g_strdup_printf (_("Published on 127.0.0.1:%u; nothing listens on it yet."),
                                        port->host_port);
      else if (port->scope == DOCKYARD_LISTEN_SCOPE_LOOPBACK)
        port->advice = g_strdup (_("Listens only on the dev container’s own loopback, which the "
                                   "published port does not reach: start the server on "
                                   "0.0.0.0."));
      else
        {
          port->address = g_strdup_printf ("http://127.0.0.1:%u/", port->host_port);
          port->advice = g_strdup_printf (_("Published on 127.0.0.1:%u: only this computer "
                                            "reaches it."), port->host_port);
        }
      return;
    }
}

static gboolean
parse_port (const char *text,
            guint16    *port)
{
  guint64 number;

  if (g_str_has_prefix (text, "localhost:"))
    text += strlen ("localhost:");
  if (!g_ascii_string_to_unsigned (text, 10, 1, G_MAXUINT16, &number, NULL))
    return FALSE;
  *port = (guint16) number;
  return TRUE;
}

static int
compare_guint16 (gconstpointer a,
                 gconstpointer b)
{
  return (int) *(const guint16 *) a - (int) *(const guint16 *) b;
}

/**
 * dockyard_dev_ports_configured:
 * @devcontainer: (nullable): the dev container's devcontainer.json
 *
 * The ports a dev container of @project publishes: devcontainer.json's
 * `forwardPorts` of this container (a port of another service,
 * "db:5432", is not one of them) and the ports the user listed.
 *
 * Returns: (transfer full) (element-type guint16): each port once, ordered
 */
GArray *
dockyard_dev_ports_configured (const DockyardDevcontainer *devcontainer,
                               DockyardProject            *project)
{
  GArray *ports = g_array_new (FALSE, FALSE, sizeof (guint16));
  const guint16 *listed;
  gsize n_listed = 0;
  guint kept = 0;

  g_return_val_if_fail (DOCKYARD_IS_PROJECT (project), ports);

  for (guint i = 0; devcontainer != NULL && devcontainer->forward_ports != NULL &&
                    devcontainer->forward_ports[i] != NULL; i++)
    {
      guint16 port;

      if (parse_port (devcontainer->forward_ports[i], &port))
        g_array_append_val (ports, port);
    }
  listed = dockyard_project_get_published_ports (project, &n_listed);
  if (n_listed > 0)
    g_array_append_vals (ports, listed, n_listed);

  g_array_sort (ports, compare_guint16);
  for (guint i = 0; i < ports->len; i++)
    if (kept == 0 || g_array_index (ports, guint16, kept - 1) != g_array_index (ports, guint16, i))
      g_array_index (ports, guint16, kept++) = g_array_index (ports, guint16, i);
  g_array_set_size (ports, kept);
  return ports;
}

/**
 * dockyard_dev_ports_dup_label:
 *
 * Returns: (nullable) (transfer full): the `label` that devcontainer.json's
 *   `portsAttributes` give @port
 */
char *
dockyard_dev_ports_dup_label (const DockyardDevcontainer *devcontainer,
                              guint16                     port)
{
  g_autofree char *key = g_strdup_printf ("%u", port);
  JsonObject *attributes;
  JsonNode *node;

  if (devcontainer == NULL || devcontainer->ports_attributes == NULL ||
      !JSON_NODE_HOLDS_OBJECT (devcontainer->ports_attributes))
    return NULL;
  attributes = json_node_get_object (devcontainer->ports_attributes);
  node = json_object_get_member (attributes, key);
  if (node == NULL || !JSON_NODE_HOLDS_OBJECT (node))
    return NULL;
  node = json_object_get_member (json_node_get_object (node), "label");
  if (node == NULL || json_node_get_value_type (node) != G_TYPE_STRING)
    return NULL;
  return g_strdup (json_node_get_string (node));
}

static void
set_network (DockyardDevPorts   *self,
             DockyardDevNetwork  network)
{
  if (self->network == network)
    return;
  self->network = network;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_NETWORK]);
}

static void
set_polling (DockyardDevPorts *self,
             gboolean          polling)
{
  if (self->polling == polling)
    return;
  self->polling = polling;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_POLLING]);
}

/**
 * _dockyard_dev_port_new:
 * @listening: (nullable): how it listens, or %NULL when nothing does
 * @host_port: the port of 127.0.0.1 it is published on, or 0
 * @label: (nullable): its portsAttributes label
 *
 * Returns: (transfer full): a port, its reachability not set yet
 */
DockyardDevPort *
_dockyard_dev_port_new (guint16                   number,
                        const DockyardListenPort *listening,
                        gboolean                  configured,
                        guint16                   host_port,
                        const char               *label)
{
  DockyardDevPort *port = g_object_new (DOCKYARD_TYPE_DEV_PORT, NULL);

  port->port = number;
  port->label = g_strdup (label);
  port->configured = configured;
  port->host_port = host_port;
  if (listening != NULL)
    {
      port->listening = TRUE;
      port->scope = listening->scope;
      port->bound_address = g_strdup (listening->address);
      port->ipv4_loopback = listening->ipv4_loopback;
    }
  return port;
}

static DockyardDevPort *
make_port (DockyardDevPorts           *self,
           const DockyardDevcontainer *devcontainer,
           guint16                     number,
           const DockyardListenPort   *listening,
           gboolean                    configured)
{
  g_autofree char *label = dockyard_dev_ports_dup_label (devcontainer, number);
  guint16 host_port = GPOINTER_TO_UINT (g_hash_table_lookup (self->host_ports,
                                                             GUINT_TO_POINTER (number)));
  DockyardDevPort *port = _dockyard_dev_port_new (number, listening, configured, host_port, label);

  _dockyard_dev_port_set_reachability (port, self->network,
                                       dockyard_engine_get_is_remote (self->engine),
                                       dockyard_engine_get_has_bridge (self->engine));
  return port;
}

/* Lists the configured ports and the listening ones, each once, by port. */
static void
update (DockyardDevPorts *self)
{
  const DockyardDevcontainer *devcontainer = dockyard_dev_session_get_devcontainer (self->session);
  g_autoptr(GArray) configured = NULL;
  g_autoptr(GPtrArray) items = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr(GString) signature = g_string_new (NULL);
  guint c = 0, l = 0;

  configured = dockyard_dev_ports_configured (devcontainer,
                                              dockyard_dev_session_get_project (self->session));

  while (c < configured->len || (self->listening != NULL && l < self->listening->len))
    {
      guint16 want = c < configured->len ? g_array_index (configured, guint16, c) : G_MAXUINT16;
      const DockyardListenPort *listen = self->listening != NULL && l < self->listening->len
                                         ? &g_array_index (self->listening, DockyardListenPort, l)
                                         : NULL;
      DockyardDevPort *port;

      if (listen != NULL && listen->port < want)
        {
          port = make_port (self, devcontainer, listen->port, listen, FALSE);
          l++;
        }
      else if (listen != NULL && listen->port == want)
        {
          port = make_port (self, devcontainer, want, listen, TRUE);
          l++, c++;
        }
      else
        {
          port = make_port (self, devcontainer, want, NULL, TRUE);
          c++;
        }

      g_string_append_printf (signature, "%u|%s|%s|%s|%d\n", port->port,
                              port->label ? port->label : "", port->address ? port->address : "",
                              port->advice, port->needs_restart);
      g_ptr_array_add (items, port);
    }

  if (g_strcmp0 (signature->str, self->signature) == 0)
    return;
  g_free (self->signature);
  self->signature = g_string_free (g_steal_pointer (&signature), FALSE);
  g_list_store_splice (self->store, 0, g_list_model_get_n_items (G_LIST_MODEL (self->store)),
                       items->pdata, items->len);
}

/* The dev container sees every socket of the host's network: what listened
 * before its first reading is the host's (another program's, or another
 * container's) and is not listed; a port that stops listening is forgotten,
 * so that a server of the dev container may take it later. */
static void
leave_out_host_own (DockyardDevPorts *self)
{
  g_autoptr(GHashTable) now = g_hash_table_new (NULL, NULL);
  g_autoptr(GArray) configured = NULL;
  GHashTableIter iter;
  gpointer key;

  for (guint i = 0; i < self->listening->len; i++)
    g_hash_table_add (now, GUINT_TO_POINTER (g_array_index (self->listening,
                                                            DockyardListenPort, i).port));
  if (!self->first_read)
    for (guint i = 0; i < self->listening->len; i++)
      g_hash_table_add (self->host_own,
                        GUINT_TO_POINTER (g_array_index (self->listening, DockyardListenPort, i).port));
  g_hash_table_iter_init (&iter, self->host_own);
  while (g_hash_table_iter_next (&iter, &key, NULL))
    if (!g_hash_table_contains (now, key))
      g_hash_table_iter_remove (&iter);

  /* The project's own ports stay: its servers may start with the
   * container (postStartCommand), before the first reading. */
  configured = dockyard_dev_ports_configured (dockyard_dev_session_get_devcontainer (self->session),
                                              dockyard_dev_session_get_project (self->session));
  for (guint i = 0; i < configured->len; i++)
    g_hash_table_remove (self->host_own, GUINT_TO_POINTER (g_array_index (configured, guint16, i)));

  for (guint i = self->listening->len; i > 0; i--)
    if (g_hash_table_contains (self->host_own,
                               GUINT_TO_POINTER (g_array_index (self->listening,
                                                                DockyardListenPort, i - 1).port)))
      g_array_remove_index (self->listening, i - 1);
}

static gboolean
poll_again_cb (gpointer user_data)
{
  DockyardDevPorts *self = user_data;

  self->timeout_id = 0;
  poll_now (self);
  return G_SOURCE_REMOVE;
}

static void
read_cb (GObject      *object,
         GAsyncResult *result,
         gpointer      user_data)
{
  g_autoptr(DockyardDevPorts) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autofree char *output = NULL;

  output = dockyard_engine_exec_collect_finish (DOCKYARD_ENGINE (object), result, NULL, &error);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED) || !self->polling)
    return;

  /* A failed reading (the container just stopping) keeps the last one;
   * a missing tcp6 (no IPv6) still leaves tcp's lines in the output. */
  if (output != NULL)
    {
      g_clear_pointer (&self->listening, g_array_unref);
      self->listening = dockyard_listen_ports_parse (output, -1);
      if (self->network == DOCKYARD_DEV_NETWORK_HOST)
        leave_out_host_own (self);
      self->first_read = TRUE;
      update (self);
    }
  else if (g_error_matches (error, DOCKYARD_ENGINE_ERROR, DOCKYARD_ENGINE_ERROR_NOT_FOUND) ||
           g_error_matches (error, DOCKYARD_ENGINE_ERROR, DOCKYARD_ENGINE_ERROR_CONFLICT))
    {
      /* The container is gone or stopped, maybe before the session knew. */
      g_debug ("The dev container's ports cannot be read any more: %s", error->message);
      dockyard_dev_ports_stop (self);
      return;
    }
  else
    g_debug ("Cannot read the dev container's ports: %s", error->message);

  self->timeout_id = g_timeout_add (DOCKYARD_DEV_PORTS_INTERVAL_MS, poll_again_cb, self);
}

static void
poll_now (DockyardDevPorts *self)
{
  if (!self->polling)
    return;
  /* As the container's own user: /proc/net is readable to everyone. */
  dockyard_engine_exec_collect_async (self->engine, self->container_id, proc_net_argv, NULL, "/",
                                      NULL, MAX_PROC_OUTPUT, self->cancellable, read_cb,
                                      g_object_ref (self));
}

/**
 * _dockyard_dev_ports_read_inspect:
 * @inspect: (nullable): the engine's `GET /containers/{id}/json` answer
 * @host_ports: where to put container port -> host port, for each TCP port
 *   published on 127.0.0.1
 *
 * Reads how the engine connected the dev container: its network mode and
 * the ports it published.
 *
 * Returns: the network, %DOCKYARD_DEV_NETWORK_UNKNOWN for no answer
 */
DockyardDevNetwork
_dockyard_dev_ports_read_inspect (JsonNode   *inspect,
                                  GHashTable *host_ports)
{
  g_autoptr(GList) names = NULL;
  JsonObject *root, *object;
  JsonNode *node;
  const char *mode = NULL;

  DockyardDevNetwork network;

  g_hash_table_remove_all (host_ports);
  if (inspect == NULL || !JSON_NODE_HOLDS_OBJECT (inspect))
    return DOCKYARD_DEV_NETWORK_UNKNOWN;
  root = json_node_get_object (inspect);

  node = json_object_get_member (root, "HostConfig");
  if (node != NULL && JSON_NODE_HOLDS_OBJECT (node))
    {
      node = json_object_get_member (json_node_get_object (node), "NetworkMode");
      if (node != NULL && json_node_get_value_type (node) == G_TYPE_STRING)
        mode = json_node_get_string (node);
    }
  if (g_strcmp0 (mode, "host") == 0)
    network = DOCKYARD_DEV_NETWORK_HOST;
  else if (g_strcmp0 (mode, "none") == 0)
    network = DOCKYARD_DEV_NETWORK_NONE;
  else
    network = DOCKYARD_DEV_NETWORK_BRIDGE;

  node = json_object_get_member (root, "NetworkSettings");
  if (node == NULL || !JSON_NODE_HOLDS_OBJECT (node))
    return network;
  node = json_object_get_member (json_node_get_object (node), "Ports");
  if (node == NULL || !JSON_NODE_HOLDS_OBJECT (node))
    return network;
  object = json_node_get_object (node);

  names = json_object_get_members (object);
  for (GList *l = names; l != NULL; l = l->next)
    {
      JsonNode *bindings = json_object_get_member (object, l->data);
      guint64 container_port;
      g_autofree char *number = g_strdup (l->data);
      char *slash = strchr (number, '/');

      if (slash == NULL || !g_str_equal (slash, "/tcp"))
        continue;
      *slash = '\0';
      if (!g_ascii_string_to_unsigned (number, 10, 1, G_MAXUINT16, &container_port, NULL) ||
          bindings == NULL || !JSON_NODE_HOLDS_ARRAY (bindings))
        continue;

      /* Only a binding on 127.0.0.1 is one Dockyard made and shows. */
      for (guint i = 0; i < json_array_get_length (json_node_get_array (bindings)); i++)
        {
          JsonNode *element = json_array_get_element (json_node_get_array (bindings), i);
          JsonObject *binding;
          const char *ip, *port;
          guint64 host_port;

          if (!JSON_NODE_HOLDS_OBJECT (element))
            continue;
          binding = json_node_get_object (element);
          ip = json_object_get_string_member_with_default (binding, "HostIp", NULL);
          port = json_object_get_string_member_with_default (binding, "HostPort", NULL);
          if (g_strcmp0 (ip, "127.0.0.1") == 0 && port != NULL &&
              g_ascii_string_to_unsigned (port, 10, 1, G_MAXUINT16, &host_port, NULL))
            {
              g_hash_table_insert (host_ports, GUINT_TO_POINTER ((guint) container_port),
                                   GUINT_TO_POINTER ((guint) host_port));
              break;
            }
        }
    }

  return network;
}

static void
inspected_cb (GObject      *object,
              GAsyncResult *result,
              gpointer      user_data)
{
  g_autoptr(DockyardDevPorts) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) node = NULL;
  DockyardDevNetwork network;

  node = dockyard_engine_request_finish (DOCKYARD_ENGINE (object), result, &error);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED) || !self->polling)
    return;
  if (node == NULL)
    g_debug ("Cannot inspect the dev container: %s", error->message);
  network = _dockyard_dev_ports_read_inspect (node, self->host_ports);
  /* No answer (the container just went, and the next reading stops): what
   * the dev session asks for on this engine. */
  if (network == DOCKYARD_DEV_NETWORK_UNKNOWN)
    network = dockyard_engine_get_has_bridge (self->engine) ? DOCKYARD_DEV_NETWORK_BRIDGE
                                                            : DOCKYARD_DEV_NETWORK_HOST;
  set_network (self, network);
  update (self);
  poll_now (self);
}

static void
begin (DockyardDevPorts *self)
{
  const char *id = dockyard_dev_session_get_container_id (self->session);

  if (self->polling || id == NULL)
    return;

  g_free (self->container_id);
  self->container_id = g_strdup (id);
  g_clear_object (&self->cancellable);
  self->cancellable = g_cancellable_new ();
  set_polling (self, TRUE);
  self->first_read = FALSE;
  g_hash_table_remove_all (self->host_own);
  dockyard_engine_inspect_container_async (self->engine, self->container_id, self->cancellable,
                                           inspected_cb, g_object_ref (self));
}

/**
 * dockyard_dev_ports_stop:
 *
 * Stops reading the container's ports: no exec runs and no timer is left
 * afterwards.  The configured ports stay listed.  Called by itself when
 * the session stops running.
 */
void
dockyard_dev_ports_stop (DockyardDevPorts *self)
{
  g_return_if_fail (DOCKYARD_IS_DEV_PORTS (self));

  g_cancellable_cancel (self->cancellable);
  g_clear_handle_id (&self->timeout_id, g_source_remove);
  set_polling (self, FALSE);
  g_clear_pointer (&self->listening, g_array_unref);
  g_hash_table_remove_all (self->host_ports);
  set_network (self, DOCKYARD_DEV_NETWORK_UNKNOWN);
  if (self->session != NULL)
    update (self);
}

static void
session_state_cb (DockyardDevPorts *self)
{
  if (dockyard_dev_session_get_state (self->session) == DOCKYARD_DEV_SESSION_RUNNING)
    begin (self);
  else
    dockyard_dev_ports_stop (self);
}

static void
dockyard_dev_ports_dispose (GObject *object)
{
  DockyardDevPorts *self = (DockyardDevPorts *)object;

  g_cancellable_cancel (self->cancellable);
  g_clear_handle_id (&self->timeout_id, g_source_remove);
  g_clear_object (&self->session);

  G_OBJECT_CLASS (dockyard_dev_ports_parent_class)->dispose (object);
}

static void
dockyard_dev_ports_finalize (GObject *object)
{
  DockyardDevPorts *self = (DockyardDevPorts *)object;

  g_clear_object (&self->engine);
  g_clear_object (&self->store);
  g_clear_object (&self->cancellable);
  g_clear_pointer (&self->container_id, g_free);
  g_clear_pointer (&self->host_ports, g_hash_table_unref);
  g_clear_pointer (&self->host_own, g_hash_table_unref);
  g_clear_pointer (&self->listening, g_array_unref);
  g_clear_pointer (&self->signature, g_free);

  G_OBJECT_CLASS (dockyard_dev_ports_parent_class)->finalize (object);
}

static void
dockyard_dev_ports_get_property (GObject    *object,
                                 guint       prop_id,
                                 GValue     *value,
                                 GParamSpec *pspec)
{
  DockyardDevPorts *self = DOCKYARD_DEV_PORTS (object);

  switch (prop_id)
    {
    case PROP_NETWORK:
      g_value_set_int (value, self->network);
      break;
    case PROP_POLLING:
      g_value_set_boolean (value, self->polling);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
dockyard_dev_ports_class_init (DockyardDevPortsClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = dockyard_dev_ports_dispose;
  object_class->finalize = dockyard_dev_ports_finalize;
  object_class->get_property = dockyard_dev_ports_get_property;

  properties[PROP_NETWORK] =
    g_param_spec_int ("network", NULL, NULL,
                      DOCKYARD_DEV_NETWORK_UNKNOWN, DOCKYARD_DEV_NETWORK_NONE,
                      DOCKYARD_DEV_NETWORK_UNKNOWN,
                      G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_POLLING] =
    g_param_spec_boolean ("polling", NULL, NULL, FALSE,
                          G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
dockyard_dev_ports_init (DockyardDevPorts *self)
{
  self->store = g_list_store_new (DOCKYARD_TYPE_DEV_PORT);
  self->host_ports = g_hash_table_new (NULL, NULL);
  self->host_own = g_hash_table_new (NULL, NULL);
}

/**
 * dockyard_dev_ports_new:
 *
 * Lists @session's ports; reads them while the session runs.
 *
 * Returns: (transfer full): the model
 */
DockyardDevPorts *
dockyard_dev_ports_new (DockyardDevSession *session)
{
  DockyardDevPorts *self;

  g_return_val_if_fail (DOCKYARD_IS_DEV_SESSION (session), NULL);

  self = g_object_new (DOCKYARD_TYPE_DEV_PORTS, NULL);
  self->session = g_object_ref (session);
  self->engine = g_object_ref (dockyard_dev_session_get_engine (session));
  g_signal_connect_object (session, "notify::state", G_CALLBACK (session_state_cb), self,
                           G_CONNECT_SWAPPED);
  update (self);
  session_state_cb (self);
  return self;
}

/**
 * dockyard_dev_ports_get_model:
 *
 * Returns: (transfer none): a #GListModel of #DockyardDevPort, by port
 */
GListModel *
dockyard_dev_ports_get_model (DockyardDevPorts *self)
{
  g_return_val_if_fail (DOCKYARD_IS_DEV_PORTS (self), NULL);
  return G_LIST_MODEL (self->store);
}

DockyardDevNetwork
dockyard_dev_ports_get_network (DockyardDevPorts *self)
{
  g_return_val_if_fail (DOCKYARD_IS_DEV_PORTS (self), DOCKYARD_DEV_NETWORK_UNKNOWN);
  return self->network;
}

/**
 * dockyard_dev_ports_get_polling:
 *
 * Returns: whether the dev container's ports are being read (a timer or an
 *   exec is pending)
 */
gboolean
dockyard_dev_ports_get_polling (DockyardDevPorts *self)
{
  g_return_val_if_fail (DOCKYARD_IS_DEV_PORTS (self), FALSE);
  return self->polling;
}

/**
 * dockyard_dev_ports_dup_network_note:
 *
 * Returns: (transfer full): how the dev container's ports reach this
 *   computer, in a sentence or three, for the top of the Ports panel
 */
char *
dockyard_dev_ports_dup_network_note (DockyardDevPorts *self)
{
  g_return_val_if_fail (DOCKYARD_IS_DEV_PORTS (self), NULL);

  switch (self->network)
    {
    case DOCKYARD_DEV_NETWORK_HOST:
      /* The dev session shares the host's network where the engine has
       * no bridge: then ports of its own on 127.0.0.1 cannot be had. */
      if (!dockyard_engine_get_has_bridge (self->engine))
        return g_strdup (_("The dev container shares this computer’s network, so its ports are "
                           "this computer’s own. A server listening on 0.0.0.0 can be reached "
                           "from the network too. The engine has no bridge network that could "
                           "give the dev container ports on 127.0.0.1 only."));
      return g_strdup (_("The dev container shares this computer’s network, so its ports are "
                         "this computer’s own. A server listening on 0.0.0.0 can be reached "
                         "from the network too."));
    case DOCKYARD_DEV_NETWORK_BRIDGE:
      return g_strdup (_("The project’s ports are published on 127.0.0.1 only, on ports the "
                         "engine picks: only this computer reaches them."));
    case DOCKYARD_DEV_NETWORK_NONE:
      return g_strdup (_("The dev container has no network: servers in it cannot be reached "
                         "from this computer."));
    case DOCKYARD_DEV_NETWORK_UNKNOWN:
    default:
      return g_strdup (_("Open the dev terminal to see the ports its programs listen on."));
    }
}

/**
 * dockyard_dev_ports_get_has_read:
 *
 * Returns: whether the running dev container's ports have been read once
 *   (what listens from then on is listed as the dev container's)
 */
gboolean
dockyard_dev_ports_get_has_read (DockyardDevPorts *self)
{
  g_return_val_if_fail (DOCKYARD_IS_DEV_PORTS (self), FALSE);
  return self->polling && self->first_read;
}
