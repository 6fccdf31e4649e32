/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The dev container's ports (issue 19): a server started in it is found
 * without configuration and answers at the address Dockyard shows. */
#include "config.h"

#include <unistd.h>

#include <libsoup/soup.h>

#include "dockyard-container-spec.h"
#include "dockyard-dev-ports-private.h"
#include "dockyard-dev-session.h"
#include "dockyard-exec-collect.h"
#include "dockyard-test-utils.h"

typedef struct
{
  DockyardEngine     *engine;
  char               *parent;
  char               *folder;
  DockyardProject    *project;
  DockyardDevSession *session;
  DockyardTtyStream  *stream;
} Fixture;

static const char *
desktop_user (void)
{
  static char user[32];

  if (getuid () == 0)
    return "1000:1000";
  g_snprintf (user, sizeof user, "%u:%u", (guint) getuid (), (guint) getgid ());
  return user;
}

static void
fixture_setup (Fixture       *fixture,
               gconstpointer  data)
{
  fixture->engine = dockyard_test_connect_engine ();
  if (fixture->engine == NULL)
    return;

  fixture->parent = dockyard_test_make_shared_dir ("dockyard-ports");
  fixture->folder = g_build_filename (fixture->parent, "project", NULL);
  g_assert_cmpint (g_mkdir (fixture->folder, 0777), ==, 0);
  g_chmod (fixture->folder, 0777);
  fixture->project = dockyard_test_open_project (fixture->folder);
  fixture->session = dockyard_dev_session_new (fixture->project, fixture->engine);
  dockyard_dev_session_set_image (fixture->session, g_getenv ("DOCKYARD_TEST_BUSYBOX_IMAGE"));
  dockyard_dev_session_set_user (fixture->session, desktop_user ());
}

static void
fixture_teardown (Fixture       *fixture,
                  gconstpointer  data)
{
  if (fixture->session != NULL &&
      dockyard_dev_session_get_state (fixture->session) == DOCKYARD_DEV_SESSION_RUNNING)
    {
      g_autoptr(GAsyncResult) result = NULL;

      dockyard_dev_session_stop_async (fixture->session, dockyard_test_store_result_cb, &result);
      dockyard_test_wait_for_async (&result);
      g_assert_true (dockyard_dev_session_stop_finish (fixture->session, result, NULL));
    }
  if (fixture->parent != NULL)
    dockyard_test_remove_tree (fixture->parent);
  g_clear_object (&fixture->stream);
  g_clear_object (&fixture->session);
  g_clear_object (&fixture->project);
  g_clear_object (&fixture->engine);
  g_free (fixture->folder);
  g_free (fixture->parent);
}

/* A port of 127.0.0.1 that is free now (the container shares this
 * network on the suite's engines, which have no bridge). */
static guint16
free_port (void)
{
  g_autoptr(GSocket) socket = g_socket_new (G_SOCKET_FAMILY_IPV4, G_SOCKET_TYPE_STREAM,
                                            G_SOCKET_PROTOCOL_TCP, NULL);
  g_autoptr(GInetAddress) loopback = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
  g_autoptr(GSocketAddress) any = g_inet_socket_address_new (loopback, 0);
  g_autoptr(GSocketAddress) bound = NULL;

  g_assert_true (g_socket_bind (socket, any, FALSE, NULL));
  bound = g_socket_get_local_address (socket, NULL);
  return g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (bound));
}

static DockyardDevPort *
find_port (DockyardDevPorts *ports,
           guint16           number)
{
  GListModel *model = dockyard_dev_ports_get_model (ports);

  for (guint i = 0; i < g_list_model_get_n_items (model); i++)
    {
      g_autoptr(DockyardDevPort) port = g_list_model_get_item (model, i);

      if (dockyard_dev_port_get_port (port) == number)
        return port;  /* the model keeps it */
    }
  return NULL;
}

typedef struct
{
  DockyardDevPorts *ports;
  guint16           number;
} Waiting;

static gboolean
port_listens (gpointer data)
{
  Waiting *waiting = data;
  DockyardDevPort *port = find_port (waiting->ports, waiting->number);

  return port != NULL && dockyard_dev_port_get_listening (port);
}

static gboolean
set_done_cb (gpointer data)
{
  *(gboolean *) data = TRUE;
  return G_SOURCE_REMOVE;
}

/* Runs the main loop for @ms milliseconds. */
static void
spin (guint ms)
{
  gboolean done = FALSE;

  g_timeout_add (ms, set_done_cb, &done);
  while (!done)
    g_main_context_iteration (NULL, TRUE);
}

