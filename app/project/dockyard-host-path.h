/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

gboolean  dockyard_host_path_is_sandboxed          (void);
char     *dockyard_host_path_resolve               (GFile               *file,
                                                    GError             **error);
void      dockyard_host_path_resolve_async         (GFile               *file,
                                                    GCancellable        *cancellable,
                                                    GAsyncReadyCallback  callback,
                                                    gpointer             user_data);
char     *dockyard_host_path_resolve_finish        (GAsyncResult        *result,
                                                    GError             **error);
char     *dockyard_flatpak_override_hint           (const char          *socket_path);

void      dockyard_host_path_set_sandbox_for_testing (const char        *flatpak_info,
                                                      const char        *runtime_dir,
                                                      gboolean           use_portal);

G_END_DECLS
