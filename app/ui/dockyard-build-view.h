/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

#include "dockyard-build.h"

G_BEGIN_DECLS

#define DOCKYARD_TYPE_BUILD_VIEW (dockyard_build_view_get_type ())

G_DECLARE_FINAL_TYPE (DockyardBuildView, dockyard_build_view, DOCKYARD, BUILD_VIEW, AdwBin)

DockyardBuild *dockyard_build_view_get_build  (DockyardBuildView *self);
void           dockyard_build_view_set_build  (DockyardBuildView *self,
                                               DockyardBuild     *build);
void           dockyard_build_view_show_error (DockyardBuildView *self,
                                               const char        *title,
                                               const char        *message,
                                               guint              line);
void           dockyard_build_view_set_last_build (DockyardBuildView *self,
                                                   const char        *title,
                                                   const char        *description);

void           dockyard_build_view_add_toast  (DockyardBuildView *self,
                                               AdwToast          *toast);

G_END_DECLS
