/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "dockyard-container-spec.h"
#include "dockyard-test-utils.h"
#include "hardening-utils.h"

/* A connected client for the suite's engine, or NULL when there is none. */
DockyardEngine *
hardening_connect_engine (void)
{
  const char *socket = dockyard_test_engine_socket ();
  g_autoptr(DockyardEngine) engine = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;

  if (socket == NULL)
    return NULL;

  engine = dockyard_engine_new (socket);
  dockyard_engine_connect_async (engine, NULL, dockyard_test_store_result_cb, &result);
  dockyard_test_wait_for_async (&result);
  g_assert_true (dockyard_engine_connect_finish (engine, result, &error));
  g_assert_no_error (error);
  return g_steal_pointer (&engine);
}

DockyardProject *
hardening_open_project (const char *path)
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
hardening_request (DockyardEngine  *engine,
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

/* Containers, running or not, that Dockyard made for @project_path (or for
 * any project when it is NULL). */
guint
hardening_count_containers (DockyardEngine *engine,
                            const char     *project_path)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) node = hardening_request (engine, "GET", "/containers/json?all=1", &error);
  JsonArray *array;
  guint n = 0;

  g_assert_no_error (error);
  g_assert_true (JSON_NODE_HOLDS_ARRAY (node));
  array = json_node_get_array (node);
  for (guint i = 0; i < json_array_get_length (array); i++)
    {
      JsonObject *container = json_array_get_object_element (array, i);
      JsonObject *labels;
      const char *project;

      if (container == NULL || !json_object_has_member (container, "Labels") ||
          !JSON_NODE_HOLDS_OBJECT (json_object_get_member (container, "Labels")))
        continue;
      labels = json_object_get_object_member (container, "Labels");
      if (!json_object_has_member (labels, DOCKYARD_LABEL_ROLE))
        continue;
      project = json_object_get_string_member_with_default (labels, DOCKYARD_LABEL_PROJECT, NULL);
      if (project_path == NULL || g_strcmp0 (project, project_path) == 0)
        n++;
    }
  return n;
}

static gboolean
tick_cb (gpointer data)
{
  return G_SOURCE_CONTINUE;
}

/* Runs the main loop until done(data) or the timeout; returns done(data). */
gboolean
hardening_wait_until (gboolean (*done) (gpointer data),
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

/* A temporary folder that other uids can enter (a dev shell runs as 1000). */
char *
hardening_make_parent (void)
{
  g_autoptr(GError) error = NULL;
  char *dir = g_dir_make_tmp ("dockyard-hardening-XXXXXX", &error);

  g_assert_no_error (error);
  g_chmod (dir, 0755);
  return dir;
}

void
hardening_remove_tree (const char *path)
{
  const char *argv[] = { "rm", "-rf", "--", path, NULL };

  g_assert_true (g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_SEARCH_PATH, NULL, NULL,
                               NULL, NULL, NULL, NULL));
}
