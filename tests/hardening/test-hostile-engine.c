/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Engines that misbehave in ways a real one will not on demand: one that
 * accepts connections and never answers, one whose answer is 100 MB, and
 * one whose /events, /build and /_ping answers never end. */
#include "config.h"

#include <gio/gunixsocketaddress.h>
#include <fcntl.h>
#include <signal.h>
#include <unistd.h>
#include <sys/prctl.h>
#include <sys/wait.h>

#include "dockyard-build.h"
#include "dockyard-engine.h"
#include "dockyard-event-stream.h"
#include "dockyard-exec-stream.h"
#include "dockyard-test-utils.h"

/* The fake engine's image listing, in MiB. */
#define HUGE_ANSWER_MIB 100
/* How much an endless line carries at most: far beyond any bound the client
 * has, so a client without one would show it in its memory. */
#define ENDLESS_MIB 2048
/* The client's bounds (app/engine): an event line, a build progress line. */
#define EVENT_LINE_MIB 1
#define PROGRESS_LINE_MIB 16

static char *self_exe;

/* A unix socket that accepts and never says a word --------------------------- */

typedef struct
{
  char            *dir;
  char            *socket;
  GSocketService  *service;
  GPtrArray       *connections;
} SilentEngine;

static gboolean
silent_incoming_cb (GSocketService    *service,
                    GSocketConnection *connection,
                    GObject           *source,
                    SilentEngine      *silent)
{
  /* Kept open, never read from, never written to. */
  g_ptr_array_add (silent->connections, g_object_ref (connection));
  return TRUE;
}

static void
silent_setup (SilentEngine  *silent,
              gconstpointer  data)
{
  g_autoptr(GSocketAddress) address = NULL;
  g_autoptr(GError) error = NULL;

  silent->dir = g_dir_make_tmp ("dockyard-silent-XXXXXX", &error);
  g_assert_no_error (error);
  silent->socket = g_build_filename (silent->dir, "docker.sock", NULL);
  silent->connections = g_ptr_array_new_with_free_func (g_object_unref);
  silent->service = g_socket_service_new ();
  address = g_unix_socket_address_new (silent->socket);
  g_socket_listener_add_address (G_SOCKET_LISTENER (silent->service), address,
                                 G_SOCKET_TYPE_STREAM, G_SOCKET_PROTOCOL_DEFAULT,
                                 NULL, NULL, &error);
  g_assert_no_error (error);
  g_signal_connect (silent->service, "incoming", G_CALLBACK (silent_incoming_cb), silent);
  g_socket_service_start (silent->service);
}

static void
silent_teardown (SilentEngine  *silent,
                 gconstpointer  data)
{
  g_socket_service_stop (silent->service);
  g_socket_listener_close (G_SOCKET_LISTENER (silent->service));
  g_clear_object (&silent->service);
  g_clear_pointer (&silent->connections, g_ptr_array_unref);
  g_unlink (silent->socket);
  g_rmdir (silent->dir);
  g_free (silent->socket);
  g_free (silent->dir);
}

static void
test_never_answers_connect (SilentEngine  *silent,
                            gconstpointer  data)
{
  g_autoptr(DockyardEngine) engine = dockyard_engine_new (silent->socket);
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  gint64 start = g_get_monotonic_time ();
  double seconds;

  dockyard_engine_connect_async (engine, NULL, dockyard_test_store_result_cb, &result);
  dockyard_test_wait_for_async (&result);
  g_assert_false (dockyard_engine_connect_finish (engine, result, &error));
  seconds = (g_get_monotonic_time () - start) / (double) G_USEC_PER_SEC;
  g_test_message ("connect failed after %.1f s: %s", seconds, error->message);

  /* It did connect at the socket level: the ping is what timed out. */
  g_assert_cmpuint (silent->connections->len, >=, 1);
  g_assert_error (error, DOCKYARD_ENGINE_ERROR, DOCKYARD_ENGINE_ERROR_NO_ENGINE);
  g_assert_nonnull (strstr (error->message, silent->socket));
  g_assert_nonnull (strstr (error->message, "did not answer"));
  /* Within the ping timeout (10 s), plus slack for a loaded machine. */
  g_assert_cmpfloat (seconds, >=, 5.0);
  g_assert_cmpfloat (seconds, <, 20.0);
}

static gboolean
cancel_cb (gpointer data)
{
  g_cancellable_cancel (G_CANCELLABLE (data));
  return G_SOURCE_REMOVE;
}

