/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <sys/stat.h>
#include <unistd.h>

#include <glib/gstdio.h>

#include "dockyard-container-spec.h"
#include "dockyard-lab-session.h"
#include "dockyard-test-utils.h"

typedef struct
{
  DockyardEngine     *engine;
  char               *folder;
  DockyardProject    *project;
  DockyardLabSession *lab;
} Fixture;

static gboolean
tick_cb (gpointer data)
{
  return G_SOURCE_CONTINUE;
}

static void
fixture_setup_on (Fixture    *fixture,
                  const char *socket,
                  const char *image)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *notebook = NULL;

  if (socket == NULL)
    return;

  fixture->engine = dockyard_test_connect_engine_at (socket);

  fixture->folder = g_dir_make_tmp ("dockyard-lab-XXXXXX", &error);
  g_assert_no_error (error);
  notebook = g_build_filename (fixture->folder, "analysis-notes.txt", NULL);
  g_file_set_contents (notebook, "made on the host\n", -1, &error);
  g_assert_no_error (error);

  fixture->project = dockyard_test_open_project (fixture->folder);

  fixture->lab = dockyard_lab_session_new (fixture->project, fixture->engine);
  dockyard_lab_session_set_image (fixture->lab, image ? image : g_getenv ("DOCKYARD_TEST_PYTHON_IMAGE"));
}

static void
fixture_setup (Fixture       *fixture,
               gconstpointer  data)
{
  fixture_setup_on (fixture, dockyard_test_engine_address (), data);
}

/* An engine with a bridge that someone already runs, named in
 * DOCKYARD_TEST_BRIDGE_HOST (tests/README.md); none is ever made here. */
static void
fixture_setup_bridge (Fixture       *fixture,
                      gconstpointer  data)
{
  const char *host = g_getenv ("DOCKYARD_TEST_BRIDGE_HOST");

  if (host == NULL || !g_str_has_prefix (host, "unix://"))
    return;
  fixture_setup_on (fixture, host + strlen ("unix://"), data);
}

static gboolean
container_exists (Fixture    *fixture,
                  const char *id)
{
  g_autofree char *path = g_strdup_printf ("/containers/%s/json", id);
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(JsonNode) node = NULL;
  g_autoptr(GError) error = NULL;

  dockyard_engine_request_async (fixture->engine, "GET", path, NULL, NULL,
                                 dockyard_test_store_result_cb, &result);
  dockyard_test_wait_for_async (&result);
  node = dockyard_engine_request_finish (fixture->engine, result, &error);
  return node != NULL;
}

static void
stop_lab (Fixture *fixture)
{
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;

  dockyard_lab_session_stop_async (fixture->lab, dockyard_test_store_result_cb, &result);
  dockyard_test_wait_for_async (&result);
  g_assert_true (dockyard_lab_session_stop_finish (fixture->lab, result, &error));
  g_assert_no_error (error);
}

static void
fixture_teardown (Fixture       *fixture,
                  gconstpointer  data)
{
  if (fixture->lab != NULL)
    {
      g_autofree char *id = g_strdup (dockyard_lab_session_get_container_id (fixture->lab));

      stop_lab (fixture);
      if (id != NULL)
        g_assert_false (container_exists (fixture, id));
    }

  if (fixture->folder != NULL)
    dockyard_test_remove_tree (fixture->folder);

  g_clear_object (&fixture->lab);
  g_clear_object (&fixture->project);
  g_clear_object (&fixture->engine);
  g_free (fixture->folder);
}

static guint
http_status (const char *uri)
{
  g_autoptr(SoupSession) session = soup_session_new ();
  g_autoptr(SoupMessage) message = soup_message_new ("GET", uri);
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GBytes) body = NULL;

  /* Redirects are answers too (a login page): count them as they come. */
  soup_message_add_flags (message, SOUP_MESSAGE_NO_REDIRECT);
  soup_session_send_and_read_async (session, message, G_PRIORITY_DEFAULT, NULL,
                                    dockyard_test_store_result_cb, &result);
  dockyard_test_wait_for_async (&result);
  body = soup_session_send_and_read_finish (session, result, NULL);
  return soup_message_get_status (message);
}

static void
start_and_wait (Fixture  *fixture,
                GError  **error)
{
  g_autoptr(GAsyncResult) result = NULL;

  dockyard_lab_session_start_async (fixture->lab, NULL, dockyard_test_store_result_cb, &result);
  dockyard_test_wait_for_async (&result);
  dockyard_lab_session_start_finish (fixture->lab, result, error);
}

