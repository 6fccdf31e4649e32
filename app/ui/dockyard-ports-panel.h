/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

#include "dockyard-dev-ports.h"

G_BEGIN_DECLS

#define DOCKYARD_TYPE_PORTS_PANEL (dockyard_ports_panel_get_type ())

G_DECLARE_FINAL_TYPE (DockyardPortsPanel, dockyard_ports_panel, DOCKYARD, PORTS_PANEL, AdwBin)

GtkWidget        *dockyard_ports_panel_new       (void);
void              dockyard_ports_panel_set_ports (DockyardPortsPanel *self,
                                                  DockyardDevPorts   *ports);
DockyardDevPorts *dockyard_ports_panel_get_ports (DockyardPortsPanel *self);

G_END_DECLS
