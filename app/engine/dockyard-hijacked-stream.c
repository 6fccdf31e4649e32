/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <glib/gi18n.h>
#include <gio/gunixsocketaddress.h>

#include "dockyard-engine-private.h"
#include "dockyard-hijacked-stream.h"

#define READ_SIZE (64 * 1024)
/* The output is read below the priority of redrawing (GDK's is
 * G_PRIORITY_HIGH_IDLE + 20), as VTE reads its own pty: a flood of output
 * then still leaves the window time to paint instead of parsing on and on. */
#define READ_PRIORITY G_PRIORITY_DEFAULT_IDLE
#define MAX_HEADER_LINES 100
/* A header line is a few dozen bytes; one this long is not HTTP. */
#define MAX_HEADER_LINE  (64 * 1024)

/**
 * DockyardHijackedStream:
 *
 * A terminal on a hijacked HTTP connection: the engine answers the request
 * (`Connection: Upgrade`, `Upgrade: tcp`) with 101 and the rest of the
 * connection is the raw terminal stream.  Both `POST /exec/{id}/start` and
 * `POST /containers/{id}/attach` work this way on every engine (Podman has
 * no WebSocket attach).  libsoup 3 cannot hand a connection over, so this
 * speaks that one request itself on a plain socket.
 */
typedef struct
{
  DockyardEngine    *engine;
  /* What dockyard_engine_resize_tty() resizes: "exec" or "containers". */
  char              *resize_kind;
  char              *resize_id;
  GSocketConnection *connection;
  GDataInputStream  *input;
  GCancellable      *cancellable;
  char              *request;

  /* Input waiting for the previous write to finish. */
  GByteArray        *pending;
  GBytes            *writing_bytes;
  gboolean           writing;
  gboolean           closed;
  /* The caller reads and writes the connection itself (no terminal). */
  gboolean           raw;
} DockyardHijackedStreamPrivate;

static void tty_stream_iface_init (DockyardTtyStreamInterface *iface);

G_DEFINE_TYPE_WITH_CODE (DockyardHijackedStream, dockyard_hijacked_stream, G_TYPE_OBJECT,
                         G_ADD_PRIVATE (DockyardHijackedStream)
                         G_IMPLEMENT_INTERFACE (DOCKYARD_TYPE_TTY_STREAM, tty_stream_iface_init))

#define PRIV(self) ((DockyardHijackedStreamPrivate *) \
                    dockyard_hijacked_stream_get_instance_private (DOCKYARD_HIJACKED_STREAM (self)))

static void
finish (DockyardHijackedStream *self,
        const GError           *error)
{
  DockyardHijackedStreamPrivate *priv = PRIV (self);

  if (priv->closed)
    return;

  priv->closed = TRUE;
  g_cancellable_cancel (priv->cancellable);
  if (priv->connection != NULL)
    g_io_stream_close_async (G_IO_STREAM (priv->connection), G_PRIORITY_DEFAULT, NULL, NULL, NULL);
  _dockyard_tty_stream_emit_closed (DOCKYARD_TTY_STREAM (self), error);
}

static void
read_cb (GObject      *object,
         GAsyncResult *result,
         gpointer      user_data)
{
  g_autoptr(DockyardHijackedStream) self = user_data;
  DockyardHijackedStreamPrivate *priv = PRIV (self);
  g_autoptr(GBytes) bytes = NULL;
  g_autoptr(GError) error = NULL;

  bytes = g_input_stream_read_bytes_finish (G_INPUT_STREAM (object), result, &error);
  if (priv->closed)
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

  g_input_stream_read_bytes_async (G_INPUT_STREAM (priv->input), READ_SIZE, READ_PRIORITY,
                                   priv->cancellable, read_cb, g_object_ref (self));
}

static void flush_pending (DockyardHijackedStream *self);