static gboolean
not_polling (gpointer data)
{
  return !dockyard_dev_ports_get_polling (data);
}

static char *
http_get (const char *uri,
          guint      *status)
{
  g_autoptr(SoupSession) session = soup_session_new ();
  g_autoptr(SoupMessage) message = soup_message_new ("GET", uri);
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GBytes) body = NULL;

  soup_session_send_and_read_async (session, message, G_PRIORITY_DEFAULT, NULL,
                                    dockyard_test_store_result_cb, &result);
  dockyard_test_wait_for_async (&result);
  body = soup_session_send_and_read_finish (session, result, NULL);
  *status = soup_message_get_status (message);
  return body != NULL ? g_strndup (g_bytes_get_data (body, NULL), g_bytes_get_size (body))
                      : NULL;
}

static char *
exec_in (Fixture            *fixture,
         const char * const *argv,
         int                *status)
{
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  char *output;

  dockyard_engine_exec_collect_async (fixture->engine,
                                      dockyard_dev_session_get_container_id (fixture->session),
                                      argv, NULL, NULL, NULL, 4096, NULL,
                                      dockyard_test_store_result_cb, &result);
  dockyard_test_wait_for_async (&result);
  output = dockyard_engine_exec_collect_finish (fixture->engine, result, status, &error);
  g_assert_no_error (error);
  return output;
}

static void
test_server_found_and_reached (Fixture       *fixture,
                               gconstpointer  data)
{
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(DockyardDevPorts) ports = NULL;
  g_autofree char *page = NULL;
  g_autofree char *index = NULL;
  g_autofree char *listen = NULL;
  g_autofree char *output = NULL;
  g_autofree char *body = NULL;
  guint16 number, listed;
  DockyardDevPort *port;
  Waiting waiting;
  guint status = 0;
  int exit_status = -1;
  gint64 started;

  DOCKYARD_TEST_REQUIRE_ENGINE (fixture->engine);

  number = free_port ();
  listed = free_port ();
  while (listed == number)
    listed = free_port ();
  /* A port the user listed in the Overview, nothing listening on it. */
  dockyard_project_set_published_ports (fixture->project, &listed, 1);

  page = g_strdup_printf ("served from the dev container on port %u\n", number);
  index = g_build_filename (fixture->folder, "index.html", NULL);
  g_assert_true (g_file_set_contents (index, page, -1, NULL));
  g_chmod (index, 0644);

  ports = dockyard_dev_ports_new (fixture->session);
  g_assert_false (dockyard_dev_ports_get_polling (ports));
  g_assert_nonnull (find_port (ports, listed));

  dockyard_dev_session_start_async (fixture->session, 24, 80, NULL,
                                    dockyard_test_store_result_cb, &result);
  dockyard_test_wait_for_async (&result);
  fixture->stream = dockyard_dev_session_start_finish (fixture->session, result, &error);
  g_assert_no_error (error);
  g_assert_true (dockyard_dev_ports_get_polling (ports));

  /* The first reading is done and finds nothing on that port: the server
   * must be found by a later one. */
  spin (1500);
  g_assert_null (find_port (ports, number));
  g_assert_cmpint (dockyard_dev_ports_get_network (ports), !=, DOCKYARD_DEV_NETWORK_UNKNOWN);

  /* busybox httpd goes to the background by itself; on loopback only, as
   * all test traffic stays there. */
  listen = g_strdup_printf ("127.0.0.1:%u", number);
  output = exec_in (fixture,
                    (const char * const []) { "httpd", "-p", listen, "-h",
                                              dockyard_dev_session_get_working_dir (fixture->session),
                                              NULL },
                    &exit_status);
  g_assert_cmpint (exit_status, ==, 0);

  /* Found within a reading or two (every 3 s), without configuration. */
  started = g_get_monotonic_time ();
  waiting.ports = ports;
  waiting.number = number;
  g_assert_true (dockyard_test_wait_until (port_listens, &waiting, 15));
  g_test_message ("port %u found after %.1f s", number,
                  (g_get_monotonic_time () - started) / (double) G_USEC_PER_SEC);

  port = find_port (ports, number);
  g_assert_false (dockyard_dev_port_get_configured (port));
  g_assert_cmpint (dockyard_dev_port_get_scope (port), ==, DOCKYARD_LISTEN_SCOPE_LOOPBACK);
  g_assert_cmpstr (dockyard_dev_port_get_bound_address (port), ==, "127.0.0.1");

  switch (dockyard_dev_ports_get_network (ports))
    {
    case DOCKYARD_DEV_NETWORK_HOST:
      {
        g_autofree char *expected = g_strdup_printf ("http://127.0.0.1:%u/", number);

        g_assert_cmpstr (dockyard_dev_port_get_address (port), ==, expected);
        body = http_get (dockyard_dev_port_get_address (port), &status);
        g_assert_cmpuint (status, ==, 200);
        g_assert_cmpstr (body, ==, page);
        /* The listed port is the container's own, with nothing on it yet. */
        g_assert_true (dockyard_dev_port_get_configured (find_port (ports, listed)));
        g_assert_false (dockyard_dev_port_get_listening (find_port (ports, listed)));
        g_assert_cmpstr (dockyard_dev_port_get_advice (find_port (ports, listed)), ==,
                         "Nothing listens on it yet.");
        break;
      }

    case DOCKYARD_DEV_NETWORK_NONE:
      /* Rootless Docker here: no network, and the panel says so. */
      g_assert_null (dockyard_dev_port_get_address (port));
      g_assert_nonnull (strstr (dockyard_dev_port_get_advice (port), "no network"));
      break;

    case DOCKYARD_DEV_NETWORK_BRIDGE:
      /* Listening on the container's loopback: the published port (there
       * is none for it anyway) would not reach it. */
      g_assert_null (dockyard_dev_port_get_address (port));
      g_assert_true (dockyard_dev_port_get_needs_restart (port));
      break;

    case DOCKYARD_DEV_NETWORK_UNKNOWN:
    default:
      g_assert_not_reached ();
    }

  /* The session ends: no more readings, no timer, no reference left. */
  {
    g_autoptr(GAsyncResult) stopped = NULL;

    dockyard_dev_session_stop_async (fixture->session, dockyard_test_store_result_cb, &stopped);
    dockyard_test_wait_for_async (&stopped);
    g_assert_true (dockyard_dev_session_stop_finish (fixture->session, stopped, NULL));
  }
  /* On Podman the session may not have seen its end yet: the next reading
   * finds the container gone. */
  g_assert_true (dockyard_test_wait_until (not_polling, ports, 10));
  g_assert_cmpint (dockyard_dev_ports_get_network (ports), ==, DOCKYARD_DEV_NETWORK_UNKNOWN);
  g_assert_null (find_port (ports, number));
  g_assert_nonnull (find_port (ports, listed));
  g_assert_finalize_object (g_steal_pointer (&ports));
}

