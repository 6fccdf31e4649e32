/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <glib/gi18n.h>
#include <gio/gunixsocketaddress.h>

#include "dockyard-engine-private.h"
#include "dockyard-exec-stream.h"

#define READ_SIZE (64 * 1024)
#define MAX_HEADER_LINES 100
/* A header line is a few dozen bytes; one this long is not HTTP. */
#define MAX_HEADER_LINE  (64 * 1024)

/**
 * DockyardExecStream:
 *
 * A process started in a running container (`exec`) with a terminal.
 * `POST /exec/{id}/start` has no WebSocket variant: the engine hijacks the
 * HTTP connection (`Connection: Upgrade`, `Upgrade: tcp`, answer 101) and
 * the rest is the raw terminal stream.  libsoup 3 cannot hand a connection
 * over, so this speaks that one request itself on a plain socket.
 */
struct _DockyardExecStream
{
  GObject            parent_instance;

  DockyardEngine    *engine;
  char              *exec_id;
  GSocketConnection *connection;
  GDataInputStream  *input;
  GCancellable      *cancellable;

  /* Input waiting for the previous write to finish. */
  GByteArray        *pending;
  gboolean           writing;
  gboolean           closed;
};

static void tty_stream_iface_init (DockyardTtyStreamInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (DockyardExecStream, dockyard_exec_stream, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (DOCKYARD_TYPE_TTY_STREAM,
                                                      tty_stream_iface_init))

static void
finish (DockyardExecStream *self,
        const GError       *error)
{
  if (self->closed)
    return;

  self->closed = TRUE;
  g_cancellable_cancel (self->cancellable);
  if (self->connection != NULL)
    g_io_stream_close_async (G_IO_STREAM (self->connection), G_PRIORITY_DEFAULT, NULL, NULL, NULL);
  _dockyard_tty_stream_emit_closed (DOCKYARD_TTY_STREAM (self), error);
}

static void
read_cb (GObject      *object,
         GAsyncResult *result,
         gpointer      user_data)
{
  g_autoptr(DockyardExecStream) self = user_data;
  g_autoptr(GBytes) bytes = NULL;
  g_autoptr(GError) error = NULL;

  bytes = g_input_stream_read_bytes_finish (G_INPUT_STREAM (object), result, &error);
  if (self->closed)
    return;

  if (bytes == NULL)
    {
      g_autoptr(GError) wrapped =
        g_error_new (DOCKYARD_ENGINE_ERROR, DOCKYARD_ENGINE_ERROR_DISCONNECTED,
                     _("The connection to the container broke: %s"), error->message);

      finish (self, wrapped);
      return;
    }

  if (g_bytes_get_size (bytes) == 0)
    {
      finish (self, NULL);
      return;
    }

  _dockyard_tty_stream_emit_output (DOCKYARD_TTY_STREAM (self), bytes);

  g_input_stream_read_bytes_async (G_INPUT_STREAM (self->input), READ_SIZE, G_PRIORITY_DEFAULT,
                                   self->cancellable, read_cb, g_object_ref (self));
}

static void flush_pending (DockyardExecStream *self);

static void
write_cb (GObject      *object,
          GAsyncResult *result,
          gpointer      user_data)
{
  g_autoptr(DockyardExecStream) self = user_data;
  g_autoptr(GError) error = NULL;

  self->writing = FALSE;
  if (!g_output_stream_write_all_finish (G_OUTPUT_STREAM (object), result, NULL, &error))
    {
      if (!self->closed)
        g_debug ("Cannot send input to the exec session: %s", error->message);
      return;
    }

  flush_pending (self);
}

static void
flush_pending (DockyardExecStream *self)
{
  g_autoptr(GBytes) bytes = NULL;
  GOutputStream *output;

  if (self->writing || self->closed || self->pending->len == 0)
    return;

  bytes = g_byte_array_free_to_bytes (g_steal_pointer (&self->pending));
  self->pending = g_byte_array_new ();
  self->writing = TRUE;

  output = g_io_stream_get_output_stream (G_IO_STREAM (self->connection));
  /* The buffer lives in the task data of the write: keep @bytes alive. */
  g_output_stream_write_all_async (output, g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes),
                                   G_PRIORITY_DEFAULT, self->cancellable, write_cb,
                                   g_object_ref (self));
  g_object_set_data_full (G_OBJECT (self), "dockyard-write-buffer", g_steal_pointer (&bytes),
                          (GDestroyNotify) g_bytes_unref);
}

static void
exec_write (DockyardTtyStream *stream,
            const char        *data,
            gsize              length)
{
  DockyardExecStream *self = DOCKYARD_EXEC_STREAM (stream);

  if (self->closed)
    return;

  g_byte_array_append (self->pending, (const guint8 *) data, length);
  flush_pending (self);
}

static void
exec_resize (DockyardTtyStream *stream,
             guint              rows,
             guint              columns)
{
  DockyardExecStream *self = DOCKYARD_EXEC_STREAM (stream);

  if (self->closed)
    return;

  dockyard_engine_resize_tty (self->engine, "exec", self->exec_id, rows, columns);
}

