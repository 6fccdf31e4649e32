/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

#include "dockyard-engine.h"
#include "dockyard-event-stream.h"
#include "dockyard-object-list.h"
#include "dockyard-recent-projects.h"

G_BEGIN_DECLS

typedef enum
{
  DOCKYARD_ENGINE_STATE_CONNECTING,
  DOCKYARD_ENGINE_STATE_READY,
  DOCKYARD_ENGINE_STATE_UNREACHABLE,
  DOCKYARD_ENGINE_STATE_FAILED,
} DockyardEngineState;

#define DOCKYARD_TYPE_APPLICATION (dockyard_application_get_type ())

G_DECLARE_FINAL_TYPE (DockyardApplication, dockyard_application, DOCKYARD, APPLICATION, AdwApplication)

DockyardApplication *dockyard_application_new              (void);
GSettings           *dockyard_application_get_settings     (DockyardApplication *self);
DockyardEngineState  dockyard_application_get_engine_state (DockyardApplication *self);
DockyardEngine      *dockyard_application_get_engine       (DockyardApplication *self);
const GError        *dockyard_application_get_engine_error (DockyardApplication *self);
DockyardObjectList  *dockyard_application_get_images       (DockyardApplication *self);
DockyardObjectList  *dockyard_application_get_containers   (DockyardApplication *self);
DockyardRecentProjects *dockyard_application_get_recent_projects (DockyardApplication *self);
void                 dockyard_application_connect_engine   (DockyardApplication *self);
void                 dockyard_application_hold_cleanup     (DockyardApplication *self);
void                 dockyard_application_release_cleanup  (DockyardApplication *self);

G_END_DECLS
