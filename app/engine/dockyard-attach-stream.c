/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <glib/gi18n.h>

#include "dockyard-attach-stream.h"
#include "dockyard-engine-private.h"

/* Docker's default detach keys (ctrl-p,ctrl-q) would swallow Ctrl-P, which
 * shells use for history: ask for a sequence nobody types. */
#define DETACH_KEYS "ctrl-@,ctrl-@,ctrl-@,ctrl-@,ctrl-@,ctrl-@,ctrl-@,ctrl-@"

/**
 * DockyardAttachStream:
 *
 * The terminal of a container, through `GET /containers/{id}/attach/ws`
 * (libsoup's WebSocket client over the engine's socket).  Attach before
 * starting the container so that no output is lost.
 */
struct _DockyardAttachStream
{
  GObject                  parent_instance;

  DockyardEngine          *engine;
  char                    *container_id;
  SoupWebsocketConnection *connection;
  gboolean                 closed;
};

static void tty_stream_iface_init (DockyardTtyStreamInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (DockyardAttachStream, dockyard_attach_stream, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (DOCKYARD_TYPE_TTY_STREAM,
                                                      tty_stream_iface_init))

static void
message_cb (DockyardAttachStream    *self,
            int                      type,
            GBytes                  *message,
            SoupWebsocketConnection *connection)
{
  _dockyard_tty_stream_emit_output (DOCKYARD_TTY_STREAM (self), message);
}

static void
finish (DockyardAttachStream *self,
        const GError         *error)
{
  if (self->closed)
    return;

  self->closed = TRUE;
  _dockyard_tty_stream_emit_closed (DOCKYARD_TTY_STREAM (self), error);
}

static void
error_cb (DockyardAttachStream    *self,
          GError                  *error,
          SoupWebsocketConnection *connection)
{
  g_autoptr(GError) wrapped = NULL;

  wrapped = g_error_new (DOCKYARD_ENGINE_ERROR, DOCKYARD_ENGINE_ERROR_DISCONNECTED,
                         _("The connection to the container broke: %s"), error->message);
  finish (self, wrapped);
}

static void
closed_cb (DockyardAttachStream    *self,
           SoupWebsocketConnection *connection)
{
  finish (self, NULL);
}

static void
attach_write (DockyardTtyStream *stream,
              const char        *data,
              gsize              length)
{
  DockyardAttachStream *self = DOCKYARD_ATTACH_STREAM (stream);

  if (self->closed ||
      soup_websocket_connection_get_state (self->connection) != SOUP_WEBSOCKET_STATE_OPEN)
    return;

  soup_websocket_connection_send_binary (self->connection, data, length);
}

static void
attach_resize (DockyardTtyStream *stream,
               guint              rows,
               guint              columns)
{
  DockyardAttachStream *self = DOCKYARD_ATTACH_STREAM (stream);

  if (self->closed)
    return;

  g_debug ("Resizing the terminal of %s to %u×%u", self->container_id, rows, columns);
  dockyard_engine_resize_tty (self->engine, "containers", self->container_id, rows, columns);
}

static void
attach_close (DockyardTtyStream *stream)
{
  DockyardAttachStream *self = DOCKYARD_ATTACH_STREAM (stream);

  if (self->connection != NULL &&
      soup_websocket_connection_get_state (self->connection) == SOUP_WEBSOCKET_STATE_OPEN)
    soup_websocket_connection_close (self->connection, SOUP_WEBSOCKET_CLOSE_NORMAL, NULL);

  finish (self, NULL);
}

static void
tty_stream_iface_init (DockyardTtyStreamInterface *iface)
{
  iface->write = attach_write;
  iface->resize = attach_resize;
  iface->close = attach_close;
}

static void
dockyard_attach_stream_dispose (GObject *object)
{
  DockyardAttachStream *self = (DockyardAttachStream *)object;

  if (self->connection != NULL)
    {
      g_signal_handlers_disconnect_by_data (self->connection, self);
      if (soup_websocket_connection_get_state (self->connection) == SOUP_WEBSOCKET_STATE_OPEN)
        soup_websocket_connection_close (self->connection, SOUP_WEBSOCKET_CLOSE_NORMAL, NULL);
    }
  g_clear_object (&self->connection);

  G_OBJECT_CLASS (dockyard_attach_stream_parent_class)->dispose (object);
}

static void
dockyard_attach_stream_finalize (GObject *object)
{
  DockyardAttachStream *self = (DockyardAttachStream *)object;

  g_clear_object (&self->engine);
  g_clear_pointer (&self->container_id, g_free);

  G_OBJECT_CLASS (dockyard_attach_stream_parent_class)->finalize (object);
}

static void
dockyard_attach_stream_class_init (DockyardAttachStreamClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = dockyard_attach_stream_dispose;
  object_class->finalize = dockyard_attach_stream_finalize;
}

static void
dockyard_attach_stream_init (DockyardAttachStream *self)
{
}

static void
connect_cb (GObject      *object,
            GAsyncResult *result,
            gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  DockyardAttachStream *self = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;

  self->connection = soup_session_websocket_connect_finish (SOUP_SESSION (object), result, &error);
  if (self->connection == NULL)
    {
      g_task_return_error (task, _dockyard_engine_error_from_transport (
                                   error, dockyard_engine_get_socket_path (self->engine)));
      return;
    }

  /* The engine sends terminal output in small frames (its copy buffer),
   * however much there is; one message bigger than this is not a
   * terminal's, and would otherwise be held whole in memory. */
  soup_websocket_connection_set_max_incoming_payload_size (self->connection, 16 * 1024 * 1024);
  soup_websocket_connection_set_keepalive_interval (self->connection, 0);

  g_signal_connect_object (self->connection, "message", G_CALLBACK (message_cb), self,
                           G_CONNECT_SWAPPED);
  g_signal_connect_object (self->connection, "error", G_CALLBACK (error_cb), self,
                           G_CONNECT_SWAPPED);
  g_signal_connect_object (self->connection, "closed", G_CALLBACK (closed_cb), self,
                           G_CONNECT_SWAPPED);

  g_task_return_pointer (task, g_object_ref (self), g_object_unref);
}

/**
 * dockyard_attach_stream_new_async:
 * @container_id: a created (or running) container with a TTY and open stdin
 *
 * Attaches to the container's terminal.
 */
void
dockyard_attach_stream_new_async (DockyardEngine      *engine,
                                  const char          *container_id,
                                  GCancellable        *cancellable,
                                  GAsyncReadyCallback  callback,
                                  gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  g_autoptr(SoupMessage) message = NULL;
  g_autofree char *path = NULL;
  DockyardAttachStream *self;

  g_return_if_fail (DOCKYARD_IS_ENGINE (engine));
  g_return_if_fail (container_id != NULL);

  self = g_object_new (DOCKYARD_TYPE_ATTACH_STREAM, NULL);
  self->engine = g_object_ref (engine);
  self->container_id = g_strdup (container_id);

  task = g_task_new (NULL, cancellable, callback, user_data);
  g_task_set_source_tag (task, dockyard_attach_stream_new_async);
  g_task_set_task_data (task, self, g_object_unref);

  path = g_strdup_printf ("/containers/%s/attach/ws?stream=1&stdin=1&stdout=1&stderr=1"
                          "&detachKeys=%s", container_id, DETACH_KEYS);
  message = dockyard_engine_new_message (engine, "GET", path);
  soup_session_websocket_connect_async (_dockyard_engine_get_session (engine), message, NULL,
                                        NULL, G_PRIORITY_DEFAULT, cancellable, connect_cb,
                                        g_steal_pointer (&task));
}

/**
 * dockyard_attach_stream_new_finish:
 *
 * Returns: (transfer full): the stream, a #DockyardTtyStream
 */
DockyardAttachStream *
dockyard_attach_stream_new_finish (GAsyncResult  *result,
                                   GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}
