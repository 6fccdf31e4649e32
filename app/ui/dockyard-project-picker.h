/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

#include "dockyard-recent-projects.h"

G_BEGIN_DECLS

#define DOCKYARD_TYPE_PROJECT_PICKER (dockyard_project_picker_get_type ())

G_DECLARE_FINAL_TYPE (DockyardProjectPicker, dockyard_project_picker,
                      DOCKYARD, PROJECT_PICKER, AdwBin)

GtkWidget              *dockyard_project_picker_new                 (void);
DockyardRecentProjects *dockyard_project_picker_get_recent_projects (DockyardProjectPicker  *self);
void                    dockyard_project_picker_set_recent_projects (DockyardProjectPicker  *self,
                                                                     DockyardRecentProjects *recent);
const char             *dockyard_project_picker_get_engine_status   (DockyardProjectPicker  *self);
void                    dockyard_project_picker_set_engine_status   (DockyardProjectPicker  *self,
                                                                     const char             *status);
void                    dockyard_project_picker_show_error          (DockyardProjectPicker  *self,
                                                                     const char             *message);

G_END_DECLS
