/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <json-glib/json-glib.h>

G_BEGIN_DECLS

#define DOCKYARD_TYPE_CONTAINER (dockyard_container_get_type ())

G_DECLARE_FINAL_TYPE (DockyardContainer, dockyard_container, DOCKYARD, CONTAINER, GObject)

const char *dockyard_container_get_id      (DockyardContainer *self);
const char *dockyard_container_get_name    (DockyardContainer *self);
const char *dockyard_container_get_image   (DockyardContainer *self);
const char *dockyard_container_get_state   (DockyardContainer *self);
const char *dockyard_container_get_status  (DockyardContainer *self);
gboolean    dockyard_container_get_running (DockyardContainer *self);
const char *dockyard_container_get_label   (DockyardContainer *self,
                                            const char        *key);

G_END_DECLS