/* Where the engine has a bridge, forwarded ports are published on
 * 127.0.0.1 only, on ports the engine picks; with the host's network
 * there is nothing to publish. */
static void
test_spec_publishes_on_loopback (void)
{
  static const char * const cmd[] = { "sh", NULL };
  static const guint16 forwarded[] = { 8000, 5000 };
  DockyardContainerSpec spec = {
    .image = "busybox",
    .cmd = cmd,
    .working_dir = "/usr/src/app",
    .role = "dev",
    .project_path = "/tmp/project",
    .publish_ports = forwarded,
    .n_publish_ports = G_N_ELEMENTS (forwarded),
  };
  g_autoptr(JsonNode) bridged = dockyard_container_spec_to_json (&spec);
  g_autoptr(JsonNode) shared = NULL;
  JsonObject *host_config = json_object_get_object_member (json_node_get_object (bridged),
                                                           "HostConfig");
  JsonObject *bindings = json_object_get_object_member (host_config, "PortBindings");
  JsonObject *exposed = json_object_get_object_member (json_node_get_object (bridged),
                                                       "ExposedPorts");

  g_assert_cmpuint (json_object_get_size (bindings), ==, 2);
  for (guint i = 0; i < G_N_ELEMENTS (forwarded); i++)
    {
      g_autofree char *key = g_strdup_printf ("%u/tcp", forwarded[i]);
      JsonArray *list = json_object_get_array_member (bindings, key);
      JsonObject *binding = json_array_get_object_element (list, 0);

      g_assert_true (json_object_has_member (exposed, key));
      g_assert_cmpuint (json_array_get_length (list), ==, 1);
      g_assert_cmpstr (json_object_get_string_member (binding, "HostIp"), ==, "127.0.0.1");
      g_assert_cmpstr (json_object_get_string_member (binding, "HostPort"), ==, "");
    }

  spec.host_network = TRUE;
  shared = dockyard_container_spec_to_json (&spec);
  host_config = json_object_get_object_member (json_node_get_object (shared), "HostConfig");
  g_assert_false (json_object_has_member (host_config, "PortBindings"));
  g_assert_cmpstr (json_object_get_string_member (host_config, "NetworkMode"), ==, "host");
}

