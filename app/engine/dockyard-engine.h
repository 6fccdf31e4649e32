/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <json-glib/json-glib.h>
#include <libsoup/soup.h>

#include "dockyard-engine-error.h"

G_BEGIN_DECLS

/* The newest API version Dockyard speaks; the engine's, if lower, wins. */
#define DOCKYARD_ENGINE_API_VERSION "1.47"
/* The oldest it accepts: BuildKit builds through /build?version=2. */
#define DOCKYARD_ENGINE_API_VERSION_MIN "1.40"

/* How long a short request (inspect, create, start, remove, a listing) may
 * wait for its answer by default, in seconds. */
#define DOCKYARD_ENGINE_REQUEST_TIMEOUT 60

#define DOCKYARD_TYPE_ENGINE (dockyard_engine_get_type ())

G_DECLARE_FINAL_TYPE (DockyardEngine, dockyard_engine, DOCKYARD, ENGINE, GObject)

DockyardEngine *dockyard_engine_new                (const char           *socket_path);
DockyardEngine *dockyard_engine_new_for_address    (const char           *address,
                                                    GError              **error);
DockyardEngine *dockyard_engine_new_for_context    (const char           *name,
                                                    GError              **error);
const char     *dockyard_engine_get_socket_path    (DockyardEngine       *self);
const char     *dockyard_engine_get_address        (DockyardEngine       *self);
gboolean        dockyard_engine_get_is_remote      (DockyardEngine       *self);
gboolean        dockyard_engine_get_is_on_this_computer (DockyardEngine  *self);
GError         *dockyard_engine_error_not_on_this_computer (DockyardEngine *engine,
                                                            const char     *what);
const char     *dockyard_engine_get_api_version    (DockyardEngine       *self);
const char     *dockyard_engine_get_name           (DockyardEngine       *self);
const char     *dockyard_engine_get_version        (DockyardEngine       *self);
gboolean        dockyard_engine_get_has_buildkit   (DockyardEngine       *self);
gboolean        dockyard_engine_get_has_bridge     (DockyardEngine       *self);
gboolean        dockyard_engine_get_is_podman      (DockyardEngine       *self);
gboolean        dockyard_engine_get_rootless       (DockyardEngine       *self);
gboolean        dockyard_engine_get_has_cdi        (DockyardEngine       *self);
char           *dockyard_engine_dup_description    (DockyardEngine       *self);
char           *dockyard_engine_dup_security_warning (DockyardEngine     *self);
guint           dockyard_engine_get_request_timeout (DockyardEngine      *self);
void            dockyard_engine_set_request_timeout (DockyardEngine      *self,
                                                     guint                seconds);

void            dockyard_engine_discover_async     (const char           *override_uri,
                                                    GCancellable         *cancellable,
                                                    GAsyncReadyCallback   callback,
                                                    gpointer              user_data);
DockyardEngine *dockyard_engine_discover_finish    (GAsyncResult         *result,
                                                    GError              **error);

void            dockyard_engine_connect_async      (DockyardEngine       *self,
                                                    GCancellable         *cancellable,
                                                    GAsyncReadyCallback   callback,
                                                    gpointer              user_data);
gboolean        dockyard_engine_connect_finish     (DockyardEngine       *self,
                                                    GAsyncResult         *result,
                                                    GError              **error);

void            dockyard_engine_ping_async         (DockyardEngine       *self,
                                                    GCancellable         *cancellable,
                                                    GAsyncReadyCallback   callback,
                                                    gpointer              user_data);
gboolean        dockyard_engine_ping_finish        (DockyardEngine       *self,
                                                    GAsyncResult         *result,
                                                    GError              **error);

void            dockyard_engine_request_async      (DockyardEngine       *self,
                                                    const char           *method,
                                                    const char           *path,
                                                    JsonNode             *body,
                                                    GCancellable         *cancellable,
                                                    GAsyncReadyCallback   callback,
                                                    gpointer              user_data);
JsonNode       *dockyard_engine_request_finish     (DockyardEngine       *self,
                                                    GAsyncResult         *result,
                                                    GError              **error);

SoupMessage    *dockyard_engine_new_message        (DockyardEngine       *self,
                                                    const char           *method,
                                                    const char           *path);
void            dockyard_engine_open_stream_async  (DockyardEngine       *self,
                                                    SoupMessage          *message,
                                                    GCancellable         *cancellable,
                                                    GAsyncReadyCallback   callback,
                                                    gpointer              user_data);
