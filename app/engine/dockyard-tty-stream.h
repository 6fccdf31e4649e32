/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

#define DOCKYARD_TYPE_TTY_STREAM (dockyard_tty_stream_get_type ())

G_DECLARE_INTERFACE (DockyardTtyStream, dockyard_tty_stream, DOCKYARD, TTY_STREAM, GObject)

/**
 * DockyardTtyStreamInterface:
 * @write: sends input (keystrokes, pasted text, terminal replies)
 * @resize: tells the engine the terminal's new size
 * @close: ends the stream; #DockyardTtyStream::closed follows
 *
 * An interactive stream to a container's terminal: the same for a
 * container attached through the WebSocket endpoint and for an exec
 * session on an upgraded connection.
 */
struct _DockyardTtyStreamInterface
{
  GTypeInterface parent_iface;

  void (*write)  (DockyardTtyStream *self,
                  const char        *data,
                  gsize              length);
  void (*resize) (DockyardTtyStream *self,
                  guint              rows,
                  guint              columns);
  void (*close)  (DockyardTtyStream *self);
};

void dockyard_tty_stream_write         (DockyardTtyStream *self,
                                        const char        *data,
                                        gsize              length);
void dockyard_tty_stream_resize        (DockyardTtyStream *self,
                                        guint              rows,
                                        guint              columns);
void dockyard_tty_stream_close         (DockyardTtyStream *self);

void _dockyard_tty_stream_emit_output  (DockyardTtyStream *self,
                                        GBytes            *bytes);
void _dockyard_tty_stream_emit_closed  (DockyardTtyStream *self,
                                        const GError      *error);

G_END_DECLS
