/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

/**
 * DockyardRecentBuildState:
 * @DOCKYARD_RECENT_BUILD_NONE: not built from Dockyard yet
 * @DOCKYARD_RECENT_BUILD_SUCCEEDED: the last build succeeded
 * @DOCKYARD_RECENT_BUILD_FAILED: the last build failed
 *
 * How a recent project's last build ended.
 */
typedef enum
{
  DOCKYARD_RECENT_BUILD_NONE,
  DOCKYARD_RECENT_BUILD_SUCCEEDED,
  DOCKYARD_RECENT_BUILD_FAILED,
} DockyardRecentBuildState;

/* The most projects the list remembers; older ones drop off the end. */
#define DOCKYARD_RECENT_PROJECTS_MAX 30

#define DOCKYARD_TYPE_RECENT_BUILD_STATE (dockyard_recent_build_state_get_type ())
#define DOCKYARD_TYPE_RECENT_PROJECT (dockyard_recent_project_get_type ())
#define DOCKYARD_TYPE_RECENT_PROJECTS (dockyard_recent_projects_get_type ())

GType dockyard_recent_build_state_get_type (void) G_GNUC_CONST;

G_DECLARE_FINAL_TYPE (DockyardRecentProject, dockyard_recent_project,
                      DOCKYARD, RECENT_PROJECT, GObject)
G_DECLARE_FINAL_TYPE (DockyardRecentProjects, dockyard_recent_projects,
                      DOCKYARD, RECENT_PROJECTS, GObject)

GFile                    *dockyard_recent_project_get_file           (DockyardRecentProject *self);
const char               *dockyard_recent_project_get_path           (DockyardRecentProject *self);
const char               *dockyard_recent_project_get_name           (DockyardRecentProject *self);
gint64                    dockyard_recent_project_get_last_opened    (DockyardRecentProject *self);
DockyardRecentBuildState  dockyard_recent_project_get_build_state    (DockyardRecentProject *self);
gboolean                  dockyard_recent_project_get_checked        (DockyardRecentProject *self);
gboolean                  dockyard_recent_project_get_has_dockerfile (DockyardRecentProject *self);
gboolean                  dockyard_recent_project_get_missing        (DockyardRecentProject *self);

DockyardRecentProjects   *dockyard_recent_projects_new               (GSettings              *settings);
void                      dockyard_recent_projects_add               (DockyardRecentProjects *self,
                                                                      GFile                  *directory);
gboolean                  dockyard_recent_projects_remove            (DockyardRecentProjects *self,
                                                                      GFile                  *directory);
void                      dockyard_recent_projects_set_build_state   (DockyardRecentProjects *self,
                                                                      GFile                  *directory,
                                                                      DockyardRecentBuildState state);
DockyardRecentProject    *dockyard_recent_projects_lookup            (DockyardRecentProjects *self,
                                                                      GFile                  *directory);
void                      dockyard_recent_projects_refresh           (DockyardRecentProjects *self);

G_END_DECLS
