/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <locale.h>
#include <stdlib.h>

#include "dockyard-container-spec.h"
#include "dockyard-endpoint.h"
#include "dockyard-test-utils.h"

static char *test_home;

static void
remove_tree (const char *path)
{
  g_autoptr(GDir) dir = g_dir_open (path, 0, NULL);
  const char *name;

  while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *child = g_build_filename (path, name, NULL);

      if (g_file_test (child, G_FILE_TEST_IS_DIR) && !g_file_test (child, G_FILE_TEST_IS_SYMLINK))
        remove_tree (child);
      else
        g_unlink (child);
    }

  g_rmdir (path);
}

static void
remove_test_home (void)
{
  remove_tree (test_home);
  g_clear_pointer (&test_home, g_free);
}

/* Each test program gets a private home and runtime dir so that nothing
 * (settings, recent files, a rootless engine socket) leaks in from the
 * user's.  XDG_DATA_DIRS stays: GTK needs the system's MIME database and
 * icon themes, which G_TEST_OPTION_ISOLATE_DIRS would hide. */
void
dockyard_test_init (int    *argc,
                    char ***argv)
{
  static const char *vars[][2] = {
    { "HOME", "home" },
    { "XDG_CONFIG_HOME", "config" },
    { "XDG_CACHE_HOME", "cache" },
    { "XDG_DATA_HOME", "data" },
    { "XDG_STATE_HOME", "state" },
    { "XDG_RUNTIME_DIR", "runtime" },
  };
  g_autoptr(GError) error = NULL;

  setlocale (LC_ALL, "C.UTF-8");

  test_home = g_dir_make_tmp ("dockyard-test-XXXXXX", &error);
  g_assert_no_error (error);
  atexit (remove_test_home);

  for (guint i = 0; i < G_N_ELEMENTS (vars); i++)
    {
      g_autofree char *dir = g_build_filename (test_home, vars[i][1], NULL);

      g_mkdir_with_parents (dir, 0700);
      g_setenv (vars[i][0], dir, TRUE);
    }

  g_test_init (argc, argv, NULL);
}

gboolean
dockyard_test_in_ci (void)
{
  return g_strcmp0 (g_getenv ("CI"), "true") == 0;
}

/* Outside CI a missing prerequisite (no engine, no corpus) skips the test;
 * in CI it must not go unnoticed, so it fails instead. */
void
dockyard_test_skip_unless_ci (const char *why)
{
  if (dockyard_test_in_ci ())
    g_test_fail_printf ("CI=true but the test cannot run: %s", why);
  else
    g_test_skip (why);
}

/* The socket of the engine that tests/run started (or was given), or NULL. */
const char *
dockyard_test_engine_socket (void)
{
  const char *host = g_getenv ("DOCKER_HOST");

  if (host == NULL || !g_str_has_prefix (host, "unix://"))
    return NULL;

  return host + strlen ("unix://");
}

/* The address of the engine the tests talk to: the socket's path, or a
 * tcp:// (TLS from DOCKER_TLS_VERIFY and DOCKER_CERT_PATH) or ssh:// address,
 * or context:NAME for DOCKER_CONTEXT (tests/run DOCKYARD_TEST_VIA_CONTEXT); NULL
 * without an engine. */
const char *
dockyard_test_engine_address (void)
{
  const char *host = g_getenv ("DOCKER_HOST");

  static char *context_address;
  const char *context = g_getenv ("DOCKER_CONTEXT");

  if (host != NULL && (g_str_has_prefix (host, "tcp://") || g_str_has_prefix (host, "ssh://")))
    return host;
  if ((host == NULL || *host == '\0') && context != NULL && *context != '\0')
    {
      if (context_address == NULL)
        context_address = g_strconcat (DOCKYARD_ENDPOINT_CONTEXT_PREFIX, context, NULL);
      return context_address;
    }
  return dockyard_test_engine_socket ();
}

/* Runs tests/engine/dockyard-test-engine VERB (stop, start, kill, restart)
 * when the suite owns a private engine.  Returns FALSE when the engine belongs
 * to someone else and must not be touched. */