static void
write_cb (GObject      *object,
          GAsyncResult *result,
          gpointer      user_data)
{
  g_autoptr(DockyardHijackedStream) self = user_data;
  DockyardHijackedStreamPrivate *priv = PRIV (self);
  g_autoptr(GError) error = NULL;

  priv->writing = FALSE;
  g_clear_pointer (&priv->writing_bytes, g_bytes_unref);
  if (!g_output_stream_write_all_finish (G_OUTPUT_STREAM (object), result, NULL, &error))
    {
      if (!priv->closed)
        g_debug ("Cannot send input to the terminal: %s", error->message);
      return;
    }

  flush_pending (self);
}

static void
flush_pending (DockyardHijackedStream *self)
{
  DockyardHijackedStreamPrivate *priv = PRIV (self);
  GOutputStream *output;

  if (priv->writing || priv->closed || priv->pending->len == 0)
    return;

  /* The buffer must outlive the asynchronous write: keep the bytes. */
  priv->writing_bytes = g_byte_array_free_to_bytes (g_steal_pointer (&priv->pending));
  priv->pending = g_byte_array_new ();
  priv->writing = TRUE;

  output = g_io_stream_get_output_stream (G_IO_STREAM (priv->connection));
  g_output_stream_write_all_async (output, g_bytes_get_data (priv->writing_bytes, NULL),
                                   g_bytes_get_size (priv->writing_bytes), G_PRIORITY_DEFAULT,
                                   priv->cancellable, write_cb, g_object_ref (self));
}

static void
hijacked_write (DockyardTtyStream *stream,
                const char        *data,
                gsize              length)
{
  DockyardHijackedStreamPrivate *priv = PRIV (stream);

  if (priv->closed || priv->connection == NULL)
    return;

  g_byte_array_append (priv->pending, (const guint8 *) data, length);
  flush_pending (DOCKYARD_HIJACKED_STREAM (stream));
}

static void
hijacked_resize (DockyardTtyStream *stream,
                 guint              rows,
                 guint              columns)
{
  DockyardHijackedStreamPrivate *priv = PRIV (stream);

  if (priv->closed || priv->resize_id == NULL)
    return;

  g_debug ("Resizing the terminal of %s to %u×%u", priv->resize_id, rows, columns);
  dockyard_engine_resize_tty (priv->engine, priv->resize_kind, priv->resize_id, rows, columns);
}

static void
hijacked_close (DockyardTtyStream *stream)
{
  finish (DOCKYARD_HIJACKED_STREAM (stream), NULL);
}

static void
tty_stream_iface_init (DockyardTtyStreamInterface *iface)
{
  iface->write = hijacked_write;
  iface->resize = hijacked_resize;
  iface->close = hijacked_close;
}

static void
dockyard_hijacked_stream_dispose (GObject *object)
{
  DockyardHijackedStreamPrivate *priv = PRIV (object);

  g_cancellable_cancel (priv->cancellable);
  if (priv->connection != NULL)
    g_io_stream_close (G_IO_STREAM (priv->connection), NULL, NULL);

  G_OBJECT_CLASS (dockyard_hijacked_stream_parent_class)->dispose (object);
}

static void
dockyard_hijacked_stream_finalize (GObject *object)
{
  DockyardHijackedStreamPrivate *priv = PRIV (object);

  g_clear_object (&priv->engine);
  g_clear_object (&priv->connection);
  g_clear_object (&priv->input);
  g_clear_object (&priv->cancellable);
  g_clear_pointer (&priv->resize_kind, g_free);
  g_clear_pointer (&priv->resize_id, g_free);
  g_clear_pointer (&priv->request, g_free);
  g_clear_pointer (&priv->pending, g_byte_array_unref);
  g_clear_pointer (&priv->writing_bytes, g_bytes_unref);

  G_OBJECT_CLASS (dockyard_hijacked_stream_parent_class)->finalize (object);
}

static void
dockyard_hijacked_stream_class_init (DockyardHijackedStreamClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = dockyard_hijacked_stream_dispose;
  object_class->finalize = dockyard_hijacked_stream_finalize;
}

