/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

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
char            *dockyard_project_dup_path           (DockyardProject     *self);
gboolean         dockyard_project_get_has_dockerfile (DockyardProject     *self);

G_END_DECLS
