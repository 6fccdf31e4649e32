/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "dockyard-build-step.h"
#include "dockyard-engine.h"

G_BEGIN_DECLS

typedef enum
{
  DOCKYARD_BUILD_READY,
  DOCKYARD_BUILD_RUNNING,
  DOCKYARD_BUILD_SUCCEEDED,
  DOCKYARD_BUILD_FAILED,
  DOCKYARD_BUILD_CANCELLED,
} DockyardBuildState;

#define DOCKYARD_TYPE_BUILD (dockyard_build_get_type ())

G_DECLARE_FINAL_TYPE (DockyardBuild, dockyard_build, DOCKYARD, BUILD, GObject)

DockyardBuild      *dockyard_build_new               (DockyardEngine       *engine,
                                                      const char           *tag);
void                dockyard_build_set_dockerfile    (DockyardBuild        *self,
                                                      const char           *dockerfile);
void                dockyard_build_set_target        (DockyardBuild        *self,
                                                      const char           *target);
void                dockyard_build_set_stall_check   (DockyardBuild        *self,
                                                      guint                 seconds);
void                dockyard_build_set_network_mode  (DockyardBuild        *self,
                                                      const char           *network_mode);
void                dockyard_build_set_build_arg     (DockyardBuild        *self,
                                                      const char           *name,
                                                      const char           *value);
const char         *dockyard_build_get_tag           (DockyardBuild        *self);
DockyardBuildState  dockyard_build_get_state         (DockyardBuild        *self);
gboolean            dockyard_build_get_buildkit      (DockyardBuild        *self);
const char         *dockyard_build_get_image_id      (DockyardBuild        *self);
const char         *dockyard_build_get_error_message (DockyardBuild        *self);
DockyardBuildStep  *dockyard_build_get_failed_step   (DockyardBuild        *self);
double              dockyard_build_get_progress      (DockyardBuild        *self);
const char * const *dockyard_build_get_warnings      (DockyardBuild        *self);
void                dockyard_build_run_async         (DockyardBuild        *self,
                                                      GInputStream         *context_tar,
                                                      GCancellable         *cancellable,
                                                      GAsyncReadyCallback   callback,
                                                      gpointer              user_data);
char               *dockyard_build_run_finish        (DockyardBuild        *self,
                                                      GAsyncResult         *result,
                                                      GError              **error);

G_END_DECLS
