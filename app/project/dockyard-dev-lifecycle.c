/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <glib/gi18n.h>

#include "dockyard-dev-lifecycle.h"
#include "dockyard-exec-collect.h"
#include "dockyard-exec-stream.h"

/* Made as root: the dev container's user may not own /tmp's parent. */
static const char * const mark_argv[] = {
  "/bin/sh", "-c", "mkdir -p /tmp && : > " DOCKYARD_LIFECYCLE_MARK, NULL
};

typedef struct
{
  DockyardEngine             *engine;
  char                       *container_id;
  GStrv                       env;
  char                       *working_dir;
  char                       *user;
  DockyardTtyStream          *terminal;
  GPtrArray                  *steps;     /* const char *key, per command */
  GPtrArray                  *commands;  /* DockyardDevcontainerCommand, borrowed copies */
  guint                       next;
  DockyardExecStream         *exec;
  gulong                      output_id;
  gulong                      closed_id;
  GError                     *failure;
} RunState;

static void
command_copy_free (DockyardDevcontainerCommand *command)
{
  g_free (command->name);
  g_strfreev (command->argv);
  g_free (command);
}

static void
run_state_free (RunState *state)
{
  if (state->exec != NULL)
    {
      g_clear_signal_handler (&state->output_id, state->exec);
      g_clear_signal_handler (&state->closed_id, state->exec);
      dockyard_tty_stream_close (DOCKYARD_TTY_STREAM (state->exec));
    }
  g_clear_object (&state->exec);
  g_clear_object (&state->engine);
  g_free (state->container_id);
  g_strfreev (state->env);
  g_free (state->working_dir);
  g_free (state->user);
  g_clear_object (&state->terminal);
  g_clear_pointer (&state->steps, g_ptr_array_unref);
  g_clear_pointer (&state->commands, g_ptr_array_unref);
  g_clear_error (&state->failure);
  g_free (state);
}

static void
say (RunState   *state,
     const char *text)
{
  g_autoptr(GBytes) bytes = g_bytes_new (text, strlen (text));

  _dockyard_tty_stream_emit_output (state->terminal, bytes);
}

static void run_next (GTask *task);

static void
mark_made_cb (GObject      *object,
              GAsyncResult *result,
              gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  RunState *state = g_task_get_task_data (task);
  g_autofree char *output = NULL;
  g_autoptr(GError) error = NULL;

  /* Its output is nothing; once it is made, the shell starts. */
  output = dockyard_engine_exec_collect_finish (DOCKYARD_ENGINE (object), result, NULL, &error);
  if (output == NULL)
    {
      g_autofree char *line = g_strdup_printf ("\r\n\033[1;31m%s\033[0m\r\n", error->message);
      say (state, line);
    }

  if (state->failure != NULL)
    g_task_return_error (task, g_steal_pointer (&state->failure));
  else if (error != NULL)
    g_task_return_error (task, g_steal_pointer (&error));
  else
    g_task_return_boolean (task, TRUE);
}

static void
finish (GTask *task)
{
  RunState *state = g_task_get_task_data (task);

  /* Even after a failure or a cancel: the shell must start either way. */
  dockyard_engine_exec_collect_async (state->engine, state->container_id, mark_argv, NULL, "/",
                                      "0", 0, NULL, mark_made_cb, task);
}

static void
exit_code_cb (GObject      *object,
              GAsyncResult *result,
              gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  RunState *state = g_task_get_task_data (task);
  const char *key = g_ptr_array_index (state->steps, state->next);
  g_autoptr(GError) error = NULL;
  int status;

  status = dockyard_exec_stream_get_exit_code_finish (DOCKYARD_EXEC_STREAM (object), result, &error);
  g_clear_object (&state->exec);
  state->next++;

  if (status != 0)
    {
      g_autofree char *message = NULL;
      g_autofree char *line = NULL;

      if (status < 0)
        message = g_strdup_printf (_("%s did not finish: %s"), key,
                                   error ? error->message : _("the engine cannot tell how it ended"));
      else
        message = g_strdup_printf (_("%s failed with exit status %d."), key, status);
      line = g_strdup_printf ("\r\n\033[1;31m%s\033[0m\r\n", message);
      say (state, line);
      /* As the reference tool does: the later commands are not run. */
      state->failure = g_error_new_literal (G_IO_ERROR, G_IO_ERROR_FAILED, message);
      finish (g_steal_pointer (&task));
      return;
    }

  run_next (g_steal_pointer (&task));
}

static void
exec_output_cb (DockyardTtyStream *exec,
                GBytes            *bytes,
                RunState          *state)
{
  _dockyard_tty_stream_emit_output (state->terminal, bytes);
}

static void
exec_closed_cb (DockyardTtyStream *exec,
                const GError      *error,
                GTask             *task)
{
  RunState *state = g_task_get_task_data (task);

  g_clear_signal_handler (&state->output_id, exec);
  g_clear_signal_handler (&state->closed_id, exec);
  dockyard_exec_stream_get_exit_code_async (DOCKYARD_EXEC_STREAM (exec), NULL,
                                            exit_code_cb, task);
}