GInputStream   *dockyard_engine_open_stream_finish (DockyardEngine       *self,
                                                    GAsyncResult         *result,
                                                    GError              **error);

/* Containers (dockyard-engine-containers.c) */

void            dockyard_engine_inspect_image_async        (DockyardEngine       *self,
                                                            const char           *name,
                                                            GCancellable         *cancellable,
                                                            GAsyncReadyCallback   callback,
                                                            gpointer              user_data);
GError         *dockyard_engine_image_missing_error        (const char           *image);

void            dockyard_engine_create_container_async     (DockyardEngine       *self,
                                                            const char           *name,
                                                            JsonNode             *config,
                                                            GCancellable         *cancellable,
                                                            GAsyncReadyCallback   callback,
                                                            gpointer              user_data);
char           *dockyard_engine_create_container_finish    (DockyardEngine       *self,
                                                            GAsyncResult         *result,
                                                            GError              **error);
void            dockyard_engine_start_container_async      (DockyardEngine       *self,
                                                            const char           *id,
                                                            GCancellable         *cancellable,
                                                            GAsyncReadyCallback   callback,
                                                            gpointer              user_data);
gboolean        dockyard_engine_start_container_finish     (DockyardEngine       *self,
                                                            GAsyncResult         *result,
                                                            GError              **error);
void            dockyard_engine_inspect_container_async    (DockyardEngine       *self,
                                                            const char           *id,
                                                            GCancellable         *cancellable,
                                                            GAsyncReadyCallback   callback,
                                                            gpointer              user_data);
void            dockyard_engine_resize_tty                 (DockyardEngine       *self,
                                                            const char           *kind,
                                                            const char           *id,
                                                            guint                 rows,
                                                            guint                 columns);
void            dockyard_engine_resize_tty_async           (DockyardEngine       *self,
                                                            const char           *kind,
                                                            const char           *id,
                                                            guint                 rows,
                                                            guint                 columns,
                                                            GCancellable         *cancellable,
                                                            GAsyncReadyCallback   callback,
                                                            gpointer              user_data);
gboolean        dockyard_engine_resize_tty_finish          (DockyardEngine       *self,
                                                            GAsyncResult         *result,
                                                            GError              **error);

void            dockyard_engine_wait_container_async       (DockyardEngine       *self,
                                                            const char           *id,
                                                            GCancellable         *cancellable,
                                                            GAsyncReadyCallback   callback,
                                                            gpointer              user_data);
int             dockyard_engine_wait_container_finish      (DockyardEngine       *self,
                                                            GAsyncResult         *result,
                                                            GError              **error);
void            dockyard_engine_open_container_wait_async  (DockyardEngine       *self,
                                                            const char           *id,
                                                            GCancellable         *cancellable,
                                                            GAsyncReadyCallback   callback,
                                                            gpointer              user_data);
void            dockyard_engine_read_exit_status_async     (DockyardEngine       *self,
                                                            GInputStream         *stream,
                                                            GCancellable         *cancellable,
                                                            GAsyncReadyCallback   callback,
                                                            gpointer              user_data);

gsize           dockyard_engine_demultiplex                (const guint8         *frames,
                                                            gsize                 length,
                                                            GString              *out,
                                                            GString              *err);
void            dockyard_engine_read_container_logs_async  (DockyardEngine       *self,
                                                            const char           *id,
                                                            GCancellable         *cancellable,
                                                            GAsyncReadyCallback   callback,
                                                            gpointer              user_data);
gboolean        dockyard_engine_read_container_logs_finish (DockyardEngine       *self,
                                                            GAsyncResult         *result,
                                                            char                **out,
                                                            char                **err,
                                                            GError              **error);

void            dockyard_engine_follow_container_logs_async (DockyardEngine      *self,
                                                             const char          *id,
                                                             GCancellable        *cancellable,
                                                             GAsyncReadyCallback  callback,
                                                             gpointer             user_data);

void            dockyard_engine_remove_container_async     (DockyardEngine       *self,
                                                            const char           *id,
                                                            GAsyncReadyCallback   callback,
                                                            gpointer              user_data);
gboolean        dockyard_engine_remove_container_finish    (DockyardEngine       *self,
                                                            GAsyncResult         *result,
                                                            GError              **error);

G_END_DECLS
