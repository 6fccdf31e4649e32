/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <json-glib/json-glib.h>

#include "dockyard-dev-ports.h"

G_BEGIN_DECLS

DockyardDevPort    *_dockyard_dev_port_new              (guint16                   number,
                                                         const DockyardListenPort *listening,
                                                         gboolean                  configured,
                                                         guint16                   host_port,
                                                         const char               *label);
void                _dockyard_dev_port_set_reachability (DockyardDevPort          *port,
                                                         DockyardDevNetwork        network,
                                                         gboolean                  engine_remote,
                                                         gboolean                  engine_has_bridge);
DockyardDevNetwork  _dockyard_dev_ports_read_inspect    (JsonNode                 *inspect,
                                                         GHashTable               *host_ports);

G_END_DECLS
