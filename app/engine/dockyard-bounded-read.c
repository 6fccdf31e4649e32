/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Reading from the engine with a bound on memory (and waiting for it with a
 * bound on time, see the deadlines at the end).  GDataInputStream's line
 * reader doubles its buffer until it sees a newline, so an engine that sends
 * one endless line would make it take all memory; these readers give up at
 * a given length instead. */
#include "config.h"

#include <string.h>

#include "dockyard-engine-private.h"

/* Lines ----------------------------------------------------------------------- */

typedef struct
{
  gsize max_length;
  /* How much of the buffer is known to hold no newline: a long line is
   * scanned once, not again after every read. */
  gsize scanned;
} ReadLineState;

static void fill_cb (GObject      *object,
                     GAsyncResult *result,
                     gpointer      user_data);

/* Takes the first @length bytes of the buffer (and @skip more) as the line.
 * They are served from the buffer, without I/O; that must happen before the
 * task returns, since its callback may read the next line at once. */
static void
return_line (GTask                *task,
             GBufferedInputStream *stream,
             gsize                 length,
             gsize                 skip)
{
  g_autoptr(GError) error = NULL;
  const char *buffer;
  gsize available;
  char *line;

  buffer = g_buffered_input_stream_peek_buffer (stream, &available);
  g_assert (available >= length + skip);
  line = g_malloc (length + 1);
  memcpy (line, buffer, length);
  line[length] = '\0';

  if (g_input_stream_skip (G_INPUT_STREAM (stream), length + skip, NULL, &error) != (gssize) (length + skip))
    g_critical ("Cannot skip a buffered line: %s", error ? error->message : "short skip");

  g_task_return_pointer (task, g_bytes_new_take (line, length + 1), (GDestroyNotify) g_bytes_unref);
}

/* Hands back a line when the buffer holds one; otherwise reads more, growing
 * the buffer up to the bound. */
static void
read_line_step (GTask *task)
{
  GBufferedInputStream *stream = g_task_get_source_object (task);
  ReadLineState *state = g_task_get_task_data (task);
  gsize max_length = state->max_length;
  const char *buffer;
  const char *end;
  gsize available;
  gsize size;

  /* Unread data only grows while a line is looked for (filling may move
   * it within the buffer, but not change it). */
  buffer = g_buffered_input_stream_peek_buffer (stream, &available);
  g_assert (state->scanned <= available);
  end = memchr (buffer + state->scanned, '\n', available - state->scanned);
  state->scanned = available;

  if (end == NULL ? available > max_length : (gsize) (end - buffer) > max_length)
    {
      g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_MESSAGE_TOO_LARGE,
                               "A line is longer than %" G_GSIZE_FORMAT " bytes", max_length);
      g_object_unref (task);
      return;
    }

  if (end != NULL)
    {
      return_line (task, stream, end - buffer, 1);
      g_object_unref (task);
      return;
    }

  /* The line plus its newline must fit: never more than max_length + 1. */
  size = g_buffered_input_stream_get_buffer_size (stream);
  if (available == size && size <= max_length)
    g_buffered_input_stream_set_buffer_size (stream, MIN (size * 2, max_length + 1));

  g_buffered_input_stream_fill_async (stream, -1, G_PRIORITY_DEFAULT,
                                      g_task_get_cancellable (task), fill_cb, task);
}

static void
fill_cb (GObject      *object,
         GAsyncResult *result,
         gpointer      user_data)
{
  GTask *task = user_data;
  GBufferedInputStream *stream = G_BUFFERED_INPUT_STREAM (object);
  GError *error = NULL;
  gssize n_read;

  n_read = g_buffered_input_stream_fill_finish (stream, result, &error);
  if (n_read < 0)
    {
      g_task_return_error (task, error);
      g_object_unref (task);
      return;
    }

  if (n_read == 0)
    {
      gsize available = g_buffered_input_stream_get_available (stream);

      /* The end of the stream ends the last line, as with GDataInputStream. */
      if (available > 0)
        return_line (task, stream, available, 0);
      else
        g_task_return_pointer (task, NULL, NULL);
      g_object_unref (task);
      return;
    }

  read_line_step (task);
}

/**
 * _dockyard_read_line_async:
 * @stream: a buffered stream of the engine's answer
 * @max_length: the longest line accepted, in bytes, without its newline
 *
 * Reads one line ended by `\n` (not included).  A line longer than
 * @max_length fails with %G_IO_ERROR_MESSAGE_TOO_LARGE after at most
 * @max_length + 1 bytes were buffered; the caller should then close the
 * stream.  At the end of the stream the result is %NULL without an error.
 */
void
_dockyard_read_line_async (GBufferedInputStream *stream,
                           gsize                 max_length,
                           GCancellable         *cancellable,
                           GAsyncReadyCallback   callback,
                           gpointer              user_data)
{
  GTask *task;
  ReadLineState *state;

  g_return_if_fail (G_IS_BUFFERED_INPUT_STREAM (stream));
  g_return_if_fail (max_length > 0 && max_length < G_MAXSIZE / 2);

  task = g_task_new (stream, cancellable, callback, user_data);
  g_task_set_source_tag (task, _dockyard_read_line_async);
  state = g_new0 (ReadLineState, 1);
  state->max_length = max_length;
  g_task_set_task_data (task, state, g_free);

  read_line_step (task);
}