/* forwardPorts (this container's, not another service's) and the ports
 * the user listed, each once; labels from portsAttributes. */
static void
test_configured_ports (void)
{
  static const char config[] =
    "{ \"image\": \"busybox\", \"forwardPorts\": [8000, \"db:5432\", \"localhost:3000\", 8000],\n"
    "  \"portsAttributes\": { \"8000\": { \"label\": \"Docs\" } } }";
  g_autofree char *parent = dockyard_test_make_shared_dir ("dockyard-ports");
  g_autoptr(DockyardProject) project = dockyard_test_open_project (parent);
  g_autoptr(GError) error = NULL;
  DockyardDevcontainer *devcontainer;
  static const guint16 listed[] = { 9000, 3000 };
  g_autoptr(GArray) ports = NULL;
  g_autofree char *label = NULL;

  devcontainer = dockyard_devcontainer_new_from_data (config, strlen (config),
                                                      "/p/.devcontainer.json", "/p", &error);
  g_assert_no_error (error);
  dockyard_project_set_published_ports (project, listed, G_N_ELEMENTS (listed));
  ports = dockyard_dev_ports_configured (devcontainer, project);
  g_assert_cmpuint (ports->len, ==, 3);
  g_assert_cmpuint (g_array_index (ports, guint16, 0), ==, 3000);
  g_assert_cmpuint (g_array_index (ports, guint16, 1), ==, 8000);
  g_assert_cmpuint (g_array_index (ports, guint16, 2), ==, 9000);

  label = dockyard_dev_ports_dup_label (devcontainer, 8000);
  g_assert_cmpstr (label, ==, "Docs");
  g_assert_null (dockyard_dev_ports_dup_label (devcontainer, 3000));
  g_assert_null (dockyard_dev_ports_dup_label (NULL, 8000));

  dockyard_devcontainer_free (devcontainer);
  dockyard_test_remove_tree (parent);
}

/* An engine with a bridge: how Docker describes a dev container whose
 * ports 8000 and 5000 it published on 127.0.0.1 (and 9000 on every
 * interface, which Dockyard never asks for and does not show). */
static void
test_reads_published_ports (void)
{
  static const char inspect[] =
    "{ \"HostConfig\": { \"NetworkMode\": \"default\" },\n"
    "  \"NetworkSettings\": { \"Ports\": {\n"
    "    \"8000/tcp\": [ { \"HostIp\": \"127.0.0.1\", \"HostPort\": \"49153\" } ],\n"
    "    \"5000/tcp\": [ { \"HostIp\": \"127.0.0.1\", \"HostPort\": \"49154\" } ],\n"
    "    \"9000/tcp\": [ { \"HostIp\": \"0.0.0.0\", \"HostPort\": \"49155\" } ],\n"
    "    \"53/udp\": [ { \"HostIp\": \"127.0.0.1\", \"HostPort\": \"49156\" } ],\n"
    "    \"7000/tcp\": null } } }";
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GHashTable) host_ports = g_hash_table_new (NULL, NULL);
  g_autoptr(JsonNode) host = NULL;

  g_assert_true (json_parser_load_from_data (parser, inspect, -1, NULL));
  g_assert_cmpint (_dockyard_dev_ports_read_inspect (json_parser_get_root (parser), host_ports), ==,
                   DOCKYARD_DEV_NETWORK_BRIDGE);
  g_assert_cmpuint (g_hash_table_size (host_ports), ==, 2);
  g_assert_cmpuint (GPOINTER_TO_UINT (g_hash_table_lookup (host_ports, GUINT_TO_POINTER (8000))),
                    ==, 49153);
  g_assert_cmpuint (GPOINTER_TO_UINT (g_hash_table_lookup (host_ports, GUINT_TO_POINTER (5000))),
                    ==, 49154);

  host = json_from_string ("{ \"HostConfig\": { \"NetworkMode\": \"host\" } }", NULL);
  g_assert_cmpint (_dockyard_dev_ports_read_inspect (host, host_ports), ==,
                   DOCKYARD_DEV_NETWORK_HOST);
  g_assert_cmpuint (g_hash_table_size (host_ports), ==, 0);
  g_assert_cmpint (_dockyard_dev_ports_read_inspect (NULL, host_ports), ==,
                   DOCKYARD_DEV_NETWORK_UNKNOWN);
}

