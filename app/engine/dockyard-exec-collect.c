/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "dockyard-exec-collect.h"
#include "dockyard-exec-stream.h"

/* A short exec without input, its output collected until it ends. */
typedef struct
{
  DockyardExecStream *stream;
  GString            *output;
  gsize               max_output;
  GSource            *cancel_source;
} CollectState;

typedef struct
{
  char *output;
  int   exit_status;
} CollectResult;

static void
collect_state_free (CollectState *state)
{
  if (state->cancel_source != NULL)
    {
      g_source_destroy (state->cancel_source);
      g_source_unref (state->cancel_source);
    }
  if (state->stream != NULL)
    {
      g_signal_handlers_disconnect_by_data (state->stream, state);
      dockyard_tty_stream_close (DOCKYARD_TTY_STREAM (state->stream));
    }
  g_clear_object (&state->stream);
  g_string_free (state->output, TRUE);
  g_free (state);
}

static void
collect_result_free (CollectResult *result)
{
  g_free (result->output);
  g_free (result);
}

static void
exit_code_cb (GObject      *object,
              GAsyncResult *result,
              gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  CollectState *state = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;
  CollectResult *collected = g_new0 (CollectResult, 1);

  /* The output is there either way: a status the engine cannot tell is -1. */
  collected->exit_status = dockyard_exec_stream_get_exit_code_finish (DOCKYARD_EXEC_STREAM (object),
                                                                      result, &error);
  if (error != NULL)
    {
      g_debug ("Cannot read an exec's exit status: %s", error->message);
      collected->exit_status = -1;
    }
  collected->output = g_strndup (state->output->str, state->output->len);
  g_task_return_pointer (task, collected, (GDestroyNotify) collect_result_free);
}

static void
output_cb (DockyardTtyStream *stream,
           GBytes            *bytes,
           CollectState      *state)
{
  gsize length;
  const char *data = g_bytes_get_data (bytes, &length);

  /* A runaway output is cut, never kept whole. */
  if (state->output->len < state->max_output)
    g_string_append_len (state->output, data, MIN (length, state->max_output - state->output->len));
}

static void
closed_cb (DockyardTtyStream *stream,
           const GError      *error,
           GTask             *task)
{
  CollectState *state = g_task_get_task_data (task);

  g_signal_handlers_disconnect_by_data (stream, state);
  g_signal_handlers_disconnect_by_data (stream, task);

  if (g_task_return_error_if_cancelled (task))
    ;
  else if (error != NULL)
    g_task_return_error (task, g_error_copy (error));
  else
    {
      dockyard_exec_stream_get_exit_code_async (state->stream, NULL, exit_code_cb, task);
      return;
    }
  g_object_unref (task);
}

static gboolean
cancelled_cb (GCancellable *cancellable,
              gpointer      user_data)
{
  CollectState *state = user_data;

  /* From the main loop, never inside g_cancellable_cancel(): closing
   * emits "closed", which may end the task and free this state. */
  if (state->stream != NULL)
    dockyard_tty_stream_close (DOCKYARD_TTY_STREAM (state->stream));
  return G_SOURCE_REMOVE;
}

static void
opened_cb (GObject      *object,
           GAsyncResult *result,
           gpointer      user_data)
{
  GTask *task = user_data;
  CollectState *state = g_task_get_task_data (task);
  GCancellable *cancellable = g_task_get_cancellable (task);
  g_autoptr(GError) error = NULL;

  state->stream = dockyard_exec_stream_new_finish (result, &error);
  if (state->stream == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      g_object_unref (task);
      return;
    }

  /* The task's reference travels to closed_cb. */
  g_signal_connect (state->stream, "output", G_CALLBACK (output_cb), state);
  g_signal_connect (state->stream, "closed", G_CALLBACK (closed_cb), task);

  if (cancellable != NULL)
    {
      state->cancel_source = g_cancellable_source_new (cancellable);
      g_source_set_callback (state->cancel_source, (GSourceFunc) G_CALLBACK (cancelled_cb),
                             state, NULL);
      g_source_attach (state->cancel_source, g_task_get_context (task));
    }
}

/**
 * dockyard_engine_exec_collect_async:
 * @container_id: a running container
 * @argv: the command, as an argument vector (never a shell string)
 * @env: (nullable): `NAME=value` strings
 * @working_dir: (nullable): where to start it (the container's working
 *   directory when %NULL)
 * @user: (nullable): "uid:gid" or a user name, or %NULL for the
 *   container's user
 * @max_output: how many bytes of output to keep; the rest is dropped
 *
 * Runs a short command without input in the container (`exec`) and
 * collects its output until it ends.  The exec has a terminal, so its
 * stdout and stderr arrive together, as a terminal would show them.
 * Cancelling closes the connection to the process.
 */
void
dockyard_engine_exec_collect_async (DockyardEngine      *engine,
                                    const char          *container_id,
                                    const char * const  *argv,
                                    const char * const  *env,
                                    const char          *working_dir,
                                    const char          *user,
                                    gsize                max_output,
                                    GCancellable        *cancellable,
                                    GAsyncReadyCallback  callback,
                                    gpointer             user_data)
{
  GTask *task;
  CollectState *state;

  g_return_if_fail (DOCKYARD_IS_ENGINE (engine));
  g_return_if_fail (container_id != NULL);
  g_return_if_fail (argv != NULL && argv[0] != NULL);

  task = g_task_new (engine, cancellable, callback, user_data);
  g_task_set_source_tag (task, dockyard_engine_exec_collect_async);
  state = g_new0 (CollectState, 1);
  state->output = g_string_new (NULL);
  state->max_output = max_output;
  g_task_set_task_data (task, state, (GDestroyNotify) collect_state_free);

  dockyard_exec_stream_new_async (engine, container_id, argv, env, working_dir, user,
                                  cancellable, opened_cb, task);
}

/**
 * dockyard_engine_exec_collect_finish:
 * @exit_status: (out) (optional): where to store the command's exit
 *   status, or -1 when the engine cannot tell it
 *
 * Returns: (transfer full): the output (at most the asked-for number of
 *   bytes, NUL-terminated), or %NULL with @error set when the command
 *   could not be started or its connection broke
 */
char *
dockyard_engine_exec_collect_finish (DockyardEngine  *engine,
                                     GAsyncResult    *result,
                                     int             *exit_status,
                                     GError         **error)
{
  CollectResult *collected;
  char *output;

  g_return_val_if_fail (DOCKYARD_IS_ENGINE (engine), NULL);
  g_return_val_if_fail (g_task_is_valid (result, engine), NULL);

  collected = g_task_propagate_pointer (G_TASK (result), error);
  if (collected == NULL)
    return NULL;
  if (exit_status != NULL)
    *exit_status = collected->exit_status;
  output = g_steal_pointer (&collected->output);
  collect_result_free (collected);
  return output;
}