static void
test_jupyter_ready (Fixture       *fixture,
                    gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *without_token = NULL;
  g_autofree char *status_without = NULL;
  g_autofree char *files = NULL;
  g_autofree char *token_query = NULL;
  const char *url;

  DOCKYARD_TEST_REQUIRE_ENGINE (fixture->engine);

  start_and_wait (fixture, &error);
  g_assert_no_error (error);
  g_assert_cmpint (dockyard_lab_session_get_state (fixture->lab), ==, DOCKYARD_LAB_SESSION_RUNNING);

  url = dockyard_lab_session_get_url (fixture->lab);
  g_test_message ("lab at port %u, host network %d", dockyard_lab_session_get_port (fixture->lab),
                  dockyard_lab_session_get_host_network (fixture->lab));
  g_assert_true (g_str_has_prefix (url, "http://127.0.0.1:"));
  /* The Debian test image ships the classic notebook. */
  g_assert_nonnull (strstr (url, "/tree?token="));
  /* At least 128 bits of token: 64 hex digits here. */
  g_assert_cmpuint (strlen (strstr (url, "token=") + 6), >=, 32);

  g_assert_cmpuint (http_status (url), ==, 200);

  without_token = g_strndup (url, strstr (url, "?") - url);
  g_assert_cmpuint (http_status (without_token), !=, 200);
  status_without = g_strdup_printf ("http://127.0.0.1:%u/api/status",
                                    dockyard_lab_session_get_port (fixture->lab));
  g_assert_cmpuint (http_status (status_without), ==, 403);

  /* The project folder is what Jupyter serves. */
  token_query = g_strdup (strstr (url, "token="));
  files = g_strdup_printf ("http://127.0.0.1:%u/api/contents/analysis-notes.txt?%s",
                           dockyard_lab_session_get_port (fixture->lab), token_query);
  g_assert_cmpuint (http_status (files), ==, 200);

  /* Nothing in the log gives the token away to Dockyard's own output. */
  g_assert_nonnull (dockyard_lab_session_get_log (fixture->lab));

  /* The browser gets a page only the user can read, which sends it on with
   * the token: a browser's command line is readable by every local user. */
  {
    g_autofree char *launch = dockyard_lab_session_dup_launch_uri (fixture->lab, &error);
    g_autofree char *page = NULL;
    g_autofree char *html = NULL;
    g_autofree char *escaped = g_markup_escape_text (url, -1);
    GStatBuf st;

    g_assert_no_error (error);
    g_assert_true (g_str_has_prefix (launch, "file:///"));
    g_assert_null (strstr (launch, "token="));
    page = g_filename_from_uri (launch, NULL, &error);
    g_assert_no_error (error);
    g_assert_cmpint (g_lstat (page, &st), ==, 0);
    g_assert_true (S_ISREG (st.st_mode));
    g_assert_cmpuint (st.st_mode & 0777, ==, 0600);
    g_assert_cmpuint (st.st_uid, ==, getuid ());
    g_assert_true (g_file_get_contents (page, &html, NULL, NULL));
    g_assert_nonnull (strstr (html, escaped));

    /* The token dies with the lab; so does the page. */
    stop_lab (fixture);
    g_assert_false (g_file_test (page, G_FILE_TEST_EXISTS));
  }
}

/* An engine on another computer (issue 20): Jupyter on the container's
 * own loopback, nothing published, reached through the engine on a port of
 * this computer's 127.0.0.1; the token as for a local lab.  The engine
 * here is treated as remote (DOCKYARD_TREAT_ENGINE_AS_REMOTE). */