static void
test_never_answers_cancel (SilentEngine  *silent,
                           gconstpointer  data)
{
  g_autoptr(DockyardEngine) engine = dockyard_engine_new (silent->socket);
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GAsyncResult) ping_result = NULL;
  g_autoptr(GCancellable) ping_cancellable = g_cancellable_new ();
  g_autoptr(JsonNode) node = NULL;
  g_autoptr(GError) error = NULL;
  gint64 start;

  /* The caller's cancellable ends a request at once, long before its own
   * timeout (the window cancels on close, the user presses Stop). */
  dockyard_engine_request_async (engine, "GET", "/containers/json?all=1", NULL, cancellable,
                                 dockyard_test_store_result_cb, &result);
  g_timeout_add (500, cancel_cb, cancellable);
  start = g_get_monotonic_time ();
  dockyard_test_wait_for_async (&result);
  node = dockyard_engine_request_finish (engine, result, &error);
  g_assert_null (node);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_assert_cmpint (g_get_monotonic_time () - start, <, 3 * G_USEC_PER_SEC);
  g_clear_error (&error);

  /* The same for a ping, before its own timeout. */
  dockyard_engine_ping_async (engine, ping_cancellable, dockyard_test_store_result_cb, &ping_result);
  g_timeout_add (300, cancel_cb, ping_cancellable);
  start = g_get_monotonic_time ();
  dockyard_test_wait_for_async (&ping_result);
  g_assert_false (dockyard_engine_ping_finish (engine, ping_result, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_assert_cmpint (g_get_monotonic_time () - start, <, 3 * G_USEC_PER_SEC);
}

static void
test_never_answers_request_timeout (SilentEngine  *silent,
                                    gconstpointer  data)
{
  g_autoptr(DockyardEngine) engine = dockyard_engine_new (silent->socket);
  g_autoptr(GCancellable) stream_cancellable = g_cancellable_new ();
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GAsyncResult) stream_result = NULL;
  g_autoptr(SoupMessage) events = NULL;
  g_autoptr(GInputStream) stream = NULL;
  g_autoptr(JsonNode) node = NULL;
  g_autoptr(GError) error = NULL;

  g_assert_cmpuint (dockyard_engine_get_request_timeout (engine), ==,
                    DOCKYARD_ENGINE_REQUEST_TIMEOUT);
  dockyard_engine_set_request_timeout (engine, 1);

  /* A stream has no timeout: it is still waiting when the request below
   * has given up. */
  events = dockyard_engine_new_message (engine, "GET", "/events");
  dockyard_engine_open_stream_async (engine, events, stream_cancellable,
                                     dockyard_test_store_result_cb, &stream_result);

  /* Without a cancellable, a short request ends by itself, clearly. */
  dockyard_engine_request_async (engine, "GET", "/containers/json?all=1", NULL, NULL,
                                 dockyard_test_store_result_cb, &result);
  dockyard_test_wait_for_async (&result);
  node = dockyard_engine_request_finish (engine, result, &error);
  g_test_message ("request without a cancellable: %s", error ? error->message : "answered");
  g_assert_null (node);
  g_assert_error (error, DOCKYARD_ENGINE_ERROR, DOCKYARD_ENGINE_ERROR_TIMED_OUT);
  g_assert_cmpstr (error->message, ==, "The engine did not answer within 1 second.");
  g_assert_cmpuint (silent->connections->len, >=, 2);
  g_clear_error (&error);

  g_assert_null (stream_result);
  g_cancellable_cancel (stream_cancellable);
  dockyard_test_wait_for_async (&stream_result);
  stream = dockyard_engine_open_stream_finish (engine, stream_result, &error);
  g_assert_null (stream);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
}

/* An engine whose image list is 100 MB ---------------------------------------- */

/* Runs in a child process (this program with --fake-engine SOCKET), so that
 * the test's memory figures are the client's alone. */
static char *huge_body;
static gsize huge_length;

static void
make_huge_body (void)
{
  GString *body = g_string_sized_new ((HUGE_ANSWER_MIB + 1) * 1024 * 1024);

  /* Valid JSON, as a daemon with a million images would send it. */
  g_string_append_c (body, '[');
  for (guint i = 0; body->len < (gsize) HUGE_ANSWER_MIB * 1024 * 1024; i++)
    g_string_append_printf (body, "%s{\"Id\":\"sha256:%064x\",\"RepoTags\":[\"img%u:1.0\"],"
                            "\"Created\":1700000000,\"Size\":%u}", i ? "," : "", i, i, i);
  g_string_append_c (body, ']');
  huge_length = body->len;
  huge_body = g_string_free (body, FALSE);
}

/* An answer whose one line never ends (ENDLESS_MIB at most), written as fast
 * as the client reads it; what was written when the client hung up is kept
 * for GET /fake/endless. */
typedef struct
{
  GIOStream  *stream;
  char       *kind;
  guint64     sent;
} Endless;

static char endless_chunk[64 * 1024];
static GHashTable *endless_closed;     /* kind -> "bytes sent" of the last closed one */

static void
endless_write (Endless *endless);

static void
endless_wrote_cb (GObject      *object,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  Endless *endless = user_data;
  gsize written = 0;

  g_output_stream_write_all_finish (G_OUTPUT_STREAM (object), result, &written, NULL);
  endless->sent += written;
  if (written == sizeof endless_chunk && endless->sent < (guint64) ENDLESS_MIB * 1024 * 1024)
    {
      endless_write (endless);
      return;
    }

  g_hash_table_replace (endless_closed, g_strdup (endless->kind),
                        g_strdup_printf ("%" G_GUINT64_FORMAT, endless->sent));
  g_io_stream_close (endless->stream, NULL, NULL);
  g_object_unref (endless->stream);
  g_free (endless->kind);
  g_free (endless);
}

static void
endless_write (Endless *endless)
{
  g_output_stream_write_all_async (g_io_stream_get_output_stream (endless->stream),
                                   endless_chunk, sizeof endless_chunk, G_PRIORITY_DEFAULT,
                                   NULL, endless_wrote_cb, endless);
}

/* Answers with @head, then 'x' without end: @head ends inside the line that
 * never ends, be it a header or the body's first line. */