/* The address to open, or why there is none, for each kind of network. */
static void
test_reachability (void)
{
  DockyardListenPort all = { 8000, DOCKYARD_LISTEN_SCOPE_ALL, (char *) "0.0.0.0", TRUE };
  DockyardListenPort loopback = { 8000, DOCKYARD_LISTEN_SCOPE_LOOPBACK, (char *) "127.0.0.1", TRUE };
  DockyardListenPort loopback6 = { 8000, DOCKYARD_LISTEN_SCOPE_LOOPBACK, (char *) "::1", FALSE };
  g_autoptr(DockyardDevPort) port = NULL;

  /* Bridge, published, listening on every interface of the container. */
  port = _dockyard_dev_port_new (8000, &all, TRUE, 49153, "Docs");
  _dockyard_dev_port_set_reachability (port, DOCKYARD_DEV_NETWORK_BRIDGE, FALSE, TRUE);
  g_assert_cmpstr (dockyard_dev_port_get_address (port), ==, "http://127.0.0.1:49153/");
  g_assert_cmpstr (dockyard_dev_port_get_label (port), ==, "Docs");
  g_assert_false (dockyard_dev_port_get_needs_restart (port));
  g_clear_object (&port);

  /* … only on the container's loopback: the published port cannot reach it. */
  port = _dockyard_dev_port_new (8000, &loopback, TRUE, 49153, NULL);
  _dockyard_dev_port_set_reachability (port, DOCKYARD_DEV_NETWORK_BRIDGE, FALSE, TRUE);
  g_assert_null (dockyard_dev_port_get_address (port));
  g_assert_nonnull (strstr (dockyard_dev_port_get_advice (port), "0.0.0.0"));
  g_clear_object (&port);

  /* … not published: publish it, then restart. */
  port = _dockyard_dev_port_new (8000, &all, FALSE, 0, NULL);
  _dockyard_dev_port_set_reachability (port, DOCKYARD_DEV_NETWORK_BRIDGE, FALSE, TRUE);
  g_assert_null (dockyard_dev_port_get_address (port));
  g_assert_true (dockyard_dev_port_get_needs_restart (port));
  g_assert_nonnull (strstr (dockyard_dev_port_get_advice (port), "add it to the project"));
  g_clear_object (&port);

  /* Host network: the container's own port; every interface is said. */
  port = _dockyard_dev_port_new (8000, &all, FALSE, 0, NULL);
  _dockyard_dev_port_set_reachability (port, DOCKYARD_DEV_NETWORK_HOST, FALSE, FALSE);
  g_assert_cmpstr (dockyard_dev_port_get_address (port), ==, "http://127.0.0.1:8000/");
  g_assert_nonnull (strstr (dockyard_dev_port_get_advice (port), "other computers"));
  g_clear_object (&port);

  port = _dockyard_dev_port_new (8000, &loopback6, FALSE, 0, NULL);
  _dockyard_dev_port_set_reachability (port, DOCKYARD_DEV_NETWORK_HOST, FALSE, FALSE);
  g_assert_cmpstr (dockyard_dev_port_get_address (port), ==, "http://[::1]:8000/");
  g_clear_object (&port);

  /* No network, or an engine on another computer: no address. */
  port = _dockyard_dev_port_new (8000, &all, FALSE, 0, NULL);
  _dockyard_dev_port_set_reachability (port, DOCKYARD_DEV_NETWORK_NONE, FALSE, FALSE);
  g_assert_null (dockyard_dev_port_get_address (port));
  g_assert_nonnull (strstr (dockyard_dev_port_get_advice (port), "no network"));
  _dockyard_dev_port_set_reachability (port, DOCKYARD_DEV_NETWORK_HOST, TRUE, FALSE);
  g_assert_null (dockyard_dev_port_get_address (port));
  g_assert_nonnull (strstr (dockyard_dev_port_get_advice (port), "another computer"));
}

int
main (int   argc,
      char *argv[])
{
  dockyard_test_init (&argc, &argv);

  g_test_add_func ("/dev-ports/spec-publishes-on-loopback", test_spec_publishes_on_loopback);
  g_test_add_func ("/dev-ports/configured", test_configured_ports);
  g_test_add_func ("/dev-ports/reads-published-ports", test_reads_published_ports);
  g_test_add_func ("/dev-ports/reachability", test_reachability);
  g_test_add ("/dev-ports/server-found-and-reached", Fixture, NULL,
              fixture_setup, test_server_found_and_reached, fixture_teardown);

  return g_test_run ();
}
