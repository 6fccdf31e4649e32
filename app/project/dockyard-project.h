/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

#include "dockyard-build.h"
#include "dockyard-devcontainer.h"

G_BEGIN_DECLS

#define DOCKYARD_TYPE_PROJECT (dockyard_project_get_type ())

G_DECLARE_FINAL_TYPE (DockyardProject, dockyard_project, DOCKYARD, PROJECT, GObject)

void             dockyard_project_open_async         (GFile               *directory,
                                                      GCancellable        *cancellable,
                                                      GAsyncReadyCallback  callback,
                                                      gpointer             user_data);
DockyardProject *dockyard_project_open_finish        (GAsyncResult        *result,
                                                      GError             **error);
GFile           *dockyard_project_get_directory      (DockyardProject     *self);
const char      *dockyard_project_get_name           (DockyardProject     *self);
const char      *dockyard_project_get_host_path      (DockyardProject     *self);
char            *dockyard_project_dup_path           (DockyardProject     *self);
gboolean         dockyard_project_get_has_dockerfile (DockyardProject     *self);
GFile           *dockyard_project_get_dockerfile     (DockyardProject     *self);
GFile           *dockyard_project_get_context_directory (DockyardProject  *self);
const DockyardDevcontainer *dockyard_project_get_devcontainer (DockyardProject *self);
const char * const *dockyard_project_get_devcontainer_notes (DockyardProject *self);
void             dockyard_project_set_gpu_device     (DockyardProject     *self,
                                                      const char          *device);
const char      *dockyard_project_get_gpu_device     (DockyardProject     *self);
void             dockyard_project_set_published_ports (DockyardProject    *self,
                                                       const guint16      *ports,
                                                       gsize               n_ports);
const guint16   *dockyard_project_get_published_ports (DockyardProject    *self,
                                                       gsize              *n_ports);
char            *dockyard_project_dup_image_name     (DockyardProject     *self);
char            *dockyard_project_dup_default_image_name (DockyardProject *self);
void             dockyard_project_set_image_name     (DockyardProject     *self,
                                                      const char          *image_name);
gboolean         dockyard_project_check_image_name   (const char          *image_name,
                                                      GError             **error);
DockyardBuild   *dockyard_project_new_build          (DockyardProject     *self,
                                                      DockyardEngine      *engine);
void             dockyard_project_open_context_async  (DockyardProject     *self,
                                                       DockyardEngine      *engine,
                                                       GCancellable        *cancellable,
                                                       GAsyncReadyCallback  callback,
                                                       gpointer             user_data);
GInputStream    *dockyard_project_open_context_finish (DockyardProject     *self,
                                                       GAsyncResult        *result,
                                                       char              ***sources,
                                                       GError             **error);
void             dockyard_project_find_step_line_async  (DockyardProject     *self,
                                                         DockyardBuildStep   *step,
                                                         GCancellable        *cancellable,
                                                         GAsyncReadyCallback  callback,
                                                         gpointer             user_data);
guint            dockyard_project_find_step_line_finish (DockyardProject     *self,
                                                         GAsyncResult        *result,
                                                         GError             **error);

G_END_DECLS
