/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * A request with a large streamed body: the build context.
 *
 * libsoup sends a request body through GIO's splice, 8 KiB per main loop
 * round trip and three writes per chunk: for a 1 GiB context that is more
 * than a third slower than `tar | curl` (tests/bench/bench-build-context).
 * Here the body goes over a connection of its own, written by a worker
 * thread in chunks of up to 256 KiB, while the main loop reads the answer
 * as it comes (the engine answers while it still reads the body).
 *
 * The answer's body is handed back as a stream: de-chunked when the engine
 * sends it chunked (it does for /build), else read to the end of the
 * connection ("Connection: close").
 */
#include "config.h"

#include <errno.h>
#include <poll.h>
#include <string.h>
#include <sys/socket.h>

#include <gio/gunixsocketaddress.h>
#include <glib/gi18n.h>

#include "dockyard-engine-private.h"
#include "dockyard-upload.h"

/* Large writes, few syscalls; memory stays bounded by one chunk. */
#define UPLOAD_CHUNK      (256 * 1024)
#define MAX_HEADER_LINE   (64 * 1024)
#define MAX_HEADER_LINES  200
#define MAX_ERROR_BODY    (1024 * 1024)

/* The chunked transfer coding of an answer ------------------------------------ */

typedef enum
{
  CHUNK_SIZE_LINE,
  CHUNK_DATA,
  CHUNK_DATA_END,   /* the CRLF after the data */
  CHUNK_TRAILER,
  CHUNK_DONE,
} ChunkState;

struct _DockyardChunkDecoder
{
  GObject    parent_instance;
  ChunkState state;
  guint64    remaining;
  char       line[32];
  gsize      line_length;
};

static void dockyard_chunk_decoder_iface_init (GConverterIface *iface);

G_DECLARE_FINAL_TYPE (DockyardChunkDecoder, dockyard_chunk_decoder, DOCKYARD, CHUNK_DECODER, GObject)
G_DEFINE_FINAL_TYPE_WITH_CODE (DockyardChunkDecoder, dockyard_chunk_decoder, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (G_TYPE_CONVERTER,
                                                      dockyard_chunk_decoder_iface_init))

static gboolean
chunk_error (GError **error)
{
  g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                       _("The engine’s answer is not valid chunked data."));
  return FALSE;
}

/* One line of the size or trailer part, without its CRLF; extensions after
 * ";" are ignored, as HTTP allows. */
static gboolean
chunk_line_done (DockyardChunkDecoder  *self,
                 GError               **error)
{
  char *end;

  self->line[self->line_length] = '\0';
  self->line_length = 0;

  if (self->state == CHUNK_TRAILER)
    {
      if (self->line[0] == '\0')
        self->state = CHUNK_DONE;
      return TRUE;
    }

  if (!g_ascii_isxdigit (self->line[0]))
    return chunk_error (error);
  self->remaining = g_ascii_strtoull (self->line, &end, 16);
  if (*end != '\0' && *end != ';' && *end != ' ' && *end != '\t')
    return chunk_error (error);

  self->state = self->remaining == 0 ? CHUNK_TRAILER : CHUNK_DATA;
  return TRUE;
}