/**
 * _dockyard_read_line_finish:
 * @length: (out) (optional): the line's length in bytes
 *
 * Returns: (transfer full) (nullable): the line, %NULL at the end of the
 *   stream or with @error set
 */
char *
_dockyard_read_line_finish (GBufferedInputStream  *stream,
                            GAsyncResult          *result,
                            gsize                 *length,
                            GError               **error)
{
  g_autoptr(GBytes) bytes = NULL;
  gsize size = 0;
  char *line;

  g_return_val_if_fail (g_task_is_valid (result, stream), NULL);

  bytes = g_task_propagate_pointer (G_TASK (result), error);
  if (bytes == NULL)
    {
      if (length != NULL)
        *length = 0;
      return NULL;
    }

  line = g_bytes_unref_to_data (g_steal_pointer (&bytes), &size);
  if (length != NULL)
    *length = size - 1;
  return line;
}

/* Whole bodies ---------------------------------------------------------------- */

typedef struct
{
  guint8 *buffer;
  gsize   max_size;
} ReadAllState;

static void
read_all_state_free (ReadAllState *state)
{
  g_free (state->buffer);
  g_free (state);
}

static void
read_all_cb (GObject      *object,
             GAsyncResult *result,
             gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  ReadAllState *state = g_task_get_task_data (task);
  GError *error = NULL;
  gsize n_read = 0;

  if (!g_input_stream_read_all_finish (G_INPUT_STREAM (object), result, &n_read, &error))
    {
      g_task_return_error (task, error);
      return;
    }

  if (n_read > state->max_size)
    {
      g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_MESSAGE_TOO_LARGE,
                               "The body is larger than %" G_GSIZE_FORMAT " bytes",
                               state->max_size);
      return;
    }

  g_task_return_pointer (task, g_bytes_new (state->buffer, n_read), (GDestroyNotify) g_bytes_unref);
}

/**
 * _dockyard_read_all_async:
 * @max_size: the largest body accepted, in bytes (a buffer of this size is
 *   allocated: for small answers only)
 *
 * Reads @stream to its end.  A longer body fails with
 * %G_IO_ERROR_MESSAGE_TOO_LARGE once @max_size + 1 bytes have arrived.
 */
void
_dockyard_read_all_async (GInputStream        *stream,
                          gsize                max_size,
                          GCancellable        *cancellable,
                          GAsyncReadyCallback  callback,
                          gpointer             user_data)
{
  GTask *task;
  ReadAllState *state;

  g_return_if_fail (G_IS_INPUT_STREAM (stream));
  g_return_if_fail (max_size > 0 && max_size <= 16 * 1024 * 1024);

  task = g_task_new (stream, cancellable, callback, user_data);
  g_task_set_source_tag (task, _dockyard_read_all_async);
  state = g_new0 (ReadAllState, 1);
  state->max_size = max_size;
  state->buffer = g_malloc (max_size + 1);
  g_task_set_task_data (task, state, (GDestroyNotify) read_all_state_free);

  g_input_stream_read_all_async (stream, state->buffer, max_size + 1, G_PRIORITY_DEFAULT,
                                 cancellable, read_all_cb, task);
}

/**
 * _dockyard_read_all_finish:
 *
 * Returns: (transfer full): the body, or %NULL with @error set
 */
GBytes *
_dockyard_read_all_finish (GInputStream  *stream,
                           GAsyncResult  *result,
                           GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, stream), NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

/* Deadlines ------------------------------------------------------------------ */

static gboolean
deadline_cb (gpointer data)
{
  DockyardDeadline *deadline = data;

  /* The source is gone once this returns: _dockyard_deadline_clear() must
   * not remove it. */
  deadline->timeout_id = 0;
  g_cancellable_cancel (deadline->cancellable);
  return G_SOURCE_REMOVE;
}

static void
chain_cancel_cb (GCancellable *outer,
                 GCancellable *inner)
{
  g_cancellable_cancel (inner);
}

/* @seconds 0: no timer, only the caller's cancellable. */
void
_dockyard_deadline_init (DockyardDeadline *deadline,
               GCancellable *outer,
               guint         seconds)
{
  deadline->cancellable = g_cancellable_new ();
  if (outer != NULL)
    {
      deadline->outer = g_object_ref (outer);
      deadline->chain_id = g_cancellable_connect (outer, G_CALLBACK (chain_cancel_cb),
                                                  deadline->cancellable, NULL);
    }
  if (seconds > 0)
    deadline->timeout_id = g_timeout_add_seconds (seconds, deadline_cb, deadline);
}

void
_dockyard_deadline_clear (DockyardDeadline *deadline)
{
  g_clear_handle_id (&deadline->timeout_id, g_source_remove);
  if (deadline->outer != NULL)
    g_cancellable_disconnect (deadline->outer, deadline->chain_id);
  g_clear_object (&deadline->outer);
  g_clear_object (&deadline->cancellable);
}

/* Whether @error is the timer's doing rather than the caller's. */
gboolean
_dockyard_deadline_expired (DockyardDeadline *deadline,
                  const GError *error)
{
  return g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED) &&
         (deadline->outer == NULL || !g_cancellable_is_cancelled (deadline->outer));
}