static void
dockyard_hijacked_stream_init (DockyardHijackedStream *self)
{
  DockyardHijackedStreamPrivate *priv = PRIV (self);

  priv->pending = g_byte_array_new ();
  priv->cancellable = g_cancellable_new ();
}

/* Opening ------------------------------------------------------------------- */

/* The largest refusal whose text is read, to show it in the engine's words. */
#define MAX_ERROR_BODY (64 * 1024)

typedef struct
{
  guint  n_lines;
  guint  status;
  gint64 content_length;
  char  *error_body;
} OpenState;

static void
open_state_free (OpenState *state)
{
  g_free (state->error_body);
  g_free (state);
}

/* Fails the opening.  The connection is closed now, not when the caller
 * lets go of the stream: an engine that is still sending is cut off. */
static void
fail_open (GTask  *task,
           GError *error)
{
  DockyardHijackedStreamPrivate *priv = PRIV (g_task_get_source_object (task));

  if (priv->connection != NULL)
    g_io_stream_close (G_IO_STREAM (priv->connection), NULL, NULL);
  g_task_return_error (task, error);
}

static GError *
refusal_error (guint   status,
               GBytes *body)
{
  if (body == NULL || g_bytes_get_size (body) == 0)
    return g_error_new (DOCKYARD_ENGINE_ERROR, DOCKYARD_ENGINE_ERROR_SERVER_ERROR,
                        _("The engine refused to open the terminal (HTTP %u)."), status);

  return _dockyard_engine_error_from_reply (status, body);
}

static void
error_body_cb (GObject      *object,
               GAsyncResult *result,
               gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  OpenState *state = g_task_get_task_data (task);
  g_autoptr(GBytes) body = NULL;
  gsize n_read = 0;

  if (g_input_stream_read_all_finish (G_INPUT_STREAM (object), result, &n_read, NULL))
    body = g_bytes_new (state->error_body, n_read);
  fail_open (task, refusal_error (state->status, body));
}