static void
endless_start_raw (SoupServerMessage *message,
                   const char        *kind,
                   const char        *head)
{
  Endless *endless = g_new0 (Endless, 1);

  endless->kind = g_strdup (kind);
  endless->stream = soup_server_message_steal_connection (message);
  g_output_stream_write_all (g_io_stream_get_output_stream (endless->stream), head, strlen (head),
                             NULL, NULL, NULL);
  endless_write (endless);
}

static void
endless_start (SoupServerMessage *message,
               const char        *kind,
               const char        *start)
{
  /* A body that ends when the connection does, so no chunk framing. */
  g_autofree char *head = g_strdup_printf ("HTTP/1.1 200 OK\r\n"
                                           "Content-Type: application/json\r\n"
                                           "Api-Version: 1.41\r\n"
                                           "Connection: close\r\n\r\n%s", start);

  endless_start_raw (message, kind, head);
}

/* "closing-events" mode: /events answers 200 and closes at once;
 * "one-event-events": with one event before it closes. */
static gboolean closing_events;
static gboolean one_event_events;
static guint events_opened;

/* "stalled-build" mode: /build answers its head and a first step, then the
 * whole engine stops (as a dockerd under SIGSTOP): nothing more on that
 * connection, and pings from then on are taken and never answered.
 * "quiet-build" mode: the build says nothing for 3 s (a long step that
 * prints nothing), then succeeds; pings are answered and counted. */
static gboolean stalled_build;
static gboolean quiet_build;
static gboolean stalled;
static guint pings;
static GPtrArray *held;  /* connections taken and never answered */

/* As dockerd answers /build: chunked, one chunk per progress line. */
#define QUIET_BUILD_HEAD "HTTP/1.1 200 OK\r\n" \
                         "Content-Type: application/json\r\n" \
                         "Api-Version: 1.41\r\n" \
                         "Transfer-Encoding: chunked\r\n\r\n" \
                         "27\r\n{\"stream\":\"Step 1/2 : FROM scratch\\n\"}\n\r\n"

static GIOStream *
take_connection (SoupServerMessage *message,
                 const char        *text)
{
  GIOStream *stream = soup_server_message_steal_connection (message);

  if (text != NULL)
    {
      g_output_stream_write_all (g_io_stream_get_output_stream (stream), text, strlen (text),
                                 NULL, NULL, NULL);
      g_output_stream_flush (g_io_stream_get_output_stream (stream), NULL, NULL);
    }
  g_ptr_array_add (held, stream);
  return stream;
}

static gboolean
quiet_build_done_cb (gpointer data)
{
  GIOStream *stream = data;
  const char *end = "26\r\n{\"stream\":\"Step 2/2 : RUN sleep 3\\n\"}\n\r\n"
                    "29\r\n{\"aux\":{\"ID\":\"sha256:0123456789abcdef\"}}\n\r\n"
                    "0\r\n\r\n";

  g_output_stream_write_all (g_io_stream_get_output_stream (stream), end, strlen (end),
                             NULL, NULL, NULL);
  g_io_stream_close (stream, NULL, NULL);
  return G_SOURCE_REMOVE;
}

/* Force-removes: "stopping" is refused twice as Podman refuses a container
 * that is just stopping by itself, then removed; "stuck" is always refused. */
static guint stopping_deletes;
static guint stuck_deletes;

static void
answer_delete (SoupServerMessage *message,
               guint             *count,
               guint              refusals)
{
  const char *body = "{\"message\":\"cannot remove container as it could not be stopped: "
                     "sending SIGKILL to container: container state improper: stopped\"}";

  if ((*count)++ < refusals)
    {
      soup_server_message_set_status (message, 500, NULL);
      soup_server_message_set_response (message, "application/json", SOUP_MEMORY_STATIC,
                                        body, strlen (body));
    }
  else
    soup_server_message_set_status (message, 204, NULL);
}

