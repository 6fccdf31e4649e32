/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "dockyard-tty-stream.h"

G_DEFINE_INTERFACE (DockyardTtyStream, dockyard_tty_stream, G_TYPE_OBJECT)

enum {
  OUTPUT,
  CLOSED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static void
dockyard_tty_stream_default_init (DockyardTtyStreamInterface *iface)
{
  /**
   * DockyardTtyStream::output:
   * @bytes: what the container's terminal printed
   */
  signals[OUTPUT] =
    g_signal_new ("output", G_TYPE_FROM_INTERFACE (iface), G_SIGNAL_RUN_LAST, 0,
                  NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_BYTES);

  /**
   * DockyardTtyStream::closed:
   * @error: (nullable): why, when the stream broke rather than ended
   *
   * The stream ended: the process exited, the stream was closed, or the
   * engine went away.  Emitted once.
   */
  signals[CLOSED] =
    g_signal_new ("closed", G_TYPE_FROM_INTERFACE (iface), G_SIGNAL_RUN_LAST, 0,
                  NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_ERROR);
}

void
dockyard_tty_stream_write (DockyardTtyStream *self,
                           const char        *data,
                           gsize              length)
{
  g_return_if_fail (DOCKYARD_IS_TTY_STREAM (self));

  if (length > 0)
    DOCKYARD_TTY_STREAM_GET_IFACE (self)->write (self, data, length);
}

/**
 * dockyard_tty_stream_resize:
 *
 * Sizes the container's terminal; the engine accepts it only while the
 * process runs.
 */
void
dockyard_tty_stream_resize (DockyardTtyStream *self,
                            guint              rows,
                            guint              columns)
{
  g_return_if_fail (DOCKYARD_IS_TTY_STREAM (self));

  if (rows > 0 && columns > 0)
    DOCKYARD_TTY_STREAM_GET_IFACE (self)->resize (self, rows, columns);
}

void
dockyard_tty_stream_close (DockyardTtyStream *self)
{
  g_return_if_fail (DOCKYARD_IS_TTY_STREAM (self));

  DOCKYARD_TTY_STREAM_GET_IFACE (self)->close (self);
}

void
_dockyard_tty_stream_emit_output (DockyardTtyStream *self,
                                  GBytes            *bytes)
{
  g_signal_emit (self, signals[OUTPUT], 0, bytes);
}

void
_dockyard_tty_stream_emit_closed (DockyardTtyStream *self,
                                  const GError      *error)
{
  g_signal_emit (self, signals[CLOSED], 0, error);
}
