/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

/* The JupyterLab that "Add JupyterLab" pins in requirements.txt. */
#define DOCKYARD_PINNED_JUPYTERLAB "jupyterlab==4.2.5"

void     dockyard_requirements_file_add_async  (GFile                *directory,
                                                const char           *requirement,
                                                GCancellable         *cancellable,
                                                GAsyncReadyCallback   callback,
                                                gpointer              user_data);
gboolean dockyard_requirements_file_add_finish (GAsyncResult         *result,
                                                GError              **error);

G_END_DECLS
