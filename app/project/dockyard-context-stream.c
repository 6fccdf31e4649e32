/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <errno.h>
#include <sys/socket.h>
#include <unistd.h>

#include <glib-unix.h>
#include <glib/gi18n.h>

#include "dockyard-context-stream.h"

/* The most the producer reads and passes on at once.  The tar stream gives
 * at most 64 KiB a read; other sources may give more. */
#define BLOCK_SIZE (256 * 1024)

/* Asked for the socket between the threads, where data waits for the
 * reader (in kernel memory; the kernel caps it at net.core.wmem_max).
 * Much more than one block, so the producer sleeps rarely. */
#define SOCKET_BUFFER_SIZE (1024 * 1024)

/**
 * DockyardContextStream:
 *
 * A build context tar stream read ahead on a thread of its own and read
 * back, on the main thread, from a socket that can be polled.
 *
 * The tar stream does blocking file I/O, so GIO reads it asynchronously
 * in its thread pool, one thread hop per read: libsoup sends a request body
 * in 8 KiB reads, which made for hundreds of thousands of context switches
 * per GiB.  Here one thread reads the tar as fast as it is taken and
 * writes it into one end of a socket pair; the stream is the other end,
 * pollable, so an asynchronous read is a plain read() in the main loop.
 * Memory stays bounded by one block and the socket's buffer.
 */

/* What the thread and the stream share.  The thread holds a reference
 * until it ends, so the stream can go away without waiting for it. */
typedef struct
{
  GInputStream *source;       /* only the thread reads it */
  int           fd;           /* the writing end; the thread closes it */
  GCancellable *cancellable;  /* cancelled when the reader goes away */

  GMutex        mutex;
  GError       *error;        /* why the thread stopped early; under mutex */
} Producer;

struct _DockyardContextStream
{
  GInputStream  parent_instance;

  Producer     *producer;
  GCancellable *cancellable;  /* the caller's: it stops the producer too */
  gulong        cancelled_id;
  int           fd;           /* the reading end, non-blocking */
};

static void dockyard_context_stream_pollable_init (GPollableInputStreamInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (DockyardContextStream, dockyard_context_stream,
                               G_TYPE_INPUT_STREAM,
                               G_IMPLEMENT_INTERFACE (G_TYPE_POLLABLE_INPUT_STREAM,
                                                      dockyard_context_stream_pollable_init))

static void
producer_clear (gpointer data)
{
  Producer *producer = data;

  if (producer->fd >= 0)
    close (producer->fd);
  g_clear_object (&producer->source);
  g_clear_object (&producer->cancellable);
  g_mutex_clear (&producer->mutex);
  g_clear_error (&producer->error);
}

static Producer *
producer_ref (Producer *producer)
{
  return g_atomic_rc_box_acquire (producer);
}

static void
producer_unref (Producer *producer)
{
  g_atomic_rc_box_release_full (producer, producer_clear);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (Producer, producer_unref)

static gboolean
send_all (int            fd,
          const guint8  *data,
          gsize          length,
          GError       **error)
{
  while (length > 0)
    {
      /* MSG_NOSIGNAL: a reader that went away is EPIPE here, not a SIGPIPE
       * that would end the application. */
      gssize n = send (fd, data, length, MSG_NOSIGNAL);

      if (n < 0)
        {
          int saved_errno = errno;

          if (saved_errno == EINTR)
            continue;

          g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved_errno),
                       _("Cannot pass on the build context: %s"), g_strerror (saved_errno));
          return FALSE;
        }

      data += n;
      length -= n;
    }

  return TRUE;
}

static gpointer
producer_thread (gpointer data)
{
  g_autoptr(Producer) producer = data;
  g_autofree guint8 *block = g_malloc (BLOCK_SIZE);
  g_autoptr(GError) error = NULL;

  /* One read at a time, not read_all(): a source that has a little now and
   * the rest later (a pipe, a slow disk) must not hold back what it has. */
  for (;;)
    {
      gssize n = g_input_stream_read (producer->source, block, BLOCK_SIZE,
                                      producer->cancellable, &error);

      if (n <= 0 || !send_all (producer->fd, block, n, &error))
        break;
    }

  /* Releases the context's files now rather than with the last reference. */
  g_input_stream_close (producer->source, NULL, NULL);

  if (error != NULL)
    {
      g_mutex_lock (&producer->mutex);
      producer->error = g_steal_pointer (&error);
      g_mutex_unlock (&producer->mutex);
    }

  /* The reader's end of file, which must come after the error is stored:
   * without it a failed archive would look complete. */
  close (producer->fd);
  producer->fd = -1;

  return NULL;
}

static void
cancel_producer_cb (GCancellable *cancellable,
                    gpointer      user_data)
{
  Producer *producer = user_data;

  g_cancellable_cancel (producer->cancellable);
}