static GConverterResult
dockyard_chunk_decoder_convert (GConverter      *converter,
                                const void      *inbuf,
                                gsize            inbuf_size,
                                void            *outbuf,
                                gsize            outbuf_size,
                                GConverterFlags  flags,
                                gsize           *bytes_read,
                                gsize           *bytes_written,
                                GError         **error)
{
  DockyardChunkDecoder *self = DOCKYARD_CHUNK_DECODER (converter);
  const guint8 *in = inbuf;
  guint8 *out = outbuf;
  gsize i = 0;
  gsize o = 0;

  while (i < inbuf_size && self->state != CHUNK_DONE)
    {
      if (self->state == CHUNK_DATA)
        {
          gsize n = MIN (MIN (inbuf_size - i, outbuf_size - o), self->remaining);

          if (n == 0)
            break;  /* the output is full */
          memcpy (out + o, in + i, n);
          i += n;
          o += n;
          self->remaining -= n;
          if (self->remaining == 0)
            self->state = CHUNK_DATA_END;
          continue;
        }

      /* Lines: the size, the CRLF after the data, the trailer. */
      if (in[i] == '\n')
        {
          i++;
          if (self->state == CHUNK_DATA_END)
            {
              if (self->line_length != 0)
                return chunk_error (error);
              self->state = CHUNK_SIZE_LINE;
            }
          else if (!chunk_line_done (self, error))
            return G_CONVERTER_ERROR;
          continue;
        }
      if (in[i] != '\r')
        {
          if (self->line_length + 1 >= sizeof self->line)
            {
              /* Trailer fields are read past, not kept. */
              if (self->state != CHUNK_TRAILER)
                return chunk_error (error);
              self->line[0] = 'x';
              self->line_length = 1;
            }
          else
            self->line[self->line_length++] = in[i];
        }
      i++;
    }

  *bytes_read = i;
  *bytes_written = o;

  if (self->state == CHUNK_DONE)
    return G_CONVERTER_FINISHED;

  /* Nothing done: say what is missing, or GConverterInputStream would ask
   * again with the same (empty) input for ever. */
  if (i == 0 && o == 0)
    {
      if (flags & G_CONVERTER_INPUT_AT_END)
        g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_CONNECTION_CLOSED,
                             _("The engine closed the connection in the middle of its answer."));
      else if (inbuf_size == 0)
        g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_PARTIAL_INPUT, "more input needed");
      else
        g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_NO_SPACE, "no room for the data");
      return G_CONVERTER_ERROR;
    }

  return G_CONVERTER_CONVERTED;
}

static void
dockyard_chunk_decoder_reset (GConverter *converter)
{
  DockyardChunkDecoder *self = DOCKYARD_CHUNK_DECODER (converter);

  self->state = CHUNK_SIZE_LINE;
  self->remaining = 0;
  self->line_length = 0;
}

static void
dockyard_chunk_decoder_iface_init (GConverterIface *iface)
{
  iface->convert = dockyard_chunk_decoder_convert;
  iface->reset = dockyard_chunk_decoder_reset;
}

static void
dockyard_chunk_decoder_class_init (DockyardChunkDecoderClass *klass)
{
}

static void
dockyard_chunk_decoder_init (DockyardChunkDecoder *self)
{
}

/* What came with the head, then the connection --------------------------------- */

/* The answer's body starts with whatever was read along with the head.
 * Reading it through the head's buffered stream would hold those bytes
 * until more came (a buffered stream fills a short read up from its base),
 * so a build's first progress lines would wait for the next ones, and for
 * ever if the engine then stopped. */
struct _DockyardPrefixedStream
{
  GInputStream  parent_instance;
  GBytes       *prefix;
  gsize         offset;
  GInputStream *base;
};

G_DECLARE_FINAL_TYPE (DockyardPrefixedStream, dockyard_prefixed_stream, DOCKYARD, PREFIXED_STREAM,
                      GInputStream)
G_DEFINE_FINAL_TYPE (DockyardPrefixedStream, dockyard_prefixed_stream, G_TYPE_INPUT_STREAM)

static gssize
dockyard_prefixed_stream_read (GInputStream  *stream,
                               void          *buffer,
                               gsize          count,
                               GCancellable  *cancellable,
                               GError       **error)
{
  DockyardPrefixedStream *self = DOCKYARD_PREFIXED_STREAM (stream);

  if (self->prefix != NULL)
    {
      gsize size;
      const guint8 *data = g_bytes_get_data (self->prefix, &size);
      gsize n = MIN (count, size - self->offset);

      memcpy (buffer, data + self->offset, n);
      self->offset += n;
      if (self->offset == size)
        g_clear_pointer (&self->prefix, g_bytes_unref);
      return n;
    }

  return g_input_stream_read (self->base, buffer, count, cancellable, error);
}

/* The connection is not closed here: it goes with the upload. */
static gboolean
dockyard_prefixed_stream_close (GInputStream  *stream,
                                GCancellable  *cancellable,
                                GError       **error)
{
  return TRUE;
}

static void
dockyard_prefixed_stream_finalize (GObject *object)
{
  DockyardPrefixedStream *self = DOCKYARD_PREFIXED_STREAM (object);

  g_clear_pointer (&self->prefix, g_bytes_unref);
  g_clear_object (&self->base);

  G_OBJECT_CLASS (dockyard_prefixed_stream_parent_class)->finalize (object);
}

