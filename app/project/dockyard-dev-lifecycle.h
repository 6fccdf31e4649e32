/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "dockyard-devcontainer.h"
#include "dockyard-engine.h"
#include "dockyard-tty-stream.h"

G_BEGIN_DECLS

/* The dev container's launcher waits for this file before it starts the
 * shell, so that the lifecycle commands' output comes before the prompt. */
#define DOCKYARD_LIFECYCLE_MARK "/tmp/.dockyard-lifecycle-done"

void     dockyard_dev_lifecycle_run_async  (DockyardEngine             *engine,
                                            const char                 *container_id,
                                            const DockyardDevcontainer *config,
                                            const char * const         *notes,
                                            const char * const         *env,
                                            const char                 *working_dir,
                                            const char                 *user,
                                            DockyardTtyStream          *terminal,
                                            GCancellable               *cancellable,
                                            GAsyncReadyCallback         callback,
                                            gpointer                    user_data);
gboolean dockyard_dev_lifecycle_run_finish (GAsyncResult               *result,
                                            GError                    **error);

G_END_DECLS
