/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "dockyard-engine.h"
#include "dockyard-tty-stream.h"

G_BEGIN_DECLS

#define DOCKYARD_TYPE_HIJACKED_STREAM (dockyard_hijacked_stream_get_type ())

G_DECLARE_DERIVABLE_TYPE (DockyardHijackedStream, dockyard_hijacked_stream,
                          DOCKYARD, HIJACKED_STREAM, GObject)

struct _DockyardHijackedStreamClass
{
  GObjectClass parent_class;
};

void            _dockyard_hijacked_stream_open_async  (DockyardHijackedStream  *self,
                                                       DockyardEngine          *engine,
                                                       const char              *path,
                                                       const char              *body,
                                                       const char              *resize_kind,
                                                       const char              *resize_id,
                                                       GCancellable            *cancellable,
                                                       GAsyncReadyCallback      callback,
                                                       gpointer                 user_data);
gboolean        _dockyard_hijacked_stream_open_finish (DockyardHijackedStream  *self,
                                                       GAsyncResult            *result,
                                                       GError                 **error);
DockyardEngine *_dockyard_hijacked_stream_get_engine  (DockyardHijackedStream  *self);
void            _dockyard_hijacked_stream_set_raw     (DockyardHijackedStream  *self);
GIOStream      *_dockyard_hijacked_stream_get_connection (DockyardHijackedStream *self);
GInputStream   *_dockyard_hijacked_stream_get_input   (DockyardHijackedStream  *self);

G_END_DECLS