static void
test_remote_relayed (Fixture       *fixture,
                     gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *status_with = NULL;
  g_autofree char *status_without = NULL;
  g_autofree char *inspect_path = NULL;
  g_autofree char *launch = NULL;
  g_autofree char *page = NULL;
  g_autofree char *html = NULL;
  g_autofree char *escaped = NULL;
  g_autoptr(JsonNode) inspect = NULL;
  g_autoptr(GSocketClient) client = g_socket_client_new ();
  g_autoptr(GSocketConnection) after = NULL;
  JsonObject *host_config;
  const char *url;
  guint port;

  DOCKYARD_TEST_REQUIRE_ENGINE (fixture->engine);

  g_setenv ("DOCKYARD_TREAT_ENGINE_AS_REMOTE", "1", TRUE);
  start_and_wait (fixture, &error);
  g_unsetenv ("DOCKYARD_TREAT_ENGINE_AS_REMOTE");
  g_assert_no_error (error);
  g_assert_cmpint (dockyard_lab_session_get_state (fixture->lab), ==, DOCKYARD_LAB_SESSION_RUNNING);
  g_assert_true (dockyard_lab_session_get_relayed (fixture->lab));
  g_assert_false (dockyard_lab_session_get_host_network (fixture->lab));

  url = dockyard_lab_session_get_url (fixture->lab);
  port = dockyard_lab_session_get_port (fixture->lab);
  g_test_message ("relayed lab at %s", url);
  g_assert_true (g_str_has_prefix (url, "http://127.0.0.1:"));

  /* 200 with the token through the local address, refused without. */
  g_assert_cmpuint (http_status (url), ==, 200);
  status_with = g_strdup_printf ("http://127.0.0.1:%u/api/status?%s", port, strstr (url, "token="));
  g_assert_cmpuint (http_status (status_with), ==, 200);
  status_without = g_strdup_printf ("http://127.0.0.1:%u/api/status", port);
  g_assert_cmpuint (http_status (status_without), ==, 403);

  /* The engine publishes nothing, and Jupyter does not share a network. */
  inspect_path = g_strdup_printf ("/containers/%s/json",
                                  dockyard_lab_session_get_container_id (fixture->lab));
  inspect = dockyard_test_request (fixture->engine, "GET", inspect_path, &error);
  g_assert_no_error (error);
  host_config = json_object_get_object_member (json_node_get_object (inspect), "HostConfig");
  g_assert_cmpstr (json_object_get_string_member (host_config, "NetworkMode"), !=, "host");
  if (json_object_has_member (host_config, "PortBindings") &&
      JSON_NODE_HOLDS_OBJECT (json_object_get_member (host_config, "PortBindings")))
    g_assert_cmpuint (json_object_get_size (json_object_get_object_member (host_config,
                                                                           "PortBindings")), ==, 0);

  /* The token stays in the page for the browser, as for a local lab. */
  launch = dockyard_lab_session_dup_launch_uri (fixture->lab, &error);
  g_assert_no_error (error);
  g_assert_null (strstr (launch, "token="));
  page = g_filename_from_uri (launch, NULL, &error);
  g_assert_no_error (error);
  g_assert_true (g_file_get_contents (page, &html, NULL, NULL));
  escaped = g_markup_escape_text (url, -1);
  g_assert_nonnull (strstr (html, escaped));

  /* The relay ends with the lab. */
  stop_lab (fixture);
  g_assert_false (g_file_test (page, G_FILE_TEST_EXISTS));
  after = g_socket_client_connect_to_host (client, "127.0.0.1", port, NULL, &error);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CONNECTION_REFUSED);
}

static char *
container_name (Fixture    *fixture,
                const char *id)
{
  g_autofree char *path = g_strdup_printf ("/containers/%s/json", id);
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(JsonNode) node = NULL;

  dockyard_engine_request_async (fixture->engine, "GET", path, NULL, NULL,
                                 dockyard_test_store_result_cb, &result);
  dockyard_test_wait_for_async (&result);
  node = dockyard_engine_request_finish (fixture->engine, result, NULL);
  g_assert_nonnull (node);
  return g_strdup (json_object_get_string_member (json_node_get_object (node), "Name"));
}

/* Jupyter's own Quit (POST /api/shutdown): a clean stop, not a failure;
 * the container was NAME-lab, as the dev container is NAME-dev, and is gone
 * (issue 18, items 6 and 17). */
static void
test_jupyter_quit (Fixture       *fixture,
                   gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(SoupSession) session = soup_session_new ();
  g_autoptr(SoupMessage) message = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GBytes) body = NULL;
  g_autofree char *image = NULL;
  g_autofree char *expected = NULL;
  g_autofree char *name = NULL;
  g_autofree char *id = NULL;
  g_autofree char *uri = NULL;
  g_autofree char *auth = NULL;
  const char *url;
  gint64 deadline;
  guint tick;

  DOCKYARD_TEST_REQUIRE_ENGINE (fixture->engine);

  start_and_wait (fixture, &error);
  g_assert_no_error (error);
  id = g_strdup (dockyard_lab_session_get_container_id (fixture->lab));

  image = dockyard_project_dup_image_name (fixture->project);
  *strrchr (image, ':') = '\0';
  expected = g_strdup_printf ("/%s-lab", image);
  name = container_name (fixture, id);
  g_assert_cmpstr (name, ==, expected);

  url = dockyard_lab_session_get_url (fixture->lab);
  uri = g_strdup_printf ("http://127.0.0.1:%u/api/shutdown", dockyard_lab_session_get_port (fixture->lab));
  auth = g_strdup_printf ("token %s", strstr (url, "token=") + strlen ("token="));
  message = soup_message_new ("POST", uri);
  soup_message_headers_append (soup_message_get_request_headers (message), "Authorization", auth);
  soup_session_send_and_read_async (session, message, G_PRIORITY_DEFAULT, NULL,
                                    dockyard_test_store_result_cb, &result);
  dockyard_test_wait_for_async (&result);
  body = soup_session_send_and_read_finish (session, result, NULL);
  g_test_message ("POST /api/shutdown: %u", soup_message_get_status (message));

  tick = g_timeout_add (50, tick_cb, NULL);
  deadline = g_get_monotonic_time () + 30 * G_USEC_PER_SEC;
  while (dockyard_lab_session_get_state (fixture->lab) == DOCKYARD_LAB_SESSION_RUNNING)
    {
      g_assert_cmpint (g_get_monotonic_time (), <, deadline);
      g_main_context_iteration (NULL, TRUE);
    }
  g_source_remove (tick);
  g_assert_cmpint (dockyard_lab_session_get_state (fixture->lab), ==, DOCKYARD_LAB_SESSION_STOPPED);
  g_assert_true (dockyard_lab_session_get_quit_by_jupyter (fixture->lab));
  g_assert_null (dockyard_lab_session_get_error_message (fixture->lab));
}

