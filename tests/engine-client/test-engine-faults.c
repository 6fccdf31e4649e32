/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Faults a real engine will not produce on demand, from a fake engine: a
 * SoupServer on a unix socket. */
#include "config.h"

#include <gio/gunixsocketaddress.h>

#include "dockyard-engine.h"
#include "dockyard-event-stream.h"
#include "dockyard-test-utils.h"

typedef struct
{
  SoupServer *server;
  char       *dir;
  char       *socket;
  const char *api_version;
  const char *version_body;
  guint       events_connections;
} FakeEngine;

static void
handle_cb (SoupServer        *server,
           SoupServerMessage *message,
           const char        *path,
           GHashTable        *query,
           gpointer           user_data)
{
  FakeEngine *fake = user_data;
  SoupMessageHeaders *headers = soup_server_message_get_response_headers (message);

  if (g_str_equal (path, "/_ping"))
    {
      soup_message_headers_replace (headers, "Api-Version", fake->api_version);
      soup_server_message_set_status (message, 200, NULL);
      soup_server_message_set_response (message, "text/plain", SOUP_MEMORY_STATIC, "OK", 2);
    }
  else if (g_str_equal (path, "/version"))
    {
      soup_server_message_set_status (message, 200, NULL);
      soup_server_message_set_response (message, "application/json", SOUP_MEMORY_STATIC,
                                        fake->version_body, strlen (fake->version_body));
    }
  else if (g_str_has_suffix (path, "/boom"))
    {
      const char *body = "{\"message\":\"the fake engine broke\"}";

      soup_server_message_set_status (message, 500, NULL);
      soup_server_message_set_response (message, "application/json", SOUP_MEMORY_STATIC,
                                        body, strlen (body));
    }
  else if (g_str_has_suffix (path, "/name-taken"))
    {
      /* Podman 4.3's answer to a create whose name is taken (checked). */
      const char *body = "{\"cause\":\"that name is already in use\",\"message\":\"container "
                         "create: creating container storage: the container name \\\"p-dev\\\" "
                         "is already in use by 4dbc66bf5519. You have to remove that container to "
                         "be able to reuse that name: that name is already in use\","
                         "\"response\":500}";

      soup_server_message_set_status (message, 500, NULL);
      soup_server_message_set_response (message, "application/json", SOUP_MEMORY_STATIC,
                                        body, strlen (body));
    }
  else if (g_str_has_suffix (path, "/garbage"))
    {
      const char *body = "{\"Id\": \"abc\", ";

      soup_server_message_set_status (message, 200, NULL);
      soup_server_message_set_response (message, "application/json", SOUP_MEMORY_STATIC,
                                        body, strlen (body));
    }
  else if (g_str_has_suffix (path, "/events"))
    {
      g_autoptr(GIOStream) stream = NULL;
      const char *head = "HTTP/1.1 200 OK\r\n"
                         "Content-Type: application/json\r\n"
                         "Transfer-Encoding: chunked\r\n\r\n"
                         "10\r\n{\"Type\":\"contai";

      /* Half an event, then the connection drops: a daemon that died. */
      fake->events_connections++;
      stream = soup_server_message_steal_connection (message);
      g_output_stream_write_all (g_io_stream_get_output_stream (stream), head, strlen (head),
                                 NULL, NULL, NULL);
      g_io_stream_close (stream, NULL, NULL);
    }
  else
    soup_server_message_set_status (message, 404, NULL);
}

