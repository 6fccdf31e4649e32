/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "dockyard-container-run.h"
#include "dockyard-orphan-sweep.h"

/**
 * DockyardContainerRun:
 *
 * Runs a container to completion: create, start, wait for the exit, read
 * its output if asked, remove.  `docker run --rm` for a short-lived helper
 * (the lab's Jupyter probe, pip freeze).
 *
 * One rule for cancelling: a container that was created is always removed
 * before the run finishes, whatever step the cancel hits.  So creating
 * and starting do not take the cancellable (a cancelled create could leave
 * a container whose id never came back); it is checked between the steps,
 * and waiting and reading, the steps that take time, stop at once.
 * Removing is never cancelled.
 */
struct _DockyardContainerRun
{
  GObject                   parent_instance;

  DockyardEngine           *engine;
  JsonNode                 *config;
  gboolean                  read_output;

  DockyardContainerRunStep  step;
  char                     *container_id;
  int                       exit_status;
  char                     *out;
  char                     *err;
  /* The first failure (or the cancel); the run reports it after removing. */
  GError                   *error;
};

G_DEFINE_FINAL_TYPE (DockyardContainerRun, dockyard_container_run, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_STEP,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void
set_step (DockyardContainerRun     *self,
          DockyardContainerRunStep  step)
{
  if (self->step == step)
    return;

  self->step = step;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_STEP]);
}

static void
dockyard_container_run_finalize (GObject *object)
{
  DockyardContainerRun *self = (DockyardContainerRun *)object;

  g_clear_object (&self->engine);
  g_clear_pointer (&self->config, json_node_unref);
  g_clear_pointer (&self->container_id, g_free);
  g_clear_pointer (&self->out, g_free);
  g_clear_pointer (&self->err, g_free);
  g_clear_error (&self->error);

  G_OBJECT_CLASS (dockyard_container_run_parent_class)->finalize (object);
}

