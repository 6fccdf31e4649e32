/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <gio/gio.h>
#include <libsoup/soup.h>

#include "dockyard-engine.h"
#include "dockyard-port-relay.h"
#include "dockyard-test-utils.h"

/* A port on a container's loopback reached from this computer through the
 * engine (issue 20: the lab on an engine on another computer): a real
 * server in a container, on whatever engine the suite runs against (the
 * private one, and the TLS and ssh ones in tests/run-engines). */

#define TEST_LABEL  "io.github.dockyardapp.test"
#define SERVER_PORT 8000
#define BIG_SIZE    3000000

static JsonNode *
request (DockyardEngine  *engine,
         const char      *method,
         const char      *path,
         const char      *body,
         GError         **error)
{
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(JsonNode) json = body ? json_from_string (body, NULL) : NULL;

  dockyard_engine_request_async (engine, method, path, json, NULL,
                                 dockyard_test_store_result_cb, &result);
  dockyard_test_wait_for_async (&result);

  return dockyard_engine_request_finish (engine, result, error);
}

/* Starts @image with @script (a fixed test script, sh -c) on network
 * "none": only the container's own loopback. */
static char *
start_server (DockyardEngine *engine,
              const char     *image,
              const char     *script)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonNode) body = NULL;
  g_autofree char *text = NULL;
  g_autofree char *start = NULL;
  g_autoptr(JsonNode) created = NULL;
  g_autoptr(JsonNode) started = NULL;
  g_autoptr(GError) error = NULL;

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "Image");
  json_builder_add_string_value (builder, image);
  json_builder_set_member_name (builder, "Cmd");
  json_builder_begin_array (builder);
  json_builder_add_string_value (builder, "/bin/sh");
  json_builder_add_string_value (builder, "-c");
  json_builder_add_string_value (builder, script);
  json_builder_end_array (builder);
  json_builder_set_member_name (builder, "Labels");
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, TEST_LABEL);
  json_builder_add_string_value (builder, "1");
  json_builder_end_object (builder);
  json_builder_set_member_name (builder, "HostConfig");
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "NetworkMode");
  json_builder_add_string_value (builder, "none");
  json_builder_end_object (builder);
  json_builder_end_object (builder);
  body = json_builder_get_root (builder);
  text = json_to_string (body, FALSE);

  created = request (engine, "POST", "/containers/create", text, &error);
  g_assert_no_error (error);
  start = g_strdup_printf ("/containers/%s/start",
                           json_object_get_string_member (json_node_get_object (created), "Id"));
  started = request (engine, "POST", start, NULL, &error);
  g_assert_no_error (error);

  return g_strdup (json_object_get_string_member (json_node_get_object (created), "Id"));
}

static void
remove_container (DockyardEngine *engine,
                  const char     *id)
{
  g_autofree char *path = g_strdup_printf ("/containers/%s?force=1", id);
  g_autoptr(JsonNode) node = NULL;
  g_autoptr(GError) error = NULL;

  node = request (engine, "DELETE", path, NULL, &error);
  g_assert_no_error (error);
}

static DockyardPortRelay *
start_relay (DockyardEngine *engine,
             const char     *id,
             guint           port,
             GError        **error)
{
  g_autoptr(DockyardPortRelay) relay = dockyard_port_relay_new (engine, id, port);
  g_autoptr(GAsyncResult) result = NULL;

  dockyard_port_relay_start_async (relay, NULL, dockyard_test_store_result_cb, &result);
  dockyard_test_wait_for_async (&result);
  if (!dockyard_port_relay_start_finish (relay, result, error))
    return NULL;
  g_assert_cmpuint (dockyard_port_relay_get_local_port (relay), >, 0);
  return g_steal_pointer (&relay);
}

/* GET through the relay, until the server answers (it may still start). */
static GBytes *
get (guint        local_port,
     const char  *path,
     guint       *status)
{
  g_autoptr(SoupSession) session = soup_session_new ();
  g_autofree char *uri = g_strdup_printf ("http://127.0.0.1:%u%s", local_port, path);
  gint64 deadline = g_get_monotonic_time () + 30 * G_USEC_PER_SEC;

  g_object_set (session, "proxy-resolver", NULL, NULL);
  while (TRUE)
    {
      g_autoptr(SoupMessage) message = soup_message_new ("GET", uri);
      g_autoptr(GAsyncResult) result = NULL;
      g_autoptr(GError) error = NULL;
      GBytes *body;

      soup_session_send_and_read_async (session, message, G_PRIORITY_DEFAULT, NULL,
                                        dockyard_test_store_result_cb, &result);
      dockyard_test_wait_for_async (&result);
      body = soup_session_send_and_read_finish (session, result, &error);
      if (body != NULL)
        {
          *status = soup_message_get_status (message);
          return body;
        }
      g_test_message ("GET %s: %s", uri, error->message);
      g_assert_cmpint (g_get_monotonic_time (), <, deadline);
      g_usleep (G_USEC_PER_SEC / 5);
    }
}