static void
fake_handle_cb (SoupServer        *server,
                SoupServerMessage *message,
                const char        *path,
                GHashTable        *query,
                gpointer           user_data)
{
  SoupMessageHeaders *headers = soup_server_message_get_response_headers (message);
  gboolean endless_ping = GPOINTER_TO_INT (user_data);

  if (g_str_equal (path, "/_ping") && endless_ping)
    endless_start (message, "ping", "OK");
  else if (g_str_equal (path, "/_ping") && stalled)
    take_connection (message, NULL);
  else if (g_str_equal (path, "/_ping"))
    {
      pings++;
      soup_message_headers_replace (headers, "Api-Version", "1.41");
      soup_server_message_set_status (message, 200, NULL);
      soup_server_message_set_response (message, "text/plain", SOUP_MEMORY_STATIC, "OK", 2);
    }
  else if (g_str_has_suffix (path, "/version"))
    {
      const char *body = "{\"Version\":\"20.10.99\",\"ApiVersion\":\"1.41\"}";

      soup_server_message_set_status (message, 200, NULL);
      soup_server_message_set_response (message, "application/json", SOUP_MEMORY_STATIC,
                                        body, strlen (body));
    }
  else if (g_str_has_suffix (path, "/images/json"))
    {
      if (huge_body == NULL)
        make_huge_body ();
      soup_server_message_set_status (message, 200, NULL);
      soup_server_message_set_response (message, "application/json", SOUP_MEMORY_STATIC,
                                        huge_body, huge_length);
    }
  else if (g_str_has_suffix (path, "/containers/stopping") &&
           g_str_equal (soup_server_message_get_method (message), "DELETE"))
    answer_delete (message, &stopping_deletes, 2);
  else if (g_str_has_suffix (path, "/containers/stuck") &&
           g_str_equal (soup_server_message_get_method (message), "DELETE"))
    answer_delete (message, &stuck_deletes, G_MAXUINT);
  else if (g_str_has_suffix (path, "/fake/deletes"))
    {
      char *body = g_strdup_printf ("{\"stopping\":%u,\"stuck\":%u}", stopping_deletes, stuck_deletes);

      soup_server_message_set_status (message, 200, NULL);
      soup_server_message_set_response (message, "application/json", SOUP_MEMORY_TAKE,
                                        body, strlen (body));
    }
  else if (g_str_has_suffix (path, "/containers/json"))
    {
      soup_server_message_set_status (message, 200, NULL);
      soup_server_message_set_response (message, "application/json", SOUP_MEMORY_STATIC, "[]", 2);
    }
  else if (g_str_has_suffix (path, "/events") && (closing_events || one_event_events))
    {
      const char *event = one_event_events
                          ? "{\"Type\":\"container\",\"Action\":\"start\","
                            "\"Actor\":{\"ID\":\"0123\"}}\n"
                          : "";

      events_opened++;
      soup_server_message_set_status (message, 200, NULL);
      soup_server_message_set_response (message, "application/json", SOUP_MEMORY_STATIC,
                                        event, strlen (event));
    }
  else if (g_str_has_suffix (path, "/fake/events-opened"))
    {
      char *body = g_strdup_printf ("{\"opened\":%u}", events_opened);

      soup_server_message_set_status (message, 200, NULL);
      soup_server_message_set_response (message, "application/json", SOUP_MEMORY_TAKE,
                                        body, strlen (body));
    }
  else if (g_str_has_suffix (path, "/events"))
    endless_start (message, "events", "{\"Type\":\"container\",\"Action\":\"");
  else if (g_str_has_suffix (path, "/build") && stalled_build)
    {
      take_connection (message, QUIET_BUILD_HEAD);
      stalled = TRUE;
    }
  else if (g_str_has_suffix (path, "/build") && quiet_build)
    g_timeout_add_seconds (3, quiet_build_done_cb, take_connection (message, QUIET_BUILD_HEAD));
  else if (g_str_has_suffix (path, "/fake/pings"))
    {
      char *body = g_strdup_printf ("{\"pings\":%u}", pings);

      soup_server_message_set_status (message, 200, NULL);
      soup_server_message_set_response (message, "application/json", SOUP_MEMORY_TAKE,
                                        body, strlen (body));
    }
  else if (g_str_has_suffix (path, "/build"))
    endless_start (message, "build", "{\"stream\":\"");
  else if (g_str_has_suffix (path, "/exec"))
    {
      const char *body = "{\"Id\":\"fake-exec\"}";

      soup_server_message_set_status (message, 201, NULL);
      soup_server_message_set_response (message, "application/json", SOUP_MEMORY_STATIC,
                                        body, strlen (body));
    }
  else if (g_str_has_suffix (path, "/exec/fake-exec/start"))
    endless_start_raw (message, "exec", "HTTP/1.1 101 UPGRADED\r\n"
                                        "Content-Type: application/vnd.docker.raw-stream\r\n"
                                        "X-Endless: ");
  else if (g_str_has_suffix (path, "/fake/endless"))
    {
      GString *body = g_string_new ("{");
      GHashTableIter iter;
      gpointer key, value;

      g_hash_table_iter_init (&iter, endless_closed);
      while (g_hash_table_iter_next (&iter, &key, &value))
        g_string_append_printf (body, "%s\"%s\":%s", body->len > 1 ? "," : "",
                                (char *) key, (char *) value);
      g_string_append_c (body, '}');
      soup_server_message_set_status (message, 200, NULL);
      soup_server_message_set_response (message, "application/json", SOUP_MEMORY_TAKE,
                                        body->str, body->len);
      g_string_free (body, FALSE);
    }
  else
    soup_server_message_set_status (message, 404, NULL);
}

static int
run_fake_engine (const char *socket_path,
                 gboolean    endless_ping)
{
  g_autoptr(GMainLoop) loop = g_main_loop_new (NULL, FALSE);
  g_autoptr(SoupServer) server = soup_server_new (NULL, NULL);
  g_autoptr(GSocket) socket = NULL;
  g_autoptr(GSocketAddress) address = NULL;
  g_autoptr(GError) error = NULL;
  memset (endless_chunk, 'x', sizeof endless_chunk);
  held = g_ptr_array_new_with_free_func (g_object_unref);
  endless_closed = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);

  socket = g_socket_new (G_SOCKET_FAMILY_UNIX, G_SOCKET_TYPE_STREAM, G_SOCKET_PROTOCOL_DEFAULT,
                         &error);
  g_assert_no_error (error);
  address = g_unix_socket_address_new (socket_path);
  g_socket_bind (socket, address, TRUE, &error);
  g_assert_no_error (error);
  g_socket_listen (socket, &error);
  g_assert_no_error (error);
  soup_server_add_handler (server, NULL, fake_handle_cb, GINT_TO_POINTER (endless_ping), NULL);
  soup_server_listen_socket (server, socket, 0, &error);
  g_assert_no_error (error);

  g_main_loop_run (loop);
  return 0;
}

/* kB from a "Name:   N kB" line of /proc/self/status. */
static gsize
status_kb (const char *name)
{
  g_autofree char *status = NULL;
  const char *line;

  g_assert_true (g_file_get_contents ("/proc/self/status", &status, NULL, NULL));
  line = strstr (status, name);
  g_assert_nonnull (line);
  return g_ascii_strtoull (line + strlen (name) + 1, NULL, 10);
}