static void
fake_engine_setup (FakeEngine    *fake,
                   gconstpointer  data)
{
  g_autoptr(GSocket) socket = NULL;
  g_autoptr(GSocketAddress) address = NULL;
  g_autoptr(GError) error = NULL;

  fake->dir = g_dir_make_tmp ("dockyard-fake-XXXXXX", &error);
  g_assert_no_error (error);
  fake->socket = g_build_filename (fake->dir, "docker.sock", NULL);
  fake->api_version = "1.41";
  fake->version_body = "{\"Version\":\"20.10.99\",\"ApiVersion\":\"1.41\"}";

  socket = g_socket_new (G_SOCKET_FAMILY_UNIX, G_SOCKET_TYPE_STREAM, G_SOCKET_PROTOCOL_DEFAULT,
                         &error);
  g_assert_no_error (error);
  address = g_unix_socket_address_new (fake->socket);
  g_socket_bind (socket, address, TRUE, &error);
  g_assert_no_error (error);
  g_socket_listen (socket, &error);
  g_assert_no_error (error);

  fake->server = soup_server_new (NULL, NULL);
  soup_server_add_handler (fake->server, NULL, handle_cb, fake, NULL);
  soup_server_listen_socket (fake->server, socket, 0, &error);
  g_assert_no_error (error);
}

static void
fake_engine_teardown (FakeEngine    *fake,
                      gconstpointer  data)
{
  soup_server_disconnect (fake->server);
  g_clear_object (&fake->server);
  g_unlink (fake->socket);
  g_rmdir (fake->dir);
  g_free (fake->socket);
  g_free (fake->dir);
}

static gboolean
connect_fake (DockyardEngine  *engine,
              GError         **error)
{
  g_autoptr(GAsyncResult) result = NULL;

  dockyard_engine_connect_async (engine, NULL, dockyard_test_store_result_cb, &result);
  dockyard_test_wait_for_async (&result);
  return dockyard_engine_connect_finish (engine, result, error);
}

static JsonNode *
get (DockyardEngine  *engine,
     const char      *path,
     GError         **error)
{
  g_autoptr(GAsyncResult) result = NULL;

  dockyard_engine_request_async (engine, "GET", path, NULL, NULL,
                                 dockyard_test_store_result_cb, &result);
  dockyard_test_wait_for_async (&result);
  return dockyard_engine_request_finish (engine, result, error);
}

static void
test_server_error (FakeEngine    *fake,
                   gconstpointer  data)
{
  g_autoptr(DockyardEngine) engine = dockyard_engine_new (fake->socket);
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) node = NULL;

  g_assert_true (connect_fake (engine, &error));
  g_assert_no_error (error);
  g_assert_cmpstr (dockyard_engine_get_version (engine), ==, "20.10.99");
  g_assert_cmpstr (dockyard_engine_get_api_version (engine), ==, "1.41");

  node = get (engine, "/boom", &error);
  g_assert_null (node);
  g_assert_error (error, DOCKYARD_ENGINE_ERROR, DOCKYARD_ENGINE_ERROR_SERVER_ERROR);
  g_assert_cmpstr (error->message, ==, "the fake engine broke");
}

/* A name conflict is one whichever way the engine says it: Docker's 409 or
 * Podman's 500 with the cause "that name is already in use". */
static void
test_name_conflict (FakeEngine    *fake,
                    gconstpointer  data)
{
  g_autoptr(DockyardEngine) engine = dockyard_engine_new (fake->socket);
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) node = NULL;

  g_assert_true (connect_fake (engine, &error));
  node = get (engine, "/name-taken", &error);
  g_assert_null (node);
  g_assert_error (error, DOCKYARD_ENGINE_ERROR, DOCKYARD_ENGINE_ERROR_CONFLICT);
  g_assert_nonnull (strstr (error->message, "is already in use by 4dbc66bf5519"));
}

static void
test_malformed_json (FakeEngine    *fake,
                     gconstpointer  data)
{
  g_autoptr(DockyardEngine) engine = dockyard_engine_new (fake->socket);
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) node = NULL;

  g_assert_true (connect_fake (engine, &error));
  node = get (engine, "/garbage", &error);
  g_assert_null (node);
  g_assert_error (error, DOCKYARD_ENGINE_ERROR, DOCKYARD_ENGINE_ERROR_MALFORMED_RESPONSE);
  g_clear_error (&error);

  /* Version information that is not JSON makes connecting fail cleanly. */
  fake->version_body = "<html>not an engine</html>";
  g_clear_object (&engine);
  engine = dockyard_engine_new (fake->socket);
  g_assert_false (connect_fake (engine, &error));
  g_assert_error (error, DOCKYARD_ENGINE_ERROR, DOCKYARD_ENGINE_ERROR_MALFORMED_RESPONSE);
}