/* Safe to call more than once; never blocks. */
static void
stop_producer (DockyardContextStream *self)
{
  if (self->cancelled_id != 0)
    {
      g_cancellable_disconnect (self->cancellable, self->cancelled_id);
      self->cancelled_id = 0;
    }
  g_clear_object (&self->cancellable);

  /* Stops a producer that is reading the context... */
  if (self->producer != NULL)
    g_cancellable_cancel (self->producer->cancellable);

  /* ...and one blocked on a full socket, with EPIPE. */
  if (self->fd >= 0)
    {
      shutdown (self->fd, SHUT_RDWR);
      close (self->fd);
      self->fd = -1;
    }
}

static gssize
read_fd (DockyardContextStream  *self,
         void                   *buffer,
         gsize                   count,
         GError                **error)
{
  gssize n;

  do
    n = read (self->fd, buffer, count);
  while (n < 0 && errno == EINTR);

  if (n < 0)
    {
      int saved_errno = errno;

      if (saved_errno == EAGAIN || saved_errno == EWOULDBLOCK)
        g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_WOULD_BLOCK,
                             g_strerror (saved_errno));
      else
        g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved_errno),
                     _("Cannot read the build context: %s"), g_strerror (saved_errno));
    }
  else if (n == 0)
    {
      g_autoptr(GMutexLocker) locker = g_mutex_locker_new (&self->producer->mutex);

      if (self->producer->error != NULL)
        {
          g_propagate_error (error, g_error_copy (self->producer->error));
          return -1;
        }
    }

  return n;
}

static gssize
dockyard_context_stream_read (GInputStream  *stream,
                              void          *buffer,
                              gsize          count,
                              GCancellable  *cancellable,
                              GError       **error)
{
  DockyardContextStream *self = DOCKYARD_CONTEXT_STREAM (stream);
  GPollFD fds[2] = { { self->fd, G_IO_IN, 0 } };
  guint n_fds = 1;
  gssize n = -1;

  if (g_cancellable_make_pollfd (cancellable, &fds[1]))
    n_fds = 2;

  while (!g_cancellable_set_error_if_cancelled (cancellable, error))
    {
      g_autoptr(GError) local_error = NULL;

      n = read_fd (self, buffer, count, &local_error);
      if (n >= 0)
        break;
      if (!g_error_matches (local_error, G_IO_ERROR, G_IO_ERROR_WOULD_BLOCK))
        {
          g_propagate_error (error, g_steal_pointer (&local_error));
          break;
        }

      /* Nothing yet: wait for the producer or the cancellable. */
      if (g_poll (fds, n_fds, -1) < 0 && errno != EINTR)
        {
          int saved_errno = errno;

          g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved_errno),
                       _("Cannot read the build context: %s"), g_strerror (saved_errno));
          n = -1;
          break;
        }
      n = -1;
    }

  if (n_fds == 2)
    g_cancellable_release_fd (cancellable);

  return n;
}

static gboolean
dockyard_context_stream_close (GInputStream  *stream,
                               GCancellable  *cancellable,
                               GError       **error)
{
  stop_producer (DOCKYARD_CONTEXT_STREAM (stream));
  return TRUE;
}

/* Closing never blocks, so it needs no thread (GInputStream's default
 * close_async runs close in one). */
static void
dockyard_context_stream_close_async (GInputStream        *stream,
                                     int                  io_priority,
                                     GCancellable        *cancellable,
                                     GAsyncReadyCallback  callback,
                                     gpointer             user_data)
{
  g_autoptr(GTask) task = g_task_new (stream, NULL, callback, user_data);

  g_task_set_source_tag (task, dockyard_context_stream_close_async);
  stop_producer (DOCKYARD_CONTEXT_STREAM (stream));
  g_task_return_boolean (task, TRUE);
}

static gboolean
dockyard_context_stream_close_finish (GInputStream  *stream,
                                      GAsyncResult  *result,
                                      GError       **error)
{
  return g_task_propagate_boolean (G_TASK (result), error);
}

static gboolean
dockyard_context_stream_can_poll (GPollableInputStream *stream)
{
  return TRUE;
}

static gboolean
dockyard_context_stream_is_readable (GPollableInputStream *stream)
{
  DockyardContextStream *self = DOCKYARD_CONTEXT_STREAM (stream);
  GPollFD fd = { self->fd, G_IO_IN, 0 };

  /* Closed, hung up or failing: readable, so the read reports it. */
  return self->fd < 0 || g_poll (&fd, 1, 0) != 0;
}

static GSource *
dockyard_context_stream_create_source (GPollableInputStream *stream,
                                       GCancellable         *cancellable)
{
  DockyardContextStream *self = DOCKYARD_CONTEXT_STREAM (stream);
  g_autoptr(GSource) fd_source = NULL;

  if (self->fd >= 0)
    fd_source = g_unix_fd_source_new (self->fd, G_IO_IN);
  else
    fd_source = g_timeout_source_new (0);

  return g_pollable_source_new_full (stream, fd_source, cancellable);
}

