/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "dockyard-engine.h"

G_BEGIN_DECLS

void   dockyard_orphan_sweep_async  (DockyardEngine       *engine,
                                     GCancellable         *cancellable,
                                     GAsyncReadyCallback   callback,
                                     gpointer              user_data);
guint  dockyard_orphan_sweep_finish (GAsyncResult         *result,
                                     GError              **error);
void   dockyard_orphan_sweep_abandon (const char          *id);

G_END_DECLS
