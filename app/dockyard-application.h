/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

#include "dockyard-engine-monitor.h"
#include "dockyard-recent-projects.h"

G_BEGIN_DECLS

#define DOCKYARD_TYPE_APPLICATION (dockyard_application_get_type ())

G_DECLARE_FINAL_TYPE (DockyardApplication, dockyard_application, DOCKYARD, APPLICATION, AdwApplication)

DockyardApplication    *dockyard_application_new                (void);
GSettings              *dockyard_application_get_settings       (DockyardApplication *self);
DockyardEngineMonitor  *dockyard_application_get_engine_monitor (DockyardApplication *self);
DockyardRecentProjects *dockyard_application_get_recent_projects (DockyardApplication *self);

G_END_DECLS
