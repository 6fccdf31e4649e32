/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

#define DOCKYARD_TYPE_BUILD_RECORD (dockyard_build_record_get_type ())
G_DECLARE_FINAL_TYPE (DockyardBuildRecord, dockyard_build_record, DOCKYARD, BUILD_RECORD, GObject)

DockyardBuildRecord *dockyard_build_record_new             (const char           *tag,
                                                            gint64                started,
                                                            gint64                finished,
                                                            gboolean              succeeded,
                                                            const char           *image_id,
                                                            const char           *failed_step);
const char          *dockyard_build_record_get_tag         (DockyardBuildRecord  *self);
gint64               dockyard_build_record_get_started     (DockyardBuildRecord  *self);
gint64               dockyard_build_record_get_finished    (DockyardBuildRecord  *self);
gboolean             dockyard_build_record_get_succeeded   (DockyardBuildRecord  *self);
const char          *dockyard_build_record_get_image_id    (DockyardBuildRecord  *self);
const char          *dockyard_build_record_get_failed_step (DockyardBuildRecord  *self);

char                *dockyard_build_record_dup_path        (GFile                *project_dir);
void                 dockyard_build_record_save_async      (DockyardBuildRecord  *self,
                                                            GFile                *project_dir,
                                                            GCancellable         *cancellable,
                                                            GAsyncReadyCallback   callback,
                                                            gpointer              user_data);
gboolean             dockyard_build_record_save_finish     (GAsyncResult         *result,
                                                            GError              **error);
void                 dockyard_build_record_load_async      (GFile                *project_dir,
                                                            GCancellable         *cancellable,
                                                            GAsyncReadyCallback   callback,
                                                            gpointer              user_data);
DockyardBuildRecord *dockyard_build_record_load_finish     (GAsyncResult         *result,
                                                            GError              **error);

G_END_DECLS
