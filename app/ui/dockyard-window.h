/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

#include "dockyard-dev-session.h"
#include "dockyard-engine-monitor.h"
#include "dockyard-lab-session.h"
#include "dockyard-project.h"
#include "dockyard-recent-projects.h"
#include "dockyard-terminal.h"

G_BEGIN_DECLS

#define DOCKYARD_TYPE_WINDOW (dockyard_window_get_type ())

G_DECLARE_FINAL_TYPE (DockyardWindow, dockyard_window, DOCKYARD, WINDOW, AdwApplicationWindow)

DockyardWindow  *dockyard_window_new          (GtkApplication         *application,
                                               DockyardEngineMonitor  *monitor,
                                               GSettings              *settings,
                                               DockyardRecentProjects *recent_projects);
void             dockyard_window_open_project (DockyardWindow      *self,
                                               GFile               *directory);
DockyardProject *dockyard_window_get_project  (DockyardWindow      *self);
DockyardBuild   *dockyard_window_get_build    (DockyardWindow      *self);
DockyardDevSession *dockyard_window_get_dev_session (DockyardWindow *self);
DockyardLabSession *dockyard_window_get_lab_session (DockyardWindow *self);
DockyardTerminal   *dockyard_window_get_terminal    (DockyardWindow *self,
                                                     guint           index);
const char      *dockyard_window_get_page     (DockyardWindow      *self);

void                dockyard_window_close_without_asking (DockyardWindow *self);
gboolean            dockyard_window_may_ask_before_closing (DockyardWindow *self);

G_END_DECLS
