/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "dockyard-engine.h"

G_BEGIN_DECLS

void  dockyard_engine_exec_collect_async  (DockyardEngine       *engine,
                                           const char           *container_id,
                                           const char * const   *argv,
                                           const char * const   *env,
                                           const char           *working_dir,
                                           const char           *user,
                                           gsize                 max_output,
                                           GCancellable         *cancellable,
                                           GAsyncReadyCallback   callback,
                                           gpointer              user_data);
char *dockyard_engine_exec_collect_finish (DockyardEngine       *engine,
                                           GAsyncResult         *result,
                                           int                  *exit_status,
                                           GError              **error);

G_END_DECLS