static void
exec_started_cb (GObject      *object,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  GTask *task = user_data;
  RunState *state = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;

  state->exec = dockyard_exec_stream_new_finish (result, &error);
  if (state->exec == NULL)
    {
      const char *key = g_ptr_array_index (state->steps, state->next);
      g_autofree char *message = g_strdup_printf (_("%s could not be started: %s"), key,
                                                  error->message);
      g_autofree char *line = g_strdup_printf ("\r\n\033[1;31m%s\033[0m\r\n", message);

      say (state, line);
      state->failure = g_error_new_literal (G_IO_ERROR, G_IO_ERROR_FAILED, message);
      finish (task);
      return;
    }

  state->output_id = g_signal_connect (state->exec, "output", G_CALLBACK (exec_output_cb), state);
  /* The task's reference travels to exit_code_cb. */
  state->closed_id = g_signal_connect (state->exec, "closed", G_CALLBACK (exec_closed_cb), task);
}

static void
run_next (GTask *task)
{
  RunState *state = g_task_get_task_data (task);
  DockyardDevcontainerCommand *command;
  g_autofree char *shown = NULL;
  g_autofree char *line = NULL;
  const char *key;

  if (state->next >= state->commands->len || g_cancellable_is_cancelled (g_task_get_cancellable (task)))
    {
      finish (task);
      return;
    }

  key = g_ptr_array_index (state->steps, state->next);
  command = g_ptr_array_index (state->commands, state->next);
  shown = g_strjoinv (" ", command->argv);
  if (command->name != NULL)
    line = g_strdup_printf ("\033[1m%s (%s): %s\033[0m\r\n", key, command->name, shown);
  else
    line = g_strdup_printf ("\033[1m%s: %s\033[0m\r\n", key, shown);
  say (state, line);

  dockyard_exec_stream_new_async (state->engine, state->container_id,
                                  (const char * const *) command->argv,
                                  (const char * const *) state->env, state->working_dir,
                                  state->user, g_task_get_cancellable (task),
                                  exec_started_cb, task);
}

/**
 * dockyard_dev_lifecycle_run_async:
 * @config: the devcontainer.json whose lifecycle commands to run
 * @notes: what of it Dockyard does not do, said first
 * @terminal: the dev container's terminal, where their output goes
 *
 * Runs onCreateCommand, postCreateCommand, postStartCommand and
 * postAttachCommand in turn through exec in the running dev container
 * (which Dockyard creates for each session, so each runs every time), as
 * the dev container's user, with its environment, in its working folder.
 * Their output is shown in @terminal; a failure is shown with its exit
 * status and the commands after it are not run.  In the end the launcher
 * is let through to the shell (see %DOCKYARD_LIFECYCLE_MARK).
 */
void
dockyard_dev_lifecycle_run_async (DockyardEngine             *engine,
                                  const char                 *container_id,
                                  const DockyardDevcontainer *config,
                                  const char * const         *notes,
                                  const char * const         *env,
                                  const char                 *working_dir,
                                  const char                 *user,
                                  DockyardTtyStream          *terminal,
                                  GCancellable               *cancellable,
                                  GAsyncReadyCallback         callback,
                                  gpointer                    user_data)
{
  GTask *task;
  RunState *state;

  g_return_if_fail (DOCKYARD_IS_ENGINE (engine));
  g_return_if_fail (container_id != NULL);
  g_return_if_fail (DOCKYARD_IS_TTY_STREAM (terminal));

  state = g_new0 (RunState, 1);
  state->engine = g_object_ref (engine);
  state->container_id = g_strdup (container_id);
  state->env = g_strdupv ((char **) env);
  state->working_dir = g_strdup (working_dir);
  state->user = g_strdup (user);
  state->terminal = g_object_ref (terminal);
  state->steps = g_ptr_array_new ();
  state->commands = g_ptr_array_new_with_free_func ((GDestroyNotify) command_copy_free);

  for (guint step = 0; config != NULL && step < DOCKYARD_DEVCONTAINER_N_LIFECYCLE; step++)
    for (guint i = 0; i < config->lifecycle[step]->len; i++)
      {
        DockyardDevcontainerCommand *command = g_ptr_array_index (config->lifecycle[step], i);
        DockyardDevcontainerCommand *copy = g_new0 (DockyardDevcontainerCommand, 1);

        copy->name = g_strdup (command->name);
        copy->argv = g_strdupv (command->argv);
        g_ptr_array_add (state->steps, (gpointer) dockyard_devcontainer_lifecycle_key (step));
        g_ptr_array_add (state->commands, copy);
      }

  task = g_task_new (NULL, cancellable, callback, user_data);
  g_task_set_source_tag (task, dockyard_dev_lifecycle_run_async);
  g_task_set_task_data (task, state, (GDestroyNotify) run_state_free);

  for (guint i = 0; notes != NULL && notes[i] != NULL; i++)
    {
      g_autofree char *line = g_strdup_printf ("\033[33m%s\033[0m\r\n", notes[i]);
      say (state, line);
    }

  run_next (task);
}

/**
 * dockyard_dev_lifecycle_run_finish:
 *
 * Returns: %TRUE when every command succeeded, else %FALSE with @error
 *   saying which failed and its exit status
 */
gboolean
dockyard_dev_lifecycle_run_finish (GAsyncResult  *result,
                                   GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}
