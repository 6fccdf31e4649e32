/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "dockyard-dev-session.h"
#include "dockyard-devcontainer.h"
#include "dockyard-listen-ports.h"

G_BEGIN_DECLS

/**
 * DockyardDevNetwork:
 * @DOCKYARD_DEV_NETWORK_UNKNOWN: not known yet (no dev container running)
 * @DOCKYARD_DEV_NETWORK_HOST: the dev container shares the host's network:
 *   its ports are the host's
 * @DOCKYARD_DEV_NETWORK_BRIDGE: a network of its own; ports reach the host
 *   only where the engine publishes them (on 127.0.0.1)
 * @DOCKYARD_DEV_NETWORK_NONE: no network at all
 */
typedef enum
{
  DOCKYARD_DEV_NETWORK_UNKNOWN,
  DOCKYARD_DEV_NETWORK_HOST,
  DOCKYARD_DEV_NETWORK_BRIDGE,
  DOCKYARD_DEV_NETWORK_NONE,
} DockyardDevNetwork;

#define DOCKYARD_TYPE_DEV_PORT (dockyard_dev_port_get_type ())

G_DECLARE_FINAL_TYPE (DockyardDevPort, dockyard_dev_port, DOCKYARD, DEV_PORT, GObject)

guint16      dockyard_dev_port_get_port          (DockyardDevPort *self);
const char  *dockyard_dev_port_get_label         (DockyardDevPort *self);
gboolean     dockyard_dev_port_get_listening     (DockyardDevPort *self);
DockyardListenScope dockyard_dev_port_get_scope  (DockyardDevPort *self);
const char  *dockyard_dev_port_get_bound_address (DockyardDevPort *self);
gboolean     dockyard_dev_port_get_configured    (DockyardDevPort *self);
guint16      dockyard_dev_port_get_host_port     (DockyardDevPort *self);
const char  *dockyard_dev_port_get_address       (DockyardDevPort *self);
const char  *dockyard_dev_port_get_advice        (DockyardDevPort *self);
gboolean     dockyard_dev_port_get_needs_restart (DockyardDevPort *self);

#define DOCKYARD_TYPE_DEV_PORTS (dockyard_dev_ports_get_type ())

G_DECLARE_FINAL_TYPE (DockyardDevPorts, dockyard_dev_ports, DOCKYARD, DEV_PORTS, GObject)

#define DOCKYARD_DEV_PORTS_INTERVAL_MS 3000

DockyardDevPorts  *dockyard_dev_ports_new              (DockyardDevSession *session);
GListModel        *dockyard_dev_ports_get_model        (DockyardDevPorts   *self);
DockyardDevNetwork dockyard_dev_ports_get_network      (DockyardDevPorts   *self);
gboolean           dockyard_dev_ports_get_polling      (DockyardDevPorts   *self);
char              *dockyard_dev_ports_dup_network_note (DockyardDevPorts   *self);
gboolean           dockyard_dev_ports_get_has_read     (DockyardDevPorts   *self);
void               dockyard_dev_ports_stop             (DockyardDevPorts   *self);

GArray            *dockyard_dev_ports_configured       (const DockyardDevcontainer *devcontainer,
                                                        DockyardProject            *project);
char              *dockyard_dev_ports_dup_label        (const DockyardDevcontainer *devcontainer,
                                                        guint16                     port);

G_END_DECLS
