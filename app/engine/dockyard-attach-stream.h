/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "dockyard-engine.h"
#include "dockyard-hijacked-stream.h"

G_BEGIN_DECLS

#define DOCKYARD_TYPE_ATTACH_STREAM (dockyard_attach_stream_get_type ())

G_DECLARE_FINAL_TYPE (DockyardAttachStream, dockyard_attach_stream, DOCKYARD, ATTACH_STREAM,
                      DockyardHijackedStream)

void                  dockyard_attach_stream_new_async  (DockyardEngine       *engine,
                                                         const char           *container_id,
                                                         GCancellable         *cancellable,
                                                         GAsyncReadyCallback   callback,
                                                         gpointer              user_data);
DockyardAttachStream *dockyard_attach_stream_new_finish (GAsyncResult         *result,
                                                         GError              **error);

G_END_DECLS
