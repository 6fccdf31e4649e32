/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "dockyard-build.h"
#include "dockyard-build-step.h"

G_BEGIN_DECLS

DockyardBuildStep *_dockyard_build_step_new          (const char        *id);
gboolean           _dockyard_build_step_set_name     (DockyardBuildStep *self,
                                                      const char        *name);
gboolean           _dockyard_build_step_set_times    (DockyardBuildStep *self,
                                                      gint64             started,
                                                      gint64             completed);
gboolean           _dockyard_build_step_set_cached   (DockyardBuildStep *self,
                                                      gboolean           cached);
gboolean           _dockyard_build_step_set_error    (DockyardBuildStep *self,
                                                      const char        *error);
void               _dockyard_build_step_append_log   (DockyardBuildStep *self,
                                                      const char        *text,
                                                      gsize              length);
void               _dockyard_build_step_set_numbering (DockyardBuildStep        *self,
                                                       DockyardBuildStepNumbering numbering);
void               _dockyard_build_step_finish       (DockyardBuildStep *self,
                                                      gint64             completed);

void               _dockyard_build_feed_line         (DockyardBuild     *self,
                                                      const char        *line,
                                                      gsize              length);
void               _dockyard_build_end               (DockyardBuild     *self);

G_END_DECLS
