/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <glib/gi18n.h>

#include "dockyard-engine-private.h"
#include "dockyard-hijacked-stream.h"
#include "dockyard-port-relay.h"

/* Each direction of each connection moves at most this much at a time:
 * the next read waits for the write, so a slow side slows the other. */
#define BUFFER_SIZE      (64 * 1024)
/* What a relay program says on stderr (why it could not connect), kept
 * for the log. */
#define MAX_STDERR       1024
#define MAX_PROBE_POLLS  50
#define PROBE_POLL_MS    100

/* The relay program in the container when it has Python (the lab image
 * needs it for Jupyter): connects to 127.0.0.1:PORT (its first argument)
 * and copies stdin to the socket and the socket to stdout.  The end of
 * stdin (the client's half-close, or the relay's end) becomes the
 * socket's; the server's end ends the program.  A fixed script; the port
 * is an argument. */
static const char python_relay[] =
  "import os, select, socket, sys\n"
  "s = socket.create_connection(('127.0.0.1', int(sys.argv[1])))\n"
  "watched = [0, s]\n"
  "while True:\n"
  "    for f in select.select(watched, [], [])[0]:\n"
  "        if f is s:\n"
  "            d = s.recv(65536)\n"
  "            if not d:\n"
  "                sys.exit(0)\n"
  "            while d:\n"
  "                d = d[os.write(1, d):]\n"
  "        else:\n"
  "            d = os.read(0, 65536)\n"
  "            if d:\n"
  "                s.sendall(d)\n"
  "            else:\n"
  "                s.shutdown(socket.SHUT_WR)\n"
  "                watched.remove(0)\n";

typedef enum
{
  PROGRAM_NONE,
  PROGRAM_PYTHON,
  PROGRAM_NC,
} RelayProgram;

/**
 * DockyardPortRelay:
 *
 * Reaches a TCP port on the loopback of a container through the engine,
 * for an engine on another computer: listens on a free port of this
 * computer's 127.0.0.1 and, for each connection, starts a small program
 * in the container (`exec`, without a terminal) that connects to the port
 * there; the bytes go both ways over the exec's hijacked connection,
 * which works over every kind of engine address (unix, TLS, ssh).
 *
 * The program is Python when the image has `python3`, else `nc`.
 */
struct _DockyardPortRelay
{
  GObject            parent_instance;

  DockyardEngine    *engine;
  char              *container_id;
  guint              port;
  guint              local_port;
  RelayProgram       program;

  GSocketService    *service;
  GCancellable      *cancellable;
  /* The live connections (RelayConnection). */
  GPtrArray         *connections;
  /* Every exec started, for whoever checks that none is left. */
  GPtrArray         *exec_ids;
  gboolean           stopped;
};

G_DEFINE_FINAL_TYPE (DockyardPortRelay, dockyard_port_relay, G_TYPE_OBJECT)

/* Opening an exec without a terminal ------------------------------------------- */

typedef struct
{
  DockyardHijackedStream *stream;
  char                   *exec_id;
} ExecOpen;

static void
exec_open_free (ExecOpen *open)
{
  g_clear_object (&open->stream);
  g_free (open->exec_id);
  g_free (open);
}

static void
exec_opened_cb (GObject      *object,
                GAsyncResult *result,
                gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  g_autoptr(GError) error = NULL;

  if (!_dockyard_hijacked_stream_open_finish (DOCKYARD_HIJACKED_STREAM (object), result, &error))
    g_task_return_error (task, g_steal_pointer (&error));
  else
    g_task_return_boolean (task, TRUE);
}

static void
exec_created_cb (GObject      *object,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  ExecOpen *open = g_task_get_task_data (task);
  DockyardPortRelay *self = g_task_get_source_object (task);
  g_autoptr(JsonNode) node = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *path = NULL;
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
  open->exec_id = g_strdup (id);
  g_ptr_array_add (self->exec_ids, g_strdup (id));

  open->stream = g_object_new (DOCKYARD_TYPE_HIJACKED_STREAM, NULL);
  _dockyard_hijacked_stream_set_raw (open->stream);
  path = g_strdup_printf ("/exec/%s/start", id);
  _dockyard_hijacked_stream_open_async (open->stream, DOCKYARD_ENGINE (object), path,
                                        "{\"Detach\":false,\"Tty\":false}", "exec", id,
                                        g_task_get_cancellable (task), exec_opened_cb,
                                        g_object_ref (task));
}

