/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Engines that misbehave in ways a real one will not on demand: one that
 * accepts connections and never answers, and one whose answer is 100 MB. */
#include "config.h"

#include <gio/gunixsocketaddress.h>
#include <fcntl.h>
#include <signal.h>
#include <unistd.h>
#include <sys/prctl.h>
#include <sys/wait.h>

#include "dockyard-engine.h"
#include "dockyard-test-utils.h"

/* The fake engine's image listing, in MiB. */
#define HUGE_ANSWER_MIB 100

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

  /* A plain request has no timeout of its own: the caller's cancellable is
   * what ends it (the window cancels on close, the user presses Stop). */
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

/* An engine whose image list is 100 MB ---------------------------------------- */

/* Runs in a child process (this program with --fake-engine SOCKET), so that
 * the test's memory figures are the client's alone. */
static char *huge_body;
static gsize huge_length;

static void
fake_handle_cb (SoupServer        *server,
                SoupServerMessage *message,
                const char        *path,
                GHashTable        *query,
                gpointer           user_data)
{
  SoupMessageHeaders *headers = soup_server_message_get_response_headers (message);

  if (g_str_equal (path, "/_ping"))
    {
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
      soup_server_message_set_status (message, 200, NULL);
      soup_server_message_set_response (message, "application/json", SOUP_MEMORY_STATIC,
                                        huge_body, huge_length);
    }
  else if (g_str_has_suffix (path, "/containers/json"))
    {
      soup_server_message_set_status (message, 200, NULL);
      soup_server_message_set_response (message, "application/json", SOUP_MEMORY_STATIC, "[]", 2);
    }
  else
    soup_server_message_set_status (message, 404, NULL);
}

static int
run_fake_engine (const char *socket_path)
{
  g_autoptr(GMainLoop) loop = g_main_loop_new (NULL, FALSE);
  g_autoptr(SoupServer) server = soup_server_new (NULL, NULL);
  g_autoptr(GSocket) socket = NULL;
  g_autoptr(GSocketAddress) address = NULL;
  g_autoptr(GError) error = NULL;
  GString *body = g_string_sized_new ((HUGE_ANSWER_MIB + 1) * 1024 * 1024);

  /* Valid JSON, as a daemon with a million images would send it. */
  g_string_append_c (body, '[');
  for (guint i = 0; body->len < (gsize) HUGE_ANSWER_MIB * 1024 * 1024; i++)
    g_string_append_printf (body, "%s{\"Id\":\"sha256:%064x\",\"RepoTags\":[\"img%u:1.0\"],"
                            "\"Created\":1700000000,\"Size\":%u}", i ? "," : "", i, i, i);
  g_string_append_c (body, ']');
  huge_length = body->len;
  huge_body = g_string_free (body, FALSE);

  socket = g_socket_new (G_SOCKET_FAMILY_UNIX, G_SOCKET_TYPE_STREAM, G_SOCKET_PROTOCOL_DEFAULT,
                         &error);
  g_assert_no_error (error);
  address = g_unix_socket_address_new (socket_path);
  g_socket_bind (socket, address, TRUE, &error);
  g_assert_no_error (error);
  g_socket_listen (socket, &error);
  g_assert_no_error (error);
  soup_server_add_handler (server, NULL, fake_handle_cb, NULL, NULL);
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

static void
test_huge_answer (void)
{
  g_autofree char *dir = NULL;
  g_autofree char *socket = NULL;
  g_autoptr(DockyardEngine) engine = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(JsonNode) node = NULL;
  g_autoptr(GError) error = NULL;
  const char *argv[] = { self_exe, "--fake-engine", NULL, NULL };
  GPid pid;
  gsize rss_before, peak_after;
  int clear_refs;
  gint64 start;

  dir = g_dir_make_tmp ("dockyard-huge-XXXXXX", &error);
  g_assert_no_error (error);
  socket = g_build_filename (dir, "docker.sock", NULL);
  argv[2] = socket;
  g_spawn_async (NULL, (char **) argv, NULL, G_SPAWN_DO_NOT_REAP_CHILD, die_with_parent, NULL,
                 &pid, &error);
  g_assert_no_error (error);

  /* Connecting retries until the child listens. */
  engine = dockyard_engine_new (socket);
  for (guint attempt = 0; ; attempt++)
    {
      g_clear_object (&result);
      g_clear_error (&error);
      dockyard_engine_connect_async (engine, NULL, dockyard_test_store_result_cb, &result);
      dockyard_test_wait_for_async (&result);
      if (dockyard_engine_connect_finish (engine, result, &error))
        break;
      if (attempt == 299)
        g_error ("the fake engine never came up: %s", error->message);
      g_usleep (100 * 1000);
    }
  g_clear_object (&result);

  /* Peak RSS from here on (writing 5 to clear_refs resets VmHWM). */
  clear_refs = open ("/proc/self/clear_refs", O_WRONLY | O_CLOEXEC);
  g_assert_cmpint (clear_refs, >=, 0);
  g_assert_cmpint (write (clear_refs, "5", 1), ==, 1);
  close (clear_refs);
  rss_before = status_kb ("VmRSS:");
  start = g_get_monotonic_time ();

  dockyard_engine_request_async (engine, "GET", "/images/json", NULL, NULL,
                                 dockyard_test_store_result_cb, &result);
  dockyard_test_wait_for_async (&result);
  node = dockyard_engine_request_finish (engine, result, &error);
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
  dockyard_engine_request_async (engine, "GET", "/containers/json", NULL, NULL,
                                 dockyard_test_store_result_cb, &result);
  dockyard_test_wait_for_async (&result);
  node = dockyard_engine_request_finish (engine, result, &error);
  g_assert_no_error (error);
  g_assert_true (JSON_NODE_HOLDS_ARRAY (node));

  kill (pid, SIGKILL);
  waitpid (pid, NULL, 0);
  g_spawn_close_pid (pid);
  g_unlink (socket);
  g_rmdir (dir);
}

int
main (int   argc,
      char *argv[])
{
  if (argc == 3 && g_str_equal (argv[1], "--fake-engine"))
    return run_fake_engine (argv[2]);

  self_exe = g_file_read_link ("/proc/self/exe", NULL);
  dockyard_test_init (&argc, &argv);

  g_test_add ("/hostile-engine/never-answers/connect", SilentEngine, NULL,
              silent_setup, test_never_answers_connect, silent_teardown);
  g_test_add ("/hostile-engine/never-answers/cancel", SilentEngine, NULL,
              silent_setup, test_never_answers_cancel, silent_teardown);
  g_test_add_func ("/hostile-engine/huge-answer", test_huge_answer);

  int status = g_test_run ();
  g_free (self_exe);
  return status;
}
