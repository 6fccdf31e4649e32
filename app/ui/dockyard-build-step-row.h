/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

#include "dockyard-build-step.h"

G_BEGIN_DECLS

#define DOCKYARD_TYPE_BUILD_STEP_ROW (dockyard_build_step_row_get_type ())

G_DECLARE_FINAL_TYPE (DockyardBuildStepRow, dockyard_build_step_row, DOCKYARD, BUILD_STEP_ROW, AdwExpanderRow)

GtkWidget         *dockyard_build_step_row_new      (DockyardBuildStep    *step);
DockyardBuildStep *dockyard_build_step_row_get_step (DockyardBuildStepRow *self);
void               dockyard_build_step_row_stop     (DockyardBuildStepRow *self);
GtkTextBuffer     *dockyard_build_step_row_get_log_buffer (DockyardBuildStepRow *self);

G_END_DECLS
