/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <grp.h>
#include <stdio.h>
#include <unistd.h>

#include "dockyard-container.h"
#include "dockyard-endpoint.h"
#include "dockyard-engine.h"
#include "dockyard-event-stream.h"
#include "dockyard-image.h"
#include "dockyard-object-list.h"
#include "dockyard-test-utils.h"

#define TEST_LABEL "io.github.dockyardapp.test"

/* Helpers ------------------------------------------------------------------ */

static gboolean
tick_cb (gpointer data)
{
  return G_SOURCE_CONTINUE;
}

static guint
api_level (const char *version)
{
  guint major = 0, minor = 0;

  g_assert_cmpint (sscanf (version, "%u.%u", &major, &minor), ==, 2);
  return major * 1000 + minor;
}

static DockyardEngine *
connect_engine (const char  *socket,
                GError     **error)
{
  g_autoptr(DockyardEngine) engine = dockyard_engine_new (socket);
  g_autoptr(GAsyncResult) result = NULL;

  dockyard_engine_connect_async (engine, NULL, dockyard_test_store_result_cb, &result);
  dockyard_test_wait_for_async (&result);

  if (!dockyard_engine_connect_finish (engine, result, error))
    return NULL;

  return g_steal_pointer (&engine);
}

/* The private engine of the suite, or NULL after skipping (failing in CI). */
static DockyardEngine *
test_engine (void)
{
  const char *socket = dockyard_test_engine_socket ();
  g_autoptr(GError) error = NULL;
  DockyardEngine *engine;

  if (socket == NULL)
    {
      dockyard_test_skip_unless_ci ("no engine: run the suite with tests/run");
      return NULL;
    }

  engine = connect_engine (socket, &error);
  g_assert_no_error (error);
  return engine;
}

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

