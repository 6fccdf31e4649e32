/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "dockyard-container-spec.h"
#include "dockyard-engine.h"

G_BEGIN_DECLS

/**
 * DockyardContainerRunStep:
 * @DOCKYARD_CONTAINER_RUN_READY: not run yet
 * @DOCKYARD_CONTAINER_RUN_CREATING: the engine is creating the container
 * @DOCKYARD_CONTAINER_RUN_STARTING: it exists and is being started
 * @DOCKYARD_CONTAINER_RUN_WAITING: it runs; waiting for its exit
 * @DOCKYARD_CONTAINER_RUN_READING_OUTPUT: it exited; reading what it wrote
 * @DOCKYARD_CONTAINER_RUN_REMOVING: it is being removed
 * @DOCKYARD_CONTAINER_RUN_DONE: finished, the container is gone
 */
typedef enum
{
  DOCKYARD_CONTAINER_RUN_READY,
  DOCKYARD_CONTAINER_RUN_CREATING,
  DOCKYARD_CONTAINER_RUN_STARTING,
  DOCKYARD_CONTAINER_RUN_WAITING,
  DOCKYARD_CONTAINER_RUN_READING_OUTPUT,
  DOCKYARD_CONTAINER_RUN_REMOVING,
  DOCKYARD_CONTAINER_RUN_DONE,
} DockyardContainerRunStep;

#define DOCKYARD_TYPE_CONTAINER_RUN (dockyard_container_run_get_type ())

G_DECLARE_FINAL_TYPE (DockyardContainerRun, dockyard_container_run, DOCKYARD, CONTAINER_RUN, GObject)

DockyardContainerRun     *dockyard_container_run_new             (DockyardEngine              *engine,
                                                                  const DockyardContainerSpec *spec);
void                      dockyard_container_run_set_read_output (DockyardContainerRun        *self,
                                                                  gboolean                     read_output);
DockyardContainerRunStep  dockyard_container_run_get_step        (DockyardContainerRun        *self);
int                       dockyard_container_run_get_exit_status (DockyardContainerRun        *self);
const char               *dockyard_container_run_get_stdout      (DockyardContainerRun        *self);
const char               *dockyard_container_run_get_stderr      (DockyardContainerRun        *self);

void                      dockyard_container_run_async           (DockyardContainerRun        *self,
                                                                  GCancellable                *cancellable,
                                                                  GAsyncReadyCallback          callback,
                                                                  gpointer                     user_data);
gboolean                  dockyard_container_run_finish          (DockyardContainerRun        *self,
                                                                  GAsyncResult                *result,
                                                                  GError                     **error);

void                      dockyard_container_finish_stops        (DockyardEngine              *engine,
                                                                  const char                  *id,
                                                                  GPtrArray                  **pending_stops);

G_END_DECLS