static void
test_missing_jupyter (Fixture       *fixture,
                      gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  gint64 start = g_get_monotonic_time ();

  DOCKYARD_TEST_REQUIRE_ENGINE (fixture->engine);

  start_and_wait (fixture, &error);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND);
  g_assert_true (dockyard_lab_session_get_missing_jupyter (fixture->lab));
  g_assert_nonnull (strstr (error->message, "no Jupyter"));
  g_assert_cmpint (dockyard_lab_session_get_state (fixture->lab), ==, DOCKYARD_LAB_SESSION_FAILED);
  /* Clear, and quick. */
  g_assert_cmpint (g_get_monotonic_time () - start, <, 10 * G_USEC_PER_SEC);
}

static void
test_stop_while_starting (Fixture       *fixture,
                          gconstpointer  data)
{
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  gint64 deadline = g_get_monotonic_time () + 60 * G_USEC_PER_SEC;
  guint tick = g_timeout_add (20, tick_cb, NULL);
  g_autofree char *id = NULL;

  DOCKYARD_TEST_REQUIRE_ENGINE (fixture->engine);

  dockyard_lab_session_start_async (fixture->lab, NULL, dockyard_test_store_result_cb, &result);
  /* Stop once the container exists, before Jupyter answers. */
  while (dockyard_lab_session_get_container_id (fixture->lab) == NULL)
    {
      g_assert_cmpint (g_get_monotonic_time (), <, deadline);
      g_main_context_iteration (NULL, TRUE);
    }
  g_source_remove (tick);
  id = g_strdup (dockyard_lab_session_get_container_id (fixture->lab));
  stop_lab (fixture);

  dockyard_test_wait_for_async (&result);
  g_assert_false (dockyard_lab_session_start_finish (fixture->lab, result, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_assert_cmpint (dockyard_lab_session_get_state (fixture->lab), ==, DOCKYARD_LAB_SESSION_STOPPED);
  g_assert_false (container_exists (fixture, id));
}

/* Starts a lab and stops it @delay_us later; returns when the lab's own
 * container got its id (with @stop FALSE: a measurement, stopped then). */
static gint64
lab_stop_after (Fixture *fixture,
                gint64   delay_us,
                gboolean stop)
{
  g_autoptr(DockyardLabSession) lab = dockyard_lab_session_new (fixture->project, fixture->engine);
  g_autoptr(GAsyncResult) start_result = NULL;
  g_autoptr(GAsyncResult) stop_result = NULL;
  g_autoptr(GError) error = NULL;
  gint64 begin = g_get_monotonic_time ();
  gint64 created = 0;
  guint tick = g_timeout_add (1, tick_cb, NULL);

  dockyard_lab_session_set_image (lab, g_getenv ("DOCKYARD_TEST_PYTHON_IMAGE"));
  dockyard_lab_session_start_async (lab, NULL, dockyard_test_store_result_cb, &start_result);
  while (g_get_monotonic_time () - begin < delay_us || (!stop && created == 0 && start_result == NULL))
    {
      g_main_context_iteration (NULL, TRUE);
      if (created == 0 && dockyard_lab_session_get_container_id (lab) != NULL)
        created = g_get_monotonic_time () - begin;
    }
  g_source_remove (tick);

  dockyard_lab_session_stop_async (lab, dockyard_test_store_result_cb, &stop_result);
  dockyard_test_wait_for_async (&stop_result);
  g_assert_true (dockyard_lab_session_stop_finish (lab, stop_result, &error));
  g_assert_no_error (error);
  dockyard_test_wait_for_async (&start_result);
  g_assert_cmpint (dockyard_lab_session_get_state (lab), ==, DOCKYARD_LAB_SESSION_STOPPED);

  /* An engine that went on creating after a cancelled request would show
   * its container by now. */
  {
    gint64 until = g_get_monotonic_time () + 300 * 1000;
    guint wake = g_timeout_add (10, tick_cb, NULL);

    while (g_get_monotonic_time () < until)
      g_main_context_iteration (NULL, TRUE);
    g_source_remove (wake);
  }
  g_assert_cmpuint (dockyard_test_count_containers (fixture->engine,
                                                    dockyard_project_get_host_path (fixture->project)),
                    ==, 0);
  return created;
}

/* Issue 16, item 9: Stop at any moment of the start (during the probe, its
 * removal, the lab container's create in flight, its start) leaves no
 * container, the probe's included, and the lab ends Stopped, not Failed. */
static void
test_stop_at_any_moment (Fixture       *fixture,
                         gconstpointer  data)
{
  gint64 created;

  DOCKYARD_TEST_REQUIRE_ENGINE (fixture->engine);

  created = lab_stop_after (fixture, 0, FALSE);
  g_test_message ("lab container created after %" G_GINT64_FORMAT " us", created);
  g_assert_cmpint (created, >, 0);

  /* Every 1/20 of that time, and closer steps over the last fifth, where
   * the lab container's create is in flight. */
  for (guint i = 0; i < 20; i++)
    lab_stop_after (fixture, created * i / 20, TRUE);
  for (guint i = 0; i <= 20; i++)
    lab_stop_after (fixture, created * 4 / 5 + created * i / 100, TRUE);
}

static void
test_engine_dies (Fixture       *fixture,
                  gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  gint64 deadline;
  guint tick;

  DOCKYARD_TEST_REQUIRE_ENGINE (fixture->engine);

  if (g_getenv ("DOCKYARD_TEST_ENGINE_CTL") == NULL || *g_getenv ("DOCKYARD_TEST_ENGINE_CTL") == '\0')
    {
      dockyard_test_skip_unless_ci ("the engine is not the suite's own: it may not be killed");
      return;
    }

  start_and_wait (fixture, &error);
  g_assert_no_error (error);

  g_assert_true (dockyard_test_engine_control ("kill"));
  deadline = g_get_monotonic_time () + 30 * G_USEC_PER_SEC;
  tick = g_timeout_add (50, tick_cb, NULL);
  while (dockyard_lab_session_get_state (fixture->lab) != DOCKYARD_LAB_SESSION_FAILED)
    {
      g_assert_cmpint (g_get_monotonic_time (), <, deadline);
      g_main_context_iteration (NULL, TRUE);
    }
  g_source_remove (tick);
  g_assert_nonnull (strstr (dockyard_lab_session_get_error_message (fixture->lab), "engine"));

  /* Back again, Stop (in the teardown) still leaves nothing behind. */
  g_assert_true (dockyard_test_engine_control ("start"));
}

/* Listening TCP sockets on @port from /proc/net/tcp and tcp6: their local
 * addresses as /proc writes them (hex, IPv4 little-endian). */
static GPtrArray *
listening_addresses (guint port)
{
  GPtrArray *addresses = g_ptr_array_new_with_free_func (g_free);
  const char *files[] = { "/proc/net/tcp", "/proc/net/tcp6" };

  for (guint f = 0; f < G_N_ELEMENTS (files); f++)
    {
      g_autofree char *contents = NULL;
      g_auto(GStrv) lines = NULL;

      g_assert_true (g_file_get_contents (files[f], &contents, NULL, NULL));
      lines = g_strsplit (contents, "\n", -1);
      /* "  sl  local_address rem_address   st ..."; "0100007F:22B8 00000000:0000 0A" */
      for (guint i = 1; lines[i] != NULL; i++)
        {
          g_auto(GStrv) words = g_strsplit_set (g_strstrip (lines[i]), " ", -1);
          g_autoptr(GPtrArray) fields = g_ptr_array_new ();
          const char *local, *colon;

          for (guint j = 0; words[j] != NULL; j++)
            if (*words[j] != '\0')
              g_ptr_array_add (fields, words[j]);
          if (fields->len < 4 || !g_str_equal (g_ptr_array_index (fields, 3), "0A"))
            continue;
          local = g_ptr_array_index (fields, 1);
          colon = strchr (local, ':');
          if (colon != NULL && g_ascii_strtoull (colon + 1, NULL, 16) == port)
            g_ptr_array_add (addresses, g_strndup (local, colon - local));
        }
    }

  return addresses;
}

/* With a bridge, Jupyter runs in its own network namespace and the engine
 * publishes it on 127.0.0.1, on a port it chooses: the published-port path
 * of the lab, which the bridgeless test engine never takes. */
static void
test_bridge_published_port (Fixture       *fixture,
                            gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(JsonNode) node = NULL;
  g_autoptr(GPtrArray) listening = NULL;
  g_autofree char *path = NULL;
  g_autofree char *status_without = NULL;
  g_autofree char *status_with = NULL;
  g_autofree char *id = NULL;
  JsonObject *host_config, *ports;
  JsonArray *bindings;
  const char *url;
  guint port;

  if (fixture->engine == NULL)
    {
      dockyard_test_skip_unless_ci ("no engine with a bridge: see tests/README.md");
      return;
    }

  g_assert_true (dockyard_engine_get_has_bridge (fixture->engine));
  start_and_wait (fixture, &error);
  g_assert_no_error (error);
  g_assert_cmpint (dockyard_lab_session_get_state (fixture->lab), ==, DOCKYARD_LAB_SESSION_RUNNING);
  g_assert_false (dockyard_lab_session_get_host_network (fixture->lab));
  port = dockyard_lab_session_get_port (fixture->lab);
  id = g_strdup (dockyard_lab_session_get_container_id (fixture->lab));
  g_test_message ("lab published on 127.0.0.1:%u", port);

  /* Asked for: 127.0.0.1 only, the port left to the engine. */
  path = g_strdup_printf ("/containers/%s/json", id);
  dockyard_engine_request_async (fixture->engine, "GET", path, NULL, NULL,
                                 dockyard_test_store_result_cb, &result);
  dockyard_test_wait_for_async (&result);
  node = dockyard_engine_request_finish (fixture->engine, result, &error);
  g_assert_no_error (error);
  host_config = json_object_get_object_member (json_node_get_object (node), "HostConfig");
  g_assert_cmpstr (json_object_get_string_member (host_config, "NetworkMode"), !=, "host");
  bindings = json_object_get_array_member (json_object_get_object_member (host_config,
                                                                          "PortBindings"),
                                           "8888/tcp");
  g_assert_cmpuint (json_array_get_length (bindings), ==, 1);
  g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (bindings, 0),
                                                  "HostIp"), ==, "127.0.0.1");
  g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (bindings, 0),
                                                  "HostPort"), ==, "");
  /* Got: that address and the port the session reports. */
  ports = json_object_get_object_member (json_object_get_object_member (json_node_get_object (node),
                                                                        "NetworkSettings"),
                                         "Ports");
  bindings = json_object_get_array_member (ports, "8888/tcp");
  g_assert_cmpuint (json_array_get_length (bindings), ==, 1);
  g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (bindings, 0),
                                                  "HostIp"), ==, "127.0.0.1");
  g_assert_cmpuint (g_ascii_strtoull (json_object_get_string_member (
                                        json_array_get_object_element (bindings, 0), "HostPort"),
                                      NULL, 10), ==, port);

  /* The token opens it; without it, 403. */
  url = dockyard_lab_session_get_url (fixture->lab);
  g_assert_true (g_str_has_prefix (url, "http://127.0.0.1:"));
  status_with = g_strdup_printf ("http://127.0.0.1:%u/api/status?%s", port, strstr (url, "token="));
  g_assert_cmpuint (http_status (url), ==, 200);
  g_assert_cmpuint (http_status (status_with), ==, 200);
  status_without = g_strdup_printf ("http://127.0.0.1:%u/api/status", port);
  g_assert_cmpuint (http_status (status_without), ==, 403);

  /* On this machine only the engine's proxy listens on that port, and only
   * on loopback: nothing on 0.0.0.0 or ::. */
  listening = listening_addresses (port);
  g_assert_cmpuint (listening->len, >=, 1);
  for (guint i = 0; i < listening->len; i++)
    {
      const char *address = g_ptr_array_index (listening, i);

      g_test_message ("listening on port %u: %s", port, address);
      g_assert_cmpstr (address, ==, "0100007F");
    }
  g_clear_pointer (&listening, g_ptr_array_unref);

  /* Stopped: the container is gone and so is the published port. */
  stop_lab (fixture);
  g_assert_false (container_exists (fixture, id));
  listening = listening_addresses (port);
  g_assert_cmpuint (listening->len, ==, 0);
}