/* Creates and starts a labelled busybox container that sleeps; returns its id. */
static char *
start_sleeper (DockyardEngine *engine,
               const char     *name)
{
  const char *image = g_getenv ("DOCKYARD_TEST_BUSYBOX_IMAGE");
  g_autofree char *body = NULL;
  g_autofree char *path = NULL;
  g_autofree char *start = NULL;
  g_autoptr(JsonNode) created = NULL;
  g_autoptr(JsonNode) started = NULL;
  g_autoptr(GError) error = NULL;
  char *id;

  g_assert_nonnull (image);

  body = g_strdup_printf ("{\"Image\": \"%s\", \"Cmd\": [\"sleep\", \"300\"],"
                          " \"Labels\": {\"" TEST_LABEL "\": \"1\"},"
                          " \"HostConfig\": {\"NetworkMode\": \"none\"}}", image);
  path = g_strdup_printf ("/containers/create?name=%s", name);
  created = request (engine, "POST", path, body, &error);
  g_assert_no_error (error);
  id = g_strdup (json_object_get_string_member (json_node_get_object (created), "Id"));

  start = g_strdup_printf ("/containers/%s/start", id);
  started = request (engine, "POST", start, NULL, &error);
  g_assert_no_error (error);

  return id;
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

static DockyardContainer *
find_container (DockyardObjectList *list,
                const char         *id)
{
  return dockyard_object_list_lookup (list, id);
}

typedef struct
{
  DockyardObjectList *list;
  const char         *id;
  gboolean            want_running;
  gboolean            want_gone;
} ContainerWait;

static gboolean
container_reached (ContainerWait *wait)
{
  DockyardContainer *container = find_container (wait->list, wait->id);

  if (wait->want_gone)
    return container == NULL;

  return container != NULL && dockyard_container_get_running (container) == wait->want_running;
}

static void
wait_for_container (DockyardObjectList *list,
                    const char         *id,
                    gboolean            want_running,
                    gboolean            want_gone)
{
  ContainerWait wait = { list, id, want_running, want_gone };
  gint64 deadline = g_get_monotonic_time () + 60 * G_USEC_PER_SEC;
  guint tick = g_timeout_add (100, tick_cb, NULL);

  /* Only the event stream refreshes the list: the test never asks for it. */
  while (!container_reached (&wait))
    {
      g_assert_cmpint (g_get_monotonic_time (), <, deadline);
      g_main_context_iteration (NULL, TRUE);
    }

  g_source_remove (tick);
}

static void
wait_for_connected (DockyardEventStream *events,
                    gboolean             connected)
{
  gint64 deadline = g_get_monotonic_time () + 60 * G_USEC_PER_SEC;
  guint tick = g_timeout_add (100, tick_cb, NULL);

  while (dockyard_event_stream_get_connected (events) != connected)
    {
      g_assert_cmpint (g_get_monotonic_time (), <, deadline);
      g_main_context_iteration (NULL, TRUE);
    }

  g_source_remove (tick);
}

/* Tests -------------------------------------------------------------------- */

static void
test_ping_version (void)
{
  g_autoptr(DockyardEngine) engine = test_engine ();
  g_autoptr(JsonNode) version = NULL;
  g_autoptr(GError) error = NULL;
  const char *engine_api;
  g_autoptr(GAsyncResult) result = NULL;

  if (engine == NULL)
    return;

  g_assert_cmpstr (dockyard_engine_get_name (engine), ==, "Docker Engine");
  g_assert_nonnull (dockyard_engine_get_version (engine));
  g_assert_nonnull (dockyard_engine_get_api_version (engine));
  /* The suite's own engine runs with --bridge=none. */
  if (g_strcmp0 (g_getenv ("DOCKYARD_TEST_ENGINE_CTL"), "") > 0)
    g_assert_false (dockyard_engine_get_has_bridge (engine));

  /* The negotiated version is the lower of ours and the engine's. */
  version = request (engine, "GET", "/version", NULL, &error);
  g_assert_no_error (error);
  engine_api = json_object_get_string_member (json_node_get_object (version), "ApiVersion");
  g_assert_nonnull (engine_api);
  g_assert_cmpuint (api_level (dockyard_engine_get_api_version (engine)), ==,
                    MIN (api_level (engine_api), api_level (DOCKYARD_ENGINE_API_VERSION)));
  g_assert_cmpstr (json_object_get_string_member (json_node_get_object (version), "Version"),
                   ==, dockyard_engine_get_version (engine));

  dockyard_engine_ping_async (engine, NULL, dockyard_test_store_result_cb, &result);
  dockyard_test_wait_for_async (&result);
  g_assert_true (dockyard_engine_ping_finish (engine, result, &error));
  g_assert_no_error (error);
}

/* Without a choice, every engine's usual socket is tried, the user's own
 * (rootless) engines before the system's. */
static void
test_candidates (void)
{
  g_autofree char *docker_host = g_strdup (g_getenv ("DOCKER_HOST"));
  const char *runtime_dir = g_get_user_runtime_dir ();
  g_autofree char *rootless_docker = g_build_filename (runtime_dir, "docker.sock", NULL);
  g_autofree char *rootless_podman = g_build_filename (runtime_dir, "podman", "podman.sock", NULL);
  g_auto(GStrv) automatic = NULL;
  g_auto(GStrv) chosen = NULL;
  g_autoptr(GError) error = NULL;

  g_unsetenv ("DOCKER_HOST");
  automatic = dockyard_endpoint_candidates (NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (g_strv_length (automatic), ==, 5);
  g_assert_cmpstr (automatic[0], ==, rootless_docker);
  g_assert_cmpstr (automatic[1], ==, "/run/docker.sock");
  g_assert_cmpstr (automatic[2], ==, "/var/run/docker.sock");
  g_assert_cmpstr (automatic[3], ==, rootless_podman);
  g_assert_cmpstr (automatic[4], ==, "/run/podman/podman.sock");

  /* A choice is the only one. */
  chosen = dockyard_endpoint_candidates ("unix:///run/podman/podman.sock", &error);
  g_assert_no_error (error);
  g_assert_cmpuint (g_strv_length (chosen), ==, 1);
  g_assert_cmpstr (chosen[0], ==, "/run/podman/podman.sock");

  if (docker_host != NULL)
    g_setenv ("DOCKER_HOST", docker_host, TRUE);
}

static void
test_discover (void)
{
  const char *socket = dockyard_test_engine_socket ();
  g_autoptr(DockyardEngine) engine = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *uri = NULL;

  if (socket == NULL)
    {
      dockyard_test_skip_unless_ci ("no engine: run the suite with tests/run");
      return;
    }

  /* DOCKER_HOST points at the suite's engine. */
  dockyard_engine_discover_async (NULL, NULL, dockyard_test_store_result_cb, &result);
  dockyard_test_wait_for_async (&result);
  engine = dockyard_engine_discover_finish (result, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (dockyard_engine_get_socket_path (engine), ==, socket);
  g_clear_object (&result);
  g_clear_object (&engine);

  /* A preference overrides DOCKER_HOST. */
  uri = g_strdup_printf ("unix://%s", socket);
  g_setenv ("DOCKER_HOST", "unix:///nonexistent/docker.sock", TRUE);
  dockyard_engine_discover_async (uri, NULL, dockyard_test_store_result_cb, &result);
  dockyard_test_wait_for_async (&result);
  engine = dockyard_engine_discover_finish (result, &error);
  g_setenv ("DOCKER_HOST", uri, TRUE);
  g_assert_no_error (error);
  g_assert_cmpstr (dockyard_engine_get_socket_path (engine), ==, socket);
}

static void
test_missing_socket (void)
{
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(DockyardEngine) engine = NULL;
  g_autofree char *dir = g_dir_make_tmp ("dockyard-XXXXXX", NULL);
  g_autofree char *socket = g_build_filename (dir, "no such docker.sock", NULL);
  g_autofree char *uri = g_strconcat ("unix://", socket, NULL);
  g_autofree char *saved = g_strdup (g_getenv ("DOCKER_HOST"));

  engine = connect_engine (socket, &error);
  g_assert_null (engine);
  g_assert_error (error, DOCKYARD_ENGINE_ERROR, DOCKYARD_ENGINE_ERROR_NO_ENGINE);
  g_assert_nonnull (strstr (error->message, socket));
  g_clear_error (&error);

  /* DOCKER_HOST is the user's explicit choice: no silent fallback. */
  g_setenv ("DOCKER_HOST", uri, TRUE);
  dockyard_engine_discover_async (NULL, NULL, dockyard_test_store_result_cb, &result);
  dockyard_test_wait_for_async (&result);
  g_assert_null (dockyard_engine_discover_finish (result, &error));
  g_assert_error (error, DOCKYARD_ENGINE_ERROR, DOCKYARD_ENGINE_ERROR_NO_ENGINE);
  g_assert_nonnull (strstr (error->message, socket));
  g_clear_error (&error);
  g_clear_object (&result);

  /* An address Dockyard does not speak (Windows' named pipes), and plain
   * TCP off loopback (test-remote has the rest of tcp:// and ssh://). */
  g_setenv ("DOCKER_HOST", "npipe:////./pipe/docker_engine", TRUE);
  dockyard_engine_discover_async (NULL, NULL, dockyard_test_store_result_cb, &result);
  dockyard_test_wait_for_async (&result);
  g_assert_null (dockyard_engine_discover_finish (result, &error));
  g_assert_error (error, DOCKYARD_ENGINE_ERROR, DOCKYARD_ENGINE_ERROR_UNSUPPORTED_ENDPOINT);
  g_clear_error (&error);
  g_clear_object (&result);

  g_setenv ("DOCKER_HOST", "tcp://192.0.2.10:2375", TRUE);
  dockyard_engine_discover_async (NULL, NULL, dockyard_test_store_result_cb, &result);
  dockyard_test_wait_for_async (&result);
  g_assert_null (dockyard_engine_discover_finish (result, &error));
  g_assert_error (error, DOCKYARD_ENGINE_ERROR, DOCKYARD_ENGINE_ERROR_UNSUPPORTED_ENDPOINT);

  if (saved != NULL)
    g_setenv ("DOCKER_HOST", saved, TRUE);
  else
    g_unsetenv ("DOCKER_HOST");
  g_rmdir (dir);
}

static void
test_permission_denied (void)
{
  const char *socket = dockyard_test_engine_socket ();

  if (socket == NULL)
    {
      dockyard_test_skip_unless_ci ("no engine: run the suite with tests/run");
      return;
    }

  if (getuid () != 0)
    {
      g_test_skip ("needs root to connect as another user");
      return;
    }

  if (g_test_subprocess ())
    {
      g_autoptr(DockyardEngine) engine = NULL;
      g_autoptr(GError) error = NULL;

      /* A user outside the socket's group, as on a desktop without the docker group. */
      if (setgroups (0, NULL) != 0 || setgid (65534) != 0 || setuid (65534) != 0)
        g_error ("cannot drop privileges");

      engine = connect_engine (socket, &error);
      g_assert_null (engine);
      g_assert_error (error, DOCKYARD_ENGINE_ERROR, DOCKYARD_ENGINE_ERROR_PERMISSION_DENIED);
      g_assert_nonnull (strstr (error->message, "docker"));
      g_print ("%s\n", error->message);
      return;
    }

  g_test_trap_subprocess (NULL, 60 * G_USEC_PER_SEC, G_TEST_SUBPROCESS_DEFAULT);
  g_test_trap_assert_passed ();
  g_test_trap_assert_stdout ("*Permission denied*");
}

static void
test_errors_carry_engine_message (void)
{
  g_autoptr(DockyardEngine) engine = test_engine ();
  g_autoptr(JsonNode) node = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *name = NULL;
  g_autofree char *id = NULL;
  g_autofree char *path = NULL;
  g_autofree char *body = NULL;

  if (engine == NULL)
    return;

  node = request (engine, "GET", "/containers/dockyard-no-such-container/json", NULL, &error);
  g_assert_null (node);
  g_assert_error (error, DOCKYARD_ENGINE_ERROR, DOCKYARD_ENGINE_ERROR_NOT_FOUND);
  g_assert_nonnull (strstr (error->message, "dockyard-no-such-container"));
  g_clear_error (&error);

  /* A name already taken is a conflict. */
  name = g_strdup_printf ("dockyard-test-conflict-%d", getpid ());
  id = start_sleeper (engine, name);
  path = g_strdup_printf ("/containers/create?name=%s", name);
  body = g_strdup_printf ("{\"Image\": \"%s\", \"Labels\": {\"" TEST_LABEL "\": \"1\"}}",
                          g_getenv ("DOCKYARD_TEST_BUSYBOX_IMAGE"));
  node = request (engine, "POST", path, body, &error);
  g_assert_null (node);
  g_assert_error (error, DOCKYARD_ENGINE_ERROR, DOCKYARD_ENGINE_ERROR_CONFLICT);
  g_assert_nonnull (strstr (error->message, name));
  remove_container (engine, id);
}

static void
test_list_images (void)
{
  g_autoptr(DockyardEngine) engine = test_engine ();
  g_autoptr(DockyardEventStream) events = NULL;
  g_autoptr(DockyardObjectList) images = NULL;
  const char *busybox = g_getenv ("DOCKYARD_TEST_BUSYBOX_IMAGE");
  const char *python = g_getenv ("DOCKYARD_TEST_PYTHON_IMAGE");
  gboolean found_busybox = FALSE;
  gboolean found_python = FALSE;

  if (engine == NULL)
    return;

  events = dockyard_event_stream_new (engine);
  images = dockyard_object_list_new_images (events);
  while (!dockyard_object_list_get_loaded (images))
    g_main_context_iteration (NULL, TRUE);

  g_assert_true (g_list_model_get_item_type (G_LIST_MODEL (images)) == DOCKYARD_TYPE_IMAGE);
  for (guint i = 0; i < g_list_model_get_n_items (G_LIST_MODEL (images)); i++)
    {
      g_autoptr(DockyardImage) image = g_list_model_get_item (G_LIST_MODEL (images), i);

      g_assert_true (g_str_has_prefix (dockyard_image_get_id (image), "sha256:"));
      found_busybox |= dockyard_image_has_tag (image, busybox);
      found_python |= python != NULL && dockyard_image_has_tag (image, python);
    }

  g_assert_true (found_busybox);
  if (python != NULL)
    g_assert_true (found_python);
}

static void
test_containers_follow_events (void)
{
  g_autoptr(DockyardEngine) engine = test_engine ();
  g_autoptr(DockyardEventStream) events = NULL;
  g_autoptr(DockyardObjectList) containers = NULL;
  g_autofree char *name = NULL;
  g_autofree char *id = NULL;
  g_autofree char *stop = NULL;
  g_autoptr(JsonNode) stopped = NULL;
  g_autoptr(GError) error = NULL;
  DockyardContainer *container;

  if (engine == NULL)
    return;

  events = dockyard_event_stream_new (engine);
  containers = dockyard_object_list_new_containers (events);
  dockyard_event_stream_start (events);
  wait_for_connected (events, TRUE);
  while (!dockyard_object_list_get_loaded (containers))
    g_main_context_iteration (NULL, TRUE);

  name = g_strdup_printf ("dockyard-test-events-%d", getpid ());
  id = start_sleeper (engine, name);
  wait_for_container (containers, id, TRUE, FALSE);

  container = find_container (containers, id);
  g_assert_cmpstr (dockyard_container_get_name (container), ==, name);
  g_assert_cmpstr (dockyard_container_get_label (container, TEST_LABEL), ==, "1");
  g_assert_cmpstr (dockyard_container_get_image (container), ==,
                   g_getenv ("DOCKYARD_TEST_BUSYBOX_IMAGE"));

  /* The same object changes state in place. */
  stop = g_strdup_printf ("/containers/%s/stop?t=0", id);
  stopped = request (engine, "POST", stop, NULL, &error);
  g_assert_no_error (error);
  wait_for_container (containers, id, FALSE, FALSE);
  g_assert_true (find_container (containers, id) == container);
  g_assert_cmpstr (dockyard_container_get_state (container), ==, "exited");

  remove_container (engine, id);
  wait_for_container (containers, id, FALSE, TRUE);

  dockyard_event_stream_stop (events);
}

static void
test_engine_restart (void)
{
  g_autoptr(DockyardEngine) engine = test_engine ();
  g_autoptr(DockyardEventStream) events = NULL;
  g_autoptr(DockyardObjectList) containers = NULL;
  g_autofree char *name = NULL;
  g_autofree char *id = NULL;

  if (engine == NULL)
    return;

  if (g_getenv ("DOCKYARD_TEST_ENGINE_CTL") == NULL || *g_getenv ("DOCKYARD_TEST_ENGINE_CTL") == '\0')
    {
      dockyard_test_skip_unless_ci ("the engine is not the suite's own: it may not be restarted");
      return;
    }

  events = dockyard_event_stream_new (engine);
  containers = dockyard_object_list_new_containers (events);
  dockyard_event_stream_start (events);
  wait_for_connected (events, TRUE);

  g_assert_true (dockyard_test_engine_control ("stop"));
  wait_for_connected (events, FALSE);

  g_assert_true (dockyard_test_engine_control ("start"));
  wait_for_connected (events, TRUE);

  /* The model is live again: a new container shows up through events. */
  name = g_strdup_printf ("dockyard-test-restart-%d", getpid ());
  id = start_sleeper (engine, name);
  wait_for_container (containers, id, TRUE, FALSE);
  remove_container (engine, id);
  wait_for_container (containers, id, FALSE, TRUE);

  dockyard_event_stream_stop (events);
}

int
main (int   argc,
      char *argv[])
{
  dockyard_test_init (&argc, &argv);

  g_test_add_func ("/engine/ping-version", test_ping_version);
  g_test_add_func ("/engine/candidates", test_candidates);
  g_test_add_func ("/engine/discover", test_discover);
  g_test_add_func ("/engine/missing-socket", test_missing_socket);
  g_test_add_func ("/engine/permission-denied", test_permission_denied);
  g_test_add_func ("/engine/errors-carry-engine-message", test_errors_carry_engine_message);
  g_test_add_func ("/engine/list-images", test_list_images);
  g_test_add_func ("/engine/containers-follow-events", test_containers_follow_events);
  g_test_add_func ("/engine/engine-restart", test_engine_restart);

  return g_test_run ();
}
