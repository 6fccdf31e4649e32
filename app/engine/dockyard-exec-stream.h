/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "dockyard-engine.h"
#include "dockyard-hijacked-stream.h"

G_BEGIN_DECLS

#define DOCKYARD_TYPE_EXEC_STREAM (dockyard_exec_stream_get_type ())

G_DECLARE_FINAL_TYPE (DockyardExecStream, dockyard_exec_stream, DOCKYARD, EXEC_STREAM,
                      DockyardHijackedStream)

void                dockyard_exec_stream_new_async        (DockyardEngine       *engine,
                                                           const char           *container_id,
                                                           const char * const   *argv,
                                                           const char * const   *env,
                                                           const char           *working_dir,
                                                           const char           *user,
                                                           GCancellable         *cancellable,
                                                           GAsyncReadyCallback   callback,
                                                           gpointer              user_data);
DockyardExecStream *dockyard_exec_stream_new_finish       (GAsyncResult         *result,
                                                           GError              **error);
const char         *dockyard_exec_stream_get_exec_id      (DockyardExecStream   *self);
void                dockyard_exec_stream_get_exit_code_async  (DockyardExecStream   *self,
                                                               GCancellable         *cancellable,
                                                               GAsyncReadyCallback   callback,
                                                               gpointer              user_data);
int                 dockyard_exec_stream_get_exit_code_finish (DockyardExecStream   *self,
                                                               GAsyncResult         *result,
                                                               GError              **error);

G_END_DECLS