static JsonNode *
inspect_container (Fixture    *fixture,
                   const char *id)
{
  g_autofree char *path = g_strdup_printf ("/containers/%s/json", id);
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  JsonNode *node;

  dockyard_engine_request_async (fixture->engine, "GET", path, NULL, NULL,
                                 dockyard_test_store_result_cb, &result);
  dockyard_test_wait_for_async (&result);
  node = dockyard_engine_request_finish (fixture->engine, result, &error);
  g_assert_no_error (error);
  return node;
}

/* Every container of the project, running or not. */
static guint
count_project_containers (Fixture *fixture)
{
  g_autofree char *filters = NULL;
  g_autofree char *escaped = NULL;
  g_autofree char *path = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(JsonNode) node = NULL;
  g_autoptr(GError) error = NULL;

  filters = g_strdup_printf ("{\"label\":[\"%s=%s\"]}", DOCKYARD_LABEL_PROJECT,
                             dockyard_project_get_host_path (fixture->project));
  escaped = g_uri_escape_string (filters, NULL, FALSE);
  path = g_strdup_printf ("/containers/json?all=1&filters=%s", escaped);
  dockyard_engine_request_async (fixture->engine, "GET", path, NULL, NULL,
                                 dockyard_test_store_result_cb, &result);
  dockyard_test_wait_for_async (&result);
  node = dockyard_engine_request_finish (fixture->engine, result, &error);
  g_assert_no_error (error);
  return json_array_get_length (json_node_get_array (node));
}