/* Starts @argv in the container without a terminal, its output
 * multiplexed (stdout and stderr in frames). */
static void
open_exec_async (DockyardPortRelay   *self,
                 const char * const  *argv,
                 gboolean             with_stdin,
                 GCancellable        *cancellable,
                 GAsyncReadyCallback  callback,
                 gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonNode) body = NULL;
  g_autofree char *path = NULL;

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, open_exec_async);
  g_task_set_task_data (task, g_new0 (ExecOpen, 1), (GDestroyNotify) exec_open_free);

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "AttachStdin");
  json_builder_add_boolean_value (builder, with_stdin);
  json_builder_set_member_name (builder, "AttachStdout");
  json_builder_add_boolean_value (builder, TRUE);
  json_builder_set_member_name (builder, "AttachStderr");
  json_builder_add_boolean_value (builder, TRUE);
  json_builder_set_member_name (builder, "Tty");
  json_builder_add_boolean_value (builder, FALSE);
  json_builder_set_member_name (builder, "Cmd");
  json_builder_begin_array (builder);
  for (guint i = 0; argv[i] != NULL; i++)
    json_builder_add_string_value (builder, argv[i]);
  json_builder_end_array (builder);
  json_builder_end_object (builder);
  body = json_builder_get_root (builder);

  path = g_strdup_printf ("/containers/%s/exec", self->container_id);
  dockyard_engine_request_async (self->engine, "POST", path, body, cancellable, exec_created_cb,
                                 g_steal_pointer (&task));
}

/* Returns: (transfer full): the open stream, its exec's id in @exec_id */
static DockyardHijackedStream *
open_exec_finish (DockyardPortRelay  *self,
                  GAsyncResult       *result,
                  char              **exec_id,
                  GError            **error)
{
  ExecOpen *open = g_task_get_task_data (G_TASK (result));

  if (!g_task_propagate_boolean (G_TASK (result), error))
    return NULL;

  *exec_id = g_strdup (open->exec_id);
  return g_object_ref (open->stream);
}

/* Ends writing on @stream, reading goes on: the other side sees the end
 * of its input.  On TLS that is the close_notify alert. */
static void
shutdown_write (GIOStream *stream)
{
  GIOStream *base = stream;

  if (G_IS_TCP_WRAPPER_CONNECTION (stream))
    base = g_tcp_wrapper_connection_get_base_io_stream (G_TCP_WRAPPER_CONNECTION (stream));

  if (G_IS_TLS_CONNECTION (base))
    g_output_stream_close_async (g_io_stream_get_output_stream (base), G_PRIORITY_DEFAULT,
                                 NULL, NULL, NULL);
  else if (G_IS_SOCKET_CONNECTION (base))
    g_socket_shutdown (g_socket_connection_get_socket (G_SOCKET_CONNECTION (base)), FALSE, TRUE,
                       NULL);
  else
    g_output_stream_close_async (g_io_stream_get_output_stream (stream), G_PRIORITY_DEFAULT,
                                 NULL, NULL, NULL);
}

/* Finding the relay program ----------------------------------------------------- */

typedef struct
{
  DockyardHijackedStream *stream;
  char                   *exec_id;
  guint8                  buffer[4096];
  guint                   n_polls;
} Probe;

static void
probe_free (Probe *probe)
{
  if (probe->stream != NULL)
    {
      GIOStream *connection = _dockyard_hijacked_stream_get_connection (probe->stream);

      if (connection != NULL)
        g_io_stream_close_async (connection, G_PRIORITY_DEFAULT, NULL, NULL, NULL);
    }
  g_clear_object (&probe->stream);
  g_free (probe->exec_id);
  g_free (probe);
}

static void start_listening (GTask *task);
static void probe_program (GTask *task);

static void
probe_inspected_cb (GObject      *object,
                    GAsyncResult *result,
                    gpointer      user_data);

static gboolean
probe_poll_cb (gpointer user_data)
{
  GTask *task = user_data;
  Probe *probe = g_task_get_task_data (task);
  g_autofree char *path = g_strdup_printf ("/exec/%s/json", probe->exec_id);
  DockyardPortRelay *self = g_task_get_source_object (task);

  dockyard_engine_request_async (self->engine, "GET", path, NULL, g_task_get_cancellable (task),
                                 probe_inspected_cb, task);
  return G_SOURCE_REMOVE;
}