static void
dockyard_container_run_get_property (GObject    *object,
                                     guint       prop_id,
                                     GValue     *value,
                                     GParamSpec *pspec)
{
  DockyardContainerRun *self = DOCKYARD_CONTAINER_RUN (object);

  switch (prop_id)
    {
    case PROP_STEP:
      g_value_set_int (value, self->step);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
dockyard_container_run_class_init (DockyardContainerRunClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = dockyard_container_run_finalize;
  object_class->get_property = dockyard_container_run_get_property;

  /**
   * DockyardContainerRun:step:
   *
   * Where the run is (a #DockyardContainerRunStep).
   */
  properties[PROP_STEP] =
    g_param_spec_int ("step", NULL, NULL,
                      DOCKYARD_CONTAINER_RUN_READY, DOCKYARD_CONTAINER_RUN_DONE,
                      DOCKYARD_CONTAINER_RUN_READY,
                      (G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
dockyard_container_run_init (DockyardContainerRun *self)
{
  self->exit_status = -1;
}

/**
 * dockyard_container_run_new:
 * @spec: the container; its process must end by itself
 *
 * Returns: (transfer full): a run, not started
 */
DockyardContainerRun *
dockyard_container_run_new (DockyardEngine              *engine,
                            const DockyardContainerSpec *spec)
{
  DockyardContainerRun *self;

  g_return_val_if_fail (DOCKYARD_IS_ENGINE (engine), NULL);
  g_return_val_if_fail (spec != NULL, NULL);

  self = g_object_new (DOCKYARD_TYPE_CONTAINER_RUN, NULL);
  self->engine = g_object_ref (engine);
  self->config = dockyard_container_spec_to_json (spec);

  return self;
}

/**
 * dockyard_container_run_set_read_output:
 *
 * Whether to read what the process wrote (stdout and stderr) after it
 * exited.  Off by default.
 */
void
dockyard_container_run_set_read_output (DockyardContainerRun *self,
                                        gboolean              read_output)
{
  g_return_if_fail (DOCKYARD_IS_CONTAINER_RUN (self));
  g_return_if_fail (self->step == DOCKYARD_CONTAINER_RUN_READY);

  self->read_output = !!read_output;
}

DockyardContainerRunStep
dockyard_container_run_get_step (DockyardContainerRun *self)
{
  g_return_val_if_fail (DOCKYARD_IS_CONTAINER_RUN (self), DOCKYARD_CONTAINER_RUN_DONE);
  return self->step;
}

/**
 * dockyard_container_run_get_exit_status:
 *
 * Returns: the process's exit status once the run succeeded, otherwise -1
 */
int
dockyard_container_run_get_exit_status (DockyardContainerRun *self)
{
  g_return_val_if_fail (DOCKYARD_IS_CONTAINER_RUN (self), -1);
  return self->exit_status;
}

/**
 * dockyard_container_run_get_stdout:
 *
 * Returns: (nullable): what the process wrote on stdout, when it was read
 */
const char *
dockyard_container_run_get_stdout (DockyardContainerRun *self)
{
  g_return_val_if_fail (DOCKYARD_IS_CONTAINER_RUN (self), NULL);
  return self->out;
}

/**
 * dockyard_container_run_get_stderr:
 *
 * Returns: (nullable): what the process wrote on stderr, when it was read
 */
const char *
dockyard_container_run_get_stderr (DockyardContainerRun *self)
{
  g_return_val_if_fail (DOCKYARD_IS_CONTAINER_RUN (self), NULL);
  return self->err;
}

/* Running ------------------------------------------------------------------------- */

static void
removed_cb (GObject      *object,
            GAsyncResult *result,
            gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  DockyardContainerRun *self = g_task_get_source_object (task);
  g_autoptr(GError) error = NULL;

  /* Only when the engine is gone: the container then goes with the
   * orphans when Dockyard next starts. */
  if (!dockyard_engine_remove_container_finish (self->engine, result, &error))
    g_debug ("Cannot remove the container %s: %s", self->container_id, error->message);

  set_step (self, DOCKYARD_CONTAINER_RUN_DONE);
  if (self->error != NULL)
    g_task_return_error (task, g_steal_pointer (&self->error));
  else
    g_task_return_boolean (task, TRUE);
}

/* Every way out goes through here: the container goes first, whatever
 * happened (also after a cancel), then the run finishes. */
static void
finish (GTask  *task,
        GError *error)
{
  DockyardContainerRun *self = g_task_get_source_object (task);

  if (error != NULL && self->error == NULL)
    self->error = error;
  else if (error != NULL)
    g_error_free (error);

  if (self->container_id == NULL)
    {
      set_step (self, DOCKYARD_CONTAINER_RUN_DONE);
      if (self->error != NULL)
        g_task_return_error (task, g_steal_pointer (&self->error));
      else
        g_task_return_boolean (task, TRUE);
      g_object_unref (task);
      return;
    }

  set_step (self, DOCKYARD_CONTAINER_RUN_REMOVING);
  dockyard_engine_remove_container_async (self->engine, self->container_id, removed_cb, task);
}

/* Between steps: a cancel that came while an uncancellable step ran. */
static gboolean
finish_if_cancelled (GTask *task)
{
  GError *error = NULL;

  if (!g_cancellable_set_error_if_cancelled (g_task_get_cancellable (task), &error))
    return FALSE;

  finish (task, error);
  return TRUE;
}

static void
output_read_cb (GObject      *object,
                GAsyncResult *result,
                gpointer      user_data)
{
  GTask *task = user_data;
  DockyardContainerRun *self = g_task_get_source_object (task);
  GError *error = NULL;

  if (!dockyard_engine_read_container_logs_finish (self->engine, result, &self->out, &self->err,
                                                   &error))
    self->exit_status = -1;
  finish (task, error);
}

static void
waited_cb (GObject      *object,
           GAsyncResult *result,
           gpointer      user_data)
{
  GTask *task = user_data;
  DockyardContainerRun *self = g_task_get_source_object (task);
  GError *error = NULL;
  int status;

  status = dockyard_engine_wait_container_finish (self->engine, result, &error);
  if (error != NULL)
    {
      finish (task, error);
      return;
    }

  self->exit_status = status;
  if (!self->read_output)
    {
      finish (task, NULL);
      return;
    }

  set_step (self, DOCKYARD_CONTAINER_RUN_READING_OUTPUT);
  dockyard_engine_read_container_logs_async (self->engine, self->container_id,
                                             g_task_get_cancellable (task), output_read_cb, task);
}

static void
started_cb (GObject      *object,
            GAsyncResult *result,
            gpointer      user_data)
{
  GTask *task = user_data;
  DockyardContainerRun *self = g_task_get_source_object (task);
  GError *error = NULL;

  if (!dockyard_engine_start_container_finish (self->engine, result, &error))
    {
      finish (task, error);
      return;
    }
  if (finish_if_cancelled (task))
    return;

  set_step (self, DOCKYARD_CONTAINER_RUN_WAITING);
  dockyard_engine_wait_container_async (self->engine, self->container_id,
                                        g_task_get_cancellable (task), waited_cb, task);
}

static void
created_cb (GObject      *object,
            GAsyncResult *result,
            gpointer      user_data)
{
  GTask *task = user_data;
  DockyardContainerRun *self = g_task_get_source_object (task);
  GError *error = NULL;

  self->container_id = dockyard_engine_create_container_finish (self->engine, result, &error);
  if (self->container_id == NULL)
    {
      finish (task, error);
      return;
    }
  if (finish_if_cancelled (task))
    return;

  set_step (self, DOCKYARD_CONTAINER_RUN_STARTING);
  dockyard_engine_start_container_async (self->engine, self->container_id, NULL, started_cb, task);
}

/**
 * dockyard_container_run_async:
 *
 * Runs the container once.  It finishes after the container is removed,
 * also when it fails or is cancelled.  A process that exits with a
 * non-zero status is not an error: see
 * dockyard_container_run_get_exit_status().
 */
void
dockyard_container_run_async (DockyardContainerRun *self,
                              GCancellable         *cancellable,
                              GAsyncReadyCallback   callback,
                              gpointer              user_data)
{
  GTask *task;

  g_return_if_fail (DOCKYARD_IS_CONTAINER_RUN (self));
  g_return_if_fail (self->step == DOCKYARD_CONTAINER_RUN_READY);

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, dockyard_container_run_async);

  if (finish_if_cancelled (task))
    return;

  set_step (self, DOCKYARD_CONTAINER_RUN_CREATING);
  dockyard_engine_create_container_async (self->engine, NULL, self->config, NULL, created_cb, task);
}

gboolean
dockyard_container_run_finish (DockyardContainerRun  *self,
                               GAsyncResult          *result,
                               GError               **error)
{
  g_return_val_if_fail (DOCKYARD_IS_CONTAINER_RUN (self), FALSE);
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

/* Removing for a session ------------------------------------------------------------ */

static void
task_removed_cb (GObject      *object,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  GError *error = NULL;

  if (!dockyard_engine_remove_container_finish (DOCKYARD_ENGINE (object), result, &error))
    {
      /* Not removed (the engine is gone, or refused): the next sweep, once
       * the engine answers again, removes it. */
      if (!g_error_matches (error, DOCKYARD_ENGINE_ERROR, DOCKYARD_ENGINE_ERROR_NOT_FOUND))
        dockyard_orphan_sweep_abandon (g_task_get_task_data (task));
      g_task_return_error (task, error);
    }
  else
    g_task_return_boolean (task, TRUE);
}

/**
 * dockyard_container_finish_stops:
 * @id: (nullable): the session's container, or %NULL when none was created
 * @pending_stops: (inout) (transfer full): the stop tasks a session queued
 *   while its container was being made; emptied
 *
 * How a session stops, once nothing of it is being created any more: its
 * container goes, not cancellably; the first stop returns %TRUE once it is
 * gone (or the engine's error, and then the next orphan sweep removes it),
 * any later ones at once.
 */
void
dockyard_container_finish_stops (DockyardEngine  *engine,
                                 const char      *id,
                                 GPtrArray      **pending_stops)
{
  g_autoptr(GPtrArray) stops = NULL;
  GTask *first;

  g_return_if_fail (DOCKYARD_IS_ENGINE (engine));
  g_return_if_fail (pending_stops != NULL);

  if (*pending_stops == NULL || (*pending_stops)->len == 0)
    return;

  stops = g_steal_pointer (pending_stops);
  for (guint i = 1; i < stops->len; i++)
    g_task_return_boolean (g_ptr_array_index (stops, i), TRUE);

  first = g_object_ref (g_ptr_array_index (stops, 0));
  if (id == NULL)
    {
      g_task_return_boolean (first, TRUE);
      g_object_unref (first);
      return;
    }

  g_task_set_task_data (first, g_strdup (id), g_free);
  dockyard_engine_remove_container_async (engine, id, task_removed_cb, first);
}