/* The fake engine must not outlive a failed test. */
static void
die_with_parent (gpointer data)
{
  prctl (PR_SET_PDEATHSIG, SIGKILL);
}

typedef struct
{
  char           *dir;
  char           *socket;
  GPid            pid;
  DockyardEngine *engine;
} FakeChild;

/* Starts this program as a fake engine and waits until it answers; with
 * @endless_ping its /_ping never ends, so it is not connected to. */
static void
fake_child_start_mode (FakeChild  *fake,
                       gboolean    endless_ping,
                       const char *mode);

static void
fake_child_start (FakeChild *fake,
                  gboolean   endless_ping)
{
  fake_child_start_mode (fake, endless_ping, endless_ping ? "endless-ping" : NULL);
}

static void
fake_child_start_mode (FakeChild  *fake,
                       gboolean    endless_ping,
                       const char *mode)
{
  const char *argv[] = { self_exe, "--fake-engine", NULL, NULL, NULL };
  g_autoptr(GError) error = NULL;

  fake->dir = g_dir_make_tmp ("dockyard-hostile-XXXXXX", &error);
  g_assert_no_error (error);
  fake->socket = g_build_filename (fake->dir, "docker.sock", NULL);
  argv[2] = fake->socket;
  argv[3] = mode;
  g_spawn_async (NULL, (char **) argv, NULL, G_SPAWN_DO_NOT_REAP_CHILD, die_with_parent, NULL,
                 &fake->pid, &error);
  g_assert_no_error (error);

  /* Retried until the child listens. */
  fake->engine = dockyard_engine_new (fake->socket);
  for (guint attempt = 0; ; attempt++)
    {
      g_autoptr(GAsyncResult) result = NULL;

      g_clear_error (&error);
      if (endless_ping)
        {
          if (g_file_test (fake->socket, G_FILE_TEST_EXISTS))
            break;
        }
      else
        {
          dockyard_engine_connect_async (fake->engine, NULL, dockyard_test_store_result_cb, &result);
          dockyard_test_wait_for_async (&result);
          if (dockyard_engine_connect_finish (fake->engine, result, &error))
            break;
        }
      if (attempt == 299)
        g_error ("the fake engine never came up: %s", error ? error->message : "no socket");
      g_usleep (100 * 1000);
    }
}

static void
fake_child_stop (FakeChild *fake)
{
  g_clear_object (&fake->engine);
  kill (fake->pid, SIGKILL);
  waitpid (fake->pid, NULL, 0);
  g_spawn_close_pid (fake->pid);
  g_unlink (fake->socket);
  g_rmdir (fake->dir);
  g_free (fake->socket);
  g_free (fake->dir);
}

/* Peak RSS from here on (writing 5 to clear_refs resets VmHWM). */
static gsize
reset_peak_rss (void)
{
  int clear_refs = open ("/proc/self/clear_refs", O_WRONLY | O_CLOEXEC);

  g_assert_cmpint (clear_refs, >=, 0);
  g_assert_cmpint (write (clear_refs, "5", 1), ==, 1);
  close (clear_refs);
  return status_kb ("VmRSS:");
}

static void
test_huge_answer (void)
{
  FakeChild fake = { 0 };
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(JsonNode) node = NULL;
  g_autoptr(GError) error = NULL;
  gsize rss_before, peak_after;
  gint64 start;

  fake_child_start (&fake, FALSE);

  rss_before = reset_peak_rss ();
  start = g_get_monotonic_time ();

  dockyard_engine_request_async (fake.engine, "GET", "/images/json", NULL, NULL,
                                 dockyard_test_store_result_cb, &result);
  dockyard_test_wait_for_async (&result);
  node = dockyard_engine_request_finish (fake.engine, result, &error);
  peak_after = status_kb ("VmHWM:");
  g_test_message ("100 MB answer: %s after %.1f s; RSS %zu kB before, peak %zu kB (+%zu MiB)",
                  error ? error->message : "parsed",
                  (g_get_monotonic_time () - start) / (double) G_USEC_PER_SEC,
                  rss_before, peak_after, (peak_after - rss_before) / 1024);

  /* Refused clearly, not parsed into a million objects. */
  g_assert_null (node);
  g_assert_error (error, DOCKYARD_ENGINE_ERROR, DOCKYARD_ENGINE_ERROR_MALFORMED_RESPONSE);
  g_assert_nonnull (strstr (error->message, "MiB"));
  /* Bounded memory: the 64 MiB cap plus the allocator's slack (ASan's
   * quarantine holds on to freed buffers), far below a parse of 100 MB. */
  g_assert_cmpuint ((peak_after - rss_before) / 1024, <, 400);
  g_clear_error (&error);
  g_clear_object (&result);
  g_clear_pointer (&node, json_node_unref);

  /* The engine still works for the next request. */
  dockyard_engine_request_async (fake.engine, "GET", "/containers/json", NULL, NULL,
                                 dockyard_test_store_result_cb, &result);
  dockyard_test_wait_for_async (&result);
  node = dockyard_engine_request_finish (fake.engine, result, &error);
  g_assert_no_error (error);
  g_assert_true (JSON_NODE_HOLDS_ARRAY (node));

  fake_child_stop (&fake);
}