static void
probe_inspected_cb (GObject      *object,
                    GAsyncResult *result,
                    gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  DockyardPortRelay *self = g_task_get_source_object (task);
  Probe *probe = g_task_get_task_data (task);
  g_autoptr(JsonNode) node = NULL;
  g_autoptr(GError) error = NULL;
  JsonObject *object_node;
  gint64 exit_code;

  node = dockyard_engine_request_finish (DOCKYARD_ENGINE (object), result, &error);
  if (node == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  if (!JSON_NODE_HOLDS_OBJECT (node))
    {
      g_task_return_new_error (task, DOCKYARD_ENGINE_ERROR, DOCKYARD_ENGINE_ERROR_MALFORMED_RESPONSE,
                               _("The engine’s answer about the exec session is malformed."));
      return;
    }

  object_node = json_node_get_object (node);
  /* The output can end a moment before the engine has the exit status. */
  if (json_object_get_boolean_member_with_default (object_node, "Running", FALSE) &&
      probe->n_polls++ < MAX_PROBE_POLLS)
    {
      g_timeout_add (PROBE_POLL_MS, probe_poll_cb, g_steal_pointer (&task));
      return;
    }

  exit_code = _dockyard_json_get_int (object_node, "ExitCode");
  g_debug ("Relay program probe %u in %s: exit status %" G_GINT64_FORMAT,
           self->program, self->container_id, exit_code);

  if (self->program == PROGRAM_PYTHON && exit_code == 0)
    {
      start_listening (g_steal_pointer (&task));
      return;
    }
  /* nc without arguments complains and fails; 126 and 127 mean there is
   * no such program. */
  if (self->program == PROGRAM_NC && exit_code != 126 && exit_code != 127 && exit_code >= 0)
    {
      start_listening (g_steal_pointer (&task));
      return;
    }

  if (self->program == PROGRAM_PYTHON)
    {
      self->program = PROGRAM_NC;
      probe_program (g_steal_pointer (&task));
      return;
    }

  self->program = PROGRAM_NONE;
  g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_NOT_FOUND,
                           /* Translators: %u is a port number */
                           _("The container has neither python3 nor nc, one of which Dockyard "
                             "needs to reach port %u in it through the engine."),
                           self->port);
}

