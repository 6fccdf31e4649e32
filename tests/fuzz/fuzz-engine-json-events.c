/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The /events line parser, reached from fuzz-engine-json.c: included here
 * because dispatch_line() is static and the stream itself needs a socket. */
#include "dockyard-event-stream.c"

void fuzz_event_line (const char *line,
                      gsize       length);

static void
event_cb (DockyardEventStream *stream,
          const char          *type,
          const char          *action,
          const char          *id,
          gpointer             data)
{
  if (type == NULL || action == NULL)
    __builtin_trap ();
}

void
fuzz_event_line (const char *line,
                 gsize       length)
{
  static DockyardEventStream *stream;

  if (stream == NULL)
    {
      DockyardEngine *engine = dockyard_engine_new ("/nonexistent/dockyard-fuzz.sock");

      stream = dockyard_event_stream_new (engine);
      g_signal_connect (stream, "event", G_CALLBACK (event_cb), NULL);
      g_object_unref (engine);
    }

  dispatch_line (stream, line, length);
}
