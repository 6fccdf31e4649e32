/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

#include "dockyard-engine.h"

G_BEGIN_DECLS

#define DOCKYARD_TYPE_UPLOAD_STREAM (dockyard_upload_stream_get_type ())

G_DECLARE_FINAL_TYPE (DockyardUploadStream, dockyard_upload_stream,
                      DOCKYARD, UPLOAD_STREAM, GFilterInputStream)

GError       *dockyard_upload_stream_dup_body_error (DockyardUploadStream *self);

void          dockyard_engine_upload_async          (DockyardEngine       *engine,
                                                     const char           *path,
                                                     const char           *content_type,
                                                     GInputStream         *body,
                                                     GCancellable         *cancellable,
                                                     GAsyncReadyCallback   callback,
                                                     gpointer              user_data);
GInputStream *dockyard_engine_upload_finish         (DockyardEngine       *engine,
                                                     GAsyncResult         *result,
                                                     GError              **error);

G_END_DECLS
