/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "dockyard-engine.h"

G_BEGIN_DECLS

#define DOCKYARD_TYPE_EVENT_STREAM (dockyard_event_stream_get_type ())

G_DECLARE_FINAL_TYPE (DockyardEventStream, dockyard_event_stream, DOCKYARD, EVENT_STREAM, GObject)

DockyardEventStream *dockyard_event_stream_new           (DockyardEngine      *engine);
DockyardEngine      *dockyard_event_stream_get_engine    (DockyardEventStream *self);
gboolean             dockyard_event_stream_get_connected (DockyardEventStream *self);
const GError        *dockyard_event_stream_get_error     (DockyardEventStream *self);
void                 dockyard_event_stream_start         (DockyardEventStream *self);
void                 dockyard_event_stream_stop          (DockyardEventStream *self);

G_END_DECLS