static void
probe_read_cb (GObject      *object,
               GAsyncResult *result,
               gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  Probe *probe = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;
  gssize n;

  n = g_input_stream_read_finish (G_INPUT_STREAM (object), result, &error);
  if (n < 0 && g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  /* The output (nc's usage, an error) is not needed, only its end. */
  if (n > 0)
    {
      GCancellable *cancellable = g_task_get_cancellable (task);

      g_input_stream_read_async (G_INPUT_STREAM (object), probe->buffer, sizeof probe->buffer,
                                 G_PRIORITY_DEFAULT, cancellable, probe_read_cb,
                                 g_steal_pointer (&task));
      return;
    }

  probe_poll_cb (g_steal_pointer (&task));
}

static void
probe_opened_cb (GObject      *object,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  DockyardPortRelay *self = DOCKYARD_PORT_RELAY (object);
  Probe *probe = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;
  GCancellable *cancellable;

  g_clear_object (&probe->stream);
  g_clear_pointer (&probe->exec_id, g_free);
  probe->n_polls = 0;
  probe->stream = open_exec_finish (self, result, &probe->exec_id, &error);
  if (probe->stream == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  cancellable = g_task_get_cancellable (task);
  g_input_stream_read_async (_dockyard_hijacked_stream_get_input (probe->stream), probe->buffer,
                             sizeof probe->buffer, G_PRIORITY_DEFAULT, cancellable, probe_read_cb,
                             g_steal_pointer (&task));
}

static void
probe_program (GTask *task)
{
  static const char * const python_probe[] = { "python3", "-c", "import select, socket", NULL };
  static const char * const nc_probe[] = { "nc", NULL };
  DockyardPortRelay *self = g_task_get_source_object (task);

  open_exec_async (self, self->program == PROGRAM_PYTHON ? python_probe : nc_probe, FALSE,
                   g_task_get_cancellable (task), probe_opened_cb, task);
}

/* The connections ----------------------------------------------------------------- */

typedef struct
{
  int                     ref_count;
  DockyardPortRelay      *relay;
  GSocketConnection      *client;
  DockyardHijackedStream *exec;
  char                   *exec_id;
  GCancellable           *cancellable;
  GString                *stderr_text;
  guint8                  header[8];
  guint8                  frame_kind;
  gsize                   frame_left;
  gboolean                to_container_done;
  gboolean                from_container_done;
  gboolean                closed;
  guint8                  to_container[BUFFER_SIZE];
  guint8                  from_container[BUFFER_SIZE];
} RelayConnection;

static RelayConnection *
relay_connection_ref (RelayConnection *conn)
{
  conn->ref_count++;
  return conn;
}

static void
relay_connection_unref (RelayConnection *conn)
{
  if (--conn->ref_count > 0)
    return;

  g_clear_object (&conn->client);
  g_clear_object (&conn->exec);
  g_clear_object (&conn->cancellable);
  g_string_free (conn->stderr_text, TRUE);
  g_free (conn->exec_id);
  g_free (conn);
}

/* Ends the connection on both sides.  Closing the exec's connection ends
 * its input, and the relay program ends with it. */
static void
relay_connection_close (RelayConnection *conn,
                        const GError    *error)
{
  GIOStream *exec_connection;

  if (conn->closed)
    return;
  conn->closed = TRUE;

  if (error != NULL && !g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    g_debug ("Relayed connection to port %u ended: %s", conn->relay->port, error->message);
  if (conn->stderr_text->len > 0)
    g_debug ("The relay program for port %u said: %s", conn->relay->port, conn->stderr_text->str);

  g_cancellable_cancel (conn->cancellable);
  g_io_stream_close_async (G_IO_STREAM (conn->client), G_PRIORITY_DEFAULT, NULL, NULL, NULL);
  exec_connection = conn->exec != NULL ? _dockyard_hijacked_stream_get_connection (conn->exec)
                                       : NULL;
  if (exec_connection != NULL)
    g_io_stream_close_async (exec_connection, G_PRIORITY_DEFAULT, NULL, NULL, NULL);

  /* The relay's list held a reference. */
  if (g_ptr_array_remove (conn->relay->connections, conn))
    relay_connection_unref (conn);
}

static void
maybe_done (RelayConnection *conn)
{
  if (conn->to_container_done && conn->from_container_done)
    relay_connection_close (conn, NULL);
}

/* This computer's client -> the container. */

static void read_client (RelayConnection *conn);

static void
to_container_written_cb (GObject      *object,
                         GAsyncResult *result,
                         gpointer      user_data)
{
  RelayConnection *conn = user_data;
  g_autoptr(GError) error = NULL;

  if (!g_output_stream_write_all_finish (G_OUTPUT_STREAM (object), result, NULL, &error))
    relay_connection_close (conn, error);
  else if (!conn->closed)
    read_client (conn);
  relay_connection_unref (conn);
}

static void
client_read_cb (GObject      *object,
                GAsyncResult *result,
                gpointer      user_data)
{
  RelayConnection *conn = user_data;
  g_autoptr(GError) error = NULL;
  gssize n;

  n = g_input_stream_read_finish (G_INPUT_STREAM (object), result, &error);
  if (conn->closed)
    ;
  else if (n < 0)
    relay_connection_close (conn, error);
  else if (n == 0)
    {
      /* The client is done sending: so is the container's side. */
      conn->to_container_done = TRUE;
      shutdown_write (_dockyard_hijacked_stream_get_connection (conn->exec));
      maybe_done (conn);
    }
  else
    {
      GIOStream *exec_connection = _dockyard_hijacked_stream_get_connection (conn->exec);

      g_output_stream_write_all_async (g_io_stream_get_output_stream (exec_connection),
                                       conn->to_container, n, G_PRIORITY_DEFAULT,
                                       conn->cancellable, to_container_written_cb,
                                       relay_connection_ref (conn));
    }
  relay_connection_unref (conn);
}

static void
read_client (RelayConnection *conn)
{
  g_input_stream_read_async (g_io_stream_get_input_stream (G_IO_STREAM (conn->client)),
                             conn->to_container, sizeof conn->to_container, G_PRIORITY_DEFAULT,
                             conn->cancellable, client_read_cb, relay_connection_ref (conn));
}

/* The container -> this computer's client: stdout frames are the port's
 * bytes, stderr frames the program's complaints. */

static void read_frame_header (RelayConnection *conn);
static void read_frame (RelayConnection *conn);

static void
next_from_container (RelayConnection *conn)
{
  if (conn->frame_left > 0)
    read_frame (conn);
  else
    read_frame_header (conn);
}

static void
to_client_written_cb (GObject      *object,
                      GAsyncResult *result,
                      gpointer      user_data)
{
  RelayConnection *conn = user_data;
  g_autoptr(GError) error = NULL;

  if (!g_output_stream_write_all_finish (G_OUTPUT_STREAM (object), result, NULL, &error))
    relay_connection_close (conn, error);
  else if (!conn->closed)
    next_from_container (conn);
  relay_connection_unref (conn);
}

static void
frame_read_cb (GObject      *object,
               GAsyncResult *result,
               gpointer      user_data)
{
  RelayConnection *conn = user_data;
  g_autoptr(GError) error = NULL;
  gssize n;

  n = g_input_stream_read_finish (G_INPUT_STREAM (object), result, &error);
  if (conn->closed)
    ;
  else if (n <= 0)
    {
      if (error == NULL)
        error = g_error_new_literal (G_IO_ERROR, G_IO_ERROR_PARTIAL_INPUT,
                                     "The exec's output ended inside a frame");
      relay_connection_close (conn, error);
    }
  else
    {
      conn->frame_left -= n;
      if (conn->frame_kind == 2)
        {
          if (conn->stderr_text->len < MAX_STDERR)
            g_string_append_len (conn->stderr_text, (const char *) conn->from_container,
                                 MIN ((gsize) n, MAX_STDERR - conn->stderr_text->len));
          next_from_container (conn);
        }
      else
        g_output_stream_write_all_async (g_io_stream_get_output_stream (G_IO_STREAM (conn->client)),
                                         conn->from_container, n, G_PRIORITY_DEFAULT,
                                         conn->cancellable, to_client_written_cb,
                                         relay_connection_ref (conn));
    }
  relay_connection_unref (conn);
}

static void
read_frame (RelayConnection *conn)
{
  g_input_stream_read_async (_dockyard_hijacked_stream_get_input (conn->exec),
                             conn->from_container, MIN (conn->frame_left, BUFFER_SIZE),
                             G_PRIORITY_DEFAULT, conn->cancellable, frame_read_cb,
                             relay_connection_ref (conn));
}

static void
frame_header_read_cb (GObject      *object,
                      GAsyncResult *result,
                      gpointer      user_data)
{
  RelayConnection *conn = user_data;
  g_autoptr(GError) error = NULL;
  gsize n_read = 0;

  g_input_stream_read_all_finish (G_INPUT_STREAM (object), result, &n_read, &error);
  if (conn->closed)
    ;
  else if (error != NULL)
    relay_connection_close (conn, error);
  else if (n_read == 0)
    {
      /* The program ended (the port's server closed): so does the client's
       * input; its own sending may still go on until it is done. */
      conn->from_container_done = TRUE;
      g_socket_shutdown (g_socket_connection_get_socket (conn->client), FALSE, TRUE, NULL);
      maybe_done (conn);
    }
  else if (n_read < sizeof conn->header)
    {
      error = g_error_new_literal (G_IO_ERROR, G_IO_ERROR_PARTIAL_INPUT,
                                   "The exec's output ended inside a frame header");
      relay_connection_close (conn, error);
    }
  else
    {
      conn->frame_kind = conn->header[0];
      conn->frame_left = ((gsize) conn->header[4] << 24) | ((gsize) conn->header[5] << 16) |
                         ((gsize) conn->header[6] << 8) | (gsize) conn->header[7];
      next_from_container (conn);
    }
  relay_connection_unref (conn);
}

static void
read_frame_header (RelayConnection *conn)
{
  g_input_stream_read_all_async (_dockyard_hijacked_stream_get_input (conn->exec),
                                 conn->header, sizeof conn->header, G_PRIORITY_DEFAULT,
                                 conn->cancellable, frame_header_read_cb,
                                 relay_connection_ref (conn));
}

static void
connection_exec_cb (GObject      *object,
                    GAsyncResult *result,
                    gpointer      user_data)
{
  RelayConnection *conn = user_data;
  g_autoptr(GError) error = NULL;

  conn->exec = open_exec_finish (DOCKYARD_PORT_RELAY (object), result, &conn->exec_id, &error);
  if (conn->closed)
    ;
  else if (conn->exec == NULL)
    relay_connection_close (conn, error);
  else
    {
      read_client (conn);
      read_frame_header (conn);
    }
  relay_connection_unref (conn);
}

static gboolean
incoming_cb (GSocketService    *service,
             GSocketConnection *connection,
             GObject           *source_object,
             DockyardPortRelay *self)
{
  g_autofree char *port = g_strdup_printf ("%u", self->port);
  const char * const python_argv[] = { "python3", "-c", python_relay, port, NULL };
  const char * const nc_argv[] = { "nc", "127.0.0.1", port, NULL };
  RelayConnection *conn;

  if (self->stopped)
    {
      g_io_stream_close (G_IO_STREAM (connection), NULL, NULL);
      return TRUE;
    }

  conn = g_malloc0 (sizeof *conn);
  conn->ref_count = 1;
  conn->relay = self;
  conn->client = g_object_ref (connection);
  conn->cancellable = g_cancellable_new ();
  conn->stderr_text = g_string_new (NULL);
  g_ptr_array_add (self->connections, conn);

  open_exec_async (self, self->program == PROGRAM_PYTHON ? python_argv : nc_argv, TRUE,
                   conn->cancellable, connection_exec_cb, relay_connection_ref (conn));
  return TRUE;
}

static void
start_listening (GTask *task)
{
  DockyardPortRelay *self = g_task_get_source_object (task);
  g_autoptr(GInetAddress) loopback = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
  g_autoptr(GSocketAddress) address = g_inet_socket_address_new (loopback, 0);
  g_autoptr(GSocketAddress) bound = NULL;
  g_autoptr(GError) error = NULL;

  if (self->stopped)
    {
      g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_CANCELLED,
                               _("The relay was stopped while it started."));
      g_object_unref (task);
      return;
    }

  self->service = g_socket_service_new ();
  if (!g_socket_listener_add_address (G_SOCKET_LISTENER (self->service), address,
                                      G_SOCKET_TYPE_STREAM, G_SOCKET_PROTOCOL_TCP, NULL,
                                      &bound, &error))
    {
      g_task_return_error (task, g_steal_pointer (&error));
      g_object_unref (task);
      return;
    }
  self->local_port = g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (bound));
  g_signal_connect (self->service, "incoming", G_CALLBACK (incoming_cb), self);
  g_socket_service_start (self->service);
  g_debug ("Relaying 127.0.0.1:%u to port %u in %s", self->local_port, self->port,
           self->container_id);

  g_task_return_boolean (task, TRUE);
  g_object_unref (task);
}

/* The object ---------------------------------------------------------------------- */

static void
dockyard_port_relay_dispose (GObject *object)
{
  DockyardPortRelay *self = (DockyardPortRelay *)object;

  dockyard_port_relay_stop (self);

  G_OBJECT_CLASS (dockyard_port_relay_parent_class)->dispose (object);
}

static void
dockyard_port_relay_finalize (GObject *object)
{
  DockyardPortRelay *self = (DockyardPortRelay *)object;

  g_clear_object (&self->engine);
  g_clear_object (&self->service);
  g_clear_object (&self->cancellable);
  g_clear_pointer (&self->container_id, g_free);
  g_clear_pointer (&self->connections, g_ptr_array_unref);
  g_clear_pointer (&self->exec_ids, g_ptr_array_unref);

  G_OBJECT_CLASS (dockyard_port_relay_parent_class)->finalize (object);
}

static void
dockyard_port_relay_class_init (DockyardPortRelayClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = dockyard_port_relay_dispose;
  object_class->finalize = dockyard_port_relay_finalize;
}

static void
dockyard_port_relay_init (DockyardPortRelay *self)
{
  self->connections = g_ptr_array_new ();
  self->exec_ids = g_ptr_array_new_with_free_func (g_free);
  self->cancellable = g_cancellable_new ();
}

/**
 * dockyard_port_relay_new:
 * @engine: the engine the container runs on
 * @container_id: a running container
 * @port: a TCP port on the container's 127.0.0.1
 *
 * Returns: (transfer full): a relay, not started yet
 */
DockyardPortRelay *
dockyard_port_relay_new (DockyardEngine *engine,
                         const char     *container_id,
                         guint           port)
{
  DockyardPortRelay *self;

  g_return_val_if_fail (DOCKYARD_IS_ENGINE (engine), NULL);
  g_return_val_if_fail (container_id != NULL, NULL);
  g_return_val_if_fail (port > 0 && port < 65536, NULL);

  self = g_object_new (DOCKYARD_TYPE_PORT_RELAY, NULL);
  self->engine = g_object_ref (engine);
  self->container_id = g_strdup (container_id);
  self->port = port;
  return self;
}

/**
 * dockyard_port_relay_start_async:
 *
 * Finds the relay program in the container (python3, else nc) and starts
 * listening on a free port of this computer's 127.0.0.1.  Fails with
 * %G_IO_ERROR_NOT_FOUND when the container has neither program.
 */
void
dockyard_port_relay_start_async (DockyardPortRelay   *self,
                                 GCancellable        *cancellable,
                                 GAsyncReadyCallback  callback,
                                 gpointer             user_data)
{
  GTask *task;

  g_return_if_fail (DOCKYARD_IS_PORT_RELAY (self));
  g_return_if_fail (self->program == PROGRAM_NONE && self->service == NULL);

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, dockyard_port_relay_start_async);
  g_task_set_task_data (task, g_new0 (Probe, 1), (GDestroyNotify) probe_free);

  self->program = PROGRAM_PYTHON;
  probe_program (task);
}