static void
dockyard_prefixed_stream_class_init (DockyardPrefixedStreamClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GInputStreamClass *stream_class = G_INPUT_STREAM_CLASS (klass);

  object_class->finalize = dockyard_prefixed_stream_finalize;
  stream_class->read_fn = dockyard_prefixed_stream_read;
  stream_class->close_fn = dockyard_prefixed_stream_close;
}

static void
dockyard_prefixed_stream_init (DockyardPrefixedStream *self)
{
}

/* The upload ------------------------------------------------------------------ */

typedef struct
{
  gatomicrefcount  ref_count;
  GSocketConnection *connection;
  GInputStream    *body;
  char            *head;
  GCancellable    *cancellable;  /* stops the writer */
  GMutex           mutex;
  GError          *body_error;   /* reading the body failed */
} Upload;

static Upload *
upload_ref (Upload *upload)
{
  g_atomic_ref_count_inc (&upload->ref_count);
  return upload;
}

static void
upload_unref (Upload *upload)
{
  if (!g_atomic_ref_count_dec (&upload->ref_count))
    return;

  g_clear_object (&upload->connection);
  g_clear_object (&upload->body);
  g_clear_object (&upload->cancellable);
  g_clear_error (&upload->body_error);
  g_mutex_clear (&upload->mutex);
  g_free (upload->head);
  g_free (upload);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (Upload, upload_unref)

/* Stops the writer and ends the connection both ways, so that the engine
 * and the answer's reader notice at once. */
static void
upload_abort (Upload *upload)
{
  GSocket *socket = g_socket_connection_get_socket (upload->connection);

  g_cancellable_cancel (upload->cancellable);
  g_socket_shutdown (socket, TRUE, TRUE, NULL);
}

/* Writes all of @data to the socket from the worker thread.  The fd is used
 * directly (the main thread reads through the GSocket), in its non-blocking
 * mode, waiting for room with poll() and for a cancel on its fd. */
static gboolean
send_all (Upload       *upload,
          int           fd,
          const guint8 *data,
          gsize         length)
{
  GPollFD cancel_fd;
  gboolean have_cancel_fd = g_cancellable_make_pollfd (upload->cancellable, &cancel_fd);
  gboolean ok = TRUE;

  while (length > 0 && ok)
    {
      gssize n = send (fd, data, length, MSG_NOSIGNAL);

      if (n > 0)
        {
          data += n;
          length -= n;
        }
      else if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR))
        {
          struct pollfd fds[2] = { { fd, POLLOUT, 0 }, { cancel_fd.fd, POLLIN, 0 } };

          poll (fds, have_cancel_fd ? 2 : 1, -1);
          ok = !g_cancellable_is_cancelled (upload->cancellable);
        }
      else
        ok = FALSE;  /* the engine went away; its answer (or lack of one) says why */
    }

  if (have_cancel_fd)
    g_cancellable_release_fd (upload->cancellable);
  return ok;
}

static void
write_request (Upload *upload)
{
  int fd = g_socket_get_fd (g_socket_connection_get_socket (upload->connection));
  /* Room for the chunk's size line before the data and its CRLF after. */
  g_autofree guint8 *buffer = g_malloc (UPLOAD_CHUNK + 32);
  guint8 *data = buffer + 24;

  if (!send_all (upload, fd, (const guint8 *) upload->head, strlen (upload->head)))
    return;

  for (;;)
    {
      g_autoptr(GError) error = NULL;
      gssize n = g_input_stream_read (upload->body, data, UPLOAD_CHUNK, upload->cancellable, &error);
      char size_line[24];
      int size_length;

      if (n < 0)
        {
          if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
            {
              g_mutex_lock (&upload->mutex);
              if (upload->body_error == NULL)
                upload->body_error = g_steal_pointer (&error);
              g_mutex_unlock (&upload->mutex);
              /* A cut body: the engine must not build what it got so far. */
              upload_abort (upload);
            }
          return;
        }

      if (n == 0)
        {
          send_all (upload, fd, (const guint8 *) "0\r\n\r\n", 5);
          return;
        }

      size_length = g_snprintf (size_line, sizeof size_line, "%" G_GSSIZE_MODIFIER "x\r\n", n);
      memcpy (data - size_length, size_line, size_length);
      memcpy (data + n, "\r\n", 2);
      if (!send_all (upload, fd, data - size_length, size_length + n + 2))
        return;
    }
}