static gboolean
exec_is_running (DockyardEngine *engine,
                 const char     *exec_id)
{
  g_autofree char *path = g_strdup_printf ("/exec/%s/json", exec_id);
  g_autoptr(JsonNode) node = NULL;
  g_autoptr(GError) error = NULL;

  node = request (engine, "GET", path, NULL, &error);
  g_assert_no_error (error);
  return json_object_get_boolean_member (json_node_get_object (node), "Running");
}

typedef struct
{
  DockyardEngine *engine;
  GStrv           exec_ids;
} ExecCheck;

static gboolean
no_exec_running (gpointer data)
{
  ExecCheck *check = data;

  for (guint i = 0; check->exec_ids[i] != NULL; i++)
    if (exec_is_running (check->engine, check->exec_ids[i]))
      return FALSE;
  return TRUE;
}

/* A raw connection to the relay: sends @text, ends its sending
 * (half-close), and reads everything that comes back. */
static GBytes *
half_closed_exchange (guint       local_port,
                      const char *text)
{
  g_autoptr(GSocketClient) client = g_socket_client_new ();
  g_autoptr(GSocketConnection) connection = NULL;
  g_autoptr(GByteArray) received = g_byte_array_new ();
  g_autoptr(GError) error = NULL;
  guint8 buffer[65536];
  GInputStream *input;
  gssize n;

  connection = g_socket_client_connect_to_host (client, "127.0.0.1", local_port, NULL, &error);
  g_assert_no_error (error);
  g_assert_true (g_output_stream_write_all (g_io_stream_get_output_stream (G_IO_STREAM (connection)),
                                            text, strlen (text), NULL, NULL, &error));
  g_assert_no_error (error);
  g_assert_true (g_socket_shutdown (g_socket_connection_get_socket (connection), FALSE, TRUE,
                                    &error));

  /* The relay runs in this thread's main loop: it goes on between reads. */
  input = g_io_stream_get_input_stream (G_IO_STREAM (connection));
  while (TRUE)
    {
      n = g_pollable_input_stream_read_nonblocking (G_POLLABLE_INPUT_STREAM (input), buffer,
                                                    sizeof buffer, NULL, &error);
      if (n < 0 && g_error_matches (error, G_IO_ERROR, G_IO_ERROR_WOULD_BLOCK))
        {
          g_clear_error (&error);
          g_main_context_iteration (NULL, FALSE);
          g_usleep (1000);
          continue;
        }
      g_assert_no_error (error);
      if (n == 0)
        break;
      g_byte_array_append (received, buffer, n);
    }
  return g_byte_array_free_to_bytes (g_steal_pointer (&received));
}

typedef struct
{
  DockyardEngine    *engine;
  DockyardPortRelay *relay;
  guint              n_before;
} IdleCheck;

/* The idle connection's relay program runs in the container. */
static gboolean
idle_program_runs (gpointer data)
{
  IdleCheck *check = data;
  g_auto(GStrv) ids = dockyard_port_relay_dup_exec_ids (check->relay);

  return g_strv_length (ids) > check->n_before &&
         exec_is_running (check->engine, ids[check->n_before]);
}

static void
check_server (DockyardEngine    *engine,
              const char        *id,
              DockyardPortRelay *relay)
{
  guint local_port = dockyard_port_relay_get_local_port (relay);
  g_autoptr(GBytes) body = NULL;
  g_autoptr(GBytes) raw = NULL;
  g_autoptr(GSocketClient) client = g_socket_client_new ();
  g_autoptr(GSocketConnection) idle = NULL;
  g_autoptr(GError) error = NULL;
  ExecCheck check = { engine, NULL };
  IdleCheck idle_check = { engine, relay, 0 };
  guint status = 0;
  const char *data;
  gsize size;

  body = get (local_port, "/hello", &status);
  g_assert_cmpuint (status, ==, 200);
  data = g_bytes_get_data (body, &size);
  g_assert_cmpmem (data, size, "dockyard relay\n", strlen ("dockyard relay\n"));

  /* Megabytes, more than any buffer on the way. */
  g_clear_pointer (&body, g_bytes_unref);
  body = get (local_port, "/big", &status);
  g_assert_cmpuint (status, ==, 200);
  g_assert_cmpuint (g_bytes_get_size (body), ==, BIG_SIZE);

  /* A client that ends its sending still gets the whole answer. */
  raw = half_closed_exchange (local_port, "GET /hello HTTP/1.0\r\n\r\n");
  data = g_bytes_get_data (raw, &size);
  g_assert_true (g_str_has_prefix (data, "HTTP/1.0 200"));
  g_assert_nonnull (g_strstr_len (data, size, "\r\n\r\ndockyard relay\n"));

  /* A connection left open when the relay stops. */
  check.exec_ids = dockyard_port_relay_dup_exec_ids (relay);
  idle_check.n_before = g_strv_length (check.exec_ids);
  g_clear_pointer (&check.exec_ids, g_strfreev);
  idle = g_socket_client_connect_to_host (client, "127.0.0.1", local_port, NULL, &error);
  g_assert_no_error (error);
  g_assert_true (dockyard_test_wait_until (idle_program_runs, &idle_check, 30));
  g_assert_cmpuint (dockyard_port_relay_get_n_connections (relay), ==, 1);

  dockyard_port_relay_stop (relay);
  g_assert_cmpuint (dockyard_port_relay_get_n_connections (relay), ==, 0);

  /* No relay program is left in the container. */
  check.exec_ids = dockyard_port_relay_dup_exec_ids (relay);
  g_assert_cmpuint (g_strv_length (check.exec_ids), >=, 4);
  g_assert_true (dockyard_test_wait_until (no_exec_running, &check, 30));
  g_strfreev (check.exec_ids);

  /* Nothing listens any more. */
  g_clear_object (&idle);
  idle = g_socket_client_connect_to_host (client, "127.0.0.1", local_port, NULL, &error);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CONNECTION_REFUSED);
  (void) id;
}