/* "host" in Preferences: the host's network, Jupyter on its loopback only. */
static void
test_network_host (Fixture       *fixture,
                   gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) node = NULL;
  g_autofree char *listen = NULL;
  JsonObject *config;
  JsonObject *host_config;
  JsonArray *cmd;
  gboolean loopback_only = FALSE;
  const char *url;

  DOCKYARD_TEST_REQUIRE_ENGINE (fixture->engine);

  dockyard_lab_session_set_network (fixture->lab, DOCKYARD_LAB_NETWORK_HOST);
  start_and_wait (fixture, &error);
  g_assert_no_error (error);
  g_assert_true (dockyard_lab_session_get_host_network (fixture->lab));
  url = dockyard_lab_session_get_url (fixture->lab);
  g_assert_true (g_str_has_prefix (url, "http://127.0.0.1:"));
  g_assert_cmpuint (http_status (url), ==, 200);

  node = inspect_container (fixture, dockyard_lab_session_get_container_id (fixture->lab));
  host_config = json_object_get_object_member (json_node_get_object (node), "HostConfig");
  g_assert_cmpstr (json_object_get_string_member (host_config, "NetworkMode"), ==, "host");
  config = json_object_get_object_member (json_node_get_object (node), "Config");
  cmd = json_object_get_array_member (config, "Cmd");
  for (guint i = 0; i < json_array_get_length (cmd); i++)
    if (g_str_equal (json_array_get_string_element (cmd, i), "--ip=127.0.0.1"))
      loopback_only = TRUE;
  g_assert_true (loopback_only);
}

