/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

#include "dockyard-engine.h"
#include "dockyard-event-stream.h"
#include "dockyard-object-list.h"

G_BEGIN_DECLS

typedef enum
{
  DOCKYARD_ENGINE_STATE_CONNECTING,
  DOCKYARD_ENGINE_STATE_READY,
  DOCKYARD_ENGINE_STATE_UNREACHABLE,
  DOCKYARD_ENGINE_STATE_FAILED,
} DockyardEngineState;

#define DOCKYARD_TYPE_ENGINE_MONITOR (dockyard_engine_monitor_get_type ())

G_DECLARE_FINAL_TYPE (DockyardEngineMonitor, dockyard_engine_monitor, DOCKYARD, ENGINE_MONITOR, GObject)

DockyardEngineMonitor *dockyard_engine_monitor_new              (GSettings             *settings);
void                   dockyard_engine_monitor_connect          (DockyardEngineMonitor *self);
void                   dockyard_engine_monitor_disconnect       (DockyardEngineMonitor *self);
DockyardEngineState    dockyard_engine_monitor_get_state        (DockyardEngineMonitor *self);
DockyardEngine        *dockyard_engine_monitor_get_engine       (DockyardEngineMonitor *self);
const GError          *dockyard_engine_monitor_get_error        (DockyardEngineMonitor *self);
DockyardObjectList    *dockyard_engine_monitor_get_images       (DockyardEngineMonitor *self);
DockyardObjectList    *dockyard_engine_monitor_get_containers   (DockyardEngineMonitor *self);
char                  *dockyard_engine_monitor_dup_help         (DockyardEngineMonitor *self,
                                                                 char                 **title);
void                   dockyard_engine_monitor_hold_cleanup     (DockyardEngineMonitor *self);
void                   dockyard_engine_monitor_release_cleanup  (DockyardEngineMonitor *self);
guint                  dockyard_engine_monitor_get_pending_cleanups (DockyardEngineMonitor *self);

G_END_DECLS