gboolean
dockyard_test_engine_control (const char *verb)
{
  const char *ctl = g_getenv ("DOCKYARD_TEST_ENGINE_CTL");
  g_autoptr(GError) error = NULL;
  const char *argv[] = { ctl, verb, NULL };
  int status = 0;

  if (ctl == NULL || *ctl == '\0')
    return FALSE;

  if (!g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_DEFAULT, NULL, NULL,
                     NULL, NULL, &status, &error))
    g_error ("cannot run %s %s: %s", ctl, verb, error->message);

  if (!g_spawn_check_wait_status (status, &error))
    g_error ("%s %s failed: %s", ctl, verb, error->message);

  return TRUE;
}

static gboolean
timeout_cb (gpointer data)
{
  g_error ("condition not reached within the timeout");
  return G_SOURCE_REMOVE;
}

void
dockyard_test_run_until (gboolean *done,
                         guint     timeout_seconds)
{
  guint id = g_timeout_add_seconds (timeout_seconds, timeout_cb, NULL);

  while (!*done)
    g_main_context_iteration (NULL, TRUE);

  g_source_remove (id);
}

/* A GAsyncReadyCallback that keeps the result in the GAsyncResult* user_data. */
void
dockyard_test_store_result_cb (GObject      *object,
                               GAsyncResult *result,
                               gpointer      user_data)
{
  GAsyncResult **out = user_data;

  g_assert_null (*out);
  *out = g_object_ref (result);
}

void
dockyard_test_wait_for_async (GAsyncResult **result)
{
  /* A generous bound so that a hang fails the test instead of the suite. */
  guint id = g_timeout_add_seconds (120, timeout_cb, NULL);

  while (*result == NULL)
    g_main_context_iteration (NULL, TRUE);

  g_source_remove (id);
}

char *
dockyard_test_artifact_path (const char *name)
{
  const char *dir = g_getenv ("DOCKYARD_TEST_ARTIFACTS");

  if (dir == NULL)
    dir = g_get_tmp_dir ();

  g_mkdir_with_parents (dir, 0755);
  return g_build_filename (dir, name, NULL);
}

/* The engine and projects ------------------------------------------------------- */

/* A connected client for the suite's engine, or NULL when there is none. */
DockyardEngine *
dockyard_test_connect_engine (void)
{
  const char *address = dockyard_test_engine_address ();

  if (address == NULL)
    return NULL;

  return dockyard_test_connect_engine_at (address);
}

/* A connected client for the engine at @address, a socket's path or a
 * tcp:// address (which must answer). */
DockyardEngine *
dockyard_test_connect_engine_at (const char *address)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(DockyardEngine) engine = NULL;
  g_autoptr(GAsyncResult) result = NULL;

  if (g_str_has_prefix (address, DOCKYARD_ENDPOINT_CONTEXT_PREFIX))
    engine = dockyard_engine_new_for_context (address + strlen (DOCKYARD_ENDPOINT_CONTEXT_PREFIX),
                                              &error);
  else
    engine = dockyard_engine_new_for_address (address, &error);

  g_assert_no_error (error);
  dockyard_engine_connect_async (engine, NULL, dockyard_test_store_result_cb, &result);
  dockyard_test_wait_for_async (&result);
  g_assert_true (dockyard_engine_connect_finish (engine, result, &error));
  g_assert_no_error (error);
  return g_steal_pointer (&engine);
}

DockyardProject *
dockyard_test_open_project (const char *path)
{
  g_autoptr(GFile) directory = g_file_new_for_path (path);
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  DockyardProject *project;

  dockyard_project_open_async (directory, NULL, dockyard_test_store_result_cb, &result);
  dockyard_test_wait_for_async (&result);
  project = dockyard_project_open_finish (result, &error);
  g_assert_no_error (error);
  return project;
}

JsonNode *
dockyard_test_request (DockyardEngine  *engine,
                       const char      *method,
                       const char      *path,
                       GError         **error)
{
  g_autoptr(GAsyncResult) result = NULL;

  dockyard_engine_request_async (engine, method, path, NULL, NULL,
                                 dockyard_test_store_result_cb, &result);
  dockyard_test_wait_for_async (&result);
  return dockyard_engine_request_finish (engine, result, error);
}

/* Whether the engine knows a container @id (running or not). */
gboolean
dockyard_test_container_exists (DockyardEngine *engine,
                                const char     *id)
{
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(JsonNode) node = NULL;
  g_autoptr(GError) error = NULL;

  dockyard_engine_inspect_container_async (engine, id, NULL, dockyard_test_store_result_cb,
                                           &result);
  dockyard_test_wait_for_async (&result);
  node = dockyard_engine_request_finish (engine, result, &error);
  if (node != NULL)
    return TRUE;
  g_assert_error (error, DOCKYARD_ENGINE_ERROR, DOCKYARD_ENGINE_ERROR_NOT_FOUND);
  return FALSE;
}