static gssize
dockyard_context_stream_read_nonblocking (GPollableInputStream  *stream,
                                          void                  *buffer,
                                          gsize                  count,
                                          GError               **error)
{
  return read_fd (DOCKYARD_CONTEXT_STREAM (stream), buffer, count, error);
}

static void
dockyard_context_stream_finalize (GObject *object)
{
  DockyardContextStream *self = DOCKYARD_CONTEXT_STREAM (object);

  stop_producer (self);
  g_clear_pointer (&self->producer, producer_unref);

  G_OBJECT_CLASS (dockyard_context_stream_parent_class)->finalize (object);
}

static void
dockyard_context_stream_class_init (DockyardContextStreamClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GInputStreamClass *stream_class = G_INPUT_STREAM_CLASS (klass);

  object_class->finalize = dockyard_context_stream_finalize;
  stream_class->read_fn = dockyard_context_stream_read;
  stream_class->close_fn = dockyard_context_stream_close;
  stream_class->close_async = dockyard_context_stream_close_async;
  stream_class->close_finish = dockyard_context_stream_close_finish;
}

static void
dockyard_context_stream_pollable_init (GPollableInputStreamInterface *iface)
{
  iface->can_poll = dockyard_context_stream_can_poll;
  iface->is_readable = dockyard_context_stream_is_readable;
  iface->create_source = dockyard_context_stream_create_source;
  iface->read_nonblocking = dockyard_context_stream_read_nonblocking;
}

static void
dockyard_context_stream_init (DockyardContextStream *self)
{
  self->fd = -1;
}

/**
 * dockyard_context_stream_new:
 * @source: a blocking stream, such as a build context's tar stream
 * @cancellable: (nullable): stops the reading of @source when cancelled
 * @error: return location for an error
 *
 * Starts reading @source on a thread of its own, at most a socket buffer
 * (2 MiB at most) ahead of the returned stream, which can be polled: its
 * asynchronous reads need no thread.  The stream gives what @source gives, then the error that
 * stopped @source if there was one (such as an unreadable file, or
 * %G_IO_ERROR_CANCELLED once @cancellable is cancelled) instead of the end
 * of the stream.  Closing the stream stops the thread and closes @source.
 *
 * The stream takes its own reference to @source; nothing else may read
 * @source afterwards.
 *
 * Returns: (transfer full): the stream, or %NULL if no thread or socket
 *   could be made
 */
GInputStream *
dockyard_context_stream_new (GInputStream  *source,
                             GCancellable  *cancellable,
                             GError       **error)
{
  g_autoptr(DockyardContextStream) self = NULL;
  g_autoptr(GThread) thread = NULL;
  Producer *thread_ref;
  int size = SOCKET_BUFFER_SIZE;
  int fds[2];

  g_return_val_if_fail (G_IS_INPUT_STREAM (source), NULL);
  g_return_val_if_fail (!cancellable || G_IS_CANCELLABLE (cancellable), NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  /* A socket rather than a pipe: send() can refuse SIGPIPE, and a writer
   * waiting on a full socket is woken once most of the buffer is free
   * rather than as soon as the reader takes a page. */
  if (socketpair (AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, fds) != 0)
    {
      int saved_errno = errno;

      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved_errno),
                   _("Cannot start the build context: %s"), g_strerror (saved_errno));
      return NULL;
    }

  self = g_object_new (DOCKYARD_TYPE_CONTEXT_STREAM, NULL);
  self->fd = fds[0];
  self->producer = g_atomic_rc_box_new0 (Producer);
  g_mutex_init (&self->producer->mutex);
  self->producer->fd = fds[1];
  self->producer->source = g_object_ref (source);
  self->producer->cancellable = g_cancellable_new ();

  if (!g_unix_set_fd_nonblocking (self->fd, TRUE, error))
    return NULL;

  /* Only a smaller buffer if refused: more wake-ups, still correct. */
  setsockopt (self->producer->fd, SOL_SOCKET, SO_SNDBUF, &size, sizeof size);

  if (cancellable != NULL)
    {
      self->cancellable = g_object_ref (cancellable);
      self->cancelled_id = g_cancellable_connect (cancellable, G_CALLBACK (cancel_producer_cb),
                                                  producer_ref (self->producer),
                                                  (GDestroyNotify) producer_unref);
    }

  /* A thread of its own rather than GTask's pool: it lives as long as the
   * upload, minutes maybe, and the pool is for short jobs. */
  thread_ref = producer_ref (self->producer);
  thread = g_thread_try_new ("context-stream", producer_thread, thread_ref, error);
  if (thread == NULL)
    {
      producer_unref (thread_ref);
      return NULL;
    }

  return G_INPUT_STREAM (g_steal_pointer (&self));
}