/* A local program that listens on the port Dockyard picked for Jupyter on
 * the host's network, bound after the pick and before Jupyter: what it
 * receives is kept. */
typedef struct
{
  GSocketService *service;
  GString        *received;
  guint           connections;
} Squatter;

static void
squatter_read_cb (GObject      *object,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  GSocketConnection *connection = user_data;
  Squatter *squatter = g_object_get_data (G_OBJECT (connection), "squatter");
  g_autoptr(GBytes) bytes = g_input_stream_read_bytes_finish (G_INPUT_STREAM (object), result, NULL);

  if (bytes == NULL || g_bytes_get_size (bytes) == 0)
    {
      g_object_unref (connection);
      return;
    }
  g_string_append_len (squatter->received, g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes));
  g_input_stream_read_bytes_async (G_INPUT_STREAM (object), 4096, G_PRIORITY_DEFAULT, NULL,
                                   squatter_read_cb, connection);
}

static gboolean
squatter_incoming_cb (GSocketService    *service,
                      GSocketConnection *connection,
                      GObject           *source,
                      Squatter          *squatter)
{
  GInputStream *input = g_io_stream_get_input_stream (G_IO_STREAM (connection));

  squatter->connections++;
  g_object_set_data (G_OBJECT (connection), "squatter", squatter);
  g_input_stream_read_bytes_async (input, 4096, G_PRIORITY_DEFAULT, NULL, squatter_read_cb,
                                   g_object_ref (connection));
  return TRUE;
}

/* Issue 16, item 14: on the host's network the port is picked free, then
 * handed to Jupyter; another local user can bind it in between.  Jupyter
 * does not move to another port (--port-retries=0), and Dockyard sends the
 * token (the readiness poll carries it) only once it has seen, from inside
 * the lab container, that the listener on the port is the container's own.
 * Here a listener bound right after the pick: the lab fails with a clear
 * error, and the listener never gets the token. */