static void
header_line_cb (GObject      *object,
                GAsyncResult *result,
                gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  DockyardHijackedStream *self = g_task_get_source_object (task);
  DockyardHijackedStreamPrivate *priv = PRIV (self);
  OpenState *state = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;
  g_autofree char *line = NULL;
  gsize length;

  line = _dockyard_read_line_finish (G_BUFFERED_INPUT_STREAM (object), result, &length, &error);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_MESSAGE_TOO_LARGE))
    {
      fail_open (task, g_error_new (DOCKYARD_ENGINE_ERROR, DOCKYARD_ENGINE_ERROR_MALFORMED_RESPONSE,
                                    _("The engine’s answer to the terminal request has a header "
                                      "line longer than %d KiB."), MAX_HEADER_LINE / 1024));
      return;
    }

  if (line == NULL)
    {
      if (error == NULL)
        error = g_error_new (DOCKYARD_ENGINE_ERROR, DOCKYARD_ENGINE_ERROR_DISCONNECTED,
                             _("The engine closed the connection before opening the terminal."));
      fail_open (task, _dockyard_engine_error_from_transport (error, priv->engine));
      return;
    }

  /* Lines end in CRLF; the reader splits at LF. */
  if (length > 0 && line[length - 1] == '\r')
    line[--length] = '\0';

  if (!g_utf8_validate (line, length, NULL))
    {
      fail_open (task, g_error_new (DOCKYARD_ENGINE_ERROR, DOCKYARD_ENGINE_ERROR_MALFORMED_RESPONSE,
                                    _("The engine’s answer to the terminal request is not HTTP.")));
      return;
    }

  if (state->n_lines++ == 0)
    {
      if (!_dockyard_parse_http_status (line, &state->status))
        {
          fail_open (task, g_error_new (DOCKYARD_ENGINE_ERROR,
                                        DOCKYARD_ENGINE_ERROR_MALFORMED_RESPONSE,
                                        _("The engine answered the terminal request with “%s”."),
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
          GCancellable *cancellable = g_task_get_cancellable (task);

          /* Say why, in the engine's words, when it says so briefly. */
          if (state->content_length <= 0 || state->content_length > MAX_ERROR_BODY)
            {
              fail_open (task, refusal_error (state->status, NULL));
              return;
            }

          state->error_body = g_malloc (state->content_length);
          g_input_stream_read_all_async (G_INPUT_STREAM (priv->input), state->error_body,
                                         state->content_length, G_PRIORITY_DEFAULT, cancellable,
                                         error_body_cb, g_steal_pointer (&task));
          return;
        }

      if (!priv->raw)
        g_input_stream_read_bytes_async (G_INPUT_STREAM (priv->input), READ_SIZE,
                                         READ_PRIORITY, priv->cancellable, read_cb,
                                         g_object_ref (self));
      g_task_return_boolean (task, TRUE);
      return;
    }
  else if (g_ascii_strncasecmp (line, "Content-Length:", strlen ("Content-Length:")) == 0)
    {
      guint64 value;

      if (g_ascii_string_to_unsigned (g_strstrip (line + strlen ("Content-Length:")), 10, 0,
                                      G_MAXINT64, &value, NULL))
        state->content_length = value;
    }

  if (state->n_lines > MAX_HEADER_LINES)
    {
      fail_open (task, g_error_new (DOCKYARD_ENGINE_ERROR, DOCKYARD_ENGINE_ERROR_MALFORMED_RESPONSE,
                                    _("The engine’s answer to the terminal request has too many "
                                      "headers.")));
      return;
    }

  _dockyard_read_line_async (G_BUFFERED_INPUT_STREAM (priv->input), MAX_HEADER_LINE,
                             g_task_get_cancellable (task), header_line_cb, task);
  g_steal_pointer (&task);
}

static void
request_written_cb (GObject      *object,
                    GAsyncResult *result,
                    gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  DockyardHijackedStreamPrivate *priv = PRIV (g_task_get_source_object (task));
  g_autoptr(GError) error = NULL;
  GCancellable *cancellable;

  if (!g_output_stream_write_all_finish (G_OUTPUT_STREAM (object), result, NULL, &error))
    {
      fail_open (task, _dockyard_engine_error_from_transport (error, priv->engine));
      return;
    }

  priv->input = g_data_input_stream_new (
                  g_io_stream_get_input_stream (G_IO_STREAM (priv->connection)));
  g_data_input_stream_set_newline_type (priv->input, G_DATA_STREAM_NEWLINE_TYPE_LF);
  g_filter_input_stream_set_close_base_stream (G_FILTER_INPUT_STREAM (priv->input), FALSE);

  cancellable = g_task_get_cancellable (task);
  _dockyard_read_line_async (G_BUFFERED_INPUT_STREAM (priv->input), MAX_HEADER_LINE, cancellable,
                             header_line_cb, g_steal_pointer (&task));
}

static void
socket_connected_cb (GObject      *object,
                     GAsyncResult *result,
                     gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  DockyardHijackedStreamPrivate *priv = PRIV (g_task_get_source_object (task));
  g_autoptr(GError) error = NULL;
  GOutputStream *output;
  GCancellable *cancellable;

  priv->connection = _dockyard_engine_open_connection_finish (DOCKYARD_ENGINE (object), result,
                                                              &error);
  if (priv->connection == NULL)
    {
      g_task_return_error (task, _dockyard_engine_error_from_transport (error, priv->engine));
      return;
    }

  output = g_io_stream_get_output_stream (G_IO_STREAM (priv->connection));
  cancellable = g_task_get_cancellable (task);
  g_output_stream_write_all_async (output, priv->request, strlen (priv->request),
                                   G_PRIORITY_DEFAULT, cancellable, request_written_cb,
                                   g_steal_pointer (&task));
}

/**
 * _dockyard_hijacked_stream_open_async:
 * @path: the request path without the API version, with its query
 * @body: (nullable): a JSON request body
 * @resize_kind: "exec" or "containers", for dockyard_engine_resize_tty()
 * @resize_id: the exec session or container the terminal belongs to
 *
 * Sends `POST @path` with `Connection: Upgrade` on a connection of its own
 * and, once the engine switched protocols, starts reading the terminal.
 */
void
_dockyard_hijacked_stream_open_async (DockyardHijackedStream *self,
                                      DockyardEngine         *engine,
                                      const char             *path,
                                      const char             *body,
                                      const char             *resize_kind,
                                      const char             *resize_id,
                                      GCancellable           *cancellable,
                                      GAsyncReadyCallback     callback,
                                      gpointer                user_data)
{
  DockyardHijackedStreamPrivate *priv;
  g_autoptr(GTask) task = NULL;
  OpenState *state;

  g_return_if_fail (DOCKYARD_IS_HIJACKED_STREAM (self));
  g_return_if_fail (DOCKYARD_IS_ENGINE (engine));
  g_return_if_fail (path != NULL && path[0] == '/');

  priv = PRIV (self);
  g_return_if_fail (priv->engine == NULL);

  priv->engine = g_object_ref (engine);
  priv->resize_kind = g_strdup (resize_kind);
  priv->resize_id = g_strdup (resize_id);
  priv->request = g_strdup_printf ("POST /v%s%s HTTP/1.1\r\n"
                                   "Host: docker\r\n"
                                   "User-Agent: Dockyard/" PACKAGE_VERSION "\r\n"
                                   "Content-Type: application/json\r\n"
                                   "Connection: Upgrade\r\n"
                                   "Upgrade: tcp\r\n"
                                   "Content-Length: %zu\r\n"
                                   "\r\n"
                                   "%s",
                                   dockyard_engine_get_api_version (engine), path,
                                   body != NULL ? strlen (body) : 0,
                                   body != NULL ? body : "");

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, _dockyard_hijacked_stream_open_async);
  state = g_new0 (OpenState, 1);
  state->content_length = -1;
  g_task_set_task_data (task, state, (GDestroyNotify) open_state_free);

  _dockyard_engine_open_connection_async (engine, cancellable, socket_connected_cb,
                                          g_steal_pointer (&task));
}