/* How many bytes the fake engine had written on the last closed endless
 * answer of @kind, once the client has hung up (0: none closed yet). */
static guint64
endless_bytes_sent (DockyardEngine *engine,
                    const char     *kind)
{
  for (guint attempt = 0; attempt < 600; attempt++)
    {
      g_autoptr(GAsyncResult) result = NULL;
      g_autoptr(JsonNode) node = NULL;
      g_autoptr(GError) error = NULL;
      JsonObject *object;

      dockyard_engine_request_async (engine, "GET", "/fake/endless", NULL, NULL,
                                     dockyard_test_store_result_cb, &result);
      dockyard_test_wait_for_async (&result);
      node = dockyard_engine_request_finish (engine, result, &error);
      g_assert_no_error (error);
      object = json_node_get_object (node);
      if (json_object_has_member (object, kind))
        return json_object_get_int_member (object, kind);
      /* The fake sees the hang-up when its next write fails. */
      g_usleep (100 * 1000);
    }
  g_error ("the client never closed the endless %s answer", kind);
}

static void
check_endless_bounded (const char *what,
                       guint64     sent,
                       gsize       rss_before,
                       gsize       peak_after,
                       guint       bound_mib)
{
  g_test_message ("endless %s line: the fake engine wrote %.1f MiB before the client hung up; "
                  "RSS %zu kB before, peak %zu kB (+%zu MiB); bound %u MiB",
                  what, sent / (1024.0 * 1024.0), rss_before, peak_after,
                  (peak_after - rss_before) / 1024, bound_mib);

  /* The client read up to its bound, then hung up: the fake had written the
   * bound plus what the socket buffers hold, nowhere near ENDLESS_MIB. */
  g_assert_cmpuint (sent, >=, (guint64) bound_mib * 1024 * 1024);
  g_assert_cmpuint (sent, <, (guint64) (bound_mib + 8) * 1024 * 1024);
  /* Memory: a few times the bound (the doubling buffer, ASan's quarantine),
   * not the gigabytes of the line. */
  g_assert_cmpuint ((peak_after - rss_before) / 1024, <, 4 * bound_mib + 64);
}

static void
events_error_cb (DockyardEventStream *events,
                 GParamSpec          *pspec,
                 GError             **first_error)
{
  const GError *error = dockyard_event_stream_get_error (events);

  if (error != NULL && *first_error == NULL)
    *first_error = g_error_copy (error);
}

static void
test_endless_event_line (void)
{
  FakeChild fake = { 0 };
  g_autoptr(DockyardEventStream) events = NULL;
  g_autoptr(GError) error = NULL;
  gsize rss_before, peak_after;

  fake_child_start (&fake, FALSE);
  events = dockyard_event_stream_new (fake.engine);
  g_signal_connect (events, "notify::error", G_CALLBACK (events_error_cb), &error);

  rss_before = reset_peak_rss ();
  dockyard_event_stream_start (events);
  while (error == NULL)
    g_main_context_iteration (NULL, TRUE);
  dockyard_event_stream_stop (events);
  peak_after = status_kb ("VmHWM:");

  g_test_message ("%s", error->message);
  g_assert_error (error, DOCKYARD_ENGINE_ERROR, DOCKYARD_ENGINE_ERROR_MALFORMED_RESPONSE);
  g_assert_cmpstr (error->message, ==, "The engine sent an event longer than 1 MiB.");
  g_assert_false (dockyard_event_stream_get_connected (events));

  check_endless_bounded ("/events", endless_bytes_sent (fake.engine, "events"),
                         rss_before, peak_after, EVENT_LINE_MIB);
  fake_child_stop (&fake);
}

/* Issue 16, item 12: /events answers 200 and closes at once, over and
 * over, or with one event before it closes.  The reconnects slow down
 * (200 ms, 400 ms, 800 ms, ...) instead of coming 5 times a second for
 * ever: neither an open that closes at once nor an event is reason enough
 * to start again from the first delay; a stream that stays open is. */
static void
test_events_closing_at_once (gconstpointer data)
{
  const char *mode = data;
  FakeChild fake = { 0 };
  g_autoptr(DockyardEventStream) events = NULL;
  g_autoptr(JsonNode) node = NULL;
  g_autoptr(GError) error = NULL;
  gint64 until;
  gint64 opened;

  fake_child_start_mode (&fake, FALSE, mode);
  events = dockyard_event_stream_new (fake.engine);
  dockyard_event_stream_start (events);
  until = g_get_monotonic_time () + 4 * G_USEC_PER_SEC;
  while (g_get_monotonic_time () < until)
    {
      g_main_context_iteration (NULL, FALSE);
      g_usleep (5000);
    }
  dockyard_event_stream_stop (events);

  node = dockyard_test_request (fake.engine, "GET", "/fake/events-opened", &error);
  g_assert_no_error (error);
  opened = json_object_get_int_member (json_node_get_object (node), "opened");
  g_test_message ("%s: /events opened %" G_GINT64_FORMAT " times in 4 s", mode, opened);
  /* 0, 0.2, 0.6, 1.4, 3.0 s: 5 opens; at a steady 200 ms it would be 20. */
  g_assert_cmpint (opened, >=, 2);
  g_assert_cmpint (opened, <=, 6);
  fake_child_stop (&fake);
}

/* A force-remove the engine refuses for a moment (Podman, a container
 * stopping by itself) is asked again until it succeeds; one it always
 * refuses ends with the engine's error after a bounded number of tries. */