static void
exec_close (DockyardTtyStream *stream)
{
  finish (DOCKYARD_EXEC_STREAM (stream), NULL);
}

static void
tty_stream_iface_init (DockyardTtyStreamInterface *iface)
{
  iface->write = exec_write;
  iface->resize = exec_resize;
  iface->close = exec_close;
}

static void
dockyard_exec_stream_dispose (GObject *object)
{
  DockyardExecStream *self = (DockyardExecStream *)object;

  g_cancellable_cancel (self->cancellable);
  if (self->connection != NULL)
    g_io_stream_close (G_IO_STREAM (self->connection), NULL, NULL);

  G_OBJECT_CLASS (dockyard_exec_stream_parent_class)->dispose (object);
}

static void
dockyard_exec_stream_finalize (GObject *object)
{
  DockyardExecStream *self = (DockyardExecStream *)object;

  g_clear_object (&self->engine);
  g_clear_object (&self->connection);
  g_clear_object (&self->input);
  g_clear_object (&self->cancellable);
  g_clear_pointer (&self->exec_id, g_free);
  g_clear_pointer (&self->pending, g_byte_array_unref);

  G_OBJECT_CLASS (dockyard_exec_stream_parent_class)->finalize (object);
}

static void
dockyard_exec_stream_class_init (DockyardExecStreamClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = dockyard_exec_stream_dispose;
  object_class->finalize = dockyard_exec_stream_finalize;
}

static void
dockyard_exec_stream_init (DockyardExecStream *self)
{
  self->pending = g_byte_array_new ();
  self->cancellable = g_cancellable_new ();
}

/* Opening ------------------------------------------------------------------- */

typedef struct
{
  DockyardExecStream *stream;
  guint               n_lines;
  guint               status;
} OpenState;

static void
open_state_free (OpenState *state)
{
  g_clear_object (&state->stream);
  g_free (state);
}

/* Fails the opening.  The connection is closed now, not when the caller
 * lets go of the result: an engine that is still sending is cut off. */
static void
fail_open (GTask  *task,
           GError *error)
{
  OpenState *state = g_task_get_task_data (task);

  if (state->stream->connection != NULL)
    g_io_stream_close (G_IO_STREAM (state->stream->connection), NULL, NULL);
  g_task_return_error (task, error);
}

static void
header_line_cb (GObject      *object,
                GAsyncResult *result,
                gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  OpenState *state = g_task_get_task_data (task);
  DockyardExecStream *self = state->stream;
  g_autoptr(GError) error = NULL;
  g_autofree char *line = NULL;
  gsize length;

  line = _dockyard_read_line_finish (G_BUFFERED_INPUT_STREAM (object), result, &length, &error);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_MESSAGE_TOO_LARGE))
    {
      fail_open (task, g_error_new (DOCKYARD_ENGINE_ERROR, DOCKYARD_ENGINE_ERROR_MALFORMED_RESPONSE,
                                    _("The engine’s answer to the exec request has a header "
                                      "line longer than %d KiB."), MAX_HEADER_LINE / 1024));
      return;
    }

  if (line == NULL)
    {
      if (error == NULL)
        error = g_error_new (DOCKYARD_ENGINE_ERROR, DOCKYARD_ENGINE_ERROR_DISCONNECTED,
                             _("The engine closed the connection before starting the process."));
      fail_open (task, _dockyard_engine_error_from_transport (
                         error, dockyard_engine_get_socket_path (self->engine)));
      return;
    }

  /* Lines end in CRLF; the reader splits at LF. */
  if (length > 0 && line[length - 1] == '\r')
    line[--length] = '\0';

  if (!g_utf8_validate (line, length, NULL))
    {
      fail_open (task, g_error_new (DOCKYARD_ENGINE_ERROR, DOCKYARD_ENGINE_ERROR_MALFORMED_RESPONSE,
                                    _("The engine’s answer to the exec request is not HTTP.")));
      return;
    }

  if (state->n_lines++ == 0)
    {
      if (!_dockyard_parse_http_status (line, &state->status))
        {
          fail_open (task, g_error_new (DOCKYARD_ENGINE_ERROR,
                                        DOCKYARD_ENGINE_ERROR_MALFORMED_RESPONSE,
                                        _("The engine answered the exec request with “%s”."),
                                        line));
          return;
        }
    }
  else if (length == 0)
    {
      /* End of the headers: 101 (or 200 from old engines) means the rest
       * of the connection is the terminal. */
      if (state->status != SOUP_STATUS_SWITCHING_PROTOCOLS && state->status != SOUP_STATUS_OK)
        {
          fail_open (task, g_error_new (DOCKYARD_ENGINE_ERROR, DOCKYARD_ENGINE_ERROR_SERVER_ERROR,
                                        _("The engine refused to start the process (HTTP %u)."),
                                        state->status));
          return;
        }

      g_input_stream_read_bytes_async (G_INPUT_STREAM (self->input), READ_SIZE,
                                       G_PRIORITY_DEFAULT, self->cancellable, read_cb,
                                       g_object_ref (self));
      g_task_return_pointer (task, g_object_ref (self), g_object_unref);
      return;
    }
  else if (state->n_lines > MAX_HEADER_LINES)
    {
      fail_open (task, g_error_new (DOCKYARD_ENGINE_ERROR, DOCKYARD_ENGINE_ERROR_MALFORMED_RESPONSE,
                                    _("The engine’s answer to the exec request has too many "
                                      "headers.")));
      return;
    }

  _dockyard_read_line_async (G_BUFFERED_INPUT_STREAM (self->input), MAX_HEADER_LINE,
                             g_task_get_cancellable (task), header_line_cb, task);
  g_steal_pointer (&task);
}