static void
writer_thread (GTask        *task,
               gpointer      source_object,
               gpointer      task_data,
               GCancellable *cancellable)
{
  write_request (task_data);
  g_task_return_boolean (task, TRUE);
}

/* The answer ------------------------------------------------------------------ */

/**
 * DockyardUploadStream:
 *
 * The body of the engine's answer to an upload, while the upload may still
 * be going on.  Closing it (or dropping it) ends the connection, which makes
 * the engine stop, e.g. a build.
 */
struct _DockyardUploadStream
{
  GFilterInputStream parent_instance;
  Upload            *upload;
};

G_DEFINE_FINAL_TYPE (DockyardUploadStream, dockyard_upload_stream, G_TYPE_FILTER_INPUT_STREAM)

/* The socket is shut down, not closed: the writer may still hold its fd,
 * which must not be reused under it.  It closes when the last of the
 * stream and the writer lets go of the upload. */
static gboolean
dockyard_upload_stream_close (GInputStream  *stream,
                              GCancellable  *cancellable,
                              GError       **error)
{
  DockyardUploadStream *self = DOCKYARD_UPLOAD_STREAM (stream);

  upload_abort (self->upload);
  return g_input_stream_close (g_filter_input_stream_get_base_stream (G_FILTER_INPUT_STREAM (self)),
                               NULL, error);
}

static void
dockyard_upload_stream_finalize (GObject *object)
{
  DockyardUploadStream *self = DOCKYARD_UPLOAD_STREAM (object);

  if (!g_input_stream_is_closed (G_INPUT_STREAM (self)))
    upload_abort (self->upload);
  g_clear_pointer (&self->upload, upload_unref);

  G_OBJECT_CLASS (dockyard_upload_stream_parent_class)->finalize (object);
}

static void
dockyard_upload_stream_class_init (DockyardUploadStreamClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GInputStreamClass *stream_class = G_INPUT_STREAM_CLASS (klass);

  object_class->finalize = dockyard_upload_stream_finalize;
  stream_class->close_fn = dockyard_upload_stream_close;
}

static void
dockyard_upload_stream_init (DockyardUploadStream *self)
{
}

/**
 * dockyard_upload_stream_dup_body_error:
 *
 * Why the request's body could not be read, e.g. an unreadable file of a
 * build context: the real cause when the answer then breaks off.
 *
 * Returns: (transfer full) (nullable): the error, or %NULL
 */
GError *
dockyard_upload_stream_dup_body_error (DockyardUploadStream *self)
{
  GError *error;

  g_return_val_if_fail (DOCKYARD_IS_UPLOAD_STREAM (self), NULL);

  g_mutex_lock (&self->upload->mutex);
  error = self->upload->body_error != NULL ? g_error_copy (self->upload->body_error) : NULL;
  g_mutex_unlock (&self->upload->mutex);
  return error;
}

/* Sending and reading the head ------------------------------------------------ */

typedef struct
{
  DockyardEngine   *engine;
  Upload           *upload;
  GDataInputStream *input;
  guint             status;
  gboolean          chunked;
  guint             n_lines;
} UploadState;

static void
upload_state_free (UploadState *state)
{
  g_clear_object (&state->engine);
  g_clear_object (&state->input);
  g_clear_pointer (&state->upload, upload_unref);
  g_free (state);
}

