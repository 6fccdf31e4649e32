/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

#define DOCKYARD_TYPE_CONTEXT_STREAM (dockyard_context_stream_get_type ())

G_DECLARE_FINAL_TYPE (DockyardContextStream, dockyard_context_stream,
                      DOCKYARD, CONTEXT_STREAM, GInputStream)

GInputStream *dockyard_context_stream_new (GInputStream  *source,
                                           GCancellable  *cancellable,
                                           GError       **error);

G_END_DECLS
