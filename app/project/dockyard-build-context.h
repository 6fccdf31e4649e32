/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

#define DOCKYARD_TYPE_BUILD_CONTEXT (dockyard_build_context_get_type ())

G_DECLARE_FINAL_TYPE (DockyardBuildContext, dockyard_build_context,
                      DOCKYARD, BUILD_CONTEXT, GObject)

DockyardBuildContext *dockyard_build_context_new             (GFile                 *directory,
                                                              const char            *dockerfile);
GFile                *dockyard_build_context_get_directory   (DockyardBuildContext  *self);
const char           *dockyard_build_context_get_dockerfile_name
                                                             (DockyardBuildContext  *self);
void                  dockyard_build_context_set_sources     (DockyardBuildContext  *self,
                                                              const char * const    *sources);

void                  dockyard_build_context_list_async      (DockyardBuildContext  *self,
                                                              GCancellable          *cancellable,
                                                              GAsyncReadyCallback    callback,
                                                              gpointer               user_data);
char                **dockyard_build_context_list_finish     (DockyardBuildContext  *self,
                                                              GAsyncResult          *result,
                                                              GError               **error);

GInputStream         *dockyard_build_context_open_tar_stream (DockyardBuildContext  *self,
                                                              GCancellable          *cancellable,
                                                              GError               **error);

G_END_DECLS