static void
upload_fail (GTask  *task,
             GError *error)
{
  UploadState *state = g_task_get_task_data (task);
  GError *body_error = NULL;

  upload_abort (state->upload);

  g_mutex_lock (&state->upload->mutex);
  if (state->upload->body_error != NULL && !g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    body_error = g_error_copy (state->upload->body_error);
  g_mutex_unlock (&state->upload->mutex);

  if (body_error != NULL)
    {
      g_error_free (error);
      error = body_error;
    }
  else if (error->domain == G_IO_ERROR && error->code != G_IO_ERROR_CANCELLED)
    {
      GError *transport = _dockyard_engine_error_from_transport (
                            error, dockyard_engine_get_socket_path (state->engine));

      g_error_free (error);
      error = transport;
    }

  g_task_return_error (task, error);
}

static GInputStream *
answer_body (UploadState *state)
{
  g_autoptr(DockyardPrefixedStream) raw = g_object_new (dockyard_prefixed_stream_get_type (), NULL);
  gsize available = 0;
  const void *buffered;

  buffered = g_buffered_input_stream_peek_buffer (G_BUFFERED_INPUT_STREAM (state->input), &available);
  if (available > 0)
    raw->prefix = g_bytes_new (buffered, available);
  raw->base = g_object_ref (g_io_stream_get_input_stream (G_IO_STREAM (state->upload->connection)));

  if (state->chunked)
    {
      g_autoptr(GConverter) decoder = g_object_new (dockyard_chunk_decoder_get_type (), NULL);

      return g_converter_input_stream_new (G_INPUT_STREAM (raw), decoder);
    }

  return G_INPUT_STREAM (g_steal_pointer (&raw));
}

static void
error_body_cb (GObject      *object,
               GAsyncResult *result,
               gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  UploadState *state = g_task_get_task_data (task);
  g_autoptr(GBytes) body = NULL;

  /* An engine's error without its message is still an error. */
  body = _dockyard_read_all_finish (G_INPUT_STREAM (object), result, NULL);
  upload_abort (state->upload);
  g_task_return_error (task, _dockyard_engine_error_from_reply (state->status, body));
}

static void
header_line_cb (GObject      *object,
                GAsyncResult *result,
                gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  UploadState *state = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;
  g_autofree char *line = NULL;
  gsize length;

  line = _dockyard_read_line_finish (G_BUFFERED_INPUT_STREAM (object), result, &length, &error);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_MESSAGE_TOO_LARGE))
    {
      upload_fail (task, g_error_new (DOCKYARD_ENGINE_ERROR, DOCKYARD_ENGINE_ERROR_MALFORMED_RESPONSE,
                                      _("The engine’s answer has a header line longer than %d KiB."),
                                      MAX_HEADER_LINE / 1024));
      return;
    }

  if (line == NULL)
    {
      if (error == NULL)
        error = g_error_new_literal (G_IO_ERROR, G_IO_ERROR_CONNECTION_CLOSED,
                                     _("The engine closed the connection without an answer."));
      upload_fail (task, g_steal_pointer (&error));
      return;
    }

  if (length > 0 && line[length - 1] == '\r')
    line[--length] = '\0';

  if (state->n_lines++ == 0)
    {
      if (!_dockyard_parse_http_status (line, &state->status))
        {
          g_autofree char *shown = g_utf8_make_valid (line, length);

          upload_fail (task, g_error_new (DOCKYARD_ENGINE_ERROR,
                                          DOCKYARD_ENGINE_ERROR_MALFORMED_RESPONSE,
                                          _("The engine sent a malformed answer: %s"), shown));
          return;
        }
    }
  else if (length == 0)
    {
      g_autoptr(GInputStream) body = answer_body (state);
      DockyardUploadStream *stream;

      if (state->status < 200 || state->status >= 300)
        {
          GCancellable *cancellable = g_task_get_cancellable (task);

          _dockyard_read_all_async (body, MAX_ERROR_BODY, cancellable, error_body_cb,
                                    g_steal_pointer (&task));
          return;
        }

      stream = g_object_new (DOCKYARD_TYPE_UPLOAD_STREAM, "base-stream", body, NULL);
      stream->upload = upload_ref (state->upload);
      g_task_return_pointer (task, stream, g_object_unref);
      return;
    }
  else if (g_ascii_strncasecmp (line, "Transfer-Encoding:", 18) == 0)
    {
      g_autofree char *value = g_ascii_strdown (line + 18, -1);

      state->chunked = strstr (value, "chunked") != NULL;
    }

  if (state->n_lines > MAX_HEADER_LINES)
    {
      upload_fail (task, g_error_new (DOCKYARD_ENGINE_ERROR, DOCKYARD_ENGINE_ERROR_MALFORMED_RESPONSE,
                                      _("The engine sent more than %d header lines."),
                                      MAX_HEADER_LINES));
      return;
    }

  {
    GCancellable *cancellable = g_task_get_cancellable (task);

    _dockyard_read_line_async (G_BUFFERED_INPUT_STREAM (state->input), MAX_HEADER_LINE,
                               cancellable, header_line_cb, g_steal_pointer (&task));
  }
}

