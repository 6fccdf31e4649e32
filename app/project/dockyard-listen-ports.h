/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/**
 * DockyardListenScope:
 * @DOCKYARD_LISTEN_SCOPE_LOOPBACK: only the container's loopback
 *   (127.0.0.0/8, ::1 or ::ffff:127.x.y.z)
 * @DOCKYARD_LISTEN_SCOPE_ADDRESS: one address that is neither loopback nor
 *   every interface
 * @DOCKYARD_LISTEN_SCOPE_ALL: every interface (0.0.0.0 or ::)
 *
 * Where a TCP port listens, from the narrowest to the widest.
 */
typedef enum
{
  DOCKYARD_LISTEN_SCOPE_LOOPBACK,
  DOCKYARD_LISTEN_SCOPE_ADDRESS,
  DOCKYARD_LISTEN_SCOPE_ALL,
} DockyardListenScope;

/**
 * DockyardListenPort:
 * @port: the TCP port
 * @scope: the widest of the addresses it listens on
 * @address: that address, as text ("0.0.0.0", "::", "127.0.0.1", "::1", ...);
 *   an IPv4-mapped IPv6 address is given as its IPv4 address
 * @ipv4_loopback: whether a connection to 127.0.0.1 reaches it (it listens
 *   on 127.0.0.1, 0.0.0.0, :: or ::ffff:127.0.0.1)
 *
 * A TCP port some process listens on, once per port however many sockets
 * listen on it.
 */
typedef struct
{
  guint16              port;
  DockyardListenScope  scope;
  char                *address;
  gboolean             ipv4_loopback;
} DockyardListenPort;

#define DOCKYARD_LISTEN_PORTS_MAX 1024

GArray *dockyard_listen_ports_parse (const char *text,
                                     gssize      length);

G_END_DECLS
