/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "dockyard-container-spec.h"
#include "dockyard-orphan-sweep.h"

/* Containers that an earlier Dockyard left behind (it was killed, or the
 * machine lost power) carry an owner label naming a process that no longer
 * runs.  Every role is labelled so: dev, lab, the lab's probe, pip freeze.
 *
 * A container this Dockyard could not remove when its session stopped (the
 * engine was gone: a killed Podman service leaves its containers running,
 * as conmon, not the service, keeps them) is abandoned: swept too, though
 * its owner lives, once the engine answers again. */

/* Ids of abandoned containers; main thread only. */
static GHashTable *abandoned;

/**
 * dockyard_orphan_sweep_abandon:
 * @id: a container this Dockyard made and could not remove
 *
 * Has the next sweep remove @id although this process, its owner, runs.
 */
void
dockyard_orphan_sweep_abandon (const char *id)
{
  g_return_if_fail (id != NULL);

  if (abandoned == NULL)
    abandoned = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  g_debug ("Container %s could not be removed: the next sweep will", id);
  g_hash_table_add (abandoned, g_strdup (id));
}

static gboolean
is_abandoned (const char *id)
{
  return abandoned != NULL && id != NULL && g_hash_table_contains (abandoned, id);
}

static void
forget_abandoned (const char *id)
{
  if (abandoned != NULL)
    g_hash_table_remove (abandoned, id);
}

typedef struct
{
  GTask *task;
  char  *id;
} Removal;

typedef struct
{
  guint pending;
  guint removed;
} SweepState;

/* One removal (or the listing's loop) is done; the last one finishes. */
static void
sweep_step_done (GTask *task)
{
  SweepState *state = g_task_get_task_data (task);

  if (--state->pending == 0)
    {
      g_task_return_int (task, state->removed);
      g_object_unref (task);
    }
}

static void
orphan_removed_cb (GObject      *object,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  Removal *removal = user_data;
  GTask *task = removal->task;
  SweepState *state = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;

  if (dockyard_engine_remove_container_finish (DOCKYARD_ENGINE (object), result, &error))
    {
      state->removed++;
      forget_abandoned (removal->id);
    }
  else
    {
      g_debug ("Cannot remove an orphaned container: %s", error->message);
      /* Gone already: nothing more to do for it. */
      if (g_error_matches (error, DOCKYARD_ENGINE_ERROR, DOCKYARD_ENGINE_ERROR_NOT_FOUND))
        forget_abandoned (removal->id);
    }

  g_free (removal->id);
  g_free (removal);
  sweep_step_done (task);
}

/* The id of a container whose owner is gone, or that was abandoned, or NULL. */
static const char *
orphan_id (JsonObject *container)
{
  JsonObject *labels;
  const char *owner;
  const char *id;

  if (container == NULL)
    return NULL;

  id = json_object_get_string_member_with_default (container, "Id", NULL);
  if (is_abandoned (id))
    return id;

  if (!json_object_has_member (container, "Labels") ||
      !JSON_NODE_HOLDS_OBJECT (json_object_get_member (container, "Labels")))
    return NULL;

  labels = json_object_get_object_member (container, "Labels");
  owner = json_object_get_string_member_with_default (labels, DOCKYARD_LABEL_OWNER, NULL);
  if (!dockyard_container_owner_is_gone (owner))
    return NULL;

  return id;
}

static void
orphans_listed_cb (GObject      *object,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  GTask *task = user_data;
  SweepState *state = g_task_get_task_data (task);
  DockyardEngine *engine = DOCKYARD_ENGINE (object);
  g_autoptr(JsonNode) node = NULL;
  g_autoptr(GError) error = NULL;
  JsonArray *array;

  node = dockyard_engine_request_finish (engine, result, &error);
  if (node == NULL || !JSON_NODE_HOLDS_ARRAY (node))
    {
      if (error != NULL)
        g_task_return_error (task, g_steal_pointer (&error));
      else
        g_task_return_int (task, 0);
      g_object_unref (task);
      return;
    }

  array = json_node_get_array (node);
  /* The extra count covers the loop itself. */
  state->pending = 1;
  for (guint i = 0; i < json_array_get_length (array); i++)
    {
      const char *id = orphan_id (json_array_get_object_element (array, i));
      Removal *removal;

      if (id == NULL)
        continue;

      g_debug ("Removing orphaned container %s", id);
      state->pending++;
      removal = g_new0 (Removal, 1);
      removal->task = task;
      removal->id = g_strdup (id);
      dockyard_engine_remove_container_async (engine, id, orphan_removed_cb, removal);
    }

  sweep_step_done (task);
}

/**
 * dockyard_orphan_sweep_async:
 * @engine: a connected engine
 *
 * Removes the containers that an earlier Dockyard left behind: those
 * labelled with an owner process that no longer runs, and those this one
 * abandoned (dockyard_orphan_sweep_abandon()).  The removals
 * themselves are not cancellable (see dockyard_engine_remove_container_async()).
 */
void
dockyard_orphan_sweep_async (DockyardEngine      *engine,
                             GCancellable        *cancellable,
                             GAsyncReadyCallback  callback,
                             gpointer             user_data)
{
  GTask *task;
  g_autofree char *filters = NULL;
  g_autofree char *path = NULL;

  g_return_if_fail (DOCKYARD_IS_ENGINE (engine));

  task = g_task_new (engine, cancellable, callback, user_data);
  g_task_set_source_tag (task, dockyard_orphan_sweep_async);
  g_task_set_task_data (task, g_new0 (SweepState, 1), g_free);

  filters = g_uri_escape_string ("{\"label\":[\"" DOCKYARD_LABEL_OWNER "\"]}", NULL, FALSE);
  path = g_strdup_printf ("/containers/json?all=1&filters=%s", filters);
  dockyard_engine_request_async (engine, "GET", path, NULL, cancellable, orphans_listed_cb, task);
}

/**
 * dockyard_orphan_sweep_finish:
 *
 * Returns: how many containers were removed
 */
guint
dockyard_orphan_sweep_finish (GAsyncResult  *result,
                              GError       **error)
{
  gssize removed;

  g_return_val_if_fail (G_IS_TASK (result), 0);

  removed = g_task_propagate_int (G_TASK (result), error);
  return removed > 0 ? (guint) removed : 0;
}
