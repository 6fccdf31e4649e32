/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <glib/gi18n.h>

#include "dockyard-engine-private.h"
#include "dockyard-exec-stream.h"

/**
 * DockyardExecStream:
 *
 * A process started in a running container (`exec`) with a terminal, on
 * the hijacked connection of `POST /exec/{id}/start`.
 */
struct _DockyardExecStream
{
  DockyardHijackedStream parent_instance;

  char                  *exec_id;
};

G_DEFINE_FINAL_TYPE (DockyardExecStream, dockyard_exec_stream, DOCKYARD_TYPE_HIJACKED_STREAM)

static void
dockyard_exec_stream_finalize (GObject *object)
{
  DockyardExecStream *self = (DockyardExecStream *)object;

  g_clear_pointer (&self->exec_id, g_free);

  G_OBJECT_CLASS (dockyard_exec_stream_parent_class)->finalize (object);
}

static void
dockyard_exec_stream_class_init (DockyardExecStreamClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = dockyard_exec_stream_finalize;
}

static void
dockyard_exec_stream_init (DockyardExecStream *self)
{
}

static void
opened_cb (GObject      *object,
           GAsyncResult *result,
           gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  g_autoptr(GError) error = NULL;

  if (!_dockyard_hijacked_stream_open_finish (DOCKYARD_HIJACKED_STREAM (object), result, &error))
    g_task_return_error (task, g_steal_pointer (&error));
  else
    g_task_return_pointer (task, g_object_ref (object), g_object_unref);
}

static void
exec_created_cb (GObject      *object,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  DockyardExecStream *self = g_task_get_task_data (task);
  g_autoptr(JsonNode) node = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *path = NULL;
  GCancellable *cancellable;
  const char *id;

  node = dockyard_engine_request_finish (DOCKYARD_ENGINE (object), result, &error);
  if (node == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  id = JSON_NODE_HOLDS_OBJECT (node) ? _dockyard_json_get_string (json_node_get_object (node), "Id")
                                     : NULL;
  if (id == NULL)
    {
      g_task_return_new_error (task, DOCKYARD_ENGINE_ERROR, DOCKYARD_ENGINE_ERROR_MALFORMED_RESPONSE,
                               _("The engine did not name the exec session it created."));
      return;
    }
  self->exec_id = g_strdup (id);

  path = g_strdup_printf ("/exec/%s/start", id);
  cancellable = g_task_get_cancellable (task);
  _dockyard_hijacked_stream_open_async (DOCKYARD_HIJACKED_STREAM (self), DOCKYARD_ENGINE (object),
                                        path, "{\"Detach\":false,\"Tty\":true}", "exec", id,
                                        cancellable, opened_cb, g_steal_pointer (&task));
}

static void
add_strv (JsonBuilder        *builder,
          const char         *name,
          const char * const *strv)
{
  json_builder_set_member_name (builder, name);
  json_builder_begin_array (builder);
  for (guint i = 0; strv != NULL && strv[i] != NULL; i++)
    json_builder_add_string_value (builder, strv[i]);
  json_builder_end_array (builder);
}

/**
 * dockyard_exec_stream_new_async:
 * @container_id: a running container
 * @argv: the command, as an argument vector (never a shell string)
 * @env: (nullable): `NAME=value` strings
 * @working_dir: (nullable): where to start it
 * @user: (nullable): "uid:gid" or a user name
 *
 * Starts @argv in the container with a terminal and connects to it.
 */
void
dockyard_exec_stream_new_async (DockyardEngine      *engine,
                                const char          *container_id,
                                const char * const  *argv,
                                const char * const  *env,
                                const char          *working_dir,
                                const char          *user,
                                GCancellable        *cancellable,
                                GAsyncReadyCallback  callback,
                                gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonNode) body = NULL;
  g_autofree char *path = NULL;

  g_return_if_fail (DOCKYARD_IS_ENGINE (engine));
  g_return_if_fail (container_id != NULL);
  g_return_if_fail (argv != NULL && argv[0] != NULL);

  task = g_task_new (NULL, cancellable, callback, user_data);
  g_task_set_source_tag (task, dockyard_exec_stream_new_async);
  g_task_set_task_data (task, g_object_new (DOCKYARD_TYPE_EXEC_STREAM, NULL), g_object_unref);

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "AttachStdin");
  json_builder_add_boolean_value (builder, TRUE);
  json_builder_set_member_name (builder, "AttachStdout");
  json_builder_add_boolean_value (builder, TRUE);
  json_builder_set_member_name (builder, "AttachStderr");
  json_builder_add_boolean_value (builder, TRUE);
  json_builder_set_member_name (builder, "Tty");
  json_builder_add_boolean_value (builder, TRUE);
  add_strv (builder, "Cmd", argv);
  if (env != NULL)
    add_strv (builder, "Env", env);
  if (working_dir != NULL)
    {
      json_builder_set_member_name (builder, "WorkingDir");
      json_builder_add_string_value (builder, working_dir);
    }
  if (user != NULL)
    {
      json_builder_set_member_name (builder, "User");
      json_builder_add_string_value (builder, user);
    }
  json_builder_end_object (builder);
  body = json_builder_get_root (builder);

  path = g_strdup_printf ("/containers/%s/exec", container_id);
  dockyard_engine_request_async (engine, "POST", path, body, cancellable, exec_created_cb,
                                 g_steal_pointer (&task));
}

