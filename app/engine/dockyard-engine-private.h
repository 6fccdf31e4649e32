/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <json-glib/json-glib.h>
#include <libsoup/soup.h>

#include "dockyard-engine.h"

G_BEGIN_DECLS

SoupSession *_dockyard_engine_get_session           (DockyardEngine *self);
const struct _DockyardRemote *_dockyard_engine_get_transport (DockyardEngine *self);
void         _dockyard_engine_open_connection_async (DockyardEngine      *self,
                                                     GCancellable        *cancellable,
                                                     GAsyncReadyCallback  callback,
                                                     gpointer             user_data);
GSocketConnection *_dockyard_engine_open_connection_finish (DockyardEngine  *self,
                                                            GAsyncResult    *result,
                                                            GError         **error);
GError      *_dockyard_engine_error_from_transport (GError         *error,
                                                    DockyardEngine *engine);
GError      *_dockyard_engine_error_from_reply     (guint         status,
                                                    GBytes       *body);
gboolean     _dockyard_parse_http_status           (const char   *line,
                                                    guint        *status);
const char  *_dockyard_json_get_string             (JsonObject   *object,
                                                    const char   *member);
gint64       _dockyard_json_get_int                (JsonObject   *object,
                                                    const char   *member);

void         _dockyard_read_line_async             (GBufferedInputStream  *stream,
                                                    gsize                  max_length,
                                                    GCancellable          *cancellable,
                                                    GAsyncReadyCallback    callback,
                                                    gpointer               user_data);
char        *_dockyard_read_line_finish            (GBufferedInputStream  *stream,
                                                    GAsyncResult          *result,
                                                    gsize                 *length,
                                                    GError               **error);
void         _dockyard_read_all_async              (GInputStream          *stream,
                                                    gsize                  max_size,
                                                    GCancellable          *cancellable,
                                                    GAsyncReadyCallback    callback,
                                                    gpointer               user_data);
GBytes      *_dockyard_read_all_finish             (GInputStream          *stream,
                                                    GAsyncResult          *result,
                                                    GError               **error);

/* A cancellable that the caller's cancellable or a timer cancels, so an
 * engine that accepts a request and never answers cannot hang its caller. */
typedef struct
{
  GCancellable *cancellable;
  GCancellable *outer;
  gulong        chain_id;
  guint         timeout_id;
} DockyardDeadline;

void         _dockyard_deadline_init               (DockyardDeadline      *deadline,
                                                    GCancellable          *outer,
                                                    guint                  seconds);
void         _dockyard_deadline_clear              (DockyardDeadline      *deadline);
gboolean     _dockyard_deadline_expired            (DockyardDeadline      *deadline,
                                                    const GError          *error);

G_END_DECLS
