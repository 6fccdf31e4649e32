/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

#include "dockyard-engine.h"

G_BEGIN_DECLS

/* Where the helper container mounts the volume. */
#define DOCKYARD_VOLUME_SYNC_MOUNT "/dockyard-sync"

#define DOCKYARD_TYPE_VOLUME_SYNC (dockyard_volume_sync_get_type ())

G_DECLARE_FINAL_TYPE (DockyardVolumeSync, dockyard_volume_sync, DOCKYARD, VOLUME_SYNC, GObject)

DockyardVolumeSync  *dockyard_volume_sync_new                   (DockyardEngine       *engine,
                                                                 GFile                *directory);
const char          *dockyard_volume_sync_get_volume_name       (DockyardVolumeSync   *self);
void                 dockyard_volume_sync_set_image             (DockyardVolumeSync   *self,
                                                                 const char           *image);
void                 dockyard_volume_sync_set_user              (DockyardVolumeSync   *self,
                                                                 const char           *user);
gboolean             dockyard_volume_sync_get_busy              (DockyardVolumeSync   *self);
void                 dockyard_volume_sync_run_async             (DockyardVolumeSync   *self,
                                                                 GCancellable         *cancellable,
                                                                 GAsyncReadyCallback   callback,
                                                                 gpointer              user_data);
gboolean             dockyard_volume_sync_run_finish            (DockyardVolumeSync   *self,
                                                                 GAsyncResult         *result,
                                                                 GError              **error);
const char * const  *dockyard_volume_sync_get_conflicts         (DockyardVolumeSync   *self);
const char * const  *dockyard_volume_sync_get_deleted_here      (DockyardVolumeSync   *self);
const char * const  *dockyard_volume_sync_get_deleted_there     (DockyardVolumeSync   *self);
guint                dockyard_volume_sync_get_pulled            (DockyardVolumeSync   *self);
guint                dockyard_volume_sync_get_pushed            (DockyardVolumeSync   *self);
void                 dockyard_volume_sync_apply_deletions_async (DockyardVolumeSync   *self,
                                                                 GCancellable         *cancellable,
                                                                 GAsyncReadyCallback   callback,
                                                                 gpointer              user_data);
gboolean             dockyard_volume_sync_apply_deletions_finish (DockyardVolumeSync  *self,
                                                                  GAsyncResult        *result,
                                                                  GError             **error);

G_END_DECLS