/* Containers, running or not, that Dockyard made with @label = @value
 * (any Dockyard container when @label is NULL). */
guint
dockyard_test_count_labelled (DockyardEngine *engine,
                              const char     *label,
                              const char     *value)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) node = dockyard_test_request (engine, "GET", "/containers/json?all=1", &error);
  JsonArray *array;
  guint n = 0;

  g_assert_no_error (error);
  g_assert_true (JSON_NODE_HOLDS_ARRAY (node));
  array = json_node_get_array (node);
  for (guint i = 0; i < json_array_get_length (array); i++)
    {
      JsonObject *container = json_array_get_object_element (array, i);
      JsonObject *labels;

      if (container == NULL || !json_object_has_member (container, "Labels") ||
          !JSON_NODE_HOLDS_OBJECT (json_object_get_member (container, "Labels")))
        continue;
      labels = json_object_get_object_member (container, "Labels");
      if (!json_object_has_member (labels, DOCKYARD_LABEL_ROLE))
        continue;
      if (label == NULL ||
          g_strcmp0 (json_object_get_string_member_with_default (labels, label, NULL), value) == 0)
        n++;
    }
  return n;
}

/* Containers that Dockyard made for @project_path (or for any project when
 * it is NULL). */
guint
dockyard_test_count_containers (DockyardEngine *engine,
                                const char     *project_path)
{
  return dockyard_test_count_labelled (engine, project_path ? DOCKYARD_LABEL_PROJECT : NULL,
                                       project_path);
}

/* Folders ------------------------------------------------------------------------ */

/* A temporary folder that other uids can enter (a dev shell runs as 1000). */
char *
dockyard_test_make_shared_dir (const char *prefix)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *template = g_strdup_printf ("%s-XXXXXX", prefix);
  char *dir = g_dir_make_tmp (template, &error);

  g_assert_no_error (error);
  g_chmod (dir, 0755);
  return dir;
}

void
dockyard_test_remove_tree (const char *path)
{
  const char *argv[] = { "rm", "-rf", "--", path, NULL };

  g_assert_true (g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_SEARCH_PATH, NULL, NULL,
                               NULL, NULL, NULL, NULL));
}

static void
tty_output_cb (DockyardTtyStream *stream,
               GBytes            *bytes,
               GString           *output)
{
  g_string_append_len (output, g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes));
}

static void
tty_closed_cb (DockyardTtyStream *stream,
               const GError      *error,
               gboolean          *closed)
{
  *closed = TRUE;
}

/* Appends what @stream prints to @output; sets *@closed (when not NULL)
 * once it closes. */
void
dockyard_test_collect_tty (DockyardTtyStream *stream,
                           GString           *output,
                           gboolean          *closed)
{
  g_signal_connect (stream, "output", G_CALLBACK (tty_output_cb), output);
  if (closed != NULL)
    g_signal_connect (stream, "closed", G_CALLBACK (tty_closed_cb), closed);
}

/* Undoes dockyard_test_collect_tty() before @output and @closed go away:
 * the stream may outlive them (a read in flight holds it) and still say
 * that it closed. */
void
dockyard_test_uncollect_tty (DockyardTtyStream *stream,
                             GString           *output,
                             gboolean          *closed)
{
  g_signal_handlers_disconnect_by_data (stream, output);
  if (closed != NULL)
    g_signal_handlers_disconnect_by_data (stream, closed);
}

static gboolean
tick_cb (gpointer data)
{
  return G_SOURCE_CONTINUE;
}

/* Runs the main loop until done(data) or the timeout; returns done(data). */
gboolean
dockyard_test_wait_until (gboolean (*done) (gpointer data),
                          gpointer   data,
                          guint      timeout_seconds)
{
  gint64 deadline = g_get_monotonic_time () + timeout_seconds * G_USEC_PER_SEC;
  guint tick = g_timeout_add (50, tick_cb, NULL);

  while (!done (data) && g_get_monotonic_time () < deadline)
    g_main_context_iteration (NULL, TRUE);

  g_source_remove (tick);
  return done (data);
}