static void
test_port_taken_before_jupyter (Fixture       *fixture,
                                gconstpointer  data)
{
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GInetAddress) loopback = NULL;
  g_autoptr(GSocketAddress) address = NULL;
  Squatter squatter = { NULL, g_string_new (NULL), 0 };
  guint port = 0;

  DOCKYARD_TEST_REQUIRE_ENGINE (fixture->engine);

  dockyard_lab_session_set_network (fixture->lab, DOCKYARD_LAB_NETWORK_HOST);
  dockyard_lab_session_start_async (fixture->lab, NULL, dockyard_test_store_result_cb, &result);
  while (result == NULL && (port = dockyard_lab_session_get_port (fixture->lab)) == 0)
    g_main_context_iteration (NULL, TRUE);
  g_assert_cmpuint (port, !=, 0);
  g_assert_null (result);

  /* Bound on the port Dockyard just picked, before the lab container even
   * exists. */
  squatter.service = g_socket_service_new ();
  loopback = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
  address = g_inet_socket_address_new (loopback, port);
  g_socket_listener_add_address (G_SOCKET_LISTENER (squatter.service), address,
                                 G_SOCKET_TYPE_STREAM, G_SOCKET_PROTOCOL_TCP, NULL, NULL, &error);
  g_assert_no_error (error);
  g_signal_connect (squatter.service, "incoming", G_CALLBACK (squatter_incoming_cb), &squatter);
  g_socket_service_start (squatter.service);

  dockyard_test_wait_for_async (&result);
  g_assert_false (dockyard_lab_session_start_finish (fixture->lab, result, &error));
  g_test_message ("port %u taken: %s", port, error->message);

  /* Whatever reached the squatter, the token did not. */
  g_test_message ("the squatter had %u connections, %" G_GSIZE_FORMAT " bytes",
                  squatter.connections, squatter.received->len);
  g_assert_null (strstr (squatter.received->str, "token"));
  g_assert_cmpuint (squatter.connections, ==, 0);

  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_ADDRESS_IN_USE);
  g_assert_nonnull (strstr (error->message, "Another program took port"));
  g_assert_cmpint (dockyard_lab_session_get_state (fixture->lab), ==, DOCKYARD_LAB_SESSION_FAILED);
  g_assert_null (dockyard_lab_session_get_url (fixture->lab));

  g_socket_service_stop (squatter.service);
  g_socket_listener_close (G_SOCKET_LISTENER (squatter.service));
  g_clear_object (&squatter.service);
  g_string_free (squatter.received, TRUE);
}

/* "published" on an engine without a bridge network: a clear error at
 * once, and no container made. */
static void
test_network_published_without_bridge (Fixture       *fixture,
                                       gconstpointer  data)
{
  g_autoptr(GError) error = NULL;

  DOCKYARD_TEST_REQUIRE_ENGINE (fixture->engine);

  if (dockyard_engine_get_has_bridge (fixture->engine))
    {
      g_test_skip ("this engine has a bridge network: publishing works on it");
      return;
    }

  dockyard_lab_session_set_network (fixture->lab, DOCKYARD_LAB_NETWORK_PUBLISHED);
  start_and_wait (fixture, &error);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED);
  g_assert_nonnull (strstr (error->message, "no bridge network"));
  g_assert_nonnull (strstr (error->message, "Preferences"));
  g_assert_cmpint (dockyard_lab_session_get_state (fixture->lab), ==, DOCKYARD_LAB_SESSION_FAILED);
  g_assert_null (dockyard_lab_session_get_container_id (fixture->lab));
  g_assert_cmpuint (count_project_containers (fixture), ==, 0);
}

int
main (int   argc,
      char *argv[])
{
  dockyard_test_init (&argc, &argv);

  g_test_add ("/lab-session/jupyter-ready", Fixture, NULL,
              fixture_setup, test_jupyter_ready, fixture_teardown);
  g_test_add ("/lab-session/jupyter-quit", Fixture, NULL,
              fixture_setup, test_jupyter_quit, fixture_teardown);
  g_test_add ("/lab-session/missing-jupyter", Fixture, "localhost/dockyard-test/busybox:1.35.0",
              fixture_setup, test_missing_jupyter, fixture_teardown);
  g_test_add ("/lab-session/stop-at-any-moment", Fixture, NULL,
              fixture_setup, test_stop_at_any_moment, fixture_teardown);
  g_test_add ("/lab-session/stop-while-starting", Fixture, NULL,
              fixture_setup, test_stop_while_starting, fixture_teardown);
  g_test_add ("/lab-session/remote-relayed", Fixture, NULL,
              fixture_setup, test_remote_relayed, fixture_teardown);
  g_test_add ("/lab-session/network-host", Fixture, NULL,
              fixture_setup, test_network_host, fixture_teardown);
  g_test_add ("/lab-session/port-taken-before-jupyter", Fixture, NULL,
              fixture_setup, test_port_taken_before_jupyter, fixture_teardown);
  g_test_add ("/lab-session/network-published-without-bridge", Fixture, NULL,
              fixture_setup, test_network_published_without_bridge, fixture_teardown);
  g_test_add ("/lab-session/engine-dies", Fixture, NULL,
              fixture_setup, test_engine_dies, fixture_teardown);
  /* DESIGN.md keeps bridges out of the suite: a manual check, registered
   * only when DOCKYARD_TEST_BRIDGE_HOST names such an engine. */
  if (g_getenv ("DOCKYARD_TEST_BRIDGE_HOST") != NULL)
    g_test_add ("/lab-session/bridge/published-port", Fixture, NULL,
                fixture_setup_bridge, test_bridge_published_port, fixture_teardown);

  return g_test_run ();
}