static void
test_python (void)
{
  g_autoptr(DockyardEngine) engine = dockyard_test_connect_engine ();
  const char *image = g_getenv ("DOCKYARD_TEST_PYTHON_IMAGE");
  g_autoptr(DockyardPortRelay) relay = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *id = NULL;

  DOCKYARD_TEST_REQUIRE_ENGINE (engine);
  g_assert_nonnull (image);

  id = start_server (engine, image,
                     "mkdir /tmp/site && cd /tmp/site && echo 'dockyard relay' > hello && "
                     "head -c 3000000 /dev/zero > big && "
                     "exec python3 -m http.server 8000 --bind 127.0.0.1");
  relay = start_relay (engine, id, SERVER_PORT, &error);
  g_assert_no_error (error);
  check_server (engine, id, relay);
  remove_container (engine, id);
}

/* Without Python: busybox's nc (and its httpd as the server). */
static void
test_nc (void)
{
  g_autoptr(DockyardEngine) engine = dockyard_test_connect_engine ();
  const char *image = g_getenv ("DOCKYARD_TEST_BUSYBOX_IMAGE");
  g_autoptr(DockyardPortRelay) relay = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *id = NULL;
  guint status = 0;
  g_autoptr(GBytes) body = NULL;

  DOCKYARD_TEST_REQUIRE_ENGINE (engine);
  g_assert_nonnull (image);

  id = start_server (engine, image,
                     "mkdir /tmp/site && cd /tmp/site && echo 'dockyard relay' > hello && "
                     "exec httpd -f -p 127.0.0.1:8000 -h /tmp/site");
  relay = start_relay (engine, id, SERVER_PORT, &error);
  g_assert_no_error (error);
  body = get (dockyard_port_relay_get_local_port (relay), "/hello", &status);
  g_assert_cmpuint (status, ==, 200);
  g_assert_cmpmem (g_bytes_get_data (body, NULL), g_bytes_get_size (body),
                   "dockyard relay\n", strlen ("dockyard relay\n"));
  dockyard_port_relay_stop (relay);
  remove_container (engine, id);
}

/* Nothing listens on the port: the client's connection just ends. */
static void
test_nothing_listens (void)
{
  g_autoptr(DockyardEngine) engine = dockyard_test_connect_engine ();
  const char *image = g_getenv ("DOCKYARD_TEST_PYTHON_IMAGE");
  g_autoptr(DockyardPortRelay) relay = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *id = NULL;
  g_autoptr(GBytes) raw = NULL;
  ExecCheck check = { NULL, NULL };

  DOCKYARD_TEST_REQUIRE_ENGINE (engine);

  id = start_server (engine, image, "exec sleep 300");
  relay = start_relay (engine, id, SERVER_PORT, &error);
  g_assert_no_error (error);
  raw = half_closed_exchange (dockyard_port_relay_get_local_port (relay), "GET / HTTP/1.0\r\n\r\n");
  g_assert_cmpuint (g_bytes_get_size (raw), ==, 0);

  check.engine = engine;
  check.exec_ids = dockyard_port_relay_dup_exec_ids (relay);
  g_assert_true (dockyard_test_wait_until (no_exec_running, &check, 30));
  g_strfreev (check.exec_ids);
  remove_container (engine, id);
}

int
main (int   argc,
      char *argv[])
{
  dockyard_test_init (&argc, &argv);

  g_test_add_func ("/port-relay/python", test_python);
  g_test_add_func ("/port-relay/nc", test_nc);
  g_test_add_func ("/port-relay/nothing-listens", test_nothing_listens);

  return g_test_run ();
}