gboolean
dockyard_port_relay_start_finish (DockyardPortRelay  *self,
                                  GAsyncResult       *result,
                                  GError            **error)
{
  g_return_val_if_fail (DOCKYARD_IS_PORT_RELAY (self), FALSE);
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

/**
 * dockyard_port_relay_get_local_port:
 *
 * Returns: the port on this computer's 127.0.0.1, once started; else 0
 */
guint
dockyard_port_relay_get_local_port (DockyardPortRelay *self)
{
  g_return_val_if_fail (DOCKYARD_IS_PORT_RELAY (self), 0);
  return self->local_port;
}

/**
 * dockyard_port_relay_get_port:
 *
 * Returns: the port in the container
 */
guint
dockyard_port_relay_get_port (DockyardPortRelay *self)
{
  g_return_val_if_fail (DOCKYARD_IS_PORT_RELAY (self), 0);
  return self->port;
}

/**
 * dockyard_port_relay_stop:
 *
 * Stops listening and ends every relayed connection; their programs in
 * the container end as their input does.
 */
void
dockyard_port_relay_stop (DockyardPortRelay *self)
{
  g_return_if_fail (DOCKYARD_IS_PORT_RELAY (self));

  if (self->stopped)
    return;
  self->stopped = TRUE;

  g_cancellable_cancel (self->cancellable);
  if (self->service != NULL)
    {
      g_socket_service_stop (self->service);
      g_socket_listener_close (G_SOCKET_LISTENER (self->service));
      g_signal_handlers_disconnect_by_data (self->service, self);
    }

  while (self->connections->len > 0)
    relay_connection_close (g_ptr_array_index (self->connections, 0), NULL);
}

/**
 * dockyard_port_relay_get_n_connections:
 *
 * Returns: how many connections are being relayed now
 */
guint
dockyard_port_relay_get_n_connections (DockyardPortRelay *self)
{
  g_return_val_if_fail (DOCKYARD_IS_PORT_RELAY (self), 0);
  return self->connections->len;
}

/**
 * dockyard_port_relay_dup_exec_ids:
 *
 * Returns: (transfer full): the ids of every exec the relay started (the
 *   probes included), to check that none is left running
 */
GStrv
dockyard_port_relay_dup_exec_ids (DockyardPortRelay *self)
{
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();

  g_return_val_if_fail (DOCKYARD_IS_PORT_RELAY (self), NULL);

  for (guint i = 0; i < self->exec_ids->len; i++)
    g_strv_builder_add (builder, g_ptr_array_index (self->exec_ids, i));
  return g_strv_builder_end (builder);
}