static void
test_remove_refused_for_a_moment (void)
{
  FakeChild fake = { 0 };
  g_autoptr(JsonNode) node = NULL;
  g_autoptr(GError) error = NULL;
  JsonObject *deletes;

  fake_child_start_mode (&fake, FALSE, NULL);
  {
    g_autoptr(GAsyncResult) result = NULL;

    dockyard_engine_remove_container_async (fake.engine, "stopping",
                                            dockyard_test_store_result_cb, &result);
    dockyard_test_wait_for_async (&result);
    g_assert_true (dockyard_engine_remove_container_finish (fake.engine, result, &error));
    g_assert_no_error (error);
  }
  {
    g_autoptr(GAsyncResult) result = NULL;

    dockyard_engine_remove_container_async (fake.engine, "stuck",
                                            dockyard_test_store_result_cb, &result);
    dockyard_test_wait_for_async (&result);
    g_assert_false (dockyard_engine_remove_container_finish (fake.engine, result, &error));
    g_assert_error (error, DOCKYARD_ENGINE_ERROR, DOCKYARD_ENGINE_ERROR_SERVER_ERROR);
    g_assert_nonnull (strstr (error->message, "state improper"));
    g_clear_error (&error);
  }

  node = dockyard_test_request (fake.engine, "GET", "/fake/deletes", &error);
  g_assert_no_error (error);
  deletes = json_node_get_object (node);
  g_assert_cmpint (json_object_get_int_member (deletes, "stopping"), ==, 3);
  g_assert_cmpint (json_object_get_int_member (deletes, "stuck"), ==, 5);
  fake_child_stop (&fake);
}

/* Runs @build on the fake engine and waits for its end.  The context is
 * never looked at: an empty tar (two zero blocks). */
static char *
run_build (DockyardBuild  *build,
           GError        **error)
{
  static const char empty_tar[1024];
  g_autoptr(GInputStream) context = g_memory_input_stream_new_from_data (empty_tar,
                                                                         sizeof empty_tar, NULL);
  g_autoptr(GAsyncResult) result = NULL;

  dockyard_build_run_async (build, context, NULL, dockyard_test_store_result_cb, &result);
  dockyard_test_wait_for_async (&result);
  return dockyard_build_run_finish (build, result, error);
}

static void
test_endless_build_line (void)
{
  FakeChild fake = { 0 };
  g_autoptr(DockyardBuild) build = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *image = NULL;
  gsize rss_before, peak_after;

  fake_child_start (&fake, FALSE);
  build = dockyard_build_new (fake.engine, "dockyard-hostile:endless");

  rss_before = reset_peak_rss ();
  image = run_build (build, &error);
  peak_after = status_kb ("VmHWM:");

  g_test_message ("%s", error ? error->message : "built");
  g_assert_null (image);
  g_assert_error (error, DOCKYARD_ENGINE_ERROR, DOCKYARD_ENGINE_ERROR_MALFORMED_RESPONSE);
  g_assert_cmpstr (error->message, ==, "The engine sent a build progress line longer than 16 MiB.");
  g_assert_cmpint (dockyard_build_get_state (build), ==, DOCKYARD_BUILD_FAILED);
  g_assert_cmpstr (dockyard_build_get_error_message (build), ==, error->message);

  check_endless_bounded ("/build", endless_bytes_sent (fake.engine, "build"),
                         rss_before, peak_after, PROGRESS_LINE_MIB);
  fake_child_stop (&fake);
}

/* Issue 16, item 12: the engine answers the build's head and a first step,
 * then stops altogether.  After 1 s of silence (set here; 30 s by default)
 * the build pings the engine on a connection of its own; no answer within
 * the ping's 10 s, and the build fails instead of waiting for ever. */
static void
test_stalled_build (void)
{
  FakeChild fake = { 0 };
  g_autoptr(DockyardBuild) build = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *image = NULL;
  gint64 start;
  double seconds;

  fake_child_start_mode (&fake, FALSE, "stalled-build");
  build = dockyard_build_new (fake.engine, "dockyard-hostile:stalled");
  dockyard_build_set_stall_check (build, 1);

  start = g_get_monotonic_time ();
  image = run_build (build, &error);
  seconds = (g_get_monotonic_time () - start) / (double) G_USEC_PER_SEC;

  g_test_message ("the build ended after %.1f s: %s", seconds, error ? error->message : "built");
  g_assert_null (image);
  g_assert_error (error, DOCKYARD_ENGINE_ERROR, DOCKYARD_ENGINE_ERROR_TIMED_OUT);
  g_assert_true (g_str_has_prefix (error->message,
                                   "The engine stopped answering during the build: nothing came "
                                   "for 1 second, and it did not answer when checked: "));
  g_assert_nonnull (strstr (error->message, "did not answer within 10 seconds"));
  g_assert_cmpint (dockyard_build_get_state (build), ==, DOCKYARD_BUILD_FAILED);
  g_assert_cmpstr (dockyard_build_get_error_message (build), ==, error->message);
  /* The step that came with the head is shown, though nothing followed it. */
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (build)), ==, 1);
  /* 1 s of silence, then the ping's 10 s, plus slack for a loaded machine. */
  g_assert_cmpfloat (seconds, >=, 10.0);
  g_assert_cmpfloat (seconds, <, 30.0);
  fake_child_stop (&fake);
}

/* ... and a build that is only quiet (3 s without a word, the engine
 * answering its pings meanwhile) goes on and succeeds. */
