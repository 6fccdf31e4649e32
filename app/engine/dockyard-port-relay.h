/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "dockyard-engine.h"

G_BEGIN_DECLS

#define DOCKYARD_TYPE_PORT_RELAY (dockyard_port_relay_get_type ())

G_DECLARE_FINAL_TYPE (DockyardPortRelay, dockyard_port_relay, DOCKYARD, PORT_RELAY, GObject)

DockyardPortRelay *dockyard_port_relay_new             (DockyardEngine       *engine,
                                                        const char           *container_id,
                                                        guint                 port);
void               dockyard_port_relay_start_async     (DockyardPortRelay    *self,
                                                        GCancellable         *cancellable,
                                                        GAsyncReadyCallback   callback,
                                                        gpointer              user_data);
gboolean           dockyard_port_relay_start_finish    (DockyardPortRelay    *self,
                                                        GAsyncResult         *result,
                                                        GError              **error);
guint              dockyard_port_relay_get_local_port  (DockyardPortRelay    *self);
guint              dockyard_port_relay_get_port        (DockyardPortRelay    *self);
void               dockyard_port_relay_stop            (DockyardPortRelay    *self);
guint              dockyard_port_relay_get_n_connections (DockyardPortRelay  *self);
GStrv              dockyard_port_relay_dup_exec_ids    (DockyardPortRelay    *self);

G_END_DECLS
