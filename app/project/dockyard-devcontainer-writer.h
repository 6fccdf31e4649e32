/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "dockyard-project.h"

G_BEGIN_DECLS

char     *dockyard_devcontainer_generate        (DockyardProject      *project,
                                                 const char           *user,
                                                 gboolean              host_network,
                                                 GError              **error);
gboolean  dockyard_devcontainer_create          (DockyardProject      *project,
                                                 const char           *text,
                                                 GCancellable         *cancellable,
                                                 GError              **error);
void      dockyard_devcontainer_create_async    (DockyardProject      *project,
                                                 const char           *text,
                                                 GCancellable         *cancellable,
                                                 GAsyncReadyCallback   callback,
                                                 gpointer              user_data);
gboolean  dockyard_devcontainer_create_finish   (GAsyncResult         *result,
                                                 GError              **error);

G_END_DECLS