static void
test_quiet_build (void)
{
  FakeChild fake = { 0 };
  g_autoptr(DockyardBuild) build = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) node = NULL;
  g_autofree char *image = NULL;
  gint64 pinged;

  fake_child_start_mode (&fake, FALSE, "quiet-build");
  build = dockyard_build_new (fake.engine, "dockyard-hostile:quiet");
  dockyard_build_set_stall_check (build, 1);

  image = run_build (build, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (image, ==, "sha256:0123456789abcdef");
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (build)), ==, 2);
  g_assert_cmpint (dockyard_build_get_state (build), ==, DOCKYARD_BUILD_SUCCEEDED);

  /* The engine was checked meanwhile (after the connect's own ping). */
  node = dockyard_test_request (fake.engine, "GET", "/fake/pings", &error);
  g_assert_no_error (error);
  pinged = json_object_get_int_member (json_node_get_object (node), "pings");
  g_test_message ("the fake engine answered %" G_GINT64_FORMAT " pings", pinged);
  g_assert_cmpint (pinged, >=, 2);
  fake_child_stop (&fake);
}

static void
test_endless_exec_header (void)
{
  FakeChild fake = { 0 };
  g_autoptr(DockyardExecStream) stream = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  const char * const argv[] = { "/bin/sh", NULL };
  guint64 sent;

  fake_child_start (&fake, FALSE);

  dockyard_exec_stream_new_async (fake.engine, "fake-container", argv, NULL, NULL, NULL, NULL,
                                  dockyard_test_store_result_cb, &result);
  dockyard_test_wait_for_async (&result);
  stream = dockyard_exec_stream_new_finish (result, &error);
  g_test_message ("%s", error ? error->message : "opened");
  g_assert_null (stream);
  g_assert_error (error, DOCKYARD_ENGINE_ERROR, DOCKYARD_ENGINE_ERROR_MALFORMED_RESPONSE);
  g_assert_cmpstr (error->message, ==,
                   "The engine’s answer to the terminal request has a header line longer than 64 KiB.");

  /* The connection was dropped after the bound, not read on. */
  sent = endless_bytes_sent (fake.engine, "exec");
  g_test_message ("endless exec header: the fake engine wrote %.1f MiB before the hang-up",
                  sent / (1024.0 * 1024.0));
  g_assert_cmpuint (sent, >=, 64 * 1024);
  g_assert_cmpuint (sent, <, 8 * 1024 * 1024);
  fake_child_stop (&fake);
}

static void
test_endless_ping (void)
{
  FakeChild fake = { 0 };
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;

  fake_child_start (&fake, TRUE);

  dockyard_engine_ping_async (fake.engine, NULL, dockyard_test_store_result_cb, &result);
  dockyard_test_wait_for_async (&result);
  g_assert_false (dockyard_engine_ping_finish (fake.engine, result, &error));
  g_test_message ("%s", error->message);
  g_assert_error (error, DOCKYARD_ENGINE_ERROR, DOCKYARD_ENGINE_ERROR_MALFORMED_RESPONSE);
  g_assert_cmpstr (error->message, ==, "The engine’s answer to a ping is larger than 16 KiB.");

  fake_child_stop (&fake);
}

int
main (int   argc,
      char *argv[])
{
  if (argc >= 3 && g_str_equal (argv[1], "--fake-engine"))
    {
      closing_events = argc == 4 && g_str_equal (argv[3], "closing-events");
      one_event_events = argc == 4 && g_str_equal (argv[3], "one-event-events");
      stalled_build = argc == 4 && g_str_equal (argv[3], "stalled-build");
      quiet_build = argc == 4 && g_str_equal (argv[3], "quiet-build");
      return run_fake_engine (argv[2], argc == 4 && g_str_equal (argv[3], "endless-ping"));
    }

  self_exe = g_file_read_link ("/proc/self/exe", NULL);
  dockyard_test_init (&argc, &argv);

  g_test_add ("/hostile-engine/never-answers/connect", SilentEngine, NULL,
              silent_setup, test_never_answers_connect, silent_teardown);
  g_test_add ("/hostile-engine/never-answers/cancel", SilentEngine, NULL,
              silent_setup, test_never_answers_cancel, silent_teardown);
  g_test_add ("/hostile-engine/never-answers/request-timeout", SilentEngine, NULL,
              silent_setup, test_never_answers_request_timeout, silent_teardown);
  g_test_add_func ("/hostile-engine/huge-answer", test_huge_answer);
  g_test_add_func ("/hostile-engine/endless-line/events", test_endless_event_line);
  g_test_add_func ("/hostile-engine/endless-line/build", test_endless_build_line);
  g_test_add_func ("/hostile-engine/endless-line/exec-header", test_endless_exec_header);
  g_test_add_func ("/hostile-engine/stalled-build", test_stalled_build);
  g_test_add_func ("/hostile-engine/quiet-build", test_quiet_build);
  g_test_add_func ("/hostile-engine/endless-ping", test_endless_ping);
  g_test_add_data_func ("/hostile-engine/events-closing-at-once", "closing-events",
                        test_events_closing_at_once);
  g_test_add_data_func ("/hostile-engine/events-one-then-closing", "one-event-events",
                        test_events_closing_at_once);
  g_test_add_func ("/hostile-engine/remove-refused-for-a-moment", test_remove_refused_for_a_moment);

  int status = g_test_run ();
  g_free (self_exe);
  return status;
}