gboolean
_dockyard_hijacked_stream_open_finish (DockyardHijackedStream  *self,
                                       GAsyncResult            *result,
                                       GError                 **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}

DockyardEngine *
_dockyard_hijacked_stream_get_engine (DockyardHijackedStream *self)
{
  g_return_val_if_fail (DOCKYARD_IS_HIJACKED_STREAM (self), NULL);
  return PRIV (self)->engine;
}

/**
 * _dockyard_hijacked_stream_set_raw:
 *
 * Before opening: the stream reads nothing and emits nothing; the caller
 * reads the connection through _dockyard_hijacked_stream_get_input() and
 * writes it through _dockyard_hijacked_stream_get_connection() (a stream
 * without a terminal, e.g. the multiplexed output of an exec).
 */
void
_dockyard_hijacked_stream_set_raw (DockyardHijackedStream *self)
{
  g_return_if_fail (DOCKYARD_IS_HIJACKED_STREAM (self));
  g_return_if_fail (PRIV (self)->engine == NULL);
  PRIV (self)->raw = TRUE;
}

/**
 * _dockyard_hijacked_stream_get_connection:
 *
 * Returns: (transfer none) (nullable): the connection, once open
 */
GIOStream *
_dockyard_hijacked_stream_get_connection (DockyardHijackedStream *self)
{
  g_return_val_if_fail (DOCKYARD_IS_HIJACKED_STREAM (self), NULL);
  return G_IO_STREAM (PRIV (self)->connection);
}

/**
 * _dockyard_hijacked_stream_get_input:
 *
 * Returns: (transfer none) (nullable): what the engine sends after its
 *   answer's headers (buffered: read it here, not from the connection)
 */
GInputStream *
_dockyard_hijacked_stream_get_input (DockyardHijackedStream *self)
{
  g_return_val_if_fail (DOCKYARD_IS_HIJACKED_STREAM (self), NULL);
  return G_INPUT_STREAM (PRIV (self)->input);
}