static void
connected_cb (GObject      *object,
              GAsyncResult *result,
              gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  UploadState *state = g_task_get_task_data (task);
  g_autoptr(GTask) writer = NULL;
  g_autoptr(GError) error = NULL;
  GCancellable *cancellable;

  state->upload->connection = g_socket_client_connect_finish (G_SOCKET_CLIENT (object), result,
                                                              &error);
  if (state->upload->connection == NULL)
    {
      g_task_return_error (task, _dockyard_engine_error_from_transport (
                                   error, dockyard_engine_get_socket_path (state->engine)));
      return;
    }

  /* The worker writes the request; the answer is read here meanwhile. */
  writer = g_task_new (NULL, NULL, NULL, NULL);
  g_task_set_task_data (writer, upload_ref (state->upload), (GDestroyNotify) upload_unref);
  g_task_run_in_thread (writer, writer_thread);

  state->input = g_data_input_stream_new (
                   g_io_stream_get_input_stream (G_IO_STREAM (state->upload->connection)));
  g_filter_input_stream_set_close_base_stream (G_FILTER_INPUT_STREAM (state->input), FALSE);
  cancellable = g_task_get_cancellable (task);
  _dockyard_read_line_async (G_BUFFERED_INPUT_STREAM (state->input), MAX_HEADER_LINE,
                             cancellable, header_line_cb, g_steal_pointer (&task));
}

static void
cancelled_cb (GCancellable *cancellable,
              Upload       *upload)
{
  g_cancellable_cancel (upload->cancellable);
}

/**
 * dockyard_engine_upload_async:
 * @path: the API path with its (escaped) query, without the version prefix
 * @content_type: the body's type, e.g. "application/x-tar"
 * @body: the request's body, read (blocking) in a worker thread while it
 *   is sent
 * @cancellable: (nullable): cancels the request, and the upload with it
 *
 * POSTs @body over a connection of its own and returns, once the engine's
 * answer begins, its body as a #DockyardUploadStream.  HTTP errors become
 * #DockyardEngineError errors with the engine's message; a failure to read
 * @body is reported as itself.
 */
void
dockyard_engine_upload_async (DockyardEngine      *engine,
                              const char          *path,
                              const char          *content_type,
                              GInputStream        *body,
                              GCancellable        *cancellable,
                              GAsyncReadyCallback  callback,
                              gpointer             user_data)
{
  g_autoptr(GSocketClient) client = g_socket_client_new ();
  g_autoptr(GSocketAddress) address = NULL;
  const char *version = dockyard_engine_get_api_version (engine);
  UploadState *state;
  GTask *task;

  g_return_if_fail (DOCKYARD_IS_ENGINE (engine));
  g_return_if_fail (path != NULL && path[0] == '/');
  g_return_if_fail (G_IS_INPUT_STREAM (body));

  state = g_new0 (UploadState, 1);
  state->engine = g_object_ref (engine);
  state->upload = g_new0 (Upload, 1);
  g_atomic_ref_count_init (&state->upload->ref_count);
  g_mutex_init (&state->upload->mutex);
  state->upload->body = g_object_ref (body);
  state->upload->cancellable = g_cancellable_new ();
  state->upload->head = g_strdup_printf ("POST %s%s%s HTTP/1.1\r\n"
                                         "Host: docker\r\n"
                                         "User-Agent: Dockyard/" PACKAGE_VERSION "\r\n"
                                         "Content-Type: %s\r\n"
                                         "Transfer-Encoding: chunked\r\n"
                                         "Connection: close\r\n"
                                         "\r\n",
                                         version != NULL ? "/v" : "", version != NULL ? version : "",
                                         path, content_type);
  if (cancellable != NULL)
    g_cancellable_connect (cancellable, G_CALLBACK (cancelled_cb),
                           upload_ref (state->upload), (GDestroyNotify) upload_unref);

  task = g_task_new (engine, cancellable, callback, user_data);
  g_task_set_source_tag (task, dockyard_engine_upload_async);
  g_task_set_task_data (task, state, (GDestroyNotify) upload_state_free);

  address = g_unix_socket_address_new (dockyard_engine_get_socket_path (engine));
  g_socket_client_connect_async (client, G_SOCKET_CONNECTABLE (address), cancellable,
                                 connected_cb, task);
}

/**
 * dockyard_engine_upload_finish:
 *
 * Returns: (transfer full): the answer's body, or %NULL with @error set
 */
GInputStream *
dockyard_engine_upload_finish (DockyardEngine  *engine,
                               GAsyncResult    *result,
                               GError         **error)
{
  g_return_val_if_fail (g_task_is_valid (result, engine), NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}