/**
 * dockyard_exec_stream_new_finish:
 *
 * Returns: (transfer full): the stream, a #DockyardTtyStream
 */
DockyardExecStream *
dockyard_exec_stream_new_finish (GAsyncResult  *result,
                                 GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}

const char *
dockyard_exec_stream_get_exec_id (DockyardExecStream *self)
{
  g_return_val_if_fail (DOCKYARD_IS_EXEC_STREAM (self), NULL);
  return self->exec_id;
}

static void
inspect_cb (GObject      *object,
            GAsyncResult *result,
            gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  g_autoptr(JsonNode) node = NULL;
  g_autoptr(GError) error = NULL;

  node = dockyard_engine_request_finish (DOCKYARD_ENGINE (object), result, &error);
  if (node == NULL)
    g_task_return_error (task, g_steal_pointer (&error));
  else if (!JSON_NODE_HOLDS_OBJECT (node))
    g_task_return_new_error (task, DOCKYARD_ENGINE_ERROR, DOCKYARD_ENGINE_ERROR_MALFORMED_RESPONSE,
                             _("The engine’s answer about the exec session is malformed."));
  else
    g_task_return_int (task, _dockyard_json_get_int (json_node_get_object (node), "ExitCode"));
}

/**
 * dockyard_exec_stream_get_exit_code_async:
 *
 * Asks the engine how the process ended (`GET /exec/{id}/json`).
 */
void
dockyard_exec_stream_get_exit_code_async (DockyardExecStream  *self,
                                          GCancellable        *cancellable,
                                          GAsyncReadyCallback  callback,
                                          gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  g_autofree char *path = NULL;
  DockyardEngine *engine;

  g_return_if_fail (DOCKYARD_IS_EXEC_STREAM (self));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, dockyard_exec_stream_get_exit_code_async);

  engine = _dockyard_hijacked_stream_get_engine (DOCKYARD_HIJACKED_STREAM (self));
  path = g_strdup_printf ("/exec/%s/json", self->exec_id);
  dockyard_engine_request_async (engine, "GET", path, NULL, cancellable, inspect_cb,
                                 g_steal_pointer (&task));
}

int
dockyard_exec_stream_get_exit_code_finish (DockyardExecStream  *self,
                                           GAsyncResult        *result,
                                           GError             **error)
{
  g_return_val_if_fail (DOCKYARD_IS_EXEC_STREAM (self), -1);
  g_return_val_if_fail (g_task_is_valid (result, self), -1);

  return g_task_propagate_int (G_TASK (result), error);
}
