/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "dockyard-event-stream.h"

G_BEGIN_DECLS

#define DOCKYARD_TYPE_OBJECT_LIST (dockyard_object_list_get_type ())

G_DECLARE_FINAL_TYPE (DockyardObjectList, dockyard_object_list, DOCKYARD, OBJECT_LIST, GObject)

DockyardObjectList *dockyard_object_list_new_images     (DockyardEventStream *events);
DockyardObjectList *dockyard_object_list_new_containers (DockyardEventStream *events);
gboolean            dockyard_object_list_get_loaded     (DockyardObjectList  *self);
gpointer            dockyard_object_list_lookup         (DockyardObjectList  *self,
                                                         const char          *id);
void                dockyard_object_list_refresh        (DockyardObjectList  *self);

G_END_DECLS