static void
request_written_cb (GObject      *object,
                    GAsyncResult *result,
                    gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  OpenState *state = g_task_get_task_data (task);
  DockyardExecStream *self = state->stream;
  g_autoptr(GError) error = NULL;
  GCancellable *cancellable;

  if (!g_output_stream_write_all_finish (G_OUTPUT_STREAM (object), result, NULL, &error))
    {
      g_task_return_error (task, _dockyard_engine_error_from_transport (
                                   error, dockyard_engine_get_socket_path (self->engine)));
      return;
    }

  self->input = g_data_input_stream_new (
                  g_io_stream_get_input_stream (G_IO_STREAM (self->connection)));
  g_data_input_stream_set_newline_type (self->input, G_DATA_STREAM_NEWLINE_TYPE_LF);
  g_filter_input_stream_set_close_base_stream (G_FILTER_INPUT_STREAM (self->input), FALSE);

  cancellable = g_task_get_cancellable (task);
  _dockyard_read_line_async (G_BUFFERED_INPUT_STREAM (self->input), MAX_HEADER_LINE, cancellable,
                             header_line_cb, g_steal_pointer (&task));
}

static void
socket_connected_cb (GObject      *object,
                     GAsyncResult *result,
                     gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  OpenState *state = g_task_get_task_data (task);
  DockyardExecStream *self = state->stream;
  g_autoptr(GError) error = NULL;
  const char *body = "{\"Detach\":false,\"Tty\":true}";
  GOutputStream *output;
  GCancellable *cancellable;
  char *request;

  self->connection = g_socket_client_connect_finish (G_SOCKET_CLIENT (object), result, &error);
  if (self->connection == NULL)
    {
      g_task_return_error (task, _dockyard_engine_error_from_transport (
                                   error, dockyard_engine_get_socket_path (self->engine)));
      return;
    }

  request = g_strdup_printf ("POST /v%s/exec/%s/start HTTP/1.1\r\n"
                             "Host: docker\r\n"
                             "User-Agent: Dockyard/" PACKAGE_VERSION "\r\n"
                             "Content-Type: application/json\r\n"
                             "Connection: Upgrade\r\n"
                             "Upgrade: tcp\r\n"
                             "Content-Length: %zu\r\n"
                             "\r\n"
                             "%s",
                             dockyard_engine_get_api_version (self->engine), self->exec_id,
                             strlen (body), body);
  /* The request text must outlive the asynchronous write. */
  g_object_set_data_full (G_OBJECT (self), "dockyard-request", request, g_free);

  output = g_io_stream_get_output_stream (G_IO_STREAM (self->connection));
  cancellable = g_task_get_cancellable (task);
  g_output_stream_write_all_async (output, request, strlen (request), G_PRIORITY_DEFAULT,
                                   cancellable, request_written_cb, g_steal_pointer (&task));
}

static void
exec_created_cb (GObject      *object,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  OpenState *state = g_task_get_task_data (task);
  DockyardExecStream *self = state->stream;
  g_autoptr(GSocketClient) client = NULL;
  g_autoptr(GSocketAddress) address = NULL;
  g_autoptr(JsonNode) node = NULL;
  g_autoptr(GError) error = NULL;
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

  client = g_socket_client_new ();
  address = g_unix_socket_address_new (dockyard_engine_get_socket_path (self->engine));
  cancellable = g_task_get_cancellable (task);
  g_socket_client_connect_async (client, G_SOCKET_CONNECTABLE (address), cancellable,
                                 socket_connected_cb, g_steal_pointer (&task));
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
  OpenState *state;

  g_return_if_fail (DOCKYARD_IS_ENGINE (engine));
  g_return_if_fail (container_id != NULL);
  g_return_if_fail (argv != NULL && argv[0] != NULL);

  state = g_new0 (OpenState, 1);
  state->stream = g_object_new (DOCKYARD_TYPE_EXEC_STREAM, NULL);
  state->stream->engine = g_object_ref (engine);

  task = g_task_new (NULL, cancellable, callback, user_data);
  g_task_set_source_tag (task, dockyard_exec_stream_new_async);
  g_task_set_task_data (task, state, (GDestroyNotify) open_state_free);

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

  g_return_if_fail (DOCKYARD_IS_EXEC_STREAM (self));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, dockyard_exec_stream_get_exit_code_async);

  path = g_strdup_printf ("/exec/%s/json", self->exec_id);
  dockyard_engine_request_async (self->engine, "GET", path, NULL, cancellable, inspect_cb,
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
