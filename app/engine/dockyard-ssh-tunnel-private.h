/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

#define DOCKYARD_TYPE_SSH_TUNNEL (dockyard_ssh_tunnel_get_type ())

G_DECLARE_FINAL_TYPE (DockyardSshTunnel, dockyard_ssh_tunnel, DOCKYARD, SSH_TUNNEL, GObject)

DockyardSshTunnel *_dockyard_ssh_tunnel_new             (const char         *uri,
                                                         char              **address,
                                                         GError            **error);
const char        *_dockyard_ssh_tunnel_get_socket_path (DockyardSshTunnel  *self);
char              *_dockyard_ssh_tunnel_dup_last_error  (DockyardSshTunnel  *self);

G_END_DECLS