static void
test_too_old (FakeEngine    *fake,
              gconstpointer  data)
{
  g_autoptr(DockyardEngine) engine = dockyard_engine_new (fake->socket);
  g_autoptr(GError) error = NULL;

  fake->api_version = "1.30";
  g_assert_false (connect_fake (engine, &error));
  g_assert_error (error, DOCKYARD_ENGINE_ERROR, DOCKYARD_ENGINE_ERROR_TOO_OLD);
  g_assert_nonnull (strstr (error->message, "1.30"));
  g_assert_null (dockyard_engine_get_api_version (engine));
}

static void
test_newer_engine (FakeEngine    *fake,
                   gconstpointer  data)
{
  g_autoptr(DockyardEngine) engine = dockyard_engine_new (fake->socket);
  g_autoptr(GError) error = NULL;

  /* An engine newer than Dockyard is spoken to at Dockyard's level. */
  fake->api_version = "1.52";
  g_assert_true (connect_fake (engine, &error));
  g_assert_cmpstr (dockyard_engine_get_api_version (engine), ==, DOCKYARD_ENGINE_API_VERSION);
}

static void
count_event_cb (DockyardEventStream *events,
                const char          *type,
                const char          *action,
                const char          *id,
                guint               *count)
{
  (*count)++;
}

static void
test_truncated_event_stream (FakeEngine    *fake,
                             gconstpointer  data)
{
  g_autoptr(DockyardEngine) engine = dockyard_engine_new (fake->socket);
  g_autoptr(DockyardEventStream) events = NULL;
  g_autoptr(GError) error = NULL;
  guint received = 0;
  gint64 deadline = g_get_monotonic_time () + 30 * G_USEC_PER_SEC;

  g_assert_true (connect_fake (engine, &error));
  events = dockyard_event_stream_new (engine);
  g_signal_connect (events, "event", G_CALLBACK (count_event_cb), &received);
  dockyard_event_stream_start (events);

  /* Each truncated stream is dropped and followed by a new connection. */
  while (fake->events_connections < 3)
    {
      g_assert_cmpint (g_get_monotonic_time (), <, deadline);
      g_main_context_iteration (NULL, TRUE);
    }

  /* Half an event is never delivered as one. */
  g_assert_cmpuint (received, ==, 0);
  dockyard_event_stream_stop (events);
  g_assert_false (dockyard_event_stream_get_connected (events));
}

int
main (int   argc,
      char *argv[])
{
  dockyard_test_init (&argc, &argv);

  g_test_add ("/engine-faults/server-error", FakeEngine, NULL,
              fake_engine_setup, test_server_error, fake_engine_teardown);
  g_test_add ("/engine-faults/name-conflict", FakeEngine, NULL,
              fake_engine_setup, test_name_conflict, fake_engine_teardown);
  g_test_add ("/engine-faults/malformed-json", FakeEngine, NULL,
              fake_engine_setup, test_malformed_json, fake_engine_teardown);
  g_test_add ("/engine-faults/too-old", FakeEngine, NULL,
              fake_engine_setup, test_too_old, fake_engine_teardown);
  g_test_add ("/engine-faults/newer-engine", FakeEngine, NULL,
              fake_engine_setup, test_newer_engine, fake_engine_teardown);
  g_test_add ("/engine-faults/truncated-event-stream", FakeEngine, NULL,
              fake_engine_setup, test_truncated_event_stream, fake_engine_teardown);

  return g_test_run ();
}
