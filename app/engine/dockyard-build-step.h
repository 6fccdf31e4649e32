/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib-object.h>

G_BEGIN_DECLS

typedef enum
{
  DOCKYARD_BUILD_STEP_WAITING,
  DOCKYARD_BUILD_STEP_RUNNING,
  DOCKYARD_BUILD_STEP_DONE,
  DOCKYARD_BUILD_STEP_CACHED,
  DOCKYARD_BUILD_STEP_FAILED,
} DockyardBuildStepState;

/**
 * DockyardBuildStepNumbering:
 * @DOCKYARD_BUILD_STEP_NUMBERING_NONE: the step is no instruction
 * @DOCKYARD_BUILD_STEP_NUMBERING_BUILDKIT: N of "[N/M]" counts the
 *   instructions of the stage that make a BuildKit step (FROM an image, RUN,
 *   COPY, ADD, WORKDIR); ENV, LABEL, ARG and the like make none
 * @DOCKYARD_BUILD_STEP_NUMBERING_STAGE: N counts every instruction of the
 *   stage, FROM being 1 (buildah, as Podman builds)
 * @DOCKYARD_BUILD_STEP_NUMBERING_FILE: N counts every instruction of the
 *   file (Docker's classic builder)
 *
 * What the step's number counts, which differs between builders.
 */
typedef enum
{
  DOCKYARD_BUILD_STEP_NUMBERING_NONE,
  DOCKYARD_BUILD_STEP_NUMBERING_BUILDKIT,
  DOCKYARD_BUILD_STEP_NUMBERING_STAGE,
  DOCKYARD_BUILD_STEP_NUMBERING_FILE,
} DockyardBuildStepNumbering;

#define DOCKYARD_TYPE_BUILD_STEP (dockyard_build_step_get_type ())

G_DECLARE_FINAL_TYPE (DockyardBuildStep, dockyard_build_step, DOCKYARD, BUILD_STEP, GObject)

const char             *dockyard_build_step_get_id          (DockyardBuildStep *self);
const char             *dockyard_build_step_get_name        (DockyardBuildStep *self);
DockyardBuildStepState  dockyard_build_step_get_state       (DockyardBuildStep *self);
gboolean                dockyard_build_step_get_cached      (DockyardBuildStep *self);
const char             *dockyard_build_step_get_error       (DockyardBuildStep *self);
gint64                  dockyard_build_step_get_duration    (DockyardBuildStep *self);
const char             *dockyard_build_step_get_log         (DockyardBuildStep *self);
char                   *dockyard_build_step_dup_log_tail    (DockyardBuildStep *self,
                                                             guint              n_lines);
char                   *dockyard_build_step_dup_log_summary (DockyardBuildStep *self,
                                                             guint              n_lines);
const char             *dockyard_build_step_get_stage       (DockyardBuildStep *self);
guint                   dockyard_build_step_get_index       (DockyardBuildStep *self);
guint                   dockyard_build_step_get_total       (DockyardBuildStep *self);
const char             *dockyard_build_step_get_instruction (DockyardBuildStep *self);
DockyardBuildStepNumbering dockyard_build_step_get_numbering (DockyardBuildStep *self);

G_END_DECLS
